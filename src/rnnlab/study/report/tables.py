"""The report's tables as plain ``(title, headers, rows)`` — rendered by both Markdown and HTML.

Keeping the numbers in one place means ``report.md`` and ``report.html`` cannot disagree.
"""

from __future__ import annotations

import math
from typing import Any

from rnnlab import cells
from rnnlab.study.analysis import Analysis
from rnnlab.study.config import budget_text
from rnnlab.study.metrics import metric_label

Table = tuple[str, list[str], list[list[str]]]
NAMES = cells.display_names()


def _n(value: float, digits: int = 3) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.{digits}g}"


def _where(task: str, length: int | None) -> str:
    return task if length is None else f"{task} T={length}"


def results_table(a: Analysis) -> Table:
    """Per (task, length, cell): sizes, score and skill with 95 % CI, robustness, 2T."""
    headers = ["task", "cell", "hidden", "params", "test score (mean ± 95% CI)", "skill",
               "beats baseline", "solved", "skill, noisy input", "skill at 2T", "seeds"]
    rows = []
    for g in a.groups:
        solved = {True: "yes", False: "no", None: "unclear"}[g.solved(a.threshold)]
        # Beating the baseline means the whole interval of the skill lies above 0.
        beats = ("n/a (1 seed)" if g.skill.n < 2 else
                 "yes" if g.skill.low > 0 else "no")
        long = g.long_skill.text() + (f" (T={g.long_length})" if g.long_length else "")
        rows.append([_where(g.task, g.length), NAMES[g.cell], str(g.hidden_size),
                     str(g.num_parameters), f"{g.score.text(4)} {g.metric}", g.skill.text(),
                     beats, solved, g.noise_skill.text(), long, str(len(g.seeds))])
    return ("Results per task, length and cell", headers, rows)


def cost_table(a: Analysis) -> Table:
    """What each cell costs: parameters, time, steps to the threshold, latency, memory."""
    headers = ["task", "cell", "params", "s/epoch (median)", "steps to threshold",
               "seconds to threshold", "inference ms/step", "worker peak RSS (MB)"]
    rows = []
    for g in a.groups:
        reached = f"{g.reached_threshold}/{len(g.seeds)} seeds"
        steps = (f"{_n(g.steps_to_threshold.mean, 4)} ({reached})" if g.reached_threshold
                 else f"not reached ({reached})")
        rows.append([_where(g.task, g.length), NAMES[g.cell], str(g.num_parameters),
                     g.time_per_epoch.text(3), steps, g.time_to_threshold.text(2),
                     g.latency_ms.text(4), _n(g.peak_memory_mb.mean, 4)])
    return (f"Cost (threshold: validation skill ≥ {a.threshold:g})", headers, rows)


def tests_table(a: Analysis) -> Table:
    """Paired t-tests on test skill between every pair of cells."""
    headers = ["task", "pair", "mean skill difference", "p (paired t-test)", "seeds",
               "significant at 0.05"]
    rows = []
    for c in a.comparisons:
        sig = "–" if not math.isfinite(c.p) else ("yes" if c.p < 0.05 else "no")
        p = "–" if not math.isfinite(c.p) else ("< 0.001" if c.p < 0.001 else f"{c.p:.3f}")
        rows.append([_where(c.task, c.length), f"{NAMES[c.a]} − {NAMES[c.b]}",
                     _n(c.difference), p, str(c.n), sig])
    return ("Pairwise comparisons", headers, rows)


def horizon_table(a: Analysis) -> Table:
    """Memory horizon and Pareto front per task."""
    headers = ["task"] + [f"{NAMES[c]} memory horizon" for c in a.cells()]
    rows = []
    for task in a.tasks():
        lengths = [v for v in a.lengths(task) if v is not None]
        if not lengths:
            continue
        row = [task]
        for cell in a.cells():
            value = a.horizons.get((task, cell))
            row.append(str(value) if value else f"< {lengths[0]}")
        rows.append(row)
    return (f"Memory horizon (longest length with mean skill ≥ {a.threshold:g})", headers, rows)


def pareto_table(a: Analysis) -> Table:
    """Cells on the skill-versus-time-per-epoch Pareto front of each setting."""
    rows = [[_where(task, length), ", ".join(NAMES[c] for c in front) or "–"]
            for (task, length), front in a.pareto.items()]
    return ("Accuracy–cost Pareto front (skill ↑, seconds per epoch ↓)",
            ["task", "cells on the front"], rows)


def claims_table(claims: list[Any]) -> Table:
    """The claims table."""
    return ("Textbook claims, checked", ["claim", "verdict", "evidence"],
            [[c.claim, c.verdict, c.evidence] for c in claims])


def settings_table(result: Any) -> Table:
    """The shared training settings and the chosen hidden sizes (fairness made visible)."""
    c = result.config
    sizes = {}
    for g in result.analysis.groups:
        sizes.setdefault(g.task, {})[g.cell] = (g.hidden_size, g.num_parameters)
    matched = "; ".join(f"{task}: " + ", ".join(f"{NAMES[cell]} H={h} ({p} params)"
                                                for cell, (h, p) in cells.items())
                        for task, cells in sizes.items())
    rows = [
        ["cells", ", ".join(NAMES[x] for x in c.cells)],
        ["matched by", "parameter count" if c.match == "params" else "hidden size"],
        ["hidden sizes chosen", matched or "–"],
        ["seeds", ", ".join(map(str, c.seeds)) + " (same data and batch order for every cell)"],
        ["optimiser", f"{c.optimizer}, learning rate {c.learning_rate:g}, schedule "
                      f"{c.schedule or 'constant'}, gradient clip {c.gradient_clip}"],
        ["budget", f"{budget_text(c.epochs, c.steps, c.seconds)} per run, batch size "
                   f"{c.batch_size}"],
        ["initialisation", "Glorot-uniform input weights, orthogonal recurrent weights, LSTM "
                           "forget-gate bias 1 (rnnlab defaults, shared by every cell)"],
        ["engine", f"{c.engine}, {c.dtype}, one CPU thread per run"],
        ["solved threshold", f"skill ≥ {c.threshold:g}; skill = 1 − score/baseline for "
                             f"losses, (acc − base)/(1 − base) for accuracy"],
        ["noise for robustness", f"Gaussian, {c.noise_std:g} × each input feature's std"],
    ]
    metrics = sorted({(g.task, g.metric, g.baseline) for g in result.analysis.groups})
    for task, metric, baseline in metrics:
        rows.append([f"{task} score", f"{metric_label(metric)}; learned-nothing baseline "
                                      f"{baseline:.4g}"])
    return ("Settings (shared by every cell)", ["setting", "value"], rows)


def references_table(result: Any) -> Table | None:
    """Published reference figures for the tasks of this study (classic suite)."""
    from rnnlab.study.suites import REFERENCES

    tasks = {t.name for t in result.config.tasks}
    rows = [[r.task, r.what, r.figure, r.source] for r in REFERENCES if r.task in tasks]
    if not rows:
        return None
    return ("Published reference figures (ours are in the results table)",
            ["task", "what", "published figure", "source"], rows)
