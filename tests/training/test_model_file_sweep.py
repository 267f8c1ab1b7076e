"""Save and load many model files: every valid file loads, whatever its first bytes.

A safetensors file begins with the little-endian length of its JSON header, padded to a multiple
of 8; one header length in 32 has the low byte 0x80, the first byte of a pickle. These tests
write files of every such length (and hundreds of models of varied shapes) and read them all
back, while real pickles, zips and ``torch.save`` archives stay refused without being run.
"""

import pickle
import struct
import zipfile

import numpy as np
import pytest

import rnnlab
from rnnlab.serialization import MODEL_FORMAT, ModelFileError, read_file, write_file

SWEEP = 500


def _random_model(rng: np.random.Generator) -> rnnlab.Sequential:
    task = ("classify", "regress")[int(rng.integers(0, 2))]
    return rnnlab.build(("rnn", "lstm", "gru")[int(rng.integers(0, 3))],
                        input_size=int(rng.integers(1, 4)), hidden_size=int(rng.integers(1, 9)),
                        output_size=int(rng.integers(2 if task == "classify" else 1, 4)),
                        task=task, num_layers=int(rng.integers(1, 3)),
                        bidirectional=bool(rng.integers(0, 2)),
                        # seeds of 1 to 15 digits spread the header lengths
                        seed=int(rng.integers(0, 10 ** int(rng.integers(1, 16)))))


def test_hundreds_of_models_of_varied_shapes_round_trip(tmp_path):
    rng = np.random.default_rng(16)
    first_bytes = set()
    for i in range(SWEEP):
        model = _random_model(rng)
        path = tmp_path / f"model{i}.safetensors"
        model.save(path)
        first_bytes.add(path.read_bytes()[0])
        loaded = rnnlab.load(path, engine="reference")
        for name, value in model.params.items():
            np.testing.assert_array_equal(loaded.params[name], value)
        X = rng.standard_normal((2, 3, model.features))
        np.testing.assert_array_equal(loaded.predict(X), model.to("reference").predict(X))
        if i % 50 == 0:   # and on the default engine, for a few
            np.testing.assert_array_equal(rnnlab.load(path).predict(X),
                                          model.to("torch").predict(X))
    assert len(first_bytes) > 10   # the sweep did spread the header lengths


def test_the_reported_file_that_starts_with_0x80_loads(tmp_path):
    model = rnnlab.build("gru", input_size=2, hidden_size=32, output_size=1, task="regress",
                         num_layers=2, bidirectional=True, seed=10**12)
    path = tmp_path / "m.safetensors"
    # The file started 80 07; the model's config has grown since (data_info), so pad
    # the data description through the public save path until the first byte is 0x80 again.
    for padding in range(256):   # the header is padded to 8 bytes: 32 low bytes in 256
        model.data_info = {"note": "x" * padding}
        model.save(path)
        if path.read_bytes()[0] == 0x80:
            break
    assert path.read_bytes()[:1] == b"\x80"
    X = np.random.default_rng(0).standard_normal((3, 4, 2))
    np.testing.assert_array_equal(rnnlab.load(path).predict(X), model.predict(X))


def _padded_file(path, model, padding: int) -> int:
    """Write ``model`` with ``padding`` extra header characters; return the header length."""
    write_file(path, model.params, {"config": model.config(), "note": "x" * padding},
               MODEL_FORMAT)
    return struct.unpack("<Q", path.read_bytes()[:8])[0]


def test_files_of_every_header_length_modulo_256_load(tmp_path):
    model = rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=2, task="classify")
    X = np.random.default_rng(1).standard_normal((2, 5, 2))
    expected = model.to("reference").predict(X)
    seen = set()
    for padding in range(256):
        path = tmp_path / f"pad{padding}.safetensors"
        seen.add(_padded_file(path, model, padding) % 256)
        np.testing.assert_array_equal(rnnlab.load(path, engine="reference").predict(X),
                                      expected)
    assert seen == set(range(0, 256, 8))   # all 32 low bytes a padded length can have


def test_a_header_that_looks_like_pickle_protocol_4_loads(tmp_path):
    # Length 0x480: the file starts 80 04 — a pickle's PROTO opcode with protocol 4.
    model = rnnlab.build("rnn", input_size=1, hidden_size=2, output_size=1, task="regress")
    path = tmp_path / "proto4.safetensors"
    start = 0x480 - _padded_file(path, model, 0) - 8   # each padding character adds one byte
    padding = next(p for p in range(start, start + 24) if _padded_file(path, model, p) == 0x480)
    _padded_file(path, model, padding)
    assert path.read_bytes()[:2] == b"\x80\x04"
    arrays, document = read_file(path, MODEL_FORMAT)
    assert document["note"] == "x" * padding and set(arrays) == set(model.params)


class _Bomb:
    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (open, (str(self.target), "w"))


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_crafted_pickles_are_refused_unrun(tmp_path, protocol):
    path = tmp_path / "model.safetensors"
    path.write_bytes(pickle.dumps(_Bomb(tmp_path / "exploded"), protocol=protocol))
    with pytest.raises(ModelFileError, match=r"holds a Python pickle.*never loads"):
        rnnlab.load(path)
    assert not (tmp_path / "exploded").exists()


def test_zips_and_torch_save_archives_are_refused(tmp_path):
    import torch

    archive = tmp_path / "archive.safetensors"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("data.pkl", pickle.dumps(_Bomb(tmp_path / "exploded")))
    with pytest.raises(ModelFileError, match="holds a zip archive"):
        rnnlab.load(archive)
    modern, legacy = tmp_path / "modern.safetensors", tmp_path / "legacy.safetensors"
    torch.save({"w": torch.zeros(3)}, modern)
    torch.save({"w": torch.zeros(3)}, legacy, _use_new_zipfile_serialization=False)
    with pytest.raises(ModelFileError, match="holds a zip archive"):
        rnnlab.load(modern)
    with pytest.raises(ModelFileError, match="holds a Python pickle"):
        rnnlab.load(legacy)
    assert not (tmp_path / "exploded").exists()
