"""Helpers for the tests that run ``rnnlab compare`` in a subprocess and interrupt or kill it."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

#: Columns that must match between an interrupted-then-resumed study and an uninterrupted one.
METRICS = ("key", "cell", "length", "seed", "hidden_size", "num_parameters", "status",
           "val_score", "test_score", "val_skill", "test_skill", "epochs_run")


def done_rows(out: Path, columns: str = "*", status: str | None = "done") -> dict[str, tuple]:
    """Rows by key (of one status, or all), read with an ordinary connection (after a SIGKILL
    the WAL needs recovery) and retried while a writer holds the database locked."""
    path = out / "results.sqlite"
    where = "" if status is None else f" WHERE status = '{status}'"
    for _ in range(50):
        if not path.exists():
            return {}
        try:
            db = sqlite3.connect(path, timeout=30)
            try:
                cursor = db.execute(f"SELECT {columns} FROM runs{where}")
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


def wait_for_done(process, out: Path, count: int, seconds: float = 300) -> None:
    """Wait until ``out`` holds ``count`` finished runs (the process must still be running)."""
    deadline = time.monotonic() + seconds
    while len(done_rows(out)) < count:
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, f"the study never finished {count} runs"
        time.sleep(0.05)
