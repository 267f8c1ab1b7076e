"""The results database: resume semantics, version checks, and two writers at once."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest
from study_fakes import fake_execute

from rnnlab.study import StudyConfig, StudyError, TaskSpec, expand, open_store, run_study
from rnnlab.study.errors import IncompatibleStoreError

CONFIG = StudyConfig(tasks=(TaskSpec("adding", (5, 30), {"n_train": 16, "n_val": 8,
                                                         "n_test": 8}),),
                     seeds=(0, 1, 2), epochs=2)


def test_done_rows_are_never_overwritten(tmp_path):
    run = expand(CONFIG)[0]
    with open_store(tmp_path) as store:
        store.mark_running(run)
        first = fake_execute(run.to_dict())
        assert store.save_result(run, first)
        before = store.runs()[0]
        changed = {**first, "test_score": 123.0}
        assert not store.save_result(run, changed)
        store.mark_running(run)  # a second study starting the same run must not reset it
        assert store.runs()[0] == before


def test_rerun_skips_finished_runs_and_redoes_unfinished(tmp_path):
    runs = expand(CONFIG)
    with open_store(tmp_path) as store:
        for run in runs[:5]:
            store.save_result(run, fake_execute(run.to_dict()))
        store.mark_running(runs[5])  # "in flight" when the process died
    result = run_study(CONFIG, tmp_path, workers=1, progress=False, report=False,
                       function=fake_execute)
    assert (result.skipped, result.ran) == (5, len(runs) - 5)
    with open_store(tmp_path) as store:
        assert store.finished_keys() == {r.key for r in runs}
        assert {r["attempts"] for r in store.runs() if r["key"] == runs[5].key} == {2}


def test_a_database_from_another_schema_version_is_refused(tmp_path):
    with open_store(tmp_path) as store:
        store.set_meta("schema_version", "999")
    with pytest.raises(IncompatibleStoreError, match="incompatible rnnlab"):
        open_store(tmp_path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    (tmp_path / "results.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StudyError, match="not a readable SQLite database"):
        open_store(tmp_path)


def _writer(folder: str, offset: int, count: int) -> None:
    runs = expand(StudyConfig(tasks=(TaskSpec("adding", tuple(range(5, 5 + count)),
                                              {"n_train": 8, "n_val": 4, "n_test": 4}),),
                              seeds=(offset,), cells=("rnn",), epochs=1))
    with open_store(folder) as store:
        for run in runs:
            store.mark_running(run)
            store.save_result(run, fake_execute(run.to_dict()))


def test_two_processes_writing_one_database_do_not_corrupt_it(tmp_path):
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_writer, args=(str(tmp_path), seed, 25))
               for seed in (0, 1)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(120)
        assert process.exitcode == 0
    db = sqlite3.connect(tmp_path / "results.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM runs WHERE status = 'done'").fetchone()[0] == 50
    assert db.execute("SELECT COUNT(*) FROM epochs").fetchone()[0] == 50
