"""A run's budget: epochs, optimiser steps, or seconds of training — whichever comes first."""

from __future__ import annotations

import json
import time

import pytest

from rnnlab.study import StudyConfig, StudyError, TaskSpec, build_config, expand
from rnnlab.study.config import budget_text, validate
from rnnlab.study.grid import RunConfig
from rnnlab.study.runner import execute

# 40 training sequences in batches of 8: 5 optimiser steps per epoch.
TASK = TaskSpec("adding", (6,), {"n_train": 40, "n_val": 8, "n_test": 8})


def one_run(**budget) -> RunConfig:
    config = validate(StudyConfig(tasks=(TASK,), cells=("gru",), seeds=(0,), batch_size=8,
                                  hidden_size=4, measure=False, **budget))
    (run,) = expand(config)
    return run


def test_step_budget_stops_mid_epoch_and_records_the_partial_epoch():
    result = execute(one_run(epochs=None, steps=7).to_dict())
    assert result["extra"]["steps_run"] == 7
    assert result["epochs_run"] == 2  # one full epoch of 5 steps, then 2 steps of the next
    assert [row["epoch"] for row in result["epochs"]] == [1, 2]
    assert result["steps_per_epoch"] == 5


def test_the_first_budget_reached_wins():
    assert execute(one_run(epochs=2, steps=100).to_dict())["extra"]["steps_run"] == 10
    assert execute(one_run(epochs=50, steps=3).to_dict())["extra"]["steps_run"] == 3


def test_time_budget_stops_a_run_that_would_otherwise_go_on():
    start = time.perf_counter()
    result = execute(one_run(epochs=None, seconds=1.0).to_dict())
    elapsed = time.perf_counter() - start
    # Stopped by the clock (not by an epoch limit: there is none), after about one second.
    assert result["extra"]["steps_run"] > 5
    assert elapsed < 30
    assert result["epochs"][-1]["seconds"] is not None


def test_time_per_epoch_of_a_partial_epoch_is_scaled_to_a_full_one():
    result = execute(one_run(epochs=None, steps=2).to_dict())
    (epoch,) = result["epochs"]
    # 2 of 5 steps were run; the reported time per epoch is for all 5.
    assert result["time_per_epoch"] == pytest.approx(epoch["seconds"] * 5 / 2)


def test_steps_or_seconds_alone_lift_the_epoch_limit():
    assert build_config(tasks="adding", steps=500).epochs is None
    assert build_config(tasks="adding", seconds=30).epochs is None
    assert build_config(suite="quick", seconds=30).epochs is None
    both = build_config(tasks="adding", steps=500, epochs=3)
    assert (both.epochs, both.steps) == (3, 500)
    assert build_config(tasks="adding").epochs == 10


def test_budget_is_part_of_the_run_key_but_unset_budgets_keep_old_keys():
    plain = one_run()
    assert one_run(steps=50).key != plain.key != one_run(seconds=5.0).key
    # Keys computed before step and time budgets existed had neither field.
    old_fields = {k: v for k, v in plain.to_dict().items()
                  if k not in ("file", "steps", "seconds")}
    assert "steps" not in json.dumps(old_fields)
    assert RunConfig.from_dict({**old_fields, "file": None}).key == plain.key


def test_budget_round_trips_through_the_stored_configuration():
    config = build_config(tasks="adding", steps=200, seconds=12.5)
    assert StudyConfig.from_dict(config.to_dict()) == config


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"steps": 0}, "steps must be a positive integer"),
    ({"seconds": -1}, "seconds must be a positive number"),
    ({"epochs": 2.5}, "epochs must be a positive integer"),
    ({"seconds": 10, "schedule": "cosine"}, "cosine schedule"),
])
def test_bad_budgets_are_one_clear_sentence(kwargs, message):
    with pytest.raises(StudyError, match=message) as caught:
        build_config(tasks="adding", **kwargs)
    assert "\n" not in str(caught.value)


def test_a_study_with_no_budget_at_all_is_refused():
    with pytest.raises(StudyError, match="no training budget"):
        validate(StudyConfig(tasks=(TASK,), epochs=None))


def test_budget_is_described_in_words():
    assert budget_text(20, None, None) == "20 epochs"
    assert budget_text(None, None, 30.0) == "30 s of training"
    assert budget_text(5, 100, None) == "5 epochs or 100 steps, whichever comes first"


def test_cli_step_budget_reaches_every_run_and_the_report(tmp_path, capsys):
    from rnnlab.cli import main
    from rnnlab.study import open_store

    code = main(["compare", "--task", "adding", "--lengths", "5", "--seeds", "1",
                 "--param", "n_train=40", "--param", "n_val=8", "--param", "n_test=8",
                 "--batch-size", "8", "--steps", "3", "--workers", "1", "--no-progress",
                 "-o", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    with open_store(tmp_path) as store:
        runs = store.runs("done")
    assert len(runs) == 3
    assert {r["extra"]["steps_run"] for r in runs} == {3}
    assert {r["config"]["steps"] for r in runs} == {3}
    assert "3 steps per run" in (tmp_path / "report.md").read_text()


def test_cli_bad_budget_is_one_line_and_exit_2(tmp_path, capsys):
    from rnnlab.cli import main

    code = main(["compare", "--task", "adding", "--seconds", "0", "-o", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "seconds must be a positive number" in err[0]
