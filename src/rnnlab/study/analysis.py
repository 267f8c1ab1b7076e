"""Statistics over a study's finished runs: means with 95 % confidence intervals, paired tests
between cells, memory horizons, time to threshold, and the accuracy-versus-cost Pareto front.

Conventions:

* a *group* is one (task, length, cell); its runs differ only in the seed;
* confidence interval of a mean over ``n`` seeds: ``mean ± t_{0.975, n−1} · s / √n`` with ``s``
  the sample standard deviation (no interval for ``n = 1``);
* cells are compared with a **paired** t-test on the test skill over the seeds both cells ran
  (the same seed means the same data and batch order, so pairing removes the data's share of
  the variance); a difference that is identical on every seed gets ``p = 0`` (or 1 if zero);
* skill, not the raw score, is averaged and compared, so that higher is always better.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from rnnlab import cells

# The textbook three first, then every other registered cell and variant (rnnlab.cells).
CELL_ORDER = ("rnn", "gru", "lstm", *(c for c in cells.names() if c not in ("rnn", "gru", "lstm")))
#: Significance level of the pairwise tests.
ALPHA_DEFAULT = 0.05


def mean_ci(values: list[float], confidence: float = 0.95) -> tuple[float, float, int]:
    """``(mean, half_width, n)`` of the finite ``values``; half-width NaN when ``n < 2``.

    Example:
        >>> mean, half, n = mean_ci([1.0, 2.0, 3.0])
        >>> round(mean, 3), round(half, 3), n  # t_{0.975,2} = 4.303, s = 1
        (2.0, 2.484, 3)
    """
    finite = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    n = int(finite.size)
    if n == 0:
        return math.nan, math.nan, 0
    mean = float(finite.mean())
    if n < 2:
        return mean, math.nan, n
    from scipy import stats  # here, not at the top: study workers import this package, and
    # scipy.stats would add ~2 s to every worker's start-up for a function they never call

    t = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
    return mean, t * float(finite.std(ddof=1)) / math.sqrt(n), n


def paired_test(a: dict[int, float], b: dict[int, float]) -> tuple[float, float, int]:
    """Paired t-test of ``a − b`` over shared seeds: ``(mean difference, p, n_pairs)``.

    Example:
        >>> diff, p, n = paired_test({0: 0.9, 1: 0.8, 2: 0.85}, {0: 0.1, 1: 0.2, 2: 0.0})
        >>> round(diff, 3), p < 0.05, n
        (0.75, True, 3)
    """
    seeds = sorted(s for s in set(a) & set(b)
                   if math.isfinite(a[s]) and math.isfinite(b[s]))
    diffs = np.array([a[s] - b[s] for s in seeds], dtype=float)
    n = int(diffs.size)
    if n == 0:
        return math.nan, math.nan, 0
    mean = float(diffs.mean())
    if n < 2:
        return mean, math.nan, n
    if float(diffs.std(ddof=1)) == 0.0:
        return mean, (1.0 if mean == 0 else 0.0), n
    from scipy import stats  # lazily, as in mean_ci

    return mean, float(stats.ttest_1samp(diffs, 0.0).pvalue), n


@dataclass
class Stat:
    """A mean over seeds with its 95 % interval half-width and count."""

    mean: float
    half: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> Stat:
        return cls(*mean_ci(values))

    @property
    def low(self) -> float:
        return self.mean - self.half if math.isfinite(self.half) else self.mean

    @property
    def high(self) -> float:
        return self.mean + self.half if math.isfinite(self.half) else self.mean

    def text(self, digits: int = 3) -> str:
        """``0.912 ± 0.031`` (or just the mean)."""
        if not math.isfinite(self.mean):
            return "–"
        if not math.isfinite(self.half):
            return f"{self.mean:.{digits}f}"
        return f"{self.mean:.{digits}f} ± {self.half:.{digits}f}"


@dataclass
class Group:
    """All seeds of one (task, length, cell)."""

    task: str
    length: int | None
    cell: str
    metric: str
    baseline: float
    hidden_size: int
    num_parameters: int
    input_size: int
    output_size: int
    seeds: list[int]
    score: Stat
    skill: Stat
    skill_by_seed: dict[int, float]
    time_per_epoch: Stat
    latency_ms: Stat
    peak_memory_mb: Stat
    noise_skill: Stat
    long_skill: Stat
    long_length: int | None
    steps_to_threshold: Stat
    time_to_threshold: Stat
    reached_threshold: int
    gradient_init: list[float] | None
    gradient_trained: list[float] | None
    noise_by_seed: dict[int, float] = field(default_factory=dict)
    long_by_seed: dict[int, float] = field(default_factory=dict)
    curves: list[list[float]] = field(default_factory=list)

    def solved(self, threshold: float) -> bool | None:
        """True if the whole interval is ≥ threshold, False if wholly below, else None."""
        if self.skill.n == 0:
            return None
        if self.skill.low >= threshold:
            return True
        if self.skill.high < threshold:
            return False
        return None


@dataclass
class Comparison:
    """Paired test between two cells in one (task, length): ``a`` minus ``b``."""

    task: str
    length: int | None
    a: str
    b: str
    difference: float
    p: float
    n: int


@dataclass
class Analysis:
    """Everything the claims, recommendation and report read."""

    threshold: float
    groups: list[Group]
    comparisons: list[Comparison]
    pareto: dict[tuple[str, int | None], list[str]]
    horizons: dict[tuple[str, str], int | None]
    failed: int = 0

    def tasks(self) -> list[str]:
        return sorted({g.task for g in self.groups})

    def lengths(self, task: str) -> list[int | None]:
        values = {g.length for g in self.groups if g.task == task}
        return sorted(values, key=lambda v: -1 if v is None else v)

    def cells(self) -> list[str]:
        present = {g.cell for g in self.groups}
        return [c for c in CELL_ORDER if c in present]

    def group(self, task: str, length: int | None, cell: str) -> Group | None:
        for g in self.groups:
            if (g.task, g.length, g.cell) == (task, length, cell):
                return g
        return None

    def comparison(self, task: str, length: int | None, a: str, b: str) -> Comparison | None:
        for c in self.comparisons:
            if (c.task, c.length) == (task, length):
                if (c.a, c.b) == (a, b):
                    return c
                if (c.a, c.b) == (b, a):
                    return Comparison(task, length, a, b, -c.difference, c.p, c.n)
        return None


def _threshold_reach(epochs: list[dict[str, Any]], steps_per_epoch: int,
                     threshold: float) -> tuple[float, float]:
    elapsed = 0.0
    for row in epochs:
        elapsed += row.get("seconds") or 0.0
        value = row.get("val_skill")
        if value is not None and math.isfinite(value) and value >= threshold:
            return float(row["epoch"] * steps_per_epoch), elapsed
    return math.nan, math.nan


def _mean_curve(curves: list[list[float]]) -> list[float] | None:
    curves = [c for c in curves if c]
    if not curves:
        return None
    size = min(len(c) for c in curves)
    return [float(v) for v in np.mean([c[:size] for c in curves], axis=0)]


def pareto_front(points: dict[str, tuple[float, float]]) -> list[str]:
    """Cells not dominated in (cost ↓, skill ↑): no other is at least as cheap *and* as good,
    and strictly better in one.

    Example:
        >>> pareto_front({"rnn": (1.0, 0.2), "gru": (2.0, 0.9), "lstm": (3.0, 0.85)})
        ['gru', 'rnn']
    """
    front = []
    for name, (cost, value) in points.items():
        if not (math.isfinite(cost) and math.isfinite(value)):
            continue
        dominated = any(
            oc <= cost and ov >= value and (oc < cost or ov > value)
            for other, (oc, ov) in points.items()
            if other != name and math.isfinite(oc) and math.isfinite(ov))
        if not dominated:
            front.append(name)
    return sorted(front)


def analyse(rows: list[dict[str, Any]], epochs: dict[str, list[dict[str, Any]]],
            threshold: float, failed: int = 0) -> Analysis:
    """Build the :class:`Analysis` from ``runs`` rows (status ``done``) and their epoch rows."""
    by_group: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_group[row["task"], row["length"], row["cell"]].append(row)
    groups = []
    for (task, length, cell), members in sorted(by_group.items(),
                                                key=lambda kv: (kv[0][0], kv[0][1] or 0,
                                                                kv[0][2])):
        members.sort(key=lambda r: r["seed"])
        reach = [_threshold_reach(epochs.get(r["key"], []), r["steps_per_epoch"] or 0, threshold)
                 for r in members]
        extra = [r["extra"] for r in members]
        long = [e.get("length_generalisation") or {} for e in extra]
        groups.append(Group(
            task=task, length=length, cell=cell, metric=members[0]["metric"],
            baseline=members[0]["baseline"], hidden_size=members[0]["hidden_size"],
            num_parameters=members[0]["num_parameters"],
            input_size=extra[0].get("input_size", 0), output_size=extra[0].get("output_size", 0),
            seeds=[r["seed"] for r in members],
            score=Stat.of([r["test_score"] for r in members]),
            skill=Stat.of([r["test_skill"] for r in members]),
            skill_by_seed={r["seed"]: r["test_skill"] for r in members},
            time_per_epoch=Stat.of([r["time_per_epoch"] for r in members]),
            latency_ms=Stat.of([r["latency_per_step_ms"] for r in members]),
            peak_memory_mb=Stat.of([r["peak_memory_mb"] for r in members]),
            noise_skill=Stat.of([(e.get("noise") or {}).get("skill", math.nan) for e in extra]),
            long_skill=Stat.of([g.get("skill", math.nan) for g in long]),
            long_length=next((g["length"] for g in long if "length" in g), None),
            steps_to_threshold=Stat.of([s for s, _ in reach]),
            time_to_threshold=Stat.of([t for _, t in reach]),
            reached_threshold=sum(1 for s, _ in reach if math.isfinite(s)),
            gradient_init=_mean_curve([e.get("gradient_flow_init") or [] for e in extra]),
            gradient_trained=_mean_curve([e.get("gradient_flow_trained") or [] for e in extra]),
            noise_by_seed={r["seed"]: (e.get("noise") or {}).get("skill", math.nan)
                           for r, e in zip(members, extra, strict=True)},
            long_by_seed={r["seed"]: g.get("skill", math.nan)
                          for r, g in zip(members, long, strict=True)},
            curves=[[row.get("val_skill") for row in epochs.get(r["key"], [])]
                    for r in members],
        ))
    comparisons = []
    pareto = {}
    for task, length in sorted({(g.task, g.length) for g in groups},
                               key=lambda k: (k[0], k[1] or 0)):
        here = {g.cell: g for g in groups if (g.task, g.length) == (task, length)}
        for a, b in combinations([c for c in CELL_ORDER if c in here], 2):
            diff, p, n = paired_test(here[a].skill_by_seed, here[b].skill_by_seed)
            comparisons.append(Comparison(task, length, a, b, diff, p, n))
        pareto[task, length] = pareto_front({c: (g.time_per_epoch.mean, g.skill.mean)
                                             for c, g in here.items()})
    horizons: dict[tuple[str, str], int | None] = {}
    for g in groups:
        if g.length is None:
            continue
        horizons.setdefault((g.task, g.cell), None)
        if g.skill.mean >= threshold:
            current = horizons[g.task, g.cell]
            horizons[g.task, g.cell] = max(g.length, current or 0)
    return Analysis(threshold, groups, comparisons, pareto, horizons, failed)
