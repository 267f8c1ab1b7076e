"""The calendar of a series: its frequency, its holes, the timestamps after its end, and calendar
features (day of week, month…) generated from its dates.

Frequency, for dates, is a pandas offset alias (``"D"``, ``"W-SAT"``, ``"MS"``, ``"h"``…)
inferred with :func:`pandas.infer_freq`. A series with holes has no frequency for pandas, so
the alias is then inferred on short runs of consecutive rows and the most common one is kept if
every time lies on its calendar. Number times (years, step counts) have a numeric step: the most
common difference, every time being the first plus a whole number of steps. Rows without a time
column are steps ``0, 1, 2…``.

The season used by seasonal-naive forecasts and MASE comes from the frequency: 7 for daily,
5 for business days, 52 for weekly, 12 for monthly, 4 for quarterly, 24 for hourly, 1 (none)
otherwise; a ``season`` given by the user replaces it.

Calendar features are future covariates (dates are known ahead), each a sine/cosine pair on its
cycle, as darts' cyclic encoders make them: ``dayofweek`` (7), ``month`` (12), ``dayofyear``
(365.25), ``hour`` (24).
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError

CALENDAR_FEATURES = {"dayofweek": 7.0, "month": 12.0, "dayofyear": 365.25, "hour": 24.0}
#: season by the leading letters of a pandas offset alias (checked longest first)
SEASONS = {"min": 60, "B": 5, "D": 7, "W": 52, "M": 12, "Q": 4, "h": 24, "H": 24}
UNITS = {"min": "minute", "B": "business day", "D": "day", "W": "week", "M": "month",
         "Q": "quarter", "Y": "year", "A": "year", "h": "hour", "H": "hour", "s": "second",
         "S": "second"}


def _prefix(alias: str) -> str:
    letters = alias.lstrip("0123456789").split("-")[0]
    for key in sorted(SEASONS.keys() | UNITS.keys(), key=len, reverse=True):
        if letters.startswith(key):
            return key
    return letters


@dataclass(frozen=True)
class Frequency:
    """How far apart consecutive steps are.

    Attributes:
        kind: ``"datetime"``, ``"number"`` or ``"index"``.
        alias: pandas offset alias (dates only).
        step: the step of number times (``1.0`` for the row index).

    Example:
        >>> import pandas as pd
        >>> times = pd.date_range("2022-01-01", periods=6, freq="D").to_numpy()
        >>> freq = infer_frequency(times, "datetime", "sales.csv")
        >>> freq.alias, freq.season, freq.unit(11)
        ('D', 7, '11 days')
    """

    kind: str
    alias: str | None = None
    step: float | None = None

    @property
    def season(self) -> int:
        """Steps per season implied by the frequency (1 = no season)."""
        if self.kind != "datetime" or not self.alias:
            return 1
        if self.alias[0].isdigit():
            return 1
        return SEASONS.get(_prefix(self.alias), 1)

    def unit(self, count: int) -> str:
        """``"11 days"``, ``"1 week"``, ``"3 steps"``."""
        word = UNITS.get(_prefix(self.alias), "step") if self.kind == "datetime" and \
            self.alias else "step"
        return f"{count} {word}{'' if count == 1 else 's'}"

    def grid(self, first: Any, last: Any) -> np.ndarray:
        """Every step of the calendar from ``first`` to ``last`` (inclusive)."""
        if self.kind == "datetime":
            import pandas as pd

            return pd.date_range(first, last, freq=self.alias).to_numpy().astype(
                "datetime64[ns]")
        count = round((float(last) - float(first)) / self.step) + 1
        return float(first) + self.step * np.arange(count)

    def after(self, last: Any, count: int) -> np.ndarray:
        """The ``count`` steps that follow ``last``."""
        if self.kind == "datetime":
            import pandas as pd

            return pd.date_range(last, periods=count + 1, freq=self.alias)[1:].to_numpy(
            ).astype("datetime64[ns]")
        return float(last) + self.step * np.arange(1, count + 1)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "alias": self.alias, "step": self.step}

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> Frequency:
        return cls(state["kind"], state.get("alias"), state.get("step"))


def _check_alias(alias: str, where: str) -> str:
    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.tseries.frequencies.to_offset(alias).freqstr
    except (ValueError, TypeError):
        raise DataError(f"{where}: freq {alias!r} is not a pandas frequency such as 'D', "
                        f"'W-SUN', 'MS', 'h'") from None


def _on_calendar(times: np.ndarray, freq: Frequency) -> np.ndarray:
    """Whether each time lies on the calendar that starts at the first time."""
    if freq.kind == "datetime":
        grid = freq.grid(times[0], times[-1])
        return np.isin(times, grid)
    offsets = (times - times[0]) / freq.step
    return np.abs(offsets - np.round(offsets)) < 1e-6


def _infer_alias(times: np.ndarray) -> str | None:
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        index = pd.DatetimeIndex(times)
        alias = pd.infer_freq(index)
        if alias is not None:
            return alias
        counts: Counter[str] = Counter()
        starts = np.unique(np.linspace(0, len(times) - 5, num=min(200, len(times) - 4),
                                       dtype=int))
        for start in starts:
            try:
                found = pd.infer_freq(index[start:start + 5])
            except (ValueError, TypeError):
                found = None
            if found:
                counts[found] += 1
    for alias, _ in counts.most_common():
        if np.all(_on_calendar(times, Frequency("datetime", alias))):
            return alias
    return None


def infer_frequency(times: np.ndarray, kind: str, where: str, freq: Any = None) -> Frequency:
    """The frequency of one series' ``times`` (sorted), or ``freq`` if given (checked).

    Raises DataError when the times are on no regular calendar.
    """
    if kind == "index":
        return Frequency("index", step=1.0)
    if kind == "number":
        if freq is not None:
            step = float(freq)
            if not step > 0:
                raise DataError(f"{where}: freq must be a positive step for number times, "
                                f"got {freq!r}")
        else:
            diffs = np.diff(times)
            if diffs.size == 0:
                return Frequency("number", step=1.0)
            rounded = np.round(diffs, 9)
            values, counts = np.unique(rounded, return_counts=True)
            step = float(values[np.argmax(counts)])
        result = Frequency("number", step=step)
        off = np.flatnonzero(~_on_calendar(times, result))
        if off.size:
            hint = compact_date_hint(times)
            raise DataError(f"{where}: time {times[off[0]]:g} is not a whole number of steps of "
                            f"{step:g} after {times[0]:g}; the times are irregular{hint}")
        return result
    if freq is not None:
        result = Frequency("datetime", _check_alias(str(freq), where))
    else:
        if len(times) < 3:
            raise DataError(f"{where}: {len(times)} times are too few to infer the frequency; "
                            f"pass freq (e.g. 'D', 'W-SUN', 'MS')")
        alias = _infer_alias(times)
        if alias is None:
            raise DataError(f"{where}: the times follow no regular calendar (daily, weekly, "
                            f"monthly…); pass freq if they should, e.g. freq='D'")
        result = Frequency("datetime", alias)
    off = np.flatnonzero(~_on_calendar(times, result))
    if off.size:
        raise DataError(f"{where}: time {format_time(times[off[0]], 'datetime')} is not on the "
                        f"{result.alias} calendar that starts at "
                        f"{format_time(times[0], 'datetime')}")
    return result


def compact_date_hint(times: np.ndarray) -> str:
    """A hint for number times that are really ``YYYYMMDD`` dates (``""`` otherwise)."""
    if times.dtype.kind == "M" or not np.all((times >= 1e7) & (times < 1e8)):
        return ""
    months, days = (times // 100) % 100, times % 100
    if np.all((months >= 1) & (months <= 12) & (days >= 1) & (days <= 31)):
        return "; these look like YYYYMMDD dates: pass time_format='%Y%m%d'"
    return ""


def holes(times: np.ndarray, freq: Frequency) -> list[tuple[int, int]]:
    """``[(position of the time before the hole, steps missing), …]``.

    Example:
        >>> holes(np.array([1.0, 2.0, 5.0, 6.0]), Frequency("number", step=1.0))
        [(1, 2)]
    """
    if len(times) < 2:
        return []
    if freq.kind == "datetime":
        grid = freq.grid(times[0], times[-1])
        position = np.searchsorted(grid, times)
    else:
        position = np.round((times - times[0]) / freq.step).astype(np.int64)
    gaps = np.diff(position) - 1
    return [(int(i), int(gaps[i])) for i in np.flatnonzero(gaps > 0)]


def calendar_features(times: np.ndarray, names: list[str], where: str) -> np.ndarray:
    """``(n, 2·len(names))`` sine and cosine of each cycle at ``times`` (datetime64).

    Example:
        >>> times = np.array(["2024-01-01", "2024-01-04"], dtype="datetime64[ns]")
        >>> calendar_features(times, ["dayofweek"], "x").round(3).tolist()
        [[0.0, 1.0], [0.434, -0.901]]
    """
    if not names:
        return np.zeros((len(times), 0))
    if times.dtype.kind != "M":
        raise DataError(f"{where}: calendar features ({', '.join(names)}) need dates in the "
                        f"time column")
    import pandas as pd

    index = pd.DatetimeIndex(times)
    columns = []
    for name in names:
        value = {"dayofweek": index.day_of_week, "month": index.month - 1,
                 "dayofyear": index.day_of_year - 1, "hour": index.hour}[name]
        angle = 2 * np.pi * np.asarray(value, dtype=np.float64) / CALENDAR_FEATURES[name]
        columns += [np.sin(angle), np.cos(angle)]
    return np.stack(columns, axis=1)


def check_calendar(names: Any, where: str) -> tuple[str, ...]:
    """Validate calendar feature names (a list, or ``"dayofweek,month"``)."""
    from rnnlab.datasets.files.long_format import as_names

    listed = as_names(names)
    for name in listed:
        if name not in CALENDAR_FEATURES:
            raise DataError(f"{where}: unknown calendar feature {name!r}; expected some of "
                            f"{', '.join(CALENDAR_FEATURES)}")
    return tuple(listed)


def calendar_columns(names: tuple[str, ...]) -> list[str]:
    """Feature names of :func:`calendar_features`: ``["month_sin", "month_cos", …]``."""
    return [f"{name}_{part}" for name in names for part in ("sin", "cos")]


def format_time(value: Any, kind: str) -> Any:
    """A time for people and JSON: ``"2022-05-03"`` (or with the clock when not midnight),
    an ``int`` for whole numbers, else a ``float``."""
    if kind == "datetime":
        stamp = np.datetime64(value, "ns")
        text = str(np.datetime_as_string(stamp, unit="s"))
        return text[:10] if text.endswith("T00:00:00") else text.replace("T", " ")
    number = float(value)
    return int(number) if number.is_integer() else number


def parse_time(value: Any, kind: str) -> Any:
    """Inverse of :func:`format_time`: ``datetime64[ns]`` or float."""
    if kind == "datetime":
        return np.datetime64(str(value).replace(" ", "T"), "ns")
    return float(value)
