"""Rolling-origin forecasts of one series: the model's and the naive baselines', in the data's
units — what backtests (:mod:`rnnlab.forecasting.backtest`) score and conformal calibration
(:mod:`rnnlab.forecasting.intervals`) learns its intervals from.

An *origin* ``t`` is the first forecast step; the forecast of steps ``t … t + H − 1`` reads the
history before ``t`` only (and the known-ahead inputs of the forecast steps), like darts'
``historical_forecasts(retrain=False)``: the model is not refitted at each origin.

Baselines at origin ``t``, for step ``j = 0 … H − 1``:

* naive: ``ŷ_{t+j} = y_{t−1}``;
* seasonal naive with season ``m``: ``ŷ_{t+j} = y_{t + j − m·(⌊j/m⌋ + 1)}`` — the same step of
  the last season before the origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError
from rnnlab.forecasting.calendar import parse_time
from rnnlab.forecasting.panel import Series
from rnnlab.forecasting.spec import ForecastSpec, SeriesEntry
from rnnlab.forecasting.windows import run_forecast

PARTS = ("train", "val", "test", "all")


@dataclass
class Rolling:
    """Forecasts of one series from every origin, ``(n, H, k)`` arrays in the data's units.

    ``actual`` is NaN where the target was not observed (a filled value is never scored);
    ``unit`` ``(n, k)``: data units per model unit at each origin (the interval scale);
    ``forecast`` and ``unit`` are ``None`` for baselines alone.
    """

    series: Series
    entry: SeriesEntry
    origins: np.ndarray
    actual: np.ndarray
    naive: np.ndarray
    seasonal: np.ndarray
    forecast: np.ndarray | None = None
    unit: np.ndarray | None = None


def steps_read(spec: ForecastSpec, horizon: int) -> int:
    """Known-ahead steps a forecast of ``horizon`` steps reads: a direct model with future
    inputs reads all of its trained horizon."""
    if spec.strategy == "direct" and spec.future_width:
        return max(horizon, spec.horizon)
    return horizon


def origins_of(spec: ForecastSpec, series: Series, entry: SeriesEntry, part: str,
               horizon: int, stride: int, season: int, start: Any = None) -> np.ndarray:
    """Origins of ``part`` (``"train"``/``"val"``: forecasts inside the training/validation
    block; ``"test"``: from the test block to the end of the data; ``"all"``: wherever the
    history allows), or from time ``start`` on, every ``stride`` steps."""
    n = len(series)
    val_from, test_from = spec.split_index(series, entry)
    first = max(spec.lookback, season)
    last = n - steps_read(spec, horizon)            # inclusive
    if start is not None:
        first = max(first, int(np.searchsorted(series.times, parse_time(start,
                                                                         spec.time_kind))))
    elif part == "train":
        last = min(last, val_from - horizon)
    elif part == "val":
        first, last = max(first, val_from), min(last, test_from - horizon)
    elif part == "test":
        first = max(first, test_from)
    if last < first:
        return np.zeros(0, dtype=np.int64)
    return np.arange(first, last + 1, stride, dtype=np.int64)


def baselines(series: Series, k: int, origins: np.ndarray, horizon: int,
              season: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(actual, naive, seasonal naive)`` ``(n, horizon, k)`` at ``origins``."""
    y = series.values[:, :k]
    steps = origins[:, None] + np.arange(horizon)[None, :]
    actual = np.where(series.observed[steps], y[steps], np.nan)
    naive = np.repeat(y[origins - 1][:, None], horizon, axis=1)
    back = steps - season * (np.arange(horizon)[None, :] // season + 1)
    return actual, naive, y[back]


def model_forecasts(model: Any, spec: ForecastSpec, series: Series, entry: SeriesEntry,
                    origins: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """The model's forecasts ``(n, horizon, k)`` and interval units ``(n, k)`` at ``origins``,
    in the data's units."""
    values = spec.scaled(series, entry)
    lookback, width = spec.lookback, spec.future_width
    history = values[origins[:, None] + np.arange(-lookback, 0)[None, :]]
    ahead = values[origins[:, None] + np.arange(steps_read(spec, horizon))[None, :]]
    future = ahead[:, :, values.shape[1] - width:]
    predicted, sigma = run_forecast(model, spec, history, future, horizon)
    offset, scale = spec.target_units(entry)
    return predicted * scale + offset, sigma * scale


def roll(model: Any, spec: ForecastSpec, series: list[Series], where: str, *, part: str,
         horizon: int, stride: int = 1, season: int | None = None, start: Any = None,
         ) -> list[Rolling]:
    """Rolling-origin forecasts of every series (the model's too unless ``model`` is None)."""
    if part not in PARTS:
        raise DataError(f"part must be one of {', '.join(PARTS)}, got {part!r}")
    season = season or spec.season
    out = []
    for one in series:
        entry = spec.entry(one.key, where)
        origins = origins_of(spec, one, entry, part, horizon, stride, season, start)
        actual, naive, seasonal = baselines(one, spec.k, origins, horizon, season)
        rolled = Rolling(one, entry, origins, actual, naive, seasonal)
        if model is not None and len(origins):
            rolled.forecast, rolled.unit = model_forecasts(model, spec, one, entry, origins,
                                                           horizon)
        out.append(rolled)
    if not any(len(r.origins) for r in out):
        what = f"after {start}" if start is not None else f"in the {part} part"
        raise DataError(f"{where}: no forecast origin {what} leaves room for lookback="
                        f"{spec.lookback} and {horizon} steps ahead; give more data or a "
                        f"shorter horizon")
    return out
