"""The reference engine: every cell of :mod:`rnnlab.cells` (RNN, LSTM, GRU and their options,
IndRNN, minLSTM, minGRU) in NumPy with hand-written backpropagation through time, plus the pieces
needed to train them (dense layer, losses, optimisers, clipping) and a finite-difference gradient
checker. Nothing here imports torch.

Each cell module starts with the textbook step — forward and backward for one time step, in the
order of the equations — and then the scan the engine runs, tested against a loop over that step
(:mod:`rnnlab.reference.stepping`). Every registered cell's class is a name here
(``rnnlab.reference.MinGRU``), found through its registration.
"""

from typing import Any

from rnnlab import cells as _cells
from rnnlab.reference.dense import Dense
from rnnlab.reference.dropout import Dropout
from rnnlab.reference.embedding import Embedding
from rnnlab.reference.gradcheck import gradient_check, numerical_gradient, relative_error
from rnnlab.reference.losses import mean_squared_error, softmax, softmax_cross_entropy
from rnnlab.reference.optimizers import SGD, Adam, Optimizer, RMSprop, clip_grad_norm

_CELL_CLASSES = {_cells.cell(name).layer: name for name in _cells.names(variants=False)}

__all__ = [
    "SGD", "Adam", "Dense", "Dropout", "Embedding", "Optimizer", "RMSprop",
    "clip_grad_norm", "gradient_check", "mean_squared_error", "numerical_gradient",
    "relative_error", "softmax", "softmax_cross_entropy", *_CELL_CLASSES,
]


def __getattr__(name: str) -> Any:
    """Cell classes (``RNN``, ``LSTM``, ``MinGRU`` …) load from their registration."""
    if name in _CELL_CLASSES:
        value = _cells.cell(_CELL_CLASSES[name]).reference_class()
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rnnlab.reference' has no attribute {name!r}")
