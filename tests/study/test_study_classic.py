"""The classic suite: both scales' run lists and stated cost (built, never run), the report's
section and docs/reproductions.md from a results database, and the CLI around them."""

from __future__ import annotations

import pytest

from rnnlab.cli import main
from rnnlab.study.classic import GPU_STEP_US, laptop, paper_parts, plan, step_cost_us
from rnnlab.study.grid import expand
from rnnlab.study.published import PUBLISHED
from rnnlab.study.reproduction_report import reproduction_table, write_docs
from rnnlab.study.store import open_store


def test_the_paper_scale_suite_is_built_with_its_cost_without_running() -> None:
    parts = paper_parts(mnist=False)
    assert [p.name for p in parts] == ["hs97", "bai18-70k", "bai18-16k"]
    planned = plan(parts)
    hs = [r for r in planned.runs if r.part == "hs97"]
    # Every H&S row at the paper's length, 10 trials of each cell.
    assert sorted({(r.run.task, r.run.length) for r in hs}) == [
        ("adding_hs97", 100), ("adding_hs97", 500), ("adding_hs97", 1000), ("reber_hs97", None),
        ("temporal_order_6a", 100), ("temporal_order_6b", 100)]
    assert len(hs) == 6 * 3 * 10 and len(planned.runs) == 180 + 3 * 3 * 5 + 3 * 5
    longest = next(r for r in hs if r.run.length == 1000 and r.run.cell == "lstm")
    assert longest.steps == 100 * 625 and 1000 <= longest.time_steps <= 1100 and longest.ragged
    assert longest.run.task_params["n_train"] == 20_000        # 2,000,000 sequences / 100
    # The papers' model sizes: ≈ 100–300 weights for H&S, ≈ 70K and ≈ 16K for Bai et al.
    sizes = {(r.run.task, r.run.cell): r.run.expected_parameters for r in planned.runs}
    assert 80 <= sizes["adding_hs97", "lstm"] <= 200
    assert 60_000 <= sizes["adding_bai18", "lstm"] <= 80_000
    assert 14_000 <= sizes["copy_bai18", "gru"] <= 20_000
    seconds = longest.steps * longest.time_steps * step_cost_us("lstm", 4, True) * 1e-6
    assert longest.seconds_here == pytest.approx(seconds)
    assert longest.seconds_gpu == pytest.approx(longest.steps * longest.time_steps
                                                * GPU_STEP_US * 1e-6)
    text = planned.text()
    assert "total: 240 runs" in text and "hours on this 2-core machine" in text
    assert "GPU" in text and "training steps alone" in text


def test_planned_runs_are_the_runs_a_study_would_make() -> None:
    parts = paper_parts(mnist=False)
    small = parts[2].config
    assert [r.run.key for r in plan([("x", small)]).runs] == [r.key for r in expand(small)]


def test_the_laptop_suite_runs_a_row_of_every_kind() -> None:
    config = laptop()
    planned = plan([("classic", config)])
    tasks = {r.run.task for r in planned.runs}
    assert {"adding_hs97", "reber_hs97", "temporal_order_6a", "adding_bai18", "copy_bai18",
            "digits_sequential", "digits_permuted"} == tasks
    # Every row is either run as defined or has its stand-in here.
    assert all(p.task in tasks or p.stand_in in tasks or p.key in (
        "hs97-adding-500", "hs97-adding-1000", "hs97-order-6b") for p in PUBLISHED)
    budget = {t.name: config.epochs * t.params.get("n_train", 0) for t in config.tasks}
    assert budget["adding_hs97"] >= 74_000 and budget["temporal_order_6a"] > 31_390
    assert budget["reber_hs97"] > 39_740


def test_the_laptop_plan_counts_the_tuning_trials_at_their_budget() -> None:
    from rnnlab.study.api import build_config
    from rnnlab.study.tuning import trial_runs

    config = build_config(suite="classic", tune_epochs=4)
    planned = plan([("classic", config)])
    trials = [r for r in planned.runs if r.run.role == "trial"]
    finals = [r for r in planned.runs if r.run.role == "final"]
    assert [r.run.key for r in trials] == [r.key for r in trial_runs(config)]
    assert len(trials) == 7 * 3 * 5 and len(finals) == 7 * 3 * 3
    final_steps = {r.run.setting: r.steps for r in finals}
    assert all(r.steps * config.epochs == final_steps[r.run.setting] * 4 for r in trials)
    full = plan([("classic", build_config(suite="classic"))])
    assert {r.steps for r in full.runs if r.run.role == "trial"} == {
        r.steps for r in full.runs if r.run.role == "final"}
    assert "5 learning-rate trials × " in planned.text()


