"""From a :class:`StudyConfig` to the list of runs: cells × tasks × lengths × seeds.

A :class:`RunConfig` holds *everything* that can change a run's numbers and nothing else, and
its :attr:`~RunConfig.key` is a hash of it. Two runs with the same key compute the same thing, so
any executor can run it, a rerun can skip it, and databases can be merged by key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from rnnlab.study.config import StudyConfig, TaskSpec
from rnnlab.study.data import check_splits, file_digest, load_dataset, sizes_of
from rnnlab.study.matching import matched_hidden_sizes, num_parameters

#: Bumped when the meaning of a run's numbers changes; part of every key.
RUN_FORMAT = 1


@dataclass(frozen=True)
class RunConfig:
    """One training run of the study; a pure function of these fields.

    ``task_params`` are the dataset parameters including ``length`` (when the task has one) and
    ``seed`` — the run's seed also fixes initialisation and batch order. ``role`` is
    ``"final"`` for the runs the verdicts read, ``"trial"`` for a learning-rate trial of the
    tuning phase (scored on the validation split only; see :mod:`rnnlab.study.tuning`).
    """

    cell: str
    hidden_size: int
    num_layers: int
    task: str
    length: int | None
    seed: int
    task_params: dict[str, Any] = field(default_factory=dict)
    file: str | None = None
    file_task: str | None = None
    file_sha256: str | None = None
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
    noise_std: float = 0.5
    measure: bool = True
    expected_parameters: int = 0
    role: str = "final"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunConfig:
        """Inverse of :meth:`to_dict`."""
        return cls(**data)

    @property
    def key(self) -> str:
        """16 hex digits of SHA-256 over the canonical JSON of the fields and :data:`RUN_FORMAT`.

        Example:
            >>> RunConfig("lstm", 16, 1, "adding", 10, 0).key == RunConfig(
            ...     "lstm", 16, 1, "adding", 10, 0).key
            True
        """
        # The file *path* is left out: the same data moved elsewhere is the same run. Budgets
        # that are not set, and the role of a final run, are left out too, so keys made before
        # they existed stay valid.
        fields = {k: v for k, v in self.to_dict().items()
                  if k != "file" and not (k in ("steps", "seconds") and v is None)
                  and not (k == "role" and v == "final")}
        text = json.dumps({"format": RUN_FORMAT, **fields}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        """``lstm · adding T=50 · seed 0`` (a trial adds its learning rate)."""
        length = f" T={self.length}" if self.length is not None else ""
        trial = f" · trial lr {self.learning_rate:.3g}" if self.role == "trial" else ""
        return f"{self.cell} · {self.task}{length} · seed {self.seed}{trial}"

    @property
    def setting(self) -> tuple[str, int | None, str]:
        """``(task, length, cell)``: the group this run belongs to."""
        return self.task, self.length, self.cell


#: Settings every run of a study copies from its :class:`StudyConfig`: the fields the two
#: classes have in common, except the hidden size, which parameter matching sets per cell.
SHARED_SETTINGS = tuple(f.name for f in fields(RunConfig)
                        if f.name in StudyConfig.__dataclass_fields__ and f.name != "hidden_size")


@dataclass(frozen=True)
class Setting:
    """One (task, length) of a study with the sizes every cell gets there."""

    task: TaskSpec
    length: int | None
    hidden: dict[str, int]
    expected: dict[str, int]
    digest: str | None

    def task_params(self, seed: int) -> dict[str, Any]:
        """Dataset parameters of a run with ``seed`` (a file's data does not take a seed)."""
        params = dict(self.task.params)
        if self.task.file is None:
            params["seed"] = seed
            if self.length is not None:
                params["length"] = self.length
        return params


def settings_of(config: StudyConfig) -> list[Setting]:
    """Every (task, length) of the study, in order, with parameter-matched hidden sizes.

    Hidden sizes come from :func:`~rnnlab.study.matching.matched_hidden_sizes`, computed from
    the task's input and output sizes (loaded once here).
    """
    out = []
    for task in config.tasks:
        digest = file_digest(task.file) if task.file else None
        lengths = task.lengths or (None,)
        probe_params = dict(task.params)
        if lengths[0] is not None:
            probe_params["length"] = lengths[0]
        probe = load_dataset(task.name, probe_params, task.file, task.file_task)
        check_splits(probe)
        input_size, output_size = sizes_of(probe)
        hidden = matched_hidden_sizes(config.cells, input_size, output_size, config.hidden_size,
                                      config.num_layers, config.match)
        expected = {cell: num_parameters(cell, input_size, hidden[cell], output_size,
                                         config.num_layers) for cell in config.cells}
        out.extend(Setting(task, length, hidden, expected, digest) for length in lengths)
    return out


def make_run(config: StudyConfig, setting: Setting, cell: str, seed: int,
             **changes: Any) -> RunConfig:
    """The run of ``cell`` with ``seed`` at ``setting``; ``changes`` override shared fields."""
    shared = {name: getattr(config, name) for name in SHARED_SETTINGS}
    shared.update(changes)
    task = setting.task
    return RunConfig(cell=cell, hidden_size=setting.hidden[cell], task=task.name,
                     length=setting.length, seed=seed, task_params=setting.task_params(seed),
                     file=task.file, file_task=task.file_task, file_sha256=setting.digest,
                     expected_parameters=setting.expected[cell], **shared)


def expand(config: StudyConfig,
           learning_rates: dict[tuple[str, int | None, str], float] | None = None,
           settings: list[Setting] | None = None) -> list[RunConfig]:
    """Every final run of the study, in a stable order (task, length, seed, cell).

    ``learning_rates`` maps ``(task, length, cell)`` to the rate tuning chose; without it (or
    for a setting it does not name) every run takes the study's shared ``learning_rate``.

    Example:
        >>> from rnnlab.study.config import TaskSpec
        >>> runs = expand(StudyConfig(tasks=(TaskSpec("adding", (5, 10), {"n_train": 8}),),
        ...                           seeds=(0, 1)))
        >>> len(runs), sorted({(r.cell, r.hidden_size) for r in runs})
        (12, [('gru', 19), ('lstm', 16), ('rnn', 34)])
    """
    rates = learning_rates or {}
    runs = []
    for setting in settings if settings is not None else settings_of(config):
        for seed in config.seeds:
            for cell in config.cells:
                rate = rates.get((setting.task.name, setting.length, cell), config.learning_rate)
                runs.append(make_run(config, setting, cell, seed, learning_rate=rate))
    return runs
