"""``rnnlab.study.compare`` — the Python face of ``rnnlab compare`` — and ``render_report``.

A study goes: configuration → runs (keys) → skip the finished ones → execute the rest (any
executor), writing each result to ``results.sqlite`` as it arrives → analyse what the database
holds → write the report. With ``tune="lr"`` the runs come in two phases: the learning-rate
trials first, then the final runs at each cell's chosen rate (:mod:`rnnlab.study.tuning`).
Rerunning the same call resumes: finished runs (trials included) are read, not redone.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rnnlab import cells
from rnnlab.study.analysis import Analysis, analyse
from rnnlab.study.claims import Claim, evaluate_claims
from rnnlab.study.config import StudyConfig, TaskSpec, check_output_dir, validate
from rnnlab.study.errors import StudyError
from rnnlab.study.executors import Event, make_executor
from rnnlab.study.grid import RunConfig, expand, settings_of
from rnnlab.study.progress import NullProgress, RichProgress
from rnnlab.study.recommend import Recommendation, recommend, recommendation_text
from rnnlab.study.store import Store, open_store
from rnnlab.study.suites import suite as suite_config
from rnnlab.study.tuning import Choice, choose_rates, trial_runs


@dataclass
class StudyResult:
    """What a finished study hands back.

    Attributes:
        out: the output folder; ``database`` the results file in it.
        config: the :class:`StudyConfig` that ran.
        analysis: means, intervals, tests, Pareto fronts (:mod:`rnnlab.study.analysis`).
        claims: the claims table; ``recommendations`` one per task, ``recommendation`` their
            paragraphs.
        tuning: each (task, length, cell)'s learning-rate choice (empty without tuning).
        reports: paths of the report files written (``report.md``, ``report.html``,
            ``report.json``, PNGs).
        ran, skipped, failed: run counts of this call (trials included); ``seconds`` its wall
            time.
    """

    out: Path
    database: Path
    config: StudyConfig
    analysis: Analysis
    claims: list[Claim]
    recommendations: list[Recommendation]
    tuning: dict[tuple[str, int | None, str], Choice] = field(default_factory=dict)
    reports: dict[str, Path] = field(default_factory=dict)
    ran: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0

    @property
    def recommendation(self) -> str:
        """The recommendation paragraphs (Markdown), one per task."""
        return recommendation_text(self.recommendations)


#: Seeds of a study of the user's own data (unless told otherwise).
DATA_SEEDS = 5
#: Suites whose studies tune each cell's learning rate unless told otherwise (as does a study
#: of the user's own data); the quick suite keeps one shared rate for speed and says so.
TUNED_SUITES = ("standard", "classic")


def _as_tuple(value: Any, name: str) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    try:
        return tuple(value)
    except TypeError:
        raise StudyError(f"{name} must be a list, got {value!r}") from None


def _named_tasks(names: list[str], lengths: tuple[int, ...],
                 params: dict[str, Any]) -> list[TaskSpec]:
    """TaskSpecs for built-in names; ``lengths`` go to the tasks that take a length."""
    from rnnlab import datasets

    if not names:
        return []
    known = set(datasets.names())
    takers = [n for n in names if n in known and datasets.takes_length(n)]
    if lengths and not takers and all(n in known for n in names):
        raise StudyError(f"task {names[0]!r} has no sequence length to sweep; drop --lengths "
                         f"or choose a task that takes one (adding, copy, recall, …)")
    # An unknown name keeps the lengths so that validation reports the name, not the length.
    return [TaskSpec(name, lengths if lengths and (name in takers or name not in known)
                     else None, dict(params)) for name in names]


def _seed_tuple(seeds: Any) -> tuple[int, ...] | None:
    if seeds is None:
        return None
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        if seeds < 1:
            raise StudyError(f"seeds must be at least 1, got {seeds}")
        return tuple(range(seeds))
    return tuple(int(s) for s in _as_tuple(seeds, "seeds"))


def build_config(*, tasks: Any = None, data: str | os.PathLike | None = None,
                 data_task: str | None = None, cells: Any = None, lengths: Any = None,
                 seeds: Any = None, suite: str | None = None, params: dict | None = None,
                 **settings: Any) -> StudyConfig:
    """A validated :class:`StudyConfig` from ``compare``'s arguments (see :func:`compare`).

    Tasks come from ``tasks`` and ``data``; with neither, from the ``suite`` (its tasks get
    ``params`` merged in and ``lengths`` replacing their sweeps), else the adding problem.
    A study of the user's own ``data`` tunes each cell's learning rate and runs
    :data:`DATA_SEEDS` seeds unless told otherwise, and so do the :data:`TUNED_SUITES` tune;
    ``tune="none"`` (or ``False``) turns tuning off.

    Example:
        >>> config = build_config(tasks="adding", lengths=[10, 60], seeds=2)
        >>> config.tasks[0].lengths, config.seeds, config.cells, config.tune
        ((10, 60), (0, 1), ('rnn', 'lstm', 'gru'), None)
    """
    base = suite_config(suite) if suite else StudyConfig(tasks=())
    lengths = tuple(int(v) for v in _as_tuple(lengths, "lengths"))
    params = dict(params or {})
    given = _as_tuple(tasks, "tasks")
    specs = [t for t in given if isinstance(t, TaskSpec)]
    specs += _named_tasks([t for t in given if not isinstance(t, TaskSpec)], lengths, params)
    if data is not None:
        if lengths:
            raise StudyError(f"a length sweep needs a generated task; {data} is a file with its "
                             f"own sequence lengths")
        specs.append(TaskSpec(Path(data).stem, None, params, str(data), data_task))
    if not specs and suite:
        specs = [replace(t, params={**t.params, **params},
                         lengths=(lengths or t.lengths) if t.lengths else None)
                 for t in base.tasks]
    if not specs:
        specs = _named_tasks(["adding"], lengths, params)
    changes = {"cells": _as_tuple(cells, "cells") or None, "seeds": _seed_tuple(seeds),
               **settings}
    unknown = [k for k in changes if k not in StudyConfig.__dataclass_fields__]
    if unknown:
        raise StudyError(f"compare() takes no setting {unknown[0]!r}")
    if changes.get("tune_grid") is not None:
        changes["tune_grid"] = tuple(float(v) for v in _as_tuple(changes["tune_grid"],
                                                                 "tune_grid"))
    tune = changes.pop("tune", None)
    changes = {k: v for k, v in changes.items() if v is not None}
    if data is not None:
        changes.setdefault("seeds", tuple(range(DATA_SEEDS)))
    if tune is None and (data is not None or suite in TUNED_SUITES):
        tune = "lr"
    if tune is not None:
        changes["tune"] = None if tune in (False, "none", "") else tune
    if ("steps" in changes or "seconds" in changes) and "epochs" not in changes:
        # As in PyTorch Lightning: a step or time budget without an epoch budget lifts the
        # (default or suite) epoch limit rather than racing it.
        changes["epochs"] = None
    return validate(replace(base, tasks=tuple(specs), **changes))


def _order_for_speed(runs: list[RunConfig]) -> list[RunConfig]:
    # Longest runs first (length × gates as the cost guess; the budget is the same for every
    # run of a study): the pool then ends with short runs and no worker idles while one long
    # run finishes alone.
    return sorted(runs, key=lambda r: -((r.length or 50) * (1 + (cells.cell(r.cell).num_gates
                                                                 or 1))))


def run_study(config: StudyConfig, out: str | os.PathLike, *, workers: int | None = None,
              executor: str = "local", address: str | None = None, progress: bool = True,
              report: bool = True, function: Callable | None = None,
              console: Any = None, log_dir: str | os.PathLike | None = None) -> StudyResult:
    """Execute ``config`` into ``out`` (resuming), then analyse and (optionally) report;
    ``log_dir``: TensorBoard events of every run, one folder per run.

    With tuning, the trials run first; the final runs start once every trial is finished,
    because their learning rates come from the trials.
    """
    from rnnlab.study.runner import execute

    if function is None and log_dir is not None:
        function = functools.partial(execute, log_dir=str(Path(log_dir).resolve()))

    started = time.perf_counter()
    folder = check_output_dir(out)
    runner = make_executor(executor, workers=workers, address=address)
    with open_store(folder) as store:
        settings = settings_of(config)
        trials = trial_runs(config, settings)
        store.save_study(config.to_dict())
        store.set_meta("trial_keys", ",".join(sorted(r.key for r in trials)))
        total = len(trials) + len(settings) * len(config.seeds) * len(config.cells)
        counts = {"ran": 0, "failed": 0, "skipped": 0}
        display = RichProgress(total, console) if progress else NullProgress()

        def on_event(event: Event) -> None:
            if event.kind == "start":
                store.mark_running(event.run)
            elif event.kind == "done":
                store.save_result(event.run, event.payload)
                counts["ran"] += 1
            elif event.kind == "failed":
                store.save_failure(event.run, str(event.payload).splitlines()[0])
                counts["failed"] += 1
            elif event.kind == "interrupted":
                store.save_interruption(event.run)
            display.handle(event)

        def execute_missing(runs: list[RunConfig]) -> None:
            finished = store.finished_keys()
            todo = _order_for_speed([r for r in runs if r.key not in finished])
            counts["skipped"] += len(runs) - len(todo)
            display.skipped(len(runs) - len(todo))
            runner.run(todo, function or execute, on_event)

        with display:
            execute_missing(trials)
            choices = choose_rates(config, trials, store.runs("done")) if trials else {}
            runs = expand(config, {k: c.rate for k, c in choices.items()}, settings)
            store.set_meta("study_keys", ",".join(sorted(r.key for r in runs)))
            execute_missing(runs)
        result = summarise(store, config, folder)
    result.ran, result.failed, result.skipped = counts["ran"], counts["failed"], counts["skipped"]
    if report:
        from rnnlab.study.report import write_report

        result.reports = write_report(result)
    result.seconds = time.perf_counter() - started
    return result


def _keys(store: Store, name: str) -> set[str]:
    return set(filter(None, (store.get_meta(name) or "").split(",")))


def summarise(store: Store, config: StudyConfig, folder: Path) -> StudyResult:
    """Analysis, tuning choices, claims and recommendations of the study found in ``store``."""
    keys, trial_keys = _keys(store, "study_keys"), _keys(store, "trial_keys")
    everything = store.runs(None)
    finals = [r for r in everything if r["config"].get("role", "final") == "final"
              and (not keys or r["key"] in keys)]
    rows = [r for r in finals if r["status"] == "done"]
    failed = len([r for r in finals if r["status"] == "failed"])
    trials = [RunConfig.from_dict(r["config"]) for r in everything if r["key"] in trial_keys]
    choices = choose_rates(config, trials, [r for r in everything if r["status"] == "done"]) \
        if trials else {}
    epochs: dict[str, list[dict[str, Any]]] = {}
    for row in store.epochs():
        epochs.setdefault(row["key"], []).append(row)
    analysis = analyse(rows, epochs, config.threshold, failed)
    tuned = config.tune is not None
    forecasts = frozenset(t.name for t in config.tasks if t.file_task == "forecast")
    return StudyResult(out=folder, database=store.path, config=config, analysis=analysis,
                       claims=evaluate_claims(analysis, tuned),
                       recommendations=recommend(analysis, tuned, forecasts), tuning=choices)


def compare(tasks: str | Sequence[str] | None = None, *, data: str | os.PathLike | None = None,
            data_task: str | None = None, cells: str | Sequence[str] | None = None,
            lengths: Sequence[int] | None = None, seeds: int | Sequence[int] | None = None,
            suite: str | None = None, params: dict[str, Any] | None = None,
            out: str | os.PathLike = "rnnlab-study", workers: int | None = None,
            executor: str = "local", address: str | None = None, progress: bool = True,
            report: bool = True, log_dir: str | os.PathLike | None = None,
            **settings: Any) -> StudyResult:
    """Compare RNN, LSTM and GRU fairly on built-in tasks or your own data; resumable.

    Args:
        tasks: built-in dataset names (``"adding"`` or ``["adding", "recall"]``).
        data, data_task: your own file and how to read it (``"classify"``, ``"forecast"``…).
        cells: default ``("rnn", "lstm", "gru")``.
        lengths: sequence lengths to sweep on tasks that take a ``length``.
        seeds: a count (``3`` → seeds 0, 1, 2) or explicit seeds.
        suite: ``"quick"``, ``"standard"`` or ``"classic"`` as the starting configuration.
        params: extra dataset parameters for every task (``{"n_train": 500}``).
        out: output folder (``results.sqlite``, ``report.md``, ``report.html``, plots).
        workers: local processes (default: every core); ``executor="ray"`` with ``address``
            runs on a Ray cluster.
        progress, report: show live progress; write the report.
        log_dir: write TensorBoard event files of every run there, one folder per run
            (``tensorboard --logdir`` on it shows them side by side).
        **settings: any :class:`StudyConfig` field — ``match``, ``hidden_size``, ``epochs``,
            ``steps``, ``seconds``, ``learning_rate``, ``batch_size``, ``optimizer``,
            ``threshold``, ``engine``… A run stops at the first budget it reaches; giving
            ``steps`` or ``seconds`` without ``epochs`` removes the epoch limit.
            ``tune="lr"`` searches each cell's learning rate first (same trials per cell,
            validation split only; on by default for ``data`` and the standard and classic
            suites; ``tune="none"`` turns it off), over ``tune_grid`` if given.

    Returns:
        a :class:`StudyResult`.

    Example::

        >>> import rnnlab
        >>> result = rnnlab.compare("adding", lengths=[10, 60], seeds=3, out="study")
        ... # doctest: +SKIP
        >>> print(result.recommendation)  # doctest: +SKIP
    """
    config = build_config(tasks=tasks, data=data, data_task=data_task, cells=cells,
                          lengths=lengths, seeds=seeds, suite=suite, params=params, **settings)
    return run_study(config, out, workers=workers, executor=executor, address=address,
                     progress=progress, report=report, log_dir=log_dir)


def render_report(database: str | os.PathLike, out: str | os.PathLike | None = None
                  ) -> StudyResult:
    """Re-render the report from a results database (folder or ``.sqlite`` file)."""
    from rnnlab.study.report import write_report

    with open_store(database, read_only=True) as store:   # a report never writes to it
        stored = store.study_config()
        if stored is None:
            raise StudyError(f"{store.path} holds no study configuration; run `rnnlab compare` "
                             f"into it first")
        config = StudyConfig.from_dict(stored)
        folder = check_output_dir(out) if out is not None else store.path.parent
        result = summarise(store, config, folder)
    result.reports = write_report(result)
    return result
