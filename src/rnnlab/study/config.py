"""What a comparison is: :class:`StudyConfig` (cells × tasks × lengths × seeds + shared settings).

Everything that can change a number in the study lives here, so that a run is a pure function of
its slice of the configuration (see :mod:`rnnlab.study.grid`). Settings shared by every cell —
optimiser, schedule, batch size, budget (epochs, steps, seconds), gradient clipping, engine,
dtype, seeds and therefore data and batch order — are *one* field each: the cells in a
comparison cannot differ in them (fairness by construction). The learning rate is shared too,
unless ``tune="lr"`` gives every cell the same search for its own (:mod:`rnnlab.study.tuning`).

Validation happens here, at the boundary, with one-sentence :class:`StudyError` messages.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from rnnlab.cells import names as registered_cells
from rnnlab.study.errors import StudyError

CELLS = ("rnn", "lstm", "gru")
MATCHES = ("params", "hidden")
OPTIMIZERS = ("adam", "sgd", "sgdm", "rmsprop")
ENGINES = ("torch", "reference")
DTYPES = ("float32", "float64")
#: What ``tune`` may search: ``"lr"``, each cell's learning rate (see :mod:`.tuning`).
TUNE_MODES = ("lr",)
#: Trial seeds are ``TRIAL_SEED_BASE + k``, so they never coincide with a final run's seed.
TRIAL_SEED_BASE = 1_000_000
#: Parameters a study sets itself from the run (never from the user's task parameters).
RESERVED_TASK_PARAMS = ("seed",)


@dataclass(frozen=True)
class TaskSpec:
    """One task of a study: a built-in dataset, or the user's own file.

    Attributes:
        name: a name from :func:`rnnlab.datasets.names`, or a label for a file (its stem).
        lengths: sequence lengths ``T`` to sweep; only for datasets that take ``length``.
        params: further dataset parameters (``n_train``, ``num_classes``, loader options…).
        file: path to the user's data file (then ``name`` is just a label).
        file_task: how to read the file (``"classify"``, ``"forecast"``, ``"sequence"``…).
    """

    name: str
    lengths: tuple[int, ...] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    file: str | None = None
    file_task: str | None = None

    @property
    def label(self) -> str:
        """How reports name this task."""
        return self.name


@dataclass(frozen=True)
class StudyConfig:
    """A whole comparison; ``rnnlab.study.compare`` and ``rnnlab compare`` both build one.

    Attributes:
        cells: cells to compare, from ``rnn``, ``lstm``, ``gru``.
        tasks: the :class:`TaskSpec` list.
        seeds: one seed fixes data generation, initialisation and batch order of a run; every
            cell sees the same seeds, hence the same data in the same order.
        match: ``"params"`` — the cell with the most gates gets ``hidden_size`` and the others the
            hidden size whose total parameter count is closest to it; ``"hidden"`` — every cell
            gets ``hidden_size``.
        hidden_size, num_layers: model size (see ``match``).
        optimizer, learning_rate, schedule, batch_size, gradient_clip: the shared training
            schedule (passed to ``rnnlab.TrainingOptions``).
        epochs, steps, seconds: the budget of every run — passes over the training data,
            optimiser steps, and seconds of training (wall time). A run stops at whichever set
            limit it reaches first; ``epochs=None`` means no epoch limit (then ``steps`` or
            ``seconds`` must be set). A wall-time budget gives every cell the same time, so the
            faster cell takes more steps; such runs are not reproducible across machines.
        engine, dtype: which engine trains, in which precision.
        threshold: normalised skill (0 = learned nothing, 1 = perfect; see
            :func:`rnnlab.study.metrics.skill`) at which a task counts as *solved*.
        noise_std: standard deviation of the Gaussian noise added to test inputs for the
            robustness measurement, in units of the input's own standard deviation.
        measure: also measure gradient flow, robustness, length generalisation and latency.
        name: a title for the report.
        tune: ``"lr"`` searches each cell's learning rate separately before the final runs
            (same number of trials per cell, validation split only, trial seeds
            ``TRIAL_SEED_BASE + k``); ``None`` gives every cell the shared ``learning_rate``.
        tune_grid: the learning rates to try; ``None`` is the log grid around
            ``learning_rate`` of :func:`rnnlab.study.tuning.learning_rate_grid`.
        tune_seeds: trial seeds per learning rate.
        tune_epochs: epochs of each trial; ``None`` gives trials the final runs' budget. A
            shorter trial (the first rung of successive halving) ranks the rates at a fraction
            of the cost, and every cell still gets the same trials — but only on tasks that
            learn early: on the classic suite's long-lag tasks, 4-epoch trials (of 20) left
            every rate's validation skill within noise of 0, and the choice was noise. No suite
            sets it.
    """

    tasks: tuple[TaskSpec, ...]
    cells: tuple[str, ...] = CELLS
    seeds: tuple[int, ...] = (0, 1, 2)
    match: str = "params"
    hidden_size: int = 16
    num_layers: int = 1
    optimizer: str = "adam"
    learning_rate: float = 0.01
    schedule: str | None = None
    batch_size: int = 32
    epochs: int | None = 10
    steps: int | None = None
    seconds: float | None = None
    gradient_clip: float | None = 1.0
    engine: str = "torch"
    dtype: str = "float32"
    threshold: float = 0.8
    noise_std: float = 0.5
    measure: bool = True
    name: str = "rnnlab study"
    tune: str | None = None
    tune_grid: tuple[float, ...] | None = None
    tune_seeds: int = 1
    tune_epochs: int | None = None

    def with_overrides(self, **changes: Any) -> StudyConfig:
        """A copy with some fields changed (``None`` values are ignored), then validated."""
        return validate(replace(self, **{k: v for k, v in changes.items() if v is not None}))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (stored in the results database)."""
        data = asdict(self)
        data["tasks"] = [asdict(task) for task in self.tasks]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StudyConfig:
        """Inverse of :meth:`to_dict`."""
        data = dict(data)
        tasks = []
        for task in data.pop("tasks"):
            lengths = task.get("lengths")
            tasks.append(TaskSpec(task["name"], tuple(lengths) if lengths else None,
                                  dict(task.get("params") or {}), task.get("file"),
                                  task.get("file_task")))
        for key in ("cells", "seeds"):
            data[key] = tuple(data[key])
        if data.get("tune_grid") is not None:
            data["tune_grid"] = tuple(data["tune_grid"])
        known = set(cls.__dataclass_fields__)
        return cls(tasks=tuple(tasks), **{k: v for k, v in data.items() if k in known})


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise StudyError(f"{name} must be a positive integer, got {value!r}")
    return value


