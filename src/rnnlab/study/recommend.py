"""Which cell to use: one recommendation per task, at its hardest setting (longest length).

The rule, written once here (:func:`top_group`, :func:`eligible`, :func:`choose`) and printed
in the report:

1. **top group.** The *best* cell has the highest mean test skill. The top group is the best
   cell plus every cell level with it: practically equivalent (TOST: the 90 % interval of the
   paired difference inside ± :data:`~.statistics.EQUIVALENCE_MARGIN`), or not significantly
   different from it (Holm-adjusted paired t-test p ≥ α).
2. **eligible.** A top-group cell that another cell beats significantly (Holm-adjusted
   p < α, positive difference) is never recommended — even when the margin calls it
   equivalent to the best.
3. **candidates.** The eligible cells that solve the task (whole 95 % skill interval ≥ the
   threshold) if any does, else every eligible cell.
4. **choice.** The cheapest candidate by intrinsic cost — analytic multiply–adds per sequence
   (:mod:`rnnlab.study.cost`), never measured time, which depends on each engine's kernels.
   Costs within :data:`COST_TIE` of the cheapest count as equal; among those the highest mean
   skill wins.

Confidence: **high** when the chosen cell solves the task, at least :data:`MIN_SEEDS_HIGH`
seeds back it and every other top-group cell is shown equivalent to the best (the tie is
measured, not merely undetected); **moderate** when it solves the task otherwise; **low** when
it does not solve it (or it is unclear whether it does).

The functions read plain facts (the ``groups`` and ``pairs`` entries of ``report.json``), so
:func:`rnnlab.study.check.check_report` applies the same rule to a stored report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from rnnlab import cells
from rnnlab.study.analysis import Analysis, Group
from rnnlab.study.claims import better, equivalent, group_fact, pair_fact, solved
from rnnlab.study.statistics import ALPHA, EQUIVALENCE_MARGIN, number

NAMES = {**cells.display_names(), "rnn": "vanilla RNN"}
#: Intrinsic costs within this fraction of the cheapest candidate's count as equal.
COST_TIE = 0.10
#: Seeds needed for a "high" confidence.
MIN_SEEDS_HIGH = 3

#: The phrase the text uses for the chosen cell's solved status (the checker looks for it).
SOLVED_PHRASE = {True: "it solves the task",
                 False: "it does not solve the task",
                 None: "it is unclear whether the task is solved"}
NONE_SOLVES = "No cell solves the task at this budget"


@dataclass
class Recommendation:
    """The choice for one task, with what the rule read (``facts``)."""

    task: str
    length: int | None
    cell: str
    top_group: list[str]
    eligible: list[str]
    candidates: list[str]
    ties: list[str]
    confidence: str
    text: str
    facts: dict[str, Any] = field(default_factory=dict)


def fact(g: Group) -> dict[str, Any]:
    """A group's entry as the rule reads it."""
    return {**group_fact(g), "macs_per_sequence": g.macs_per_sequence}


def pair_of(pairs: list[dict[str, Any]], a: str, b: str) -> dict[str, Any] | None:
    """The fact for ``a − b`` (flipped from ``b − a`` when stored that way)."""
    for p in pairs:
        if (p["a"], p["b"]) == (a, b):
            return p
        if (p["a"], p["b"]) == (b, a):
            flip = lambda v: None if v is None else -v  # noqa: E731
            return {**p, "a": a, "b": b, "difference": flip(p["difference"]),
                    "low90": flip(p["high90"]), "high90": flip(p["low90"])}
    return None


def _mean(cell: dict[str, Any]) -> float:
    value = cell["skill_mean"]
    return value if value is not None and math.isfinite(value) else -math.inf


def top_group(cells: list[dict[str, Any]], pairs: list[dict[str, Any]],
              alpha: float = ALPHA, margin: float = EQUIVALENCE_MARGIN) -> list[str]:
    """Step 1 of the rule: the best cell, then the cells level with it, by mean skill (ties by
    name, so the order does not depend on the order of ``cells``).

    Example:
        >>> cells = [{"cell": "rnn", "skill_mean": 0.2}, {"cell": "gru", "skill_mean": 0.9}]
        >>> pairs = [{"a": "rnn", "b": "gru", "difference": -0.7, "low90": -0.8,
        ...           "high90": -0.6, "p_adjusted": 0.001}]
        >>> top_group(cells, pairs)
        ['gru']
    """
    if not cells:
        return []
    ranked = sorted(cells, key=lambda c: (-_mean(c), c["cell"]))
    best = ranked[0]
    group = [best["cell"]]
    for c in ranked:
        if c is best:
            continue
        p = pair_of(pairs, c["cell"], best["cell"])
        if p is None or equivalent(p, margin) or better(p, alpha) == 0:
            group.append(c["cell"])
    return group


