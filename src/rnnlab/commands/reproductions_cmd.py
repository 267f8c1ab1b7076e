"""``rnnlab compare --suite classic --scale paper`` and ``rnnlab reproductions``.

The paper-scale classic suite is three studies (:func:`rnnlab.study.classic.paper_parts`), each
written to its own folder under ``--out``; ``rnnlab reproductions`` renders
``docs/reproductions.md`` from any such folders, or prints a suite's run list and stated cost
without running it (``--plan``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rnnlab.commands.common import console
from rnnlab.study.errors import StudyError


def check_scale(suite: str | None, scale: str | None, fixed: dict[str, Any]) -> bool:
    """True when ``--scale paper`` asks for the paper-scale classic suite; refuses a scale for
    another suite and options that the paper-scale suite fixes itself."""
    from rnnlab.study.classic import SCALES

    if scale is None:
        return False
    if scale not in SCALES:
        raise StudyError(f"unknown scale {scale!r}; expected {' or '.join(SCALES)}")
    if suite != "classic":
        raise StudyError(f"--scale applies to --suite classic only, got --suite {suite}")
    given = [name for name, value in fixed.items() if value]
    if scale == "paper" and given:
        raise StudyError(f"--scale paper runs the papers' settings as they are; drop "
                         f"--{given[0].replace('_', '-')}")
    return scale == "paper"


def compare_paper_scale(out: Path, **run_options: Any) -> None:
    """Print the stated cost, then run the three studies under ``out`` (resumable)."""
    from rnnlab.study.classic import paper_parts, plan, run_paper_scale

    screen = console()
    screen.print(plan(paper_parts()).text())
    results = run_paper_scale(out, console=screen, **run_options)
    for result in results:
        screen.print(f"{result.config.name}: {result.ran} runs done now, {result.skipped} "
                     f"found already done, {result.failed} failed → {result.out}")
    screen.print(f"rnnlab reproductions {out} --out docs/reproductions.md  # the verdicts")


def reproductions_command(studies: list[Path], out: Path, plan_scale: str | None) -> None:
    """Write ``out`` from the databases under ``studies``, or print a plan (``--plan``)."""
    from rnnlab.study.api import build_config
    from rnnlab.study.classic import SCALES, paper_parts, plan
    from rnnlab.study.reproduction_report import write_docs

    screen = console()
    if plan_scale is not None:
        if plan_scale not in SCALES:
            raise StudyError(f"unknown scale {plan_scale!r}; expected {' or '.join(SCALES)}")
        # The laptop suite as `rnnlab compare --suite classic` runs it, tuning trials included.
        parts = ([("classic", build_config(suite="classic"))] if plan_scale == "laptop"
                 else paper_parts())
        screen.print(plan(parts).text())
        return
    if not studies:
        raise StudyError("give the study folder(s) to read, e.g. `rnnlab reproductions classic "
                         "--out docs/reproductions.md`, or --plan paper")
    screen.print(f"wrote {write_docs(studies, out)}")
