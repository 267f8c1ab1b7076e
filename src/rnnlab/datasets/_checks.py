"""Parameter checks at the boundary of every loader.

Each check returns the cleaned value or raises :class:`DataError` with one sentence naming the
dataset (``owner``), the parameter, the value received and what was expected.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from rnnlab.datasets.errors import DataError


def check_int(owner: str, name: str, value: object, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` in ``[minimum, maximum]``.

    Example:
        >>> check_int("adding", "length", 50, minimum=2)
        50
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise DataError(f"{owner}: {name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise DataError(f"{owner}: {name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise DataError(f"{owner}: {name} must be at most {maximum}, got {value}")
    return value


def check_float(owner: str, name: str, value: object, minimum: float | None = None,
                maximum: float | None = None) -> float:
    """Return ``value`` as a finite ``float`` in ``[minimum, maximum]``.

    Example:
        >>> check_float("sine", "noise", 0.1, minimum=0.0)
        0.1
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DataError(f"{owner}: {name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise DataError(f"{owner}: {name} must be finite, got {value!r}")
    if minimum is not None and value < minimum:
        raise DataError(f"{owner}: {name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise DataError(f"{owner}: {name} must be at most {maximum}, got {value}")
    return value


def check_choice(owner: str, name: str, value: object, choices: Sequence[object]) -> object:
    """Return ``value`` if it is one of ``choices``.

    Example:
        >>> check_choice("tokens", "level", "char", ("char", "word"))
        'char'
    """
    if value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise DataError(f"{owner}: {name} must be one of {listed}, got {value!r}")
    return value


def check_ratios(owner: str, ratios: object) -> tuple[float, float, float]:
    """Return ``(train, val, test)`` fractions: non-negative, train > 0, summing to 1.

    Example:
        >>> check_ratios("airline", (0.8, 0.1, 0.1))
        (0.8, 0.1, 0.1)
    """
    try:
        parts = tuple(float(r) for r in ratios)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise DataError(f"{owner}: ratios must be three numbers (train, val, test), "
                        f"got {ratios!r}") from None
    if len(parts) != 3 or not all(math.isfinite(r) and r >= 0 for r in parts):
        raise DataError(f"{owner}: ratios must be three non-negative numbers (train, val, test), "
                        f"got {ratios!r}")
    if parts[0] <= 0 or abs(sum(parts) - 1.0) > 1e-6:
        raise DataError(f"{owner}: ratios must have a positive train share and sum to 1, "
                        f"got {ratios!r}")
    return parts  # type: ignore[return-value]