def eligible(cells: list[dict[str, Any]], pairs: list[dict[str, Any]], group: list[str],
             alpha: float = ALPHA) -> list[str]:
    """Step 2: the top-group cells no other cell beats significantly (the best cell alone if
    every one is beaten, which only unequal seed sets could cause)."""
    def beaten(name: str) -> bool:
        return any(better(p, alpha) > 0 for o in cells if o["cell"] != name
                   for p in [pair_of(pairs, o["cell"], name)] if p is not None)

    return [name for name in group if not beaten(name)] or group[:1]


def choose(cells: list[dict[str, Any]], group: list[str], threshold: float,
           cost_tie: float = COST_TIE) -> tuple[str, list[str], list[str]]:
    """Steps 3 and 4 of the rule, from the eligible cells ``group``: ``(chosen cell,
    candidates, cost ties)``, where the ties are the candidates within ``cost_tie`` of the
    cheapest.

    Example:
        >>> cells = [{"cell": "lstm", "skill_mean": 0.95, "skill_low": 0.9, "skill_high": 1.0,
        ...           "seeds": 3, "macs_per_sequence": 1000},
        ...          {"cell": "rnn", "skill_mean": 0.93, "skill_low": 0.85, "skill_high": 1.0,
        ...           "seeds": 3, "macs_per_sequence": 300}]
        >>> choose(cells, ["lstm", "rnn"], 0.8)
        ('rnn', ['lstm', 'rnn'], ['rnn'])
    """
    members = [c for name in group for c in cells if c["cell"] == name]
    solvers = [c for c in members if solved(c, threshold) is True]
    candidates = solvers or members

    def cost(c: dict[str, Any]) -> float:
        value = c.get("macs_per_sequence")
        return value if value is not None and math.isfinite(value) else math.nan

    known = [cost(c) for c in candidates if math.isfinite(cost(c))]
    pool = candidates
    if known:
        pool = [c for c in candidates if cost(c) <= min(known) * (1 + cost_tie)]
    chosen = max(pool, key=_mean)
    return chosen["cell"], [c["cell"] for c in candidates], [c["cell"] for c in pool]


def confidence(cells: list[dict[str, Any]], pairs: list[dict[str, Any]], group: list[str],
               chosen: str, threshold: float, margin: float = EQUIVALENCE_MARGIN) -> str:
    """``high``, ``moderate`` or ``low`` (see the module docstring)."""
    pick = next(c for c in cells if c["cell"] == chosen)
    if solved(pick, threshold) is not True:
        return "low"
    measured = all(equivalent(pair_of(pairs, other, group[0]) or {"low90": None, "high90": None},
                              margin) for other in group[1:])
    return "high" if measured and pick["seeds"] >= MIN_SEEDS_HIGH else "moderate"


def _names(cells: list[str]) -> str:
    """``GRU``, ``GRU and LSTM``, ``RNN, GRU and LSTM``."""
    words = [NAMES.get(c, c) for c in cells]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _relation(p: dict[str, Any] | None) -> str:
    """How the cell of ``p["a"]`` stands to the chosen ``p["b"]``, in words."""
    if p is None:
        return "not compared with"
    adjusted = p["p_adjusted"]
    if adjusted is None or not math.isfinite(adjusted):
        held = "no test with fewer than 2 seeds"
    else:
        held = ("Holm-adjusted p < 0.001" if adjusted < 0.001
                else f"Holm-adjusted p = {adjusted:.3f}")
    if equivalent(p, EQUIVALENCE_MARGIN):
        return f"equivalent within ±{EQUIVALENCE_MARGIN:g} skill to"
    side = better(p, ALPHA)
    if side > 0:
        return f"significantly above ({held})"
    if side < 0:
        return f"significantly below ({held})"
    return f"not significantly different ({held}) from"


def _try_next(forecast: bool, length: int | None, tuned: bool) -> str:
    ideas = ["a larger training budget (--epochs or --steps)"]
    if not tuned:
        ideas.append("tuning each cell's learning rate (--tune lr)")
    if forecast:
        ideas.append("a longer lookback (-p lookback=…)")
    if length is not None:
        ideas.append("shorter sequences")
    ideas.append("more training data")
    return ", ".join(ideas[:-1]) + " or " + ideas[-1]


