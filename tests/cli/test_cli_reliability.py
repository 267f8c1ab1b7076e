"""The CLI when things go wrong: junk and out-of-range inputs, a run that diverges and a run
cut short by Ctrl-C — one line each, exit 2 (bad input, divergence) or 130 (Ctrl-C), and the
model file that a stopped ``train`` promises."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from test_cli_commands import assert_bad_input, run

import rnnlab
from rnnlab.training import loop

TRAIN = ["train", "adding", "-p", "length=5", "-p", "n_train=64", "-p", "n_val=16", "-p",
         "n_test=16", "--hidden", "4", "--no-progress"]


@pytest.mark.parametrize("content, says", [
    (bytes(range(255, -1, -1)), "is not a NumPy file"),
    (b"1.0 2.0 3.0\n4.0 5.0 6.0\n", "holds text, not NumPy arrays"),
    (pickle.dumps({"X": [1.0, 2.0]}), "holds a Python pickle, which rnnlab never unpickles"),
    (b"\x93NUMPY\x01\x00garbage", "is a damaged .npy file"),
])
def test_junk_npy_files_are_named_as_junk(capsys, adding_model, work, content, says):
    junk = work / "junk.npy"
    junk.write_bytes(content)
    for command in (["predict", adding_model, junk, "--out", work / "never.csv"],
                    ["inspect", adding_model, junk, "--out", work / "never"],
                    ["train", junk, "--out", work / "never.safetensors"]):
        line = assert_bad_input(capsys, *command, says=says)
        assert "allow_pickle" not in line
    objects = work / "objects.npy"
    np.save(objects, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    line = assert_bad_input(capsys, "predict", adding_model, objects, "--out", work / "n.csv",
                            says="holds Python objects, which rnnlab never unpickles")
    assert "allow_pickle" not in line


def test_inputs_beyond_float32_are_refused_not_predicted_as_nan(capsys, adding_model, work):
    X = np.zeros((3, 5, 2))
    X[1, 3, 0] = 1e39
    path = work / "huge.npz"
    np.savez(path, X=X)
    assert_bad_input(capsys, "predict", adding_model, path, "--out", work / "never.csv",
                     says="beyond float32's range")
    assert not (work / "never.csv").exists()


def test_a_zero_embedding_width_is_refused(capsys, work):
    assert_bad_input(capsys, *TRAIN, "--embedding-dim", "0", "--out", work / "e.safetensors",
                     says="--embedding-dim must be a positive integer")


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rnnlab: ") and "Traceback" not in err, err
    return lines[0]


def test_divergence_saves_the_best_weights_and_exits_2(capsys, work, monkeypatch):
    after_first = {}
    original = loop._Loop._after_epoch

    def blow_up_after_epoch_1(self, monitored, last):
        original(self, monitored, last)
        if self.run_state.epoch == 1:   # epoch 1 is the best; then make epoch 2 run away
            after_first.update(self.engine.state_dict())
            self.engine.load_state_dict({k: v * 1e4 for k, v in after_first.items()})

    monkeypatch.setattr(loop._Loop, "_after_epoch", blow_up_after_epoch_1)
    out = work / "diverged.safetensors"
    code, _, err = run(capsys, *TRAIN, "--epochs", "4", "--out", out)
    assert code == 2
    line = _one_line(err)
    assert "training diverged at epoch 2" in line and "--lr" in line
    assert f"the best weights so far (epoch 1) are saved in {out}" in line
    saved = rnnlab.load(out)
    for name, value in after_first.items():
        np.testing.assert_array_equal(saved.params[name], value)


def test_divergence_without_a_finished_epoch_saves_the_initial_weights(capsys, work):
    out = work / "sgd.safetensors"
    code, _, err = run(capsys, *TRAIN, "--epochs", "2", "--lr", "1e6", "--optimizer", "sgd",
                       "--out", out)
    assert code == 2
    assert "no epoch finished" in _one_line(err)
    assert all(np.all(np.isfinite(v)) for v in rnnlab.load(out).params.values())


def test_ctrl_c_during_train_saves_the_best_weights_and_exits_130(capsys, work, monkeypatch):
    original = loop._Loop._epoch

    def interrupted_in_epoch_3(self, progress):
        if self.run_state.epoch == 2:
            raise KeyboardInterrupt
        original(self, progress)

    monkeypatch.setattr(loop._Loop, "_epoch", interrupted_in_epoch_3)
    out = work / "interrupted.safetensors"
    code, _, err = run(capsys, *TRAIN, "--epochs", "5", "--out", out)
    assert code == 130
    line = _one_line(err)
    assert "interrupted (Ctrl-C) after 2 of 5 epochs" in line and str(out) in line
    assert rnnlab.load(out).num_parameters() > 0


def test_ctrl_c_anywhere_else_exits_130_in_one_line(capsys, monkeypatch):
    from rnnlab.commands import datasets_cmd

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(datasets_cmd, "datasets_command", interrupted)
    code, _, err = run(capsys, "datasets")
    assert code == 130 and _one_line(err) == "rnnlab: interrupted (Ctrl-C)"
