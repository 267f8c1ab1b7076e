"""SIGKILL a study mid-way, rerun the same command: it completes without redoing finished runs,
and ends with the same run keys and metrics as a study that was never interrupted."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from rnnlab.study import build_config, run_study

# 27 short runs: enough that a kill after the 4th finished run lands mid-study even when the
# runs are fast (with 12 runs, the study sometimes finished before the kill arrived).
RUNS = 27
ARGS = ["compare", "--task", "adding", "--lengths", "5,8,12", "--seeds", "3", "--epochs", "2",
        "-p", "n_train=64", "-p", "n_val=16", "-p", "n_test=16", "--workers", "2",
        "--no-progress"]
METRICS = ("key", "cell", "length", "seed", "hidden_size", "num_parameters", "status",
           "val_score", "test_score", "val_skill", "test_skill", "epochs_run")


def command(out: Path) -> list[str]:
    return [sys.executable, "-m", "rnnlab.cli", *ARGS, "--out", str(out)]


def done_rows(out: Path, columns: str = "*") -> dict[str, tuple]:
    """Finished rows by key, read with an ordinary connection (after a SIGKILL the WAL needs
    recovery, which a read-only connection cannot do)."""
    path = out / "results.sqlite"
    for _ in range(50):
        if not path.exists():
            return {}
        try:
            db = sqlite3.connect(path, timeout=30)
            try:
                cursor = db.execute(f"SELECT {columns} FROM runs WHERE status = 'done'")
                names = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
            finally:
                db.close()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return {}  # the study has not created its tables yet
            time.sleep(0.1)  # locked for longer than the timeout: try again
            continue
        return {row[names.index("key")]: row for row in rows}
    raise AssertionError(f"could not read {path}")


def test_sigkill_then_rerun_completes_and_matches_an_uninterrupted_study(tmp_path):
    out = tmp_path / "killed"
    process = subprocess.Popen(command(out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while len(done_rows(out)) < 4:
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the study never finished 4 runs"
        time.sleep(0.05)
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
