"""Loaders for the user's own files, and :func:`from_file`, which picks one.

=========================================  ==================  =============================
file                                       task                loader
=========================================  ==================  =============================
CSV/TSV/Parquet series                     ``"forecast"``      :func:`load_timeseries`
CSV/TSV/Parquet with text + label columns  ``"classify"``      :func:`load_text_classification`
folder with one sub-folder per class       ``"classify"``      :func:`load_text_classification`
plain text (``.txt``)                      ``"sequence"``      :func:`load_text`
``.npy`` series / ``.npz`` ``X``, ``y``    follows ``y``       :func:`load_arrays`
UEA/UCR ``.ts`` (``.ts.gz``)               ``"classify"``      :func:`load_ts`
=========================================  ==================  =============================

Every loader raises :class:`~rnnlab.datasets.errors.DataError` — one sentence naming the file
(and row and column where they apply) — for anything it cannot read.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError
from rnnlab.datasets.files._read import PARQUET_SUFFIXES
from rnnlab.datasets.files.arrays import load_arrays
from rnnlab.datasets.files.text_files import TEXT_NAMES, load_text, load_text_classification
from rnnlab.datasets.files.timeseries import load_timeseries
from rnnlab.datasets.files.ts_format import load_ts, parse_ts, read_ts

TABLE_SUFFIXES = (".csv", ".tsv", ".tab", *PARQUET_SUFFIXES)
TEXT_SUFFIXES = (".txt", ".text", ".md")
FILE_TASKS = ("forecast", "regress", "classify", "sequence", "language_model")


def _call(loader: Callable[..., Dataset], path: Any, params: dict[str, Any]) -> Dataset:
    accepted = [name for name, p in inspect.signature(loader).parameters.items()
                if p.kind is inspect.Parameter.KEYWORD_ONLY]
    for key in params:
        if key not in accepted:
            close = difflib.get_close_matches(key, accepted, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise DataError(f"{path}: {loader.__name__} takes no parameter {key!r}{hint}; "
                            f"valid parameters: {', '.join(accepted)}")
    return loader(path, **params)


def _header_names(path: Path) -> list[str]:
    """Column names, read cheaply, to guess the task; [] when unsure (the loader reports)."""
    try:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            import pyarrow.parquet as pq

            return [str(name) for name in pq.read_schema(path).names]
        with open(path, "rb") as handle:
            text = handle.read(65536).decode("utf-8", errors="replace")
    except Exception:  # any failure here is reported properly by the real loader
        return []
    header = next((line for line in text.split("\n") if line.strip()), "")
    for mark in (",", "\t", ";", "|"):
        header = header.replace(mark, "\x1f")
    return [name.strip().strip('"').lower() for name in header.split("\x1f")]


def from_file(path: Any, task: str | None = None, **params: Any) -> Dataset:
    """Load a user's file (or folder) as a :class:`Dataset`, choosing the loader by its kind.

    ``task`` picks between readings of a table: ``"forecast"`` (also ``"regress"``) for a
    time series, ``"classify"`` for labelled texts. Without it, a table with a column named
    like ``text``/``review``/``sentence`` is a text-classification table and anything else a
    series. ``params`` go to the loader (see the table in the module docstring).

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "level.csv")
        >>> _ = open(path, "w").write("t,level\\n" + "".join(f"{i},{i % 5}\\n" for i in range(60)))
        >>> from_file(path, task="forecast", lookback=5).task
        'regress'
    """
    source = Path(str(path))
    if task is not None and task not in FILE_TASKS:
        raise DataError(f"{path}: task must be one of {', '.join(FILE_TASKS)}, got {task!r}")
    if source.is_dir():
        return _call(load_text_classification, path, params)
    if not source.exists():
        raise DataError(f"{path}: no such file or folder")
    suffixes = "".join(source.suffixes[-2:]).lower()
    suffix = source.suffix.lower()
    if suffix == ".ts" or suffixes == ".ts.gz":
        return _call(load_ts, path, params)
    if suffix in (".npy", ".npz"):
        if task is not None:
            params["task"] = "forecast" if task == "forecast" else task
        return _call(load_arrays, path, params)
    if suffix in TEXT_SUFFIXES:
        if task not in (None, "sequence", "language_model"):
            raise DataError(f"{path}: a plain-text file is read for language modelling "
                            f"(task='sequence'); for labelled texts use a CSV or a folder per "
                            f"class")
        return _call(load_text, path, params)
    if suffix in TABLE_SUFFIXES:
        if task is None:
            task = "classify" if set(_header_names(source)) & set(TEXT_NAMES) else "forecast"
        if task == "classify":
            return _call(load_text_classification, path, params)
        if task in ("forecast", "regress"):
            return _call(load_timeseries, path, params)
        raise DataError(f"{path}: a table is read as a series (task='forecast') or as labelled "
                        f"texts (task='classify'), not task={task!r}")
    raise DataError(f"{path}: unknown file type {source.suffix or '(none)'!r}; expected .csv, "
                    f".tsv, .parquet, .txt, .npy, .npz, .ts or a folder per class")


__all__ = [
    "from_file",
    "load_arrays",
    "load_text",
    "load_text_classification",
    "load_timeseries",
    "load_ts",
    "parse_ts",
    "read_ts",
]
