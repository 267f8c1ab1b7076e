"""The study summary ``rnnlab compare`` and ``rnnlab report`` print: the results table, the
seeds' detectable difference, the run counts, the recommendation and the report files."""

from __future__ import annotations

import math
from typing import Any


def print_summary(console: Any, result: Any, counts: bool = False) -> None:
    from rich.markdown import Markdown
    from rich.table import Table

    table = Table(title="RNN vs LSTM vs GRU — test skill (1 = perfect, 0 = learned nothing)")
    for column in ("task", "cell", "hidden", "params", "learning rate", "skill [95% CI]",
                   "solved", "multiply–adds/seq"):
        table.add_column(column, justify="left" if column in ("task", "cell") else "right")
    threshold = result.analysis.threshold
    for g in result.analysis.groups:
        where = g.task if g.length is None else f"{g.task} T={g.length}"
        solved = {True: "yes", False: "no", None: "unclear"}[g.solved(threshold)]
        table.add_row(where, g.cell.upper(), str(g.hidden_size), str(g.num_parameters),
                      f"{g.learning_rate:.3g}", g.skill.text(), solved,
                      f"{g.macs_per_sequence:,.0f}")
    console.print(table)
    detectable = [s.detectable for s in result.analysis.setting_stats
                  if math.isfinite(s.detectable)]  # one seed detects nothing
    if detectable:
        console.print(f"{len(result.config.seeds)} seeds per cell: the smallest skill "
                      f"difference they detect (α = 0.05, power 80%) is "
                      f"{min(detectable):.3g}–{max(detectable):.3g} across settings")
    if counts:
        line = f"{result.ran} runs done now, {result.skipped} found already done"
        if result.failed:
            line += f", [red]{result.failed} failed[/] (rerun the command to retry them)"
        console.print(f"{line} · {result.seconds:.0f} s")
    console.print(Markdown(result.recommendation))
    for name, path in result.reports.items():
        console.print(f"  {name}: {path}")
