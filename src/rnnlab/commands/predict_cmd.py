"""``rnnlab predict``: a saved model's predictions for some inputs, written as CSV.

Inputs, by what DATA is:

* a built-in dataset, or the file the model was trained on: a split of it (``--split``);
* ``.npy`` (``X``) or ``.npz`` (``X``, optional ``y`` and ``lengths``): the arrays as they are;
* ``.csv``/``.tsv``: for a text model, one text per row (a column named like ``text``, or the
  first one), encoded with the tokenizer stored by ``rnnlab train``; otherwise one sequence per
  row, its numbers the time steps one after another (``t0 f0, t0 f1, …, t1 f0, …``), so a row
  holds ``time × features`` values.

Columns of the output: ``index``, then ``prediction`` (the class label, or the value;
``prediction_0``, … for several outputs) and ``p_<class>`` per class for a classifier, and
``target`` when the inputs come with targets. A per-step model writes one row per step with a
``step`` column. A forecasting model writes the split's rolling-origin forecasts instead, dated
and in the data's units (:mod:`rnnlab.commands.forecast_cmd`).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.commands.common import (
    TRAIN_TASKS,
    check_choice,
    check_fit,
    console,
    data_for_model,
    is_file_argument,
    load_model,
)
from rnnlab.commands.forecast_cmd import is_forecasting, predict_forecaster
from rnnlab.commands.inspect_export import CommandError, read_inputs

TABLE_SUFFIXES = (".csv", ".tsv")


def _count(X: Any) -> int:
    return int(X.shape[0]) if hasattr(X, "shape") else len(X)


def predict_command(model_path: Path, data: str, *, out: Path, split: str = "test",
                    task: str | None = None, params: dict[str, Any] | None = None) -> Path:
    """Write the model's predictions for ``data`` to the CSV file ``out``; returns ``out``."""
    check_choice("split", split, ("train", "val", "test"))
    if task is not None:
        check_choice("task", task, TRAIN_TASKS)
    model, record = load_model(model_path)
    if is_forecasting(record):   # dated forecasts of the split, in original units
        return predict_forecaster(model_path, data, out, split, params)
    X, y = _inputs(model, record, model_path, data, split, task, dict(params or {}))
    if _count(X) == 0:
        raise CommandError(f"{data} holds no sequences to predict")
    rows, header = _rows(model, X, y, record.get("classes"))
    out = Path(out)
    if out.is_dir():
        raise CommandError(f"--out {out} is a folder; give a file name such as predictions.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    console().print(f"wrote {len(rows)} predictions for {_count(X)} sequences to {out}")
    return out


def _inputs(model: Any, record: dict, model_path: Path, data: str, split: str,
            task: str | None, params: dict[str, Any]) -> tuple[Any, Any]:
    path = Path(data)
    suffix = path.suffix.lower()
    trained_on = record.get("kind") == "file" and path.exists() and str(
        path.resolve()) == record.get("source")
    if not is_file_argument(data) or trained_on or (
            suffix not in (".npy", ".npz", *TABLE_SUFFIXES) and path.exists()):
        dataset = data_for_model(data, record, params, task)
        check_fit(model, dataset, model_path)
        return getattr(dataset, split)
    if not path.exists():
        raise CommandError(f"data file {data} does not exist; give a .npy, .npz or .csv file "
                           f"or a built-in dataset name")
    if suffix in (".npy", ".npz"):
        X, y = read_inputs(path)
    elif suffix in TABLE_SUFFIXES:
        X, y = _read_table(model, path)
    else:
        raise CommandError(f"{data}: cannot predict from a {suffix or 'suffix-less'} file; "
                           f"expected .npy, .npz, .csv or a built-in dataset name")
    _check_arrays(model, model_path, path, X)
    return X, y


def _check_arrays(model: Any, model_path: Path, path: Path, X: Any) -> None:
    first = np.asarray(X[0]) if _count(X) else None
    if first is None:
        return
    if model.tokens:
        if first.ndim != 1 or first.dtype.kind not in "iu":
            raise CommandError(f"{path}: {model_path} reads token ids, so X must be integers "
                               f"(n, time); got {first.dtype} steps of shape {first.shape[1:]}")
        top = max(int(np.max(x)) if len(x) else 0 for x in X)
        if top >= model.vocab_size or min(int(np.min(x)) if len(x) else 0 for x in X) < 0:
            raise CommandError(f"{path}: token ids must lie in 0…{model.vocab_size - 1} for "
                               f"{model_path}, found {top}")
        return
    features = first.shape[-1] if first.ndim == 2 else None
    if features != model.features:
        got = f"{features} features per step" if features else f"shape {tuple(first.shape)}"
        raise CommandError(f"{path}: {model_path} expects (n, time, {model.features}) inputs "
                           f"but got {got}")


def _read_table(model: Any, path: Path) -> tuple[Any, None]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.reader(handle, delimiter=delimiter) if row]
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text; expected a CSV file") from None
    if not rows:
        raise CommandError(f"{path} is empty; expected one sequence (or text) per row")
    if model.tokens:
        return _encode_texts(model, path, rows), None
    try:
        [float(v) for v in rows[0]]
    except ValueError:
        rows = rows[1:]        # a header row
    try:
        values = np.array([[float(v) for v in row] for row in rows], dtype=np.float32)
    except ValueError:
        raise CommandError(f"{path} holds non-numeric values or rows of different lengths; "
                           f"expected one sequence per row, time × features numbers") from None
    if values.ndim != 2 or values.shape[0] == 0:
        raise CommandError(f"{path} has no rows of numbers; expected one sequence per row")
    features = model.features
    if values.shape[1] % features:
        raise CommandError(f"{path} rows hold {values.shape[1]} numbers, not a multiple of the "
                           f"{features} features per step the model expects")
    return values.reshape(len(values), -1, features), None


