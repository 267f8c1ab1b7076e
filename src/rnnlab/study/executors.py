"""Where runs execute: in this process, on a local process pool, or as Ray tasks.

Every executor has one method, ``run(runs, function, on_event)``: it calls
``function(run.to_dict(), report)`` for each run somewhere and calls ``on_event(event)`` *in this
process* as things happen, so that only this process writes the results database:

* ``Event("start", run)`` — a worker began the run (Ray: ``payload="queued"``, submitted);
* ``Event("epoch", run, payload)`` — a finished epoch (local executors only);
* ``Event("done", run, result)`` / ``Event("failed", run, message)``;
* ``Event("interrupted", run)`` — Ctrl-C stopped the study while the run was submitted or in
  flight; the run did not finish (and is redone by the next study). The executor then
  re-raises the ``KeyboardInterrupt``.

Ctrl-C belongs to this process alone: pool workers ignore SIGINT (the terminal sends it to the
whole process group), so an interrupted study stops its workers itself, at once, instead of
each worker printing a traceback or — worse — finishing a run cut short by its own interrupt.
A run interrupted in this process (``workers=1``) raises ``KeyboardInterrupt`` out of the run
function (see :func:`rnnlab.study.runner.execute`) and is never reported as done.

Runs are pure functions of their configuration, so the executor only changes *where* and *when*
they run, never their numbers. Workers are pinned to one torch thread: a study gets its
parallelism from running several runs at once, and one thread per run keeps runs from fighting
over cores (and keeps CPU numbers reproducible).
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import queue as queue_module
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
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
                # Ctrl-C can land anywhere in here, also just after the run was stored as
                # running and before its function started: "interrupted" then still marks it
                # (the store changes only a row that is running, so it is harmless once the
                # run is stored as done).
                try:
                    on_event(Event("start", run))
                    try:
                        result = function(run.to_dict(),
                                          lambda payload, run=run: on_event(Event("epoch", run,
                                                                                  payload)))
                    except Exception as error:  # a failed run is recorded, the study goes on
                        on_event(Event("failed", run, _one_line(error)))
                    else:
                        on_event(Event("done", run, result))
                except KeyboardInterrupt:
                    on_event(Event("interrupted", run))
                    raise
        finally:
            torch.set_num_threads(threads)
            limits.restore_original_limits()


# ----------------------------------------------------------------------------- process pool
_QUEUE: Any = None


def _init_worker(events: Any) -> None:
    global _QUEUE
    # Inherited already when the worker was started inside _sigint_ignored; set again in case
    # a Python version starts workers elsewhere.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _QUEUE = events
    _pin_threads()
    # A spawned worker ends with a full interpreter shutdown, whose last garbage collection
    # walks every object torch, numba and a run left behind: ~0.5 s per worker, which the
    # study waits for after its last run (pool.shutdown joins the workers). Every result has
    # left the worker by then and nothing in it relies on the collector to finish (files are
    # closed by their runs, the event queue is flushed by multiprocessing before atexit), so
    # the objects are frozen out of that collection. Memory goes back to the OS either way.
    atexit.register(gc.freeze)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while worker processes are started, so that they inherit "ignored" from
    their first instruction on (a handler set later would leave their start-up exposed).

    ProcessPoolExecutor starts its workers inside ``submit``, so only the submitting loop runs
    in here; a Ctrl-C during those milliseconds is lost, any later one stops the study. Outside
    the main thread (where Python allows no signal handlers) the workers' initializer alone
    ignores SIGINT.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers now: the runs they hold are abandoned, never finished."""
    # ProcessPoolExecutor has no public way to stop running tasks before Python 3.14
    # (terminate_workers); its process table is the only handle.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(10)


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
        pending: dict[Any, RunConfig] = {}

        def drain() -> None:
            while True:
                try:
                    kind, key, payload = events.get_nowait()
                except queue_module.Empty:
                    return
                on_event(Event(kind, by_key[key], payload))

        def finish(future: Any) -> None:
            run = pending[future]
            try:
                kind, payload = future.result()
            except Exception as error:  # the worker process itself died
                kind, payload = "failed", _one_line(error)
            on_event(Event(kind, run, payload))
            # Forgotten only once stored: a Ctrl-C inside on_event leaves the run pending, and
            # the handler below stores it again (storing is idempotent) instead of losing it.
            del pending[future]

        try:
            with _sigint_ignored():
                for run in runs:
                    pending[pool.submit(_pool_task, function, run.to_dict())] = run
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                drain()
                for future in done:
                    finish(future)
            drain()
        except KeyboardInterrupt:
            _stop_workers(pool)
            drain()
            for future in [f for f in pending if f.done() and not f.cancelled()]:
                if future.exception() is None:   # finished just before the Ctrl-C: keep it
                    finish(future)
            for run in pending.values():
                on_event(Event("interrupted", run))
            raise
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
        pending: dict[Any, RunConfig] = {}
        try:
            task = ray.remote(num_cpus=1)(_ray_task)
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
        except KeyboardInterrupt:
            for ref, run in pending.items():
                ray.cancel(ref, force=True)
                on_event(Event("interrupted", run))
            raise
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
