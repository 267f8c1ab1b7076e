"""Keras-layout converters: exact round trips, and Keras's own equations (written out here in
NumPy, since TensorFlow is not installed) give our reference engine's step on converted weights."""

from __future__ import annotations

import numpy as np
import pytest

import rnnlab
from rnnlab import reference
from rnnlab.export import from_keras, model_from_keras, model_to_keras, to_keras

STACKS = {"rnn": reference.RNN, "lstm": reference.LSTM, "gru": reference.GRU}


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def keras_step(cell, weights, x, h, c=None):
    """One step of keras.layers.SimpleRNN / LSTM / GRU(reset_after=True), from Keras's source
    equations; ``x`` (B, I), ``h`` and ``c`` (B, H). Returns h' (and c')."""
    kernel, recurrent, bias = weights["kernel"], weights["recurrent_kernel"], weights["bias"]
    if cell == "rnn":
        return np.tanh(x @ kernel + h @ recurrent + bias)
    if cell == "lstm":
        i, f, cc, o = np.split(x @ kernel + h @ recurrent + bias, 4, axis=-1)
        c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(cc)
        return sigmoid(o) * np.tanh(c_new), c_new
    if bias.ndim == 1:                                   # reset_after=False: one bias
        x_z, x_r, x_h = np.split(x @ kernel + bias, 3, axis=-1)
        u_z, u_r, u_h = np.split(recurrent, 3, axis=-1)
        z, r = sigmoid(x_z + h @ u_z), sigmoid(x_r + h @ u_r)
        candidate = np.tanh(x_h + (r * h) @ u_h)
        return z * h + (1.0 - z) * candidate
    x_z, x_r, x_h = np.split(x @ kernel + bias[0], 3, axis=-1)
    h_z, h_r, h_h = np.split(h @ recurrent + bias[1], 3, axis=-1)
    z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
    candidate = np.tanh(x_h + r * h_h)
    return z * h + (1.0 - z) * candidate


def test_keras_equations_of_the_reset_before_gru_equal_our_step():
    stack = reference.GRU(3, 4, dtype=np.float64, seed=0, reset_after=False)
    keras = to_keras("gru", random_state(stack), reset_after=False)
    assert keras["bias"].shape == (12,)
    rng = np.random.default_rng(1)
    x, h0 = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    y, _ = stack.forward(x[:, None], h0[None])
    np.testing.assert_allclose(keras_step("gru", keras, x, h0), y[:, 0], rtol=0, atol=1e-12)
    theirs = reference.GRU(3, 4, dtype=np.float64, reset_after=False)
    theirs.load_state_dict(from_keras("gru", keras, reset_after=False))
    np.testing.assert_allclose(theirs.forward(x[:, None], h0[None])[0], y, rtol=0, atol=1e-12)


