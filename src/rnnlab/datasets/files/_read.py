"""Reading user files defensively: every failure becomes one :class:`DataError` sentence.

Rows in messages: for CSV/TSV, ``row N`` is line ``N`` of the file (the header is row 1), as
an editor or a spreadsheet numbers it; for Parquet, ``row N`` is the N-th data row.
"""

from __future__ import annotations

import csv
import difflib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError

MAX_FLOAT32 = float(np.finfo(np.float32).max)
DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
PARQUET_SUFFIXES = (".parquet", ".pq")


def read_bytes(path: Any) -> bytes:
    """The bytes of ``path``, or a DataError saying why they cannot be read.

    Example:
        >>> read_bytes("no-such-file.csv")
        Traceback (most recent call last):
        ...
        rnnlab.datasets.errors.DataError: no-such-file.csv: no such file
    """
    where = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{where}: is a folder, expected a file") from None
    except PermissionError:
        raise DataError(f"{where}: permission denied") from None
    except OSError as error:
        raise DataError(f"{where}: cannot be read ({error.strerror or error})") from None


def decode(data: bytes, where: str, encoding: str = "utf-8") -> str:
    """Decode text, refusing empty, binary and mis-encoded files with the line at fault.

    A UTF-8 byte-order mark is dropped. Windows and old-Mac line ends become ``\\n``.

    Example:
        >>> decode(b"a,b\\r\\n1,2\\r\\n", "x.csv")
        'a,b\\n1,2\\n'
    """
    if not data:
        raise DataError(f"{where}: the file is empty (0 bytes)")
    is_utf16 = encoding.lower().replace("-", "").startswith("utf16")
    if not is_utf16 and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError(f"{where}: is UTF-16 text; save it as UTF-8 or pass encoding='utf-16'")
    if not is_utf16 and b"\x00" in data[:65536]:
        offset = data.index(b"\x00")
        raise DataError(f"{where}: looks like a binary file (NUL byte at offset {offset}), "
                        f"expected {encoding} text")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        byte = data[error.start]
        raise DataError(f"{where}: line {line} is not valid {encoding} (byte 0x{byte:02x}); "
                        f"save the file as UTF-8 or pass encoding='latin-1' (or its real "
                        f"encoding)") from None
    except LookupError:
        raise DataError(f"{where}: unknown encoding {encoding!r}") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataError(f"{where}: the file holds only whitespace")
    return text


def read_text(path: Any, encoding: str = "utf-8") -> str:
    """:func:`read_bytes` then :func:`decode`.

    Example:
        >>> read_text("no-such-file.txt")
        Traceback (most recent call last):
        ...
        rnnlab.datasets.errors.DataError: no-such-file.txt: no such file
    """
    return decode(read_bytes(path), str(path), encoding)


