"""Rolling-origin backtests: how well a trained model forecasts held-out data, per series and
overall, beside the naive and seasonal-naive forecasts, in the data's own units.

``backtest(model, data)`` forecasts ``horizon`` steps from every ``stride``-th origin of each
series' test part (or from ``start`` on) and scores the forecasts with MAE, RMSE, MASE and
sMAPE (:mod:`rnnlab.forecasting.metrics`); the same origins give the naive and seasonal-naive
forecasts' scores (:mod:`rnnlab.forecasting.rolling`). The model's intervals, when it has
them, are scored by their empirical coverage.

Overall figures pool every observed value of every series (MAE, RMSE, sMAPE, coverage) and
average the per-series MASEs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError
from rnnlab.forecasting.calendar import format_time
from rnnlab.forecasting.intervals import bounds, level_name
from rnnlab.forecasting.metrics import METRICS, coverage, mase, scores
from rnnlab.forecasting.rolling import Rolling, roll
from rnnlab.forecasting.spec import ForecastSpec

METHODS = ("model", "naive", "seasonal naive")
OVERALL = "overall"


@dataclass
class BacktestResult:
    """What :func:`backtest` measured.

    Attributes:
        scores: ``{series label or "overall": {method: {metric: value}}}``, methods from
            :data:`METHODS`, metrics MAE, RMSE, MASE, sMAPE (and ``coverage_80``… for the
            model when it has intervals).
        forecasts: a DataFrame, one row per origin, step and target: ids, ``origin`` (the
            last time the forecast saw), ``time``, ``step``, ``target``, ``actual``,
            ``forecast``, ``lo_80``/``hi_80``…, ``naive``, ``seasonal_naive``.
        part, horizon, stride, season, origins: what was run; ``units`` the target columns;
        ``skipped`` the series too short for any origin (not in ``scores``).
    """

    scores: dict[str, dict[str, dict[str, float]]]
    forecasts: Any
    part: str
    horizon: int
    stride: int
    season: int
    origins: int
    units: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def overall(self) -> dict[str, dict[str, float]]:
        return self.scores[OVERALL]

    def skill(self) -> float:
        """``1 − MASE / min(MASE naive, MASE seasonal naive)``: the model's share of the
        better baseline's error it removes (0 = no better, 1 = perfect)."""
        best = min(self.overall["naive"]["MASE"], self.overall["seasonal naive"]["MASE"])
        model = self.overall["model"]["MASE"]
        return 1.0 - model / best if best > 0 and math.isfinite(best) else math.nan


def _score_series(r: Rolling, values: np.ndarray) -> dict[str, float]:
    out = scores(r.actual.ravel(), values.ravel(), 1.0)
    out["MASE"] = mase(r.actual, values, r.entry.mase_scale)
    return out


