"""Mackey–Glass forecasting: predict a chaotic delay-differential system.

The Mackey & Glass (1977) equation with the usual chaotic parameters::

    dx/dt = β x(t − τ) / (1 + x(t − τ)^10) − γ x(t),    β = 0.2, γ = 0.1, τ = 17

is integrated with Euler steps of ``dt = 0.1`` from a constant history ``x0 ~ U[0.5, 1.5]`` and
sampled once per time unit. To spread the sequences over the attractor, each one skips a
burn-in of 100 units plus a random offset of 0–299 units (a fixed burn-in alone leaves the
trajectories in step with one another). The network sees ``T`` samples and predicts the next
``horizon``.

Baseline. A model that ignores the input predicts the attractor's mean, 0.9298, and scores
its variance, ``mse = 0.05105``. Both were measured once on 2,000 trajectories of 4,000 time
units each after a burn-in of 1,000 (standard error < 1e-4); there is no closed form.
"""

from __future__ import annotations

import numpy as np

from rnnlab.datasets._checks import check_int
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.registry import register
from rnnlab.datasets.synthetic._common import build

BETA, GAMMA, POWER, TAU = 0.2, 0.1, 10, 17.0
DT = 0.1
STEPS_PER_UNIT = 10  # 1 / DT
BURN_IN, MAX_OFFSET = 100, 300  # time units
ATTRACTOR_MEAN, ATTRACTOR_VARIANCE = 0.9298, 0.05105


def integrate(x0: np.ndarray, units: int) -> np.ndarray:
    """Integrate one trajectory per entry of ``x0`` (constant history) for ``units`` time
    units; returns the samples at t = 1 … units, shape ``(len(x0), units)`` float64.

    A ring buffer of the last ``τ / dt`` states gives ``x(t − τ)`` without keeping the whole
    fine-grained history.

    Example:
        >>> integrate(np.array([1.2]), 5).shape
        (1, 5)
    """
    delay = round(TAU / DT)
    history = np.repeat(np.asarray(x0, dtype=np.float64)[None, :], delay, axis=0)
    x = history[0].copy()
    samples = np.empty((x.shape[0], units))
    slot = 0
    for step in range(units * STEPS_PER_UNIT):
        delayed = history[slot].copy()  # x(t − τ), written `delay` steps ago
        history[slot] = x
        slot = (slot + 1) % delay
        x = x + DT * (BETA * delayed / (1.0 + delayed**POWER) - GAMMA * x)
        if (step + 1) % STEPS_PER_UNIT == 0:
            samples[:, (step + 1) // STEPS_PER_UNIT - 1] = x
    return samples


def generate(rng: np.random.Generator, n: int, length: int,
             horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` Mackey–Glass windows: ``length`` input samples, ``horizon`` targets.

    Returns:
        ``X`` ``(n, length, 1)`` float32 and ``y`` ``(n, horizon)`` float32.

    Example:
        >>> X, y = generate(np.random.default_rng(0), 2, 10, horizon=2)
        >>> X.shape, y.shape
        ((2, 10, 1), (2, 2))
    """
    window = length + horizon
    x0 = rng.uniform(0.5, 1.5, size=n)
    offset = rng.integers(0, MAX_OFFSET, size=n)
    samples = integrate(x0, BURN_IN + MAX_OFFSET + window)[:, BURN_IN:]
    series = samples[np.arange(n)[:, None], offset[:, None] + np.arange(window)]
    series = series.astype(np.float32)
    return series[:, :length, None], series[:, length:]


@register("mackey_glass", kind="synthetic", task="regress",
          summary="forecast the chaotic Mackey–Glass series (τ = 17)")
def mackey_glass(*, length: int = 50, horizon: int = 1, n_train: int = 1000, n_val: int = 200,
                 n_test: int = 200, seed: int = 0) -> Dataset:
    """Mackey–Glass forecasting: predict the next ``horizon`` samples from ``length`` samples.

    X ``(n, length, 1)`` float32; y ``(n, horizon)`` float32; baseline ``{"mse": 0.05105}``.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("mackey_glass", length=20, n_train=3, n_val=1, n_test=1).train[0].shape
        (3, 20, 1)
    """
    length = check_int("mackey_glass", "length", length, minimum=1)
    horizon = check_int("mackey_glass", "horizon", horizon, minimum=1)
    info = {
        "description": f"Mackey–Glass forecasting (τ=17), T={length}, horizon {horizon}",
        "source": "generated (Mackey & Glass 1977; Euler integration, dt = 0.1)",
        "licence": "generated data, no licence needed",
        "baseline_formula": "variance of x on the attractor, 0.05105 (predict its mean 0.9298)",
    }
    return build("mackey_glass", "regress", lambda rng, n: generate(rng, n, length, horizon),
                 n_train=n_train, n_val=n_val, n_test=n_test, seed=seed,
                 baseline={"mse": ATTRACTOR_VARIANCE}, info=info, length=length)
