"""SIGKILL a study mid-way, rerun the same command: it completes without redoing finished runs,
and ends with the same run keys and metrics as a study that was never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from study_processes import METRICS, done_rows, wait_for_done

from rnnlab.study import build_config, run_study

# 27 short runs: enough that a kill after the 4th finished run lands mid-study even when the
# runs are fast (with 12 runs, the study sometimes finished before the kill arrived).
RUNS = 27
ARGS = ["compare", "--task", "adding", "--lengths", "5,8,12", "--seeds", "3", "--epochs", "2",
        "-p", "n_train=64", "-p", "n_val=16", "-p", "n_test=16", "--workers", "2",
        "--no-progress"]


def command(out: Path) -> list[str]:
    return [sys.executable, "-m", "rnnlab.cli", *ARGS, "--out", str(out)]


def test_sigkill_then_rerun_completes_and_matches_an_uninterrupted_study(tmp_path):
    out = tmp_path / "killed"
    process = subprocess.Popen(command(out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    wait_for_done(process, out, 4, seconds=120)
    os.killpg(process.pid, signal.SIGKILL)  # the study and its worker processes
    process.wait(30)
    before = done_rows(out)
    assert 4 <= len(before) < RUNS, "killed too late to test resuming"

    subprocess.run(command(out), check=True, capture_output=True, timeout=300)
    after = done_rows(out)
    assert len(after) == RUNS
    for key, row in before.items():
        assert after[key] == row  # finished runs were not recomputed (wall time, times… equal)

    # The uninterrupted study runs in this process (same configuration, another executor):
    # runs are pure functions of their keys, so the numbers must match exactly.
    reference = tmp_path / "uninterrupted"
    config = build_config(tasks="adding", lengths=[5, 8, 12], seeds=3, epochs=2,
                          params={"n_train": 64, "n_val": 16, "n_test": 16})
    run_study(config, reference, workers=1, progress=False, report=False)
    columns = ", ".join(METRICS)
    assert done_rows(out, columns) == done_rows(reference, columns)
    assert (out / "report.html").exists()
