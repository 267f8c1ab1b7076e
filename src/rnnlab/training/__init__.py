"""Training: :func:`train` (the one loop), :class:`TrainingOptions`, :class:`History`,
callbacks, schedules, checkpoints and the progress view."""

from rnnlab.training.callbacks import Callback, TrainingState
from rnnlab.training.errors import TrainingDivergedError
from rnnlab.training.history import History
from rnnlab.training.loop import train
from rnnlab.training.options import TrainingOptions

__all__ = ["Callback", "History", "TrainingDivergedError", "TrainingOptions", "TrainingState",
           "train"]
