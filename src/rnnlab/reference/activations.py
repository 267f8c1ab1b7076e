"""Elementwise activations written to run in place on preallocated buffers.

The recurrent scans call these once per time step on small arrays, so avoiding temporaries
(``out=``) matters more than brevity here. Sigmoid gates use the identity

    σ(z) = ½ + ½·tanh(z/2)

with the halving of ``z`` folded into the weights, so one ``tanh`` call covers all of a step's
gates and :func:`half_tanh_to_sigmoid_` finishes the sigmoid blocks.
"""

from __future__ import annotations

import numpy as np


def sigmoid(a: np.ndarray) -> np.ndarray:
    """``σ(a) = 1 / (1 + exp(−a))``, as ``½ + ½·tanh(a/2)``: the same function without overflow
    for very negative ``a``. For the textbook steps; the scans use the in-place forms below."""
    return 0.5 + 0.5 * np.tanh(0.5 * a)


def sigmoid_(a: np.ndarray) -> np.ndarray:
    """In place: ``a ← σ(a) = 1 / (1 + exp(−a))``. Returns ``a``.

    ``exp(−a)`` overflows to ``inf`` for very negative ``a`` and ``1/inf = 0`` is the right
    limit, so callers wrap this in ``np.errstate(over="ignore")``.
    """
    # Not np.negative: in NumPy 2.4.6 np.negative(v, out=v) on a strided float32 column view
    # (e.g. one gate of a hidden_size=1 LSTM) reads the wrong elements; multiply is correct.
    np.multiply(a, -1.0, out=a)
    np.exp(a, out=a)
    a += 1.0
    np.reciprocal(a, out=a)
    return a


def half_tanh_to_sigmoid_(t: np.ndarray) -> np.ndarray:
    """In place: ``t ← ½ + ½·t``; turns ``tanh(z/2)`` into ``σ(z)``. Returns ``t``."""
    t *= 0.5
    t += 0.5
    return t


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
