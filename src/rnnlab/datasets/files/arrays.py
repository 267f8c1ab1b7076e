"""NumPy ``.npy`` and ``.npz`` files → datasets. Nothing is ever unpickled.

* ``.npy`` holding a ``(time,)`` or ``(time, features)`` series → forecasting windows.
* ``.npz`` holding ``X`` and ``y`` (split by ``ratios``), or ``X_train``, ``y_train``,
  ``X_test``, ``y_test`` and optionally ``X_val``, ``y_val`` (the given split is kept; without
  a validation pair, ``val_fraction`` of training is carved off). Key names are
  case-insensitive. ``X`` is ``(n, time, features)`` or ``(n, time)``; an optional
  ``lengths`` (or ``lengths_train`` …) array marks right-padded sequences' true lengths.

The task follows ``y`` unless ``task`` says otherwise: integer or string ``(n,)`` →
``classify``, float → ``regress``, integer ``(n, time)`` → ``sequence`` (per-step labels, -1 for
none). String labels (NumPy ``<U``/``S`` arrays, which ``np.load`` reads without unpickling)
are class names, as in the Python API.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.datasets._checks import check_choice, check_float, check_int
from rnnlab.datasets.baselines import sequence_baseline
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError
from rnnlab.datasets.files._read import MAX_FLOAT32, read_bytes
from rnnlab.datasets.forecasting import forecast_dataset
from rnnlab.datasets.labelled import labelled_dataset, stack_if_equal
from rnnlab.datasets.text import sorted_labels
from rnnlab.datasets.transforms.split import split_indices, take

TASKS = ("classify", "regress", "sequence", "forecast")


NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = b"PK\x03\x04"


def _what_else(data: bytes) -> str:
    """A name for bytes that are neither .npy nor .npz, from their first bytes."""
    if data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "holds a Python pickle, which rnnlab never unpickles"
    if data[:64].isascii():
        return "holds text, not NumPy arrays"
    return "is not a NumPy file (it lacks the .npy and .npz signatures)"


def read_numpy(path: Any) -> dict[str, np.ndarray]:
    """The arrays of a ``.npy`` (key ``""``) or ``.npz`` file, never unpickling anything.

    The format is decided by the file's first bytes (the ``.npy`` or zip signature), not its
    name; anything else is refused as what it looks like, and an array of Python objects as
    such — numpy's hint to load those with ``allow_pickle`` is never passed on.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "junk.npy")
        >>> _ = open(path, "wb").write(bytes(range(255, -1, -1)))
        >>> try:
        ...     read_numpy(path)
        ... except DataError as error:
        ...     print(str(error).split(": ", 1)[1][:59])
        is not a NumPy file (it lacks the .npy and .npz signatures)
    """
    where = str(path)
    data = read_bytes(path)
    if not data:
        raise DataError(f"{where}: the file is empty (0 bytes)")
    if not data.startswith((NPY_MAGIC, ZIP_MAGIC)):
        raise DataError(f"{where}: {_what_else(data)}; save arrays with np.save or np.savez")
    kind = ".npy" if data.startswith(NPY_MAGIC) else ".npz"
    try:
        loaded = np.load(io.BytesIO(data), allow_pickle=False)
        if isinstance(loaded, np.ndarray):
            return {"": loaded}
        with loaded:
            arrays = {key: loaded[key] for key in loaded.files}
    except ValueError as error:
        if "pickle" in str(error) or "Object arrays" in str(error):
            raise DataError(f"{where}: holds Python objects, which rnnlab never unpickles (an "
                            f"array of dtype object); save plain numeric arrays") from None
        raise DataError(f"{where}: is a damaged {kind} file; save it again with "
                        f"{'np.save' if kind == '.npy' else 'np.savez'}") from None
    except Exception:  # zipfile, EOF and format errors all mean a damaged file
        raise DataError(f"{where}: is a damaged {kind} file; save it again with "
                        f"{'np.save' if kind == '.npy' else 'np.savez'}") from None
    if kind == ".npz" and not arrays:
        raise DataError(f"{where}: the .npz file holds no arrays")
    return arrays


def _numeric(array: np.ndarray, where: str, name: str) -> np.ndarray:
    if array.dtype.kind not in "biuf":
        raise DataError(f"{where}: array {name!r} has dtype {array.dtype}, expected numbers")
    if array.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~(np.abs(array) <= MAX_FLOAT32)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            value = array[index].item()
            raise DataError(f"{where}: array {name!r} at index {index} holds {value!r}, expected "
                            f"a finite number within float32's range")
    return array


def _sequences(X: np.ndarray, lengths: np.ndarray | None, where: str, key: str) -> list:
    """Rows of ``X`` ``(n, time, features)`` as a list, cut to ``lengths`` when given."""
    X = _numeric(X, where, key)
    if X.ndim == 2:
        X = X[:, :, None]
    if X.ndim != 3 or 0 in X.shape:
        raise DataError(f"{where}: array {key!r} has shape {X.shape}, expected (n, time, "
                        f"features) or (n, time) with n, time, features ≥ 1")
    if lengths is None:
        return list(X)
    lengths = _numeric(lengths, where, "lengths")
    if lengths.shape != (X.shape[0],) or lengths.dtype.kind not in "iu":
        raise DataError(f"{where}: lengths must be {X.shape[0]} integers, one per sequence, "
                        f"got shape {lengths.shape} dtype {lengths.dtype}")
    if lengths.min() < 1 or lengths.max() > X.shape[1]:
        raise DataError(f"{where}: lengths must lie in 1…{X.shape[1]}")
    return [X[i, :int(n)] for i, n in enumerate(lengths)]


def _pick(arrays: dict[str, np.ndarray], *names: str) -> np.ndarray | None:
    lowered = {key.lower(): key for key in arrays}
    for name in names:
        if name in lowered:
            return arrays[lowered[name]]
    return None


def _labels(y: np.ndarray, where: str) -> np.ndarray:
    """String class names as ``str`` (bytes decoded as UTF-8), one per sequence."""
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise DataError(f"{where}: string labels y must be one per sequence, (n,), got shape "
                        f"{y.shape}")
    if y.dtype.kind == "S":
        try:
            y = np.char.decode(y, "utf-8")
        except UnicodeDecodeError:
            raise DataError(f"{where}: the byte-string labels in y are not UTF-8 text") from None
    empty = np.flatnonzero(np.char.str_len(np.char.strip(y)) == 0)
    if empty.size:
        raise DataError(f"{where}: label {int(empty[0])} of y is empty; every sequence needs a "
                        f"class name")
    return np.char.strip(y)


def _infer_task(y: np.ndarray, n_steps: int, task: str | None, where: str) -> str:
    if y.dtype.kind == "U":
        if task not in (None, "classify"):
            raise DataError(f"{where}: y holds class names (strings), so the task is "
                            f"'classify', not {task!r}")
        return "classify"
    if task is not None:
        return task
    if y.dtype.kind in "biu":
        return "sequence" if y.ndim == 2 and y.shape[1] == n_steps else "classify"
    return "regress"


def load_arrays(path: Any, *, task: str | None = None, lookback: int = 24, horizon: int = 1,
                stride: int = 1, ratios: Any = (0.7, 0.15, 0.15), scale: str | None = "zscore",
                val_fraction: float = 0.2, seed: int = 0) -> Dataset:
    """Load a ``.npy`` series or an ``.npz`` of ``X``/``y`` arrays (see the module docstring).

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "data.npz")
        >>> rng = np.random.default_rng(0)
        >>> np.savez(path, X=rng.normal(size=(50, 7, 3)), y=rng.integers(0, 2, 50))
        >>> ds = load_arrays(path)
        >>> ds.task, ds.train[0].shape, ds.classes
        ('classify', (36, 7, 3), ['0', '1'])
    """
    where = str(path)
    owner = Path(where).name
    if task is not None:
        check_choice(owner, "task", task, TASKS)
    val_fraction = check_float(owner, "val_fraction", val_fraction, minimum=0.0, maximum=0.9)
    seed = check_int(owner, "seed", seed, minimum=0)
    arrays = read_numpy(path)
    X, y, train_X = _pick(arrays, "x", ""), _pick(arrays, "y"), _pick(arrays, "x_train")
    if task == "forecast" or (train_X is None and y is None and len(arrays) == 1):
        series = X if X is not None else next(iter(arrays.values()))
        return _series_dataset(series, where, owner, task, lookback, horizon, stride, ratios,
                               scale)
    if train_X is not None:
        y_train, X_test, y_test = (_pick(arrays, name) for name in ("y_train", "x_test",
                                                                    "y_test"))
        if y_train is None or X_test is None or y_test is None:
            raise DataError(f"{where}: has X_train but not all of y_train, X_test, y_test "
                            f"(keys: {', '.join(sorted(arrays))})")
        groups = [(train_X, y_train, _pick(arrays, "lengths_train")),
                  (_pick(arrays, "x_val"), _pick(arrays, "y_val"), _pick(arrays, "lengths_val")),
                  (X_test, y_test, _pick(arrays, "lengths_test"))]
    elif X is not None and y is not None:
        groups = [(X, y, _pick(arrays, "lengths"))]
    else:
        raise DataError(f"{where}: expected arrays X and y (or X_train, y_train, X_test, "
                        f"y_test), found {', '.join(sorted(arrays)) or 'none'}")
    sequences, targets, steps = [], [], []
    for index, (Xg, yg, lengths) in enumerate(groups):
        if Xg is None or yg is None:
            sequences.append(None)
            targets.append(None)
            steps.append(None)
            continue
        seqs = _sequences(Xg, lengths, where, "X" if len(groups) == 1 else
                          ("X_train", "X_val", "X_test")[index])
        yg = np.asarray(yg)
        yg = _labels(yg, where) if yg.dtype.kind in "US" else _numeric(yg, where, "y")
        if yg.ndim == 0 or yg.shape[0] != len(seqs):
            raise DataError(f"{where}: X holds {len(seqs)} sequences but y has shape "
                            f"{yg.shape}; expected one target per sequence")
        if yg.ndim == 2 and yg.shape[1] == 1 and yg.dtype.kind in "biu":
            yg = yg[:, 0]  # (n, 1) class labels, as Keras users often save them
        sequences.append(seqs)
        targets.append(yg)
        steps.append(Xg.shape[1])
    present = [t for t in targets if t is not None]
    if len({t.shape[1:] for t in present}) > 1 or any(0 in t.shape[1:] for t in present):
        shapes = ", ".join(str(t.shape) for t in present)
        raise DataError(f"{where}: the target arrays have shapes {shapes}; every split needs "
                        f"targets of one non-empty shape per sequence")
    if len({t.dtype.kind == "U" for t in present}) > 1:
        raise DataError(f"{where}: some target arrays hold class names (strings) and others "
                        f"numbers; use one kind of label in every split")
    task = _infer_task(targets[0], steps[0], task, where)
    if task == "forecast":  # pragma: no cover - handled above
        raise DataError(f"{where}: task='forecast' needs a single series")
    return _labelled(sequences, targets, steps, task, where, owner, ratios, val_fraction, seed)


def _series_dataset(series: np.ndarray | None, where: str, owner: str, task: str | None,
                    lookback: int, horizon: int, stride: int, ratios: Any,
                    scale: str | None) -> Dataset:
    if task not in (None, "forecast", "regress"):
        raise DataError(f"{where}: holds one array without labels, which rnnlab can only use "
                        f"as a series to forecast; save X and y with np.savez(path, X=X, y=y)")
    if series is None:
        raise DataError(f"{where}: task='forecast' needs an array X holding the series")
    series = _numeric(np.asarray(series), where, "X")
    if series.ndim == 1:
        series = series[:, None]
    if series.ndim != 2:
        raise DataError(f"{where}: a series must be (time,) or (time, features), got shape "
                        f"{series.shape}; for labelled sequences save X and y together")
    columns = [f"x{j}" for j in range(series.shape[1])]
    info = {"description": f"forecast every column of {owner}", "source": where,
            "licence": "the user's own data"}
    return forecast_dataset(owner, series.astype(np.float64), columns=columns,
                            targets=list(range(len(columns))), lookback=lookback,
                            horizon=horizon, stride=stride, ratios=ratios, scale=scale, info=info)


def _labelled(sequences: list, targets: list, steps: list, task: str, where: str, owner: str,
              ratios: Any, val_fraction: float, seed: int) -> Dataset:
    all_y = np.concatenate([t.ravel() for t in targets if t is not None])
    classes = None
    if all_y.dtype.kind == "U":
        names = sorted_labels(all_y.tolist())
        if len(names) < 2:
            raise DataError(f"{where}: y holds one class only; a classifier needs at least two")
        code = {name: i for i, name in enumerate(names)}
        targets = [None if t is None else np.array([code[v] for v in t.tolist()],
                                                   dtype=np.int64) for t in targets]
        all_y, classes = np.arange(len(names)), names
    elif task in ("classify", "sequence"):
        if np.any(all_y != np.round(all_y)):
            raise DataError(f"{where}: task={task!r} needs integer labels in y")
    if task == "classify" and classes is None:
        if any(t.ndim != 1 for t in targets if t is not None):
            raise DataError(f"{where}: classification labels y must be one per sequence, (n,)")
        values = np.unique(all_y)
        if len(values) < 2:
            raise DataError(f"{where}: y holds one class only; a classifier needs at least two")
        classes = [str(int(v)) for v in values]
        targets = [None if t is None else np.searchsorted(values, t).astype(np.int64)
                   for t in targets]
    elif task == "sequence":
        for t, n_steps in zip(targets, steps, strict=True):
            if t is not None and (t.ndim != 2 or t.shape[1] != n_steps):
                raise DataError(f"{where}: per-step labels y must be (n, time) = (n, {n_steps}) "
                                f"like X, got {t.shape}")
        if all_y.min() < -1 or all_y.max() < 0:
            raise DataError(f"{where}: per-step labels must be ≥ 0, or -1 for 'no target', and "
                            f"some step must have a target")
        classes = [str(k) for k in range(int(all_y.max()) + 1)]
    if len(sequences) == 1:
        method = "stratified" if task == "classify" else "random"
        parts = split_indices(len(sequences[0]), ratios, method=method, labels=targets[0],
                              seed=seed)
        splits = [(take(sequences[0], i), targets[0][i]) for i in parts]
    else:
        if sequences[1] is None:
            method = "stratified" if task == "classify" else "random"
            keep, val, _ = split_indices(len(sequences[0]), (1 - val_fraction, val_fraction, 0),
                                         method=method, labels=targets[0], seed=seed)
            sequences[1], targets[1] = take(sequences[0], val), targets[0][val]
            sequences[0], targets[0] = take(sequences[0], keep), targets[0][keep]
        splits = list(zip(sequences, targets, strict=True))
    features = {s[0].shape[-1] for s, _ in splits if len(s)}
    if len(features) > 1:
        raise DataError(f"{where}: the splits have different feature counts "
                        f"({', '.join(map(str, sorted(features)))})")
    info = {"description": f"arrays from {owner}", "source": where,
            "licence": "the user's own data"}
    if task != "sequence":
        return labelled_dataset(owner, task, splits, classes=classes, info=info)
    packed = []
    for seqs, y in splits:
        stacked = stack_if_equal(seqs)
        if isinstance(stacked, list):  # cut the padded labels to each sequence's length
            packed.append((stacked, [y[i, :len(x)].astype(np.int64) for i, x in enumerate(seqs)]))
        else:
            packed.append((stacked, y.astype(np.int64)))
    return Dataset(name=owner, task="sequence", train=packed[0], val=packed[1], test=packed[2],
                   baseline=sequence_baseline(packed[0][1], packed[2][1], len(classes)),
                   info=info, classes=classes)
