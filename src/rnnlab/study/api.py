"""``rnnlab.study.compare`` — the Python face of ``rnnlab compare`` — and ``render_report``.

A study goes: configuration → runs (keys) → skip the finished ones → execute the rest (any
executor), writing each result to ``results.sqlite`` as it arrives → analyse what the database
holds → write the report. Rerunning the same call resumes: finished runs are read, not redone.
"""

from __future__ import annotations

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
from rnnlab.study.grid import RunConfig, expand
from rnnlab.study.progress import NullProgress, RichProgress
from rnnlab.study.recommend import recommendation
from rnnlab.study.store import Store, open_store
from rnnlab.study.suites import suite as suite_config


@dataclass
class StudyResult:
    """What a finished study hands back.

    Attributes:
        out: the output folder; ``database`` the results file in it.
        config: the :class:`StudyConfig` that ran.
        analysis: means, intervals, tests, Pareto fronts (:mod:`rnnlab.study.analysis`).
        claims: the claims table; ``recommendation`` the paragraph.
        reports: paths of the report files written (``report.md``, ``report.html``, PNGs).
        ran, skipped, failed: run counts of this call; ``seconds`` its wall time.
    """

    out: Path
    database: Path
    config: StudyConfig
    analysis: Analysis
    claims: list[Claim]
    recommendation: str
    reports: dict[str, Path] = field(default_factory=dict)
    ran: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0


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

    Example:
        >>> config = build_config(tasks="adding", lengths=[10, 60], seeds=2)
        >>> config.tasks[0].lengths, config.seeds, config.cells
        ((10, 60), (0, 1), ('rnn', 'lstm', 'gru'))
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
    changes = {k: v for k, v in changes.items() if v is not None}
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
              console: Any = None) -> StudyResult:
    """Execute ``config`` into ``out`` (resuming), then analyse and (optionally) report."""
    from rnnlab.study.runner import execute

    started = time.perf_counter()
    folder = check_output_dir(out)
    runner = make_executor(executor, workers=workers, address=address)
    with open_store(folder) as store:
        runs = expand(config)
        store.save_study(config.to_dict())
        store.set_meta("study_keys", ",".join(sorted(r.key for r in runs)))
        finished = store.finished_keys()
        todo = _order_for_speed([r for r in runs if r.key not in finished])
        counts = {"ran": 0, "failed": 0}
        display = RichProgress(len(runs), console) if progress else NullProgress()

        def on_event(event: Event) -> None:
            if event.kind == "start":
                store.mark_running(event.run)
            elif event.kind == "done":
                store.save_result(event.run, event.payload)
                counts["ran"] += 1
            elif event.kind == "failed":
                store.save_failure(event.run, str(event.payload).splitlines()[0])
                counts["failed"] += 1
            display.handle(event)

        with display:
            display.skipped(len(runs) - len(todo))
            runner.run(todo, function or execute, on_event)
        result = summarise(store, config, folder)
    result.ran, result.failed = counts["ran"], counts["failed"]
    result.skipped = len(runs) - len(todo)
    if report:
        from rnnlab.study.report import write_report

        result.reports = write_report(result)
    result.seconds = time.perf_counter() - started
    return result


def summarise(store: Store, config: StudyConfig, folder: Path) -> StudyResult:
    """Analysis, claims and recommendation of the study's runs found in ``store``."""
    keys = set(filter(None, (store.get_meta("study_keys") or "").split(",")))
    rows = [r for r in store.runs("done") if not keys or r["key"] in keys]
    failed = len([r for r in store.runs("failed") if not keys or r["key"] in keys])
    epochs: dict[str, list[dict[str, Any]]] = {}
    for row in store.epochs():
        epochs.setdefault(row["key"], []).append(row)
    analysis = analyse(rows, epochs, config.threshold, failed)
    return StudyResult(out=folder, database=store.path, config=config, analysis=analysis,
                       claims=evaluate_claims(analysis), recommendation=recommendation(analysis))


def compare(tasks: str | Sequence[str] | None = None, *, data: str | os.PathLike | None = None,
            data_task: str | None = None, cells: str | Sequence[str] | None = None,
            lengths: Sequence[int] | None = None, seeds: int | Sequence[int] | None = None,
            suite: str | None = None, params: dict[str, Any] | None = None,
            out: str | os.PathLike = "rnnlab-study", workers: int | None = None,
            executor: str = "local", address: str | None = None, progress: bool = True,
            report: bool = True, **settings: Any) -> StudyResult:
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
        **settings: any :class:`StudyConfig` field — ``match``, ``hidden_size``, ``epochs``,
            ``steps``, ``seconds``, ``learning_rate``, ``batch_size``, ``optimizer``,
            ``threshold``, ``engine``… A run stops at the first budget it reaches; giving
            ``steps`` or ``seconds`` without ``epochs`` removes the epoch limit.

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
                     progress=progress, report=report)


def render_report(database: str | os.PathLike, out: str | os.PathLike | None = None
                  ) -> StudyResult:
    """Re-render the report from a results database (folder or ``.sqlite`` file)."""
    from rnnlab.study.report import write_report

    with open_store(database, create=False) as store:
        stored = store.study_config()
        if stored is None:
            raise StudyError(f"{store.path} holds no study configuration; run `rnnlab compare` "
                             f"into it first")
        config = StudyConfig.from_dict(stored)
        folder = check_output_dir(out) if out is not None else store.path.parent
        result = summarise(store, config, folder)
    result.reports = write_report(result)
    return result
