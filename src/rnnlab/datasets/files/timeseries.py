"""A user's time series in CSV, TSV, Parquet or a pandas DataFrame → a forecasting dataset.

One row per time step (and per series, with ``id``), one column per variable::

    month,store,sales,price,promo
    2021-01,S01,120,9.5,0
    2021-01,S02,87,9.5,1
    2021-02,S01,131,9.5,0

``target`` names the column(s) to forecast; ``covariates`` are columns the model may read up to
the present (past covariates), ``future_covariates`` columns known ahead; ``time`` orders the
rows of each series — numbers or dates, strictly increasing within a series; ``id`` names the
column(s) that tell the series apart. This is :func:`rnnlab.forecasting.prepare` under the name
the other file loaders share.
"""

from __future__ import annotations

from typing import Any

from rnnlab.datasets.dataset import Dataset
from rnnlab.forecasting.fill import DEFAULT_FILL


def load_timeseries(path: Any, *, target: Any = None, time: Any = "auto", covariates: Any = (),
                    id: Any = None, future_covariates: Any = (), calendar: Any = (),
                    lookback: int = 24, horizon: int = 1, stride: int = 1,
                    strategy: str = "direct", ratios: Any = (0.7, 0.15, 0.15),
                    scale: str | None = "zscore", fill: str = DEFAULT_FILL, freq: Any = None,
                    season: int | None = None, dayfirst: bool | None = None,
                    time_format: str | None = None, delimiter: str | None = None,
                    encoding: str = "utf-8") -> Dataset:
    """Forecasting windows from a CSV/TSV/Parquet time series (or DataFrame), split
    chronologically series by series.

    Args:
        path: the file, or a ``pandas.DataFrame``.
        target: column(s) to forecast; ``None`` = every column without another role.
        time: the time column, ``"auto"`` (a column named time, date, month, year, …) or
            ``None`` (the rows are already in time order).
        covariates: past covariates (read up to the present, not forecast).
        id: the column(s) naming each series (several series in one long-format file).
        future_covariates: covariates known ahead (promotions, holidays).
        calendar: calendar features made from the dates: ``dayofweek``, ``month``,
            ``dayofyear``, ``hour``.
        lookback, horizon, stride: window sizes; strategy: ``"direct"`` or ``"recursive"``.
        ratios: chronological train/val/test shares of each series.
        scale: ``"zscore"``, ``"minmax"``, ``"window"`` or ``None``, per series, fitted on its
            training part only.
        fill: missing values and holes: ``"refuse"`` (default), ``"interpolate"``, ``"ffill"``
            or ``"zero"``.
        freq, season: the frequency (default: inferred) and the season of the seasonal-naive
            forecast (default: from the frequency).
        dayfirst, time_format: how to read dates (default: detected).
        delimiter, encoding: for CSV/TSV files.

    Returns:
        A ``regress`` :class:`Dataset` (see :func:`rnnlab.forecasting.prepare`): X
        ``(n, lookback, targets + covariates)`` without future inputs, y
        ``(n, horizon · targets)``; ``info["forecast"]`` describes it all for the model file.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "sales.csv")
        >>> rows = "".join(f"{day},{day % 7 + 10}\\n" for day in range(100))
        >>> _ = open(path, "w").write("day,sales\\n" + rows)
        >>> ds = load_timeseries(path, time="day", lookback=14)
        >>> ds.train[0].shape, ds.info["targets"]
        ((56, 14, 1), ['sales'])
    """
    from rnnlab.forecasting.prepare import prepare

    return prepare(path, id=id, time=time, target=target, covariates=covariates,
                   future_covariates=future_covariates, calendar=calendar, lookback=lookback,
                   horizon=horizon, stride=stride, strategy=strategy, ratios=ratios, scale=scale,
                   fill=fill, freq=freq, season=season, dayfirst=dayfirst,
                   time_format=time_format, delimiter=delimiter, encoding=encoding)
