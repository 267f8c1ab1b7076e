"""ONNX export: onnxruntime reproduces model.predict (batch 1 and 7, length 1 and 50) or no file
is kept."""

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


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_export_matches_predict_for_every_cell(cell, tmp_path):
    model = trained(cell, num_layers=2, bidirectional=True, normalization="zscore")
    done = export_onnx(model, tmp_path / "model.onnx")
    assert set(done.checks) == {(1, 1), (1, 50), (7, 1), (7, 50)}
    assert done.max_abs_diff <= 1e-5
    # The kept file works on its own, for another batch size and length, and carries metadata.
    session = onnxruntime.InferenceSession(str(done.path), providers=["CPUExecutionProvider"])
    X = np.random.default_rng(5).standard_normal((3, 11, 3)).astype(np.float32)
    got = session.run(None, {"x": X})[0]
    assert np.max(np.abs(got - model.predict(X))) <= 1e-5
    meta = {p.key for p in onnx.load(str(done.path)).metadata_props}
    assert {"task", "classes", "layers"} <= meta
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]   # no temporary left


def test_sequence_token_and_regression_models(tmp_path):
    tagger = rnnlab.build("gru", input_size=4, hidden_size=3, output_size=5, task="sequence",
                          vocab_size=11)
    done = export_onnx(tagger, tmp_path / "tagger.onnx")
    assert (done.input_name, done.output_name) == ("tokens", "probabilities")
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
