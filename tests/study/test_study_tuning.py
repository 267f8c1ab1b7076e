"""Equal tuning budget per cell: the same learning-rate trials for every cell, on the
validation split only, with seeds of their own; final runs at each cell's chosen rate."""

from __future__ import annotations

import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from study_fakes import BEST_RATE, fake_execute

from rnnlab.study import (
    StudyConfig,
    StudyError,
    TaskSpec,
    build_config,
    check_report,
    expand,
    run_study,
)
from rnnlab.study.config import TRIAL_SEED_BASE
from rnnlab.study.grid import RunConfig
from rnnlab.study.tuning import choose_rates, learning_rate_grid, trial_runs

TASK = TaskSpec("adding", (5, 30), {"n_train": 16, "n_val": 8, "n_test": 8})
CONFIG = StudyConfig(tasks=(TASK,), seeds=(0, 1, 2), epochs=2, tune="lr")


def test_every_cell_gets_the_same_trials_on_seeds_no_final_run_uses():
    trials = trial_runs(CONFIG)
    grid = learning_rate_grid(CONFIG)
    assert grid == (0.001, 0.00316, 0.01, 0.0316, 0.1)
    per_cell = {}
    for run in trials:
        per_cell.setdefault((run.task, run.length, run.cell), []).append(
            (run.learning_rate, run.seed, run.epochs, run.steps, run.batch_size))
    assert len(per_cell) == 2 * 3
    budgets = {tuple(sorted(v)) for v in per_cell.values()}
    assert len(budgets) == 1 and len(next(iter(budgets))) == len(grid)  # identical per cell
    assert {r.seed for r in trials} == {TRIAL_SEED_BASE}
    assert {r.seed for r in trials}.isdisjoint({r.seed for r in expand(CONFIG)})
    assert all(r.role == "trial" and not r.measure for r in trials)
    assert trial_runs(StudyConfig(tasks=(TASK,))) == []  # no tuning, no trials
    custom = StudyConfig(tasks=(TASK,), tune="lr", tune_grid=(0.05, 0.005), tune_seeds=2)
    assert learning_rate_grid(custom) == (0.005, 0.05)
    assert len(trial_runs(custom)) == 2 * 2 * 2 * 3


def test_tune_epochs_shortens_every_trial_alike_and_leaves_the_final_runs_alone(tmp_path):
    short = replace(CONFIG, tune_epochs=1)
    assert {r.epochs for r in trial_runs(short)} == {1}
    assert {r.epochs for r in trial_runs(CONFIG)} == {CONFIG.epochs}
    assert expand(short) == expand(CONFIG)
    # A different trial budget is a different trial: its key changes, a final run's does not.
    assert {r.key for r in trial_runs(short)}.isdisjoint(r.key for r in trial_runs(CONFIG))
    run_study(short, tmp_path, workers=1, progress=False, function=fake_execute)
    report = check_report(tmp_path)
    assert report["settings"]["tuning"]["trial_epochs"] == 1
    assert "with the same budget (1 epoch each)" in (tmp_path / "report.md").read_text()


def test_a_final_run_keeps_the_key_it_had_before_tuning_existed():
    run = expand(StudyConfig(tasks=(TASK,), seeds=(0,)))[0]
    old_fields = {k: v for k, v in run.to_dict().items() if k != "role"}
    assert RunConfig.from_dict(old_fields).key == run.key
    assert RunConfig.from_dict({**old_fields, "role": "trial"}).key != run.key


def _trial(rate, seed=TRIAL_SEED_BASE, cell="gru"):
    return RunConfig(cell, 4, 1, "adding", 5, seed, learning_rate=rate, role="trial")


def test_choice_is_the_best_mean_validation_skill_and_ties_go_to_the_smaller_rate():
    runs = [_trial(r, s) for r in (0.01, 0.1, 1.0) for s in (TRIAL_SEED_BASE,
                                                             TRIAL_SEED_BASE + 1)]
    skills = {(0.01, 0): 0.5, (0.01, 1): 0.7, (0.1, 0): 0.6, (0.1, 1): 0.6,
              (1.0, 0): 0.95, (1.0, 1): math.nan}   # 1.0 diverged on one seed
    rows = [{"key": r.key, "val_skill": skills[r.learning_rate, r.seed - TRIAL_SEED_BASE]}
            for r in runs]
    choice = choose_rates(CONFIG, runs, rows)["adding", 5, "gru"]
    assert choice.rate == 0.01 and choice.tuned  # 0.6 = 0.6: the smaller rate
    assert math.isnan(choice.scores[1.0]) and choice.finished == 6
    # No trial finished: the shared rate is kept, and the choice says it was not tuned.
    fallback = choose_rates(CONFIG, runs, [])["adding", 5, "gru"]
    assert fallback.rate == CONFIG.learning_rate and not fallback.tuned


