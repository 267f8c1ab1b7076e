"""Prediction intervals by split conformal prediction, calibrated on forecasts the model never
trained on.

Calibration (:func:`calibrate`, run once after training): forecast every origin of each series'
validation part (:mod:`rnnlab.forecasting.rolling`, stride 1), and keep the absolute errors in
model units, ``r = |y − ŷ| / u`` (``u``: data units per model unit at the origin — the series'
training standard deviation, times the window's own for ``scale="window"``, so intervals widen
where the series is more variable). For each step ahead ``h`` and target, the interval at level
``1 − α`` is ``ŷ ± q_h · u`` with ``q_h`` the ``⌈(n + 1)(1 − α)⌉``-th smallest of the ``n``
calibration errors of that step — the finite-sample conformal quantile (Vovk et al.; darts'
``ConformalNaiveModel`` and neuralforecast's ``PredictionIntervals(method="conformal_error")``
calibrate the same way, on historical forecasts). With too few errors for a level
(``⌈(n + 1)(1 − α)⌉ > n``) the largest error is used and the level is listed in ``capped``.

The intervals are then checked on the test part: ``test_coverage`` is the share of held-out
values inside them, reported beside the intervals. Everything is stored in
``model.data_info["forecast"]["intervals"]``, so a saved model keeps its intervals.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError
from rnnlab.forecasting.metrics import coverage
from rnnlab.forecasting.rolling import Rolling, roll
from rnnlab.forecasting.spec import ForecastSpec

DEFAULT_LEVELS = (80.0, 95.0)
METHOD = ("split conformal: absolute errors of rolling-origin forecasts on the validation "
          "part, per step ahead")


def level_name(level: float) -> str:
    """``80.0`` → ``"80"``, ``97.5`` → ``"97.5"``."""
    return f"{float(level):g}"


def check_levels(levels: Any, where: str = "levels") -> tuple[float, ...]:
    """Interval levels in per cent, each in (0, 100); ``"80,95"`` or a list."""
    if isinstance(levels, str):
        levels = [part for part in levels.split(",") if part.strip()]
    if isinstance(levels, int | float):
        levels = [levels]
    try:
        values = tuple(float(level) for level in levels)
    except (TypeError, ValueError):
        raise DataError(f"{where} must be numbers in per cent such as 80,95, got "
                        f"{levels!r}") from None
    if not values or not all(0 < v < 100 for v in values):
        raise DataError(f"{where} must be per cent values between 0 and 100 such as 80,95, "
                        f"got {levels!r}")
    return tuple(sorted(set(values)))


def conformal_quantile(errors: np.ndarray, level: float) -> tuple[float, bool]:
    """The ``⌈(n + 1)·level/100⌉``-th smallest error and whether it had to be capped at the
    largest.

    Example:
        >>> conformal_quantile(np.arange(1.0, 10.0), 80)   # n = 9: the 8th smallest
        (8.0, False)
    """
    errors = np.sort(errors[~np.isnan(errors)])
    n = len(errors)
    if n == 0:
        return math.nan, True
    rank = math.ceil((n + 1) * level / 100.0)
    return float(errors[min(rank, n) - 1]), rank > n


def bounds(intervals: dict[str, Any] | None, level: float, forecast: np.ndarray,
           unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(low, high)`` like ``forecast`` ``(n, H, k)``; NaN beyond the calibrated steps."""
    low = np.full(forecast.shape, np.nan)
    high = np.full(forecast.shape, np.nan)
    if not intervals:
        return low, high
    quantiles = intervals["quantiles"].get(level_name(level))
    if quantiles is None:
        raise DataError(f"the model has intervals at {', '.join(intervals['quantiles'])} %, "
                        f"not {level_name(level)} %; pick one of those or recalibrate with "
                        f"levels including {level_name(level)}")
    q = np.asarray(quantiles, dtype=np.float64)            # (H_calibrated, k)
    steps = min(len(q), forecast.shape[1])
    width = q[None, :steps] * unit[:, None, :]
    low[:, :steps] = forecast[:, :steps] - width
    high[:, :steps] = forecast[:, :steps] + width
    return low, high


def _errors(rolled: list[Rolling]) -> np.ndarray:
    parts = [np.abs(r.actual - r.forecast) / r.unit[:, None, :] for r in rolled
             if r.forecast is not None]
    return np.concatenate(parts) if parts else np.zeros((0, 1, 1))


def test_coverage(model: Any, spec: ForecastSpec, series: list, where: str,
                  intervals: dict[str, Any]) -> dict[str, Any]:
    """Share of the test part's observed values inside each level's intervals."""
    rolled = roll(model, spec, series, where, part="test", horizon=spec.horizon)
    found: dict[str, float] = {}
    values = sum(int(np.sum(~np.isnan(r.actual))) for r in rolled if r.forecast is not None)
    for level in intervals["levels"]:
        lows, highs, actual = [], [], []
        for r in rolled:
            if r.forecast is None:
                continue
            low, high = bounds(intervals, level, r.forecast, r.unit)
            lows.append(low.ravel())
            highs.append(high.ravel())
            actual.append(r.actual.ravel())
        found[level_name(level)] = coverage(np.concatenate(actual), np.concatenate(lows),
                                            np.concatenate(highs))
    return {"test_coverage": found, "test_values": values}


def calibrate(model: Any, source: Any, *, levels: Any = DEFAULT_LEVELS,
              fill: str | None = None) -> dict[str, Any]:
    """Conformal intervals for ``model`` from the validation part of ``source`` (the data it
    was trained on); stores them in ``model.data_info`` and returns them, with their coverage
    on the test part.

    Example::

        >>> intervals = calibrate(model, "sales.csv")            # doctest: +SKIP
        >>> intervals["test_coverage"]["80"]                       # doctest: +SKIP
        0.81
    """
    levels = check_levels(levels)
    spec = ForecastSpec.of_model(model)
    series, where = spec.read(source, fill=fill)
    try:
        rolled = roll(model, spec, series, where, part="val", horizon=spec.horizon)
    except DataError:
        raise DataError(f"{where}: the validation part is too short to calibrate intervals on "
                        f"(it needs at least horizon={spec.horizon} steps per series); use a "
                        f"larger validation ratio") from None
    errors = _errors(rolled)
    quantiles, capped = {}, []
    for level in levels:
        table = np.zeros(errors.shape[1:])
        for h in range(errors.shape[1]):
            for j in range(errors.shape[2]):
                table[h, j], short = conformal_quantile(errors[:, h, j], level)
                if short and level_name(level) not in capped:
                    capped.append(level_name(level))
        quantiles[level_name(level)] = table.tolist()
    intervals: dict[str, Any] = {
        "method": METHOD, "levels": list(levels), "quantiles": quantiles,
        "calibration_forecasts": int(errors.shape[0]), "capped": capped}
    intervals.update(test_coverage(model, spec, series, where, intervals)
                     if spec.ratios[2] > 0 else {"test_coverage": {}, "test_values": 0})
    model.data_info = {**(model.data_info or {}),
                       "forecast": spec.with_intervals(intervals).to_dict()}
    return intervals
