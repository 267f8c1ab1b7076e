"""Callbacks: code of yours that runs inside the training loop, Keras style.

Subclass :class:`Callback` and override what you need, or pass a plain function, which is called
at the end of every epoch. Every hook receives the :class:`TrainingState`; set
``state.stop_training = True`` to stop: from ``on_epoch_end`` (or a plain function) after that
epoch, from ``on_batch_end`` right after that batch (the partial epoch is recorded).

Example — record a curve and stop at a target::

    curve = []

    def record(state):
        curve.append(state.logs["val_loss"])
        if state.logs["val_accuracy"] > 0.99:
            state.stop_training = True

    rnnlab.train(model, X, y, options, callbacks=[record])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TrainingState:
    """What a callback can see: ``model`` (its ``params`` are updated when training ends; call
    :meth:`weights` for the current ones), ``history``, ``options``, ``epoch`` (completed),
    ``iteration``, ``learning_rate`` and ``logs`` (the latest epoch's numbers, or the latest
    batch's ``loss`` and metric in ``on_batch_end``)."""

    model: Any
    history: Any
    options: Any
    engine: Any = None
    epoch: int = 0
    iteration: int = 0
    learning_rate: float = 0.0
    logs: dict[str, float] = field(default_factory=dict)
    stop_training: bool = False

    def weights(self) -> dict[str, Any]:
        """Copies of the weights as they are now, by name."""
        return self.engine.state_dict()


class Callback:
    """Base class with empty hooks.

    Example:
        >>> class Count(Callback):
        ...     def __init__(self):
        ...         self.batches = 0
        ...     def on_batch_end(self, state):
        ...         self.batches += 1
    """

    def on_train_begin(self, state: TrainingState) -> None: ...

    def on_batch_end(self, state: TrainingState) -> None: ...

    def on_epoch_end(self, state: TrainingState) -> None: ...

    def on_train_end(self, state: TrainingState) -> None: ...


class EpochFunction(Callback):
    """Wraps a plain function ``fn(state)`` called after every epoch."""

    def __init__(self, function: Callable[[TrainingState], Any]) -> None:
        self.function = function

    def on_epoch_end(self, state: TrainingState) -> None:
        self.function(state)


def as_callbacks(callbacks: Iterable[Any] | Callback | Callable | None) -> list[Callback]:
    """Normalise ``callbacks`` to a list of :class:`Callback` objects.

    Example:
        >>> [type(c).__name__ for c in as_callbacks(print)]
        ['EpochFunction']
    """
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback) or callable(callbacks):
        callbacks = [callbacks]
    out = []
    for item in callbacks:
        if isinstance(item, Callback):
            out.append(item)
        elif callable(item):
            out.append(EpochFunction(item))
        else:
            raise ValueError(f"callbacks must be rnnlab.Callback objects or functions, got "
                             f"{type(item).__name__}")
    return out
