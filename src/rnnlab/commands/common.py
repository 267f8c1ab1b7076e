"""What ``train``, ``evaluate``, ``predict`` and ``generate`` share: reading data, writing and
reading model files with the data's description, and checking that a model fits some data.

A model written by ``rnnlab train`` is an ordinary rnnlab model file (``rnnlab.load`` reads it)
whose JSON header carries one extra entry, ``"data"``: where the training data came from
(dataset name or file, task, parameters), its class names, and the tokenizer and scalers fitted
on it. ``predict`` and ``generate`` need the tokenizer to turn text into ids and back; a plain
``model.save`` file has none, so those commands ask for text data to be given another way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rnnlab.cells import names as registered_cells
from rnnlab.commands.inspect_export import CommandError

CELLS = tuple(registered_cells())
TRAIN_TASKS = ("classify", "regress", "forecast", "sequence")
ENGINES = ("torch", "reference")


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
              ) -> Any:
    """A :class:`~rnnlab.datasets.Dataset` from a built-in dataset name or a user's file.

    ``task`` (``classify``, ``regress``, ``forecast``, ``sequence``) must agree with a built-in
    dataset's task; for a file it says how to read it.
    """
    from rnnlab import datasets

    params = dict(params or {})
    if is_file_argument(data):
        if not Path(data).exists():
            raise CommandError(f"data file {data} does not exist; give a built-in dataset name "
                               f"(see `rnnlab datasets`) or an existing file")
        file_task = "forecast" if task == "regress" else task
        return datasets.from_file(data, task=file_task, **params)
    dataset = datasets.load(data, **params)   # unknown names raise DataError with a hint
    wanted = "regress" if task == "forecast" else task
    if wanted is not None and wanted != dataset.task:
        raise CommandError(f"dataset {data!r} is a {dataset.task} task, not {task}; leave out "
                           f"--task or pick a {task} dataset")
    return dataset


def data_record(dataset: Any, source: str, params: dict[str, Any], task: str | None) -> dict:
    """The JSON-ready ``"data"`` entry that ``train`` stores in the model file."""
    def state(thing: Any) -> Any:
        return None if thing is None or not hasattr(thing, "to_dict") else thing.to_dict()

    is_file = is_file_argument(source)
    return {"source": str(Path(source).resolve()) if is_file else source,
            "kind": "file" if is_file else "dataset", "task": dataset.task, "file_task": task,
            "params": _jsonable(params if is_file else dataset.params),
            "classes": None if dataset.classes is None else [str(c) for c in dataset.classes],
            "tokenizer": state(dataset.tokenizer), "scaler": state(dataset.scaler),
            "target_scaler": state(dataset.target_scaler)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def save_model(model: Any, path: Path, record: dict[str, Any]) -> Path:
    """``model.save(path)`` plus the ``"data"`` record in the same file's header."""
    from rnnlab.serialization import MODEL_FORMAT, write_file

    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    return write_file(path, model.params, {"config": model.config(), "data": record},
                      MODEL_FORMAT)


def load_model(path: Path) -> tuple[Any, dict[str, Any]]:
    """``(model, data record)``; the record is ``{}`` for a file written by ``model.save``.

    A text model gets its tokenizer back as ``model.tokenizer``.
    """
    from rnnlab.commands.inspect_export import load_model as read_model
    from rnnlab.serialization import MODEL_FORMAT, read_file

    path = Path(path)
    if path.is_dir():
        raise CommandError(f"{path} is a folder; give the .safetensors model file")
    model = read_model(path)
    _, document = read_file(path, MODEL_FORMAT)
    record = document.get("data") or {}
    model.tokenizer = None
    if record.get("tokenizer"):
        from rnnlab.datasets import tokenizer_from_dict

        model.tokenizer = tokenizer_from_dict(record["tokenizer"])
    return model, record


def data_for_model(data: str, record: dict[str, Any], params: dict[str, Any],
                   task: str | None) -> Any:
    """Load ``data`` for a trained model: the training data's own parameters are reused when
    ``data`` is the dataset (or file) the model was trained on, overridden by ``params``."""
    same = record and (data == record.get("source") or (
        record.get("kind") == "file" and Path(data).exists()
        and str(Path(data).resolve()) == record.get("source")))
    if same:
        params = {**(record.get("params") or {}), **params}
        if record.get("kind") == "dataset" and "ratios" in params:
            params["ratios"] = tuple(params["ratios"])
        task = task or record.get("file_task")
    return load_data(data, task=task, params=params)


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


def metrics_table(result: dict[str, Any], title: str) -> list[Any]:
    """Rich renderables for ``model.evaluate``'s result: scores, and for a classifier the
    per-class precision/recall/F1 and the confusion matrix."""
    from rich.table import Table

    tables = []
    scores = Table(title=title)
    scores.add_column("metric")
    scores.add_column("value", justify="right")
    for key in ("loss", "accuracy", "macro_f1", "perplexity", "mse", "rmse", "mae", "r2"):
        if key in result:
            scores.add_row(key, f"{float(result[key]):.4f}")
    tables.append(scores)
    if "confusion_matrix" in result:
        classes = [str(c) for c in result.get("classes", range(len(result["precision"])))]
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
