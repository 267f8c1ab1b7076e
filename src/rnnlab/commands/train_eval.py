"""``rnnlab train`` and ``rnnlab evaluate``.

``train`` builds a model for a dataset the way a study run does (:mod:`rnnlab.study.runner`:
token ids go through an ``Embedding`` of width :data:`~rnnlab.study.runner.EMBEDDING_DIM`), trains
it with :func:`rnnlab.train` and its live progress bar, prints the test scores and writes the
model file with the data's description (see :mod:`rnnlab.commands.common`). A run that diverges
or is interrupted still writes the best weights it reached, and says so in one line (exit 2 and
130).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rnnlab.commands.common import (
    CELLS,
    ENGINES,
    TRAIN_TASKS,
    CommandInterrupted,
    check_choice,
    console,
    data_record,
    load_data,
    load_model,
    metrics_table,
    save_model,
)
from rnnlab.commands.forecast_cmd import (
    after_training,
    evaluate_forecaster,
    is_forecasting,
    print_notes,
)
from rnnlab.commands.inspect_export import CommandError
from rnnlab.training.errors import TrainingDivergedError


def _count(X: Any) -> int:
    return int(X.shape[0]) if hasattr(X, "shape") else len(X)


def train_command(data: str, *, out: Path, task: str | None = None, cell: str = "lstm",
                  hidden: int = 64, layers: int = 1, bidirectional: bool = False,
                  dropout: float = 0.0, embedding_dim: int | None = None, epochs: int = 20,
                  batch_size: int = 32, lr: float | None = None, optimizer: str = "adam",
                  engine: str = "torch", seed: int = 0, val: float | None = None,
                  params: dict[str, Any] | None = None, progress: bool = True,
                  patience: int | None = None, plot: Path | None = None,
                  log_dir: Path | None = None) -> Any:
    """Train a model on ``data`` and save it to ``out``; returns the trained model.

    ``patience`` stops early (the best epoch's weights are kept), ``plot`` writes the
    training-progress PNG there, ``log_dir`` writes TensorBoard event files.
    """
    import rnnlab
    from rnnlab.study.data import sizes_of
    from rnnlab.study.runner import EMBEDDING_DIM

    check_choice("cell", cell, CELLS)
    check_choice("engine", engine, ENGINES)
    if task is not None:
        check_choice("task", task, TRAIN_TASKS)
    if embedding_dim is not None and embedding_dim < 1:
        raise CommandError(f"--embedding-dim must be a positive integer, got {embedding_dim}")
    if val is not None and not 0 <= val < 1:
        raise CommandError(f"--val must be a fraction in [0, 1), got {val}")
    if Path(out).is_dir():
        raise CommandError(f"--out {out} is a folder; give a file name such as "
                           f"model.safetensors")
    if patience is not None and patience < 1:
        raise CommandError(f"--patience must be a positive number of epochs, got {patience}")
    if plot is not None and (Path(plot).is_dir() or Path(plot).suffix.lower() != ".png"):
        raise CommandError(f"--plot {plot} must name a .png file, such as progress.png")
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
        validation_data=validation, seed=seed, engine=engine, verbose=progress,
        patience=patience, log_dir=log_dir)
    out_console = console()
    out_console.print(f"{cell.upper()} · {dataset.task} on {dataset.name} · "
                      f"{model.num_parameters():,} parameters · train/val/test "
                      f"{'/'.join(str(v) for v in dataset.sizes().values())}")
    forecasting = is_forecasting(dataset)
    if forecasting:   # what was filled, per series
        print_notes(dataset, out_console)
    try:
        history = rnnlab.train(model, X, y, options)
    except TrainingDivergedError as error:
        # The loop has put the best weights so far back into the model: keep the promise.
        path = save_model(model, Path(out), data_record(dataset, data, params, task))
        raise CommandError(f"training diverged at epoch {error.epoch} ({error.reason}); "
                           f"{_kept(error.history, path)}; try a lower --lr (now "
                           f"{options.learning_rate:g}) or another --optimizer") from None
    if history.stop_reason == "interrupted":
        path = save_model(model, Path(out), data_record(dataset, data, params, task))
        raise CommandInterrupted(f"interrupted (Ctrl-C) after {history.epochs} of {epochs} "
                                 f"epochs; {_kept(history, path)}")
    if history.stop_reason == "early_stopping":
        out_console.print(f"stopped early after epoch {history.epochs}: no lower validation "
                          f"loss for {patience} epochs; kept epoch {history.best_epoch}")
    if forecasting:   # scored in original units by a backtest; intervals calibrated
        after_training(model, dataset, data, out_console)
    elif _count(X_test):
        for table in metrics_table(model.evaluate(X_test, y_test), f"{dataset.name}, test",
                                   dataset.classes):
            out_console.print(table)
    # After the forecasting step: the record then holds the calibrated intervals too.
    path = save_model(model, Path(out), data_record(dataset, data, params, task))
    out_console.print(f"saved {path}")
    if plot is not None:
        Path(plot).parent.mkdir(parents=True, exist_ok=True)
        out_console.print(f"training progress plot: {history.plot(str(plot))}")
    if log_dir is not None:
        out_console.print(f"TensorBoard logs: {log_dir} (view with tensorboard --logdir "
                          f"{log_dir})")
    return model


def _kept(history: Any, path: Path) -> str:
    """Which weights a stopped run saved, as the second half of its one-line message."""
    if history.best_epoch is None:
        return f"no epoch finished, so {path} holds the initial weights"
    return f"the best weights so far (epoch {history.best_epoch}) are saved in {path}"


def evaluate_command(model_path: Path, data: str, *, task: str | None = None,
                     split: str | None = None, params: dict[str, Any] | None = None) -> dict:
    """Print the scores of a saved model on ``data`` — a whole file, or a built-in dataset's
    test split, unless ``split`` says otherwise (see :mod:`rnnlab.commands.selection`) —
    and return them."""
    from rnnlab.commands.selection import model_class_names, select

    if task is not None:
        check_choice("task", task, TRAIN_TASKS)
    model, record = load_model(model_path)
    if is_forecasting(record):   # the split's backtest (default: the test part), original units
        return evaluate_forecaster(model_path, data, split or "test", params).scores
    chosen = select(model, record, Path(model_path), data, split, task, dict(params or {}))
    result = model.evaluate(chosen.X, chosen.y)
    out = console()
    for table in metrics_table(result, chosen.title, model_class_names(model, record)):
        out.print(table)
    if chosen.note:
        out.print(f"note: {chosen.note}")
    return result
