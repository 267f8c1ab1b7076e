"""Timing helpers: medians of repeated runs, because these machines are shared and noisy."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], repeats: int = 7, warmup: int = 2) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs after ``warmup`` untimed runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def blocked_medians(fns: dict[str, Callable[[], object]], repeats: int = 7, rounds: int = 3,
                    warmup: int = 2) -> dict[str, float]:
    """Median wall time of each function over ``rounds`` blocks of ``repeats`` timed runs.

    Each block runs one contender alone (after ``warmup`` untimed runs), and blocks alternate
    between contenders, so slow drift of the machine affects all of them alike. Runs are not
    interleaved one by one: NumPy's OpenBLAS and torch's OpenMP threads each spin for a while
    after finishing, and on a 2-core machine one library's spinning threads would slow the other.
    """
    times = blocked_times(fns, repeats, rounds, warmup)
    return {name: statistics.median(values) for name, values in times.items()}


def blocked_times(fns: dict[str, Callable[[], object]], repeats: int = 7, rounds: int = 3,
                  warmup: int = 2) -> dict[str, list[float]]:
    """Like :func:`blocked_medians`, but every timed run's seconds (for medians and ranges)."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            for _ in range(warmup):
                fn()
            for _ in range(repeats):
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
    return times


def summary(values: list[float]) -> tuple[float, float, float]:
    """(median, min, max)."""
    return statistics.median(values), min(values), max(values)
