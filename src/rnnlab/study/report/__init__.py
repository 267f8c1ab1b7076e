"""The study report: ``report.md``, ``report.html``, ``report.json`` and PNG plots.

:func:`write_report` computes the tables once (:mod:`.tables`), draws the plots (:mod:`.plots`)
and renders the documents from the same numbers (:mod:`.markdown`, :mod:`.html`,
:mod:`.json_report`). Files are written to a temporary name and renamed, so a reader never sees
half a report.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from rnnlab.study.report import html, json_report, markdown, plots, tables


def _atomic_write(path: Path, text: str) -> Path:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


def make_tables(result: Any) -> dict[str, tables.Table | None]:
    """Every table of the report, by name (``None`` where a study has nothing to show)."""
    a = result.analysis
    tuned = {key for key, choice in result.tuning.items() if choice.tuned}
    return {
        "claims": tables.claims_table(result.claims),
        "results": tables.results_table(a, tuned),
        "tests": tables.tests_table(a),
        "statistics": tables.statistics_table(a),
        "cost": tables.cost_table(a, result.config.batch_size),
        "tuning": tables.tuning_table(result),
        "horizon": tables.horizon_table(a),
        "pareto": tables.pareto_table(a),
        "references": tables.references_table(result),
        "settings": tables.settings_table(result),
    }


#: Order of the number tables after the claims, in both documents.
NUMBER_TABLES = ("results", "tests", "statistics", "cost", "tuning", "horizon", "pareto",
                 "references", "settings")


def write_report(result: Any) -> dict[str, Path]:
    """Write the report for a :class:`~rnnlab.study.api.StudyResult`; returns the paths.

    The report is checked (:func:`rnnlab.study.check.check_document`) before anything is
    written: a verdict that does not follow from its evidence is refused with
    :class:`~rnnlab.study.check.ReportCheckError` rather than shown (the results database
    is untouched, so the report can be rendered again).
    """
    from rnnlab.study.check import ReportCheckError, check_document

    folder = Path(result.out)
    document = json_report.render(result)
    problems = check_document(json.loads(document))
    if problems:
        raise ReportCheckError(f"the report of {folder} would state {len(problems)} thing(s) "
                               f"its evidence does not support, so it was not written (please "
                               f"report this as a bug): " + " | ".join(problems))
    made = make_tables(result)
    figures = plots.make_plots(result, folder)
    paths = {"markdown": _atomic_write(folder / "report.md",
                                       markdown.render(result, made, figures)),
             "html": _atomic_write(folder / "report.html", html.render(result, made, figures)),
             "json": _atomic_write(folder / "report.json", document)}
    paths.update({f"plot: {name}": path for name, path in figures.items()})
    return paths