@dataclass
class Table:
    """Columns of a CSV/TSV/Parquet file, with row numbers for messages.

    ``cells[j]`` holds column ``j``: an object array of strings (CSV) or a typed array
    (Parquet). ``rows[i]`` is the row number of data row ``i`` as messages state it.
    """

    where: str
    columns: list[str]
    cells: list[np.ndarray]
    rows: np.ndarray
    delimiter: str | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def find(self, name: Any, role: str = "column") -> int:
        """Index of column ``name``; a missing or misspelt name lists the real ones."""
        if isinstance(name, str) and name in self.columns:
            return self.columns.index(name)
        close = difflib.get_close_matches(str(name), self.columns, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        listed = ", ".join(repr(c) for c in self.columns[:20])
        more = ", …" if len(self.columns) > 20 else ""
        delimiter_hint = ""
        if len(self.columns) == 1:
            for mark, word in DELIMITERS.items():
                if mark != self.delimiter and mark in self.columns[0]:
                    delimiter_hint = (f"; the header looks {word}-separated, pass "
                                      f"delimiter={mark!r}")
                    break
        raise DataError(f"{self.where}: no {role} {name!r}{hint}; the columns are "
                        f"{listed}{more}{delimiter_hint}")

    def strings(self, index: int) -> list[str]:
        """Column ``index`` as text (missing values become ``""``)."""
        out = []
        for value in self.cells[index]:
            if value is None or (isinstance(value, float) and np.isnan(value)):
                out.append("")
            elif isinstance(value, bytes):
                out.append(value.decode("utf-8", errors="replace"))
            else:
                out.append(str(value))
        return out

    def numbers(self, index: int, hint: str = "") -> np.ndarray:
        """Column ``index`` as finite float64 values that also fit in float32.

        Raises DataError naming the first bad row: a non-number, a missing value, an infinity
        or a magnitude above float32's limit (3.4e38).
        """
        name = self.columns[index]
        column = self.cells[index]
        if column.dtype.kind in "biuf":
            values = column.astype(np.float64)
        else:
            try:
                values = np.array(column, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                values = self._parse_slowly(index, hint)
        missing = np.flatnonzero(np.isnan(values))
        if missing.size:
            rows = ", ".join(str(r) for r in self.rows[missing[:3]])
            plural = "s" if missing.size > 1 else ""
            raise DataError(f"{self.where}: column {name!r} has {missing.size} missing or NaN "
                            f"value{plural} (row{plural} {rows}{', …' if missing.size > 3 else ''})"
                            f"; drop or fill them")
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(~(np.abs(values) <= MAX_FLOAT32))
        if bad.size:
            i = int(bad[0])
            raw = column[i]
            spelled_inf = str(raw).strip().lstrip("+-").lower() in ("inf", "infinity")
            what = "is infinite" if spelled_inf else "is too large for float32 (±3.4e38)"
            raise DataError(f"{self.where}: row {self.rows[i]}, column {name!r}: "
                            f"{str(raw)[:40]!r} {what}; rescale or fix the value")
        return values

    def _parse_slowly(self, index: int, hint: str) -> np.ndarray:
        name = self.columns[index]
        values = np.empty(len(self), dtype=np.float64)
        for i, raw in enumerate(self.cells[index]):
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            try:
                values[i] = float(text)
                continue
            except (TypeError, ValueError, OverflowError):
                pass
            if text is None or (isinstance(text, str) and not text.strip()):
                raise DataError(f"{self.where}: row {self.rows[i]}, column {name!r} is empty; "
                                f"drop or fill the row{hint}")
            shown = text if isinstance(text, str) else type(text).__name__
            raise DataError(f"{self.where}: row {self.rows[i]}, column {name!r}: "
                            f"{shown[:40]!r} is not a number{hint}")
        return values

    def times(self, index: int) -> list[str]:
        """Check that column ``index`` holds strictly increasing numbers or dates; returns
        the values as text (for messages and ``info``)."""
        name = self.columns[index]
        texts = self.strings(index)
        column = self.cells[index]
        if column.dtype.kind == "M":
            order = column.astype("datetime64[ns]").astype(np.int64).astype(np.float64)
        else:
            try:
                order = np.array(texts, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                order = self._parse_dates(index, texts)
        if np.isnan(order).any():
            i = int(np.flatnonzero(np.isnan(order))[0])
            raise DataError(f"{self.where}: row {self.rows[i]}, column {name!r} is empty or NaN; "
                            f"every row needs a time")
        steps = np.diff(order)
        if steps.size and not np.all(steps > 0):
            i = int(np.flatnonzero(~(steps > 0))[0]) + 1
            raise DataError(f"{self.where}: row {self.rows[i]}, column {name!r}: time "
                            f"{texts[i]!r} does not come after the previous row's "
                            f"{texts[i - 1]!r}; sort the file by time (one series per file)")
        return texts

    def _parse_dates(self, index: int, texts: list[str]) -> np.ndarray:
        import pandas as pd  # only needed for dates

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                parsed = pd.to_datetime(pd.Series(texts, dtype=object), errors="coerce",
                                        format="mixed")
            except (ValueError, TypeError, OverflowError):
                parsed = pd.Series([pd.NaT] * len(texts))
        missing = np.flatnonzero(parsed.isna().to_numpy())
        if missing.size:
            i = int(missing[0])
            raise DataError(f"{self.where}: row {self.rows[i]}, column "
                            f"{self.columns[index]!r}: {texts[i][:40]!r} is neither a number "
                            f"nor a date")
        return parsed.to_numpy().astype("datetime64[ns]").astype(np.int64).astype(np.float64)


def _sniff(text: str) -> str:
    header = next((line for line in text.split("\n") if line.strip()), "")
    counts = {mark: header.count(mark) for mark in DELIMITERS}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] > 0 else ","


def _header(row: list[str], where: str) -> list[str]:
    names = [cell.strip() or f"unnamed_{i}" for i, cell in enumerate(row)]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(f"{where}: the column name {name!r} appears twice in the header; "
                            f"column names must be unique")
        seen.add(name)
    return names


#: The csv module's limit on one field (131,072 characters by default) would refuse a long
#: document in a text column; a field may be as long as the file.
FIELD_LIMIT = 2**31 - 1

#: What the csv module's errors mean, and what to do about them.
CSV_HINTS = (
    ("unexpected end of data", "a quoted field is still open at the end of the file (a "
                               "\" without its closing \"); close or remove that quote"),
    ("expected after", "a closing quote is followed by more text in the same field; write a "
                       "quote inside a quoted field as two quotes (\"\")"),
    ("new-line character seen in unquoted field", "a line break inside a field needs the "
                                                  "field in quotes"),
    ("line contains nul", "the file holds NUL bytes, so it is not a text table"),
)


def csv_rows(text: str, delimiter: str, where: str) -> tuple[list[list[str]], list[int]]:
    """The non-blank rows of CSV ``text`` and the line each starts on; fields of any length.

    Example:
        >>> csv_rows('a,b\\n"x, y",2\\n\\n', ",", "t.csv")
        ([['a', 'b'], ['x, y', '2']], [1, 2])
    """
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as error:
        message = str(error)
        hint = next((h for key, h in CSV_HINTS if key in message.lower()),
                    f"expected {DELIMITERS.get(delimiter, repr(delimiter))}-separated values")
        raise DataError(f"{where}: row {reader.line_num}: {message}; {hint}") from None
    return rows, lines


def read_csv(path: Any, delimiter: str | None = None, encoding: str = "utf-8") -> Table:
    """A CSV/TSV file with a header row, as a :class:`Table` of strings.

    ``delimiter=None`` takes a tab for ``.tsv``/``.tab`` files and otherwise the most frequent
    of ``, \\t ; |`` in the header line.

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
        >>> _ = open(path, "w").write("a,b\\n1,2\\n")
        >>> read_csv(path).columns
        ['a', 'b']
    """
    where = str(path)
    text = decode(read_bytes(path), where, encoding)
    if delimiter is None:
        delimiter = "\t" if Path(path).suffix.lower() in (".tsv", ".tab") else _sniff(text)
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\n\r\"":
        raise DataError(f"{where}: delimiter must be one character such as ',' or '\\t', "
                        f"got {delimiter!r}")
    rows, lines = csv_rows(text, delimiter, where)
    if not rows:
        raise DataError(f"{where}: the file holds no rows; expected a header and data rows")
    columns = _header(rows[0], where)
    if len(rows) == 1:
        raise DataError(f"{where}: has a header ({', '.join(map(repr, columns[:5]))}) but no "
                        f"data rows")
    data = rows[1:]
    widths = np.array([len(row) for row in data])
    ragged = np.flatnonzero(widths != len(columns))
    if ragged.size:
        i = int(ragged[0])
        raise DataError(f"{where}: row {lines[i + 1]} has {widths[i]} fields but the header has "
                        f"{len(columns)} ({DELIMITERS.get(delimiter, repr(delimiter))}-"
                        f"separated); fix the row or pass the right delimiter")
    cells = [np.array(column, dtype=object) for column in zip(*data, strict=True)]
    return Table(where, columns, cells, np.array(lines[1:]), delimiter)


def read_parquet(path: Any) -> Table:
    """A Parquet file as a :class:`Table` of typed columns (needs pyarrow).

    Example:
        >>> read_parquet("missing.parquet")
        Traceback (most recent call last):
        ...
        rnnlab.datasets.errors.DataError: missing.parquet: no such file
    """
    where = str(path)
    data = read_bytes(path)  # clear messages for missing, folder, permission
    if not data:
        raise DataError(f"{where}: the file is empty (0 bytes)")
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(f"{where}: reading Parquet needs pyarrow; pip install pyarrow") from None
    try:
        table = pq.read_table(io.BytesIO(data))
        columns = [str(name) for name in table.column_names]
        cells = [np.asarray(table.column(i).to_numpy(zero_copy_only=False))
                 for i in range(table.num_columns)]
    except Exception as error:  # pyarrow raises many types for corrupt input
        raise DataError(f"{where}: not a readable Parquet file ({type(error).__name__}); "
                        f"expected a Parquet table") from None
    if not columns:
        raise DataError(f"{where}: the Parquet file has no columns")
    columns = _header(columns, where)
    if table.num_rows == 0:
        raise DataError(f"{where}: has columns ({', '.join(map(repr, columns[:5]))}) but no "
                        f"data rows")
    return Table(where, columns, cells, np.arange(1, table.num_rows + 1))


def read_table(path: Any, delimiter: str | None = None, encoding: str = "utf-8") -> Table:
    """:func:`read_parquet` for ``.parquet``/``.pq`` files, else :func:`read_csv`.

    Example:
        >>> read_table("absent.tsv")
        Traceback (most recent call last):
        ...
        rnnlab.datasets.errors.DataError: absent.tsv: no such file
    """
    if Path(path).suffix.lower() in PARQUET_SUFFIXES:
        return read_parquet(path)
    return read_csv(path, delimiter, encoding)
