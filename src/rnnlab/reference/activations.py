"""Elementwise activations written to run in place on preallocated buffers.

The recurrent scans call these once per time step on small arrays, so avoiding temporaries
(``out=``) matters more than brevity here.
"""

from __future__ import annotations

import numpy as np


def sigmoid_(a: np.ndarray) -> np.ndarray:
    """In place: ``a ← σ(a) = 1 / (1 + exp(−a))``. Returns ``a``.

    ``exp(−a)`` overflows to ``inf`` for very negative ``a`` and ``1/inf = 0`` is the right
    limit, so callers wrap scans in ``np.errstate(over="ignore")``.
    """
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1.0
    np.reciprocal(a, out=a)
    return a


def sigmoid_grad_(grad: np.ndarray, s: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """In place: ``grad ← grad · s · (1 − s)`` where ``s = σ(a)``; ``scratch`` is ``s``-shaped."""
    np.subtract(1.0, s, out=scratch)
    scratch *= s
    grad *= scratch
    return grad


def tanh_grad_(grad: np.ndarray, t: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """In place: ``grad ← grad · (1 − t²)`` where ``t = tanh(a)``; ``scratch`` is ``t``-shaped."""
    np.multiply(t, t, out=scratch)
    np.subtract(1.0, scratch, out=scratch)
    grad *= scratch
    return grad
