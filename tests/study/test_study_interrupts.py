"""Interrupting ``rnnlab compare``: Ctrl-C (SIGINT to the process group, as a terminal sends it)
on the process pool and on ``--workers 1``, and SIGKILLs at seeded random moments.

Every time: no run is stored as finished that did not finish (each finished row equals the row
of a study never interrupted), Ctrl-C exits 130 with one line, and rerunning the same command
completes the study to exactly the uninterrupted results.

``RNNLAB_FAULT_TRIALS`` (default 1; the fixed-moment kill lives in test_study_resume.py) sets
how many SIGKILL moments to try.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from study_processes import METRICS, done_rows, wait_for_done

from rnnlab.study import build_config, run_study

EPOCHS = 20   # long enough runs that a signal lands inside training, not between runs
RUNS = 6
ARGS = ["compare", "--task", "adding", "--lengths", "5", "--seeds", "2", "--epochs",
        str(EPOCHS), "-p", "n_train=64", "-p", "n_val=16", "-p", "n_test=16", "--no-progress"]
TRIALS = int(os.environ.get("RNNLAB_FAULT_TRIALS", "1"))
COLUMNS = ", ".join(METRICS)


def _study(out: Path) -> None:
    """The study of ARGS, run in this process (one worker, no report)."""
    config = build_config(tasks="adding", lengths=[5], seeds=2, epochs=EPOCHS,
                          params={"n_train": 64, "n_val": 16, "n_test": 16})
    run_study(config, out, workers=1, progress=False, report=False)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("uninterrupted")
    _study(out)
    rows = done_rows(out, COLUMNS)
    assert len(rows) == RUNS
    return rows


def _start(out: Path, workers: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "rnnlab.cli", *ARGS, "--workers",
                             str(workers), "--out", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def _rerun_matches(out: Path, before: dict, uninterrupted: dict) -> None:
    _study(out)
    after = done_rows(out, COLUMNS)
    assert after == uninterrupted
    for key, row in before.items():
        assert after[key] == row


@pytest.mark.parametrize("workers", [2, 1], ids=["pool", "serial"])
def test_ctrl_c_exits_130_in_one_line_and_stores_no_half_run(tmp_path, uninterrupted,
                                                             workers):
    out = tmp_path / "study"
    process = _start(out, workers)
    wait_for_done(process, out, 1)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 130, err.decode()
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rnnlab: interrupted"), lines
    assert "rerun the same command" in lines[0]

    before = done_rows(out, COLUMNS)
    assert 1 <= len(before) < RUNS
    for key, row in before.items():      # finished rows are whole runs, never cut short
        assert row == uninterrupted[key]
    statuses = {status for _, status in done_rows(out, "key, status", status=None).values()}
    assert statuses - {"done"} <= {"interrupted"}   # nothing left looking like it runs
    _rerun_matches(out, before, uninterrupted)


def _kill_moments(trials: int) -> list[tuple[int, float]]:
    """Seeded (finished runs to wait for, extra delay in seconds) pairs."""
    rng = np.random.default_rng(16)
    return [(int(rng.integers(1, RUNS - 1)), round(float(rng.uniform(0, 1.5)), 2))
            for _ in range(trials)]


@pytest.mark.parametrize("finished, delay", _kill_moments(TRIALS))
def test_sigkill_at_a_random_moment_then_rerun_matches(tmp_path, uninterrupted, finished,
                                                       delay):
    out = tmp_path / "study"
    process = _start(out, 1)   # the process pool is killed in test_study_resume.py
    wait_for_done(process, out, finished)
    time.sleep(delay)   # a moment inside some run, its epoch or a database write
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(60)
    before = done_rows(out, COLUMNS)
    for key, row in before.items():
        assert row == uninterrupted[key]
    _rerun_matches(out, before, uninterrupted)
