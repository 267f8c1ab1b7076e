"""Sine-wave forecasting: continue a sine of unknown frequency and phase.

Each sequence is its own sine, ``s_t = sin(2π t / P + φ) + σ ε_t`` with period
``P ~ U[min_period, max_period]`` steps, phase ``φ ~ U[0, 2π)`` and observation noise
``ε_t ~ N(0, 1)``. The network sees ``s_0 … s_{T−1}`` and predicts the next ``horizon`` values.
To do so it must infer the period from the input, so longer periods need longer memory.

Baseline. For a uniform phase, ``E[sin] = 0`` and ``E[sin²] = 1/2`` whatever the period, so a
model that ignores the input predicts 0 and scores ``mse = 1/2 + σ²``.
"""

from __future__ import annotations

import numpy as np

from rnnlab.datasets._checks import check_float, check_int
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.registry import register
from rnnlab.datasets.synthetic._common import build


def generate(rng: np.random.Generator, n: int, length: int, horizon: int = 1,
             noise: float = 0.0, min_period: float = 8.0,
             max_period: float = 32.0) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` noisy sine windows: inputs of ``length`` steps, targets of ``horizon``.

    Returns:
        ``X`` ``(n, length, 1)`` float32 and ``y`` ``(n, horizon)`` float32.

    Example:
        >>> X, y = generate(np.random.default_rng(0), 2, 30, horizon=3)
        >>> X.shape, y.shape
        ((2, 30, 1), (2, 3))
    """
    period = rng.uniform(min_period, max_period, size=(n, 1))
    phase = rng.uniform(0.0, 2.0 * np.pi, size=(n, 1))
    t = np.arange(length + horizon)[None, :]
    series = np.sin(2.0 * np.pi * t / period + phase)
    if noise > 0:
        series = series + noise * rng.standard_normal(series.shape)
    series = series.astype(np.float32)
    return series[:, :length, None], series[:, length:]


@register("sine", kind="synthetic", task="regress",
          summary="continue a noisy sine of random period and phase")
def sine(*, length: int = 50, horizon: int = 1, noise: float = 0.0, min_period: float = 8.0,
         max_period: float = 32.0, n_train: int = 1000, n_val: int = 200, n_test: int = 200,
         seed: int = 0) -> Dataset:
    """Sine forecasting: predict the next ``horizon`` values of a sine seen for ``length`` steps.

    X ``(n, length, 1)`` float32; y ``(n, horizon)`` float32; baseline ``{"mse": 1/2 + noise²}``.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("sine", length=20, horizon=5, n_train=3).train[1].shape
        (3, 5)
    """
    length = check_int("sine", "length", length, minimum=1)
    horizon = check_int("sine", "horizon", horizon, minimum=1)
    noise = check_float("sine", "noise", noise, minimum=0.0)
    min_period = check_float("sine", "min_period", min_period, minimum=2.0)
    max_period = check_float("sine", "max_period", max_period, minimum=min_period)
    info = {
        "description": f"sine forecasting, T={length}, horizon {horizon}, "
                       f"period {min_period:g}–{max_period:g} steps, noise σ={noise:g}",
        "source": "generated",
        "licence": "generated data, no licence needed",
        "baseline_formula": "E[sin²] + σ² = 1/2 + σ² (predict 0, the mean)",
    }
    return build("sine", "regress",
                 lambda rng, n: generate(rng, n, length, horizon, noise, min_period, max_period),
                 n_train=n_train, n_val=n_val, n_test=n_test, seed=seed,
                 baseline={"mse": 0.5 + noise**2}, info=info, length=length)
