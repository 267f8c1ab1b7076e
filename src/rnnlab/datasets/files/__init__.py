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

import numpy as np

from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError
from rnnlab.datasets.files._read import PARQUET_SUFFIXES
from rnnlab.datasets.files.arrays import load_arrays
from rnnlab.datasets.files.text_files import TEXT_NAMES, load_text, load_text_classification
from rnnlab.datasets.files.timeseries import load_timeseries
from rnnlab.datasets.files.ts_format import load_ts, parse_ts, read_ts
from rnnlab.datasets.labelled import stack_if_equal

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


def _loader_for(path: Any, task: str | None, params: dict[str, Any],
                ) -> tuple[Callable[..., Dataset], dict[str, Any]]:
    """The loader :func:`from_file` uses for ``path`` (and the parameters it gets)."""
    source = Path(str(path))
    if task is not None and task not in FILE_TASKS:
        raise DataError(f"{path}: task must be one of {', '.join(FILE_TASKS)}, got {task!r}")
    if source.is_dir():
        return load_text_classification, params
    if not source.exists():
        raise DataError(f"{path}: no such file or folder")
    suffixes = "".join(source.suffixes[-2:]).lower()
    suffix = source.suffix.lower()
    if suffix == ".ts" or suffixes == ".ts.gz":
        return load_ts, params
    if suffix in (".npy", ".npz"):
        if task is not None:
            params["task"] = "forecast" if task == "forecast" else task
        return load_arrays, params
    if suffix in TEXT_SUFFIXES:
        if task not in (None, "sequence", "language_model"):
            raise DataError(f"{path}: a plain-text file is read for language modelling "
                            f"(task='sequence'); for labelled texts use a CSV or a folder per "
                            f"class")
        return load_text, params
    if suffix in TABLE_SUFFIXES:
        if task is None:
            task = "classify" if set(_header_names(source)) & set(TEXT_NAMES) else "forecast"
        if task == "classify":
            return load_text_classification, params
        if task in ("forecast", "regress"):
            return load_timeseries, params
        raise DataError(f"{path}: a table is read as a series (task='forecast') or as labelled "
                        f"texts (task='classify'), not task={task!r}")
    raise DataError(f"{path}: unknown file type {source.suffix or '(none)'!r}; expected .csv, "
                    f".tsv, .parquet, .txt, .npy, .npz, .ts or a folder per class")


def from_file(path: Any, task: str | None = None, *, tokenizer: Any = None,
              **params: Any) -> Dataset:
    """Load a user's file (or folder) as a :class:`Dataset`, choosing the loader by its kind.

    ``task`` picks between readings of a table: ``"forecast"`` (also ``"regress"``) for a
    time series, ``"classify"`` for labelled texts. Without it, a table with a column named
    like ``text``/``review``/``sentence`` is a text-classification table and anything else a
    series. ``params`` go to the loader (see the table in the module docstring).
    ``tokenizer`` (a trained model's) encodes text files with that model's vocabulary instead
    of one fitted on the file; numeric files ignore it.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "level.csv")
        >>> _ = open(path, "w").write("t,level\\n" + "".join(f"{i},{i % 5}\\n" for i in range(60)))
        >>> from_file(path, task="forecast", lookback=5).task
        'regress'
    """
    loader, params = _loader_for(path, task, dict(params))
    if tokenizer is not None and "tokenizer" in inspect.signature(loader).parameters:
        params["tokenizer"] = tokenizer
    return _call(loader, path, params)


#: What keeps a file whole and in its own order, for the loaders that split.
WHOLE_FILE = {"ratios": (1.0, 0.0, 0.0), "val_fraction": 0.0, "test_path": None}


def whole_file(path: Any, task: str | None = None, *, tokenizer: Any = None,
               **params: Any) -> Dataset:
    """Load every sequence of a file into ``ds.train``, in the file's order, for scoring or
    predicting with a trained model (``rnnlab evaluate`` / ``predict`` on a new file).

    Like :func:`from_file`, but nothing is held out: the split ratios become ``(1, 0, 0)``, no
    validation part is carved off, and a ``NAME_TRAIN.ts`` is not joined with its
    ``NAME_TEST.ts``. ``tokenizer`` (a trained model's) encodes text files with the model's
    own vocabulary. An ``.npz`` that holds its own train/val/test arrays keeps them in that
    order, one after another.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "reviews.csv")
        >>> rows = ["great fun,pos", "dull and slow,neg"] * 10
        >>> _ = open(path, "w").write("text,label\\n" + "\\n".join(rows))
        >>> whole_file(path).sizes()
        {'train': 20, 'val': 0, 'test': 0}
    """
    loader, _ = _loader_for(path, task, {})
    accepted = inspect.signature(loader).parameters
    params.update({k: v for k, v in WHOLE_FILE.items() if k in accepted})
    dataset = from_file(path, task, tokenizer=tokenizer, **params)
    if len(dataset.val[0]) or len(dataset.test[0]):   # an .npz with its own split arrays
        parts = (dataset.train, dataset.val, dataset.test)
        X = stack_if_equal([x for part in parts for x in part[0]])
        ys = [part[1] for part in parts]
        y = (np.concatenate(ys) if all(isinstance(t, np.ndarray) for t in ys)
             else [t for part in ys for t in part])
        dataset.train, dataset.val, dataset.test = (X, y), (X[:0], y[:0]), (X[:0], y[:0])
    return dataset


__all__ = [
    "from_file",
    "load_arrays",
    "load_text",
    "load_text_classification",
    "load_timeseries",
    "load_ts",
    "parse_ts",
    "read_ts",
    "whole_file",
]
