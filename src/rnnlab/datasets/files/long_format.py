"""Long-format tables — one row per (series, time step) — split into their series.

::

    date,store,temperature,promo,sales
    03/01/2022,S01,4.1,0,118
    03/01/2022,S02,4.1,1,95
    04/01/2022,S01,3.8,0,121

Each column plays one role:

* ``id`` — zero or more columns; each distinct combination of their values is one series
  (no id: the whole file is one series);
* ``time`` — dates or numbers, strictly increasing within each series (series may interleave);
* ``targets`` — what to forecast;
* ``covariates`` — *past* covariates, known up to the present only (a temperature reading);
* ``future_covariates`` — known ahead (a planned promotion, a holiday).

Rows at the end of a series whose targets are all empty are its *forecast rows*: they carry the
future covariates of the steps to forecast and are never treated as missing values (filling
them would invent history). Every other empty cell is a missing value (see
:mod:`rnnlab.forecasting.fill`).

Dates: ``dayfirst=None`` reads month first (pandas' default) unless that fails or puts a series
out of order while reading day first does not — ``13/02/2022`` can only be day first — and
says so in :attr:`LongTable.notes`. ``time_format`` (``"%d/%m/%Y"``) is used as given.

Messages name the file, the series (``store S02``), the row (line in the file, header = row 1;
for Parquet and DataFrames the N-th data row) and the column.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError
from rnnlab.datasets.files._read import MAX_FLOAT32, Table, read_table

TIME_NAMES = ("time", "date", "datetime", "timestamp", "ds", "month", "year", "period", "t")
NAN_SPELLINGS = ("nan", "na", "n/a", "null", "none")


def as_names(value: Any) -> list[str]:
    """``None`` → ``[]``, ``"a"`` or ``"a,b"`` → ``["a", "b"]``, a list stays a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(v) for v in value]


@dataclass(frozen=True)
class Roles:
    """Column names by role (see the module docstring)."""

    id: tuple[str, ...]
    time: str | None
    targets: tuple[str, ...]
    covariates: tuple[str, ...] = ()
    future_covariates: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": list(self.id), "time": self.time, "targets": list(self.targets),
                "covariates": list(self.covariates),
                "future_covariates": list(self.future_covariates)}

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> Roles:
        return cls(tuple(state["id"]), state["time"], tuple(state["targets"]),
                   tuple(state["covariates"]), tuple(state["future_covariates"]))


@dataclass
class RawSeries:
    """One series as it stands in the file, before its calendar is checked or filled.

    Attributes:
        key: the id values (``()`` for a file holding one series).
        label: how messages name it: ``"store S02"``, ``"store=S02, region=N"`` or ``""``.
        rows: ``(n,)`` row numbers in the file, for messages.
        times: ``(n,)`` ``datetime64[ns]`` or float64 (number times, or the row index).
        targets, covariates, future: ``(n, k)``, ``(n, p)``, ``(n, f)`` float64, NaN = empty.
        observed: rows ``[0, observed)`` are history; the rest are forecast rows.
    """

    key: tuple[str, ...]
    label: str
    rows: np.ndarray
    times: np.ndarray
    targets: np.ndarray
    covariates: np.ndarray
    future: np.ndarray
    observed: int

    def where(self, table_where: str) -> str:
        """``"sales.csv: store S02"`` (or just the file for a single series)."""
        return f"{table_where}: {self.label}" if self.label else table_where

    def at_row(self, table_where: str, row: Any) -> str:
        """``"sales.csv: store S02, row 17"`` (``"sales.csv: row 17"`` for a single series)."""
        return f"{self.where(table_where)}{',' if self.label else ':'} row {row}"


@dataclass
class LongTable:
    """A long-format table split into series: ``series`` sorted by id, ``time_kind`` one of
    ``"datetime"``, ``"number"``, ``"index"`` (no time column: the row order), ``notes``:
    what was decided on the reader's behalf (day-first dates)."""

    where: str
    roles: Roles
    time_kind: str
    series: list[RawSeries]
    dayfirst: bool | None = None
    notes: list[str] = field(default_factory=list)

    def find(self, key: tuple[str, ...]) -> RawSeries | None:
        return next((s for s in self.series if s.key == key), None)


