"""Statistics over a study's finished runs: the numbers every verdict and table reads.

Conventions (the methods and constants live in :mod:`rnnlab.study.statistics`):

* a *group* is one (task, length, cell); its runs differ only in the seed; a *setting* is one
  (task, length) with all its cells;
* skill, not the raw score, is averaged and compared, so that higher is always better; every
  mean has a 95 % interval inside the range the quantity can take;
* a group *solves* the task when its whole skill interval is at or above the threshold, and
  *fails* it when the whole interval is below; otherwise (or with one seed) it is unclear;
* cells of a setting are compared pairwise with a paired t-test over the seeds both ran, Holm
  correction over the setting's pairs, and a TOST equivalence test;
* costs are intrinsic (:mod:`rnnlab.study.cost`): multiply–adds, parameters and activation
  memory from the sizes; measured time is kept with the kernel that produced it;
* counts such as steps to the threshold are summarised by an integer median (the lower middle
  value when the count of seeds is even: a number of steps some seed really took).
"""

from __future__ import annotations

import math
import statistics as pystats
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from rnnlab import cells
from rnnlab.study.cost import (
    DTYPE_BYTES,
    activation_floats,
    macs_per_sequence,
    macs_per_step,
)
from rnnlab.study.metrics import score_bounds, skill_bounds
from rnnlab.study.statistics import (
    PairedTest,
    Stat,
    finite,
    holm,
    min_detectable_difference,
    paired_test,
)

# The textbook three first, then every other registered cell and variant (rnnlab.cells).
CELL_ORDER = ("rnn", "gru", "lstm",
              *(c for c in cells.names() if c not in ("rnn", "gru", "lstm")))


def solves(low: float, high: float, seeds: int, threshold: float) -> bool | None:
    """The *solved* rule, the one place it is written: True if the whole interval
    ``[low, high]`` is ≥ ``threshold``, False if it is wholly below, else (and with fewer than
    two seeds, which give no interval) None.

    Example:
        >>> solves(0.85, 0.95, 3, 0.8), solves(0.7, 1.0, 3, 0.8), solves(0.1, 0.2, 1, 0.8)
        (True, None, None)
    """
    if seeds < 2 or not (math.isfinite(low) and math.isfinite(high)):
        return None
    if low >= threshold:
        return True
    return False if high < threshold else None


def solved_status(skill: Stat, threshold: float) -> bool | None:
    """:func:`solves` for a group's skill :class:`Stat`."""
    return solves(skill.low, skill.high, skill.n, threshold)


@dataclass
class Group:
    """All seeds of one (task, length, cell), with its costs."""

    task: str
    length: int | None
    cell: str
    metric: str
    baseline: float
    hidden_size: int
    num_parameters: int
    input_size: int
    output_size: int
    num_layers: int
    steps: float
    task_kind: str
    learning_rate: float
    engine: str
    kernel: str
    seeds: list[int]
    score: Stat
    skill: Stat
    skill_by_seed: dict[int, float]
    macs_per_step: int
    macs_per_sequence: float
    activation_bytes: float
    times_per_epoch: list[float]
    latencies_ms: list[float]
    noise_skill: Stat
    long_skill: Stat
    long_length: int | None
    steps_to_threshold: list[int]
    gradient_init: list[float] | None
    gradient_trained: list[float] | None
    gradient_decay: Stat
    noise_by_seed: dict[int, float] = field(default_factory=dict)
    long_by_seed: dict[int, float] = field(default_factory=dict)
    curves: list[list[float]] = field(default_factory=list)

    def solved(self, threshold: float) -> bool | None:
        """See :func:`solved_status`."""
        return solved_status(self.skill, threshold)

    @property
    def median_steps_to_threshold(self) -> int | None:
        """Integer median over the seeds that reached the threshold (None if none did)."""
        return pystats.median_low(self.steps_to_threshold) if self.steps_to_threshold else None


@dataclass
class Comparison:
    """Paired test of ``a − b`` in one (task, length), with its Holm-adjusted p value."""

    task: str
    length: int | None
    a: str
    b: str
    test: PairedTest
    p_adjusted: float

    @property
    def difference(self) -> float:
        return self.test.difference

    @property
    def p(self) -> float:
        return self.test.p

    @property
    def n(self) -> int:
        return self.test.n

    def flipped(self) -> Comparison:
        """The same comparison as ``b − a``."""
        t = self.test
        test = PairedTest(-t.difference, -t.high, -t.low, -t.high90, -t.low90, t.p, t.n, t.sd)
        return Comparison(self.task, self.length, self.b, self.a, test, self.p_adjusted)


