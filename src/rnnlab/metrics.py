r"""Scores for trained models, computed in NumPy from outputs and targets.

Classification (``K`` classes, ``C`` the confusion matrix, rows = true class, columns =
predicted)::

    accuracy = Σ_k C_kk / Σ C          precision_k = C_kk / Σ_i C_ik      recall_k = C_kk / Σ_j C_kj
    F1_k = 2 · precision_k · recall_k / (precision_k + recall_k)     (0 where undefined)

Regression (``N`` elements, outputs ``j``)::

    MSE = (1/N) Σ (ŷ − y)²     RMSE = √MSE     MAE = (1/N) Σ |ŷ − y|
    R² = 1 − MSE / Var(y)      with Var(y) the variance of each output averaged over outputs

Sequences of labels: cross-entropy ``L = −(1/N) Σ log p(y_t)`` and perplexity ``e^L``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.targets import IGNORE


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """``log softmax(z)`` over the last axis, computed stably."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities over the last axis.

    Example:
        >>> softmax(np.zeros((1, 4))).tolist()
        [[0.25, 0.25, 0.25, 0.25]]
    """
    return np.exp(log_softmax(logits))


def cross_entropy(logits: np.ndarray, targets: np.ndarray, ignore_index: int = IGNORE) -> float:
    """Mean ``−log softmax(z)[y]`` over the targets that are not ``ignore_index``.

    Example:
        >>> round(cross_entropy(np.zeros((2, 4)), np.array([0, 3])), 4)
        1.3863
    """
    flat_logits = logits.reshape(-1, logits.shape[-1])
    flat = targets.reshape(-1)
    keep = flat != ignore_index
    if not np.any(keep):
        return float("nan")
    log_p = log_softmax(flat_logits[keep])
    return float(-np.mean(log_p[np.arange(log_p.shape[0]), flat[keep]]))


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """``(K, K)`` counts, ``C[i, j]`` = examples of class ``i`` predicted as ``j``.

    Example:
        >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 0, 1]), 2).tolist()
        [[1, 0], [1, 1]]
    """
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (true, predicted), 1)
    return matrix


def classification_metrics(true: np.ndarray, predicted: np.ndarray,
                           classes: list) -> dict[str, Any]:
    """Accuracy, confusion matrix and per-class precision, recall, F1 and support.

    Per-class arrays follow the order of ``classes``.

    Example:
        >>> m = classification_metrics(np.array([0, 1, 1]), np.array([0, 0, 1]), ["a", "b"])
        >>> round(m["accuracy"], 3), m["recall"].tolist()
        (0.667, [1.0, 0.5])
    """
    matrix = confusion_matrix(true, predicted, len(classes))
    hits = np.diag(matrix).astype(np.float64)
    predicted_totals = matrix.sum(axis=0)
    support = matrix.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted_totals > 0, hits / predicted_totals, 0.0)
        recall = np.where(support > 0, hits / support, 0.0)
        both = precision + recall
        f1 = np.where(both > 0, 2 * precision * recall / both, 0.0)
    return {
        "accuracy": float(hits.sum() / max(matrix.sum(), 1)),
        "confusion_matrix": matrix,
        "classes": list(classes),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "support": support,
        "macro_f1": float(f1[support > 0].mean()) if np.any(support > 0) else 0.0,
    }


def regression_metrics(predicted: np.ndarray, target: np.ndarray) -> dict[str, float]:
    """MSE, RMSE, MAE and R² for ``(n, outputs)`` arrays (or anything of one shape).

    Example:
        >>> m = regression_metrics(np.array([[1.0], [2.0]]), np.array([[1.0], [3.0]]))
        >>> m["mse"], m["mae"], m["r2"]
        (0.5, 0.5, 0.5)
    """
    predicted = np.asarray(predicted, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    columns = target.reshape(-1, target.shape[-1]) if target.ndim > 1 else target[:, None]
    diff = predicted - target
    mse = float(np.mean(diff * diff))
    variance = float(np.mean(columns.var(axis=0)))
    if variance > 0:
        r2 = 1.0 - mse / variance
    else:  # constant targets: perfect if matched, otherwise no better than the mean
        r2 = 1.0 if mse == 0 else 0.0
    return {"mse": mse, "rmse": float(np.sqrt(mse)), "mae": float(np.mean(np.abs(diff))),
            "r2": float(r2)}


def format_classification(result: dict[str, Any]) -> str:
    """A small text report of :func:`classification_metrics` output.

    Example:
        >>> m = classification_metrics(np.array([0, 1]), np.array([0, 1]), ["a", "b"])
        >>> print(format_classification(m).splitlines()[0])
        class       precision  recall      f1  support
    """
    lines = [f"{'class':<10} {'precision':>10} {'recall':>7} {'f1':>7} {'support':>8}"]
    for k, label in enumerate(result["classes"]):
        lines.append(f"{label!s:<10} {result['precision'][k]:>10.3f} {result['recall'][k]:>7.3f}"
                     f" {result['f1'][k]:>7.3f} {int(result['support'][k]):>8d}")
    lines.append(f"accuracy {result['accuracy']:.4f}, macro F1 {result['macro_f1']:.4f}")
    return "\n".join(lines)
