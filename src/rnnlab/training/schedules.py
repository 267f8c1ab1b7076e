r"""Learning-rate schedules: the rate for each epoch, set before the epoch starts.

With base rate ``η₀``, epoch ``e`` (counting from 0) and ``E = max_epochs``:

* :class:`Piecewise` — MATLAB's ``"piecewise"``: ``η_e = η₀ · factor^⌊e / period⌋``;
* :class:`Plateau` — Keras' ``ReduceLROnPlateau``: multiply by ``factor`` after ``patience``
  epochs in which the monitored loss (validation loss, else training loss) did not fall by more
  than ``threshold`` (relative);
* :class:`Cosine` — ``η_e = η_min + ½ (η₀ − η_min)(1 + cos(π e / E))``.

Schedules with memory (:class:`Plateau`) store it in ``state_dict()``, so a resumed run picks
up where it stopped.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


class Schedule:
    """Base class: ``rate(epoch, base, max_epochs)`` and, after each epoch,
    ``observe(monitored_loss)``."""

    name = ""

    def rate(self, epoch: int, base: float, max_epochs: int) -> float:
        raise NotImplementedError

    def observe(self, loss: float) -> None:
        """Told the monitored loss after every epoch (only :class:`Plateau` listens)."""

    def config(self) -> dict[str, Any]:
        return {"type": self.name, **{k: v for k, v in asdict(self).items()
                                      if not k.startswith("_")}}

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned."""


def _check(owner: str, name: str, value: float, low: float, high: float | None = None) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > low
    if ok and high is not None:
        ok = value < high
    if not ok:
        bound = f"between {low} and {high}" if high is not None else f"greater than {low}"
        raise ValueError(f"{owner}: {name} must be a number {bound}, got {value!r}")


@dataclass
class Piecewise(Schedule):
    """Drop the rate by ``drop_factor`` every ``period`` epochs.

    Example:
        >>> [Piecewise(0.5, period=2).rate(e, 1.0, 10) for e in range(5)]
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    drop_factor: float = 0.1
    period: int = 10
    name = "piecewise"

    def __post_init__(self) -> None:
        _check("Piecewise", "drop_factor", self.drop_factor, 0.0, 1.0)
        if isinstance(self.period, bool) or not isinstance(self.period, int) or self.period < 1:
            raise ValueError(f"Piecewise: period must be a positive integer, got {self.period!r}")

    def rate(self, epoch: int, base: float, max_epochs: int) -> float:
        return base * self.drop_factor ** (epoch // self.period)


@dataclass
class Plateau(Schedule):
    """Multiply the rate by ``factor`` when the loss stops improving for ``patience`` epochs.

    Example:
        >>> s = Plateau(factor=0.5, patience=1)
        >>> for loss in [1.0, 0.9, 0.95]:   # no progress for 1 epoch
        ...     s.observe(loss)
        >>> s.rate(4, 1.0, 10)
        0.5
    """

    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    min_rate: float = 0.0
    _scale: float = field(default=1.0, repr=False)
    _best: float = field(default=math.inf, repr=False)
    _wait: int = field(default=0, repr=False)
    name = "plateau"

    def __post_init__(self) -> None:
        _check("Plateau", "factor", self.factor, 0.0, 1.0)
        if isinstance(self.patience, bool) or not isinstance(self.patience, int) \
                or self.patience < 1:
            raise ValueError(f"Plateau: patience must be a positive integer, got "
                             f"{self.patience!r}")

    def rate(self, epoch: int, base: float, max_epochs: int) -> float:
        return max(base * self._scale, self.min_rate)

    def observe(self, loss: float) -> None:
        if loss < self._best * (1 - self.threshold):
            self._best, self._wait = loss, 0
            return
        self._wait += 1
        if self._wait >= self.patience:
            self._scale *= self.factor
            self._wait = 0

    def state_dict(self) -> dict[str, Any]:
        return {"scale": self._scale, "best": self._best, "wait": self._wait}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._scale, self._best, self._wait = state["scale"], state["best"], state["wait"]


@dataclass
class Cosine(Schedule):
    """Cosine annealing from the base rate to ``min_rate`` at the last epoch.

    Example:
        >>> [round(Cosine().rate(e, 1.0, 4), 3) for e in range(4)]
        [1.0, 0.854, 0.5, 0.146]
    """

    min_rate: float = 0.0
    name = "cosine"

    def rate(self, epoch: int, base: float, max_epochs: int) -> float:
        return self.min_rate + 0.5 * (base - self.min_rate) * (
            1 + math.cos(math.pi * epoch / max_epochs))


SCHEDULES = {"piecewise": Piecewise, "plateau": Plateau, "cosine": Cosine}


def make_schedule(schedule: str | Schedule | None) -> Schedule | None:
    """A fresh schedule for one run (a copy, so options can be reused).

    Example:
        >>> make_schedule("cosine")
        Cosine(min_rate=0.0)
    """
    if schedule is None:
        return None
    if isinstance(schedule, Schedule):
        return type(schedule)(**{k: v for k, v in asdict(schedule).items()
                                 if not k.startswith("_")})
    return SCHEDULES[schedule]()
