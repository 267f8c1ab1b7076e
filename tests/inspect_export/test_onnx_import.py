"""``rnnlab.import_onnx`` and the ONNX operators with peepholes and ``linear_before_reset=0``:

* models built with ``onnx.helper`` and run by onnxruntime — a bidirectional peephole LSTM and a
  reset-before GRU with sequence lengths and initial states — give onnxruntime's outputs in
  both engines, to 1e-6 in float32;
* ONNX's own operator tests (the models and data of ``onnx.backend.test``) give their expected
  outputs, those with peepholes and ``linear_before_reset=0`` included;
* attributes rnnlab cannot represent are refused in one sentence naming attribute and value;
* a file rnnlab exported comes back as the same model, and a changed one is refused.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnlab
from rnnlab.convert import to_torch
from rnnlab.export import OnnxImportError, export_onnx, import_onnx

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")
helper, numpy_helper, TensorProto = onnx.helper, onnx.numpy_helper, onnx.TensorProto


def recurrent_model(op, hidden, inputs, directions, *, constants, attributes, fed):
    """One recurrent node; ``constants`` become initializers, ``fed`` graph inputs."""
    node = helper.make_node(op, inputs, ["Y", "Y_h"] + (["Y_c"] if op == "LSTM" else []),
                            name="rec", hidden_size=hidden, **attributes)
    graph_inputs = [helper.make_tensor_value_info(name, dtype, shape)
                    for name, dtype, shape in fed]
    outputs = [helper.make_tensor_value_info(name, TensorProto.FLOAT,
                                             [None] * (4 if name == "Y" else 3))
               for name in node.output]
    graph = helper.make_graph([node], "one", graph_inputs, outputs,
                              [numpy_helper.from_array(v.astype(np.float32), k)
                               for k, v in constants.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


def onnxruntime_outputs(model, feeds):
    session = onnxruntime.InferenceSession(model.SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def random_node(op, layout=0):
    rng = np.random.default_rng(3)
    hidden, inputs_size, directions, steps, batch = 4, 3, 2, 6, 3
    gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[op]
    constants = {"W": rng.normal(0, 0.5, (directions, gates * hidden, inputs_size)),
                 "R": rng.normal(0, 0.5, (directions, gates * hidden, hidden)),
                 "B": rng.normal(0, 0.5, (directions, 2 * gates * hidden))}
    inputs = ["X", "W", "R", "B", "sequence_lens", "initial_h"]
    shape_x = [batch, steps, inputs_size] if layout else [steps, batch, inputs_size]
    state = [batch, directions, hidden] if layout else [directions, batch, hidden]
    fed = [("X", TensorProto.FLOAT, shape_x), ("sequence_lens", TensorProto.INT32, [batch]),
           ("initial_h", TensorProto.FLOAT, state)]
    feeds = {"X": rng.standard_normal(shape_x).astype(np.float32),
             "sequence_lens": np.array([6, 1, 4], np.int32),
             "initial_h": rng.standard_normal(state).astype(np.float32)}
    attributes = {"direction": "bidirectional", "layout": layout}
    if op == "LSTM":
        inputs += ["initial_c", "P"]
        constants["P"] = rng.normal(0, 0.5, (directions, 3 * hidden))
        fed.append(("initial_c", TensorProto.FLOAT, state))
        feeds["initial_c"] = rng.standard_normal(state).astype(np.float32)
    if op == "GRU":
        attributes["linear_before_reset"] = 0
    model = recurrent_model(op, hidden, inputs, directions, constants=constants,
                            attributes=attributes, fed=fed)
    return model, feeds


@pytest.mark.parametrize("op", ["LSTM", "GRU"])
def test_peepholes_and_reset_before_match_onnxruntime_in_both_engines(op):
    """Time-major (layout 0): onnxruntime's CPU kernels refuse layout 1, which the operator
    tests below cover against ONNX's own expected outputs."""
    layout = 0
    model, feeds = random_node(op, layout)
    expected = onnxruntime_outputs(model, feeds)
    imported = import_onnx(model)
    assert imported.layer.options == ({"peepholes": True, "proj_size": 0} if op == "LSTM"
                                      else {"reset_after": False})
    for got, want in zip(imported.run(feeds), expected, strict=True):
        assert got.shape == want.shape
        assert np.abs(got - want).max() <= 1e-6
    # The torch engine's form of the same stack, on the same batch.
    fast = to_torch(imported.stack)
    x = feeds["X"] if layout else feeds["X"].transpose(1, 0, 2)
    state = [feeds[k] if not layout else feeds[k].transpose(1, 0, 2)
             for k in ("initial_h", "initial_c") if k in feeds]
    hx = tuple(map(torch.from_numpy, state)) if op == "LSTM" else torch.from_numpy(state[0])
    y, _ = fast(torch.from_numpy(x), hx, feeds["sequence_lens"])
    y_onnx = expected[0] if layout else expected[0].transpose(2, 0, 1, 3)   # (B, T, D, H)
    assert np.abs(y.detach().numpy() - y_onnx.reshape(y.shape)).max() <= 1e-6