def _text(a: Analysis, rec: Recommendation, here: list[Group], tuned: bool,
          forecast: bool) -> str:
    chosen = next(g for g in here if g.cell == rec.cell)
    where = rec.task if rec.length is None else f"{rec.task} (T={rec.length})"
    status = chosen.solved(a.threshold)
    seeds = chosen.skill.n
    side = "at or above" if chosen.skill.mean >= a.threshold else "below"
    sentences = [f"For **{where}** use the **{NAMES.get(rec.cell, rec.cell)}**."]
    names = _names
    if len(rec.top_group) == 1:
        why = "it is the best cell, and no other is level with it"
    else:
        why = (f"the cells level with the best (equivalent within ±{EQUIVALENCE_MARGIN:g} skill "
               f"or not significantly different) are the {names(rec.top_group)}")
        for out in (c for c in rec.top_group if c not in rec.eligible):
            beaters = [g.cell for g in here if g.cell != out and better(
                pair_fact(a.comparison(rec.task, rec.length, g.cell, out)), ALPHA) > 0]
            why += (f"; the {names([out])} is left out because the {names(beaters)} "
                    f"{'is' if len(beaters) == 1 else 'are'} significantly better than it")
            if any(equivalent(pair_fact(a.comparison(rec.task, rec.length, b, out)),
                              EQUIVALENCE_MARGIN)
                   for b in beaters):
                # Both are true and both are shown: a tiny but consistent lead is significant
                # and still inside the equivalence margin.
                why += f" (by less than the ±{EQUIVALENCE_MARGIN:g} equivalence margin)"
        if rec.candidates != rec.eligible:
            verb = "solves" if len(rec.candidates) == 1 else "solve"
            rest = "the rest" if rec.eligible != rec.top_group else "those"
            why += f"; of {rest}, {'only ' if len(rec.candidates) == 1 else ''}the " \
                   f"{names(rec.candidates)} {verb} the task"
        if len(rec.candidates) > 1:
            why += ("; it is the cheapest of those by multiply–adds per sequence"
                    if len(rec.ties) == 1 else
                    f"; the {names(rec.ties)} are within {COST_TIE:.0%} of the cheapest by "
                    f"multiply–adds per sequence, and it has the highest mean skill of those")
    sentences.append(f"Its test skill is {chosen.skill.text()} (mean and 95% interval over "
                     f"{seeds} seed{'s' if seeds != 1 else ''}; 1 = perfect, 0 = learned "
                     f"nothing), {side} the solved threshold {a.threshold:g}, and "
                     f"{SOLVED_PHRASE[status]}" + {
                         True: " (its whole interval is at or above the threshold)",
                         False: " (its whole interval is below the threshold)",
                         None: " (its interval reaches across the threshold)" if seeds >= 2
                         else " (one seed gives no interval)"}[status] + f"; {why}.")
    others = []
    for g in here:
        if g is chosen:
            continue
        p = pair_fact(a.comparison(rec.task, rec.length, g.cell, rec.cell)) \
            if a.comparison(rec.task, rec.length, g.cell, rec.cell) else None
        cost = (g.macs_per_sequence / chosen.macs_per_sequence
                if chosen.macs_per_sequence and math.isfinite(g.macs_per_sequence) else math.nan)
        solves = {True: "solves", False: "fails", None: "unclear"}[g.solved(a.threshold)]
        others.append(f"the {NAMES.get(g.cell, g.cell)} ({g.skill.text()}, {solves}; "
                      f"{number(cost, 2)}× its multiply–adds) is {_relation(p)} it")
    if others:
        sentences.append("Of the others, " + "; ".join(others) + ".")
    if not any(g.solved(a.threshold) is True for g in here):
        sentences.append(f"{NONE_SOLVES} (none has its whole interval at or above "
                         f"{a.threshold:g}); try "
                         f"{_try_next(forecast, rec.length, tuned)}.")
    sentences.append({
        "high": "Confidence: **high** — it solves the task and every cell level with the best "
                "is shown equivalent to it.",
        "moderate": "Confidence: **moderate** — it solves the task, but "
                    + (f"fewer than {MIN_SEEDS_HIGH} seeds back it" if seeds < MIN_SEEDS_HIGH else
                       "a cell is level with the best only because the seeds cannot separate "
                       "them; more seeds would sharpen the call") + ".",
        "low": "Confidence: **low** — it does not clearly solve the task, so the ranking may "
               "change with a larger budget.",
    }[rec.confidence])
    return " ".join(sentences)


def recommend(a: Analysis, tuned: bool = False,
              forecast_tasks: frozenset[str] = frozenset()) -> list[Recommendation]:
    """One :class:`Recommendation` per task, at its longest length."""
    out = []
    for task in a.tasks():
        length = a.lengths(task)[-1]
        here = a.here(task, length)
        if not here:
            continue
        cells = [fact(g) for g in here]
        pairs = [pair_fact(c) for c in a.comparisons if (c.task, c.length) == (task, length)]
        group = top_group(cells, pairs)
        allowed = eligible(cells, pairs, group)
        chosen, candidates, ties = choose(cells, allowed, a.threshold)
        level = confidence(cells, pairs, group, chosen, a.threshold)
        rec = Recommendation(task, length, chosen, group, allowed, candidates, ties, level, "",
                             {"cells": cells, "pairs": pairs})
        rec.text = _text(a, rec, here, tuned, task in forecast_tasks)
        out.append(rec)
    return out


def recommendation_text(recommendations: list[Recommendation]) -> str:
    """The recommendation paragraphs (Markdown)."""
    if not recommendations:
        return "No finished runs yet, so there is nothing to recommend."
    return "\n\n".join(r.text for r in recommendations)
