"""Missing values in a series' history: refuse them, or fill them, and say what was done.

Policies (``fill=``, ``--fill``):

==============  ============================================================================
``refuse``      the default: the first hole or empty cell is an error naming series, row and
                column — nothing is guessed unless asked
``interpolate`` linear in time between the neighbouring values (darts' and pandas' default);
                before the first value or after the last, the nearest value
``ffill``       the last value before the gap (then, before the first value, the first one)
``zero``        0
==============  ============================================================================

Only history is filled. A series' forecast rows (see
:mod:`rnnlab.datasets.files.long_format`) are never filled: a future covariate missing there is
an error when a forecast needs it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError

FILL_POLICIES = ("refuse", "interpolate", "ffill", "zero")
DEFAULT_FILL = "refuse"
VERBS = {"interpolate": "by linear interpolation", "ffill": "with the previous value",
         "zero": "with 0"}


def check_fill(policy: Any, where: str) -> str:
    """``policy`` when it is one of :data:`FILL_POLICIES`."""
    if policy not in FILL_POLICIES:
        raise DataError(f"{where}: fill must be one of {', '.join(map(repr, FILL_POLICIES))}, "
                        f"got {policy!r}")
    return policy


def fill_hint() -> str:
    return "pass fill='interpolate', 'ffill' or 'zero' (--fill on the command line) to fill them"


def fill_columns(values: np.ndarray, policy: str) -> np.ndarray:
    """``values`` ``(n, c)`` with NaN filled column by column by ``policy`` (not ``refuse``).

    Example:
        >>> fill_columns(np.array([[np.nan], [1.0], [np.nan], [3.0]]), "interpolate").ravel()
        array([1., 1., 2., 3.])
    """
    out = values.astype(np.float64, copy=True)
    if policy == "zero":
        out[np.isnan(out)] = 0.0
        return out
    import pandas as pd

    frame = pd.DataFrame(out)
    if policy == "interpolate":
        frame = frame.interpolate(method="linear", limit_direction="both", axis=0)
    else:
        frame = frame.ffill().bfill()
    return frame.to_numpy(dtype=np.float64)


def refuse_missing(where: str, at_row: Any, columns: list[str], values: np.ndarray,
                   rows: np.ndarray, inserted: np.ndarray) -> None:
    """Raise for the first column with an empty cell in a row of the file (rows inserted for
    holes are reported as holes, before this is called)."""
    for j, name in enumerate(columns):
        missing = np.flatnonzero(np.isnan(values[:, j]) & ~inserted)
        if not missing.size:
            continue
        if missing.size == 1:
            raise DataError(f"{at_row(rows[missing[0]])}, column {name!r} is empty; "
                            f"drop or fill the row, or {fill_hint()}")
        shown = ", ".join(str(r) for r in rows[missing[:3]])
        more = ", …" if missing.size > 3 else ""
        raise DataError(f"{where}: column {name!r} has {missing.size} missing or NaN values "
                        f"(rows {shown}{more}); drop or fill them, or {fill_hint()}")


def summary(label: str, length: str, hole_text: list[str], empty: dict[str, int],
            policy: str) -> str:
    """One line: what the series holds and what was filled, e.g. ``store S02: 730 days;
    filled 11 missing days (after 2022-05-03) and 2 empty cells (sales 1, temperature 1) by
    linear interpolation``."""
    head = f"{label}: {length}" if label else length
    parts = []
    if hole_text:
        parts.append(", ".join(hole_text))
    cells = sum(empty.values())
    if cells:
        listed = ", ".join(f"{name} {count}" for name, count in empty.items() if count)
        parts.append(f"{cells} empty cell{'s' if cells > 1 else ''} ({listed})")
    if not parts:
        return f"{head}, nothing to fill"
    return f"{head}; filled {' and '.join(parts)} {VERBS[policy]}"