def onnx_operator_tests():
    """ONNX's recurrent operator tests (model and data), built by onnx itself."""
    import onnx.backend.test.case.node as cases
    from onnx.backend.test.case.node import gru, lstm, rnn  # noqa: F401  (registers the cases)

    found = getattr(cases, "_NodeTestCases", None)
    if found is None:
        pytest.skip("this onnx version keeps its operator test cases elsewhere")
    return {case.name: case for case in found if case.name.startswith(("test_lstm", "test_gru",
                                                                        "test_simple_rnn",
                                                                        "test_rnn"))}


def test_onnx_operator_tests_give_their_expected_outputs():
    tests = onnx_operator_tests()
    imported_names, refused = [], []
    for name, case in sorted(tests.items()):
        inputs, outputs = case.data_sets[0]
        names = [i.name for i in case.model.graph.input]
        values = dict(zip(names, inputs, strict=True))
        weights = {k: v for k, v in values.items() if k in ("W", "R", "B", "P")}
        feeds = {k: v for k, v in values.items() if k not in weights}
        try:
            imported = import_onnx(case.model, constants=weights, dtype="float64")
        except OnnxImportError as error:
            assert "direction='reverse'" in str(error), (name, error)
            refused.append(name)
            continue
        imported_names.append(name)
        for got, want in zip(imported.run(feeds), outputs, strict=True):
            assert np.abs(got - want).max() <= 1e-6, name
        if imported.layout == 0:      # onnxruntime's CPU kernels refuse layout 1 (batchwise)
            assert np.abs(imported.run(feeds)[0] - onnxruntime_outputs(
                case.model, values)[0]).max() <= 1e-6, name
    assert {"test_lstm_with_peepholes", "test_gru_defaults", "test_gru_seq_length",
            "test_gru_batchwise"} <= set(imported_names)      # linear_before_reset=0: the default
    assert sorted(refused) == ["test_gru_reverse", "test_lstm_reverse", "test_simple_rnn_reverse"]


@pytest.mark.parametrize(("attributes", "says"), [
    ({"clip": 2.0}, "clip=2.0 (cell clipping)"),
    ({"input_forget": 1}, "input_forget=1"),
    ({"activations": ["HardSigmoid", "Tanh", "Tanh"]}, "activations=['HardSigmoid', 'Tanh', "
                                                       "'Tanh']"),
    ({"activations": ["Sigmoid", "Relu", "Tanh"]}, "activations=['Sigmoid', 'Relu', 'Tanh']"),
    ({"activation_alpha": [0.5]}, "activation_alpha=[0.5]"),
    ({"direction": "reverse"}, "direction='reverse'"),
])
def test_what_rnnlab_cannot_represent_is_refused_in_one_sentence(attributes, says):
    rng = np.random.default_rng(0)
    constants = {"W": rng.normal(size=(1, 8, 3)), "R": rng.normal(size=(1, 8, 2))}
    model = recurrent_model("LSTM", 2, ["X", "W", "R"], 1, constants=constants,
                            attributes=attributes,
                            fed=[("X", TensorProto.FLOAT, [4, 1, 3])])
    with pytest.raises(OnnxImportError) as info:
        import_onnx(model)
    assert says in str(info.value) and "\n" not in str(info.value)


def test_a_relu_rnn_node_and_weights_given_as_graph_inputs():
    rng = np.random.default_rng(1)
    W, R = rng.normal(size=(1, 2, 3)).astype(np.float32), rng.normal(size=(1, 2, 2))
    model = recurrent_model("RNN", 2, ["X", "W", "R"], 1, constants={"R": R},
                            attributes={"activations": ["Relu"]},
                            fed=[("X", TensorProto.FLOAT, [4, 1, 3]),
                                 ("W", TensorProto.FLOAT, [1, 2, 3])])
    with pytest.raises(OnnxImportError, match=r"constants=\{'W': array\}"):
        import_onnx(model)
    imported = import_onnx(model, constants={"W": W})
    assert imported.layer.nonlinearity == "relu"
    x = rng.standard_normal((4, 1, 3)).astype(np.float32)
    expected = onnxruntime_outputs(model, {"X": x, "W": W})
    assert np.abs(imported.run({"X": x})[0] - expected[0]).max() <= 1e-6


def test_a_file_rnnlab_exported_comes_back_as_the_same_model(tmp_path):
    model = rnnlab.build("lstm", input_size=3, hidden_size=4, output_size=2, task="classify",
                         num_layers=2, bidirectional=True, peepholes=True,
                         normalization="zscore", seed=2)
    X = np.random.default_rng(0).standard_normal((12, 5, 3))
    rnnlab.train(model, X, (X[:, 0, 0] > 0).astype(int),
                 rnnlab.TrainingOptions(max_epochs=1, verbose=False))
    export_onnx(model, tmp_path / "model.onnx")
    again = rnnlab.import_onnx(tmp_path / "model.onnx")
    assert again.layers == model.layers and again.classes == model.classes
    assert np.abs(again.predict(X) - model.predict(X)).max() <= 1e-6
    # A file edited after export (clip added to an LSTM node) is refused.
    proto = onnx.load(str(tmp_path / "model.onnx"))
    lstm = next(n for n in proto.graph.node if n.op_type == "LSTM")
    lstm.attribute.append(helper.make_attribute("clip", 3.0))
    with pytest.raises(OnnxImportError, match="nodes differ"):
        import_onnx(proto)
    with pytest.raises(OnnxImportError, match="no ONNX file"):
        import_onnx(tmp_path / "missing.onnx")
