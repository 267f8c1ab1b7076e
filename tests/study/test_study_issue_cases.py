"""The two studies of the issue, replayed through a results database with their numbers.

1. ``rnnlab compare --data s01.csv --data-task forecast -p target=sales``: RNN 0.823, GRU 0.819,
   LSTM 0.784 mean skill. The old report said "use the LSTM" (the fastest kernel) and "even
   this cell stays below the solved threshold (0.8)" while the other two were above it.
2. An ``.npz`` classification file (600 × 50 × 3): LSTM 0.943 ± 0.178 (solved: unclear), GRU
   0.983 (solved). The old report recommended the LSTM "because it solves the task".

The real files are read (to size the models); the runs are replaced by these numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.study import build_config, check_report, run_study
from rnnlab.study.grid import RunConfig
from rnnlab.study.recommend import NONE_SOLVES, SOLVED_PHRASE


def replay(skills: dict[str, list[float]], metric: str, baseline: float):
    """A run function that returns ``skills[cell][seed]`` (trials: the seed-0 value)."""
    def execute(fields, report=None):
        run = RunConfig.from_dict(fields)
        trial = run.role == "trial"
        value = skills[run.cell][0 if trial else run.seed]
        score = (1 - value) * baseline if metric == "mse" else baseline + value * (1 - baseline)
        return {"num_parameters": run.expected_parameters, "metric": metric,
                "baseline": baseline, "val_score": score, "val_skill": value,
                "test_score": None if trial else score, "test_skill": None if trial else value,
                "wall_time": 1.0, "time_per_epoch": {"lstm": 0.1, "gru": 0.8, "rnn": 0.3}[
                    run.cell], "peak_memory_mb": None, "latency_per_step_ms": 0.01,
                "epochs_run": 10, "steps_per_epoch": 10, "epochs": [],
                "extra": {"input_size": 1 if metric == "mse" else 3, "output_size": 1,
                          "steps_per_sequence": 30.0 if metric == "mse" else 50.0,
                          "task_kind": "regress" if metric == "mse" else "classify",
                          "kernel": "replayed"}}
    return execute


@pytest.fixture(scope="module")
def sales_csv(tmp_path_factory):
    days = np.arange(500)
    sales = 100 + 20 * np.sin(2 * np.pi * days / 7) + np.random.default_rng(0).normal(0, 3, 500)
    path = tmp_path_factory.mktemp("data") / "s01.csv"
    path.write_text("day,sales\n" + "".join(f"{d},{s:.2f}\n" for d, s in zip(days, sales,
                                                                            strict=True)))
    return path


def study(path, data_task, skills, metric, baseline, tmp_path, **options):
    config = build_config(data=path, data_task=data_task, epochs=1, **options)
    result = run_study(config, tmp_path, workers=1, progress=False,
                       function=replay(skills, metric, baseline))
    return result, check_report(tmp_path)


def test_forecast_csv_recommends_a_top_group_cell_with_a_true_text(sales_csv, tmp_path):
    skills = {"rnn": [0.85, 0.80, 0.83, 0.79, 0.845], "gru": [0.80, 0.84, 0.81, 0.83, 0.815],
              "lstm": [0.76, 0.80, 0.79, 0.77, 0.80]}
    result, report = study(sales_csv, "forecast", skills, "mse", 1.0, tmp_path,
                           params={"target": "sales"})
    means = {g.cell: round(g.skill.mean, 3) for g in result.analysis.groups}
    assert means == {"rnn": 0.823, "gru": 0.819, "lstm": 0.784}
    (rec,) = report["recommendation"]
    assert rec["cell"] in rec["top_group"] and rec["cell"] != "lstm"
    # Every cell's interval reaches across 0.8: the text says so of the chosen one and says
    # that no cell solves the task, with what to try for a forecast.
    assert SOLVED_PHRASE[None] in rec["text"] and NONE_SOLVES in rec["text"]
    assert "at or above the solved threshold" in rec["text"]
    assert "even this cell" not in rec["text"] and "lookback" in rec["text"]


def test_forecast_csv_with_tight_seeds_names_the_solvers(sales_csv, tmp_path):
    skills = {"rnn": [0.823 + d for d in (0.004, -0.004, 0.002, -0.002, 0.0)],
              "gru": [0.819 + d for d in (-0.003, 0.003, 0.0, 0.002, -0.002)],
              "lstm": [0.784 + d for d in (0.002, -0.002, 0.001, 0.0, -0.001)]}
    _, report = study(sales_csv, "forecast", skills, "mse", 1.0, tmp_path,
                           params={"target": "sales"})
    (rec,) = report["recommendation"]
    solved = {g["cell"]: g["solved"] for g in report["groups"]}
    assert solved == {"rnn": True, "gru": True, "lstm": False}
    assert rec["cell"] in ("rnn", "gru") and rec["cell"] in rec["top_group"]
    assert SOLVED_PHRASE[True] in rec["text"] and NONE_SOLVES not in rec["text"]
    assert "the LSTM (0.784" in rec["text"] and "fails" in rec["text"]


def test_npz_where_the_gru_solves_and_the_lstm_is_unclear_recommends_the_gru(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((600, 50, 3)).astype(np.float32)
    path = tmp_path / "signals.npz"
    np.savez(path, X=X, y=(X[:, 0, 0] > 0).astype(np.int64))
    skills = {"lstm": [1.0, 1.0, 0.829], "gru": [0.99, 0.98, 0.979], "rnn": [0.5, 0.45, 0.52]}
    result, report = study(path, "classify", skills, "accuracy", 0.5, tmp_path / "out",
                           seeds=3)
    lstm = result.analysis.group("signals", None, "lstm")
    assert round(lstm.skill.mean, 3) == 0.943 and lstm.solved(0.8) is None
    (rec,) = report["recommendation"]
    assert rec["cell"] == "gru" and "lstm" in rec["top_group"]
    assert SOLVED_PHRASE[True] in rec["text"]
    assert "the LSTM (0.943" in rec["text"] and "unclear" in rec["text"]
