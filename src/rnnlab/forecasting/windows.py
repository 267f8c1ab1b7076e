"""A forecasting model's input window, its targets, and forecasts made with it.

Inputs of one window at origin ``t`` (the first step to forecast), for ``k`` targets, ``p`` past
covariates and ``f`` known-ahead inputs (future covariates and calendar features), all in
series units (each series scaled with its training statistics):

* ``lookback`` history steps ``t − L … t − 1``: ``[targets (k), past covariates (p), future
  inputs (f)]``, plus a flag 0 when ``f > 0``;
* with ``f > 0``, then ``H_m`` future steps ``t … t + H_m − 1`` (``H_m`` = the horizon for the
  direct strategy, 1 for the recursive): ``[0 (k), 0 (p), future inputs (f), 1]`` — the model
  reads what is known ahead after the past, and the flag says where the future begins.

The model outputs ``H_m · k`` values, step by step (``[t: k values, t + 1: …]``).

``scale="window"`` also normalises each window by the mean ``μ`` and standard deviation ``σ``
of its own history targets (floored at
:data:`~rnnlab.forecasting.spec.WINDOW_STD_FLOOR`): inputs ``(z − μ)/σ``, targets likewise, and
forecasts ``ŷ = out·σ + μ`` — neuralforecast's temporal normalisation, which lets a network of
saturating units follow a level that keeps rising (airline, CO₂). Otherwise ``μ = 0, σ = 1``.

Recursive forecasts (MATLAB's closed loop) feed each one-step forecast back as the newest
history step and slide the window.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.datasets.transforms.windows import window_times
from rnnlab.forecasting.spec import WINDOW_STD_FLOOR, ForecastSpec


def model_input(spec: ForecastSpec, history: np.ndarray, future: np.ndarray | None,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windows ``X`` ``(B, L [+ H_m], features)`` float32 and the window statistics ``μ``,
    ``σ`` ``(B, k)`` from ``history`` ``(B, L, c)`` and ``future`` ``(B, H_m, f)`` (series
    units; ``future`` is ignored when the model reads no known-ahead inputs)."""
    k = spec.k
    targets = history[:, :, :k]
    if spec.scale == "window":
        mu = targets.mean(axis=1)
        sigma = np.maximum(targets.std(axis=1), WINDOW_STD_FLOOR)
    else:
        mu = np.zeros((len(history), k))
        sigma = np.ones((len(history), k))
    past = history.copy()
    past[:, :, :k] = (targets - mu[:, None]) / sigma[:, None]
    width = spec.future_width
    if width == 0:
        return past.astype(np.float32), mu, sigma
    batch, steps = len(history), future.shape[1]
    known = history.shape[2] - width
    ahead = np.concatenate([np.zeros((batch, steps, known)), future,
                            np.ones((batch, steps, 1))], axis=2)
    past = np.concatenate([past, np.zeros((batch, past.shape[1], 1))], axis=2)
    return np.concatenate([past, ahead], axis=1).astype(np.float32), mu, sigma


def training_windows(spec: ForecastSpec, values: np.ndarray, start: int, stop: int,
                     stride: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(X, y, origins)`` of one series ``values`` ``(n, c)`` (series units): the windows
    whose forecast steps lie in ``[start, stop)``; ``y`` ``(n, H_m · k)`` float32."""
    lookback, horizon, k = spec.lookback, spec.model_horizon, spec.k
    origins = window_times(len(values), lookback, horizon, stride, start, stop)
    history = values[origins[:, None] + np.arange(-lookback, 0)[None, :]]
    ahead = values[origins[:, None] + np.arange(horizon)[None, :]]
    future = ahead[:, :, values.shape[1] - spec.future_width:] if spec.future_width else None
    X, mu, sigma = model_input(spec, history, future)
    y = (ahead[:, :, :k] - mu[:, None]) / sigma[:, None]
    return X, y.reshape(len(origins), horizon * k).astype(np.float32), origins


def run_forecast(model: Any, spec: ForecastSpec, history: np.ndarray, future: np.ndarray,
                 steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Forecasts ``(B, steps, k)`` in series units and the origin windows' ``σ`` ``(B, k)``.

    ``history`` ``(B, L, c)``; ``future`` ``(B, ≥ steps, f)`` — for the direct strategy at
    least the model's horizon of known-ahead inputs (the model reads all of them).
    """
    k = spec.k
    if spec.strategy == "direct":
        X, mu, sigma = model_input(spec, history, future[:, :spec.horizon])
        out = np.asarray(model.predict(X), dtype=np.float64).reshape(len(X), spec.horizon, k)
        return (out * sigma[:, None] + mu[:, None])[:, :steps], sigma
    window = history.copy()
    predictions, first_sigma = [], None
    known = history.shape[2] - spec.future_width
    for step in range(steps):
        X, mu, sigma = model_input(spec, window, future[:, step:step + 1])
        out = np.asarray(model.predict(X), dtype=np.float64).reshape(len(X), k)
        value = out * sigma + mu
        predictions.append(value)
        first_sigma = sigma if first_sigma is None else first_sigma
        newest = np.concatenate([value, np.zeros((len(X), known - k)), future[:, step]],
                                axis=1)
        window = np.concatenate([window[:, 1:], newest[:, None]], axis=1)
    return np.stack(predictions, axis=1), first_sigma