@dataclass
class SettingStats:
    """Seeds and the smallest difference a setting could detect (see :mod:`.statistics`)."""

    task: str
    length: int | None
    seeds: int
    spread: float
    detectable: float


@dataclass
class Analysis:
    """Everything the claims, recommendation and report read."""

    threshold: float
    groups: list[Group]
    comparisons: list[Comparison]
    setting_stats: list[SettingStats]
    pareto: dict[tuple[str, int | None], list[str]]
    horizons: dict[tuple[str, str], int | None]
    failed: int = 0

    def tasks(self) -> list[str]:
        return sorted({g.task for g in self.groups})

    def lengths(self, task: str) -> list[int | None]:
        values = {g.length for g in self.groups if g.task == task}
        return sorted(values, key=lambda v: -1 if v is None else v)

    def settings(self) -> list[tuple[str, int | None]]:
        return [(task, length) for task in self.tasks() for length in self.lengths(task)]

    def cells(self) -> list[str]:
        present = {g.cell for g in self.groups}
        known = [c for c in CELL_ORDER if c in present]
        return known + sorted(present - set(known))

    def group(self, task: str, length: int | None, cell: str) -> Group | None:
        for g in self.groups:
            if (g.task, g.length, g.cell) == (task, length, cell):
                return g
        return None

    def here(self, task: str, length: int | None) -> list[Group]:
        """The groups of one setting, in cell order."""
        return [g for g in (self.group(task, length, c) for c in self.cells()) if g]

    def comparison(self, task: str, length: int | None, a: str, b: str) -> Comparison | None:
        for c in self.comparisons:
            if (c.task, c.length) == (task, length):
                if (c.a, c.b) == (a, b):
                    return c
                if (c.a, c.b) == (b, a):
                    return c.flipped()
        return None


def _threshold_reach(epochs: list[dict[str, Any]], steps_per_epoch: int,
                     threshold: float) -> int | None:
    """Optimiser steps until the validation skill first reached ``threshold`` (checked at the
    end of each epoch), or None."""
    for row in epochs:
        value = row.get("val_skill")
        if value is not None and math.isfinite(value) and value >= threshold:
            return int(row["epoch"] * steps_per_epoch)
    return None


def _mean_curve(curves: list[list[float]]) -> list[float] | None:
    curves = [c for c in curves if c]
    if not curves:
        return None
    size = min(len(c) for c in curves)
    return [float(sum(c[i] for c in curves) / len(curves)) for i in range(size)]


def gradient_decay(curve: list[float] | None) -> float:
    """Decades the gradient norm changes from the last step back to the first
    (``log10 g(T−1) / g(0)``; negative when it vanishes).

    Example:
        >>> gradient_decay([1.0, 0.1, 0.001])
        -3.0
    """
    if not curve or len(curve) < 2 or not curve[0] > 0:
        return math.nan
    return math.log10(max(curve[-1], 1e-300) / curve[0])


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


