"""Save and load: safetensors + JSON, identical predictions on both engines, and refusal of
files that are not what they claim — without executing anything in them."""

import json
import pickle
import struct

import numpy as np
import pytest
from training_cases import quiet, sign_task

import rnnlab
from rnnlab import layers as L
from rnnlab.serialization import FORMAT_VERSION, ModelFileError


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    X, y = sign_task(n=32)
    names = np.where(y == 1, "up", "down")
    model = rnnlab.Sequential([L.SequenceInput(3, normalization="zscore"),
                               L.LSTM(5, num_layers=2, output="sequence"), L.GRU(4),
                               L.Dense(2), L.Softmax()], seed=3)
    rnnlab.train(model, X * 3 + 1, names, quiet(max_epochs=2))
    path = tmp_path_factory.mktemp("model") / "model.safetensors"
    model.save(path)
    return model, path, X * 3 + 1


@pytest.mark.parametrize("engine", ["torch", "reference"])
def test_save_then_load_predicts_identically_on_either_engine(trained, engine):
    model, path, X = trained
    loaded = rnnlab.load(path, engine=engine)
    assert loaded.classes == ["down", "up"]
    np.testing.assert_array_equal(loaded.normalization["mean"], model.normalization["mean"])
    model.to(engine)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.classify(X), model.classify(X))
    for name, value in model.params.items():
        np.testing.assert_array_equal(loaded.params[name], value)
    model.to("torch")


def test_engines_agree_after_loading(trained):
    _, path, X = trained
    fast = rnnlab.load(path, engine="torch", dtype="float64").predict(X)
    slow = rnnlab.load(path, engine="reference", dtype="float64").predict(X)
    np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-12)


def test_a_pickle_is_refused_and_never_unpickled(tmp_path):
    class Bomb:
        def __reduce__(self):
            return (open, (str(tmp_path / "exploded"), "w"))

    path = tmp_path / "model.safetensors"
    path.write_bytes(pickle.dumps(Bomb()))
    with pytest.raises(ModelFileError, match=r"pickle.*never loads"):
        rnnlab.load(path)
    assert not (tmp_path / "exploded").exists()


def test_a_truncated_file_is_refused(trained, tmp_path):
    _, path, _ = trained
    data = path.read_bytes()
    for cut in (5, 100, len(data) - 10):
        broken = tmp_path / f"cut{cut}.safetensors"
        broken.write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match="truncated"):
            rnnlab.load(broken)


def _rewrite_header(path, target, change):
    data = path.read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    document = json.loads(header["__metadata__"]["rnnlab"])
    change(document)
    header["__metadata__"]["rnnlab"] = json.dumps(document)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    target.write_bytes(struct.pack("<Q", len(text)) + text + data[8 + size:])


def test_a_newer_format_version_is_refused(trained, tmp_path):
    _, path, _ = trained
    newer = tmp_path / "newer.safetensors"
    _rewrite_header(path, newer, lambda d: d.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(ModelFileError, match=r"newer|upgrade rnnlab"):
        rnnlab.load(newer)


def test_a_file_for_a_different_model_is_refused(trained, tmp_path):
    _, path, _ = trained
    other = rnnlab.build("gru", input_size=3, hidden_size=4, output_size=2, task="classify")
    with pytest.raises(ModelFileError, match="different model"):
        other.load_weights(path)
    mismatched = tmp_path / "mismatched.safetensors"
    _rewrite_header(path, mismatched,
                    lambda d: d["config"]["layers"][2].update(hidden_size=7))
    with pytest.raises(ModelFileError, match=r"damaged model.*shape"):
        rnnlab.load(mismatched)


def test_foreign_safetensors_and_checkpoints_are_named_for_what_they_are(tmp_path):
    from safetensors.numpy import save_file

    foreign = tmp_path / "foreign.safetensors"
    save_file({"w": np.zeros(3, np.float32)}, foreign)
    with pytest.raises(ModelFileError, match="not an rnnlab one"):
        rnnlab.load(foreign)
    X, y = sign_task(n=8)
    model = rnnlab.build("rnn", input_size=3, hidden_size=2, output_size=2, task="classify")
    rnnlab.train(model, X, y, quiet(max_epochs=1, checkpoint_dir=tmp_path / "run"))
    with pytest.raises(ModelFileError, match="a training checkpoint, not a model"):
        rnnlab.load(tmp_path / "run" / "checkpoint.safetensors")
    with pytest.raises(FileNotFoundError, match="no rnnlab file"):
        rnnlab.load(tmp_path / "missing.safetensors")
