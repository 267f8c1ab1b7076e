"""Scores of a model that learns nothing, computed from data.

"Learns nothing" means: ignores the input sequence and predicts what the training targets look
like on average. That is the bar a trained model must clear before it has learned anything.

* classification: predict the training class frequencies ``p_c`` (Laplace-smoothed,
  ``p_c = (count_c + 1) / (n + K)``, so a class unseen in training costs a finite loss).
  ``cross_entropy = −mean log p[y_test]``; ``accuracy`` = share of the test set in the
  training set's most frequent class.
* regression: predict the training mean ``ȳ`` of every output; ``mse = mean (y_test − ȳ)²``.
* per-step symbol prediction (``sequence``): the cross-entropy of the training symbol
  frequencies over every step that has a target (``y ≥ 0``). Only cross-entropy: where the
  next symbol is genuinely uncertain (a grammar, a text) accuracy has a ceiling below 1 and
  says little, so sequence tasks are scored by cross-entropy.

Synthetic tasks state their baselines in closed form instead (see each task's docstring); the
tests check that the two agree within sampling error.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _flat_labels(y: Any) -> np.ndarray:
    if isinstance(y, np.ndarray):
        flat = y.reshape(-1)
    else:
        flat = np.concatenate([np.asarray(v).reshape(-1) for v in y]) if len(y) else np.zeros(0)
    return flat[flat >= 0].astype(np.int64)


def classification_baseline(y_train: Any, y_test: Any, num_classes: int) -> dict[str, float]:
    """Accuracy and cross-entropy (nats) of predicting the training class frequencies.

    Labels ``< 0`` (steps without a target) are ignored, so this also serves ``sequence``
    tasks. An empty test split gives NaN scores.

    Example:
        >>> scores = classification_baseline(np.array([0, 0, 1]), np.array([0, 1]), 2)
        >>> scores["accuracy"], round(scores["cross_entropy"], 4)
        (0.5, 0.7136)
    """
    train, test = _flat_labels(y_train), _flat_labels(y_test)
    counts = np.bincount(train, minlength=num_classes).astype(np.float64)
    prior = (counts + 1.0) / (counts.sum() + num_classes)
    if test.size == 0:
        return {"accuracy": float("nan"), "cross_entropy": float("nan")}
    accuracy = float(np.mean(test == int(np.argmax(counts))))
    cross_entropy = float(-np.mean(np.log(prior[test])))
    return {"accuracy": accuracy, "cross_entropy": cross_entropy}


def sequence_baseline(y_train: Any, y_test: Any, num_classes: int) -> dict[str, float]:
    """Cross-entropy (nats per step) of predicting the training symbol frequencies.

    Example:
        >>> y = np.array([[0, 1, -1], [1, 0, -1]])  # -1: a step without a target
        >>> round(sequence_baseline(y, y, 2)["cross_entropy"], 4)
        0.6931
    """
    return {"cross_entropy": classification_baseline(y_train, y_test,
                                                     num_classes)["cross_entropy"]}


def regression_baseline(y_train: np.ndarray, y_test: np.ndarray) -> dict[str, float]:
    """Mean squared error of predicting the training mean of each output.

    Example:
        >>> regression_baseline(np.array([[0.0], [2.0]]), np.array([[1.0], [3.0]]))
        {'mse': 2.0}
    """
    if len(y_test) == 0 or len(y_train) == 0:
        return {"mse": float("nan")}
    mean = np.asarray(y_train, np.float64).mean(axis=0)
    mse = float(np.mean((np.asarray(y_test, np.float64) - mean) ** 2))
    return {"mse": mse}
