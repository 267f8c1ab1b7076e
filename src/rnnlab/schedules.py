"""Learning-rate schedules for :class:`rnnlab.TrainingOptions` (``schedule=``), importable as
``rnnlab.schedules`` or ``from rnnlab.schedules import Plateau``.

The classes live in :mod:`rnnlab.training.schedules`; this module is their public address.

Example:
    >>> import rnnlab.schedules
    >>> rnnlab.schedules.Piecewise(drop_factor=0.5, period=2).rate(4, 0.1, 10)
    0.025
"""

from rnnlab.training.schedules import Cosine, Piecewise, Plateau, Schedule

__all__ = ["Cosine", "Piecewise", "Plateau", "Schedule"]
