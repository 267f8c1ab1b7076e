"""Train/validation/test splits, as MATLAB's ``dividerand`` and ``divideblock`` make them.

* ``"random"`` — shuffle, then cut (``dividerand``);
* ``"stratified"`` — cut each class separately, so every split keeps the class proportions;
* ``"block"`` — contiguous blocks in the original order (``divideblock``): the only honest
  split for a time series, where a random split would let the model see the future.

Sizes: ``n_val = round(r_val · n)``, ``n_test = round(r_test · n)`` (halves round up) and
training gets the rest — per class for the stratified split, so a class with one example
lands in training.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rnnlab.datasets._checks import check_choice, check_int, check_ratios
from rnnlab.datasets.errors import DataError

METHODS = ("random", "stratified", "block")


def _round(x: float) -> int:
    """Round half up (Python's ``round`` sends 4.5 to 4), with a little slack for 0.15 · 30."""
    return math.floor(x + 0.5 + 1e-9)


def _cut(n: int, ratios: tuple[float, float, float]) -> tuple[int, int]:
    n_val, n_test = _round(ratios[1] * n), _round(ratios[2] * n)
    while n_val + n_test >= n and n_val + n_test > 0:  # keep at least one training example
        if n_val >= n_test:
            n_val -= 1
        else:
            n_test -= 1
    return n_val, n_test


def split_indices(n: int, ratios: Any = (0.7, 0.15, 0.15), *, method: str = "random",
                  labels: Any = None, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices ``(train, val, test)`` of ``n`` examples, each sorted ascending.

    Args:
        n: number of examples (≥ 1).
        ratios: ``(train, val, test)`` fractions summing to 1.
        method: ``"random"``, ``"stratified"`` (needs ``labels``) or ``"block"``.
        labels: ``(n,)`` class labels for the stratified split.
        seed: seed of the shuffle (unused by ``"block"``).

    Example:
        >>> train, val, test = split_indices(10, (0.6, 0.2, 0.2), method="block")
        >>> train.tolist(), val.tolist(), test.tolist()
        ([0, 1, 2, 3, 4, 5], [6, 7], [8, 9])
    """
    n = check_int("split", "n", n, minimum=1)
    ratios = check_ratios("split", ratios)
    check_choice("split", "method", method, METHODS)
    seed = check_int("split", "seed", seed, minimum=0)
    if method == "block":
        n_val, n_test = _cut(n, ratios)
        n_train = n - n_val - n_test
        order = np.arange(n)
        return order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
    rng = np.random.default_rng(seed)
    if method == "random":
        groups = [np.arange(n)]
    else:
        if labels is None:
            raise DataError("split: method='stratified' needs labels")
        labels = np.asarray(labels)
        if labels.shape != (n,):
            raise DataError(f"split: labels must have shape ({n},), got {labels.shape}")
        _, codes = np.unique(labels, return_inverse=True)
        groups = [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]
    parts: list[list[np.ndarray]] = [[], [], []]
    for group in groups:
        shuffled = rng.permutation(group)
        n_val, n_test = _cut(len(group), ratios)
        n_train = len(group) - n_val - n_test
        parts[0].append(shuffled[:n_train])
        parts[1].append(shuffled[n_train:n_train + n_val])
        parts[2].append(shuffled[n_train + n_val:])
    train, val, test = (np.sort(np.concatenate(p)).astype(np.int64) for p in parts)
    return train, val, test


def take(X: Any, indices: np.ndarray) -> Any:
    """``X[indices]`` for an array, or the listed items of a list of sequences.

    Example:
        >>> take([np.zeros(2), np.ones(3)], np.array([1]))[0].tolist()
        [1.0, 1.0, 1.0]
    """
    if isinstance(X, np.ndarray):
        return X[indices]
    return [X[int(i)] for i in indices]


def split_arrays(X: Any, y: Any, ratios: Any = (0.7, 0.15, 0.15), *, method: str = "random",
                 seed: int = 0) -> tuple[tuple[Any, Any], tuple[Any, Any], tuple[Any, Any]]:
    """Split ``X`` and ``y`` together: ``((X_train, y_train), (X_val, y_val), (X_test, y_test))``.

    ``method="stratified"`` stratifies on ``y``. ``X`` may be an array or a list of sequences.

    Example:
        >>> X, y = np.zeros((10, 5, 1)), np.array([0, 1] * 5)
        >>> (Xtr, ytr), (Xv, yv), (Xte, yte) = split_arrays(X, y, (0.6, 0.2, 0.2),
        ...                                                 method="stratified")
        >>> np.bincount(ytr).tolist(), np.bincount(yv).tolist()
        ([3, 3], [1, 1])
    """
    n = X.shape[0] if isinstance(X, np.ndarray) else len(X)
    if (y.shape[0] if isinstance(y, np.ndarray) else len(y)) != n:
        raise DataError(f"split: X holds {n} sequences but y holds {len(y)} targets")
    indices = split_indices(n, ratios, method=method, seed=seed,
                            labels=y if method == "stratified" else None)
    return tuple((take(X, i), take(y, i)) for i in indices)  # type: ignore[return-value]
