"""Which sequences ``rnnlab evaluate`` and ``rnnlab predict`` use, read the way the model reads.

The rule (Keras's ``model.evaluate(x, y)`` scores what it is given):

* a **file** is used whole, every sequence in the file's own order, unless ``--split`` asks for
  ``train``, ``val`` or ``test`` (the file is then split the way ``rnnlab train`` splits it,
  with the training parameters when it is the model's own training file);
* a **built-in dataset** has no "whole file": its ``test`` split unless ``--split`` says
  otherwise (``all``: the three splits one after another).

Either way the data is put in the model's terms before anything is scored: text is encoded
with the model's own tokenizer (never one fitted on the new file), and class labels are mapped
to the model's class names by name — a file whose labels the model does not know is refused,
naming them, and a file that lacks some of the model's classes is still scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.commands.common import check_fit, data_for_model, is_file_argument
from rnnlab.commands.inspect_export import CommandError

SPLITS = ("all", "train", "val", "test")


@dataclass
class Selection:
    """The chosen sequences: ``X``, ``y`` (class indices in the model's order, or values),
    ``title`` for tables (``"JapaneseVowels_TEST.ts, whole file (370)"``), the dataset they
    came from, and a ``note`` for the user (or ``""``)."""

    X: Any
    y: Any
    title: str
    dataset: Any
    note: str = ""


def _count(X: Any) -> int:
    return int(X.shape[0]) if hasattr(X, "shape") else len(X)


def same_file(data: str, record: dict[str, Any]) -> bool:
    """Whether ``data`` is the file the model was trained on (by resolved path)."""
    path = Path(data)
    return record.get("kind") == "file" and path.exists() and str(
        path.resolve()) == record.get("source")


def model_class_names(model: Any, record: dict[str, Any]) -> list[str] | None:
    """The model's class names, index = output unit: the data description's, else the
    labels the model was trained on."""
    if not model.is_classifier:
        return None
    names = record.get("classes")
    if names and len(names) == model.output_units:
        return [str(name) for name in names]
    labels = getattr(model, "classes", None)
    return None if labels is None else [str(label) for label in labels]


def align_classes(dataset: Any, split_names: tuple[str, ...], names: list[str] | None,
                  where: str) -> None:
    """Recode ``dataset``'s labels (indices into ``dataset.classes``) as indices into the
    model's class ``names``, in place; refuse labels the model does not know."""
    if names is None or dataset.classes is None or dataset.task != "classify":
        return
    own = [str(c) for c in dataset.classes]
    position = {name: i for i, name in enumerate(names)}
    unknown = [c for c in own if c not in position]
    if unknown:
        shown = ", ".join(map(repr, unknown[:5])) + (", …" if len(unknown) > 5 else "")
        raise CommandError(f"{where} has labels the model was not trained on ({shown}); it "
                           f"knows {', '.join(map(repr, names[:10]))}"
                           f"{', …' if len(names) > 10 else ''}")
    recode = np.array([position[c] for c in own], dtype=np.int64)
    for split in split_names:
        X, y = getattr(dataset, split)
        setattr(dataset, split, (X, recode[np.asarray(y, dtype=np.int64)] if len(y) else y))
    dataset.classes = list(names)


def _joined(dataset: Any) -> tuple[Any, Any]:
    parts = [getattr(dataset, split) for split in ("train", "val", "test")]
    if all(isinstance(X, np.ndarray) for X, _ in parts) and len(
            {X.shape[1:] for X, _ in parts}) == 1:
        X = np.concatenate([X for X, _ in parts])
    else:
        X = [x for X, _ in parts for x in X]
    ys = [y for _, y in parts]
    y = (np.concatenate(ys) if all(isinstance(t, np.ndarray) for t in ys) and len(
        {t.shape[1:] for t in ys}) == 1 else [t for part in ys for t in part])
    return X, y


def select(model: Any, record: dict[str, Any], model_path: Path, data: str,
           split: str | None, task: str | None, params: dict[str, Any]) -> Selection:
    """The sequences of ``data`` to score or predict (see the module docstring)."""
    from rnnlab import datasets

    is_file = is_file_argument(data)
    split = split or ("all" if is_file else "test")
    if split not in SPLITS:
        raise CommandError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    own_file = is_file and same_file(data, record)
    names = model_class_names(model, record)
    if is_file and split == "all":
        if not Path(data).exists():
            raise CommandError(f"data file {data} does not exist; give a built-in dataset "
                               f"name (see `rnnlab datasets`) or an existing file")
        if own_file:
            params = {**(record.get("params") or {}), **params}
            task = task or record.get("file_task")
        file_task = "forecast" if task == "regress" else task
        dataset = datasets.whole_file(data, task=file_task, tokenizer=model.tokenizer,
                                      **params)
        align_classes(dataset, ("train",), names, data)
        check_fit(model, dataset, model_path)
        X, y = dataset.train
        note = (f"scored on the whole file, including the sequences {model_path} was trained "
                f"on; --split test scores only the part training held out") if own_file else ""
        return Selection(X, y, f"{dataset.name}, whole file ({_count(X)})", dataset, note)
    dataset = data_for_model(data, record, params, task, tokenizer=model.tokenizer)
    align_classes(dataset, ("train", "val", "test"), names, data)
    check_fit(model, dataset, model_path)
    X, y = _joined(dataset) if split == "all" else getattr(dataset, split)
    if _count(X) == 0:
        raise CommandError(f"the {split} split of {dataset.name} is empty; pick another with "
                           f"--split")
    shown = "all splits" if split == "all" else split
    return Selection(X, y, f"{dataset.name}, {shown} ({_count(X)})", dataset)
