"""The study report: ``report.md``, ``report.html`` and PNG plots in the output folder.

:func:`write_report` computes the tables once (:mod:`.tables`), draws the plots (:mod:`.plots`)
and renders both documents from the same numbers (:mod:`.markdown`, :mod:`.html`). Files are
written to a temporary name and renamed, so a reader never sees half a report.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rnnlab.study.report import html, markdown, plots, tables


def _atomic_write(path: Path, text: str) -> Path:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


def write_report(result: Any) -> dict[str, Path]:
    """Write the report for a :class:`~rnnlab.study.api.StudyResult`; returns the paths."""
    folder = Path(result.out)
    a = result.analysis
    made = {
        "claims": tables.claims_table(result.claims),
        "results": tables.results_table(a),
        "tests": tables.tests_table(a),
        "cost": tables.cost_table(a),
        "horizon": tables.horizon_table(a),
        "pareto": tables.pareto_table(a),
        "references": tables.references_table(result),
        "settings": tables.settings_table(result),
    }
    if not made["horizon"][2]:
        made["horizon"] = None
    figures = plots.make_plots(a, folder)
    paths = {"markdown": _atomic_write(folder / "report.md",
                                       markdown.render(result, made, figures)),
             "html": _atomic_write(folder / "report.html", html.render(result, made, figures))}
    paths.update({f"plot: {name}": path for name, path in figures.items()})
    return paths
