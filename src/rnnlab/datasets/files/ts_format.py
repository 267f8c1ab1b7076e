"""UEA/UCR ``.ts`` files (the sktime/aeon time-series classification format).

A ``.ts`` file has comment lines (``#``), header lines (``@problemName``, ``@dimensions``,
``@classLabel true 1 2 3``, ``@targetLabel true``, …) and, after ``@data``, one series per
line: the dimensions separated by ``:``, the values of each by ``,``, and the label last::

    1.5,1.7,1.2:0.3,0.1,0.4:cat

Supported: uni- and multivariate series, equal or unequal lengths, class labels or numeric
targets. Not supported (a clear error says so): time stamps and missing values (``?``).
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.datasets._checks import check_float, check_int
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError
from rnnlab.datasets.files._read import MAX_FLOAT32, decode, read_bytes
from rnnlab.datasets.labelled import labelled_dataset
from rnnlab.datasets.text import sorted_labels
from rnnlab.datasets.transforms.split import split_indices, take


@dataclass
class TsData:
    """Parsed ``.ts`` content.

    Attributes:
        series: one ``(time, dimensions)`` float64 array per line of data.
        labels: class labels as text, or numeric targets, or ``None`` when unlabelled.
        class_labels: the classes declared by ``@classLabel``, in their declared order.
        header: the ``@`` lines, keys lower-cased.
    """

    series: list[np.ndarray]
    labels: list[str] | list[float] | None
    class_labels: list[str] | None
    header: dict[str, str]

    @property
    def dimensions(self) -> int:
        return int(self.series[0].shape[1])


def _flag(header: dict[str, str], key: str, where: str) -> tuple[bool, list[str]]:
    words = header.get(key, "false").split()
    if not words or words[0].lower() not in ("true", "false"):
        raise DataError(f"{where}: @{key} must start with true or false, got "
                        f"{header.get(key, '')!r}")
    return words[0].lower() == "true", words[1:]


def _values(text: str, where: str, line: int, dimension: int) -> np.ndarray:
    cells = text.split(",")
    try:
        values = np.array(cells, dtype=np.float64)
    except ValueError:
        for cell in cells:
            if cell.strip() == "?":
                raise DataError(f"{where}: line {line}, dimension {dimension}: missing value "
                                f"'?'; impute missing values before loading") from None
            try:
                float(cell)
            except ValueError:
                what = "an empty value" if not cell.strip() else f"{cell.strip()[:30]!r}"
                raise DataError(f"{where}: line {line}, dimension {dimension}: {what} is not a "
                                f"number") from None
        raise  # pragma: no cover - float() and numpy agree on what a number is
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~(np.abs(values) <= MAX_FLOAT32))
    if bad.size:
        raise DataError(f"{where}: line {line}, dimension {dimension}: "
                        f"{cells[int(bad[0])].strip()[:30]!r} is not a finite number within "
                        f"float32's range (±3.4e38)")
    return values


def parse_ts(text: str, where: str) -> TsData:
    """Parse the text of a ``.ts`` file; ``where`` names it in error messages.

    Example:
        >>> data = parse_ts("@classLabel true a b\\n@data\\n1,2,3:4,5,6:a\\n7,8:9,10:b\\n", "x.ts")
        >>> [s.shape for s in data.series], data.labels
        ([(3, 2), (2, 2)], ['a', 'b'])
    """
    header: dict[str, str] = {}
    lines = text.split("\n")
    start = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith("@"):
            raise DataError(f"{where}: line {number}: expected a header line starting with '@' "
                            f"before @data, got {line[:30]!r}; is this a .ts file?")
        key, _, value = line[1:].partition(" ")
        if key.lower() == "data":
            start = number
            break
        header[key.lower()] = value.strip()
    if start is None:
        raise DataError(f"{where}: no @data line; expected a UEA/UCR .ts file")
    if _flag(header, "timestamps", where)[0]:
        raise DataError(f"{where}: @timeStamps true is not supported; save the series without "
                        f"time stamps")
    classified, declared = _flag(header, "classlabel", where)
    regressed = _flag(header, "targetlabel", where)[0]
    labelled = classified or regressed
    expected_dims = None
    if "dimensions" in header:
        try:
            expected_dims = int(header["dimensions"])
        except ValueError:
            raise DataError(f"{where}: @dimensions must be an integer, got "
                            f"{header['dimensions']!r}") from None
    series: list[np.ndarray] = []
    labels: list[Any] = []
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1].strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split(":")
        if labelled:
            if len(fields) < 2:
                raise DataError(f"{where}: line {number}: expected values then ':label', found "
                                f"no ':'")
            label, fields = fields[-1].strip(), fields[:-1]
            if classified:
                if declared and label not in declared:
                    raise DataError(f"{where}: line {number}: class label {label[:30]!r} is not "
                                    f"one of those declared by @classLabel "
                                    f"({', '.join(declared[:10])})")
                labels.append(label)
            else:
                try:
                    target = float(label)
                except ValueError:
                    target = float("nan")
                if not abs(target) <= MAX_FLOAT32:
                    raise DataError(f"{where}: line {number}: target {label[:30]!r} is not a "
                                    f"finite number")
                labels.append(target)
        expected = expected_dims if expected_dims is not None else (
            series[0].shape[1] if series else len(fields))
        if len(fields) != expected:
            raise DataError(f"{where}: line {number} has {len(fields)} dimensions, expected "
                            f"{expected}")
        columns = [_values(field, where, number, d + 1) for d, field in enumerate(fields)]
        if len({len(c) for c in columns}) > 1:
            raise DataError(f"{where}: line {number}: the dimensions have different lengths "
                            f"({', '.join(str(len(c)) for c in columns)}); each series needs "
                            f"one length")
        series.append(np.stack(columns, axis=1))
    if not series:
        raise DataError(f"{where}: no series after @data")
    return TsData(series, labels if labelled else None, declared or None, header)


def read_ts(path: Any, encoding: str = "utf-8") -> TsData:
    """Read a ``.ts`` file (or a gzip-compressed ``.ts.gz``).

    Example:
        >>> read_ts("nowhere.ts")
        Traceback (most recent call last):
        ...
        rnnlab.datasets.errors.DataError: nowhere.ts: no such file
    """
    where = str(path)
    data = read_bytes(path)
    if Path(path).suffix.lower() == ".gz" or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            raise DataError(f"{where}: not a valid gzip file") from None
    return parse_ts(decode(data, where, encoding), where)


def _paired_test_file(path: Path) -> Path | None:
    """``X_TRAIN.ts`` → ``X_TEST.ts`` (any case, optional ``.gz``) when it exists."""
    name = path.name
    index = name.upper().rfind("_TRAIN")
    if index < 0:
        return None
    for suffix in ("_TEST", "_test", "_Test"):
        candidate = path.with_name(name[:index] + suffix + name[index + len("_TRAIN"):])
        if candidate.is_file():
            return candidate
    return None


def _targets(data: TsData, where: str, classes: list[str] | None) -> np.ndarray:
    if data.labels is None:
        raise DataError(f"{where}: has no labels (@classLabel false and no @targetLabel); "
                        f"rnnlab needs labelled series")
    if classes is None:
        return np.asarray(data.labels, dtype=np.float32)
    unknown = sorted(set(data.labels) - set(classes))  # type: ignore[arg-type]
    if unknown:
        raise DataError(f"{where}: class {unknown[0]!r} does not occur in the training file")
    code = {label: i for i, label in enumerate(classes)}
    return np.array([code[label] for label in data.labels], dtype=np.int64)


def load_ts(path: Any, *, test_path: Any = "auto", val_fraction: float = 0.2,
            ratios: Any = (0.7, 0.15, 0.15), seed: int = 0, encoding: str = "utf-8") -> Dataset:
    """A UEA/UCR ``.ts`` file as a classification (or regression) dataset.

    With a test file — ``test_path``, or for ``NAME_TRAIN.ts`` a ``NAME_TEST.ts`` beside it
    (``test_path="auto"``) — the published split is kept and validation is carved from the
    training file (``val_fraction``, stratified). Without one, ``ratios`` splits the file.
    X is ``(n, time, dims)`` float32 when lengths agree, else a list of ``(time, dims)`` arrays.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "toy.ts")
        >>> lines = "\\n".join(f"{i},{i + 1},{i + 2}:{'ab'[i % 2]}" for i in range(20))
        >>> _ = open(path, "w").write("@classLabel true a b\\n@data\\n" + lines)
        >>> ds = load_ts(path)
        >>> ds.train[0].shape, ds.classes
        ((12, 3, 1), ['a', 'b'])
    """
    source = Path(str(path))
    owner = source.name
    val_fraction = check_float(owner, "val_fraction", val_fraction, minimum=0.0, maximum=0.9)
    seed = check_int(owner, "seed", seed, minimum=0)
    train = read_ts(source, encoding)
    if test_path == "auto":
        test_path = _paired_test_file(source)
    test = read_ts(test_path, encoding) if test_path is not None else None
    if test is not None and test.dimensions != train.dimensions:
        raise DataError(f"{test_path}: has {test.dimensions} dimensions, the training file "
                        f"{train.dimensions}")
    task = "classify" if train.class_labels is not None or (
        train.labels is not None and isinstance(train.labels[0], str)) else "regress"
    classes = None
    if task == "classify":
        classes = train.class_labels or sorted_labels(train.labels)
    y = _targets(train, str(source), classes)
    method = "stratified" if task == "classify" else "random"
    if test is not None:
        keep, val, _ = split_indices(len(y), (1.0 - val_fraction, val_fraction, 0.0),
                                     method=method, labels=y, seed=seed)
        splits = [(take(train.series, keep), y[keep]), (take(train.series, val), y[val]),
                  (test.series, _targets(test, str(test_path), classes))]
        split_text = (f"train/test files as given; validation = {val_fraction:g} of the "
                      f"training file")
    else:
        parts = split_indices(len(y), ratios, method=method, labels=y, seed=seed)
        splits = [(take(train.series, i), y[i]) for i in parts]
        split_text = f"{method} split of one file, ratios {tuple(ratios)}"
    info = {"description": f"UEA/UCR series from {source.name}"
                           + (f" and {Path(str(test_path)).name}" if test is not None else ""),
            "source": str(source), "licence": "the user's own data", "split": split_text,
            "problem": train.header.get("problemname")}
    return labelled_dataset(owner, task, splits, classes=classes, info=info)
