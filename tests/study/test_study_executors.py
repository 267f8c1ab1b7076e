"""Executors change where runs execute, never their numbers — tuning trials included."""

from __future__ import annotations

import importlib.util

import pytest

from rnnlab.study import StudyConfig, StudyError, TaskSpec, open_store, run_study
from rnnlab.study.executors import make_executor

CONFIG = StudyConfig(tasks=(TaskSpec("adding", (4,), {"n_train": 32, "n_val": 8,
                                                        "n_test": 8}),),
                     seeds=(0, 1), epochs=2, tune="lr", tune_grid=(0.003, 0.03))
COLUMNS = ("cell", "length", "seed", "hidden_size", "num_parameters", "val_score",
           "test_score", "test_skill", "epochs_run", "config_json")


def metrics(folder) -> dict[str, tuple]:
    with open_store(folder) as store:
        return {r["key"]: tuple(r["config"] if c == "config_json" else r[c] for c in COLUMNS)
                for r in store.runs("done")}


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serial")
    result = run_study(CONFIG, folder, workers=1, progress=False, report=False)
    assert result.failed == 0 and result.ran == 6 + 6  # trials, then final runs
    return metrics(folder)


def test_process_pool_equals_serial(serial, tmp_path):
    result = run_study(CONFIG, tmp_path, workers=2, progress=False, report=False)
    assert result.failed == 0
    assert metrics(tmp_path) == serial


@pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                    reason="Ray is not installed (optional extra: pip install 'rnnlab[ray]')")
def test_ray_executor_equals_local(serial, tmp_path):
    result = run_study(CONFIG, tmp_path, executor="ray", workers=2, progress=False,
                       report=False)
    assert result.failed == 0
    assert metrics(tmp_path) == serial


def test_unknown_executor_and_stray_address_are_refused():
    with pytest.raises(StudyError, match="unknown executor"):
        make_executor("dask")
    with pytest.raises(StudyError, match="--address applies to --executor ray only"):
        make_executor("local", address="auto")
