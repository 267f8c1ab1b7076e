"""ONNX-layout converters: exact round trips, and the ONNX LSTM/GRU/RNN operators (run by
onnxruntime) with converted weights compute our reference engine's outputs."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab import reference
from rnnlab.export import from_onnx, to_onnx

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")
TensorProto, helper, numpy_helper = onnx.TensorProto, onnx.helper, onnx.numpy_helper

STACKS = {"rnn": reference.RNN, "lstm": reference.LSTM, "gru": reference.GRU}
OPS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def run_operator(cell, weights, x, hidden):
    """One ONNX recurrent node, sequence-major ``x`` (T, B, I) → ``Y`` (T, D, B, H)."""
    directions = weights["W"].shape[0]
    attributes = {"hidden_size": hidden,
                  "direction": "bidirectional" if directions == 2 else "forward"}
    if cell == "gru":
        attributes["linear_before_reset"] = 1
    node = helper.make_node(OPS[cell], ["X", "W", "R", "B"], ["Y"], **attributes)
    graph = helper.make_graph(
        [node], "one_op",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT,
                                       [x.shape[0], directions, x.shape[1], hidden])],
        [numpy_helper.from_array(weights[k].astype(np.float32), k) for k in ("W", "R", "B")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    session = onnxruntime.InferenceSession(model.SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    return session.run(None, {"X": x.astype(np.float32)})[0]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_onnx_operator_on_converted_weights_equals_our_engine(cell):
    stack = STACKS[cell](3, 4, bidirectional=True, dtype=np.float64, seed=0)
    rng = np.random.default_rng(2)
    stack.load_state_dict({k: rng.normal(0, 0.5, v.shape) for k, v in stack.params.items()})
    x = rng.normal(size=(2, 6, 3))
    y, _ = stack.forward(x)                                     # (B, T, 2H)
    got = run_operator(cell, to_onnx(cell, stack.state_dict(), bidirectional=True),
                       x.transpose(1, 0, 2), 4)                 # (T, 2, B, H)
    expected = y.reshape(2, 6, 2, 4).transpose(1, 2, 0, 3)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_onnx_round_trips_are_exact(cell):
    stack = STACKS[cell](3, 4, num_layers=2, bidirectional=True, dtype=np.float64, seed=0)
    state = stack.state_dict()
    for layer in (0, 1):
        onnx_weights = to_onnx(cell, state, layer=layer, bidirectional=True)
        back = from_onnx(cell, **onnx_weights, layer=layer)
        for key, value in back.items():
            np.testing.assert_array_equal(value, state[key])
        again = to_onnx(cell, back, layer=layer, bidirectional=True)
        for key, value in onnx_weights.items():
            np.testing.assert_array_equal(again[key], value)


def test_onnx_gate_orders_and_bad_shapes():
    stack = reference.LSTM(2, 3, dtype=np.float64, seed=0)
    state = stack.state_dict()
    W = to_onnx("lstm", state)["W"]
    # ONNX i, o, f, c: its second block is PyTorch's fourth (o), its third PyTorch's second (f).
    np.testing.assert_array_equal(W[0, 3:6], state["weight_ih_l0"][9:12])
    np.testing.assert_array_equal(W[0, 6:9], state["weight_ih_l0"][3:6])
    assert not np.any(from_onnx("lstm", W, to_onnx("lstm", state)["R"])["bias_hh_l0"])
    with pytest.raises(ValueError, match="rows"):
        from_onnx("gru", W, to_onnx("lstm", state)["R"])
    with pytest.raises(ValueError, match="ONNX B must be"):
        from_onnx("lstm", W, to_onnx("lstm", state)["R"], np.zeros((1, 5)))
    with pytest.raises(ValueError, match=r"weight_hr_l0 .* has no projection"):
        to_onnx("lstm", reference.LSTM(2, 3, proj_size=1).state_dict())


def test_peephole_weights_round_trip_through_onnx_p():
    stack = reference.LSTM(3, 4, bidirectional=True, dtype=np.float64, seed=0, peepholes=True)
    state = {k: v + np.random.default_rng(1).normal(size=v.shape) for k, v in
             stack.state_dict().items()}
    onnx_weights = to_onnx("lstm", state, bidirectional=True)
    assert onnx_weights["P"].shape == (2, 12)
    # ONNX P is [P_i, P_o, P_f]: its second block is rnnlab's output-gate peephole.
    np.testing.assert_array_equal(onnx_weights["P"][1, 4:8], state["weight_co_l0_reverse"])
    back = from_onnx("lstm", **onnx_weights)
    assert set(back) == set(state)
    for key, value in back.items():
        np.testing.assert_array_equal(value, state[key])