def _positive_float(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise StudyError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        close = difflib.get_close_matches(str(value), choices, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise StudyError(f"unknown {name} {value!r}{hint}; expected one of {', '.join(choices)}")
    return value


def validate_task(task: TaskSpec) -> TaskSpec:
    """Check one task against the dataset catalogue (or the file system); one-sentence errors."""
    from rnnlab import datasets

    for key in task.params:
        if key in RESERVED_TASK_PARAMS:
            raise StudyError(f"task {task.name}: {key!r} is set by the study from --seeds; "
                             f"do not pass it as a task parameter")
        if key == "length":
            raise StudyError(f"task {task.name}: give lengths with --lengths, not as a parameter")
    if task.file is not None:
        path = Path(task.file)
        if not path.exists():
            raise StudyError(f"data file {task.file} does not exist")
        if task.lengths:
            raise StudyError(f"a length sweep needs a generated task; {task.file} is a file with "
                             f"its own sequence lengths")
        return task
    known = datasets.names()
    if task.name not in known:
        close = difflib.get_close_matches(task.name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise StudyError(f"unknown task {task.name!r}{hint}; built-in tasks: {', '.join(known)} "
                         f"(or pass your own file with --data)")
    entry = datasets.spec(task.name)
    if task.lengths and not entry.takes_length:
        takers = [n for n in known if datasets.takes_length(n)]
        raise StudyError(f"task {task.name!r} has no sequence length to sweep; drop --lengths or "
                         f"use one of {', '.join(takers)}")
    for length in task.lengths or ():
        if isinstance(length, bool) or not isinstance(length, int) or length < 2:
            raise StudyError(f"task {task.name}: lengths must be integers ≥ 2, got {length!r}")
    unknown = [key for key in task.params if key not in entry.defaults]
    if unknown:
        raise StudyError(f"task {task.name!r} takes no parameter {unknown[0]!r}; valid "
                         f"parameters: {', '.join(k for k in entry.defaults if k != 'seed')}")
    return task


def budget_text(epochs: int | None, steps: int | None, seconds: float | None) -> str:
    """The budget in words: ``"20 epochs"``, or each limit joined by "or" when there are several.

    Example:
        >>> budget_text(None, 500, 30.0)
        '500 steps or 30 s of training, whichever comes first'
    """
    parts = [f"{epochs} epochs" if epochs is not None else "",
             f"{steps} steps" if steps is not None else "",
             f"{seconds:g} s of training" if seconds is not None else ""]
    parts = [part for part in parts if part]
    if len(parts) == 1:
        return parts[0]
    return " or ".join(parts) + ", whichever comes first"


def validate(config: StudyConfig) -> StudyConfig:
    """Return ``config`` if every field makes sense, else raise :class:`StudyError`.

    Example:
        >>> validate(StudyConfig(tasks=(TaskSpec("adding", (10,)),), cells=("lstm",))).cells
        ('lstm',)
    """
    if not config.cells:
        raise StudyError("no cells to compare; give at least one of rnn, lstm, gru")
    for cell in config.cells:
        _choice("cell", cell, tuple(registered_cells()))
    if len(set(config.cells)) != len(config.cells):
        raise StudyError(f"cells repeat: {', '.join(config.cells)}")
    if not config.tasks:
        raise StudyError("no tasks to run; give --task NAME or --data FILE")
    for task in config.tasks:
        validate_task(task)
    if not config.seeds:
        raise StudyError("no seeds; give at least one")
    for seed in config.seeds:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise StudyError(f"seeds must be non-negative integers, got {seed!r}")
    if len(set(config.seeds)) != len(config.seeds):
        raise StudyError("seeds repeat; each seed must appear once")
    if max(config.seeds) >= TRIAL_SEED_BASE:
        raise StudyError(f"seeds must be below {TRIAL_SEED_BASE}; larger seeds are kept for "
                         f"the learning-rate trials")
    if config.tune is not None:
        _choice("tune", config.tune, TUNE_MODES)
    if config.tune_grid is not None:
        if not config.tune_grid:
            raise StudyError("tune_grid is empty; give at least one learning rate")
        for rate in config.tune_grid:
            _positive_float("a tune_grid learning rate", rate)
        if len(set(config.tune_grid)) != len(config.tune_grid):
            raise StudyError("tune_grid repeats a learning rate")
    _positive_int("tune_seeds", config.tune_seeds)
    if config.tune_epochs is not None:
        _positive_int("tune_epochs", config.tune_epochs)
    _choice("match", config.match, MATCHES)
    _choice("optimizer", config.optimizer, OPTIMIZERS)
    _choice("engine", config.engine, ENGINES)
    _choice("dtype", config.dtype, DTYPES)
    for name in ("hidden_size", "num_layers", "batch_size"):
        _positive_int(name, getattr(config, name))
    for name in ("epochs", "steps"):
        if getattr(config, name) is not None:
            _positive_int(name, getattr(config, name))
    if config.seconds is not None:
        _positive_float("seconds", config.seconds)
    if config.epochs is None and config.steps is None and config.seconds is None:
        raise StudyError("no training budget: give epochs, steps or seconds per run")
    if config.schedule == "cosine" and config.epochs is None and config.steps is None:
        raise StudyError("a cosine schedule decays to zero at the last epoch, so it needs an "
                         "epoch or step budget; a wall-time budget alone has no last epoch")
    _positive_float("learning_rate", config.learning_rate)
    if config.gradient_clip is not None:
        _positive_float("gradient_clip", config.gradient_clip)
    if not 0 < config.threshold <= 1:
        raise StudyError(f"threshold is a normalised skill in (0, 1], got {config.threshold!r}")
    if config.noise_std < 0:
        raise StudyError(f"noise_std must be ≥ 0, got {config.noise_std!r}")
    return config


def check_output_dir(path: str | os.PathLike) -> Path:
    """The study's output folder, created if needed; a path that is a file is refused."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise StudyError(f"output folder {out} is a file; give a folder (it will hold "
                         f"results.sqlite and the report)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StudyError(f"cannot create output folder {out}: {error.strerror}") from None
    return out
