"""Verdicts: does a study's results database reproduce a published row?

Each :class:`~rnnlab.study.published.Published` row gets one verdict, computed — never written
in — from the finished runs of the same task and length (or of its stand-in, see below):

**reproduced**
    every ordering the paper shows holds in ours, significantly, and every cell the paper ran
    is at the paper's level (below);
**not reproduced at this budget**
    anything short of that which is not a contradiction; the verdict says what fell short and
    gives our budget beside theirs;
**contradicted**
    our ordering is significantly the opposite of a published one;
**not run at this scale**
    the database holds no run of the row's task (the paper-scale suite runs it).

The rules, with their constants:

* *A published ordering* is a pair of cells the paper separates: for a score, one cell's error
  (MSE, loss, or 1 − accuracy) at most 1/:data:`FACTOR` of the other's; for a success rate, a
  gap of at least :data:`SUCCESS_GAP`. Cells the paper scores alike are not an ordering.
* *Ours holds it* when the paired t-test over shared seeds (same data, same batch order) of
  the per-seed statistic — test skill for scores; the share of test sequences processed
  correctly for success rows — gives the same sign with ``p <`` :data:`ALPHA`; the opposite
  sign with ``p <`` :data:`ALPHA` is a contradiction.
* *At the paper's level*, for a score: within a factor :data:`FACTOR` of the published error
  either way, where a published success (skill ≥ 0.5) is also matched by anything better (a
  published failure is not: beating it means the failure did not reproduce, and doing much
  worse than a net that learned nothing is not its level either). For a success rate: a
  published 0 % needs no successful seed; any
  other rate needs as many seeds to succeed as a binomial test at :data:`ALPHA` allows (our
  rate not significantly below the paper's lowest).
* *A stand-in* (8 × 8 digits for MNIST) is a different, smaller task: only the orderings are
  compared, never the values.

The reasons name what fell short and why it may have: our training budget against theirs
(*budget*), our parameter count against theirs when they differ by more than 2× (*scale*), and
the paper's training protocol where it differs from ours (*protocol*).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnlab import cells
from rnnlab.study.metrics import score_bounds, skill_bounds
from rnnlab.study.published import PUBLISHED, Figure, Published
from rnnlab.study.statistics import Stat, paired_test

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not reproduced at this budget"
CONTRADICTED = "contradicted"
NOT_RUN = "not run at this scale"
#: Significance level of the ordering tests and of the success-rate test.
ALPHA = 0.05
#: An error at most 1/FACTOR of another is an ordering; within FACTOR is "the paper's level".
FACTOR = 2.0
#: Published success rates this far apart are an ordering.
SUCCESS_GAP = 0.5
#: Parameter counts further apart than this ratio are called a difference of scale.
SCALE_RATIO = 2.0
CELL_NAMES = {**cells.display_names(), "rnn": "vanilla RNN"}


@dataclass
class CellRuns:
    """Our finished runs of one cell on one task, by seed (a plain view of store rows).

    ``right`` is the share of test sequences the success criterion accepts; ``reached`` and
    ``sequences`` say whether and after how many training sequences it held during training;
    ``sequences_run`` is the training sequences each run used; ``learning_rate`` the rate the
    runs trained at (each cell's own when the study tuned it).
    """

    cell: str
    metric: str
    baseline: float
    num_parameters: int
    score: dict[int, float] = field(default_factory=dict)
    skill: dict[int, float] = field(default_factory=dict)
    right: dict[int, float] = field(default_factory=dict)
    reached: dict[int, bool] = field(default_factory=dict)
    sequences: dict[int, int | None] = field(default_factory=dict)
    sequences_run: dict[int, int] = field(default_factory=dict)
    long_lag: dict[int, float] = field(default_factory=dict)
    learning_rate: float | None = None

    @property
    def seeds(self) -> list[int]:
        return sorted(self.score)


def collect(rows: list[dict[str, Any]], task: str, length: int | None) -> dict[str, CellRuns]:
    """Our runs of ``task`` at ``length``, by cell, from ``runs`` rows (``Store.runs()``)."""
    cells: dict[str, CellRuns] = {}
    for row in rows:
        if row["task"] != task or row["length"] != length or row.get("status", "done") != "done" \
                or (row.get("config") or {}).get("role") == "trial":
            continue   # a learning-rate trial never ran on the test split
        extra = row.get("extra") or {}
        seed = int(row["seed"])
        entry = cells.setdefault(row["cell"], CellRuns(
            row["cell"], row["metric"], float(row["baseline"]), int(row["num_parameters"] or 0)))
        entry.score[seed] = float(row["test_score"])
        entry.skill[seed] = float(row["test_skill"])
        batch = int((row.get("config") or {}).get("batch_size") or 0)
        entry.learning_rate = (row.get("config") or {}).get("learning_rate")
        success = extra.get("success")
        if success:
            entry.right[seed] = 1.0 - success["test_wrong"] / max(success["test_size"], 1)
            entry.reached[seed] = bool(success["reached"])
            entry.sequences[seed] = success["sequences"]
            entry.sequences_run[seed] = int(success["sequences_run"])
            if "long_lag_accuracy" in success:
                entry.long_lag[seed] = float(success["long_lag_accuracy"])
        else:
            entry.sequences_run[seed] = int(extra.get("steps_run") or 0) * batch
    return cells


# ------------------------------------------------------------------------- the paper's side
def _error(measure: str, value: float) -> float:
    return 1.0 - value if measure == "accuracy" else value


def published_orderings(row: Published) -> list[tuple[str, str]]:
    """Pairs ``(better, worse)`` of cells the paper separates (see the module rules).

    Example:
        >>> from rnnlab.study.published import published
        >>> published_orderings(published("bai18-adding-600"))
        [('gru', 'lstm'), ('gru', 'rnn')]
    """
    pairs = []
    for a in row.figures:
        for b in row.figures:
            if a.cell == b.cell:
                continue
            if row.measure == "success":
                if a.success_rate and b.success_rate and \
                        a.success_rate[0] - b.success_rate[1] >= SUCCESS_GAP:
                    pairs.append((a.cell, b.cell))
            elif a.value is not None and b.value is not None and \
                    _error(row.measure, b.value) >= FACTOR * _error(row.measure, a.value):
                pairs.append((a.cell, b.cell))
    return pairs


# ------------------------------------------------------------------------- our side
def ordering_statistic(runs: CellRuns, measure: str) -> dict[int, float]:
    """Per seed: the share of test sequences right (success rows), else the test skill."""
    return dict(runs.right) if measure == "success" else dict(runs.skill)


def _binomial_cdf(k: int, n: int, p: float) -> float:
    return float(sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k + 1)))


def level_matches(row: Published, figure: Figure, runs: CellRuns) -> bool:
    """Is our cell at the paper's level for ``figure`` (the rules in the module docstring)?

    Example:
        >>> from rnnlab.study.published import published
        >>> row = published("bai18-adding-600")
        >>> ours = CellRuns("gru", "mse", 1 / 6, 0, score={0: 1e-5, 1: 3e-5})
        >>> level_matches(row, row.figure("gru"), ours)   # better than a published success
        True
    """
    if row.measure == "success":
        n = len(runs.seeds)
        k = sum(1 for s in runs.seeds if runs.reached.get(s))
        low = figure.success_rate[0]
        if low == 0.0:
            return k == 0
        return k > 0 and _binomial_cdf(k, n, low) >= ALPHA
    ours = _error(row.measure, float(np.mean([runs.score[s] for s in runs.seeds])))
    theirs = _error(row.measure, figure.value)
    base = _error(row.measure, runs.baseline)
    published_success = base > 0 and 1.0 - theirs / base >= 0.5
    if published_success:
        return ours <= FACTOR * theirs
    return theirs / FACTOR <= ours <= FACTOR * theirs


# ------------------------------------------------------------------------- the verdict
@dataclass
class PairCheck:
    """One published ordering ``better ≻ worse`` tested on our seeds."""

    better: str
    worse: str
    difference: float
    p: float
    n: int

    @property
    def holds(self) -> bool:
        return self.difference > 0 and math.isfinite(self.p) and self.p < ALPHA

    @property
    def reversed(self) -> bool:
        return self.difference < 0 and math.isfinite(self.p) and self.p < ALPHA


@dataclass
class CellLine:
    """One cell of a row: the paper's figure and ours side by side."""

    cell: str
    published: str
    ours: str
    at_level: bool | None


@dataclass
class Verdict:
    """A row's verdict with everything it rests on."""

    row: Published
    status: str
    task: str
    stand_in: bool
    cells: list[CellLine]
    orderings: list[PairCheck]
    reasons: list[str]
    budget: str


def _fmt_sequences(value: float) -> str:
    return f"{value:,.0f}"


def describe_runs(row: Published, runs: CellRuns) -> str:
    """Our result for one cell, in the row's terms: success rate, sequences, score, skill
    (and the learning rate it trained at)."""
    seeds = runs.seeds
    skill = "skill " + Stat.of([runs.skill[s] for s in seeds],
                               skill_bounds(runs.metric, runs.baseline)).text()
    if runs.learning_rate is not None:
        skill += f"; learning rate {runs.learning_rate:g}"
    if row.measure == "success" and runs.reached:
        done = [runs.sequences[s] for s in seeds if runs.reached.get(s)]
        text = f"{len(done)}/{len(seeds)} seeds succeeded"
        if done:
            text += (f", after {_fmt_sequences(float(np.median(done)))} sequences (median; "
                     f"{_fmt_sequences(min(done))}–{_fmt_sequences(max(done))})")
        else:
            text += f" within {_fmt_sequences(max(runs.sequences_run.values()))} sequences"
        wrong = [1.0 - runs.right[s] for s in seeds]
        text += f"; test sequences wrong: {100 * float(np.median(wrong)):.1f} % (median)"
        if runs.long_lag:
            text += (f"; long-lag symbols right: "
                     f"{100 * float(np.mean(list(runs.long_lag.values()))):.1f} %")
        return f"{text}; {skill}"
    score = Stat.of([runs.score[s] for s in seeds], score_bounds(runs.metric))
    if runs.metric == "accuracy":   # in per cent, the interval cut to [0, 100] %
        value = f"{100 * score.mean:.1f} %" + (
            f" [{100 * score.low:.1f}, {100 * score.high:.1f}]" if score.has_interval else "")
    else:
        value = score.text()
    name = {"mse": "test MSE", "cross_entropy": "loss", "accuracy": "accuracy"}[runs.metric]
    return f"{name} {value} ({score.n} seeds); {skill}"


def _budget(row: Published, cells: dict[str, CellRuns]) -> str:
    used = [v for runs in cells.values() for v in runs.sequences_run.values()]
    ours = f"ours: ≤ {_fmt_sequences(max(used))} training sequences per run" if used else \
        "ours: no runs"
    return f"{ours}; theirs: {row.budget}"


def decide(row: Published, cells: dict[str, CellRuns], *, stand_in: bool = False) -> Verdict:
    """The verdict on ``row`` from our runs ``cells`` (by cell) — a pure function.

    ``stand_in`` marks runs of the row's smaller stand-in task: orderings only.
    """
    task = row.stand_in if stand_in else row.task
    budget = _budget(row, cells)
    ran = [f for f in row.figures if f.cell in cells and cells[f.cell].seeds]
    if not ran:
        return Verdict(row, NOT_RUN, task, stand_in,
                       [CellLine(f.cell, f.text, "not run", None) for f in row.figures], [],
                       ["not run at this scale; `rnnlab compare --suite classic --scale paper` "
                        "runs it"], budget)
    lines, reasons = [], []
    for figure in row.figures:
        if figure.cell not in cells:
            lines.append(CellLine(figure.cell, figure.text, "not run", None))
            reasons.append(f"{CELL_NAMES[figure.cell]} was not run")
            continue
        runs = cells[figure.cell]
        level = None if stand_in else level_matches(row, figure, runs)
        lines.append(CellLine(figure.cell, figure.text, describe_runs(row, runs), level))
        if level is False:
            reasons.append(f"{CELL_NAMES[figure.cell]} is not at the paper's level ("
                           f"{figure.text})")
    for cell in sorted(set(cells) - {f.cell for f in row.figures}):
        lines.append(CellLine(cell, "not in the paper", describe_runs(row, cells[cell]), None))
    checks = []
    for better, worse in published_orderings(row):
        if better in cells and worse in cells:
            test = paired_test(ordering_statistic(cells[better], row.measure),
                               ordering_statistic(cells[worse], row.measure))
            diff, p, n = test.difference, test.p, test.n
            check = PairCheck(better, worse, diff, p, n)
            checks.append(check)
            if not check.holds:
                what = "significantly reversed" if check.reversed else "not significant"
                reasons.append(f"published {CELL_NAMES[better]} ≻ {CELL_NAMES[worse]}: ours "
                               f"{diff:+.3f} ({what}, p = {p:.2g}, {n} seeds)")
    if stand_in:
        reasons.append(f"stand-in task {task}: orderings compared, values not comparable")
    if any(c.reversed for c in checks):
        status = CONTRADICTED
    elif (checks or any(line.at_level is not None for line in lines)) and \
            all(c.holds for c in checks) and \
            all(line.at_level is not False for line in lines) and \
            all(f.cell in cells for f in row.figures):
        status = REPRODUCED
    else:
        status = NOT_REPRODUCED
    if status != REPRODUCED:
        reasons += _why(row, cells)
    return Verdict(row, status, task, stand_in, lines, checks, reasons, budget)


def _why(row: Published, cells: dict[str, CellRuns]) -> list[str]:
    """Budget, scale and protocol differences behind a result that did not reproduce."""
    why = []
    used = max((v for runs in cells.values() for v in runs.sequences_run.values()), default=0)
    theirs = row.budget_sequences
    needed = max((f.sequences[1] for f in row.figures if f.sequences), default=None)
    reference = needed if needed is not None else theirs
    if reference is not None and used < reference:
        why.append(f"budget: ours ≤ {_fmt_sequences(used)} training sequences per run, theirs "
                   f"{_fmt_sequences(reference)}")
    for figure in row.figures:
        ours = cells.get(figure.cell)
        if ours is None or not figure.parameters or not ours.num_parameters:
            continue
        ratio = ours.num_parameters / figure.parameters
        if ratio > SCALE_RATIO or ratio < 1 / SCALE_RATIO:
            why.append(f"scale: our {CELL_NAMES[figure.cell]} has {ours.num_parameters:,} "
                       f"parameters, theirs {figure.parameters:,}")
    why.append(f"protocol: {row.protocol}")
    return why


def verdicts(rows: list[dict[str, Any]], rows_wanted: tuple[Published, ...] = PUBLISHED,
             ) -> list[Verdict]:
    """A verdict for every published row from a study's ``runs`` rows: the row's own task
    where it was run, else its stand-in where that was, else *not run at this scale*."""
    out = []
    for row in rows_wanted:
        cells = collect(rows, row.task, row.length)
        if not cells and row.stand_in:
            stand = collect(rows, row.stand_in, None)
            if stand:
                out.append(decide(row, stand, stand_in=True))
                continue
        out.append(decide(row, cells))
    return out
