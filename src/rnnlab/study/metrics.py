"""One score per run, and the *skill* that puts every task on the same 0-to-1 scale.

The score is the task's natural metric, read from ``model.evaluate``:

========  ==================  ==========================  =====================================
task      baseline has        score                       skill (0 = learned nothing, 1 = best)
========  ==================  ==========================  =====================================
regress   ``mse``             test MSE (lower is better)  ``1 − mse / baseline_mse``
classify  ``accuracy``        accuracy                    ``(acc − base) / (1 − base)``
sequence  ``accuracy``        per-step accuracy           ``(acc − base) / (1 − base)``
sequence  ``cross_entropy``   per-step cross-entropy      ``1 − ce / baseline_ce``
forecast  (a table)           backtest MASE               ``1 − mase / better naive's mase``
========  ==================  ==========================  =====================================

(forecast: :mod:`rnnlab.forecasting.study` — original units, rolling origins over the test
part, against the better of the naive and seasonal-naive forecasts.)

Skill can be negative (worse than learning nothing); a task is *solved* when the skill reaches
the study's threshold (0.8 by default: 80 % of the way from the baseline to perfect).
"""

from __future__ import annotations

import math
from typing import Any

#: Metrics where smaller is better.
LOWER_IS_BETTER = {"mse": True, "cross_entropy": True, "accuracy": False, "mase": True}


def choose_metric(task: str, baseline: dict[str, float]) -> str:
    """The metric a study scores ``task`` by, given the dataset's ``baseline`` dict.

    Example:
        >>> choose_metric("regress", {"mse": 1 / 6}), choose_metric("sequence",
        ...     {"cross_entropy": 0.52})
        ('mse', 'cross_entropy')
    """
    if task == "regress":
        return "mse"
    if "accuracy" in baseline:
        return "accuracy"
    return "cross_entropy"


def score_from_evaluation(evaluation: dict[str, Any], metric: str) -> float:
    """Pick ``metric`` out of ``model.evaluate(X, y)`` (cross-entropy is its ``loss``)."""
    key = "loss" if metric == "cross_entropy" else metric
    return float(evaluation[key])


def skill(score: float, baseline: float, metric: str) -> float:
    """Normalised skill of ``score`` against the learned-nothing ``baseline`` (table above).

    Example:
        >>> skill(0.0166, 1 / 6, "mse"), skill(0.25, 0.25, "accuracy")
        (0.9004, 0.0)
    """
    if score is None or not math.isfinite(score) or baseline is None:
        return float("nan")
    if LOWER_IS_BETTER[metric]:
        return 1.0 - score / baseline if baseline > 0 else float("nan")
    return (score - baseline) / (1.0 - baseline) if baseline < 1 else float("nan")


def score_bounds(metric: str) -> tuple[float, float]:
    """The values ``metric`` can take: accuracy in [0, 1], a loss in [0, ∞).

    Example:
        >>> score_bounds("accuracy"), score_bounds("mse")
        ((0.0, 1.0), (0.0, inf))
    """
    if LOWER_IS_BETTER.get(metric, True):
        return 0.0, math.inf
    return 0.0, 1.0


def skill_bounds(metric: str, baseline: float) -> tuple[float, float]:
    """The values a skill can take: at most 1 (perfect); for accuracy at least
    ``−base / (1 − base)`` (every answer wrong), for a loss unbounded below.

    Example:
        >>> skill_bounds("accuracy", 0.5), skill_bounds("mse", 1 / 6)
        ((-1.0, 1.0), (-inf, 1.0))
    """
    low_score = score_bounds(metric)
    if LOWER_IS_BETTER.get(metric, True) or baseline is None or not baseline < 1:
        return -math.inf, 1.0
    return skill(low_score[0], baseline, metric), 1.0


def metric_label(metric: str) -> str:
    """Human name for reports: ``"test MSE (lower is better)"``."""
    direction = "lower" if LOWER_IS_BETTER[metric] else "higher"
    name = {"mse": "MSE", "accuracy": "accuracy", "cross_entropy": "cross-entropy",
            "mase": "backtest MASE"}[metric]
    return f"{name} ({direction} is better)"