def test_final_runs_train_at_each_cells_chosen_rate_and_the_report_shows_it(tmp_path):
    result = run_study(CONFIG, tmp_path, workers=1, progress=False, function=fake_execute)
    assert result.ran == 2 * 3 * 5 + 2 * 3 * 3
    for g in result.analysis.groups:
        assert g.learning_rate == BEST_RATE[g.cell]
    report = check_report(tmp_path)
    assert all(g["tuned"] for g in report["groups"])
    assert report["settings"]["tuning"] == {"mode": "lr", "grid": [0.001, 0.00316, 0.01,
                                                                   0.0316, 0.1],
                                            "trial_seeds": [TRIAL_SEED_BASE],
                                            "trials_per_cell": 5, "trial_epochs": 2}
    text = (tmp_path / "report.md").read_text()
    assert "Learning rate tuned per cell" in text and "| tuned per cell |" in text
    assert "0.0316 (tuned)" in text and "lr_sensitivity.png" in text
    assert (tmp_path / "lr_sensitivity.png").stat().st_size > 0
    again = run_study(CONFIG, tmp_path, workers=1, progress=False, report=False,
                      function=fake_execute)
    assert (again.ran, again.skipped) == (0, result.ran)  # trials and finals all found


def test_a_trial_never_evaluates_the_test_split(monkeypatch):
    import rnnlab
    from rnnlab.study.runner import execute

    task = TaskSpec("adding", (5,), {"n_train": 16, "n_val": 6, "n_test": 7})
    config = StudyConfig(tasks=(task,), cells=("gru",), seeds=(0,), epochs=1, tune="lr",
                         tune_grid=(0.01,))
    (trial,) = trial_runs(config)
    seen = []
    model_class = type(rnnlab.build("gru", input_size=2, hidden_size=2, output_size=1,
                                    task="regress"))
    evaluate = model_class.evaluate

    def spy(self, X, y, *args, **kwargs):
        seen.append(len(X))
        return evaluate(self, X, y, *args, **kwargs)

    monkeypatch.setattr(model_class, "evaluate", spy)
    result = execute(trial.to_dict())
    assert result["test_score"] is None and result["test_skill"] is None
    assert math.isfinite(result["val_skill"])
    assert 7 not in seen and 6 in seen
    assert "noise" not in result["extra"] and "gradient_flow_init" not in result["extra"]


def test_tuning_is_on_by_default_for_standard_classic_and_data_but_not_quick():
    assert build_config(suite="standard").tune == "lr"
    assert build_config(suite="standard").seeds == (0, 1, 2, 3, 4)
    assert build_config(suite="classic").tune == "lr"
    assert build_config(suite="classic").tune_epochs is None
    assert build_config(suite="classic", tune_epochs=5).tune_epochs == 5
    assert build_config(suite="quick").tune is None
    assert build_config(suite="quick", tune="lr").tune == "lr"
    assert build_config(suite="standard", tune="none").tune is None


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"tune": "momentum"}, "unknown tune 'momentum'"),
    ({"tune": "lr", "tune_grid": []}, "tune_grid is empty"),
    ({"tune": "lr", "tune_grid": [0.01, -1]}, "tune_grid learning rate must be a positive"),
    ({"seeds": [TRIAL_SEED_BASE]}, "kept for the learning-rate trials"),
    ({"tune": "lr", "tune_epochs": 0}, "tune_epochs must be a positive"),
])
def test_bad_tuning_settings_are_one_clear_sentence(kwargs, message):
    with pytest.raises(StudyError, match=message) as caught:
        build_config(tasks="adding", **kwargs)
    assert "\n" not in str(caught.value)


def test_cli_tune_options(tmp_path, capsys):
    from rnnlab.cli import main

    code = main(["compare", "--task", "adding", "--tune", "sometimes", "-o", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "unknown tune 'sometimes'" in err[0]
    code = main(["compare", "--task", "adding", "--tune", "lr", "--tune-grid", "0.01,x",
                 "-o", str(tmp_path)])
    assert code == 2 and "tune-grid must be comma-separated numbers" in capsys.readouterr().err


SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from study_fakes import slow_fake_execute
from rnnlab.study import StudyConfig, TaskSpec, run_study
config = StudyConfig(tasks=(TaskSpec("adding", (5, 30), {{"n_train": 16, "n_val": 8,
                                                          "n_test": 8}}),),
                     seeds=(0, 1, 2), epochs=2, tune="lr")
run_study(config, sys.argv[1], workers=1, progress=False, function=slow_fake_execute)
"""


def _done(out: Path) -> dict[str, tuple]:
    path = out / "results.sqlite"
    for _ in range(50):
        try:
            db = sqlite3.connect(path, timeout=30)
            try:
                rows = db.execute("SELECT key, config_json, val_skill, finished_at FROM runs "
                                  "WHERE status = 'done'").fetchall()
            finally:
                db.close()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return {}
            time.sleep(0.1)
            continue
        return {row[0]: row[1:] for row in rows}
    raise AssertionError(f"could not read {path}")


def test_a_study_killed_during_tuning_resumes_without_redoing_trials(tmp_path):
    script = tmp_path / "study.py"
    script.write_text(SCRIPT.format(tests=str(Path(__file__).parent)))
    out = tmp_path / "killed"
    out.mkdir()
    process = subprocess.Popen([sys.executable, str(script), str(out)],
                               stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(_done(out)) < 6:
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the study never finished 6 trials"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)
    before = _done(out)
    assert 6 <= len(before) < 30, "killed after the tuning phase; nothing to resume"

    subprocess.run([sys.executable, str(script), str(out)], check=True, capture_output=True,
                   timeout=300)
    after = _done(out)
    assert len(after) == 30 + 18
    for key, row in before.items():
        assert after[key] == row  # not recomputed: same finish time
    reference = tmp_path / "uninterrupted"
    run_study(CONFIG, reference, workers=1, progress=False, report=False,
              function=fake_execute)
    assert set(_done(reference)) == set(after)  # the same trials, rates and final runs
    check_report(out)
