"""Errors raised by the training loop."""

from __future__ import annotations

from typing import Any


class TrainingDivergedError(RuntimeError):
    """Training diverged and was stopped; the model keeps its best weights so far.

    Raised when a batch's loss becomes NaN or infinite, or when an epoch's mean training loss
    runs away (see :data:`rnnlab.training.loop.DIVERGENCE_FACTOR`). ``history`` holds
    everything recorded up to the failure; ``epoch`` (1-based) and ``iteration`` say where it
    happened, ``loss`` is the loss that stopped it and ``reason`` says why in a few words.

    Example:
        >>> error = TrainingDivergedError("the loss became NaN", history=None)
        >>> isinstance(error, RuntimeError), error.reason
        (True, 'the loss became NaN')
    """

    def __init__(self, message: str, history: Any, *, epoch: int | None = None,
                 iteration: int | None = None, loss: float | None = None,
                 reason: str | None = None) -> None:
        super().__init__(message)
        self.history = history
        self.epoch, self.iteration, self.loss = epoch, iteration, loss
        self.reason = message if reason is None else reason