def table_from_frame(frame: Any, where: str = "DataFrame") -> Table:
    """A pandas DataFrame as a :class:`Table` (row N = the N-th data row)."""
    columns = [str(c) for c in frame.columns]
    if len(set(columns)) != len(columns):
        seen = next(c for c in columns if columns.count(c) > 1)
        raise DataError(f"{where}: the column name {seen!r} appears twice; column names must be "
                        f"unique")
    if len(frame) == 0:
        raise DataError(f"{where}: has columns ({', '.join(map(repr, columns[:5]))}) but no "
                        f"data rows")
    cells = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind in "biufM":
            cells.append(column.to_numpy())
        elif str(column.dtype).startswith("datetime64"):   # timezone-aware dates
            cells.append(column.dt.tz_localize(None).to_numpy())
        else:
            cells.append(column.astype(object).to_numpy())
    return Table(where, columns, cells, np.arange(1, len(frame) + 1))


def _label(id_columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    if not id_columns:
        return ""
    if len(id_columns) == 1:
        return f"{id_columns[0]} {key[0]}"
    return ", ".join(f"{c}={v}" for c, v in zip(id_columns, key, strict=True))


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return isinstance(value, str) and (not value.strip()
                                       or value.strip().lower() in NAN_SPELLINGS)


def _numbers(table: Table, index: int, row_where: Any) -> np.ndarray:
    """Column ``index`` as float64 with NaN for empty cells; anything else that is not a finite
    float32-sized number is refused naming its series, row and column."""
    name = table.columns[index]
    column = table.cells[index]
    if column.dtype.kind in "biuf":
        values = column.astype(np.float64)
        texts = None
    else:
        values = np.full(len(column), np.nan)
        texts = column
        for i, raw in enumerate(column):
            if _is_empty(raw):
                continue
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            try:
                values[i] = float(text)
            except (TypeError, ValueError, OverflowError):
                shown = text if isinstance(text, str) else type(text).__name__
                raise DataError(f"{row_where(i)}, column {name!r}: {shown[:40]!r} is not a "
                                f"number") from None
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~np.isnan(values) & ~(np.abs(values) <= MAX_FLOAT32))
    if bad.size:
        i = int(bad[0])
        raw = str(texts[i] if texts is not None else values[i])
        spelled_inf = raw.strip().lstrip("+-").lower() in ("inf", "infinity")
        what = "is infinite" if spelled_inf else "is too large for float32 (±3.4e38)"
        raise DataError(f"{row_where(i)}, column {name!r}: {raw[:40]!r} {what}; rescale or fix "
                        f"the value")
    return values


def _date_candidates(texts: list[str], dayfirst: bool | None,
                     time_format: str | None) -> list[tuple[bool | None, np.ndarray | None]]:
    """Parsings of ``texts`` as dates: ``[(dayfirst, datetime64 values or None), …]`` in order
    of preference; ``None`` values mean the parsing failed on some cell."""
    import pandas as pd  # dates only

    def parse(first: bool | None) -> np.ndarray | None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                parsed = pd.to_datetime(pd.Series(texts, dtype=object), format=time_format,
                                        dayfirst=bool(first))
            except (ValueError, TypeError, OverflowError):
                return None
        if parsed.isna().any():
            return None
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        return parsed.to_numpy().astype("datetime64[ns]")

    if time_format is not None:
        return [(dayfirst, parse(dayfirst))]
    if dayfirst is not None:
        return [(dayfirst, parse(dayfirst))]
    return [(False, parse(False)), (True, parse(True))]


def _first_bad_date(texts: list[str], dayfirst: bool | None, time_format: str | None) -> int:
    """Position of the first text that does not read as a date in the format of the first
    (as pandas reads a column: the format is guessed from its first value)."""
    import pandas as pd
    from pandas.tseries.api import guess_datetime_format

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        form = time_format or guess_datetime_format(texts[0], dayfirst=bool(dayfirst))
        for i, text in enumerate(texts):
            try:
                if pd.isna(pd.to_datetime(text, format=form, dayfirst=bool(dayfirst))):
                    return i
            except (ValueError, TypeError, OverflowError):
                return i
    return 0


def _resolve(table: Table, names: list[str], role: str) -> list[int]:
    return [table.find(name, role) for name in names]


def _time_index(table: Table, time: Any) -> int | None:
    if time is None:
        return None
    if time == "auto":
        return next((j for j, name in enumerate(table.columns)
                     if name.strip().lower() in TIME_NAMES), None)
    return table.find(time, "time column")


