"""The mutable state of one training run: counters, data-order generator, best weights.

Kept apart from the loop so that a checkpoint can save and restore it as one piece.

The *monitored* loss decides early stopping, ``restore_best`` and the plateau schedule: the
validation loss when there is validation data, else the training loss of the epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnlab.training.history import History


@dataclass
class RunState:
    """Example:
        >>> run = RunState(rng=np.random.default_rng(0), history=History())
        >>> run.observe(0.5, epoch=1, weights={"w": np.zeros(1)})
        True
        >>> run.observe(0.7, epoch=2, weights={"w": np.ones(1)}), run.wait, run.best_epoch
        (False, 1, 1)
    """

    rng: np.random.Generator
    history: History
    epoch: int = 0                 # epochs completed
    iteration: int = 0             # optimiser steps taken
    best_value: float = math.inf
    best_epoch: int | None = None
    best_weights: dict[str, np.ndarray] | None = field(default=None, repr=False)
    wait: int = 0                  # monitored values since the last improvement
    stop_reason: str = ""
    initial_loss: float | None = None   # the loss when training began (divergence rule)

    def observe(self, value: float, epoch: int, weights: Any) -> bool:
        """Record a monitored loss; keep ``weights`` (a dict, or a function returning one) when
        it is the lowest so far. Returns whether it improved."""
        if value < self.best_value:
            self.best_value, self.best_epoch, self.wait = value, epoch, 0
            self.best_weights = weights() if callable(weights) else weights
            return True
        self.wait += 1
        return False

    def to_dict(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "iteration": self.iteration, "best_value": self.best_value,
                "best_epoch": self.best_epoch, "wait": self.wait,
                "stop_reason": self.stop_reason, "rng": self.rng.bit_generator.state,
                "history": self.history.to_dict(), "initial_loss": self.initial_loss}

    def load_dict(self, state: dict[str, Any], best_weights: dict | None) -> None:
        self.epoch, self.iteration = state["epoch"], state["iteration"]
        self.best_value, self.best_epoch = state["best_value"], state["best_epoch"]
        self.wait, self.stop_reason = state["wait"], state["stop_reason"]
        self.rng.bit_generator.state = state["rng"]
        self.history = History.from_dict(state["history"])
        self.best_weights = best_weights
        # Checkpoints written before the divergence rule lack it: measured again on resume.
        self.initial_loss = state.get("initial_loss")
