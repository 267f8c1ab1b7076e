"""Statistics, claims and the recommendation — all computed from the results database."""

from __future__ import annotations

import math
import sqlite3

import numpy as np
import pytest
from scipy import stats
from study_fakes import fake_execute

from rnnlab.study import StudyConfig, TaskSpec, render_report, run_study
from rnnlab.study.analysis import mean_ci, paired_test, pareto_front

CONFIG = StudyConfig(tasks=(TaskSpec("adding", (5, 30), {"n_train": 16, "n_val": 8,
                                                         "n_test": 8}),),
                     seeds=(0, 1, 2), epochs=2)


def test_confidence_interval_is_mean_plus_minus_t_s_over_root_n():
    values = [0.2, 0.5, 0.9, 0.4]
    mean, half, n = mean_ci(values)
    expected = stats.t.ppf(0.975, 3) * np.std(values, ddof=1) / math.sqrt(4)
    assert (mean, n) == (pytest.approx(0.5), 4)
    assert half == pytest.approx(expected)
    assert math.isnan(mean_ci([0.3])[1])


def test_paired_test_uses_shared_seeds_only():
    diff, p, n = paired_test({0: 1.0, 1: 2.0, 2: 3.5, 9: 100.0}, {0: 0.0, 1: 1.5, 2: 1.0})
    assert n == 3
    assert diff == pytest.approx(np.mean([1.0, 0.5, 2.5]))
    assert p == pytest.approx(stats.ttest_rel([1.0, 2.0, 3.5], [0.0, 1.5, 1.0]).pvalue)


def test_pareto_front_keeps_only_undominated_cells():
    assert pareto_front({"a": (1, 0.5), "b": (2, 0.4), "c": (3, 0.9)}) == ["a", "c"]


def _verdicts(result) -> dict[str, str]:
    return {claim.claim.split(":")[0]: claim.verdict for claim in result.claims}


def test_claims_and_recommendation_follow_the_stored_metrics(tmp_path):
    result = run_study(CONFIG, tmp_path, workers=1, progress=False, report=False,
                       function=fake_execute)
    verdicts = _verdicts(result)
    long_claim = next(k for k in verdicts if k.startswith("The vanilla RNN cannot"))
    short_claim = "The vanilla RNN does well on short sequences."
    assert verdicts[long_claim] == "holds"
    assert verdicts[short_claim] == "holds"
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
    assert verdicts[long_claim] == "does not hold"
    assert "**vanilla RNN**" in again.recommendation
    assert (tmp_path / "report.md").read_text().count("does not hold") >= 1


def test_a_negligible_but_significant_lead_does_not_beat_a_cheaper_cell(tmp_path):
    run_study(CONFIG, tmp_path, workers=1, progress=False, report=False,
              function=fake_execute)
    # Tight seeds: the GRU leads the LSTM by 0.002 skill with p < 0.05 but takes 3× the time.
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
    assert comparison.p < 0.05 and comparison.difference > 0  # the test does separate them
    assert "use the **LSTM**" in result.recommendation
    assert "level in practice (within 0.01 skill) with the GRU's" in result.recommendation
