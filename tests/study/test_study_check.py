"""``check_report`` passes a report whose verdicts follow and names every one that does not."""

from __future__ import annotations

import copy
import json

import pytest
from study_fakes import fake_execute

from rnnlab.study import ReportCheckError, StudyConfig, TaskSpec, check_report, run_study
from rnnlab.study.check import check_document

CONFIG = StudyConfig(tasks=(TaskSpec("adding", (5, 30), {"n_train": 16, "n_val": 8,
                                                         "n_test": 8}),),
                     seeds=(0, 1, 2), epochs=2)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("checked")
    run_study(CONFIG, folder, workers=1, progress=False, function=fake_execute)
    return check_report(folder)


def problems(document) -> list[str]:
    return check_document(document)


def test_a_true_report_passes(report):
    assert problems(report) == []


def test_a_verdict_that_does_not_follow_is_caught(report):
    bad = copy.deepcopy(report)
    claim = next(c for c in bad["claims"] if c["id"] == "rnn_long")
    claim["verdict"] = "does not hold"
    assert any("claim rnn_long: verdict" in p for p in problems(bad))


def test_evidence_that_misquotes_a_group_is_caught(report):
    bad = copy.deepcopy(report)
    claim = next(c for c in bad["claims"] if c["id"] == "rnn_long")
    claim["evidence"]["items"][0]["rnn"]["skill_low"] = 0.9  # would make the RNN "solve"
    found = problems(bad)
    assert any("differs from the report's" in p for p in found)


def test_intervals_and_tests_are_recomputed_from_the_seeds(report):
    bad = copy.deepcopy(report)
    bad["groups"][0]["skill"]["low"] -= 0.01
    assert any("skill low" in p and "is not what its seeds give" in p for p in problems(bad))
    bad = copy.deepcopy(report)
    bad["pairs"][0]["p"] = 0.5
    assert any(" p 0.5 is not what the seeds give" in p for p in problems(bad))
    bad = copy.deepcopy(report)
    bad["pairs"][0]["p_adjusted"] = bad["pairs"][0]["p"]  # Holm's step left out
    assert any("is not Holm's" in p for p in problems(bad))
    bad = copy.deepcopy(report)
    seed = next(iter(bad["groups"][0]["skill_by_seed"]))
    bad["groups"][0]["skill_by_seed"][seed] += 0.3  # a seed changed behind the numbers' back
    assert any("is not what its seeds give" in p for p in problems(bad))


def test_a_changed_threshold_in_the_evidence_is_caught(report):
    bad = copy.deepcopy(report)
    bad["claims"][0]["evidence"]["threshold"] = 0.1
    assert any("evidence threshold" in p for p in problems(bad))


def test_a_recommendation_outside_the_top_group_is_caught(report):
    bad = copy.deepcopy(report)
    rec = bad["recommendation"][0]
    assert rec["cell"] != "rnn"
    rec["cell"] = "rnn"
    found = problems(bad)
    assert any("outside the top group" in p for p in found)
    assert any("significantly better than the recommended rnn" in p for p in found)


def test_a_text_that_says_something_untrue_is_caught(report):
    bad = copy.deepcopy(report)
    rec = bad["recommendation"][0]
    rec["text"] = rec["text"].replace("it solves the task", "it does not solve the task")
    assert any("untrue of the" in p for p in problems(bad))
    bad["recommendation"][0]["text"] += " No cell solves the task at this budget."
    assert any("says that no cell solves" in p for p in problems(bad))


def test_a_wrong_solved_flag_and_confidence_are_caught(report):
    bad = copy.deepcopy(report)
    bad["groups"][0]["solved"] = not bad["groups"][0]["solved"]
    bad["recommendation"][0]["confidence"] = "low"
    found = problems(bad)
    assert any("solved is" in p for p in found)
    assert any("confidence low" in p for p in found)


def test_the_schema_is_checked_first(report):
    bad = copy.deepcopy(report)
    del bad["pairs"]
    assert problems(bad) == ["schema: : 'pairs' is a required property"]


def test_check_report_raises_one_sentence_naming_the_file(report, tmp_path):
    bad = copy.deepcopy(report)
    bad["claims"][2]["verdict"] = "holds" if bad["claims"][2]["verdict"] != "holds" \
        else "does not hold"
    path = tmp_path / "report.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(ReportCheckError, match=r"report\.json: 1 problem") as caught:
        check_report(tmp_path)
    assert "\n" not in str(caught.value)
    with pytest.raises(ReportCheckError, match="no report at"):
        check_report(tmp_path / "nowhere")
    path.write_text("{not json")
    with pytest.raises(ReportCheckError, match="is not JSON"):
        check_report(path)


def test_a_report_whose_verdict_would_not_follow_is_never_written(tmp_path, monkeypatch):
    import rnnlab.study.claims as claims

    run_study(CONFIG, tmp_path, workers=1, progress=False, report=False,
              function=fake_execute)
    # A broken claim: the long-lag verdict no longer follows from its evidence.
    real = claims._rnn_long

    def wrong(a):
        claim = real(a)
        claim.verdict = "does not hold" if claim.verdict == "holds" else "holds"
        return claim

    monkeypatch.setattr(claims, "_rnn_long", wrong)
    from rnnlab.study import render_report

    with pytest.raises(ReportCheckError, match="was not written"):
        render_report(tmp_path)
    assert not (tmp_path / "report.json").exists() and not (tmp_path / "report.md").exists()