def _store_rows(tmp_path):
    """A tiny study database: Bai adding with GRU ahead, and H&S adding where the LSTM
    succeeded on every seed."""
    from rnnlab.study.grid import RunConfig

    with open_store(tmp_path) as store:
        keys = []
        for cell, scores in (("gru", (4e-5, 6e-5, 3e-5)), ("lstm", (0.16, 0.17, 0.165)),
                             ("rnn", (0.171, 0.168, 0.17))):
            for seed, score in enumerate(scores):
                run = RunConfig(cell, 8, 1, "adding_bai18", 600, seed,
                                {"length": 600, "seed": seed})
                store.save_result(run, {"num_parameters": 300, "metric": "mse",
                                        "baseline": 1 / 6, "test_score": score,
                                        "test_skill": 1 - score * 6,
                                        "extra": {"steps_run": 500}})
                keys.append(run.key)
        for seed in range(3):
            run = RunConfig("lstm", 8, 1, "adding_hs97", 100, seed, {"length": 100, "seed": seed})
            success = {"reached": True, "sequences": 40_000 + 1000 * seed,
                       "sequences_run": 40_000 + 1000 * seed, "test_wrong": seed,
                       "test_size": 2560}
            store.save_result(run, {"num_parameters": 120, "metric": "mse", "baseline": 0.0392,
                                    "test_score": 1e-4, "test_skill": 0.997,
                                    "extra": {"steps_run": 1250, "success": success}})
            keys.append(run.key)
        store.set_meta("study_keys", ",".join(sorted(keys)))


def test_the_report_section_and_the_docs_page_come_from_the_database(tmp_path) -> None:
    from rnnlab.study.reproduction_report import study_rows

    _store_rows(tmp_path)
    _title, headers, lines = reproduction_table(study_rows(tmp_path))
    assert headers[-2:] == ["verdict", "why · budget"]
    firsts = {line[0].split(" (")[0]: line[4] for line in lines if line[0]}
    assert firsts["Bai et al. 2018 Table 1 · adding T=600"] == "reproduced"
    assert firsts["H&S 1997 Table 7 · adding T=100"] == "reproduced"
    assert firsts["H&S 1997 Table 7 · adding T=1000"] == "not run at this scale"
    assert len(firsts) == len(PUBLISHED)          # every row of both papers, none dropped
    assert not any("not reported" in cell for line in lines for cell in line)
    page = write_docs([tmp_path], tmp_path / "docs" / "reproductions.md").read_text()
    assert page.startswith("# Reproductions") and "Verdicts: 2 reproduced" in page
    assert "3/3 seeds succeeded, after 41,000 sequences (median; 40,000–42,000)" in page
    assert "success after 74,000 sequences" in page and "seeds 0, 1, 2" in page
    again = write_docs([tmp_path], tmp_path / "again.md").read_text()
    assert again.replace(str(tmp_path), "") == page.replace(str(tmp_path), "")


def test_cli_plans_and_writes_and_refuses_what_it_cannot_do(tmp_path, capsys) -> None:
    assert main(["reproductions", "--plan", "paper"]) == 0
    assert "total: " in capsys.readouterr().out
    assert main(["reproductions", "--plan", "huge"]) == 2
    assert "unknown scale 'huge'" in capsys.readouterr().err
    assert main(["compare", "--suite", "quick", "--scale", "paper"]) == 2
    assert "--scale applies to --suite classic only" in capsys.readouterr().err
    assert main(["compare", "--suite", "classic", "--scale", "paper", "--epochs", "3"]) == 2
    assert "drop --epochs" in capsys.readouterr().err
    assert main(["reproductions", str(tmp_path / "none")]) == 2
    assert "no results database" in capsys.readouterr().err
    _store_rows(tmp_path)
    assert main(["reproductions", str(tmp_path), "--out", str(tmp_path / "r.md")]) == 0
    assert (tmp_path / "r.md").read_text().startswith("# Reproductions")
