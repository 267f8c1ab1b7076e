"""Published results beside ours: the report's section and ``docs/reproductions.md``.

Both are rendered from results databases alone — :func:`study_rows` reads a study's finished
runs, :func:`~rnnlab.study.reproduction.verdicts` decides each published row — so rerunning
``rnnlab reproductions STUDY… --out docs/reproductions.md`` on the same databases writes the
same page. The inputs are plain ``runs`` rows (dicts, as :meth:`Store.runs` returns them).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from rnnlab.study.published import PUBLISHED, Published
from rnnlab.study.reproduction import (
    CELL_NAMES,
    CONTRADICTED,
    NOT_REPRODUCED,
    NOT_RUN,
    REPRODUCED,
    Verdict,
    verdicts,
)
from rnnlab.study.store import FILENAME, open_store

Table = tuple[str, list[str], list[list[str]]]


def study_rows(database: str | os.PathLike) -> list[dict[str, Any]]:
    """The finished runs of the study last written into ``database`` (folder or file)."""
    with open_store(database, read_only=True) as store:
        keys = set(filter(None, (store.get_meta("study_keys") or "").split(",")))
        return [r for r in store.runs("done") if not keys or r["key"] in keys]


def databases_under(paths: list[str | os.PathLike]) -> list[Path]:
    """Results databases named by ``paths``: a ``.sqlite`` file, a study folder, or a folder
    of study folders (the paper-scale suite writes one per part)."""
    found = []
    for path in map(Path, paths):
        if path.is_file():
            found.append(path)
        elif (path / FILENAME).is_file():
            found.append(path / FILENAME)
        else:
            found += sorted(path.glob(f"*/{FILENAME}"))
    return found


def relevant(rows: list[dict[str, Any]]) -> tuple[Published, ...]:
    """The published rows of every paper whose tasks these runs touched (all of that paper's
    rows, so that a row not run at this scale says so rather than vanishing)."""
    tasks = {r["task"] for r in rows}
    sources = {p.source for p in PUBLISHED if p.task in tasks or p.stand_in in tasks}
    return tuple(p for p in PUBLISHED if p.source in sources)


def reproduction_table(rows: list[dict[str, Any]]) -> Table | None:
    """The report's section: one line per published row and cell, the verdict on the first.

    ``None`` when the runs touch no published task.
    """
    wanted = relevant(rows)
    if not wanted:
        return None
    lines = []
    for verdict in verdicts(rows, wanted):
        row = verdict.row
        for index, cell in enumerate(verdict.cells):
            first = index == 0
            why = "; ".join([*verdict.reasons, verdict.budget]) if first else ""
            lines.append([f"{row.title} ({row.source})" if first else "",
                          CELL_NAMES[cell.cell], cell.published, cell.ours,
                          verdict.status if first else "", why])
    return ("Published results beside ours (verdicts computed from this database)",
            ["published row", "cell", "published", "ours", "verdict", "why · budget"], lines)


# --------------------------------------------------------------------------- the docs page
def _seeds(rows: list[dict[str, Any]], task: str, length: int | None) -> str:
    seeds = sorted({r["seed"] for r in rows if r["task"] == task and r["length"] == length})
    return ", ".join(map(str, seeds)) if seeds else "–"


def _section(verdict: Verdict, rows: list[dict[str, Any]]) -> list[str]:
    row = verdict.row
    length = None if verdict.stand_in else row.length
    out = [f"### {row.title}", "",
           f"- **Source:** {row.source}, {row.table}. Figures {row.checked}.",
           f"- **Task as defined there:** {row.definition}.",
           f"- **Ours:** task `{verdict.task}`" + (f", T = {length}" if length else "")
           + f"; seeds {_seeds(rows, verdict.task, length)}."
           + (" A stand-in: orderings only." if verdict.stand_in else ""),
           f"- **Budget:** {verdict.budget}.",
           f"- **Verdict: {verdict.status}.**", ""]
    out += ["| cell | published | ours | at the paper's level |", "| --- | --- | --- | --- |"]
    level = {True: "yes", False: "no", None: "–"}
    out += [f"| {CELL_NAMES[c.cell]} | {c.published} | {c.ours} | {level[c.at_level]} |"
            for c in verdict.cells]
    if verdict.orderings:
        out += ["", "Published orderings tested on our seeds (paired t-test, "
                "p < 0.05):", ""]
        for check in verdict.orderings:
            state = "holds" if check.holds else ("reversed" if check.reversed else
                                                 "not significant")
            p = f"{check.p:.2g}" if math.isfinite(check.p) else "–"
            out.append(f"- {CELL_NAMES[check.better]} ≻ {CELL_NAMES[check.worse]}: difference "
                       f"{check.difference:+.3f}, p = {p}, {check.n} seeds — {state}")
    if verdict.reasons:
        out += ["", "Why:", ""] + [f"- {reason}" for reason in verdict.reasons]
    return [*out, ""]


HEADER = """# Reproductions: the classic papers' numbers beside ours

