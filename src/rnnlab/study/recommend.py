"""The recommendation paragraph: which cell to use for this data, why, and how sure we are.

Per task, at its hardest setting (the longest length swept):

1. rank cells by mean test skill;
2. cells *tied* with the best are those a paired t-test over seeds cannot separate from it
   (``p ≥ 0.05``) **and** whose mean skill is within :data:`PRACTICAL` of it — a cell that
   merely has noisy seeds is not "as good" — and those within :data:`NEGLIGIBLE` of it
   whatever the test says (with tight seeds a t-test separates differences too small to
   matter, and a 3× slower cell should not win on a 0.002 lead);
3. among the tied cells recommend the cheapest (least time per epoch — parameters are already
   matched), because equal quality at lower cost is the better choice;
4. confidence: **high** when the pick solves the task (mean skill ≥ threshold), ≥ 3 seeds
   back it, and every cell outside the tie is significantly worse; **moderate** when it solves
   the task but some weaker cell could not be separated from it (noisy seeds) or fewer than 3
   seeds were run; **low** when the pick does not solve the task.
"""

from __future__ import annotations

import math

from rnnlab import cells
from rnnlab.study.analysis import ALPHA_DEFAULT, Analysis, Group

NAMES = {**cells.display_names(), "rnn": "vanilla RNN"}
#: Largest difference in mean skill still treated as "as good" when choosing on cost.
PRACTICAL = 0.05
#: Differences in mean skill below this are level in practice, significant or not.
NEGLIGIBLE = 0.01


def _p(p: float) -> str:
    if not math.isfinite(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def pick(a: Analysis, task: str) -> tuple[Group | None, list[Group], str]:
    """``(chosen group, groups of the setting, confidence)`` for ``task``'s hardest setting."""
    length = a.lengths(task)[-1]
    here = [g for g in (a.group(task, length, c) for c in a.cells()) if g is not None]
    if not here:
        return None, [], "low"
    best = max(here, key=lambda g: g.skill.mean)
    tied, unseparated = [best], 0
    for g in here:
        if g is best:
            continue
        cmp = a.comparison(task, length, best.cell, g.cell)
        separated = cmp is not None and cmp.p < ALPHA_DEFAULT and cmp.difference > 0
        gap = best.skill.mean - g.skill.mean
        if gap <= NEGLIGIBLE or (not separated and gap <= PRACTICAL):
            tied.append(g)
        elif not separated:
            unseparated += 1
    chosen = min(tied, key=lambda g: (g.time_per_epoch.mean if
                                      math.isfinite(g.time_per_epoch.mean) else math.inf))
    if chosen.skill.mean < a.threshold:
        confidence = "low"
    elif unseparated == 0 and chosen.skill.n >= 3:
        confidence = "high"
    else:
        confidence = "moderate"
    return chosen, here, confidence


def recommendation(a: Analysis) -> str:
    """A paragraph (Markdown) with one recommendation per task.

    Example (the wording follows the numbers; see :mod:`rnnlab.study.claims` for the rules):
        ``For adding (T=50) use the **GRU**: test skill 0.98 ± 0.01 …``
    """
    if not a.groups:
        return "No finished runs yet, so there is nothing to recommend."
    parts = []
    for task in a.tasks():
        chosen, here, confidence = pick(a, task)
        if chosen is None:
            continue
        where = task if chosen.length is None else f"{task} (T={chosen.length})"
        others = []
        for g in here:
            if g is chosen:
                continue
            cmp = a.comparison(task, chosen.length, chosen.cell, g.cell)
            testable = cmp is not None and math.isfinite(cmp.p)
            ahead = chosen.skill.mean >= g.skill.mean
            if abs(chosen.skill.mean - g.skill.mean) <= NEGLIGIBLE:
                relation = f"level in practice (within {NEGLIGIBLE:g} skill) with"
            elif not testable:
                relation = "ahead of" if ahead else "behind"
            elif cmp.p < ALPHA_DEFAULT:
                relation = "significantly above" if cmp.difference > 0 else "significantly below"
            else:
                relation = "not significantly different from"
            cost = (chosen.time_per_epoch.mean / g.time_per_epoch.mean
                    if g.time_per_epoch.mean else math.nan)
            test = _p(cmp.p) if testable else "no test with fewer than 2 seeds"
            others.append(f"{relation} the {NAMES[g.cell]}'s {g.skill.text()} "
                          f"({test}; {cost:.2f}× its time per epoch)")
        seeds = chosen.skill.n
        sentence = (f"For **{where}** use the **{NAMES[chosen.cell]}**: its test skill is "
                    f"{chosen.skill.text()} (mean ± 95% CI over {seeds} seed"
                    f"{'s' if seeds != 1 else ''}; 1 = perfect, 0 = learned nothing), "
                    + ("; ".join(others) if others else "the only cell run") + ".")
        if confidence == "low":
            sentence += (f" Confidence: **low** — even this cell stays below the solved "
                         f"threshold ({a.threshold:g}) at this budget; train longer or shorten "
                         f"the sequences before trusting the ranking.")
        elif confidence == "moderate":
            sentence += (" Confidence: **moderate** — it solves the task, but a weaker cell "
                         "could not be separated from it at these seeds, or fewer than 3 seeds "
                         "were run; more seeds would sharpen the call.")
        else:
            sentence += (" Confidence: **high** — it solves the task, and every cell not "
                         "level with it is significantly worse (paired t-test, α = 0.05)"
                         + (", so the cheaper of the level cells is recommended"
                            if len([o for o in here if o is not chosen
                                    and abs(o.skill.mean - chosen.skill.mean) <= PRACTICAL])
                            else "") + ".")
        parts.append(sentence)
    return "\n\n".join(parts)
