"""``report.html``: one self-contained page — inline CSS, plots as base64 PNG, no scripts, no
network — so it opens offline from a mail attachment or a CI artefact."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Any

from rnnlab.study.report.markdown import headline
from rnnlab.study.report.tables import Table, rules_text

STYLE = """
body { font-family: system-ui, -apple-system, Segoe UI, sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.85rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; }
td.holds { background: #e3f4e3; } td.fails { background: #fbe3e3; }
td.unclear { background: #fff6d6; }
.recommendation { background: #eef4fb; border-left: 4px solid #1f77b4; padding: 0.6rem 1rem; }
figure { display: inline-block; margin: 0.5rem; } img { max-width: 100%; }
figcaption { font-size: 0.85rem; color: #555; }
"""

VERDICT_CLASS = {"holds": "holds", "does not hold": "fails"}


def _inline(text: str) -> str:
    """Escape, then turn Markdown ``**bold**`` into ``<b>`` and ```code``` into ``<code>``."""
    return _code(re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text)))


def _code(text: str) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def table(t: Table, verdict_column: int | None = None) -> str:
    """An HTML table with an ``<h3>`` title; verdict cells are coloured."""
    title, headers, rows = t
    out = [f"<h3>{html.escape(title)}</h3>", "<table>", "<tr>"
           + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr>"]
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            css = ""
            if index == verdict_column:
                css = f' class="{VERDICT_CLASS.get(cell, "unclear")}"'
            cells.append(f"<td{css}>{html.escape(cell)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def image(name: str, path: Path) -> str:
    """A figure with the PNG embedded as a data URI."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(name)}</figcaption></figure>")


def render(result: Any, tables: dict[str, Table | None], plots: dict[str, Path]) -> str:
    """The whole HTML document."""
    from rnnlab.study.report import NUMBER_TABLES

    title = f"{result.config.name}: RNN vs LSTM vs GRU"
    paragraphs = "".join(f"<p>{_inline(p)}</p>" for p in result.recommendation.split("\n\n"))
    body = [f"<h1>{html.escape(title)}</h1>", f"<p>{_inline(headline(result))}</p>",
            "<h2>Recommendation</h2>", f'<div class="recommendation">{paragraphs}</div>',
            "<h2>Claims</h2>", table(tables["claims"], verdict_column=1)]
    if plots:
        body += ["<h2>Plots</h2>", "".join(image(n, p) for n, p in plots.items())]
    body.append("<h2>Numbers</h2>")
    for name in NUMBER_TABLES:
        if tables.get(name) is not None:
            body.append(table(tables[name]))
    body.append("<h2>How the verdicts are reached</h2><ul>"
                + "".join(f"<li>{_inline(line)}</li>"
                          for line in rules_text(result.analysis.threshold)) + "</ul>")
    body.append("<p>Skill: 1 = perfect, 0 = the learned-nothing baseline.</p>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            "<body>\n" + "\n".join(body) + "\n</body></html>\n")
