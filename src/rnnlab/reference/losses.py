r"""Losses with their gradients, both as means over the targets that count.

* Softmax cross-entropy over the last axis of ``logits`` ``(..., classes)`` with integer
  ``targets`` ``(...)``; targets equal to ``ignore_index`` (default −100, as in PyTorch) are
  skipped. With ``p = softmax(z)`` and ``N`` counted targets::

      L = −(1/N) Σ log p[y]            dL/dz = (p − onehot(y)) / N

* Mean squared error between ``predictions`` and ``targets`` of one shape, ``N`` elements::

      L = (1/N) Σ (ŷ − y)²             dL/dŷ = 2 (ŷ − y) / N
"""

from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities along the last axis, computed stably by subtracting the row maximum."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(logits: np.ndarray, targets: np.ndarray,
                          ignore_index: int = -100) -> tuple[float, np.ndarray]:
    """Return the mean loss and ``dL/dlogits`` (same shape as ``logits``).

    Example:
        >>> loss, grad = softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
        >>> round(loss, 4)   # log 4
        1.3863
    """
    logits = np.asarray(logits)
    targets = np.asarray(targets)
    if targets.shape != logits.shape[:-1]:
        raise ValueError(f"targets have shape {targets.shape}, expected {logits.shape[:-1]} "
                         f"(logits without the class axis)")
    classes = logits.shape[-1]
    flat_logits = logits.reshape(-1, classes)
    flat_targets = targets.reshape(-1).astype(np.int64)
    counted = flat_targets != ignore_index
    bad = counted & ((flat_targets < 0) | (flat_targets >= classes))
    if np.any(bad):
        raise ValueError(f"target {int(flat_targets[bad][0])} is not a class index in "
                         f"0..{classes - 1}")
    n = int(counted.sum())
    if n == 0:
        return 0.0, np.zeros_like(logits)
    shifted = flat_logits - flat_logits.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_probs = shifted - log_norm
    rows = np.flatnonzero(counted)
    loss = -log_probs[rows, flat_targets[rows]].sum() / n
    grad = np.exp(log_probs)
    grad[rows, flat_targets[rows]] -= 1.0
    grad[~counted] = 0.0
    grad /= n
    return float(loss), grad.reshape(logits.shape).astype(logits.dtype, copy=False)


def mean_squared_error(predictions: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Return the mean of squared differences and its gradient with respect to ``predictions``.

    Example:
        >>> mean_squared_error(np.array([1.0, 3.0]), np.array([0.0, 1.0]))[0]
        2.5
    """
    predictions = np.asarray(predictions)
    targets = np.asarray(targets, dtype=predictions.dtype)
    if predictions.shape != targets.shape:
        raise ValueError(f"predictions have shape {predictions.shape} but targets have shape "
                         f"{targets.shape}; they must match")
    diff = predictions - targets
    n = diff.size
    return float(np.mean(diff * diff)), (2.0 / n) * diff
