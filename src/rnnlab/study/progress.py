"""Live progress of a study: one line per run in flight and an overall bar with an ETA.

Built on ``rich.progress``; :class:`NullProgress` is the silent stand-in (``progress=False``).
"""

from __future__ import annotations

import math
from typing import Any

from rnnlab.study.executors import Event


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:.4g}"


class NullProgress:
    """Shows nothing."""

    def __enter__(self) -> NullProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def handle(self, event: Event) -> None:
        """Ignore ``event``."""

    def skipped(self, count: int) -> None:
        """Ignore the count of runs skipped as already finished."""


class RichProgress:
    """Overall bar (runs done / total, elapsed, ETA) and a line per running run."""

    def __init__(self, total: int, console: Any = None) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(),
                                 TextColumn("ETA"), TimeRemainingColumn(), console=console,
                                 transient=False)
        self.overall = self.progress.add_task("[bold]study", total=total)
        self.lines: dict[str, Any] = {}
        self.failed = 0

    def __enter__(self) -> RichProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)

    def skipped(self, count: int) -> None:
        """Count runs already finished by an earlier study as done."""
        self.progress.update(self.overall, advance=count)

    def handle(self, event: Event) -> None:
        """Update the display for one executor event."""
        run, key = event.run, event.run.key
        if event.kind == "start" and event.payload != "queued" and key not in self.lines:
            self.lines[key] = self.progress.add_task(f"  {run.label}", total=run.epochs)
        elif event.kind == "epoch" and key in self.lines:
            info = event.payload
            limit = info.get("epochs")  # None under a wall-time budget alone
            self.progress.update(self.lines[key], completed=info["epoch"], total=limit,
                                 description=f"  {run.label}  epoch {info['epoch']}"
                                             f"{'' if limit is None else f'/{limit}'}  val "
                                             f"{info['metric']} {_number(info['val_score'])}")
        elif event.kind == "interrupted":
            if key in self.lines:
                self.progress.remove_task(self.lines.pop(key))
        elif event.kind in ("done", "failed"):
            if key in self.lines:
                self.progress.remove_task(self.lines.pop(key))
            if event.kind == "failed":
                self.failed += 1
                self.progress.console.print(f"[red]failed[/] {run.label}: "
                                            f"{str(event.payload).splitlines()[0]}")
            self.progress.update(self.overall, advance=1)
