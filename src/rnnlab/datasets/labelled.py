"""Packing labelled sequences (from ``.ts``/``.npz`` files or bundled data) into a Dataset.

Sequences of one common length become one ``(n, time, features)`` float32 array; otherwise
they stay a list of ``(time, features)`` float32 arrays, as the training API accepts both.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.datasets.baselines import classification_baseline, regression_baseline
from rnnlab.datasets.dataset import Dataset


def stack_if_equal(sequences: list[np.ndarray]) -> Any:
    """One float32 array if every sequence has the same shape, else a list of float32 arrays.

    Example:
        >>> stack_if_equal([np.zeros((3, 2)), np.ones((3, 2))]).shape
        (2, 3, 2)
        >>> type(stack_if_equal([np.zeros((3, 2)), np.ones((4, 2))])).__name__
        'list'
    """
    arrays = [np.asarray(s, dtype=np.float32) for s in sequences]
    if arrays and all(a.shape == arrays[0].shape for a in arrays):
        return np.stack(arrays)
    return arrays


def labelled_dataset(name: str, task: str, splits: list[tuple[list[np.ndarray], np.ndarray]],
                     *, classes: list[str] | None = None,
                     info: dict[str, Any] | None = None) -> Dataset:
    """Wrap three ``(sequences, targets)`` splits; the baseline comes from the targets.

    ``task="classify"``: targets are ``(n,)`` class indices into ``classes``.
    ``task="regress"``: targets are ``(n,)`` or ``(n, outputs)`` numbers.

    Example:
        >>> seqs = [np.zeros((4, 2))] * 4
        >>> ds = labelled_dataset("toy", "classify", [(seqs[:2], np.array([0, 1])),
        ...                       (seqs[:1], np.array([0])), (seqs[:1], np.array([1]))],
        ...                       classes=["a", "b"])
        >>> ds.train[0].shape, ds.baseline["accuracy"]
        ((2, 4, 2), 0.0)
    """
    packed = []
    for sequences, targets in splits:
        if task == "classify":
            y = np.asarray(targets, dtype=np.int64)
        else:
            y = np.asarray(targets, dtype=np.float32)
            # (n,) → (n, 1); (n, a, b) → (n, a·b); spelled out so that n = 0 works too
            y = y.reshape(y.shape[0], int(np.prod(y.shape[1:], dtype=np.int64)))
        packed.append((stack_if_equal(list(sequences)), y))
    if task == "classify":
        baseline = classification_baseline(packed[0][1], packed[2][1], len(classes or []))
    else:
        baseline = regression_baseline(packed[0][1], packed[2][1])
    return Dataset(name=name, task=task, train=packed[0], val=packed[1], test=packed[2],
                   baseline=baseline, info=dict(info or {}), classes=classes)
