"""Forecast errors in the data's own units, over the observed values only.

For actual values ``y``, forecasts ``ŷ`` (NaN actuals — values that were missing and filled —
are skipped):

* ``MAE  = mean |y − ŷ|``;  ``RMSE = √ mean (y − ŷ)²``;
* ``MASE = MAE / s`` with ``s`` the in-sample MAE of the seasonal-naive forecast on the series'
  training part (Hyndman & Koehler 2006): below 1, the forecast beats what repeating last
  season did on the training data; a set of series scores the mean of their MASEs (as the M4
  competition did);
* ``sMAPE = 200 · mean |y − ŷ| / (|y| + |ŷ|)`` per cent (the M4 definition; 0 when both are 0);
* ``coverage`` of an interval ``[lo, hi]``: the share of actual values inside it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

METRICS = ("MAE", "RMSE", "MASE", "sMAPE")


def scores(actual: np.ndarray, forecast: np.ndarray, scale: float) -> dict[str, float]:
    """MAE, RMSE, MASE and sMAPE of ``forecast`` against ``actual`` (same shape, NaN actuals
    ignored), MASE with the in-sample ``scale``.

    Example:
        >>> scores(np.array([10.0, 20.0]), np.array([12.0, 20.0]), scale=4.0)
        {'MAE': 1.0, 'RMSE': 1.4142135623730951, 'MASE': 0.25, 'sMAPE': 9.090909090909092}
    """
    keep = ~np.isnan(actual)
    if not keep.any():
        return {name: math.nan for name in METRICS}
    y, f = actual[keep].astype(np.float64), forecast[keep].astype(np.float64)
    error = np.abs(y - f)
    mae = float(error.mean())
    denominator = np.abs(y) + np.abs(f)
    ratio = np.divide(error, denominator, out=np.zeros_like(error), where=denominator > 0)
    mase = mae / scale if scale > 0 and math.isfinite(scale) else math.nan
    return {"MAE": mae, "RMSE": float(np.sqrt(np.mean(error ** 2))), "MASE": mase,
            "sMAPE": float(200.0 * ratio.mean())}


def coverage(actual: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    """Share of the observed ``actual`` values inside ``[low, high]``.

    Example:
        >>> coverage(np.array([1.0, 5.0, np.nan]), np.zeros(3), np.full(3, 2.0))
        0.5
    """
    keep = ~np.isnan(actual) & ~np.isnan(low)
    if not keep.any():
        return math.nan
    inside = (actual[keep] >= low[keep]) & (actual[keep] <= high[keep])
    return float(inside.mean())


def mase(actual: np.ndarray, forecast: np.ndarray, scale: Any) -> float:
    """MASE of ``(…, k)`` forecasts of ``k`` targets: the mean over targets of each one's
    MAE over its in-sample ``scale[j]``.

    Example:
        >>> mase(np.array([[1.0, 10.0]]), np.array([[2.0, 14.0]]), [1.0, 2.0])
        1.5
    """
    k = forecast.shape[-1]
    per_target = [scores(actual[..., j].ravel(), forecast[..., j].ravel(),
                         float(scale[j]))["MASE"] for j in range(k)]
    return float(np.mean(per_target)) if per_target else math.nan
