"""The report's tables as plain ``(title, headers, rows)`` — rendered by both Markdown and HTML.

Keeping the numbers in one place means ``report.md`` and ``report.html`` cannot disagree.
"""

from __future__ import annotations

import math
import statistics as pystats
from typing import Any

from rnnlab import cells
from rnnlab.study.analysis import Analysis
from rnnlab.study.config import budget_text
from rnnlab.study.cost import TRAINING_FACTOR
from rnnlab.study.metrics import metric_label
from rnnlab.study.recommend import COST_TIE, MIN_SEEDS_HIGH
from rnnlab.study.statistics import (
    ALPHA,
    EQUIVALENCE_MARGIN,
    INTERVAL_METHOD,
    POWER,
    interval_text,
    number,
)
from rnnlab.study.tuning import learning_rate_grid, trial_seeds

Table = tuple[str, list[str], list[list[str]]]
NAMES = cells.display_names()


def _name(cell: str) -> str:
    return NAMES.get(cell, cell)


def _where(task: str, length: int | None) -> str:
    return task if length is None else f"{task} T={length}"


def _p(p: float) -> str:
    if p is None or not math.isfinite(p):
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _count(value: float) -> str:
    """A large count readable at a glance: ``12 016``, ``1.3 M``."""
    if value is None or not math.isfinite(value):
        return "–"
    if value >= 1e6:
        return f"{value / 1e6:.3g} M"
    return f"{round(value):,}".replace(",", " ")


def _bytes(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value / 1024:.1f} KiB" if value < 1024 ** 2 else f"{value / 1024 ** 2:.2f} MiB"


def results_table(a: Analysis, tuned: set[tuple]) -> Table:
    """Per (task, length, cell): sizes, learning rate, score and skill with intervals."""
    headers = ["task", "cell", "hidden", "params", "learning rate", "test score [95% CI]",
               "skill [95% CI]", "beats baseline", "solved", "skill, noisy input",
               "skill at 2T", "seeds"]
    rows = []
    for g in a.groups:
        solved = {True: "yes", False: "no", None: "unclear"}[g.solved(a.threshold)]
        beats = ("n/a (1 seed)" if g.skill.n < 2 else "yes" if g.skill.low > 0 else "no")
        long = g.long_skill.text() + (f" (T={g.long_length})" if g.long_length else "")
        rate = f"{g.learning_rate:.3g} " + ("(tuned)" if (g.task, g.length, g.cell) in tuned
                                            else "(shared)")
        rows.append([_where(g.task, g.length), _name(g.cell), str(g.hidden_size),
                     str(g.num_parameters), rate, f"{g.score.text(4)} {g.metric}",
                     g.skill.text(), beats, solved, g.noise_skill.text(), long,
                     str(len(g.seeds))])
    return ("Results per task, length and cell", headers, rows)


def tests_table(a: Analysis) -> Table:
    """Paired tests on test skill between every pair of cells, Holm-corrected per setting."""
    headers = ["task", "pair", "mean skill difference [95% CI]", "p (paired t)",
               "p (Holm)", f"equivalent (±{EQUIVALENCE_MARGIN:g})", "seeds"]
    rows = []
    for c in a.comparisons:
        t = c.test
        diff = interval_text(t.difference, t.low, t.high) if t.high > t.low \
            else number(t.difference)
        rows.append([_where(c.task, c.length), f"{_name(c.a)} − {_name(c.b)}", diff, _p(c.p),
                     _p(c.p_adjusted), "yes" if t.equivalent() else "no", str(c.n)])
    return ("Pairwise comparisons", headers, rows)


def statistics_table(a: Analysis) -> Table:
    """Seeds and the smallest difference each setting could detect."""
    rows = [[_where(s.task, s.length), str(s.seeds), number(s.spread),
             number(s.detectable) if math.isfinite(s.detectable) else "– (needs ≥ 2 seeds)"]
            for s in a.setting_stats]
    return (f"What these seeds can detect (two-sided paired t-test, α = {ALPHA:g}, power "
            f"{POWER:.0%}, before the Holm correction)",
            ["task", "seeds", "seed-to-seed sd of the differences", "smallest detectable "
             "skill difference"], rows)


