"""Checkpoints and resume: a run killed mid-epoch continues to bit-identical final weights."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from training_cases import quiet, resume_problem, sign_task

import rnnlab

HERE = Path(__file__).parent


def _final_weights(checkpoint_dir, engine="torch", resume=False):
    model, X, y, options = resume_problem(checkpoint_dir, engine)
    history = rnnlab.train(model, X, y, options, resume=resume)
    return model.get_weights(), history


def test_sigkill_mid_epoch_then_resume_gives_the_uninterrupted_weights(tmp_path):
    expected, full_history = _final_weights(tmp_path / "uninterrupted")
    folder, marker = tmp_path / "killed", tmp_path / "marker"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE),
                                                       os.environ.get("PYTHONPATH", "")]))
    worker = subprocess.Popen([sys.executable, str(HERE / "resume_worker.py"), str(folder),
                               str(marker)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert worker.poll() is None, "the training subprocess ended before the kill"
            assert time.monotonic() < deadline, "the training subprocess never got to epoch 2"
            time.sleep(0.05)
        assert (folder / "checkpoint.safetensors").exists()     # written after epoch 1
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait()
    assert worker.returncode == -signal.SIGKILL
    assert not list(folder.glob(".*.tmp"))
    resumed, history = _final_weights(folder, resume=True)
    assert history.epochs == full_history.epochs == 4
    assert history.iteration_loss == full_history.iteration_loss
    for name, value in expected.items():
        np.testing.assert_array_equal(resumed[name], value)


def test_reference_engine_resumes_after_ctrl_c(tmp_path):
    expected, _ = _final_weights(tmp_path / "full", engine="reference")
    model, X, y, options = resume_problem(tmp_path / "cut", "reference")

    class Interrupt(rnnlab.Callback):
        def on_batch_end(self, state):
            if state.iteration == 12:
                raise KeyboardInterrupt

    history = rnnlab.train(model, X, y, options, callbacks=Interrupt())
    assert history.stop_reason == "interrupted" and history.epochs == 2
    resumed, _ = _final_weights(tmp_path / "cut", engine="reference", resume=True)
    for name, value in expected.items():
        np.testing.assert_array_equal(resumed[name], value)


def test_resuming_a_finished_run_returns_it_without_training(tmp_path):
    expected, history = _final_weights(tmp_path)
    again, second = _final_weights(tmp_path, resume=True)
    assert second.iteration_loss == history.iteration_loss
    for name, value in expected.items():
        np.testing.assert_array_equal(again[name], value)


def test_a_checkpoint_only_resumes_its_own_run(tmp_path):
    X, y = sign_task(n=16)
    model = rnnlab.build("gru", input_size=3, hidden_size=3, output_size=2, task="classify")
    rnnlab.train(model, X, y, quiet(max_epochs=1, checkpoint_dir=tmp_path))
    fresh = rnnlab.build("gru", input_size=3, hidden_size=3, output_size=2, task="classify")
    with pytest.raises(ValueError, match="different training options"):
        rnnlab.train(fresh, X, y, quiet(max_epochs=2, checkpoint_dir=tmp_path,
                                        learning_rate=0.5), resume=True)
    with pytest.raises(ValueError, match="different training data"):
        rnnlab.train(fresh, X + 1, y, quiet(max_epochs=2, checkpoint_dir=tmp_path),
                     resume=True)
    other = rnnlab.build("gru", input_size=3, hidden_size=4, output_size=2, task="classify")
    with pytest.raises(ValueError, match="different model"):
        rnnlab.train(other, X, y, quiet(max_epochs=2, checkpoint_dir=tmp_path), resume=True)
    with pytest.raises(ValueError, match=r"resume=True needs options.checkpoint_dir"):
        rnnlab.train(fresh, X, y, quiet(), resume=True)
    history = rnnlab.train(fresh, X, y, quiet(max_epochs=3, checkpoint_dir=tmp_path),
                           resume=True)      # a longer run continues the finished one
    assert history.epochs == 3 and len(history.iteration_loss) == 6