def _group(task: str, length: int | None, cell: str, members: list[dict[str, Any]],
           epochs: dict[str, list[dict[str, Any]]], threshold: float) -> Group:
    members.sort(key=lambda r: r["seed"])
    first, config = members[0], members[0].get("config") or {}
    extra = [r["extra"] for r in members]
    metric, baseline = first["metric"], first["baseline"]
    input_size = int(extra[0].get("input_size", 0))
    output_size = int(extra[0].get("output_size", 0))
    layers = int(config.get("num_layers", 1))
    hidden = int(first["hidden_size"])
    # Steps per sequence: recorded by the runner; older databases only know the task length.
    steps = extra[0].get("steps_per_sequence") or length or math.nan
    kind = extra[0].get("task_kind") or ("regress" if metric == "mse" else "classify")
    reach = [_threshold_reach(epochs.get(r["key"], []), r["steps_per_epoch"] or 0, threshold)
             for r in members]
    long = [e.get("length_generalisation") or {} for e in extra]
    per_step = macs_per_step(cell, input_size, hidden, layers) if input_size else 0
    if input_size and math.isfinite(steps):
        per_sequence = float(macs_per_sequence(cell, input_size, hidden, output_size,
                                               round(steps), layers, kind == "sequence"))
        memory = float(activation_floats(cell, input_size, hidden, round(steps),
                                         int(config.get("batch_size", 32)), layers)
                       * DTYPE_BYTES.get(config.get("dtype", "float32"), 4))
    else:
        per_sequence = memory = math.nan
    skill_range = skill_bounds(metric, baseline)
    decays = [gradient_decay(e.get("gradient_flow_trained")) for e in extra]
    return Group(
        task=task, length=length, cell=cell, metric=metric, baseline=baseline,
        hidden_size=hidden, num_parameters=int(first["num_parameters"] or 0),
        input_size=input_size, output_size=output_size, num_layers=layers, steps=steps,
        task_kind=kind, learning_rate=float(config.get("learning_rate", math.nan)),
        engine=str(config.get("engine", "torch")),
        kernel=str(extra[0].get("kernel") or "not recorded"),
        seeds=[r["seed"] for r in members],
        score=Stat.of([r["test_score"] for r in members], score_bounds(metric)),
        skill=Stat.of([r["test_skill"] for r in members], skill_range),
        skill_by_seed={r["seed"]: r["test_skill"] for r in members},
        macs_per_step=per_step, macs_per_sequence=per_sequence, activation_bytes=memory,
        times_per_epoch=list(finite(r["time_per_epoch"] for r in members)),
        latencies_ms=list(finite(r["latency_per_step_ms"] for r in members)),
        noise_skill=Stat.of([(e.get("noise") or {}).get("skill") for e in extra], skill_range),
        long_skill=Stat.of([g.get("skill") for g in long], skill_range),
        long_length=next((g["length"] for g in long if "length" in g), None),
        steps_to_threshold=[s for s in reach if s is not None],
        gradient_init=_mean_curve([e.get("gradient_flow_init") or [] for e in extra]),
        gradient_trained=_mean_curve([e.get("gradient_flow_trained") or [] for e in extra]),
        gradient_decay=Stat.of(decays),
        noise_by_seed={r["seed"]: (e.get("noise") or {}).get("skill", math.nan)
                       for r, e in zip(members, extra, strict=True)},
        long_by_seed={r["seed"]: g.get("skill", math.nan)
                      for r, g in zip(members, long, strict=True)},
        curves=[[row.get("val_skill") for row in epochs.get(r["key"], [])] for r in members],
    )


def analyse(rows: list[dict[str, Any]], epochs: dict[str, list[dict[str, Any]]],
            threshold: float, failed: int = 0) -> Analysis:
    """Build the :class:`Analysis` from final ``runs`` rows (status ``done``) and their epochs.

    ``rows`` are dicts as :meth:`rnnlab.study.store.Store.runs` returns them (``extra`` and
    ``config`` parsed); ``epochs`` maps a run key to its epoch rows.
    """
    by_group: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_group[row["task"], row["length"], row["cell"]].append(row)
    groups = [_group(task, length, cell, members, epochs, threshold)
              for (task, length, cell), members in sorted(
                  by_group.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0, kv[0][2]))]
    analysis = Analysis(threshold, groups, [], [], {}, {}, failed)
    for task, length in analysis.settings():
        here = {g.cell: g for g in analysis.here(task, length)}
        pairs = list(combinations(list(here), 2))
        tests = [paired_test(here[a].skill_by_seed, here[b].skill_by_seed) for a, b in pairs]
        adjusted = holm([t.p for t in tests])
        analysis.comparisons += [Comparison(task, length, a, b, t, p)
                                 for (a, b), t, p in zip(pairs, tests, adjusted, strict=True)]
        spreads = [t.sd for t in tests if math.isfinite(t.sd)]
        seeds = min((t.n for t in tests), default=min(g.skill.n for g in here.values()))
        spread = math.sqrt(sum(s * s for s in spreads) / len(spreads)) if spreads else math.nan
        analysis.setting_stats.append(SettingStats(task, length, seeds, spread,
                                                   min_detectable_difference(spread, seeds)))
        analysis.pareto[task, length] = pareto_front(
            {c: (g.macs_per_sequence, g.skill.mean) for c, g in here.items()})
    for g in groups:
        if g.length is None:
            continue
        analysis.horizons.setdefault((g.task, g.cell), None)
        if g.solved(threshold) is True:
            current = analysis.horizons[g.task, g.cell]
            analysis.horizons[g.task, g.cell] = max(g.length, current or 0)
    return analysis
