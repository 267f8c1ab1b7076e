"""A damaged or read-only results database: one line and exit code 2, and not one byte of the
file written — by ``compare`` (refused) or by ``report`` (which only ever reads)."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from study_fakes import fake_execute
from test_study_cli import assert_one_line, run_cli

from rnnlab.study import StudyConfig, StudyError, TaskSpec, expand, open_store, run_study
from rnnlab.study.executors import LocalExecutor, SerialExecutor

CONFIG = StudyConfig(tasks=(TaskSpec("adding", (5, 30), {"n_train": 16, "n_val": 8,
                                                         "n_test": 8}),),
                     seeds=(0, 1, 2), epochs=2)
COMPARE = ["compare", "--task", "adding", "--lengths", "5,30", "--seeds", "3", "--epochs", "2",
           "-p", "n_train=16", "-p", "n_val=8", "-p", "n_test=8", "--workers", "1",
           "--no-progress"]


def _study(folder):
    run_study(CONFIG, folder, workers=1, progress=False, report=False, function=fake_execute)
    return folder / "results.sqlite"


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _page(path, name: str) -> tuple[int, int]:
    """(offset, size) of the root page of table or index ``name``."""
    db = sqlite3.connect(path)
    try:
        size = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                          (name,)).fetchone()[0]
    finally:
        db.close()
    return (root - 1) * size, size


def _scribble(path, name: str) -> None:
    """Overwrite the root page of ``name`` (after its 8-byte page header) with junk."""
    offset, size = _page(path, name)
    with open(path, "r+b") as handle:
        handle.seek(offset + 8)
        handle.write(bytes((i * 151 + 7) % 256 for i in range(size - 8)))


def _misspell_in_index(path) -> None:
    """Change one key in the runs_by_group index page and nowhere else: every page still
    parses (``quick_check`` passes), but the index no longer matches its table."""
    offset, size = _page(path, "runs_by_group")
    with open(path, "r+b") as handle:
        handle.seek(offset)
        page = bytearray(handle.read(size))
        where = page.index(b"adding")
        page[where:where + 6] = b"addinh"
        handle.seek(offset)
        handle.write(page)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    db.close()


@pytest.mark.parametrize("damage", [lambda p: _scribble(p, "runs"),
                                    lambda p: _scribble(p, "epochs"),
                                    lambda p: _scribble(p, "runs_by_group"),
                                    _misspell_in_index],
                         ids=["runs table page", "epochs table page", "index page",
                              "index content"])
def test_a_damaged_database_is_refused_in_one_line_and_left_untouched(capsys, tmp_path,
                                                                      damage):
    path = _study(tmp_path)
    damage(path)
    before = _digest(path)
    code, _, err = run_cli(capsys, "report", str(tmp_path))
    assert_one_line(code, err, "is damaged")
    assert "move it aside" in err
    code, _, err = run_cli(capsys, *COMPARE, "--seeds", "4", "--out", str(tmp_path))
    assert_one_line(code, err, "is damaged")   # with runs to do: refused before any write
    assert _digest(path) == before


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_report_reads_only(capsys, tmp_path, journal):
    path = _study(tmp_path)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA journal_mode={journal}")
    db.close()
    before = _digest(path)
    code, _, err = run_cli(capsys, "report", str(tmp_path), "--out", str(tmp_path / "r"))
    assert code == 0, err
    assert (tmp_path / "r" / "report.md").is_file()
    assert _digest(path) == before   # no switch to WAL, no change counter bumped
    with open_store(tmp_path, read_only=True) as store:
        with pytest.raises(StudyError, match="opened read-only"):
            store.set_meta("x", "y")


def test_a_refused_compare_writes_nothing(capsys, tmp_path):
    path = _study(tmp_path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=delete")
    db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    before = _digest(path)
    code, _, err = run_cli(capsys, *COMPARE, "--out", str(tmp_path))
    assert_one_line(code, err, "incompatible rnnlab")
    assert _digest(path) == before


class _FailingConnection:
    """Stands in for a connection whose disk filled up mid-study."""

    in_transaction = False

    def execute(self, *args):
        raise sqlite3.OperationalError("database or disk is full")

    def close(self):
        pass


def test_sqlite_errors_leave_the_store_as_one_sentence_naming_the_file(tmp_path):
    store = open_store(tmp_path)
    store._db.close()
    store._db = _FailingConnection()
    run = expand(CONFIG)[0]
    for call in (store.finished_keys, lambda: store.mark_running(run), store.runs,
                 lambda: store.save_result(run, fake_execute(run.to_dict()))):
        with pytest.raises(StudyError, match=r"results.sqlite: database or disk is full; free "
                                             r"some disk space"):
            call()


def test_an_interrupted_run_is_recorded_unfinished_and_redone(tmp_path):
    runs = expand(CONFIG)
    calls = []

    def interrupted_at_the_third(fields, report=None):
        calls.append(fields)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return fake_execute(fields, report)

    with pytest.raises(KeyboardInterrupt):
        run_study(CONFIG, tmp_path, workers=1, progress=False, report=False,
                  function=interrupted_at_the_third)
    with open_store(tmp_path) as store:
        rows = {row["key"]: row["status"] for row in store.runs(None)}
    assert sorted(rows.values()) == ["done", "done", "interrupted"]
    result = run_study(CONFIG, tmp_path, workers=1, progress=False, report=False,
                       function=fake_execute)
    assert (result.skipped, result.ran) == (2, len(runs) - 2)


def test_the_serial_executor_reports_the_interrupted_run_then_stops(tmp_path):
    events = []

    def interrupt(fields, report=None):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        SerialExecutor().run(expand(CONFIG)[:2], interrupt, events.append)
    assert [e.kind for e in events] == ["start", "interrupted"]


@pytest.mark.parametrize("moment", ["start", "done"])
def test_a_ctrl_c_between_a_runs_events_still_leaves_no_run_marked_running(tmp_path, moment):
    # Ctrl-C landing just after the store has marked a run running (before its function
    # starts), or just after it stored the run as done: no row may stay "running", and a done
    # run stays done.
    runs = expand(CONFIG)[:2]
    with open_store(tmp_path) as store:
        def on_event(event):
            if event.kind == "start":
                store.mark_running(event.run)
            elif event.kind == "done":
                store.save_result(event.run, event.payload)
            elif event.kind == "interrupted":
                store.save_interruption(event.run)
            if event.kind == moment:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            SerialExecutor().run(runs, fake_execute, on_event)
        statuses = [row["status"] for row in store.runs(None)]
    assert statuses == (["interrupted"] if moment == "start" else ["done"])


def test_a_ctrl_c_while_the_pool_stores_a_result_stores_it_again_not_loses_it(tmp_path):
    runs = expand(CONFIG)[:3]
    events = []

    def on_event(event):
        if event.kind != "epoch":
            events.append((event.kind, event.run.key))
        if event.kind == "done" and [kind for kind, _ in events].count("done") == 1:
            raise KeyboardInterrupt   # as if Ctrl-C landed while the first result was stored

    with pytest.raises(KeyboardInterrupt):
        LocalExecutor(1).run(runs, fake_execute, on_event)
    first = next(key for kind, key in events if kind == "done")
    assert [kind for kind, key in events if key == first] == ["start", "done", "done"]
    assert ("interrupted", first) not in events
    # every other run is either stored as done or reported interrupted, never left running
    for run in runs:
        kinds = [kind for kind, key in events if key == run.key]
        assert run.key == first or not kinds or kinds[-1] in ("done", "interrupted")
