"""Where runs execute: in this process, on a local process pool, or as Ray tasks.

Every executor has one method, ``run(runs, function, on_event)``: it calls
``function(run.to_dict(), report)`` for each run somewhere and calls ``on_event(event)`` *in this
process* as things happen, so that only this process writes the results database:

* ``Event("start", run)`` — a worker began the run (Ray: ``payload="queued"``, submitted);
* ``Event("epoch", run, payload)`` — a finished epoch (local executors only);
* ``Event("done", run, result)`` / ``Event("failed", run, message)``.

Runs are pure functions of their configuration, so the executor only changes *where* and *when*
they run, never their numbers. Workers are pinned to one torch thread: a study gets its
parallelism from running several runs at once, and one thread per run keeps runs from fighting
over cores (and keeps CPU numbers reproducible).
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from rnnlab.study.errors import StudyError
from rnnlab.study.grid import RunConfig

EXECUTORS = ("local", "ray")
RunFunction = Callable[..., dict[str, Any]]


@dataclass
class Event:
    """Something that happened to a run (see the module docstring)."""

    kind: str
    run: RunConfig
    payload: Any = None


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"


def _pin_threads() -> None:
    """One thread for torch *and* for NumPy's BLAS/OpenMP pools in this worker process.

    torch.set_num_threads does not reach OpenBLAS, whose pool would otherwise start one thread
    per core in every worker and oversubscribe the machine.
    """
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    threadpool_limits(1)


# ----------------------------------------------------------------------------- in process
class SerialExecutor:
    """Runs one run after another in this process (``workers=1``)."""

    workers = 1

    def run(self, runs: list[RunConfig], function: RunFunction,
            on_event: Callable[[Event], None]) -> None:
        """Execute ``runs`` in order; torch's thread count is restored afterwards."""
        import torch
        from threadpoolctl import threadpool_limits

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        limits = threadpool_limits(1)  # NumPy's BLAS too, as in the pool's workers
        try:
            for run in runs:
                on_event(Event("start", run))
                try:
                    result = function(run.to_dict(),
                                      lambda payload, run=run: on_event(Event("epoch", run,
                                                                              payload)))
                except Exception as error:  # a failed run is recorded, the study goes on
                    on_event(Event("failed", run, _one_line(error)))
                else:
                    on_event(Event("done", run, result))
        finally:
            torch.set_num_threads(threads)
            limits.restore_original_limits()


# ----------------------------------------------------------------------------- process pool
_QUEUE: Any = None


def _init_worker(events: Any) -> None:
    global _QUEUE
    _QUEUE = events
    _pin_threads()


def _pool_task(function: RunFunction, fields: dict[str, Any]) -> tuple[str, Any]:
    key = RunConfig.from_dict(fields).key
    _QUEUE.put(("start", key, None))
    try:
        result = function(fields, lambda payload: _QUEUE.put(("epoch", key, payload)))
    except Exception as error:
        return "failed", _one_line(error) + "\n" + traceback.format_exc(limit=3)
    return "done", result


class LocalExecutor:
    """A pool of ``workers`` processes (default: every core), one torch thread each.

    Processes are started with ``spawn`` so that no torch or OpenMP state is inherited from
    the parent (forking a process that has run torch can deadlock).
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        if self.workers < 1:
            raise StudyError(f"workers must be at least 1, got {workers}")

    def run(self, runs: list[RunConfig], function: RunFunction,
            on_event: Callable[[Event], None]) -> None:
        """Execute ``runs`` on the pool, reporting events as they arrive."""
        if not runs:
            return
        context = multiprocessing.get_context("spawn")
        events = context.Queue()
        by_key = {run.key: run for run in runs}
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(runs)), mp_context=context,
                                   initializer=_init_worker, initargs=(events,))
        try:
            pending = {pool.submit(_pool_task, function, run.to_dict()): run for run in runs}

            def drain() -> None:
                while True:
                    try:
                        kind, key, payload = events.get_nowait()
                    except queue_module.Empty:
                        return
                    on_event(Event(kind, by_key[key], payload))

            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                drain()
                for future in done:
                    run = pending.pop(future)
                    try:
                        kind, payload = future.result()
                    except Exception as error:  # the worker process itself died
                        kind, payload = "failed", _one_line(error)
                    on_event(Event(kind, run, payload))
            drain()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            events.close()


# ----------------------------------------------------------------------------- ray
def _ray_task(function: RunFunction, fields: dict[str, Any]) -> tuple[str, Any]:
    _pin_threads()
    try:
        return "done", function(fields, None)
    except Exception as error:
        return "failed", _one_line(error)


class RayExecutor:
    """Runs each run as a Ray task needing one CPU, on a cluster or a local Ray instance.

    ``address=None`` starts (or joins) a Ray instance on this machine; ``"auto"`` or
    ``"ray://host:10001"`` joins a cluster, whose nodes need rnnlab installed. Ray is an
    optional extra: ``pip install 'rnnlab[ray]'``.
    """

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        try:
            import ray  # noqa: F401
        except ImportError:
            raise StudyError("--executor ray needs Ray: pip install 'rnnlab[ray]'") from None
        self.address = address
        self.workers = workers

    def run(self, runs: list[RunConfig], function: RunFunction,
            on_event: Callable[[Event], None]) -> None:
        """Submit every run as a task and report each as it completes."""
        import ray

        started_here = not ray.is_initialized()
        if started_here:
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                       "ignore_reinit_error": True}
            if self.address:
                options["address"] = self.address
            elif self.workers:
                options["num_cpus"] = self.workers
            try:
                ray.init(**options)
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise StudyError(f"cannot reach a Ray cluster at {self.address}: "
                                 f"{_one_line(error)}") from None
        try:
            task = ray.remote(num_cpus=1)(_ray_task)
            pending = {}
            for run in runs:
                pending[task.remote(function, run.to_dict())] = run
                # Ray decides when a task starts; "queued" keeps it off the live display.
                on_event(Event("start", run, "queued"))
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1, timeout=0.5)
                for ref in ready:
                    run = pending.pop(ref)
                    try:
                        kind, payload = ray.get(ref)
                    except Exception as error:  # the task's worker died
                        kind, payload = "failed", _one_line(error)
                    on_event(Event(kind, run, payload))
        finally:
            if started_here:
                ray.shutdown()


def make_executor(name: str = "local", *, workers: int | None = None,
                  address: str | None = None) -> Any:
    """``"local"`` (a pool; ``workers=1`` runs in this process) or ``"ray"``.

    Example:
        >>> make_executor("local", workers=1).workers
        1
    """
    if name not in EXECUTORS:
        raise StudyError(f"unknown executor {name!r}; expected local or ray")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise StudyError(f"workers must be a positive integer, got {workers!r}")
    if name == "ray":
        return RayExecutor(address, workers)
    if address is not None:
        raise StudyError("--address applies to --executor ray only")
    if workers == 1:
        return SerialExecutor()
    return LocalExecutor(workers)
