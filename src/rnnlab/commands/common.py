"""What ``train``, ``evaluate``, ``predict`` and ``generate`` share: reading data, writing and
reading model files with the data's description, and checking that a model fits some data.

A model written by ``rnnlab train`` is an ordinary rnnlab model file (``rnnlab.load`` reads it)
whose data description (``model.data_info``, see :mod:`rnnlab.models.data_info`) says where the
training data came from (dataset name or file, task, parameters) and holds its class names and
the tokenizer and scalers fitted on it. ``predict`` and ``generate`` need the tokenizer to turn
text into ids and back; any model file whose model remembered its data carries one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rnnlab.cells import names as registered_cells
from rnnlab.commands.inspect_export import CommandError

CELLS = tuple(registered_cells())
TRAIN_TASKS = ("classify", "regress", "forecast", "sequence")
ENGINES = ("torch", "reference")


class CommandInterrupted(Exception):
    """Ctrl-C stopped a command, with one sentence saying what was kept; the CLI prints it and
    exits with 130. (Not a KeyboardInterrupt: typer would swallow that and its message.)"""


def console() -> Any:
    from rich.console import Console

    return Console()


def check_choice(what: str, value: str, choices: tuple[str, ...]) -> str:
    """``value`` when it is one of ``choices``; otherwise a one-sentence CommandError."""
    if value not in choices:
        raise CommandError(f"unknown {what} {value!r}; expected one of {', '.join(choices)}")
    return value


def is_file_argument(data: str) -> bool:
    """True when ``data`` names a file or folder rather than a built-in dataset."""
    from rnnlab import datasets

    if data in datasets.names():
        return False
    path = Path(data)
    return path.exists() or path.suffix != "" or "/" in data or "\\" in data


def load_data(data: str, *, task: str | None = None, params: dict[str, Any] | None = None,
              tokenizer: Any = None) -> Any:
    """A :class:`~rnnlab.datasets.Dataset` from a built-in dataset name or a user's file.

    ``task`` (``classify``, ``regress``, ``forecast``, ``sequence``) must agree with a built-in
    dataset's task; for a file it says how to read it. ``tokenizer`` (a trained model's)
    encodes a text file with the model's vocabulary.
    """
    from rnnlab import datasets

    params = dict(params or {})
    if is_file_argument(data):
        if not Path(data).exists():
            raise CommandError(f"data file {data} does not exist; give a built-in dataset name "
                               f"(see `rnnlab datasets`) or an existing file")
        file_task = "forecast" if task == "regress" else task
        return datasets.from_file(data, task=file_task, tokenizer=tokenizer, **params)
    dataset = datasets.load(data, **params)   # unknown names raise DataError with a hint
    wanted = "regress" if task == "forecast" else task
    if wanted is not None and wanted != dataset.task:
        raise CommandError(f"dataset {data!r} is a {dataset.task} task, not {task}; leave out "
                           f"--task or pick a {task} dataset")
    return dataset


def data_record(dataset: Any, source: str, params: dict[str, Any], task: str | None) -> dict:
    """The JSON-ready data description that ``train`` stores in the model (``model.data_info``):
    the dataset's own (:func:`~rnnlab.models.data_info.describe_dataset`) plus where it came
    from, so that ``evaluate`` can reread it the same way."""
    from rnnlab.models.data_info import describe_dataset

    is_file = is_file_argument(source)
    return {**describe_dataset(dataset),
            "source": str(Path(source).resolve()) if is_file else source,
            "kind": "file" if is_file else "dataset", "file_task": task,
            "params": _jsonable(params if is_file else dataset.params)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def save_model(model: Any, path: Path, record: dict[str, Any]) -> Path:
    """Store ``record`` in ``model.data_info`` and ``model.save(path)`` (folders created)."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    model.data_info = {**(model.data_info or {}), **record}
    model.save(str(path))
    return path


def load_model(path: Path) -> tuple[Any, dict[str, Any]]:
    """``(model, data description)``; the description is ``{}`` when the file has none.

    A text model's tokenizer comes back as ``model.tokenizer``.
    """
    from rnnlab.commands.inspect_export import load_model as read_model

    path = Path(path)
    if path.is_dir():
        raise CommandError(f"{path} is a folder; give the .safetensors model file")
    model = read_model(path)
    return model, dict(model.data_info or {})


