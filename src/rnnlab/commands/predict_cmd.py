"""``rnnlab predict``: a saved model's predictions for some inputs, written as CSV.

Inputs, by what DATA is (every file is used whole, in its own order, unless ``--split`` asks
for a part of it; see :mod:`rnnlab.commands.selection`):

* a built-in dataset: its ``--split`` (default ``test``);
* ``.npy`` (``X``) or ``.npz`` (``X``, optional ``y`` and ``lengths``): the arrays as they are;
* ``.csv``/``.tsv``: for a text model, one text per row (a column named like ``text``, or the
  first one), encoded with the model's tokenizer, and the label column, if there is one, as the
  target; otherwise one sequence per row, its numbers the time steps one after another
  (``t0 f0, t0 f1, …, t1 f0, …``), so a row holds ``time × features`` values (rows may differ in
  length; a header row and an ``id`` column are recognised);
* any other file the model can read (``.ts``, ``.txt``, Parquet, a folder per class, the
  model's own training file): read as ``rnnlab train`` reads it, with the model's tokenizer.

Columns of the output: ``index`` (the sequence's position in the input, 0 = first), the
input's ``id`` column when a table has one (a column named ``id`` or ``…_id``) and, for text
models, its ``text``; then ``prediction`` (the class name, or the value; ``prediction_0``, …
for several outputs) and ``p_<class>`` per class for a classifier, and ``target`` when the
inputs come with targets. A per-step model writes one row per step with a ``step`` column.
A forecasting model writes the split's rolling-origin forecasts instead (default: the test
part), dated and in the data's units (:mod:`rnnlab.commands.forecast_cmd`).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.commands.common import TRAIN_TASKS, check_choice, console, is_file_argument, load_model
from rnnlab.commands.forecast_cmd import is_forecasting, predict_forecaster
from rnnlab.commands.inspect_export import CommandError, read_inputs
from rnnlab.commands.selection import model_class_names, same_file, select

TABLE_SUFFIXES = (".csv", ".tsv")


def _count(X: Any) -> int:
    return int(X.shape[0]) if hasattr(X, "shape") else len(X)


def predict_command(model_path: Path, data: str, *, out: Path, split: str | None = None,
                    task: str | None = None, params: dict[str, Any] | None = None) -> Path:
    """Write the model's predictions for ``data`` to the CSV file ``out``; returns ``out``."""
    if task is not None:
        check_choice("task", task, TRAIN_TASKS)
    model, record = load_model(model_path)
    if is_forecasting(record):   # dated forecasts of the split, in original units
        return predict_forecaster(model_path, data, out, split or "test", params)
    names = model_class_names(model, record)
    X, targets, carried, note = _inputs(model, record, Path(model_path), data, split, task,
                                        dict(params or {}), names)
    if _count(X) == 0:
        raise CommandError(f"{data} holds no sequences to predict")
    out = Path(out)
    if out.is_dir():
        raise CommandError(f"--out {out} is a folder; give a file name such as predictions.csv")
    rows, header = _rows(model, X, targets, names, carried)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    show = console()
    show.print(f"wrote {len(rows)} predictions for {_count(X)} sequences to {out}")
    if note:
        show.print(f"note: {note}")
    return out


def _inputs(model: Any, record: dict, model_path: Path, data: str, split: str | None,
            task: str | None, params: dict[str, Any], names: list[str] | None,
            ) -> tuple[Any, Any, dict[str, list], str]:
    """``(X, display-ready targets or None, carried columns, note)``."""
    path = Path(data)
    suffix = path.suffix.lower()
    raw = suffix in (".npy", ".npz") or (suffix in TABLE_SUFFIXES and (
        model.tokens or not same_file(data, record)))
    if not is_file_argument(data) or split is not None or not raw:
        chosen = select(model, record, model_path, data, split, task, params)
        return chosen.X, _named_targets(model, chosen.y, names), {}, chosen.note
    if not path.exists():
        raise CommandError(f"data file {data} does not exist; give a .npy, .npz or .csv file "
                           f"or a built-in dataset name")
    if suffix in TABLE_SUFFIXES:
        X, targets, carried = _read_table(model, model_path, path)
        return X, targets, carried, ""
    X, y = read_inputs(path)
    _check_arrays(model, model_path, path, X)
    return X, y, {}, ""


def _named_targets(model: Any, y: Any, names: list[str] | None) -> Any:
    """Class indices → the model's class names (``""`` for a step without a target)."""
    if y is None or names is None or not model.is_classifier:
        return y
    labels = np.asarray(names, dtype=object)
    if model.output_mode == "sequence":
        return [[labels[v] if v >= 0 else "" for v in np.asarray(t, dtype=np.int64)]
                for t in y]
    return labels[np.asarray(y, dtype=np.int64).reshape(-1)]


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


# ---------------------------------------------------------------------- tables
def _id_column(header: list[str]) -> int | None:
    lowered = [name.strip().lower() for name in header]
    return next((i for i, name in enumerate(lowered) if name == "id" or name.endswith("_id")),
                None)


