"""Raw long-format data → a forecasting :class:`~rnnlab.datasets.Dataset` and its
:class:`~rnnlab.forecasting.spec.ForecastSpec`, without leakage.

For each series (one per id), in this order:

1. read, put on its calendar and fill (:mod:`rnnlab.forecasting.panel`);
2. split its timeline into three blocks (MATLAB's ``divideblock``): the first ``≈ r_train · n``
   steps for training, then validation, then test;
3. fit its scaler on its training block only (each series its own: stores of different sizes
   share one model but not one scale);
4. cut windows (:mod:`rnnlab.forecasting.windows`) whose forecast steps lie inside each block —
   inputs may reach back into earlier blocks, never forward.

The windows of all series are pooled into one training set (a *global* model, as darts and
neuralforecast train on a list of series). ``ds.info["forecast"]`` holds the spec (``model.
remember_data(ds)`` stores it in the model), ``ds.info["notes"]`` one line per series on what
was filled and any reading decisions.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.datasets._checks import check_choice, check_int, check_ratios
from rnnlab.datasets.baselines import regression_baseline
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError
from rnnlab.datasets.files.long_format import read_long
from rnnlab.datasets.forecasting import check_float32
from rnnlab.datasets.transforms.scalers import make_scaler
from rnnlab.datasets.transforms.split import split_indices
from rnnlab.forecasting.calendar import check_calendar, format_time
from rnnlab.forecasting.fill import DEFAULT_FILL, check_fill
from rnnlab.forecasting.panel import Series, build_panel
from rnnlab.forecasting.spec import (
    SCALES,
    STRATEGIES,
    ForecastSpec,
    SeriesEntry,
    feature_names,
)
from rnnlab.forecasting.windows import training_windows


def mase_scale(values: np.ndarray, observed: np.ndarray, season: int) -> tuple[float, ...]:
    """In-sample mean absolute error of the seasonal-naive forecast, per target column — the
    denominator of MASE (Hyndman & Koehler 2006) — over pairs of steps that were both observed.
    A part shorter than one season uses the naive (``season = 1``) forecast instead.

    Example:
        >>> mase_scale(np.array([[1.0], [2.0], [4.0]]), np.ones((3, 1), bool), 1)
        (1.5,)
    """
    m = season if len(values) > season else 1
    out = []
    for j in range(values.shape[1]):
        both = observed[m:, j] & observed[:-m, j]
        diffs = np.abs(values[m:, j] - values[:-m, j])[both]
        out.append(float(diffs.mean()) if diffs.size else float("nan"))
    return tuple(out)


def _check_lengths(where: str, n: int, bounds: tuple[int, int], ratios: tuple, lookback: int,
                   model_horizon: int, horizon: int) -> None:
    need = lookback + model_horizon
    if bounds[0] < need:
        raise DataError(f"{where}: {n} time steps leave {bounds[0]} for training, too few for "
                        f"lookback={lookback} and horizon={model_horizon} (need at least "
                        f"{need}); use a shorter lookback, more data, or drop the series")
    for split, (low, high), share in (("validation", (bounds[0], bounds[1]), ratios[1]),
                                      ("test", (bounds[1], n), ratios[2])):
        if share > 0 and high - low < horizon:
            raise DataError(f"{where}: the {split} part has {high - low} time steps, fewer "
                            f"than horizon={horizon}; use more data, a larger {split} ratio or "
                            f"a shorter horizon")


def _scaler_state(scale: str | None, values: np.ndarray) -> dict | None:
    """The series scaler's state, fitted on ``values`` (its training block)."""
    if scale is None:
        return None
    return make_scaler("zscore" if scale == "window" else scale).fit(values).to_dict()