def _groups(table: Table, id_index: list[int]) -> dict[tuple[str, ...], np.ndarray]:
    """Row positions of each series, in file order, keyed by the id values."""
    if not id_index:
        return {(): np.arange(len(table))}
    keys = []
    columns = [table.strings(j) for j in id_index]
    for i in range(len(table)):
        key = tuple(column[i].strip() for column in columns)
        for j, value in zip(id_index, key, strict=True):
            if not value:
                raise DataError(f"{table.where}: row {table.rows[i]}, column "
                                f"{table.columns[j]!r} is empty; every row needs an id")
        keys.append(key)
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    return {key: np.asarray(groups[key]) for key in sorted(groups)}


def _order_problem(times: np.ndarray, positions: np.ndarray) -> tuple[str, int, int] | None:
    """The first duplicate or backwards step of one series: ``(kind, i, previous i)``."""
    values = times[positions]
    steps = np.diff(values.astype(np.float64) if values.dtype.kind != "M"
                    else values.astype(np.int64))
    bad = np.flatnonzero(steps <= 0)
    if not bad.size:
        return None
    first = int(bad[0])
    if steps[first] == 0:
        return "duplicate", int(positions[first + 1]), int(positions[first])
    return "backwards", int(positions[first + 1]), int(positions[first])


def read_long(source: Any, *, id: Any = None, time: Any = "auto", target: Any = None,
              covariates: Any = (), future_covariates: Any = (), dayfirst: bool | None = None,
              time_format: str | None = None, delimiter: str | None = None,
              encoding: str = "utf-8") -> LongTable:
    """Read a long-format CSV/TSV/Parquet file or pandas DataFrame into its series.

    Args:
        source: a path or a ``pandas.DataFrame``.
        id: id column(s): a name, ``"a,b"`` or a list; ``None`` = one series.
        time: the time column, ``"auto"`` (a column named date, time, month, year, …) or
            ``None`` (rows are in time order).
        target: column(s) to forecast; ``None`` = every column without another role; ``[]``
            = none (a table of future covariates only).
        covariates, future_covariates: past and future covariate columns.
        dayfirst, time_format: how to read dates (see the module docstring).
        delimiter, encoding: for CSV/TSV files.

    Example:
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"day": [1, 2, 1, 2], "shop": ["a", "a", "b", "b"],
        ...                       "sales": [3.0, 4.0, 5.0, 6.0]})
        >>> table = read_long(frame, id="shop", time="day")
        >>> [(s.label, s.targets[:, 0].tolist()) for s in table.series]
        [('shop a', [3.0, 4.0]), ('shop b', [5.0, 6.0])]
    """
    table = table_from_frame(source) if hasattr(source, "iloc") else read_table(
        source, delimiter, encoding)
    id_names = as_names(id)
    id_index = _resolve(table, id_names, "--id column")
    time_index = _time_index(table, time)
    covariate_index = _resolve(table, as_names(covariates), "covariate column")
    future_index = _resolve(table, as_names(future_covariates), "future covariate column")
    taken = {*id_index, *covariate_index, *future_index}
    if time_index is not None:
        taken.add(time_index)
    if target is None:
        target_index = [j for j in range(len(table.columns)) if j not in taken]
    else:
        target_index = _resolve(table, as_names(target), "target column")
    if not target_index and not (isinstance(target, list | tuple) and len(target) == 0):
        raise DataError(f"{table.where}: no column left to forecast; name one with target=")
    roles_of: dict[int, str] = {}
    for role, indices in (("an id", id_index), ("the time", [time_index] if time_index
                                                 is not None else []),
                          ("a target", target_index), ("a covariate", covariate_index),
                          ("a future covariate", future_index)):
        for j in indices:
            if j in roles_of and roles_of[j] != role:
                raise DataError(f"{table.where}: column {table.columns[j]!r} cannot be both "
                                f"{roles_of[j]} and {role} column")
            if j in roles_of:
                raise DataError(f"{table.where}: column {table.columns[j]!r} is named twice as "
                                f"{role} column")
            roles_of[j] = role
    columns = table.columns
    roles = Roles(tuple(columns[j] for j in id_index),
                  None if time_index is None else columns[time_index],
                  tuple(columns[j] for j in target_index),
                  tuple(columns[j] for j in covariate_index),
                  tuple(columns[j] for j in future_index))
    groups = _groups(table, id_index)
    label_of_row = np.empty(len(table), dtype=object)
    for key, positions in groups.items():
        label_of_row[positions] = _label(roles.id, key)

    def row_where(i: int) -> str:
        label = label_of_row[i]
        return f"{table.where}: {label}, row {table.rows[i]}" if label else \
            f"{table.where}: row {table.rows[i]}"

    times, time_kind, chosen_dayfirst, notes = _times(table, time_index, groups, row_where,
                                                      dayfirst, time_format)
    parts = [np.stack([_numbers(table, j, row_where) for j in indices], axis=1) if indices
             else np.zeros((len(table), 0)) for indices in (target_index, covariate_index,
                                                            future_index)]
    series = []
    for key, positions in groups.items():
        targets = parts[0][positions]
        has_target = np.flatnonzero(~np.all(np.isnan(targets), axis=1))
        observed = int(has_target[-1]) + 1 if has_target.size else 0
        series.append(RawSeries(key, _label(roles.id, key), table.rows[positions],
                                times[positions], targets, parts[1][positions],
                                parts[2][positions], observed))
    return LongTable(table.where, roles, time_kind, series, chosen_dayfirst, notes)


