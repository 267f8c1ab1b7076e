"""How a comparison study scores a forecasting task (a table read with ``--data-task forecast``):
by the backtest, in the data's own units, against the better naive forecast.

* score: the overall MASE (:mod:`rnnlab.forecasting.metrics`) of the model's rolling-origin
  forecasts from every origin of each series' test part (validation part for the validation
  score), ``horizon`` steps ahead;
* baseline: the lower of the naive and seasonal-naive forecasts' overall MASE on the same
  origins — the forecast to beat for free;
* skill: ``1 − MASE / baseline`` (:func:`rnnlab.study.metrics.skill` with metric ``"mase"``):
  0 = no better than the better naive forecast, 1 = perfect, negative = worse.

The study's runner calls :func:`forecast_scoring` once per run; everything else about the run
(model, training, budget) is what it is for any other task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnlab.forecasting.metrics import mase
from rnnlab.forecasting.rolling import Rolling, roll
from rnnlab.forecasting.spec import ForecastSpec

METRIC = "mase"


def _mase(rolled: list[Rolling], values: str) -> float:
    """Mean over series of each series' MASE (as :func:`~rnnlab.forecasting.backtest.backtest`
    reports it overall)."""
    per_series = [mase(r.actual, getattr(r, values), r.entry.mase_scale) for r in rolled
                  if len(r.origins)]
    return float(np.mean(per_series)) if per_series else float("nan")


@dataclass
class ForecastScoring:
    """The study's score and baseline for one forecasting dataset."""

    spec: ForecastSpec
    source: Any
    metric: str = METRIC
    baseline: dict[str, float] = field(default_factory=dict)
    baselines: dict[str, dict[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        series, where = self.spec.read(self.source)
        self._series, self._where = series, where
        for part in ("val", "test"):
            rolled = roll(None, self.spec, series, where, part=part, horizon=self.spec.horizon)
            found = {"naive": _mase(rolled, "naive"), "seasonal naive": _mase(rolled, "seasonal")}
            self.baselines[part] = found
            self.baseline[part] = min(found.values())

    def score(self, model: Any, part: str) -> float:
        """The model's overall backtest MASE on ``part`` (``"val"`` or ``"test"``)."""
        rolled = roll(model, self.spec, self._series, self._where, part=part,
                      horizon=self.spec.horizon)
        return _mase(rolled, "forecast")


def forecast_scoring(dataset: Any, file: str | None) -> ForecastScoring | None:
    """The scoring of a forecasting table, or ``None`` for any other dataset."""
    state = (getattr(dataset, "info", None) or {}).get("forecast")
    if state is None or file is None:
        return None
    return ForecastScoring(ForecastSpec.from_dict(state), file)
