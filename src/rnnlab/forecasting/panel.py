"""From a long-format table to regular, filled series: one :class:`Series` per id.

For each series, in this order:

1. its frequency (:func:`~rnnlab.forecasting.calendar.infer_frequency`; every series of a table
   must share one);
2. its history put on the full calendar from its first to its last observed time — holes become
   rows of NaN, named (``store S02: 11 days missing after 2022-05-03``);
3. missing values filled by the fill policy (or refused, :mod:`rnnlab.forecasting.fill`);
4. its forecast rows checked to continue the calendar step by step.

Values stay in the data's own units here; scaling happens per model
(:mod:`rnnlab.forecasting.spec`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError
from rnnlab.datasets.files.long_format import LongTable, RawSeries
from rnnlab.forecasting.calendar import (
    Frequency,
    calendar_features,
    compact_date_hint,
    format_time,
    holes,
    infer_frequency,
)
from rnnlab.forecasting.fill import fill_columns, fill_hint, refuse_missing, summary


@dataclass
class Series:
    """One regular, filled series.

    Attributes:
        key, label: id values and their name in messages (``"store S02"``; the file name for
            a table holding one series).
        times: ``(n,)`` history times, one per calendar step.
        values: ``(n, k + p + f)`` targets, past covariates and future covariates, filled.
        observed: ``(n, k)`` True where the target was in the file (only those are scored).
        rows: ``(n,)`` file row of each step (0 where a hole was filled).
        calendar: ``(n, 2·c)`` calendar features.
        future_times, future_values, future_rows: the forecast rows — ``(m,)``, ``(m, f)``
            future covariates (NaN = not given), ``(m,)`` row numbers.
        summary: one line on what was filled.
    """

    key: tuple[str, ...]
    label: str
    times: np.ndarray
    values: np.ndarray
    observed: np.ndarray
    rows: np.ndarray
    calendar: np.ndarray
    future_times: np.ndarray
    future_values: np.ndarray
    future_rows: np.ndarray
    summary: str

    def __len__(self) -> int:
        return len(self.times)


def common_frequency(table: LongTable, freq: Any = None) -> Frequency:
    """The frequency every series of ``table`` shares (inferred per series)."""
    found: list[tuple[RawSeries, Frequency]] = []
    for raw in table.series:
        times = raw.times[:raw.observed]
        if len(times) == 0:
            raise DataError(f"{raw.where(table.where)}: no row has a target value")
        found.append((raw, infer_frequency(times, table.time_kind, raw.where(table.where),
                                           freq)))
    first_raw, first = found[0]
    for raw, other in found[1:]:
        if other != first:
            raise DataError(f"{table.where}: {raw.label} steps by {_freq_text(other)} but "
                            f"{first_raw.label} by {_freq_text(first)}; every series of one "
                            f"model needs the same frequency (pass freq to choose one)")
    return first


def _freq_text(freq: Frequency) -> str:
    return freq.alias if freq.kind == "datetime" else f"{freq.step:g}"


def _hole_text(freq: Frequency, times: np.ndarray, found: list[tuple[int, int]],
               kind: str) -> list[str]:
    return [f"{freq.unit(count)} missing after {format_time(times[i], kind)}"
            for i, count in found]


def regular_series(raw: RawSeries, table: LongTable, freq: Frequency, policy: str,
                   calendar: tuple[str, ...], display: str) -> Series:
    """``raw`` on its calendar, filled by ``policy``; see the module docstring.

    ``display`` names the series in messages and the summary (its label, or the file name).
    """
    where = raw.where(table.where)
    kind = table.time_kind
    times = raw.times[:raw.observed]
    history = np.concatenate([raw.targets, raw.covariates, raw.future], axis=1)[:raw.observed]
    found = holes(times, freq)
    grid = freq.grid(times[0], times[-1]) if len(times) > 1 else times.copy()
    if freq.kind == "datetime":
        position = np.searchsorted(grid, times)
    else:
        position = np.round((times - times[0]) / freq.step).astype(np.int64)
    values = np.full((len(grid), history.shape[1]), np.nan)
    values[position] = history
    rows = np.zeros(len(grid), dtype=np.int64)
    rows[position] = raw.rows[:raw.observed]
    inserted = np.ones(len(grid), dtype=bool)
    inserted[position] = False
    names = [*table.roles.targets, *table.roles.covariates, *table.roles.future_covariates]
    k = len(table.roles.targets)
    hole_text = _hole_text(freq, times, found, kind)
    if policy == "refuse":
        if found:
            i, _ = found[0]
            more = f" (and {len(found) - 1} more hole{'s' if len(found) > 2 else ''})" \
                if len(found) > 1 else ""
            raise DataError(f"{where}: {hole_text[0]} (row {raw.rows[i]}){more}; "
                            f"{fill_hint()}{compact_date_hint(times)}")
        refuse_missing(where, lambda row: raw.at_row(table.where, row), names, values, rows,
                       inserted)
    empty = {name: int(np.sum(np.isnan(values[:, j]) & ~inserted))
             for j, name in enumerate(names)}
    for j, name in enumerate(names):
        if np.all(np.isnan(values[:, j])):
            raise DataError(f"{where}: column {name!r} has no values in this series; give "
                            f"some or drop the column")
    observed = ~np.isnan(values[:, :k])
    if policy != "refuse":
        values = fill_columns(values, policy)
    future_times, future_values, future_rows = _forecast_rows(raw, table, freq, grid[-1])
    line = summary(display, freq.unit(len(grid)) if freq.kind == "datetime"
                   else f"{len(grid)} steps", hole_text, empty, policy)
    if len(future_times):
        line += (f"; {len(future_times)} forecast row{'s' if len(future_times) > 1 else ''} "
                 f"after {format_time(grid[-1], kind)} (target empty) kept for forecasting")
    return Series(raw.key, raw.label or display, grid, values, observed, rows,
                  calendar_features(grid, list(calendar), where), future_times,
                  future_values, future_rows, line)


def _forecast_rows(raw: RawSeries, table: LongTable, freq: Frequency,
                   last: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    times = raw.times[raw.observed:]
    if len(times) == 0:
        return times, raw.future[:0], raw.rows[:0]
    expected = freq.after(last, len(times))
    kind = table.time_kind
    wrong = np.flatnonzero(times != expected)
    if wrong.size:
        i = int(wrong[0])
        column = table.roles.time or "time"
        raise DataError(f"{raw.at_row(table.where, raw.rows[raw.observed + i])}, column "
                        f"{column!r}: forecast row {format_time(times[i], kind)} does not "
                        f"continue the calendar after {format_time(last, kind)} (expected "
                        f"{format_time(expected[i], kind)}); forecast rows must follow the last "
                        f"observed target step by step")
    return times, raw.future[raw.observed:], raw.rows[raw.observed:]


def build_panel(table: LongTable, *, policy: str, calendar: tuple[str, ...],
                freq: Any = None) -> tuple[list[Series], Frequency]:
    """Every series of ``table`` made regular and filled, and their common frequency."""
    frequency = freq if isinstance(freq, Frequency) else common_frequency(table, freq)
    name = table.where.replace("\\", "/").rsplit("/", 1)[-1]
    series = [regular_series(raw, table, frequency, policy, calendar, raw.label or name)
              for raw in table.series]
    return series, frequency
