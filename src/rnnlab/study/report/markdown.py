"""``report.md``: the study's summary in Markdown, readable in a terminal or on GitHub."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rnnlab.study.report.tables import Table, rules_text


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def table(t: Table) -> str:
    """A Markdown table with a ``###`` title."""
    title, headers, rows = t
    lines = [f"### {title}", "", "| " + " | ".join(headers) + " |",
             "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def headline(result: Any) -> str:
    """Runs, seeds, learning rates and the results database in one line."""
    a, c = result.analysis, result.config
    runs = sum(len(g.seeds) for g in a.groups)
    rate = ("learning rate tuned per cell" if c.tune
            else f"one shared learning rate ({c.learning_rate:g}) for every cell, not tuned")
    trials = sum(choice.finished for choice in result.tuning.values())
    return (f"{runs} finished runs" + (f", {a.failed} failed" if a.failed else "")
            + (f" and {trials} tuning trials" if trials else "")
            + f" · {len(c.seeds)} seeds per cell · {rate} · results database "
              f"`{result.database.name}`, every number below is computed from it; "
              f"`report.json` holds them in machine-readable form.")


def render(result: Any, tables: dict[str, Table | None], plots: dict[str, Path]) -> str:
    """The whole Markdown document; plots are linked by their file names (same folder)."""
    from rnnlab.study.report import NUMBER_TABLES

    parts = [f"# {result.config.name}: RNN vs LSTM vs GRU", "", headline(result), "",
             "## Recommendation", "", result.recommendation, "",
             table(tables["claims"]), ""]
    for name in NUMBER_TABLES:
        if tables.get(name) is not None:
            parts += [table(tables[name]), ""]
    if plots:
        parts += ["## Plots", ""]
        parts += [f"![{name}]({path.name})" for name, path in plots.items()]
        parts.append("")
    parts += ["## How the verdicts are reached", ""]
    parts += [f"- {line}" for line in rules_text(result.analysis.threshold)]
    parts += ["", "Skill puts every task on one scale: 1 is perfect, 0 is what a model that "
              "learned nothing scores (the dataset's baseline; for a forecast table, the "
              "better of the naive and seasonal-naive forecasts).", ""]
    return "\n".join(parts)