Generated by `rnnlab reproductions {sources} --out docs/reproductions.md` from the results
database(s) alone — do not edit by hand; rerun the command. Each verdict follows the rules of
`rnnlab.study.reproduction` (stated there and in each row's reasons):

- **reproduced** — every ordering the paper shows holds on our seeds (paired t-test, p < 0.05)
  and every cell the paper ran is at the paper's level (a score within a factor of 2 of the
  published error either way, or better than a published success; a success rate not
  significantly below the paper's, by a binomial test);
- **not reproduced at this budget** — short of that, with our budget against theirs and the
  differences of budget, scale and protocol that may explain it;
- **contradicted** — our ordering is significantly the opposite of the paper's;
- **not run at this scale** — no run of the row in these databases
  (`rnnlab compare --suite classic --scale paper` runs every row).

"Sequences until success" and "success rate over trials" are the papers' measures (trials are
our seeds); the success criterion is checked during training every few hundred or thousand
training sequences (`rnnlab.study.success`), so our counts are known to that resolution.
Intervals are means ± t₀.₉₇₅,ₙ₋₁·s/√n over seeds. Skill: 1 − score/baseline for losses,
(accuracy − baseline)/(1 − baseline) for accuracy.
"""


def study_line(database: str | os.PathLike) -> str:
    """One line on the study a database holds: its name, seeds and shared settings."""
    from rnnlab.study.config import budget_text

    with open_store(database, read_only=True) as store:
        config = store.study_config() or {}
    if not config:
        return f"- `{database}`"
    seeds = config.get("seeds") or []
    if config.get("tune"):
        from rnnlab.study.config import StudyConfig
        from rnnlab.study.tuning import learning_rate_grid

        grid = learning_rate_grid(StudyConfig.from_dict(config))
        rate = (f"the learning rate tuned per cell ({len(grid)} rates from {grid[0]:g} to "
                f"{grid[-1]:g}, scored on the validation split; each cell's rate is in its "
                f"rows)")
    else:
        rate = f"one learning rate {config.get('learning_rate')} for every cell"
    return (f"- `{database}`: {config.get('name', 'a study')}; seeds "
            f"{', '.join(map(str, seeds))}; "
            f"{budget_text(config.get('epochs'), config.get('steps'), config.get('seconds'))} "
            f"per run, batch {config.get('batch_size')}, {config.get('optimizer')}, {rate}, "
            f"hidden size {config.get('hidden_size')} (matched by {config.get('match')})")


def render(sources: list[str], rows: list[dict[str, Any]],
           studies: list[str] | None = None) -> str:
    """The whole ``docs/reproductions.md`` for the runs ``rows`` (from ``sources``);
    ``studies`` are lines describing the studies read (:func:`study_line`)."""
    found = verdicts(rows, PUBLISHED)
    counts = {status: sum(1 for v in found if v.status == status)
              for status in (REPRODUCED, NOT_REPRODUCED, CONTRADICTED, NOT_RUN)}
    parts = [HEADER.format(sources=" ".join(sources))]
    if studies:
        parts += ["Studies read:", "", *studies, ""]
    parts += [f"{len(rows)} finished runs. Verdicts: " + ", ".join(
                 f"{count} {status}" for status, count in counts.items()) + ".", "",
             "| published row | verdict | budget |", "| --- | --- | --- |"]
    parts += [f"| {v.row.title} | {v.status} | {v.budget} |" for v in found]
    parts.append("")
    for source in dict.fromkeys(p.source for p in PUBLISHED):
        parts += [f"## {source}", ""]
        for verdict in found:
            if verdict.row.source == source:
                parts += _section(verdict, rows)
    return "\n".join(parts).rstrip() + "\n"


def write_docs(paths: list[str | os.PathLike], out: str | os.PathLike) -> Path:
    """Render ``docs/reproductions.md`` from the databases under ``paths``; returns ``out``."""
    from rnnlab.study.errors import StudyError

    found = databases_under(paths)
    if not found:
        raise StudyError(f"no results database under {', '.join(map(str, paths))}; run "
                         f"`rnnlab compare --suite classic --out FOLDER` first")
    rows = [row for database in found for row in study_rows(database)]
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    text = render([str(p) for p in paths], rows, [study_line(d) for d in found])
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)
    return target