def data_for_model(data: str, record: dict[str, Any], params: dict[str, Any],
                   task: str | None, tokenizer: Any = None) -> Any:
    """Load ``data`` for a trained model: the training data's own parameters are reused when
    ``data`` is the dataset (or file) the model was trained on, overridden by ``params``; a
    text file is encoded with ``tokenizer`` (the model's) when given."""
    same = record and (data == record.get("source") or (
        record.get("kind") == "file" and Path(data).exists()
        and str(Path(data).resolve()) == record.get("source")))
    if same:
        params = {**(record.get("params") or {}), **params}
        if record.get("kind") == "dataset" and "ratios" in params:
            params["ratios"] = tuple(params["ratios"])
        task = task or record.get("file_task")
    return load_data(data, task=task, params=params, tokenizer=tokenizer)


def check_fit(model: Any, dataset: Any, model_path: Path) -> None:
    """Refuse data a model cannot read, in one sentence, before numpy or torch would."""
    name = dataset.name
    if model.tokens != dataset.is_text:
        has = "token ids (text)" if model.tokens else f"{model.features} features per step"
        gets = "token ids (text)" if dataset.is_text else f"{dataset.input_size} features"
        raise CommandError(f"{model_path} reads {has} but {name} has {gets}; evaluate it on "
                           f"data like the data it was trained on")
    if model.tokens:
        if dataset.vocab_size != model.vocab_size:
            raise CommandError(f"{model_path} knows {model.vocab_size} tokens but {name}'s "
                               f"tokenizer has {dataset.vocab_size}; use the data it was "
                               f"trained on")
    elif dataset.input_size != model.features:
        raise CommandError(f"{model_path} expects {model.features} features per step but "
                           f"{name} has {dataset.input_size}; use data with "
                           f"{model.features} features")
    task = dataset.task
    if task != model.task:
        raise CommandError(f"{model_path} is a {model.task} model but {name} is a {task} "
                           f"task")
    if dataset.output_size is not None and dataset.output_size != model.output_units:
        what = "classes" if task != "regress" else "outputs"
        raise CommandError(f"{model_path} has {model.output_units} {what} but {name} has "
                           f"{dataset.output_size}; use data with the same {what}")


def metrics_table(result: dict[str, Any], title: str,
                  class_names: list[str] | None = None) -> list[Any]:
    """Rich renderables for ``model.evaluate``'s result: scores, and for a classifier the
    per-class precision/recall/F1 and the confusion matrix, rows and columns named by
    ``class_names`` (the data's names, as ``predict`` writes them) when given."""
    from rich.table import Table

    tables = []
    scores = Table(title=title, min_width=len(title) + 2)   # a file name is not wrapped
    scores.add_column("metric")
    scores.add_column("value", justify="right")
    for key in ("loss", "accuracy", "macro_f1", "perplexity", "mse", "rmse", "mae", "r2"):
        if key in result:
            scores.add_row(key, f"{float(result[key]):.4f}")
    tables.append(scores)
    if "confusion_matrix" in result:
        classes = [str(c) for c in result.get("classes", range(len(result["precision"])))]
        if class_names is not None and len(class_names) == len(classes):
            classes = [str(c) for c in class_names]
        per_class = Table(title="per class")
        for column in ("class", "precision", "recall", "F1", "support"):
            per_class.add_column(column, justify="left" if column == "class" else "right")
        for i, label in enumerate(classes):
            per_class.add_row(label, f"{result['precision'][i]:.3f}",
                              f"{result['recall'][i]:.3f}", f"{result['f1'][i]:.3f}",
                              str(int(result["support"][i])))
        tables.append(per_class)
        matrix = Table(title="confusion matrix (rows: true, columns: predicted)")
        matrix.add_column("")
        for label in classes:
            matrix.add_column(label, justify="right")
        for label, row in zip(classes, result["confusion_matrix"], strict=False):
            matrix.add_row(label, *(str(int(v)) for v in row))
        tables.append(matrix)
    return tables
