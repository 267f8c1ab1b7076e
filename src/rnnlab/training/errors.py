"""Errors raised by the training loop."""

from __future__ import annotations

from typing import Any


class TrainingDivergedError(RuntimeError):
    """The loss became NaN or infinite; the model keeps its best weights so far.

    ``history`` holds everything recorded up to the failure.

    Example:
        >>> error = TrainingDivergedError("the loss became NaN", history=None)
        >>> isinstance(error, RuntimeError)
        True
    """

    def __init__(self, message: str, history: Any) -> None:
        super().__init__(message)
        self.history = history