def cost_table(a: Analysis, batch_size: int) -> Table:
    """Intrinsic cost (the verdicts read it) and measured time (with the kernel named)."""
    headers = ["task", "cell", "params", "multiply–adds per step",
               "multiply–adds per sequence", "activation memory per training step",
               "measured s/epoch, median (range)", "kernel", "inference ms/step (median)",
               "steps to threshold (median)"]
    rows = []
    for g in a.groups:
        times = g.times_per_epoch
        measured = (f"{number(pystats.median(times), 3)} ({number(min(times), 3)}–"
                    f"{number(max(times), 3)})" if times else "–")
        latency = number(pystats.median(g.latencies_ms), 3) if g.latencies_ms else "–"
        reached = f"{len(g.steps_to_threshold)}/{len(g.seeds)} seeds"
        steps = (f"{g.median_steps_to_threshold} ({reached})" if g.steps_to_threshold
                 else f"not reached ({reached})")
        rows.append([_where(g.task, g.length), _name(g.cell), str(g.num_parameters),
                     _count(g.macs_per_step), _count(g.macs_per_sequence),
                     _bytes(g.activation_bytes), measured, f"{g.engine} CPU: {g.kernel}",
                     latency, steps])
    return (f"Cost — intrinsic from the sizes (verdicts read these), measured on this machine "
            f"(they depend on each cell's kernel; a training step does {TRAINING_FACTOR}× the "
            f"forward multiply–adds; activation memory for a batch of {batch_size}; steps to "
            f"validation skill ≥ {a.threshold:g}, checked at the end of each epoch)",
            headers, rows)


def tuning_table(result: Any) -> Table | None:
    """Each cell's chosen learning rate and the validation skill at every rate tried."""
    if not result.tuning:
        return None
    grid = learning_rate_grid(result.config)
    rows = []
    order = {cell: i for i, cell in enumerate(result.analysis.cells())}
    for choice in sorted(result.tuning.values(), key=lambda ch: (
            ch.task, ch.length or 0, order.get(ch.cell, len(order)), ch.cell)):
        scores = [number(choice.scores.get(rate, math.nan)) for rate in grid]
        chosen = (f"{choice.rate:.3g}" if choice.tuned else
                  f"{choice.rate:.3g} (no trial finished; shared rate)")
        rows.append([_where(choice.task, choice.length), _name(choice.cell), chosen,
                     f"{choice.finished}/{choice.trials}", *scores])
    return ("Learning rate tuned per cell (validation skill, mean over trial seeds)",
            ["task", "cell", "chosen rate", "trials finished", *(f"lr {r:.3g}" for r in grid)],
            rows)


def horizon_table(a: Analysis) -> Table | None:
    """Longest swept length each cell solves, per task with a length sweep."""
    headers = ["task"] + [f"{_name(c)}: longest length solved" for c in a.cells()]
    rows = []
    for task in a.tasks():
        lengths = [v for v in a.lengths(task) if v is not None]
        if not lengths:
            continue
        rows.append([task] + [str(a.horizons[task, c]) if a.horizons.get((task, c))
                              else f"none of {', '.join(map(str, lengths))}"
                              for c in a.cells()])
    if not rows:
        return None
    return (f"Memory horizon (longest length whose whole skill interval is ≥ {a.threshold:g})",
            headers, rows)


def pareto_table(a: Analysis) -> Table:
    """Cells on the skill-versus-multiply–adds Pareto front of each setting."""
    rows = [[_where(task, length), ", ".join(_name(c) for c in front) or "–"]
            for (task, length), front in a.pareto.items()]
    return ("Accuracy–cost Pareto front (mean skill ↑, multiply–adds per sequence ↓)",
            ["task", "cells on the front"], rows)


def claims_table(claims: list[Any]) -> Table:
    """The claims, each with its verdict, basis, rule and evidence."""
    return ("Textbook claims, checked", ["claim", "verdict", "basis", "evidence", "rule"],
            [[c.text, c.verdict, c.basis, c.summary, c.rule] for c in claims])


