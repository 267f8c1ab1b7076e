"""``report.md``: the study's summary in Markdown, readable in a terminal or on GitHub."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rnnlab.study.report.tables import Table


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def table(t: Table) -> str:
    """A Markdown table with a ``###`` title."""
    title, headers, rows = t
    lines = [f"### {title}", "", "| " + " | ".join(headers) + " |",
             "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render(result: Any, tables: dict[str, Table | None], plots: dict[str, Path]) -> str:
    """The whole Markdown document; plots are linked by their file names (same folder)."""
    a = result.analysis
    runs = sum(len(g.seeds) for g in a.groups)
    parts = [f"# {result.config.name}: RNN vs LSTM vs GRU", "",
             f"{runs} finished runs"
             + (f", {a.failed} failed" if a.failed else "")
             + f" · results database `{result.database.name}` · "
               "every number below is computed from it.", "",
             "## Recommendation", "", result.recommendation, "",
             table(tables["claims"]), ""]
    for name in ("results", "tests", "cost", "horizon", "pareto", "references",
                 "settings"):
        if tables.get(name) is not None:
            parts += [table(tables[name]), ""]
    if plots:
        parts += ["## Plots", ""]
        parts += [f"![{name}]({path.name})" for name, path in plots.items()]
        parts.append("")
    parts += ["Skill puts every task on one scale: 1 is perfect, 0 is what a model that learned "
              "nothing scores (the dataset's baseline). Intervals are mean ± t₀.₉₇₅,ₙ₋₁·s/√n "
              "over seeds; pairs of cells are compared with a paired t-test over the seeds "
              "they share (same data, same batch order).", ""]
    return "\n".join(parts)