def _times(table: Table, time_index: int | None, groups: dict[tuple[str, ...], np.ndarray],
           row_where: Any, dayfirst: bool | None, time_format: str | None,
           ) -> tuple[np.ndarray, str, bool | None, list[str]]:
    """Times of every row, their kind, the day-first choice and notes; refuses empty cells,
    unreadable dates, and series with a repeated or backwards time."""
    if time_index is None:
        times = np.zeros(len(table))
        for positions in groups.values():
            times[positions] = np.arange(len(positions), dtype=np.float64)
        return times, "index", None, []
    name = table.columns[time_index]
    column = table.cells[time_index]
    texts = table.strings(time_index)
    for i, text in enumerate(texts):
        if column.dtype.kind != "M" and not text.strip():
            raise DataError(f"{row_where(i)}, column {name!r} is empty; every row needs a time")
    candidates: list[tuple[bool | None, np.ndarray | None]]
    kind = "datetime"
    if column.dtype.kind == "M":
        values = column.astype("datetime64[ns]")
        if np.isnat(values).any():
            i = int(np.flatnonzero(np.isnat(values))[0])
            raise DataError(f"{row_where(i)}, column {name!r} is empty; every row needs a time")
        candidates = [(None, values)]
    else:
        numbers = None
        if time_format is None:
            try:
                numbers = np.array(texts, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                numbers = None
        if numbers is not None:
            kind, candidates = "number", [(None, numbers)]
        else:
            candidates = _date_candidates(texts, dayfirst, time_format)
            if all(values is None for _, values in candidates):
                i = _first_bad_date(texts, dayfirst, time_format)
                how = f" with time_format {time_format!r}" if time_format else ""
                raise DataError(f"{row_where(i)}, column {name!r}: {texts[i][:40]!r} is neither "
                                f"a number nor a date{how}")
    readable = [(first, values) for first, values in candidates if values is not None]
    problems = [[(positions, _order_problem(values, positions)) for positions in groups.values()]
                for _, values in readable]
    best = next((n for n, found in enumerate(problems) if all(p is None for _, p in found)), 0)
    chosen, values = readable[best]
    notes = []
    if dayfirst is None and time_format is None and chosen:
        example = next((t for t in texts if t.strip()), "")
        notes.append(f"dates read day first ({example!r}); pass dayfirst or time_format to "
                     f"say so explicitly")
    for _positions, problem in problems[best]:
        if problem is None:
            continue
        what, i, before = problem
        if what == "duplicate":
            raise DataError(f"{row_where(i)}, column {name!r}: time {texts[i]!r} appears again "
                            f"(also row {table.rows[before]}); each series needs one row per "
                            f"time")
        hint = ""
        if kind == "datetime" and dayfirst is None and time_format is None and not chosen:
            hint = "; if the dates are day first (13/02/2022), pass dayfirst=True"
        raise DataError(f"{row_where(i)}, column {name!r}: time {texts[i]!r} does not come "
                        f"after the previous row's {texts[before]!r} (row {table.rows[before]}); "
                        f"sort the rows of each series by time{hint}")
    return values, kind, chosen, notes
