"""The live view of a training run: a rich progress bar and one line per epoch.

The bar shows the epoch, iterations done, the latest loss and metric, the latest validation
numbers and the time left; every finished epoch also leaves a line behind, Keras style::

    epoch  3/20  loss 0.3121  accuracy 0.912  val_loss 0.4004  val_accuracy 0.881  lr 0.001  1.9s

Updates are throttled (a few per second) so that the view costs nothing measurable per
iteration. With ``verbose=False`` the loop uses :class:`Silent`, which does nothing.
"""

from __future__ import annotations

import math
import time
from typing import Any


def _number(value: float) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.4g}"


class Silent:
    """The view for ``verbose=False``."""

    def start(self, total: int, done: int, epoch: int, max_epochs: int) -> None: ...

    def advance(self, epoch: int, loss: float, metric: float) -> None: ...

    def epoch_end(self, logs: dict[str, Any], metric_name: str, max_epochs: int) -> None: ...

    def message(self, text: str) -> None: ...

    def close(self) -> None: ...


class Live(Silent):
    """Rich progress bar plus per-epoch lines."""

    REFRESH_SECONDS = 0.2

    def __init__(self, metric_name: str) -> None:
        from rich.console import Console

        self.metric_name = metric_name
        self.console = Console()
        self.progress: Any = None
        self.task: Any = None
        self._last_update = 0.0
        self._pending = 0
        self._validation = "val –"

    def start(self, total: int, done: int, epoch: int, max_epochs: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.max_epochs = max_epochs
        self.progress = Progress(
            TextColumn("epoch {task.fields[epoch]}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("loss {task.fields[loss]}  {task.fields[metric]}  {task.fields[val]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=self.console, transient=True)
        self.progress.start()
        self.task = self.progress.add_task("train", total=total, completed=done,
                                           epoch=f"{epoch + 1}/{max_epochs}", loss="–",
                                           metric="", val=self._validation)

    def advance(self, epoch: int, loss: float, metric: float) -> None:
        self._pending += 1
        now = time.perf_counter()
        if now - self._last_update < self.REFRESH_SECONDS:
            return
        self._last_update = now
        self.progress.update(self.task, advance=self._pending, loss=_number(loss),
                             metric=f"{self.metric_name} {_number(metric)}",
                             epoch=f"{epoch + 1}/{self.max_epochs}", val=self._validation)
        self._pending = 0

    def epoch_end(self, logs: dict[str, Any], metric_name: str, max_epochs: int) -> None:
        if self._pending:
            self.progress.update(self.task, advance=self._pending)
            self._pending = 0
        parts = [f"epoch {logs['epoch']:>{len(str(max_epochs))}}/{max_epochs}",
                 f"loss {_number(logs['loss'])}", f"{metric_name} {_number(logs[metric_name])}"]
        if not math.isnan(logs["val_loss"]):
            parts += [f"val_loss {_number(logs['val_loss'])}",
                      f"val_{metric_name} {_number(logs['val_' + metric_name])}"]
            self._validation = (f"val {_number(logs['val_loss'])} / "
                                f"{_number(logs['val_' + metric_name])}")
        parts += [f"lr {logs['learning_rate']:.3g}", f"{logs['epoch_time']:.2f}s"]
        self.progress.console.print("  ".join(parts), soft_wrap=True, highlight=False)

    def message(self, text: str) -> None:
        if self.progress is not None:
            self.progress.console.print(text)
        else:
            self.console.print(text)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def make_progress(verbose: bool, metric_name: str) -> Silent:
    """The view for a run.

    Example:
        >>> type(make_progress(False, "accuracy")).__name__
        'Silent'
    """
    return Live(metric_name) if verbose else Silent()
