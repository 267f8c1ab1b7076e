"""A user's time series in CSV, TSV or Parquet → a forecasting dataset.

One row per time step, one column per variable::

    month,sales,price
    2021-01,120,9.5
    2021-02,131,9.5

``target`` names the column(s) to forecast; ``covariates`` are other columns the model may
read (their past values only); ``time`` is the column that orders the rows — numbers or dates,
strictly increasing (a file holding several series must be split first).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError
from rnnlab.datasets.files._read import Table, read_table
from rnnlab.datasets.forecasting import forecast_dataset

TIME_NAMES = ("time", "date", "datetime", "timestamp", "ds", "month", "year", "period", "t")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _time_column(table: Table, time: Any) -> int | None:
    if time is None:
        return None
    if time == "auto":
        for j, name in enumerate(table.columns):
            if name.strip().lower() in TIME_NAMES:
                return j
        return None
    return table.find(time, "time column")


def load_timeseries(path: Any, *, target: Any = None, time: Any = "auto", covariates: Any = (),
                    lookback: int = 24, horizon: int = 1, stride: int = 1,
                    ratios: Any = (0.7, 0.15, 0.15), scale: str | None = "zscore",
                    season: int | None = None, delimiter: str | None = None,
                    encoding: str = "utf-8") -> Dataset:
    """Forecasting windows from a CSV/TSV/Parquet time series, split chronologically.

    Args:
        path: the file.
        target: column(s) to forecast; ``None`` = every column except time and covariates.
        time: the time column, ``"auto"`` (a column named time, date, month, year, …) or
            ``None`` (the rows are already in time order).
        covariates: extra input columns (not forecast).
        lookback, horizon, stride: window sizes (see :func:`~rnnlab.datasets.forecasting.
            forecast_dataset`); ratios: chronological train/val/test shares; scale:
            ``"zscore"``, ``"minmax"`` or ``None`` (fitted on the training part only);
            season: also report the seasonal-naive score for this period.

    Returns:
        A ``regress`` :class:`Dataset`: X ``(n, lookback, targets + covariates)``, y
        ``(n, horizon · targets)``.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "sales.csv")
        >>> rows = "".join(f"{day},{day % 7 + 10}\\n" for day in range(100))
        >>> _ = open(path, "w").write("day,sales\\n" + rows)
        >>> ds = load_timeseries(path, time="day", lookback=14)
        >>> ds.train[0].shape, ds.info["targets"]
        ((56, 14, 1), ['sales'])
    """
    table = read_table(path, delimiter, encoding)
    time_index = _time_column(table, time)
    covariate_index = [table.find(c, "covariate column") for c in _as_list(covariates)]
    if target is None:
        target_index = [j for j in range(len(table.columns))
                        if j != time_index and j not in covariate_index]
        hint = "; pass target= to choose the columns to forecast"
    else:
        target_index = [table.find(t, "target column") for t in _as_list(target)]
        hint = ""
    if not target_index:
        raise DataError(f"{table.where}: no column left to forecast; name one with target=")
    overlap = set(target_index) & ({time_index} | set(covariate_index))
    if overlap:
        name = table.columns[overlap.pop()]
        raise DataError(f"{table.where}: column {name!r} cannot be both a target and the time "
                        f"or a covariate")
    times = table.times(time_index) if time_index is not None else None
    used = target_index + covariate_index
    series = np.stack([table.numbers(j, hint) for j in used], axis=1)
    info = {
        "description": f"forecast {', '.join(table.columns[j] for j in target_index)} from "
                       f"{Path(str(path)).name}",
        "source": str(path),
        "licence": "the user's own data",
        "time_column": None if time_index is None else table.columns[time_index],
    }
    return forecast_dataset(Path(str(path)).name, series,
                            columns=[table.columns[j] for j in used],
                            targets=list(range(len(target_index))), lookback=lookback,
                            horizon=horizon, stride=stride, ratios=ratios, scale=scale,
                            info=info, season=season, times=times)