def _read_table(model: Any, model_path: Path, path: Path) -> tuple[Any, Any, dict[str, list]]:
    from rnnlab.datasets.errors import DataError
    from rnnlab.datasets.files._read import csv_rows, decode, read_bytes

    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        rows, lines = csv_rows(decode(read_bytes(path), str(path)), delimiter, str(path))
    except DataError as error:
        raise CommandError(str(error)) from None
    if not rows:
        raise CommandError(f"{path} is empty; expected one sequence (or text) per row")
    if model.tokens:
        return _encode_texts(model, model_path, path, rows)
    return _numeric_rows(model, model_path, path, rows, lines)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _numeric_rows(model: Any, model_path: Path, path: Path, rows: list[list[str]],
                  lines: list[int]) -> tuple[Any, None, dict[str, list]]:
    header = None if all(_is_number(v) for v in rows[0] if v.strip()) else rows[0]
    body, body_lines = (rows[1:], lines[1:]) if header else (rows, lines)
    if not body:
        raise CommandError(f"{path} has a header but no rows of numbers; expected one sequence "
                           f"per row")
    id_at = _id_column(header) if header else None
    features = model.features
    sequences, ids = [], []
    for row, line in zip(body, body_lines, strict=True):
        cells = [(k, v) for k, v in enumerate(row) if k != id_at]
        while cells and not cells[-1][1].strip():
            cells.pop()     # a shorter sequence in a rectangular table
        bad = next((k for k, v in cells if not _is_number(v)), None)
        if bad is not None:
            column = (f"column {header[bad]!r}" if header and bad < len(header)
                      else f"field {bad + 1}")
            raise CommandError(
                f"{path}: row {line}, {column} holds {row[bad][:40]!r}, not a number, but "
                f"{model_path} reads numbers ({features} feature{'s' if features != 1 else ''} "
                f"per step), one sequence per row; text needs a model trained on text")
        if len(cells) % features or not cells:
            raise CommandError(f"{path}: row {line} holds {len(cells)} numbers, not a positive "
                               f"multiple of the {features} features per step {model_path} "
                               f"expects")
        sequences.append(np.asarray([v for _, v in cells], dtype=np.float32).reshape(
            -1, features))
        if id_at is not None:
            ids.append(row[id_at] if id_at < len(row) else "")
    carried = {header[id_at].strip(): ids} if id_at is not None else {}
    if len({len(s) for s in sequences}) == 1:
        return np.stack(sequences), None, carried
    return sequences, None, carried


def _encode_texts(model: Any, model_path: Path, path: Path, rows: list[list[str]],
                  ) -> tuple[list[np.ndarray], Any, dict[str, list]]:
    from rnnlab.datasets.files.text_files import LABEL_NAMES, TEXT_NAMES

    tokenizer = model.tokenizer
    if tokenizer is None:
        raise CommandError(f"{path}: {model_path} carries no tokenizer, so text cannot be "
                           f"turned into ids; give a .npz of token ids instead")
    header = [name.strip().lower() for name in rows[0]]
    column = next((header.index(n) for n in TEXT_NAMES if n in header), None)
    label = next((header.index(n) for n in LABEL_NAMES if n in header), None)
    id_at = _id_column(rows[0])
    has_header = column is not None
    body = rows[1:] if has_header else rows
    column = column or 0
    texts = [row[column] if column < len(row) else "" for row in body]
    carried: dict[str, list] = {}
    if has_header and id_at is not None:
        carried[rows[0][id_at].strip()] = [row[id_at] if id_at < len(row) else "" for row in body]
    carried["text"] = texts
    try:
        encoded = [np.asarray(tokenizer.encode(text), dtype=np.int64) for text in texts]
    except ValueError as error:
        raise CommandError(f"{path}: {str(error).splitlines()[0]}") from None
    empty = next((i for i, ids in enumerate(encoded) if len(ids) == 0), None)
    if empty is not None:
        raise CommandError(f"{path}: text {empty + 1} holds no {tokenizer.level}s the model "
                           f"can read; remove it or give it some text")
    targets = None
    if has_header and label is not None and model.is_classifier:
        targets = [row[label].strip() if label < len(row) else "" for row in body]
    return encoded, targets, carried


# ---------------------------------------------------------------------- output rows
def _rows(model: Any, X: Any, targets: Any, names: list[str] | None,
          carried: dict[str, list]) -> tuple[list[list[Any]], list[str]]:
    outputs = model.predict(X)
    labels = None
    if model.is_classifier:
        labels = np.asarray(names if names is not None else model._labels())
    extra = list(carried)
    has_target = targets is not None

    def lead(i: int) -> list[Any]:
        return [i, *(carried[name][i] for name in extra)]

    if model.output_mode == "sequence":
        header = ["index", *extra, "step", "prediction"] + (["target"] if has_target else [])
        rows = []
        for i, out in enumerate(outputs):
            out = np.asarray(out)
            for t in range(len(out)):
                value = labels[int(np.argmax(out[t]))] if labels is not None else _one(out[t])
                row = [*lead(i), t, _plain(value)]
                if has_target:
                    row.append(_plain(np.asarray(targets[i], dtype=object)[t]))
                rows.append(row)
        return rows, header
    outputs = np.asarray(outputs)
    if labels is not None:
        header = ["index", *extra, "prediction", *(f"p_{c}" for c in labels)]
        rows = [[*lead(i), _plain(labels[int(np.argmax(p))]), *(f"{v:.6g}" for v in p)]
                for i, p in enumerate(outputs)]
    else:
        values = outputs.reshape(len(outputs), -1)
        columns = ["prediction"] if values.shape[1] == 1 else [
            f"prediction_{k}" for k in range(values.shape[1])]
        header = ["index", *extra, *columns]
        rows = [[*lead(i), *(f"{v:.6g}" for v in row)] for i, row in enumerate(values)]
    if has_target:
        flat = np.asarray(targets, dtype=object)
        flat = flat.reshape(len(flat), -1) if flat.ndim > 1 else flat[:, None]
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
