"""The order in which a training epoch visits the data.

Batches are drawn from a ``numpy.random.Generator`` seeded by ``TrainingOptions.seed`` and
carried across epochs (and saved in checkpoints), so a run's data order is a function of its
seed alone. When sequences differ much in length, batches are *bucketed*: sequences of similar
length go together (:func:`rnnlab.datasets.transforms.bucket_by_length`), and each batch is cut
to its own longest sequence, so little time goes into padding.
"""

from __future__ import annotations

import numpy as np

from rnnlab.datasets.transforms.padding import bucket_by_length

# Bucket when random batches would spend more than this share of their steps on padding.
BUCKET_WASTE = 0.2


def should_bucket(lengths: np.ndarray) -> bool:
    """Whether length bucketing pays: the padding share of a full-length batch is large.

    Example:
        >>> should_bucket(np.array([10, 10, 10])), should_bucket(np.array([2, 10, 3]))
        (False, True)
    """
    return bool(1.0 - lengths.mean() / lengths.max() > BUCKET_WASTE)


def epoch_batches(lengths: np.ndarray, batch_size: int, shuffle: bool,
                  rng: np.random.Generator, bucket: bool) -> list[np.ndarray]:
    """Index arrays, one per batch, covering every sequence once.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> [b.tolist() for b in epoch_batches(np.full(5, 3), 2, False, rng, False)]
        [[0, 1], [2, 3], [4]]
    """
    n = lengths.shape[0]
    if bucket:
        seed = int(rng.integers(2**63)) if shuffle else 0
        return bucket_by_length(lengths, batch_size, shuffle=shuffle, seed=seed)
    order = rng.permutation(n) if shuffle else np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
