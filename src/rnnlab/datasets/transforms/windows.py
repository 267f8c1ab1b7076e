"""Cutting a series into forecasting windows without looking into the future.

A window with target time ``t`` (the first step to predict) has

* input  ``series[t − lookback … t − 1]``, all columns — every input step is before ``t``;
* target ``series[t … t + horizon − 1]``, the target columns, flattened step by step:
  ``y = [x_t[targets], x_{t+1}[targets], …]``.

``start``/``stop`` restrict the *target* span to ``[start, stop)``: a chronological split makes
each split's windows from its own stretch of time, while inputs may reach back into earlier
stretches (the past is known at forecast time; the future never is).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError


def window_times(n_steps: int, lookback: int, horizon: int = 1, stride: int = 1,
                 start: int = 0, stop: int | None = None) -> np.ndarray:
    """Target times ``t`` of the windows whose target span lies in ``[start, stop)``.

    Example:
        >>> window_times(10, lookback=3, horizon=2).tolist()
        [3, 4, 5, 6, 7, 8]
    """
    stop = n_steps if stop is None else min(stop, n_steps)
    first = max(start, lookback)
    last = stop - horizon  # inclusive
    if last < first:
        return np.zeros(0, dtype=np.int64)
    return np.arange(first, last + 1, stride, dtype=np.int64)


def make_windows(series: Any, lookback: int, horizon: int = 1, stride: int = 1, *,
                 targets: Any = None, start: int = 0,
                 stop: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forecasting windows from a ``(time, features)`` series (a 1-D series is one feature).

    Args:
        series: ``(time, features)`` values.
        lookback: input steps per window.
        horizon: steps to predict.
        stride: steps between consecutive windows.
        targets: column indices to predict (default: all columns).
        start, stop: the target span of every window lies in ``[start, stop)``.

    Returns:
        ``X`` ``(n, lookback, features)``, ``y`` ``(n, horizon · len(targets))`` (both in the
        series' dtype) and ``times`` ``(n,)``, the target time ``t`` of each window.

    Example:
        >>> X, y, t = make_windows(np.arange(6.0), lookback=2, horizon=1)
        >>> X[:, :, 0].tolist()
        [[0.0, 1.0], [1.0, 2.0], [2.0, 3.0], [3.0, 4.0]]
        >>> y.tolist(), t.tolist()
        ([[2.0], [3.0], [4.0], [5.0]], [2, 3, 4, 5])
    """
    series = np.asarray(series)
    if series.ndim == 1:
        series = series[:, None]
    if series.ndim != 2:
        raise DataError(f"make_windows: series must be (time, features), got {series.shape}")
    for name, value in (("lookback", lookback), ("horizon", horizon), ("stride", stride)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise DataError(f"make_windows: {name} must be a positive integer, got {value!r}")
    columns = np.arange(series.shape[1]) if targets is None else np.asarray(targets, dtype=int)
    times = window_times(series.shape[0], lookback, horizon, stride, start, stop)
    X = series[times[:, None] + np.arange(-lookback, 0)[None, :]]
    y = series[times[:, None] + np.arange(horizon)[None, :]][:, :, columns]
    return X, y.reshape(len(times), horizon * len(columns)), times
