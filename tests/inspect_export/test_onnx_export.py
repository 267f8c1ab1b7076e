"""ONNX export: onnxruntime reproduces model.predict (batch 1 and 7, length 1 and 50, and a
zero-padded batch through the lengths input) or no file is kept; what ONNX cannot express is
refused in one sentence."""

from __future__ import annotations

import numpy as np
import pytest

import rnnlab
from rnnlab.export import OnnxExportError, export_onnx

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")


def trained(cell, **kwargs):
    model = rnnlab.build(cell, input_size=3, hidden_size=4, output_size=2, task="classify",
                         seed=1, **kwargs)
    X = np.random.default_rng(0).standard_normal((16, 5, 3))
    rnnlab.train(model, X, (X[:, :, 0].sum(axis=1) > 0).astype(int),
                 rnnlab.TrainingOptions(max_epochs=1, batch_size=8, verbose=False))
    return model


CELLS = [("rnn", {}), ("rnn", {"nonlinearity": "relu"}), ("lstm", {}),
         ("lstm", {"peepholes": True}), ("gru", {}), ("gru", {"reset_after": False})]


@pytest.mark.parametrize(("cell", "options"), CELLS,
                         ids=["rnn", "rnn-relu", "lstm", "lstm-peepholes", "gru",
                              "gru-reset-before"])
def test_export_matches_predict_for_every_cell(cell, options, tmp_path):
    model = trained(cell, num_layers=2, bidirectional=True, normalization="zscore", **options)
    done = export_onnx(model, tmp_path / "model.onnx")
    assert set(done.checks) == {(1, 1), (1, 50), (7, 1), (7, 50), (7, "padded")}
    assert done.max_abs_diff <= 1e-5 and done.lengths
    # The kept file works on its own, on another zero-padded batch, and carries metadata.
    session = onnxruntime.InferenceSession(str(done.path), providers=["CPUExecutionProvider"])
    lengths = np.array([11, 2, 7])
    X = np.random.default_rng(5).standard_normal((3, 11, 3)).astype(np.float32)
    X[np.arange(11)[None, :] >= lengths[:, None]] = 0.0
    got = session.run(None, {"x": X, "lengths": lengths})[0]
    assert np.max(np.abs(got - model.predict([X[b, :n] for b, n in enumerate(lengths)]))) <= 1e-5
    proto = onnx.load(str(done.path))
    assert {"task", "classes", "layers"} <= {p.key for p in proto.metadata_props}
    ops = {node.op_type: node for node in proto.graph.node}
    assert cell.upper() in ops                    # ONNX's own operator, with the cell's options
    attributes = {a.name: onnx.helper.get_attribute_value(a) for a in ops[cell.upper()].attribute}
    if cell == "gru":
        assert attributes["linear_before_reset"] == (1 if options.get("reset_after", True) else 0)
    if cell == "lstm":
        assert (len(ops["LSTM"].input) == 8) == options.get("peepholes", False)   # P is input 7
    if cell == "rnn":
        assert attributes["activations"] == [options.get("nonlinearity", "tanh").title().encode()
                                             ] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]   # no temporary left


def test_without_lengths_and_with_torchs_exporter_the_graph_reads_x_alone(tmp_path):
    model = trained("lstm")
    X = np.random.default_rng(5).standard_normal((3, 11, 3)).astype(np.float32)
    for kwargs in ({"lengths": False}, {"exporter": "legacy"}):
        done = export_onnx(model, tmp_path / "model.onnx", **kwargs)
        assert not done.lengths and (7, "padded") not in done.checks
        session = onnxruntime.InferenceSession(str(done.path),
                                               providers=["CPUExecutionProvider"])
        assert [i.name for i in session.get_inputs()] == ["x"]
        assert np.max(np.abs(session.run(None, {"x": X})[0] - model.predict(X))) <= 1e-5


@pytest.mark.parametrize(("build", "message"), [
    (dict(cell="mingru"), "ONNX has no minimal GRU operator"),
    (dict(cell="indrnn"), "ONNX has no independently recurrent"),
    (dict(cell="lstm", proj_size=2), "has no projection"),
])
def test_what_onnx_cannot_express_is_refused_in_one_sentence(build, message, tmp_path):
    model = rnnlab.build(input_size=3, hidden_size=4, output_size=2, task="classify", **build)
    with pytest.raises(OnnxExportError, match=message) as info:
        export_onnx(model, tmp_path / "model.onnx")
    assert "\n" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_torchs_exporters_refuse_what_they_would_get_wrong(tmp_path):
    rnn = rnnlab.build("rnn", input_size=3, hidden_size=4, output_size=2, task="classify")
    with pytest.raises(OnnxExportError, match=r"dynamo exporter fixes the time axis of nn\.RNN"):
        export_onnx(rnn, tmp_path / "model.onnx", exporter="dynamo")
    peephole = rnnlab.build("lstm", input_size=3, hidden_size=4, output_size=2,
                            task="classify", peepholes=True)
    with pytest.raises(OnnxExportError, match=r"not a torch\.nn module"):
        export_onnx(peephole, tmp_path / "model.onnx", exporter="legacy")


def test_sequence_token_and_regression_models(tmp_path):
    tagger = rnnlab.build("gru", input_size=4, hidden_size=3, output_size=5, task="sequence",
                          vocab_size=11)
    done = export_onnx(tagger, tmp_path / "tagger.onnx")
    assert (done.input_name, done.output_name) == ("tokens", "probabilities")
    assert (7, "padded") in done.checks         # per-step outputs compared on valid steps
    regressor = rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=1,
                             task="regress")
    X = np.random.default_rng(0).standard_normal((8, 4, 2))
    rnnlab.train(regressor, X, X.sum(axis=(1, 2)),            # (n,) targets: predict → (n,)
                 rnnlab.TrainingOptions(max_epochs=1, verbose=False))
    assert export_onnx(regressor, tmp_path / "reg.onnx").output_name == "values"


def test_a_failing_check_leaves_no_file(tmp_path, monkeypatch):
    model = trained("lstm")
    real = model.predict
    monkeypatch.setattr(model, "predict", lambda X, **kw: real(X, **kw) + 1e-3)
    with pytest.raises(OnnxExportError, match="differs from the model's predictions"):
        export_onnx(model, tmp_path / "model.onnx")
    assert list(tmp_path.iterdir()) == []


def test_bad_requests_are_one_clear_error(tmp_path):
    model = trained("gru")
    with pytest.raises(OnnxExportError, match="does not exist"):
        export_onnx(model, tmp_path / "missing" / "model.onnx")
    with pytest.raises(OnnxExportError, match="exporter must be"):
        export_onnx(model, tmp_path / "m.onnx", exporter="jit")
    with pytest.raises(OnnxExportError, match="Sequential"):
        export_onnx(object(), tmp_path / "m.onnx")
