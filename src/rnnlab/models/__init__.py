"""Model descriptions: :class:`Sequential` (a layer list with its weights) and :func:`build`."""

from rnnlab.models.build import build
from rnnlab.models.sequential import Sequential

__all__ = ["Sequential", "build"]