def _encode_texts(model: Any, path: Path, rows: list[list[str]]) -> list[np.ndarray]:
    from rnnlab.datasets.files.text_files import TEXT_NAMES

    tokenizer = getattr(model, "tokenizer", None)
    if tokenizer is None:
        raise CommandError(f"{path}: the model file has no tokenizer (it was not written by "
                           f"`rnnlab train`), so text cannot be turned into ids; give a .npz "
                           f"of token ids instead")
    header = [name.strip().lower() for name in rows[0]]
    column = next((header.index(n) for n in TEXT_NAMES if n in header), None)
    body = rows[1:] if column is not None else rows
    column = column or 0
    texts = [row[column] if column < len(row) else "" for row in body]
    return [np.asarray(tokenizer.encode(text), dtype=np.int64) for text in texts]


def _rows(model: Any, X: Any, y: Any, names: list[str] | None = None,
          ) -> tuple[list[list[Any]], list[str]]:
    outputs = model.predict(X)
    labels = model._labels() if model.is_classifier else None
    if labels is not None and names and len(names) == len(labels) and [
            _plain(v) for v in labels] == list(range(len(names))):
        # Trained on class codes: show the data's class names, for targets too.
        labels = np.asarray(names)
        if y is not None and model.output_mode == "sequence":   # -1: a step with no target
            y = [[labels[v] if v >= 0 else "" for v in np.asarray(t, dtype=np.int64)]
                 for t in y]
        elif y is not None:
            y = labels[np.asarray(y, dtype=np.int64).reshape(-1)]
    has_target = y is not None
    if model.output_mode == "sequence":
        header = ["index", "step", "prediction"] + (["target"] if has_target else [])
        rows = []
        for i, out in enumerate(outputs):
            out = np.asarray(out)
            for t in range(len(out)):
                value = labels[int(np.argmax(out[t]))] if labels is not None else _one(out[t])
                row = [i, t, _plain(value)]
                if has_target:
                    row.append(_plain(np.asarray(y[i])[t]))
                rows.append(row)
        return rows, header
    outputs = np.asarray(outputs)
    if labels is not None:
        header = ["index", "prediction", *(f"p_{c}" for c in labels)]
        rows = [[i, _plain(labels[int(np.argmax(p))]), *(f"{v:.6g}" for v in p)]
                for i, p in enumerate(outputs)]
    else:
        values = outputs.reshape(len(outputs), -1)
        names = ["prediction"] if values.shape[1] == 1 else [
            f"prediction_{k}" for k in range(values.shape[1])]
        header = ["index", *names]
        rows = [[i, *(f"{v:.6g}" for v in row)] for i, row in enumerate(values)]
    if has_target:
        targets = np.asarray(y)
        flat = targets.reshape(len(targets), -1) if targets.ndim > 1 else targets[:, None]
        header += ["target"] if flat.shape[1] == 1 else [f"target_{k}" for k in
                                                         range(flat.shape[1])]
        for row, target in zip(rows, flat, strict=False):
            row.extend(_plain(v) for v in target)
    return rows, header


def _one(values: np.ndarray) -> Any:
    values = np.atleast_1d(values)
    return values[0] if len(values) == 1 else " ".join(f"{v:.6g}" for v in values)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    return f"{value:.6g}" if isinstance(value, float) else value
