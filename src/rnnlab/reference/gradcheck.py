r"""Finite-difference gradient checking, in float64.

For a scalar function ``f`` of an array ``θ``, the central difference

    ∂f/∂θ_k ≈ (f(θ + ε e_k) − f(θ − ε e_k)) / (2ε)

has error O(ε²); with ε = 1e-6 in float64 it agrees with a correct analytic gradient to about
1e-9 relative. :func:`relative_error` compares whole arrays as
``‖a − b‖ / max(‖a‖ + ‖b‖, tiny)``, which stays meaningful when individual entries are near zero.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np


def numerical_gradient(f: Callable[[], float], array: np.ndarray, eps: float = 1e-6,
                       entries: np.ndarray | None = None) -> np.ndarray:
    """Central-difference gradient of ``f()`` with respect to ``array``, perturbed in place
    (and restored). ``array`` must be float64 for the estimate to be meaningful. With
    ``entries`` (flat indices) only those are estimated; the others are left at zero."""
    if array.dtype != np.float64:
        raise ValueError(f"gradient checks need float64 arrays, got {array.dtype}")
    grad = np.zeros_like(array)
    flat, flat_grad = array.reshape(-1), grad.reshape(-1)
    for k in (range(flat.size) if entries is None else entries):
        original = flat[k]
        flat[k] = original + eps
        plus = f()
        flat[k] = original - eps
        minus = f()
        flat[k] = original
        flat_grad[k] = (plus - minus) / (2 * eps)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """``‖a − b‖ / max(‖a‖ + ‖b‖, 1e-300)``."""
    difference = np.linalg.norm(np.asarray(analytic) - np.asarray(numeric))
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(difference / max(scale, 1e-300))


def gradient_check(f: Callable[[], float], arrays: Mapping[str, np.ndarray],
                   analytic: Mapping[str, np.ndarray], eps: float = 1e-6,
                   samples: int | None = None, seed: int = 0) -> dict[str, float]:
    """Relative error between ``analytic[name]`` and the finite-difference gradient of ``f``
    with respect to ``arrays[name]``, for every name.

    ``samples`` limits the check to that many entries of each array, drawn at random (with
    ``seed``), for large models: the relative error is then over those entries.

    Example:
        >>> w = np.array([1.0, -2.0])
        >>> errors = gradient_check(lambda: float(np.sum(w ** 3)), {"w": w}, {"w": 3 * w ** 2})
        >>> errors["w"] < 1e-8
        True
    """
    rng = np.random.default_rng(seed)
    errors = {}
    for name, array in arrays.items():
        entries = None
        if samples is not None and array.size > samples:
            entries = np.sort(rng.choice(array.size, size=samples, replace=False))
        numeric = numerical_gradient(f, array, eps, entries)
        exact = np.asarray(analytic[name]).reshape(-1)
        chosen = slice(None) if entries is None else entries
        errors[name] = relative_error(exact[chosen], numeric.reshape(-1)[chosen])
    return errors
