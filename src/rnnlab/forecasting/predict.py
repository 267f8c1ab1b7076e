"""Forecasts past the end of the data: dated, per series, in the data's own units, with
prediction intervals.

``forecast(model, data, horizon)`` reads ``data`` with the roles the model was trained with
(:class:`~rnnlab.forecasting.spec.ForecastSpec`), takes each series' last ``lookback`` steps and
the future covariates of the steps to forecast — from the series' forecast rows (target empty,
future covariates filled) or from ``future`` — and returns one row per series and future step.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError
from rnnlab.forecasting.intervals import bounds, level_name
from rnnlab.forecasting.panel import Series
from rnnlab.forecasting.rolling import steps_read
from rnnlab.forecasting.spec import ForecastSpec
from rnnlab.forecasting.windows import run_forecast


def check_horizon(spec: ForecastSpec, horizon: Any) -> int:
    """The horizon to forecast: the model's by default; a direct model forecasts at most the
    horizon it was trained for."""
    if horizon is None:
        return spec.horizon
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise DataError(f"horizon must be a positive integer, got {horizon!r}")
    if spec.strategy == "direct" and horizon > spec.horizon:
        raise DataError(f"the model was trained to forecast {spec.horizon} steps directly; ask "
                        f"for at most {spec.horizon}, or train with a longer horizon or "
                        f"strategy='recursive'")
    return int(horizon)


def forecast_series(model: Any, spec: ForecastSpec, series: list[Series], where: str,
                    horizon: int) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """``(forecasts (S, horizon, k), interval units (S, k), future times per series)``."""
    histories, futures, times = [], [], []
    for one in series:
        entry = spec.entry(one.key, where)
        name = f"{where}: {one.label}" if spec.roles.id else where
        if len(one) < spec.lookback:
            raise DataError(f"{name}: {len(one)} steps of history, fewer than the lookback of "
                            f"{spec.lookback} the model reads; give more history")
        values = spec.scaled(one, entry)
        histories.append(values[-spec.lookback:])
        futures.append(spec.scaled_future(one, entry, steps_read(spec, horizon), where))
        times.append(spec.freq.after(one.times[-1], horizon))
    predicted, sigma = run_forecast(model, spec, np.stack(histories), np.stack(futures), horizon)
    units = [spec.target_units(spec.entry(one.key, where)) for one in series]
    offset = np.stack([u[0] for u in units])
    scale = np.stack([u[1] for u in units])
    return predicted * scale[:, None] + offset[:, None], sigma * scale, times


def forecast(model: Any, data: Any, horizon: int | None = None, *, future: Any = None,
             fill: str | None = None, levels: Any = None) -> Any:
    """Forecast ``horizon`` steps past the end of every series of ``data``.

    Args:
        model: trained on data prepared by :func:`rnnlab.forecasting.prepare`.
        data: a path or DataFrame in the layout the model was trained on.
        horizon: steps (default: the model's).
        future: a file or DataFrame of future covariates (id, time and future covariate
            columns) for the forecast steps, instead of forecast rows in ``data``.
        fill: override the model's missing-value policy for the history.
        levels: interval levels to write (default: every calibrated one).

    Returns:
        a ``pandas.DataFrame``: the id columns, the time column (the future timestamps), then
        per target its forecast and ``<target>_lo_<level>``/``<target>_hi_<level>``.

    Example::

        >>> frame = model.forecast(sales, horizon=14)              # doctest: +SKIP
        >>> frame.columns.tolist()                                 # doctest: +SKIP
        ['store', 'date', 'sales', 'sales_lo_80', 'sales_hi_80', 'sales_lo_95', 'sales_hi_95']
    """
    import pandas as pd

    spec = ForecastSpec.of_model(model)
    horizon = check_horizon(spec, horizon)
    series, where = spec.read(data, fill=fill, future=future)
    predicted, unit, times = forecast_series(model, spec, series, where, horizon)
    intervals = spec.intervals
    chosen = _levels(intervals, levels)
    columns: dict[str, Any] = {}
    for j, name in enumerate(spec.roles.id):
        columns[name] = np.repeat([one.key[j] for one in series], horizon)
    time_values = np.concatenate(times)
    time_name = spec.roles.time or "time"
    if spec.time_kind == "datetime":
        columns[time_name] = pd.to_datetime(time_values)
    elif spec.time_kind == "index":
        columns[time_name] = time_values.astype(np.int64)
    else:
        whole = np.all(np.mod(time_values, 1) == 0)
        columns[time_name] = time_values.astype(np.int64) if whole else time_values
    bands = {level: bounds(intervals, level, predicted, unit) for level in chosen}
    for j, name in enumerate(spec.roles.targets):
        columns[name] = predicted[:, :, j].ravel()
        for level, (low, high) in bands.items():
            columns[f"{name}_lo_{level_name(level)}"] = low[:, :, j].ravel()
            columns[f"{name}_hi_{level_name(level)}"] = high[:, :, j].ravel()
    return pd.DataFrame(columns)


def _levels(intervals: dict[str, Any] | None, levels: Any) -> tuple[float, ...]:
    if levels is None:
        return tuple(intervals["levels"]) if intervals else ()
    from rnnlab.forecasting.intervals import check_levels

    chosen = check_levels(levels)
    if not intervals:
        raise DataError("the model has no prediction intervals; calibrate them first "
                        "(rnnlab.forecasting.calibrate, done by `rnnlab train`)")
    return chosen
