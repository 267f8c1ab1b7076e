"""What every synthetic task shares: seeding, size checks, one-hot codes.

Each split draws from its own stream, ``SeedSequence(seed).spawn(3)``, so that the test set
for a seed does not change when ``n_train`` does (a study can grow the training set and still
compare on the same test sequences).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnnlab.datasets._checks import check_int
from rnnlab.datasets.dataset import Dataset

Generate = Callable[[np.random.Generator, int], tuple[Any, Any]]


def split_generators(seed: int) -> list[np.random.Generator]:
    """Three independent generators (train, val, test) from one integer seed.

    Example:
        >>> a, b, c = split_generators(0)
        >>> a.random() != b.random()
        True
    """
    return [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(3)]


def one_hot(indices: np.ndarray, depth: int) -> np.ndarray:
    """float32 one-hot codes: ``indices`` of shape ``S`` give ``S + (depth,)``.

    Example:
        >>> one_hot(np.array([2, 0]), 3)
        array([[0., 0., 1.],
               [1., 0., 0.]], dtype=float32)
    """
    return np.eye(depth, dtype=np.float32)[indices]


def build(name: str, task: str, generate: Generate, *, n_train: int, n_val: int, n_test: int,
          seed: int, baseline: dict[str, float], info: dict[str, Any], length: int | None,
          classes: list[str] | None = None) -> Dataset:
    """Check sizes and seed, draw the three splits with ``generate(rng, n)``, wrap them."""
    sizes = [check_int(name, "n_train", n_train, minimum=1),
             check_int(name, "n_val", n_val, minimum=0),
             check_int(name, "n_test", n_test, minimum=0)]
    seed = check_int(name, "seed", seed, minimum=0)
    splits = [generate(rng, n) for rng, n in zip(split_generators(seed), sizes, strict=True)]
    return Dataset(name=name, task=task, train=splits[0], val=splits[1], test=splits[2],
                   baseline=baseline, info=info, classes=classes, length=length)
