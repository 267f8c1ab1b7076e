"""Load the dataset of a run — a built-in task or the user's file — the same way everywhere.

The parent process loads each task once to learn its input and output sizes and to catch a file
that does not fit (one clear error before any worker starts); workers load it again from the
run's configuration, so a run stays a pure function of that configuration.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from rnnlab.datasets import Dataset
from rnnlab.study.errors import StudyError


def load_dataset(name: str, params: dict[str, Any], file: str | None = None,
                 file_task: str | None = None) -> Dataset:
    """The dataset for a task: ``rnnlab.datasets.load(name, **params)`` or ``from_file``.

    ``params`` holds ``length`` and ``seed`` when the task takes them.

    Example:
        >>> load_dataset("adding", {"length": 5, "n_train": 4, "n_val": 2, "n_test": 2,
        ...                         "seed": 0}).train[0].shape
        (4, 5, 2)
    """
    from rnnlab import datasets

    if file is None:
        return datasets.load(name, **params)
    loader_params = {k: v for k, v in params.items() if k not in ("seed", "length")}
    dataset = datasets.from_file(file, task=file_task, **loader_params)
    if dataset.task == "sequence" and not dataset.is_text:
        raise StudyError(f"{file}: a per-step sequence task is not supported by compare yet; "
                         f"use a classification or forecasting file")
    return dataset


def file_digest(path: str) -> str:
    """SHA-256 of a data file (or of a folder's files, in name order): part of the run key."""
    digest = hashlib.sha256()
    source = Path(path)
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
    for item in files:
        digest.update(str(item.relative_to(source) if source.is_dir() else item.name).encode())
        digest.update(item.read_bytes())
    return digest.hexdigest()


def check_splits(dataset: Dataset) -> None:
    """Refuse a dataset with an empty train, validation or test split (one clear sentence)."""
    sizes = dataset.sizes()
    empty = [split for split, count in sizes.items() if count == 0]
    if empty:
        raise StudyError(f"{dataset.name}: the {empty[0]} split is empty (train/val/test = "
                         f"{sizes['train']}/{sizes['val']}/{sizes['test']} sequences); a "
                         f"comparison needs more data")


def sizes_of(dataset: Dataset) -> tuple[int, int]:
    """``(input_size, output_size)`` a model needs; text uses its vocabulary as input size."""
    input_size = dataset.input_size if not dataset.is_text else dataset.vocab_size
    output_size = dataset.output_size
    if not input_size or not output_size:
        raise StudyError(f"{dataset.name}: cannot tell the model's input/output size from the "
                         f"data (empty split?)")
    return int(input_size), int(output_size)
