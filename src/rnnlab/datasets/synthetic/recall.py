"""Noisy long-lag recall: a class is shown at the first step, noise follows, answer at the end.

After Hochreiter & Schmidhuber (1997, experiment 2): the only informative input is at step 0,
and the label is asked for ``T − 1`` steps later, so the task measures how long a network can
hold one piece of information through input it must ignore.

Inputs have ``K + 1`` channels for ``K`` classes:

* step 0: the one-hot code of the class on channels ``0 … K−1`` (no noise);
* steps ``1 … T−1``: Gaussian noise ``N(0, noise²)`` on channels ``0 … K−1``;
* channel ``K`` is a *query* flag, 1 at the last step only (when the answer is due).

Baseline. Classes are equally likely, so ignoring the input gives ``accuracy = 1/K`` and
``cross_entropy = ln K``.
"""

from __future__ import annotations

import math

import numpy as np

from rnnlab.datasets._checks import check_float, check_int
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.registry import register
from rnnlab.datasets.synthetic._common import build


def generate(rng: np.random.Generator, n: int, length: int, num_classes: int = 4,
             noise: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` recall sequences of ``length`` steps.

    Returns:
        ``X`` ``(n, length, num_classes + 1)`` float32 and ``y`` ``(n,)`` int64.

    Example:
        >>> X, y = generate(np.random.default_rng(0), 3, 20)
        >>> X.shape, bool((X[:, 0, :4].argmax(-1) == y).all()), X[:, -1, 4].tolist()
        ((3, 20, 5), True, [1.0, 1.0, 1.0])
    """
    labels = rng.integers(0, num_classes, size=n)
    X = np.zeros((n, length, num_classes + 1), dtype=np.float32)
    X[:, 1:, :num_classes] = noise * rng.standard_normal((n, length - 1, num_classes))
    X[np.arange(n), 0, labels] = 1.0
    X[:, -1, num_classes] = 1.0
    return X, labels.astype(np.int64)


@register("recall", kind="synthetic", task="classify",
          summary="class shown at step 1, Gaussian noise after, answer at step T")
def recall(*, length: int = 50, num_classes: int = 4, noise: float = 1.0, n_train: int = 1000,
           n_val: int = 200, n_test: int = 200, seed: int = 0) -> Dataset:
    """Noisy long-lag recall: remember the class signalled at the first step for T − 1 steps.

    X ``(n, length, num_classes + 1)`` float32; y ``(n,)`` int64;
    baseline ``{"accuracy": 1/K, "cross_entropy": ln K}``.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("recall", length=30, n_train=5).train[0].shape
        (5, 30, 5)
    """
    length = check_int("recall", "length", length, minimum=2)
    num_classes = check_int("recall", "num_classes", num_classes, minimum=2, maximum=1000)
    noise = check_float("recall", "noise", noise, minimum=0.0)
    info = {
        "description": f"noisy recall, T={length}: report the class seen {length - 1} steps ago",
        "source": "generated (after Hochreiter & Schmidhuber 1997, experiment 2)",
        "licence": "generated data, no licence needed",
        "baseline_formula": "uniform classes: accuracy 1/K, cross-entropy ln K",
    }
    return build("recall", "classify",
                 lambda rng, n: generate(rng, n, length, num_classes, noise),
                 n_train=n_train, n_val=n_val, n_test=n_test, seed=seed,
                 baseline={"accuracy": 1.0 / num_classes, "cross_entropy": math.log(num_classes)},
                 info=info, length=length, classes=[str(c) for c in range(num_classes)])
