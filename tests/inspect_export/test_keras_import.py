"""``rnnlab.from_keras`` against Keras 3 itself (torch backend): layers and models converted
with their configuration give Keras's outputs to 1e-6 in float32 — the reset-before GRU
(``reset_after=False``) included — and configurations rnnlab cannot represent are refused in
one sentence naming the attribute and its value."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras", reason="Keras 3 is not installed (pip install keras)")
if keras.backend.backend() != "torch":   # pragma: no cover - another backend was chosen first
    pytest.skip(f"Keras runs on {keras.backend.backend()!r} here; these tests use torch",
                allow_module_level=True)

import rnnlab  # noqa: E402
from rnnlab.export.keras_import import KerasImportError  # noqa: E402

RNG = np.random.default_rng(0)


def randomise(model):
    """Non-trivial weights everywhere (biases included), so a misplaced block shows."""
    for layer in model.layers:
        weights = layer.get_weights()
        if weights:
            layer.set_weights([RNG.normal(0, 0.5, w.shape).astype(np.float32) for w in weights])
    return model


def sequences(batch=5, steps=7, features=3):
    return RNG.standard_normal((batch, steps, features)).astype(np.float32)


@pytest.mark.parametrize("reset_after", [False, True])
def test_gru_layers_match_keras(reset_after):
    layer = keras.layers.GRU(4, reset_after=reset_after, return_sequences=True)
    keras_model = randomise(keras.Sequential([keras.Input((None, 3)), layer]))
    stack = rnnlab.from_keras(layer)
    assert stack.spec.reset_after is reset_after
    x = sequences()
    y, h_n = stack.forward(x)
    assert np.abs(y - np.asarray(keras_model.predict(x, verbose=0))).max() <= 1e-6
    assert np.abs(h_n[0] - y[:, -1]).max() == 0


@pytest.mark.parametrize("build", [
    lambda: [keras.layers.Bidirectional(keras.layers.GRU(4, reset_after=False,
                                                         return_sequences=True)),
             keras.layers.LSTM(5), keras.layers.Dense(3, activation="softmax")],
    lambda: [keras.layers.SimpleRNN(4, activation="relu", return_sequences=True),
             keras.layers.Dropout(0.3), keras.layers.Dense(2)],
    lambda: [keras.layers.GRU(6, use_bias=False), keras.layers.Dense(2, use_bias=False)],
], ids=["bi-gru-reset-before+lstm+softmax", "relu-rnn-per-step", "no-biases"])
def test_models_match_keras_predictions(build):
    keras_model = randomise(keras.Sequential([keras.Input((None, 3)), *build()]))
    model = rnnlab.from_keras(keras_model)
    x = sequences()
    expected = np.asarray(keras_model.predict(x, verbose=0))
    for engine, dtype in (("torch", "float32"), ("reference", "float64")):
        got = model.to(engine, dtype=dtype).predict(x)
        assert np.abs(got - expected).max() <= 1e-6, engine


def test_a_functional_model_with_an_embedding():
    tokens = keras.Input((None,), dtype="int32")
    out = keras.layers.Dense(4, activation="softmax")(
        keras.layers.LSTM(3)(keras.layers.Embedding(11, 5)(tokens)))
    keras_model = randomise(keras.Model(tokens, out))
    model = rnnlab.from_keras(keras_model)
    assert [layer.kind for layer in model.layers] == ["Embedding", "LSTM", "Dense", "Softmax"]
    ids = RNG.integers(0, 11, (4, 6)).astype(np.int32)
    assert np.abs(model.predict(ids) - np.asarray(keras_model.predict(ids, verbose=0))).max() \
        <= 1e-6


@pytest.mark.parametrize(("layer", "says"), [
    (lambda: keras.layers.LSTM(3, recurrent_activation="hard_sigmoid"),
     "recurrent_activation='hard_sigmoid'"),
    (lambda: keras.layers.LSTM(3, activation="relu"), "activation='relu'"),
    (lambda: keras.layers.GRU(3, activation="sigmoid"), "activation='sigmoid'"),
    (lambda: keras.layers.SimpleRNN(3, activation="sigmoid"), "activation='sigmoid'"),
    (lambda: keras.layers.GRU(3, go_backwards=True), "go_backwards=True"),
    (lambda: keras.layers.LSTM(3, recurrent_dropout=0.2), "recurrent_dropout=0.2"),
    (lambda: keras.layers.LSTM(3, dropout=0.1), "dropout=0.1"),
    (lambda: keras.layers.Bidirectional(keras.layers.GRU(3), merge_mode="sum"),
     "merge_mode='sum'"),
])
def test_what_rnnlab_cannot_represent_is_refused_in_one_sentence(layer, says):
    keras_model = keras.Sequential([keras.Input((None, 2)), layer(), keras.layers.Dense(1)])
    for target in (keras_model, keras_model.layers[0]):
        with pytest.raises(KerasImportError) as info:
            rnnlab.from_keras(target)
        assert says in str(info.value) and "\n" not in str(info.value)


def test_masking_and_layers_without_an_rnnlab_form_are_refused():
    masked = keras.Sequential([keras.Input((None,), dtype="int32"),
                               keras.layers.Embedding(5, 2, mask_zero=True),
                               keras.layers.GRU(3), keras.layers.Dense(1)])
    with pytest.raises(KerasImportError, match="mask_zero=True"):
        rnnlab.from_keras(masked)
    convolution = keras.Sequential([keras.Input((None, 2)), keras.layers.Conv1D(3, 2),
                                    keras.layers.GRU(3), keras.layers.Dense(1)])
    with pytest.raises(KerasImportError, match=r"Conv1D layer .* has no rnnlab equivalent"):
        rnnlab.from_keras(convolution)