def random_state(stack):
    """Random non-trivial weights (both biases non-zero) loaded into a float64 stack."""
    rng = np.random.default_rng(7)
    stack.load_state_dict({k: rng.normal(0, 0.5, v.shape) for k, v in stack.params.items()})
    return stack.state_dict()


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_keras_equations_on_converted_weights_equal_our_step(cell):
    stack = STACKS[cell](3, 4, dtype=np.float64, seed=0)
    keras = to_keras(cell, random_state(stack))
    rng = np.random.default_rng(1)
    x, h0, c0 = rng.normal(size=(5, 3)), rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    if cell == "lstm":
        y, (_, c_n) = stack.forward(x[:, None], (h0[None], c0[None]))
        h_k, c_k = keras_step(cell, keras, x, h0, c0)
        np.testing.assert_allclose(c_k, c_n[0], rtol=0, atol=1e-12)
    else:
        y, _ = stack.forward(x[:, None], h0[None])
        h_k = keras_step(cell, keras, x, h0)
    np.testing.assert_allclose(h_k, y[:, 0], rtol=0, atol=1e-12)
    # ... and weights coming *from* Keras run the same step in our engine.
    theirs = STACKS[cell](3, 4, dtype=np.float64)
    theirs.load_state_dict(from_keras(cell, keras))
    y2, _ = theirs.forward(x[:, None], (h0[None], c0[None]) if cell == "lstm" else h0[None])
    np.testing.assert_allclose(y2, y, rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_round_trips_are_exact(cell):
    stack = STACKS[cell](3, 4, bidirectional=True, dtype=np.float64, seed=0)
    state = random_state(stack)
    for suffix in ("l0", "l0_reverse"):
        keras = to_keras(cell, state, suffix)
        back = from_keras(cell, keras, suffix)
        for name in ("weight_ih", "weight_hh"):
            np.testing.assert_array_equal(back[f"{name}_{suffix}"], state[f"{name}_{suffix}"])
        b_ih, b_hh = back[f"bias_ih_{suffix}"], back[f"bias_hh_{suffix}"]
        if cell == "gru":          # Keras keeps both GRU biases: exact
            np.testing.assert_array_equal(b_ih, state[f"bias_ih_{suffix}"])
            np.testing.assert_array_equal(b_hh, state[f"bias_hh_{suffix}"])
        else:                      # one Keras bias: exact for the sum, the split is lost
            np.testing.assert_array_equal(b_ih + b_hh,
                                          state[f"bias_ih_{suffix}"] + state[f"bias_hh_{suffix}"])
            assert not np.any(b_hh)
        # Keras → rnnlab → Keras gives back every Keras array exactly.
        again = to_keras(cell, back, suffix)
        for key in keras:
            np.testing.assert_array_equal(again[key], keras[key])
        again_list = to_keras(cell, from_keras(cell, list(keras.values()), suffix), suffix)
        np.testing.assert_array_equal(again_list["kernel"], keras["kernel"])


def test_keras_shapes_and_gate_order():
    stack = reference.LSTM(3, 2, dtype=np.float64, seed=0)
    state = random_state(stack)
    keras = to_keras("lstm", state)
    assert keras["kernel"].shape == (3, 8) and keras["recurrent_kernel"].shape == (2, 8)
    assert keras["bias"].shape == (8,)
    # Keras's forget block (2nd) is PyTorch's forget block (2nd): same i, f, c(g), o order.
    np.testing.assert_array_equal(keras["kernel"][:, 2:4], state["weight_ih_l0"][2:4].T)
    gru = to_keras("gru", random_state(reference.GRU(3, 2, dtype=np.float64)))
    g_state = reference.GRU(3, 2, dtype=np.float64)
    g_state.load_state_dict(from_keras("gru", gru))
    # Keras's first block is the update gate z, PyTorch's second.
    np.testing.assert_array_equal(gru["kernel"][:, :2], g_state.params["weight_ih_l0"][2:4].T)
    assert gru["bias"].shape == (2, 6)


def test_whole_model_round_trip_keeps_predictions():
    model = rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=2, task="classify",
                         num_layers=2, bidirectional=True, seed=3).to("reference",
                                                                   dtype="float64")
    X = np.random.default_rng(0).standard_normal((4, 5, 2))
    before = model.predict(X)
    weights = model_to_keras(model)
    assert sorted(weights) == ["1.lstm_l0", "1.lstm_l0_reverse", "1.lstm_l1",
                               "1.lstm_l1_reverse", "2.dense"]
    assert weights["2.dense"]["kernel"].shape == (6, 2)
    model_from_keras(model, weights)
    np.testing.assert_allclose(model.predict(X), before, rtol=0, atol=1e-12)
    del weights["2.dense"]
    with pytest.raises(ValueError, match=r"no entry .2\.dense."):
        model_from_keras(model, weights)


def test_bad_keras_weights_are_refused_clearly():
    with pytest.raises(ValueError, match="pass reset_after=False"):
        from_keras("gru", [np.zeros((3, 6)), np.zeros((2, 6)), np.zeros(6)])
    with pytest.raises(ValueError, match=r"reset_after=True has bias \(2, 3H\)"):
        from_keras("gru", [np.zeros((3, 6)), np.zeros((2, 6)), np.zeros((2, 6))],
                   reset_after=False)
    peephole = rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=1,
                            task="regress", peepholes=True)
    with pytest.raises(ValueError, match="peepholes=True, which Keras's LSTM does not have"):
        model_to_keras(peephole)
    with pytest.raises(ValueError, match="weight_ci_l0, weight_cf_l0, weight_co_l0"):
        to_keras("lstm", reference.LSTM(2, 3, peepholes=True).state_dict())
    with pytest.raises(ValueError, match="MinGRU, which Keras has no layer for"):
        model_to_keras(rnnlab.build("mingru", input_size=2, hidden_size=3, output_size=1,
                                    task="regress"))
    with pytest.raises(ValueError, match="kernel"):
        from_keras("lstm", [np.zeros((3, 6)), np.zeros((2, 8)), np.zeros(8)])
    with pytest.raises(ValueError, match="cell must be"):
        to_keras("transformer", {})
    with pytest.raises(ValueError, match="no 'weight_ih_l1'"):
        to_keras("rnn", reference.RNN(2, 2).state_dict(), "l1")
