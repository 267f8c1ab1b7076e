"""What an engine must do for the training loop and for prediction — and nothing more.

The training loop (:mod:`rnnlab.training.loop`) owns epochs, batch order, validation, early
stopping, schedules, clipping, L2, checkpoints and progress; an engine only executes one
:class:`~rnnlab.Sequential` description on its hardware:

==========================  ================================================================
``dataset(values, …)``      move a whole (padded) dataset to the engine once
``batch(data, indices)``    the rows ``indices``, trimmed to their longest sequence
``forward_backward(b)``     loss of a batch and gradients of every parameter
``add_l2`` / ``clip`` /     regularise, clip by global norm, optimiser step
``step``
``evaluate(data)``          summed loss and correct predictions, no dropout, no gradients
``outputs`` / ``stream``    raw outputs (logits or values), optionally from a carried state
``state_dict`` …            parameters, optimiser state and RNG state as NumPy arrays
==========================  ================================================================

Both engines name parameters ``"{layer index}.{torch name}"`` (``"1.weight_ih_l0"``,
``"3.weight"``) — the model's own names — and both losses are means over the targets that count:

* classification: cross-entropy ``−(1/N) Σ log softmax(z)[y]`` over labelled sequences or steps;
* regression: mean squared error ``(1/N) Σ (ŷ − y)²`` over valid elements.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np

# Optimiser settings shared by both engines so that they follow one trajectory. Momentum 0.9 is
# MATLAB's "sgdm" default; RMSprop's decay 0.9 is MATLAB's and Keras' (torch's own is 0.99).
OPTIMIZERS: dict[str, dict[str, Any]] = {
    "adam": {"betas": (0.9, 0.999), "eps": 1e-8},
    "sgd": {"momentum": 0.0},
    "sgdm": {"momentum": 0.9},
    "rmsprop": {"alpha": 0.9, "eps": 1e-8},
}


@dataclass
class BatchResult:
    """One training step: mean ``loss`` over ``count`` targets, and ``correct`` predictions
    (classification; NaN for regression)."""

    loss: float
    count: int
    correct: float


def sample_counts(targets: np.ndarray | None, lengths: np.ndarray, classify: bool,
                  per_step: bool) -> np.ndarray:
    """Targets that count, per sample: 1 label, ``k`` values, or the labelled steps."""
    n = lengths.shape[0]
    if targets is None:
        return np.zeros(n, dtype=np.int64)
    if classify:
        if per_step:
            return (targets >= 0).sum(axis=1).astype(np.int64)
        return np.ones(n, dtype=np.int64)
    if per_step:
        return lengths * targets.shape[-1]
    return np.full(n, targets.shape[-1], dtype=np.int64)


class Engine(ABC):
    """Executes one model description; see the module docstring for the contract."""

    name = ""

    def __init__(self, model: Any, *, dtype: str, device: str) -> None:
        self.model = model
        self.dtype_name = dtype
        self.device = device
        self.classify = model.is_classifier
        self.per_step = model.output_mode == "sequence"

    # -- data
    @abstractmethod
    def dataset(self, values: np.ndarray, lengths: np.ndarray,
                targets: np.ndarray | None = None) -> Any: ...

    @abstractmethod
    def batch(self, data: Any, indices: np.ndarray) -> Any: ...

    # -- training
    @abstractmethod
    def set_optimizer(self, name: str, learning_rate: float) -> None: ...

    @abstractmethod
    def set_learning_rate(self, learning_rate: float) -> None: ...

    @abstractmethod
    def forward_backward(self, batch: Any) -> BatchResult: ...

    @abstractmethod
    def add_l2(self, l2: float) -> None:
        """Add ``l2 · W`` to the gradient of every weight matrix (biases are not decayed)."""

    @abstractmethod
    def clip(self, max_norm: float) -> float:
        """Scale all gradients so their joint L2 norm is at most ``max_norm``; return the norm."""

    @abstractmethod
    def step(self) -> None: ...

    @abstractmethod
    def evaluate(self, data: Any, batch_size: int) -> tuple[float, int, float]:
        """``(summed loss, counted targets, correct predictions)`` over a whole dataset."""

    # -- inference
    @abstractmethod
    def outputs(self, values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Raw outputs (logits or values) as float64, eval mode, for one padded batch."""

    @abstractmethod
    def stream(self, values: np.ndarray, state: Any) -> tuple[np.ndarray, Any]:
        """Outputs for a chunk of full-length steps starting from ``state`` (None: zeros), and
        the state after it."""

    # -- state
    @abstractmethod
    def state_dict(self) -> dict[str, np.ndarray]: ...

    @abstractmethod
    def load_state_dict(self, params: dict[str, np.ndarray]) -> None: ...

    @abstractmethod
    def optimizer_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Optimiser state as (arrays, JSON-ready extras), storable in a checkpoint."""

    @abstractmethod
    def load_optimizer_state(self, arrays: dict[str, np.ndarray], extra: dict[str, Any]) -> None:
        ...

    @abstractmethod
    def rng_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]: ...

    @abstractmethod
    def set_rng_state(self, arrays: dict[str, np.ndarray], extra: dict[str, Any]) -> None: ...

    @abstractmethod
    def seed(self, seed: int) -> None:
        """Seed the engine's own randomness (dropout masks)."""