def prepare(source: Any, *, id: Any = None, time: Any = "auto", target: Any = None,
            covariates: Any = (), future_covariates: Any = (), calendar: Any = (),
            lookback: int = 24, horizon: int = 1, stride: int = 1, strategy: str = "direct",
            ratios: Any = (0.7, 0.15, 0.15), scale: str | None = "zscore",
            fill: str = DEFAULT_FILL, freq: Any = None, season: int | None = None,
            dayfirst: bool | None = None, time_format: str | None = None,
            delimiter: str | None = None, encoding: str = "utf-8") -> Dataset:
    """A forecasting dataset from a long-format file or DataFrame (see the module docstring).

    Args:
        source: CSV/TSV/Parquet path or ``pandas.DataFrame``.
        id, time, target, covariates, future_covariates, dayfirst, time_format: the columns
            and how to read dates (:func:`~rnnlab.datasets.files.long_format.read_long`).
        calendar: calendar features from the dates, e.g. ``["dayofweek", "month"]``.
        lookback, horizon: steps read and steps forecast; stride: steps between training
            windows.
        strategy: ``"direct"`` (one output per step ahead, darts' BlockRNNModel) or
            ``"recursive"`` (one step, fed back in a closed loop; past covariates are then
            unknown beyond the end, so only future covariates are allowed — darts' RNNModel).
        ratios: chronological train/validation/test shares of every series.
        scale: per-series ``"zscore"``, ``"minmax"``, ``"window"`` (z-score, then each window
            by its own history) or ``None``.
        fill: ``"refuse"`` (default), ``"interpolate"``, ``"ffill"`` or ``"zero"``.
        freq: the frequency, when it should not be inferred; season: steps per season for the
            seasonal-naive forecast and MASE (default: from the frequency).

    Returns:
        A ``regress`` Dataset: X ``(n, lookback [+ H_m], features)``, y ``(n, H_m · targets)``
        in model units; ``info["forecast"]`` is the spec.

    Example:
        >>> import pandas as pd
        >>> days = pd.date_range("2024-01-01", periods=80, freq="D")
        >>> frame = pd.DataFrame({"date": list(days) * 2, "shop": ["a"] * 80 + ["b"] * 80,
        ...                       "sales": np.arange(160) % 7 + 10.0})
        >>> ds = prepare(frame, id="shop", lookback=14, horizon=7)
        >>> ds.train[0].shape, ds.info["forecast"]["freq"]["alias"], len(ds.info["notes"])
        ((72, 14, 1), 'D', 2)
    """
    name = "DataFrame" if hasattr(source, "iloc") else Path(str(source)).name
    lookback = check_int(name, "lookback", lookback, minimum=1)
    horizon = check_int(name, "horizon", horizon, minimum=1)
    stride = check_int(name, "stride", stride, minimum=1)
    check_choice(name, "strategy", strategy, STRATEGIES)
    check_choice(name, "scale", scale, SCALES)
    check_fill(fill, name)
    ratios = check_ratios(name, ratios)
    calendar = check_calendar(calendar, name)
    if season is not None:
        season = check_int(name, "season", season, minimum=1)
    table = read_long(source, id=id, time=time, target=target, covariates=covariates,
                      future_covariates=future_covariates, dayfirst=dayfirst,
                      time_format=time_format, delimiter=delimiter, encoding=encoding)
    roles = table.roles
    if strategy == "recursive" and roles.covariates:
        raise DataError(f"{table.where}: the recursive strategy feeds its own forecasts back, "
                        f"so past covariates ({', '.join(roles.covariates)}) would be unknown "
                        f"after the first step; use strategy='direct', or declare them future "
                        f"covariates if they are known ahead")
    series, frequency = build_panel(table, policy=fill, calendar=calendar, freq=freq)
    spec = ForecastSpec(roles, calendar, table.time_kind, table.dayfirst, time_format,
                        frequency, season or frequency.season, lookback, horizon, strategy,
                        stride, ratios, fill, scale, feature_names(roles, calendar), ())
    entries, splits, bounds = [], [[], [], []], []
    for one in series:
        where = f"{table.where}: {one.label}" if roles.id else table.where
        train, val, _ = split_indices(len(one), ratios, method="block")
        cut = (len(train), len(train) + len(val))
        _check_lengths(where, len(one), cut, ratios, lookback, spec.model_horizon, horizon)
        entry = SeriesEntry(one.key, one.label,
                            _scaler_state(scale, one.values[:cut[0]]),
                            format_time(one.times[cut[0] - 1], table.time_kind),
                            format_time(one.times[cut[1] - 1], table.time_kind),
                            mase_scale(one.values[:cut[0], :spec.k],
                                       one.observed[:cut[0]], spec.season))
        values = spec.scaled(one, entry)
        check_float32(where, values, spec.features)
        for part, (low, high) in zip(splits, ((0, cut[0]), (cut[0], cut[1]),
                                             (cut[1], len(one))), strict=True):
            X, y, _ = training_windows(spec, values, low, high, stride)
            part.append((X, y))
        entries.append(entry)
        bounds.append(cut)
    spec = replace(spec, series=tuple(entries))
    arrays = [(np.concatenate([X for X, _ in part]), np.concatenate([y for _, y in part]))
              for part in splits]
    info = _info(spec, table, series, bounds, name, source)
    scaler = target_scaler = None
    if len(series) == 1 and scale not in (None, "window"):
        scaler = spec.scaler_of(entries[0])
        target_scaler = scaler.subset(list(range(spec.k)))
    return Dataset(name=name, task="regress", train=arrays[0], val=arrays[1], test=arrays[2],
                   baseline=regression_baseline(arrays[0][1], arrays[2][1]), info=info,
                   scaler=scaler, target_scaler=target_scaler)


def _info(spec: ForecastSpec, table: Any, series: list[Series], bounds: list[tuple[int, int]],
          name: str, source: Any) -> dict[str, Any]:
    roles = spec.roles
    targets = ", ".join(roles.targets)
    many = f" for {len(series)} series by {', '.join(roles.id)}" if roles.id else ""
    info: dict[str, Any] = {
        "description": f"forecast {targets} from {name}{many}",
        "source": name if hasattr(source, "iloc") else str(source),
        "licence": "the user's own data",
        "time_column": roles.time,
        "columns": [*spec.scaled_columns],
        "targets": list(roles.targets),
        "lookback": spec.lookback, "horizon": spec.horizon, "stride": spec.stride,
        "scale": spec.scale, "strategy": spec.strategy, "season": spec.season,
        "series": len(series),
        "notes": [*table.notes, *(one.summary for one in series)],
        "forecast": spec.to_dict(),
    }
    if len(series) == 1:
        one, (b1, b2) = series[0], bounds[0]
        n = len(one)
        info["split_steps"] = {"train": b1, "val": b2 - b1, "test": n - b2}
        info["split_times"] = {
            "train_from": str(format_time(one.times[0], spec.time_kind)),
            "val_from": str(format_time(one.times[b1], spec.time_kind)) if b1 < n else None,
            "test_from": str(format_time(one.times[b2], spec.time_kind)) if b2 < n else None}
    return info
