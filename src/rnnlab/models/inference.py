"""Using a model: ``predict`` (values or class probabilities), ``classify`` (labels) and
``evaluate`` (loss and scores), run on the model's engine (see :meth:`Sequential.to`).

Outputs keep the layout of the input: an array in, an array out; a list of sequences of different
lengths in, and per-step outputs come back as a list with one array per sequence.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from rnnlab import metrics
from rnnlab.inputs import Sequences, check_float_range
from rnnlab.targets import (
    IGNORE,
    class_targets,
    regression_targets,
    sequence_class_targets,
    sequence_regression_targets,
)

PREDICT_BATCH = 256


def check_batch_size(batch_size: Any) -> int:
    """``batch_size`` when it is a positive integer; otherwise one ValueError sentence.

    Example:
        >>> check_batch_size(-5)
        Traceback (most recent call last):
        ...
        ValueError: batch_size must be a positive integer (sequences per forward pass), got -5
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) \
            or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer (sequences per forward pass), "
                         f"got {batch_size!r}")
    return int(batch_size)


class InferenceMixin:
    """``predict`` / ``classify`` / ``evaluate`` for :class:`rnnlab.Sequential`."""

    def raw_outputs(self, sequences: Sequences, batch_size: int = PREDICT_BATCH) -> np.ndarray:
        """Logits or values for prepared sequences: ``(n, K)`` or ``(n, T, K)`` float64."""
        batch_size = check_batch_size(batch_size)
        check_float_range(sequences, self.dtype, normalized=self.normalization is not None)
        runner = self.runner()
        lengths = sequences.lengths
        n, steps = lengths.shape[0], sequences.values.shape[1]
        per_step = self.output_mode == "sequence"
        out = np.zeros((n, steps, self.output_units) if per_step else (n, self.output_units))
        # Similar lengths together waste less on padding.
        order = np.argsort(lengths, kind="stable") if sequences.ragged else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            longest = int(lengths[rows].max())
            chunk = runner.outputs(sequences.values[rows, :longest], lengths[rows])
            if per_step:
                out[rows, :longest] = chunk
            else:
                out[rows] = chunk
        return out

    def _shaped(self, values: np.ndarray, sequences: Sequences) -> Any:
        """Regression outputs squeezed back to the target shape given in training; per-step
        outputs of ragged input as a list."""
        if not self.is_classifier and self.target_ndim is not None:
            if values.ndim > self.target_ndim and values.shape[-1] == 1:
                values = values[..., 0]
        if self.output_mode == "sequence" and sequences.ragged:
            return [values[i, :length] for i, length in enumerate(sequences.lengths)]
        return values

    def predict(self, X: Any, *, batch_size: int = PREDICT_BATCH) -> Any:
        """Class probabilities (classifiers) or predicted values (regressors).

        Shapes: ``(n, classes)`` / ``(n, outputs)`` for one output per sequence; ``(n, time, …)``
        (or a list for ragged input) for one output per step. A regressor trained on ``(n,)``
        targets returns ``(n,)``.

        Example:
            >>> import rnnlab
            >>> model = rnnlab.build("gru", input_size=2, hidden_size=4, output_size=3,
            ...                      task="classify")
            >>> model.predict(np.zeros((5, 7, 2))).shape
            (5, 3)
        """
        check_batch_size(batch_size)
        sequences = self.prepare(X)
        out = self.raw_outputs(sequences, batch_size)
        if self.is_classifier:
            out = metrics.softmax(out)
        return self._shaped(out, sequences)

    def _labels(self) -> np.ndarray:
        classes = self.classes if self.classes is not None else list(range(self.output_units))
        return np.asarray(classes)

    def classify(self, X: Any, *, batch_size: int = PREDICT_BATCH) -> Any:
        """The most probable class of each sequence (or step), as the labels used in training.

        Example:
            >>> import rnnlab
            >>> model = rnnlab.build("lstm", input_size=2, hidden_size=4, output_size=3,
            ...                      task="classify")
            >>> model.classify(np.zeros((2, 7, 2))).shape
            (2,)
        """
        if not self.is_classifier:
            raise ValueError("classify() needs a classifier (a model ending with Softmax); use "
                             "predict() for a regression model")
        check_batch_size(batch_size)
        sequences = self.prepare(X)
        codes = self.raw_outputs(sequences, batch_size).argmax(axis=-1)
        labels = self._labels()[codes]
        if self.output_mode == "sequence" and sequences.ragged:
            return [labels[i, :length] for i, length in enumerate(sequences.lengths)]
        return labels

    def evaluate(self, X: Any, y: Any, *, batch_size: int = PREDICT_BATCH) -> dict[str, Any]:
        """Loss and scores on labelled data.

        * ``classify``: ``loss`` (cross-entropy), ``accuracy``, ``confusion_matrix`` (rows true,
          columns predicted, in the order of ``classes``), per-class ``precision``, ``recall``,
          ``f1``, ``support`` and ``macro_f1``;
        * ``regress``: ``loss`` (= ``mse``), ``mse``, ``rmse``, ``mae``, ``r2``;
        * ``sequence``: for labels ``loss``, ``perplexity`` (``e^loss``) and ``accuracy`` over
          labelled steps; for values the regression scores over valid steps.

        Example:
            >>> import rnnlab
            >>> model = rnnlab.build("rnn", input_size=1, hidden_size=4, output_size=1,
            ...                      task="regress")
            >>> sorted(model.evaluate(np.zeros((4, 3, 1)), np.zeros(4)))
            ['loss', 'mae', 'mse', 'r2', 'rmse']
        """
        check_batch_size(batch_size)
        sequences = self.prepare(X)
        out = self.raw_outputs(sequences, batch_size)
        n, units = len(sequences), self.output_units
        if self.task == "classify":
            codes, classes = class_targets(y, n, units, self.classes)
            result = {"loss": metrics.cross_entropy(out, codes)}
            result.update(metrics.classification_metrics(codes, out.argmax(axis=-1), classes))
            return result
        if self.task == "regress":
            targets, _ = regression_targets(y, n, units)
            scores = metrics.regression_metrics(out, targets)
            return {"loss": scores["mse"], **scores}
        if self.is_classifier:
            codes, _ = sequence_class_targets(y, sequences.lengths, units, self.classes)
            keep = codes != IGNORE
            loss = metrics.cross_entropy(out[:, : codes.shape[1]], codes)
            hits = out[:, : codes.shape[1]].argmax(axis=-1)[keep] == codes[keep]
            return {"loss": loss, "perplexity": float(np.exp(loss)),
                    "accuracy": float(np.mean(hits)) if hits.size else float("nan")}
        targets, _ = sequence_regression_targets(y, sequences.lengths, units)
        valid = np.arange(targets.shape[1])[None, :] < sequences.lengths[:, None]
        scores = metrics.regression_metrics(out[:, : targets.shape[1]][valid], targets[valid])
        return {"loss": scores["mse"], **scores}
