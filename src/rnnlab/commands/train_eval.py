"""``rnnlab train`` and ``rnnlab evaluate``.

``train`` builds a model for a dataset the way a study run does (:mod:`rnnlab.study.runner`:
token ids go through an ``Embedding`` of width :data:`~rnnlab.study.runner.EMBEDDING_DIM`), trains
it with :func:`rnnlab.train` and its live progress bar, prints the test scores and writes the
model file with the data's description (see :mod:`rnnlab.commands.common`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rnnlab.commands.common import (
    CELLS,
    ENGINES,
    TRAIN_TASKS,
    check_choice,
    check_fit,
    console,
    data_for_model,
    data_record,
    load_data,
    load_model,
    metrics_table,
    save_model,
)
from rnnlab.commands.inspect_export import CommandError

SPLITS = ("train", "val", "test")


def _count(X: Any) -> int:
    return int(X.shape[0]) if hasattr(X, "shape") else len(X)


def train_command(data: str, *, out: Path, task: str | None = None, cell: str = "lstm",
                  hidden: int = 64, layers: int = 1, bidirectional: bool = False,
                  dropout: float = 0.0, embedding_dim: int | None = None, epochs: int = 20,
                  batch_size: int = 32, lr: float | None = None, optimizer: str = "adam",
                  engine: str = "torch", seed: int = 0, val: float | None = None,
                  params: dict[str, Any] | None = None, progress: bool = True) -> Any:
    """Train a model on ``data`` and save it to ``out``; returns the trained model."""
    import rnnlab
    from rnnlab.study.data import sizes_of
    from rnnlab.study.runner import EMBEDDING_DIM

    check_choice("cell", cell, CELLS)
    check_choice("engine", engine, ENGINES)
    if task is not None:
        check_choice("task", task, TRAIN_TASKS)
    if val is not None and not 0 <= val < 1:
        raise CommandError(f"--val must be a fraction in [0, 1), got {val}")
    if Path(out).is_dir():
        raise CommandError(f"--out {out} is a folder; give a file name such as "
                           f"model.safetensors")
    params = dict(params or {})
    dataset = load_data(data, task=task, params=params)
    (X, y), (X_val, y_val), (X_test, y_test) = dataset.train, dataset.val, dataset.test
    if _count(X) == 0:
        raise CommandError(f"{dataset.name} has no training sequences; give more data")
    input_size, output_size = sizes_of(dataset)
    text = dataset.is_text
    width = embedding_dim or EMBEDDING_DIM
    model = rnnlab.build(cell, input_size=width if text else input_size, hidden_size=hidden,
                         output_size=output_size, task=dataset.task, num_layers=layers,
                         bidirectional=bidirectional, dropout=dropout,
                         vocab_size=input_size if text else None, seed=seed,
                         max_dependency=max(max(map(len, X)), 3))   # for the -chrono cells
    if val is None:
        validation: Any = (X_val, y_val) if _count(X_val) else 0.1
    else:
        validation = val if val > 0 else None
    options = rnnlab.TrainingOptions(
        optimizer=optimizer, learning_rate=lr, max_epochs=epochs, batch_size=batch_size,
        validation_data=validation, seed=seed, engine=engine, verbose=progress)
    out_console = console()
    out_console.print(f"{cell.upper()} · {dataset.task} on {dataset.name} · "
                      f"{model.num_parameters():,} parameters · train/val/test "
                      f"{'/'.join(str(v) for v in dataset.sizes().values())}")
    rnnlab.train(model, X, y, options)
    if _count(X_test):
        for table in metrics_table(model.evaluate(X_test, y_test), f"{dataset.name}, test"):
            out_console.print(table)
    path = save_model(model, Path(out), data_record(dataset, data, params, task))
    out_console.print(f"saved {path}")
    return model


def evaluate_command(model_path: Path, data: str, *, task: str | None = None,
                     split: str = "test", params: dict[str, Any] | None = None) -> dict:
    """Print the scores of a saved model on a split of ``data``; returns them."""
    check_choice("split", split, SPLITS)
    if task is not None:
        check_choice("task", task, TRAIN_TASKS)
    model, record = load_model(model_path)
    dataset = data_for_model(data, record, dict(params or {}), task)
    check_fit(model, dataset, model_path)
    X, y = getattr(dataset, split)
    if _count(X) == 0:
        raise CommandError(f"the {split} split of {dataset.name} is empty; pick another with "
                           f"--split")
    result = model.evaluate(X, y)
    out = console()
    for table in metrics_table(result, f"{dataset.name}, {split} ({_count(X)})"):
        out.print(table)
    return result
