"""Fault injection into training: SIGKILLs at seeded random moments — between optimiser steps
and in the middle of writing a checkpoint — then ``resume=True``: the run always ends with the
weights of a run never interrupted, and no half-written checkpoint is left behind.

``RNNLAB_FAULT_TRIALS`` (default 2) sets how many kills to try, e.g. ``RNNLAB_FAULT_TRIALS=40
pytest tests/training/test_training_faults.py`` for a longer campaign.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from training_cases import quiet, resume_problem, sign_task

import rnnlab

HERE = Path(__file__).parent
TRIALS = int(os.environ.get("RNNLAB_FAULT_TRIALS", "2"))
STEPS, EPOCHS = 20, 4   # resume_problem: 4 epochs of 5 batches, a checkpoint after each epoch


def _kill_points(trials: int) -> list[tuple[str, int]]:
    """Seeded kill points, alternating a kill while writing checkpoint 1…4 with one right after
    optimiser step 1…19."""
    rng = np.random.default_rng(2028)
    return [("write", int(rng.integers(1, EPOCHS + 1))) if trial % 2 == 0
            else ("batch", int(rng.integers(1, STEPS))) for trial in range(trials)]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    import torch

    threads = torch.get_num_threads()   # module fixtures run before conftest's one-thread one
    torch.set_num_threads(1)
    try:
        model, X, y, options = resume_problem(tmp_path_factory.mktemp("uninterrupted"))
        history = rnnlab.train(model, X, y, options)
    finally:
        torch.set_num_threads(threads)
    return model.get_weights(), history.iteration_loss


@pytest.mark.parametrize("mode, point", _kill_points(TRIALS))
def test_a_run_killed_anywhere_resumes_to_the_uninterrupted_weights(tmp_path, uninterrupted,
                                                                    mode, point):
    expected, losses = uninterrupted
    folder = tmp_path / "run"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE),
                                                       os.environ.get("PYTHONPATH", "")]))
    worker = subprocess.run([sys.executable, str(HERE / "kill_worker.py"), str(folder), mode,
                             str(point)], env=env, capture_output=True, timeout=300)
    assert worker.returncode == -signal.SIGKILL, worker.stderr.decode()
    leftovers = list(folder.glob(".checkpoint.safetensors.*.tmp"))
    assert len(leftovers) == (1 if mode == "write" else 0)

    model, X, y, options = resume_problem(folder)
    history = rnnlab.train(model, X, y, options, resume=True)
    assert not list(folder.glob(".*.tmp"))   # the dead writer's half file is gone
    assert history.iteration_loss == losses
    for name, value in model.get_weights().items():
        np.testing.assert_array_equal(value, expected[name])


def test_stale_temporaries_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    dead = tmp_path / ".checkpoint.safetensors.999999999.tmp"   # above any Linux pid_max
    live = tmp_path / f".checkpoint.safetensors.{os.getppid()}.tmp"
    other = tmp_path / ".model.safetensors.999999999.tmp"       # not a checkpoint: left alone
    for path in (dead, live, other):
        path.write_bytes(b"half a checkpoint")
    X, y = sign_task(n=16)
    model = rnnlab.build("gru", input_size=3, hidden_size=2, output_size=2, task="classify")
    rnnlab.train(model, X, y, quiet(max_epochs=1, checkpoint_dir=tmp_path))
    assert not dead.exists() and live.exists() and other.exists()
    assert (tmp_path / "checkpoint.safetensors").is_file()
