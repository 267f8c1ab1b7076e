"""Claims and the recommendation are computed from the results database: change the stored
numbers and the verdicts change; measured time never decides anything."""

from __future__ import annotations

import json
import sqlite3

from study_fakes import fake_execute

from rnnlab.study import StudyConfig, TaskSpec, check_report, render_report, run_study
from rnnlab.study.analysis import pareto_front

CONFIG = StudyConfig(tasks=(TaskSpec("adding", (5, 30), {"n_train": 16, "n_val": 8,
                                                         "n_test": 8}),),
                     seeds=(0, 1, 2), epochs=2)


def test_pareto_front_keeps_only_undominated_cells():
    assert pareto_front({"a": (1, 0.5), "b": (2, 0.4), "c": (3, 0.9)}) == ["a", "c"]


def _verdicts(result) -> dict[str, str]:
    return {claim.id: claim.verdict for claim in result.claims}


def test_claims_and_recommendation_follow_the_stored_metrics(tmp_path):
    result = run_study(CONFIG, tmp_path, workers=1, progress=False, function=fake_execute)
    verdicts = _verdicts(result)
    assert verdicts["rnn_long"] == "holds"
    assert verdicts["rnn_short"] == "holds"
    assert "**GRU**" in result.recommendation  # best at T=30 in the fake numbers

    # Rewrite history in the database: the RNN now solves the long task and the LSTM fails it.
    db = sqlite3.connect(tmp_path / "results.sqlite")
    db.execute("UPDATE runs SET test_skill = 0.99 - seed * 0.001 WHERE cell = 'rnn'")
    db.execute("UPDATE runs SET test_skill = 0.01 + seed * 0.001 "
               "WHERE cell IN ('lstm', 'gru') AND length = 30")
    db.commit()
    db.close()
    again = render_report(tmp_path)
    verdicts = _verdicts(again)
    assert verdicts["rnn_long"] == "does not hold"
    assert "**vanilla RNN**" in again.recommendation
    assert (tmp_path / "report.md").read_text().count("does not hold") >= 1
    check_report(tmp_path)


def test_a_small_but_significant_lead_is_never_overruled_by_cost_or_time(tmp_path):
    run_study(CONFIG, tmp_path, workers=1, progress=False, report=False,
              function=fake_execute)
    # Tight seeds: the GRU leads the LSTM by 0.002 skill with p < 0.05 and its kernel takes
    # 3× the time. Inside the equivalence margin, so the LSTM is in the top group — but a cell
    # another beats significantly is never recommended, and measured time is not read.
    db = sqlite3.connect(tmp_path / "results.sqlite")
    db.execute("UPDATE runs SET test_skill = 0.998 + seed * 0.0001, time_per_epoch = 3.0 "
               "WHERE cell = 'gru' AND length = 30")
    db.execute("UPDATE runs SET test_skill = 0.996 + seed * 0.00011, time_per_epoch = 1.0 "
               "WHERE cell = 'lstm' AND length = 30")
    db.execute("UPDATE runs SET test_skill = 0.1 + seed * 0.01 WHERE cell = 'rnn' AND length = 30")
    db.commit()
    db.close()
    result = render_report(tmp_path)
    comparison = result.analysis.comparison("adding", 30, "gru", "lstm")
    assert comparison.p_adjusted < 0.05 and comparison.test.equivalent()
    (rec,) = result.recommendations
    assert rec.top_group == ["gru", "lstm"] and rec.eligible == ["gru"]
    assert "use the **GRU**" in result.recommendation


def test_a_database_written_before_tuning_and_intrinsic_costs_still_reports(tmp_path):
    run_study(CONFIG, tmp_path, workers=1, progress=False, report=False,
              function=fake_execute)
    # What an older rnnlab stored: no tuning fields in the configuration, no kernel, steps
    # per sequence or task kind in the runs, and the worker's peak RSS.
    db = sqlite3.connect(tmp_path / "results.sqlite")
    stored = json.loads(db.execute("SELECT value FROM meta WHERE key = 'study_config'")
                        .fetchone()[0])
    for name in ("tune", "tune_grid", "tune_seeds"):
        del stored[name]
    db.execute("UPDATE meta SET value = ? WHERE key = 'study_config'", (json.dumps(stored),))
    db.execute("DELETE FROM meta WHERE key = 'trial_keys'")
    for key, extra in db.execute("SELECT key, extra_json FROM runs").fetchall():
        extra = json.loads(extra)
        for name in ("kernel", "steps_per_sequence", "task_kind", "device"):
            extra.pop(name)
        db.execute("UPDATE runs SET extra_json = ?, peak_memory_mb = 431.0 WHERE key = ?",
                   (json.dumps(extra), key))
    db.commit()
    db.close()
    result = render_report(tmp_path)
    assert result.config.tune is None and len(result.analysis.groups) == 6
    assert {g.kernel for g in result.analysis.groups} == {"not recorded"}
    assert all(g.macs_per_sequence > 0 for g in result.analysis.groups)  # T from the length
    report = check_report(tmp_path)
    assert "peak RSS" not in (tmp_path / "report.md").read_text()
    assert report["settings"]["tuning"]["mode"] == "shared"
