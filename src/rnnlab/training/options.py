"""``TrainingOptions``: every setting of a training run, checked when it is made.

The names follow MATLAB's ``trainingOptions`` and Keras' ``fit``; defaults are MATLAB's where
they exist (Adam at 0.001, SGD with momentum 0.9 at 0.01, 30 epochs), except the batch size
(32, Keras' default, better suited to the small data sets recurrent networks often meet).
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass, fields
from typing import Any

from rnnlab.engines import check_engine
from rnnlab.training.schedules import SCHEDULES, Schedule
from rnnlab.training.tensorboard import check_tensorboard_installed

OPTIMIZER_NAMES = ("adam", "sgd", "sgdm", "rmsprop")
DEFAULT_LEARNING_RATE = {"adam": 1e-3, "rmsprop": 1e-3, "sgd": 1e-2, "sgdm": 1e-2}
PLOTS = (None, "training-progress")


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


@dataclass(frozen=True)
class TrainingOptions:
    """Settings for :func:`rnnlab.train`.

    Args:
        optimizer: ``"adam"``, ``"sgd"``, ``"sgdm"`` (momentum 0.9) or ``"rmsprop"``
            (decay 0.9); the update rules are ``torch.optim``'s in both engines.
        learning_rate: initial step size ``η`` (> 0); default 0.001 for Adam and RMSprop, 0.01
            for SGD.
        schedule: ``None`` (constant), ``"piecewise"`` (×0.1 every 10 epochs), ``"plateau"``
            (×0.1 after 10 epochs without improvement), ``"cosine"`` (to 0 at ``max_epochs``),
            or a :mod:`rnnlab.schedules` object with other settings.
        max_epochs: passes over the training data.
        batch_size: sequences per gradient step.
        shuffle: reshuffle the batch order every epoch (from ``seed``).
        gradient_clip: scale gradients so their global L2 norm is at most this (``None``: off).
        l2: L2 regularisation ``λ``: adds ``λ·W`` to the gradient of every weight matrix
            (biases are not decayed, as in MATLAB).
        validation_data: ``(X_val, y_val)``, or a fraction in (0, 1) of the training data held
            out — stratified by class for classifiers, the last part otherwise (as Keras'
            ``validation_split``: honest for data in time order).
        validation_frequency: validate every this many epochs (and after the last).
        patience: stop after this many validations without a lower validation loss (training
            loss when there is no validation data); ``None``: never stop early.
        restore_best: end with the weights of the epoch with the lowest validation loss
            (training loss without validation data) instead of the last.
        checkpoint_dir: write a checkpoint there after every epoch, for ``resume=True``.
        seed: batch order and dropout masks (the model's own seed fixes its initial weights).
        engine: ``"torch"`` or ``"reference"`` (NumPy, for studying; slow).
        dtype: ``"float32"`` or ``"float64"``.
        device: ``"auto"`` (a GPU when torch sees one), ``"cpu"`` or ``"cuda"``.
        verbose: live progress bar and one line per epoch.
        plots: ``"training-progress"`` writes ``training-progress.png`` (loss and metric against
            iteration) into ``checkpoint_dir``, or the current folder without one.
        log_dir: write TensorBoard event files there (losses, metrics, learning rate, gradient
            norm; see :class:`rnnlab.callbacks.TensorBoard`); needs the ``tensorboard``
            package (``pip install 'rnnlab[tensorboard]'``).

    Example:
        >>> TrainingOptions(max_epochs=5, batch_size=16).learning_rate
        0.001
        >>> TrainingOptions(batch_size=0)
        Traceback (most recent call last):
        ...
        ValueError: batch_size must be a positive integer, got 0
    """

    optimizer: str = "adam"
    learning_rate: float | None = None
    schedule: str | Schedule | None = None
    max_epochs: int = 30
    batch_size: int = 32
    shuffle: bool = True
    gradient_clip: float | None = None
    l2: float = 0.0
    validation_data: Any = None
    validation_frequency: int = 1
    patience: int | None = None
    restore_best: bool = True
    checkpoint_dir: str | os.PathLike | None = None
    seed: int = 0
    engine: str = "torch"
    dtype: str = "float32"
    device: str = "auto"
    verbose: bool = True
    plots: str | None = None
    log_dir: str | os.PathLike | None = None

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZER_NAMES:
            raise ValueError(f"optimizer must be one of {', '.join(map(repr, OPTIMIZER_NAMES))}, "
                             f"got {self.optimizer!r}")
        rate = self.learning_rate
        if rate is None:
            object.__setattr__(self, "learning_rate", DEFAULT_LEARNING_RATE[self.optimizer])
        elif not _is_number(rate) or not rate > 0 or rate == float("inf"):
            raise ValueError(f"learning_rate must be a positive number, got {rate!r}")
        else:
            object.__setattr__(self, "learning_rate", float(rate))
        if not (self.schedule is None or isinstance(self.schedule, Schedule)
                or (isinstance(self.schedule, str) and self.schedule in SCHEDULES)):
            raise ValueError(f"schedule must be None, 'piecewise', 'plateau', 'cosine' or a "
                             f"rnnlab.schedules object, got {self.schedule!r}")
        for name in ("max_epochs", "batch_size", "validation_frequency"):
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.patience is not None and (not _is_int(self.patience) or self.patience < 1):
            raise ValueError(f"patience must be None or a positive integer, got "
                             f"{self.patience!r}")
        clip = self.gradient_clip
        if clip is not None and (not _is_number(clip) or not 0 < clip < float("inf")):
            raise ValueError(f"gradient_clip must be None or a positive number (a maximum "
                             f"gradient norm), got {clip!r}")
        if not _is_number(self.l2) or not 0 <= self.l2 < float("inf"):
            raise ValueError(f"l2 must be a non-negative number, got {self.l2!r}")
        for name in ("shuffle", "restore_best", "verbose"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if not _is_int(self.seed) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {self.seed!r}")
        check_engine(self.engine, self.dtype, self.device)
        if self.plots not in PLOTS:
            raise ValueError(f"plots must be None or 'training-progress', got {self.plots!r}")
        if self.log_dir is not None:
            if not isinstance(self.log_dir, str | os.PathLike):
                raise ValueError(f"log_dir must be None or a folder path, got "
                                 f"{type(self.log_dir).__name__}")
            check_tensorboard_installed()
        self._check_validation_data()

    def _check_validation_data(self) -> None:
        data = self.validation_data
        if data is None:
            return
        if _is_number(data):
            if not 0 < data < 1:
                raise ValueError(f"validation_data as a fraction must lie between 0 and 1, got "
                                 f"{data!r}")
            return
        if not (isinstance(data, tuple | list) and len(data) == 2):
            raise ValueError("validation_data must be (X_val, y_val) or a fraction of the "
                             f"training data, got {type(data).__name__}")

    def fingerprint(self) -> dict[str, Any]:
        """The settings that decide a run's trajectory, JSON-ready: a checkpoint only resumes
        under the same ones (``max_epochs``, ``patience``, output settings may change)."""
        schedule = self.schedule
        if isinstance(schedule, Schedule):
            schedule = schedule.config()
        validation = self.validation_data if _is_number(self.validation_data) else (
            None if self.validation_data is None else "given")
        keys = ("optimizer", "learning_rate", "batch_size", "shuffle", "gradient_clip", "l2",
                "validation_frequency", "seed", "engine", "dtype")
        return {**{k: getattr(self, k) for k in keys}, "schedule": schedule,
                "validation_data": validation}

    def to_dict(self) -> dict[str, Any]:
        """All settings, JSON-ready (validation data summarised)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "validation_data" and value is not None and not _is_number(value):
                value = "(X_val, y_val)"
            elif isinstance(value, Schedule):
                value = value.config()
            elif isinstance(value, os.PathLike):
                value = os.fspath(value)
            out[f.name] = value
        return out