def rules_text(threshold: float) -> list[str]:
    """The rules every verdict follows, with their constants (printed in the report)."""
    return [
        f"**Intervals**: {INTERVAL_METHOD}. A cell *solves* a setting when its whole skill "
        f"interval is ≥ {threshold:g}, *fails* it when the whole interval is below; with one "
        f"seed there is no interval and it is unclear.",
        f"**Tests**: paired t-test on test skill over the seeds two cells share (same data, "
        f"same batch order), Holm correction over the pairs of each setting; significantly "
        f"better = Holm-adjusted p < {ALPHA:g}. Equivalent = the 90% interval of the paired "
        f"difference inside ±{EQUIVALENCE_MARGIN:g} skill (two one-sided tests, α = "
        f"{ALPHA:g}).",
        f"**Recommendation** (per task, at its longest length): a cell another cell beats "
        f"significantly is out. The best is the remaining cell with the highest mean skill; the "
        f"top group is the best plus every remaining cell equivalent to it or not significantly "
        f"different from it. Of the top group, the cells that solve the task if any do; of "
        f"those, the cheapest by analytic multiply–adds per sequence (within {COST_TIE:.0%} "
        f"counts as equal, then the higher mean skill wins). Confidence high = it solves the "
        f"task, ≥ {MIN_SEEDS_HIGH} seeds, and every top-group cell is shown equivalent to the "
        f"best; moderate = it solves the task otherwise; low = it does not clearly solve it.",
        "**Claims**: each claim's rule is in its row; a claim about the gated cells holds only "
        "if it holds for each gated cell, and a claim over several settings does not hold if it "
        "does not hold at one of them. Cost claims read the analytic multiply–adds and "
        "parameters only, never measured time.",
    ]


def settings_table(result: Any) -> Table:
    """The shared training settings and the chosen hidden sizes (fairness made visible)."""
    c = result.config
    sizes = {}
    for g in result.analysis.groups:
        sizes.setdefault(g.task, {})[g.cell] = (g.hidden_size, g.num_parameters)
    matched = "; ".join(f"{task}: " + ", ".join(f"{_name(cell)} H={h} ({p} params)"
                                                for cell, (h, p) in cells.items())
                        for task, cells in sizes.items())
    if c.tune:
        grid = ", ".join(f"{r:.3g}" for r in learning_rate_grid(c))
        seeds = ", ".join(map(str, trial_seeds(c)))
        rate = (f"tuned per cell: every cell tries {grid} on trial seed(s) {seeds} (distinct "
                f"from the final seeds), {len(learning_rate_grid(c)) * c.tune_seeds} trials "
                f"per cell and setting with the same budget"
                + (f" ({c.tune_epochs} epoch{'s' if c.tune_epochs != 1 else ''} each)"
                   if c.tune_epochs else "")
                + ", scored on the validation split only; the final runs use each cell's "
                  "best rate")
    else:
        rate = (f"shared: every cell trains at {c.learning_rate:g} (not tuned per cell; a "
                f"shared rate can favour the cell it happens to suit — --tune lr tunes it)")
    rows = [
        ["cells", ", ".join(_name(x) for x in c.cells)],
        ["matched by", "parameter count" if c.match == "params" else "hidden size"],
        ["hidden sizes chosen", matched or "–"],
        ["seeds", ", ".join(map(str, c.seeds)) + " (same data and batch order for every cell)"],
        ["learning rate", rate],
        ["optimiser", f"{c.optimizer}, schedule {c.schedule or 'constant'}, gradient clip "
                      f"{c.gradient_clip}"],
        ["budget", f"{budget_text(c.epochs, c.steps, c.seconds)} per run, batch size "
                   f"{c.batch_size}"],
        ["initialisation", "Glorot-uniform input weights, orthogonal recurrent weights, LSTM "
                           "forget-gate bias 1 (rnnlab defaults, shared by every cell)"],
        ["engine", f"{c.engine}, {c.dtype}, CPU, one thread per run"],
        ["solved threshold", f"skill ≥ {c.threshold:g}; skill = 1 − score/baseline for "
                             f"losses, (acc − base)/(1 − base) for accuracy"],
        ["noise for robustness", f"Gaussian, {c.noise_std:g} × each input feature's std"],
    ]
    metrics = sorted({(g.task, g.metric, g.baseline) for g in result.analysis.groups})
    for task, metric, baseline in metrics:
        # A forecast's baseline is the better naive forecast, not a model that learned nothing.
        what = ("baseline: the better of the naive and seasonal-naive forecasts' MASE"
                if metric == "mase" else "learned-nothing baseline")
        rows.append([f"{task} score", f"{metric_label(metric)}; {what} {baseline:.4g}"])
    return ("Settings (shared by every cell)", ["setting", "value"], rows)


def references_table(result: Any) -> Table | None:
    """Published results beside ours, with a computed verdict per row (classic suite)."""
    from rnnlab.study.reproduction_report import reproduction_table, study_rows

    return reproduction_table(study_rows(result.database))
