"""The :class:`Dataset` every loader returns.

Layout (batch first everywhere, as in the rest of rnnlab):

=========  ==========================================  ========================================
task       ``X``                                       ``y``
=========  ==========================================  ========================================
classify   ``(n, time, features)`` float32, or a list  ``(n,)`` int64 class index into
           of ``(time, features)`` arrays when the     ``classes``
           lengths differ
regress    as above                                    ``(n, outputs)`` float32; a forecast of
                                                       ``horizon`` steps of ``k`` targets has
                                                       ``outputs = horizon * k``, ordered step
                                                       by step: ``[t+1: k values, t+2: …]``
sequence   as above                                    ``(n, time)`` int64, one target symbol
                                                       per input step (a list of ``(time,)``
                                                       arrays when lengths differ); ``-1``
                                                       marks a step with no target
=========  ==========================================  ========================================

Text datasets hold token ids instead of feature vectors: ``X`` is ``(n, time)`` int64 (or a list
of ``(time,)`` arrays), ready for an embedding layer, and ``tokenizer`` turns ids back into text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError

TASKS = ("classify", "regress", "sequence")
SPLITS = ("train", "val", "test")


def _count(X: Any) -> int:
    return int(X.shape[0]) if isinstance(X, np.ndarray) else len(X)


def _lengths(X: Any) -> np.ndarray:
    if isinstance(X, np.ndarray):
        return np.full(X.shape[0], X.shape[1] if X.ndim > 1 else 1, dtype=np.int64)
    return np.array([len(x) for x in X], dtype=np.int64)


def shape_of(X: Any) -> str:
    """A short human description of ``X``: its shape, or its count and length range.

    Example:
        >>> shape_of(np.zeros((4, 10, 2), np.float32))
        '(4, 10, 2)'
    """
    if isinstance(X, np.ndarray):
        return str(tuple(X.shape))
    if len(X) == 0:
        return "0 sequences"
    lengths = _lengths(X)
    tail = "" if X[0].ndim == 1 else f" × {X[0].shape[1]}"
    return f"{len(X)} × ({lengths.min()}–{lengths.max()}){tail}"


@dataclass(eq=False)
class Dataset:
    """Train, validation and test data for one task, with what a model needs to use it.

    Attributes:
        name: registry name (``"adding"``) or the file it came from.
        task: ``"classify"``, ``"regress"`` or ``"sequence"`` (see the module docstring).
        train, val, test: ``(X, y)`` pairs.
        baseline: score of a model that learns nothing, per metric, on the test split:
            ``{"mse": …}`` (regress), ``{"accuracy": …, "cross_entropy": …}`` (classify),
            ``{"cross_entropy": …}`` in nats per step (sequence). Synthetic tasks state it in
            closed form (``info["baseline_formula"]``); others compute it from the data.
        info: source, licence, description and shapes (``info["shapes"]`` is filled in).
        params: every parameter the dataset was built with, defaults included, so that
            ``load(ds.name, **ds.params)`` rebuilds it.
        classes: class names for ``classify``; target symbols for ``sequence``.
        length: the task's length parameter ``T`` when it has one.
        tokenizer: for text, turns ids back into text (``tokenizer.decode(ids)``).
        scaler, target_scaler: fitted on the training inputs / targets only; both serialise
            with ``to_dict()`` so a model file can store them.

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("adding", length=20, n_train=8, n_val=2, n_test=2)
        >>> X, y = ds.train
        >>> X.shape, y.shape, ds.task
        ((8, 20, 2), (8, 1), 'regress')
    """

    name: str
    task: str
    train: tuple[Any, Any]
    val: tuple[Any, Any]
    test: tuple[Any, Any]
    baseline: dict[str, float]
    info: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    classes: list[str] | None = None
    length: int | None = None
    tokenizer: Any = None
    scaler: Any = None
    target_scaler: Any = None

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise DataError(f"{self.name}: task must be one of {', '.join(TASKS)}, "
                            f"got {self.task!r}")
        for split in SPLITS:
            X, y = getattr(self, split)
            if _count(X) != _count(y):
                raise DataError(f"{self.name}: {split} has {_count(X)} inputs but {_count(y)} "
                                f"targets")
        self.info.setdefault("shapes", {
            split: {"X": shape_of(getattr(self, split)[0]),
                    "y": shape_of(getattr(self, split)[1])} for split in SPLITS})

    # ----------------------------------------------------------------- what a model needs
    @property
    def num_classes(self) -> int | None:
        """Number of classes (``classify``) or target symbols (``sequence``), else ``None``."""
        return None if self.classes is None else len(self.classes)

    @property
    def is_text(self) -> bool:
        """True when ``X`` holds token ids for an embedding layer rather than features."""
        return self.tokenizer is not None

    @property
    def vocab(self) -> list[str] | None:
        """The tokeniser's vocabulary (index = token id), or ``None`` for numeric data."""
        return None if self.tokenizer is None else list(self.tokenizer.vocab)

    @property
    def vocab_size(self) -> int | None:
        """Number of token ids, or ``None`` for numeric data."""
        return None if self.tokenizer is None else len(self.tokenizer.vocab)

    @property
    def input_size(self) -> int | None:
        """Features per time step (``None`` for token ids: use ``vocab_size``)."""
        if self.is_text:
            return None
        for split in SPLITS:
            X = getattr(self, split)[0]
            if _count(X):
                return int(X.shape[-1] if isinstance(X, np.ndarray) else X[0].shape[-1])
        return None

    @property
    def input_shape(self) -> tuple[int | None, ...]:
        """Keras-style shape of one input sequence: ``(time, features)``, or ``(time,)`` for
        token ids; ``time`` is ``None`` when lengths vary.

        Example:
            >>> from rnnlab.datasets import load
            >>> load("adding", length=30, n_train=2).input_shape
            (30, 2)
        """
        X = self.train[0]
        if isinstance(X, np.ndarray):
            return tuple(int(d) for d in X.shape[1:])
        return (None, *X[0].shape[1:]) if len(X) else (None,)

    @property
    def output_size(self) -> int | None:
        """Units the model's head needs: classes, target symbols, or regression outputs."""
        if self.task != "regress":
            return self.num_classes
        y = self.train[1]
        return int(y.shape[1]) if _count(y) else None

    @property
    def splits(self) -> dict[str, tuple[Any, Any]]:
        """``{"train": (X, y), "val": (X, y), "test": (X, y)}``."""
        return {split: getattr(self, split) for split in SPLITS}

    def sizes(self) -> dict[str, int]:
        """Number of sequences in each split.

        Example:
            >>> from rnnlab.datasets import load
            >>> load("recall", n_train=6, n_val=2, n_test=3).sizes()
            {'train': 6, 'val': 2, 'test': 3}
        """
        return {split: _count(getattr(self, split)[0]) for split in SPLITS}

    def lengths(self, split: str = "train") -> np.ndarray:
        """Length of every sequence in ``split``, shape ``(n,)`` int64.

        Example:
            >>> from rnnlab.datasets import load
            >>> load("adding", length=7, n_train=3).lengths("train")
            array([7, 7, 7])
        """
        if split not in SPLITS:
            raise DataError(f"{self.name}: split must be one of {', '.join(SPLITS)}, "
                            f"got {split!r}")
        return _lengths(getattr(self, split)[0])

    def unscale(self, y: Any) -> np.ndarray:
        """Map regression targets or predictions back to the data's original units.

        ``y`` is ``(n, horizon * k)`` as in ``train[1]``; without a target scaler it is
        returned unchanged (as float64).

        Example:
            >>> from rnnlab.datasets import load
            >>> ds = load("airline")
            >>> round(float(ds.unscale(ds.train[1])[0, 0]), 3)  # thousands, January 1950
            115.0
        """
        y = np.asarray(y, dtype=np.float64)
        if self.target_scaler is None:
            return y
        k = self.target_scaler.num_features
        flat = y.reshape(y.shape[0], -1, k)
        return self.target_scaler.inverse_transform(flat).reshape(y.shape)

    # ------------------------------------------------------------------------ display
    def _baseline_text(self) -> str:
        return ", ".join(f"{key}={value:.4g}" for key, value in self.baseline.items())

    def __repr__(self) -> str:
        X, y = self.train
        sizes = self.sizes()
        return (f"Dataset({self.name!r}, task={self.task!r}, train X {shape_of(X)} "
                f"y {shape_of(y)}, val {sizes['val']}, test {sizes['test']}, "
                f"baseline {self._baseline_text()})")

    def summary(self) -> str:
        """A few lines for a terminal: task, splits, shapes, baseline and source.

        Example:
            >>> from rnnlab.datasets import load
            >>> print(load("adding", length=10, n_train=4, n_val=2, n_test=2).summary())
            ... # doctest: +ELLIPSIS
            Dataset 'adding' (regress)...
        """
        lines = [f"Dataset {self.name!r} ({self.task})"]
        if self.info.get("description"):
            lines.append(f"  {self.info['description']}")
        for split in SPLITS:
            X, y = getattr(self, split)
            lines.append(f"  {split:<5}  X {shape_of(X):<24} y {shape_of(y)}")
        if self.classes is not None and not (self.is_text and self.task == "sequence"):
            shown = ", ".join(self.classes[:10]) + (", …" if len(self.classes) > 10 else "")
            lines.append(f"  classes ({len(self.classes)}): {shown}")
        if self.tokenizer is not None:
            lines.append(f"  vocabulary: {self.vocab_size} tokens")
        lines.append(f"  baseline (learns nothing): {self._baseline_text()}")
        if self.info.get("source"):
            lines.append(f"  source: {self.info['source']}")
        if self.info.get("licence"):
            lines.append(f"  licence: {self.info['licence']}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()
