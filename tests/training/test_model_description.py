"""The layer list: structure checks, shapes, parameter counts, initialisation shared by the
engines."""

import numpy as np
import pytest

import rnnlab
from rnnlab import layers as L
from rnnlab.initializers import initial_parameters
from rnnlab.recurrent_spec import RecurrentSpec


def test_summary_shows_shapes_and_the_1_3_4_parameter_ratio(capsys):
    counts = {}
    for cell in ("rnn", "gru", "lstm"):
        model = rnnlab.build(cell, input_size=8, hidden_size=16, output_size=10, task="classify")
        model.summary()
        text = capsys.readouterr().out
        assert "(batch, time, 8)" in text and "(batch, 16)" in text and "(batch, 10)" in text
        recurrent = model.layers[1].num_parameters(("time", 8))
        assert f"{recurrent:,}" in text
        assert f"Total parameters: {model.num_parameters():,}" in text
        counts[cell] = recurrent
    assert counts["gru"] == 3 * counts["rnn"] and counts["lstm"] == 4 * counts["rnn"]


def test_parameter_counts_match_the_weights():
    model = rnnlab.Sequential([
        L.Embedding(20, 4), L.LSTM(5, num_layers=2, bidirectional=True, output="sequence"),
        L.GRU(3, output="last"), L.Dropout(0.1), L.Dense(2), L.Softmax()])
    described = sum(layer.num_parameters(shape)
                    for layer, shape in zip(model.layers, model.input_shapes, strict=True))
    assert described == model.num_parameters()
    assert model.task == "classify" and model.tokens and model.output_shape == (2,)


def test_recurrent_weights_come_from_the_shared_initializers():
    model = rnnlab.build("lstm", input_size=3, hidden_size=4, output_size=1, task="regress",
                         seed=7)
    seed = int(np.random.SeedSequence([7, 1]).generate_state(1)[0])
    expected = initial_parameters(RecurrentSpec("lstm", 3, 4), seed, dtype=np.float64)
    for name, value in expected.items():
        np.testing.assert_array_equal(model.params[f"1.{name}"], value)
    assert np.all(model.params["1.bias_ih_l0"][4:8] == 1.0)        # forget gate bias
    again = rnnlab.build("lstm", input_size=3, hidden_size=4, output_size=1, task="regress",
                         seed=7)
    for name, value in model.params.items():
        np.testing.assert_array_equal(again.params[name], value)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_both_engines_start_from_identical_weights(cell):
    model = rnnlab.build(cell, input_size=3, hidden_size=5, output_size=4, task="classify",
                         num_layers=2, bidirectional=True)
    X = np.random.default_rng(0).standard_normal((4, 6, 3))
    fast = model.to("torch", dtype="float64").predict(X)
    slow = model.to("reference", dtype="float64").predict(X)
    np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("layers, message", [
    ([], "empty"),
    ([L.LSTM(3), L.Dense(1)], "first layer"),
    ([L.SequenceInput(2), L.Dense(1)], "at least one recurrent"),
    ([L.SequenceInput(2), L.LSTM(3), L.LSTM(3), L.Dense(1)], "output='last'"),
    ([L.SequenceInput(2), L.LSTM(3)], "last layer must be Dense"),
    ([L.SequenceInput(2), L.LSTM(3), L.Softmax()], "must follow a Dense"),
    ([L.SequenceInput(2), L.LSTM(3), L.SequenceInput(2), L.Dense(1)], "must be the first"),
    (["LSTM", L.Dense(1)], "not an rnnlab layer"),
])
def test_a_bad_layer_list_is_refused_with_the_reason(layers, message):
    with pytest.raises(ValueError, match=message):
        rnnlab.Sequential(layers)


@pytest.mark.parametrize("make, message", [
    (lambda: L.LSTM(0), "hidden_size must be a positive integer"),
    (lambda: L.GRU(4, dropout=0.5), "needs num_layers > 1"),
    (lambda: L.RNN(4, output="all"), "output must be one of"),
    (lambda: L.Dropout(1.0), r"probability in \[0, 1\)"),
    (lambda: L.SequenceInput(3, normalization="minmax"), "normalization must be one of"),
    (lambda: rnnlab.build("transformer", input_size=1, hidden_size=1, output_size=1,
                          task="regress"), "cell must be"),
])
def test_bad_layer_settings_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_build_makes_the_three_tasks():
    shapes = {task: rnnlab.build("gru", input_size=2, hidden_size=3, output_size=4,
                                 task=task).output_shape
              for task in ("classify", "regress", "sequence")}
    assert shapes == {"classify": (4,), "regress": (4,), "sequence": ("time", 4)}
    text = rnnlab.build("lstm", input_size=4, hidden_size=3, output_size=9, task="sequence",
                        vocab_size=9, num_layers=2, dropout=0.2)
    assert [layer.kind for layer in text.layers] == ["Embedding", "LSTM", "Dropout", "Dense",
                                                     "Softmax"]
    assert text.layers[1].dropout == 0.2


def test_layer_configs_round_trip():
    for layer in (L.SequenceInput(3, "zscore"), L.Embedding(5, 2), L.RNN(4, nonlinearity="relu"),
                  L.LSTM(4, 2, True, 0.1, "sequence"), L.Dropout(0.3), L.Dense(2), L.Softmax()):
        assert L.layer_from_config(layer.to_config()) == layer
    with pytest.raises(ValueError, match="unknown layer type"):
        L.layer_from_config({"type": "Conv1D"})
