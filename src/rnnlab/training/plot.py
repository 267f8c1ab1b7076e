"""The training-progress figure, like MATLAB's training-progress window, written as a PNG.

Two panels against iteration: the loss (training per iteration, lightly, with a smoothed line;
validation as points at the end of each validated epoch) and the metric, the same way. A
dotted line marks the end of the epoch whose weights the model kept (``history.best_epoch``),
and the top axis counts epochs, at whole numbers only. Drawn with matplotlib's Agg canvas
directly, so no GUI backend is touched.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np


def smooth(values: list[float], width: int) -> np.ndarray:
    """Trailing moving average over ``width`` points (shorter at the start).

    Example:
        >>> smooth([1.0, 3.0, 5.0], 2).tolist()
        [1.0, 2.0, 4.0]
    """
    array = np.asarray(values, dtype=np.float64)
    sums = np.cumsum(np.insert(array, 0, 0.0))
    counts = np.minimum(np.arange(1, array.size + 1), width)
    return (sums[1:] - sums[np.arange(1, array.size + 1) - counts]) / counts


def _epoch_axis(axes: Any, epoch_iteration: list[int]) -> None:
    """A top axis in epochs: epoch ``e`` (1-based) ends at iteration ``epoch_iteration[e-1]``;
    ticks only at whole epochs, thinned to about ten."""
    top = axes.secondary_xaxis("top")
    every = max(1, math.ceil(len(epoch_iteration) / 10))
    shown = [e for e in range(1, len(epoch_iteration) + 1) if e % every == 0 or e == 1]
    top.set_xticks([epoch_iteration[e - 1] for e in shown], [str(e) for e in shown])
    top.set_xlabel("epoch")


def plot_training_progress(history: Any, path: str | os.PathLike) -> str:
    """Draw ``history`` into ``path`` (PNG) and return the path as a string."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(9, 6), tight_layout=True)
    FigureCanvasAgg(figure)
    iterations = np.arange(1, history.iterations + 1)
    width = max(1, history.iterations // 50)
    panels = [("loss", history.iteration_loss, history.val_loss),
              (history.metric_name, history.iteration_metric,
               history.metrics.get(f"val_{history.metric_name}", []))]
    for row, (name, per_iteration, validation) in enumerate(panels, start=1):
        axes = figure.add_subplot(2, 1, row)
        values = np.asarray(per_iteration, dtype=np.float64)
        if values.size and np.any(np.isfinite(values)):
            axes.plot(iterations, values, color="tab:blue", alpha=0.25, linewidth=0.8)
            axes.plot(iterations, smooth(list(values), width), color="tab:blue",
                      label=f"training {name} (smoothed)")
        points = [(it, v) for it, v in zip(history.epoch_iteration, validation, strict=False)
                  if not math.isnan(v)]
        if points:
            axes.plot(*zip(*points, strict=True), "o--", color="black", markersize=4,
                      label=f"validation {name}")
        kept = history.best_epoch
        if kept and kept <= len(history.epoch_iteration):
            axes.axvline(history.epoch_iteration[kept - 1], color="tab:green", linestyle=":",
                         label=f"kept: epoch {kept}")
        axes.set_ylabel(name)
        axes.grid(alpha=0.3)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        if row == 1 and history.epoch_iteration:
            _epoch_axis(axes, history.epoch_iteration)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(loc="best", fontsize=8)
    figure.axes[-1].set_xlabel("iteration")
    epochs = history.epochs
    figure.suptitle(f"Training progress — {epochs} epoch{'s' if epochs != 1 else ''}, "
                    f"{history.iterations} iterations"
                    + (f", stopped: {history.stop_reason}" if history.stop_reason else "")
                    + (f", kept epoch {history.best_epoch}" if history.best_epoch else ""))
    figure.savefig(os.fspath(path), dpi=100)
    return os.fspath(path)
