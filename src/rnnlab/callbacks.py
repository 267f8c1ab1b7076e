"""Callbacks for :func:`rnnlab.train`, importable as ``rnnlab.callbacks`` (Keras's
``keras.callbacks``): the :class:`Callback` base class, the :class:`TrainingState` every hook
receives, and :class:`TensorBoard`, which writes TensorBoard event files.

The classes live in :mod:`rnnlab.training`; this module is their public address.

Example:
    >>> from rnnlab.callbacks import Callback
    >>> class CountBatches(Callback):
    ...     def __init__(self):
    ...         self.batches = 0
    ...     def on_batch_end(self, state):
    ...         self.batches += 1
"""

from rnnlab.training.callbacks import Callback, EpochFunction, TrainingState
from rnnlab.training.tensorboard import TensorBoard

__all__ = ["Callback", "EpochFunction", "TensorBoard", "TrainingState"]