def _forecast_rows(spec: ForecastSpec, rolled: list[Rolling], intervals: dict | None,
                   levels: tuple[float, ...]) -> Any:
    import pandas as pd

    frames = []
    for r in rolled:
        if r.forecast is None:
            continue
        n, horizon, k = r.forecast.shape
        steps = r.origins[:, None] + np.arange(horizon)[None, :]
        shape = (n, horizon, k)
        columns: dict[str, Any] = {
            name: np.full(n * horizon * k, value, dtype=object)
            for name, value in zip(spec.roles.id, r.series.key, strict=True)}
        times = np.broadcast_to(r.series.times[steps][:, :, None], shape).ravel()
        origin = np.broadcast_to(r.series.times[r.origins - 1][:, None, None], shape).ravel()
        columns["origin"] = [format_time(t, spec.time_kind) for t in origin]
        columns["time"] = [format_time(t, spec.time_kind) for t in times]
        columns["step"] = np.broadcast_to(np.arange(1, horizon + 1)[None, :, None],
                                          shape).ravel()
        columns["target"] = np.broadcast_to(np.array(spec.roles.targets, dtype=object),
                                            shape).ravel()
        columns["actual"] = r.actual.ravel()
        columns["forecast"] = r.forecast.ravel()
        for level in levels:
            low, high = bounds(intervals, level, r.forecast, r.unit)
            columns[f"lo_{level_name(level)}"] = low.ravel()
            columns[f"hi_{level_name(level)}"] = high.ravel()
        columns["naive"] = r.naive.ravel()
        columns["seasonal_naive"] = r.seasonal.ravel()
        frames.append(pd.DataFrame(columns))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def backtest(model: Any, data: Any, *, part: str = "test", horizon: int | None = None,
             stride: int = 1, season: int | None = None, start: Any = None,
             fill: str | None = None) -> BacktestResult:
    """Rolling-origin backtest of ``model`` on ``data`` (a path or DataFrame in the layout it
    was trained on; see the module docstring).

    Args:
        part: ``"test"`` (from each series' test part to the end of the data), ``"val"``,
            ``"train"`` (in-sample) or ``"all"``; ``start``: origins from this time on
            instead.
        horizon: steps ahead (default: the model's); stride: steps between origins.
        season: of the seasonal-naive forecast (default: the model's, from the frequency).
            The MASE scale stays the one measured on the training part.
        fill: override the model's missing-value policy.

    Example::

        >>> result = backtest(model, "sales.csv")                  # doctest: +SKIP
        >>> result.overall["model"]["MASE"], result.overall["seasonal naive"]["MASE"]
        ... # doctest: +SKIP
        (0.629, 0.900)
    """
    spec = ForecastSpec.of_model(model)
    horizon = spec.horizon if horizon is None else horizon
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise DataError(f"horizon must be a positive integer, got {horizon!r}")
    if spec.strategy == "direct" and horizon > spec.horizon:
        raise DataError(f"the model forecasts {spec.horizon} steps directly; backtest a "
                        f"horizon of at most {spec.horizon}")
    if isinstance(stride, bool) or not isinstance(stride, int | np.integer) or stride < 1:
        raise DataError(f"stride must be a positive integer, got {stride!r}")
    series, where = spec.read(data, fill=fill)
    season = season or spec.season
    rolled = roll(model, spec, series, where, part=part, horizon=horizon, stride=stride,
                  season=season, start=start)
    intervals = spec.intervals
    levels = tuple(intervals["levels"]) if intervals else ()
    table: dict[str, dict[str, dict[str, float]]] = {}
    pooled: dict[str, list[np.ndarray]] = {m: [] for m in (*METHODS, "actual")}
    bands: dict[str, list[np.ndarray]] = {}
    for r in rolled:
        if not len(r.origins):
            continue
        row = {}
        for method, values in zip(METHODS, (r.forecast, r.naive, r.seasonal), strict=True):
            row[method] = _score_series(r, values)
            pooled[method].append(values.ravel())
        pooled["actual"].append(r.actual.ravel())
        for level in levels:
            low, high = bounds(intervals, level, r.forecast, r.unit)
            row["model"][f"coverage_{level_name(level)}"] = coverage(r.actual.ravel(),
                                                                     low.ravel(), high.ravel())
            bands.setdefault(level_name(level), []).append(np.stack([low.ravel(),
                                                                     high.ravel()]))
        table[r.series.label] = row
    actual = np.concatenate(pooled["actual"])
    overall = {}
    for method in METHODS:
        values = scores(actual, np.concatenate(pooled[method]), 1.0)
        values["MASE"] = float(np.mean([table[label][method]["MASE"] for label in table]))
        overall[method] = values
    for name, parts in bands.items():
        both = np.concatenate(parts, axis=1)
        overall["model"][f"coverage_{name}"] = coverage(actual, both[0], both[1])
    table[OVERALL] = overall
    return BacktestResult(table, _forecast_rows(spec, rolled, intervals, levels), part,
                          horizon, stride, season, int(sum(len(r.origins) for r in rolled)),
                          list(spec.roles.targets),
                          [r.series.label for r in rolled if not len(r.origins)])


def format_scores(result: BacktestResult) -> list[list[str]]:
    """Rows ``[series, method, MAE, RMSE, MASE, sMAPE, coverage…]`` as text, for tables."""
    coverage_keys = sorted({key for rows in result.scores.values()
                            for key in rows["model"] if key.startswith("coverage_")})
    lines = [["series", "forecast", *METRICS, *(f"{k[9:]} % cover" for k in coverage_keys)]]
    for label, rows in result.scores.items():
        for method in METHODS:
            values = rows[method]
            cells = [f"{values[m]:.4g}" if math.isfinite(values[m]) else "–" for m in METRICS]
            cells += [f"{100 * values[k]:.1f}" if k in values and math.isfinite(values[k])
                      else "" for k in coverage_keys]
            lines.append([label, method, *cells])
    return lines
