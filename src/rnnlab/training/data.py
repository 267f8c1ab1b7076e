"""Check and prepare the training (and validation) data for one run.

This is where the model learns what it must remember about the data: the class labels (on the
first training) and the input normalisation statistics (from the training part only, never the
validation part). Nothing on the model changes unless every check passes.
"""

from __future__ import annotations

import hashlib
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnlab.datasets.transforms.split import split_indices
from rnnlab.inputs import Sequences, as_sequences, check_float_range
from rnnlab.targets import (
    class_targets,
    regression_targets,
    sequence_class_targets,
    sequence_regression_targets,
)


@dataclass
class TrainingData:
    """Normalised, padded training data (and validation data, if any) with encoded targets."""

    train: Sequences
    train_targets: np.ndarray
    val: Sequences | None
    val_targets: np.ndarray | None

    def fingerprint(self) -> str:
        """A hash of the training data, so a checkpoint resumes only on the same data."""
        digest = hashlib.blake2b(digest_size=16)
        for array in (self.train.values, self.train.lengths, self.train_targets):
            digest.update(str(array.shape).encode())
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()


def _targets(model: Any, y: Any, sequences: Sequences, classes: list | None,
             ) -> tuple[np.ndarray, list | None, int | None]:
    """Encoded targets, the class list and the target ``ndim`` the user gave."""
    units, n = model.output_units, len(sequences)
    if model.task == "classify":
        codes, classes = class_targets(y, n, units, classes)
        return codes, classes, None
    if model.task == "regress":
        values, ndim = regression_targets(y, n, units)
        return values, None, ndim
    if model.is_classifier:
        codes, classes = sequence_class_targets(y, sequences.lengths, units, classes)
        return codes, classes, None
    values, ndim = sequence_regression_targets(y, sequences.lengths, units)
    return values, None, ndim


def _take(sequences: Sequences, targets: np.ndarray, rows: np.ndarray,
          ) -> tuple[Sequences, np.ndarray]:
    return (Sequences(sequences.values[rows], sequences.lengths[rows], sequences.ragged),
            targets[rows])


def _holdout(model: Any, fraction: float, targets: np.ndarray, classes: list | None,
             seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation rows for ``validation_data=fraction``."""
    n = targets.shape[0]
    ratios = (1.0 - fraction, fraction, 0.0)
    if model.task == "classify":
        counts = np.bincount(targets, minlength=len(classes))
        lonely = [classes[k] for k in np.flatnonzero(counts == 1)]
        if lonely:
            raise ValueError(f"validation_data={fraction} holds out a stratified share of each "
                             f"class, but class {lonely[0]!r} has only 1 example; a stratified "
                             f"split needs at least 2 per class — add examples, drop the class, "
                             f"or pass validation_data=(X_val, y_val)")
        train, val, _ = split_indices(n, ratios, method="stratified", labels=targets, seed=seed)
    elif model.task == "sequence":
        train, val, _ = split_indices(n, ratios, method="random", seed=seed)
    else:
        train, val, _ = split_indices(n, ratios, method="block")
    if val.size == 0:
        raise ValueError(f"validation_data={fraction} of {n} sequences leaves no validation "
                         f"data; use a larger fraction or pass (X_val, y_val)")
    return train, val


def prepare_training_data(model: Any, X: Any, y: Any, options: Any) -> TrainingData:
    """Check ``X``, ``y`` and the validation data against ``model``; remember labels and
    normalisation in the model; return everything normalised and encoded."""
    sequences = as_sequences(X, tokens=model.tokens, features=model.features,
                             vocab_size=model.vocab_size, name="X")
    targets, classes, ndim = _targets(model, y, sequences, model.classes)
    val, val_targets = None, None
    validation = options.validation_data
    if isinstance(validation, numbers.Real) and not isinstance(validation, bool):
        train_rows, val_rows = _holdout(model, float(validation), targets, classes,
                                        options.seed)
        val, val_targets = _take(sequences, targets, val_rows)
        sequences, targets = _take(sequences, targets, train_rows)
    elif validation is not None:
        X_val, y_val = validation
        val = as_sequences(X_val, tokens=model.tokens, features=model.features,
                           vocab_size=model.vocab_size, name="validation X")
        val_targets, _, _ = _targets(model, y_val, val, classes)
    # The range check needs the normalised values, hence the statistics: they are undone if
    # it fails, so that the model learns nothing from refused data.
    previous = model.normalization, model._version
    model.fit_normalization(sequences)
    train, val = model.normalize(sequences), None if val is None else model.normalize(val)
    normalized = model.normalization is not None
    try:
        check_float_range(train, options.dtype, "X", normalized=normalized)
        if val is not None:
            check_float_range(val, options.dtype, "validation X", normalized=normalized)
    except ValueError:
        model.normalization, model._version = previous
        raise
    # Every check passed: now the model may learn about the data.
    model.classes = classes
    if ndim is not None:
        model.target_ndim = ndim
    return TrainingData(train, targets, val, val_targets)
