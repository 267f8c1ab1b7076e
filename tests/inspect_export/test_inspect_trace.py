"""rnnlab.inspect.trace: traced outputs equal the model's, gates obey their equations, files."""

from __future__ import annotations

import json

import numpy as np
import pytest

import rnnlab
from rnnlab.inspect import Trace, trace
from rnnlab.inspect.trace import LayerTrace


def ragged(n=4, features=2, seed=0, lengths=(6, 3, 5, 1)):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((lengths[i % len(lengths)], features)) for i in range(n)]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_traced_predictions_equal_the_models_own(cell):
    X = np.random.default_rng(1).standard_normal((24, 5, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    model = rnnlab.build(cell, input_size=2, hidden_size=5, output_size=2, task="classify",
                         num_layers=2, bidirectional=True, normalization="zscore", seed=3)
    rnnlab.train(model, X, y, rnnlab.TrainingOptions(max_epochs=2, batch_size=8, verbose=False))
    t = trace(model, X[:6], y[:6])
    # The model's own predict on its own (torch, float32) engine.
    assert np.max(np.abs(t.predictions - model.predict(X[:6]))) < 1e-6
    model.to("torch", dtype="float64")
    assert np.max(np.abs(t.predictions - model.predict(X[:6]))) < 1e-12
    assert t.names == [f"1.{cell}_l0", f"1.{cell}_l0_reverse", f"1.{cell}_l1",
                       f"1.{cell}_l1_reverse"]
    assert np.isfinite(t.loss) and t.loss_kind == "model"


def test_final_hidden_state_is_what_the_dense_layer_reads():
    # output="last" hands h at each sequence's last valid step (forward) and h at step 0
    # (reverse) to the Dense layer: recompute the logits from the traced states.
    model = rnnlab.Sequential([rnnlab.layers.SequenceInput(2),
                               rnnlab.layers.GRU(4, bidirectional=True),
                               rnnlab.layers.Dense(3)], seed=1)
    X = ragged()
    t = trace(model, X)
    rows = np.arange(len(X))
    forward = t["1.gru_l0"].hidden[rows, t.lengths - 1]
    backward = t["1.gru_l0_reverse"].hidden[:, 0]
    h = np.concatenate([forward, backward], axis=1)
    logits = h @ model.params["2.weight"].T + model.params["2.bias"]
    assert np.max(np.abs(logits - model.predict(X))) < 1e-6
    assert np.max(np.abs(logits - t.predictions)) < 1e-12


def test_sequence_model_hidden_states_are_its_outputs():
    model = rnnlab.Sequential([rnnlab.layers.SequenceInput(2),
                               rnnlab.layers.LSTM(3, output="sequence"),
                               rnnlab.layers.Dense(3)], seed=2)
    X = ragged()
    t = trace(model, X)
    out = model.predict(X)                       # ragged in → list out
    for b, length in enumerate(t.lengths):
        h = t["1.lstm_l0"].hidden[b, :length]
        expected = h @ model.params["2.weight"].T + model.params["2.bias"]
        assert np.max(np.abs(expected - out[b])) < 1e-6
        assert np.all(np.isnan(t["1.lstm_l0"].hidden[b, length:]))


def test_lstm_gates_obey_the_cell_equations():
    model = rnnlab.build("lstm", input_size=2, hidden_size=4, output_size=1, task="regress")
    t = trace(model, np.random.default_rng(0).standard_normal((3, 6, 2)), gradients=False)
    layer = t["1.lstm_l0"]
    i, f, g, o = (layer.gates[k] for k in "ifgo")
    c_prev = np.concatenate([np.zeros_like(layer.cell_state[:, :1]),
                             layer.cell_state[:, :-1]], axis=1)
    np.testing.assert_allclose(layer.cell_state, f * c_prev + i * g, atol=1e-12)
    np.testing.assert_allclose(layer.hidden, o * np.tanh(layer.cell_state), atol=1e-12)
    assert np.all((i > 0) & (i < 1)) and np.all(np.abs(g) < 1)
    assert layer.grad_hidden is None and t.loss_kind == "none"


def test_gru_gates_obey_the_update_equation():
    model = rnnlab.build("gru", input_size=2, hidden_size=4, output_size=1, task="regress")
    t = trace(model, np.random.default_rng(0).standard_normal((3, 6, 2)))
    layer = t["1.gru_l0"]
    r, z, n = (layer.gates[k] for k in "rzn")
    h_prev = np.concatenate([np.zeros_like(layer.hidden[:, :1]), layer.hidden[:, :-1]], axis=1)
    np.testing.assert_allclose(layer.hidden, (1 - z) * n + z * h_prev, atol=1e-12)
    assert np.all((r > 0) & (r < 1))


def test_token_model_traces():
    model = rnnlab.build("gru", input_size=4, hidden_size=3, output_size=2, task="classify",
                         vocab_size=10)
    X = np.random.default_rng(0).integers(0, 10, size=(3, 5))
    t = trace(model, X, [0, 1, 0])
    assert np.max(np.abs(t.predictions - model.predict(X))) < 1e-6
    assert np.all(np.isfinite(t["1.gru_l0"].grad_hidden))


def test_saturation_counts_values_near_the_ends():
    gates = {"f": np.array([[[0.01, 0.5], [0.99, np.nan]]]),
             "g": np.array([[[-0.99, 0.2], [0.97, np.nan]]])}
    layer = LayerTrace("1.lstm_l0", "lstm", 1, 0, 0, gates=gates, hidden=np.zeros((1, 2, 2)))
    t = Trace(layers=[layer], lengths=np.array([2]), predictions=np.zeros((1, 1)))
    assert t.saturation() == {"1.lstm_l0": {"f": 2 / 3, "g": 2 / 3}}


def test_save_npz_and_plots(tmp_path):
    model = rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=2, task="classify")
    t = trace(model, ragged(), [0, 1, 1, 0])
    path = t.save_npz(tmp_path / "trace.npz")
    with np.load(path, allow_pickle=False) as data:
        keys = set(data.files)
        assert {"1.lstm_l0/gate_i", "1.lstm_l0/cell_state", "1.lstm_l0/grad_hidden",
                "lengths", "predictions", "loss", "meta"} <= keys
        np.testing.assert_array_equal(data["1.lstm_l0/gate_f"], t["1.lstm_l0"].gates["f"])
        meta = json.loads(str(data["meta"]))
    assert meta["loss_kind"] == "model" and "1.lstm_l0" in meta["saturation"]
    paths = t.plot(tmp_path / "plots", sample=1)
    names = {p.name for p in paths}
    assert {"1.lstm_l0_gate_f.png", "1.lstm_l0_cell_state.png", "1.lstm_l0_hidden.png",
            "gradient_flow.png"} <= names
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in paths)
    with pytest.raises(ValueError, match="sample must index"):
        t.plot(tmp_path / "plots", sample=9)


def test_bad_input_is_one_clear_error():
    model = rnnlab.build("rnn", input_size=2, hidden_size=3, output_size=1, task="regress")
    with pytest.raises(ValueError, match="features"):
        trace(model, np.zeros((2, 4, 5)))
    with pytest.raises(ValueError, match="Sequential"):
        trace(object(), np.zeros((2, 4, 2)))
    with pytest.raises(KeyError, match="no traced layer"):
        trace(model, np.zeros((2, 4, 2)))["9.gru_l0"]
