"""The report's figures as PNG files (matplotlib, Agg backend — no display needed).

* ``skill_vs_length_<task>.png`` (tasks with a length sweep): mean test skill per cell with a
  marker at each measured length only, the 95 % interval over seeds as a band, and the solved
  threshold dashed; ``skill_<task>.png`` (tasks without lengths): bars with the interval;
* ``gradient_flow.png``: ``‖∂L/∂h_t‖`` against the distance from the loss, log scale, at
  initialisation (dashed) and after training (solid);
* ``learning_curves.png``: validation skill per epoch, mean over seeds with the range over
  seeds as a band;
* ``cost.png``: mean test skill against analytic multiply–adds per sequence, every point
  labelled, labels pushed apart so that none overlaps another;
* ``lr_sensitivity.png`` (tuned studies): validation skill against learning rate, one line per
  cell, the chosen rate circled.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab import cells
from rnnlab.study.analysis import Analysis

COLOURS = {"rnn": "#d62728", "lstm": "#1f77b4", "gru": "#2ca02c", **dict(zip(
    [c for c in cells.names() if c not in ("rnn", "lstm", "gru")],
    ("#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"), strict=False))}
NAMES = cells.display_names()


def _colour(cell: str) -> str:
    return COLOURS.get(cell, "#7f7f7f")


def _name(cell: str) -> str:
    return NAMES.get(cell, cell)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path, layout: bool = True) -> Path:
    if layout:  # the cost plot lays out before placing its labels, and must not move after
        fig.tight_layout()
    fig.savefig(path, dpi=110)
    _pyplot().close(fig)
    return path


def _panel(ax: Any, xlabel: str, ylabel: str, title: str, task: str,
           length: int | None) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(f"{title}, {task}" + ("" if length is None else f" T={length}"))
    ax.legend(fontsize=8)


def _panels(count: int):
    plt = _pyplot()
    fig, axes = plt.subplots(1, count, figsize=(5.5 * count, 4), squeeze=False)
    return fig, list(axes[0])


def skill_vs_length(a: Analysis, task: str, folder: Path) -> Path:
    """Skill and its interval against the measured lengths of one task."""
    fig, (ax,) = _panels(1)
    lengths = [v for v in a.lengths(task) if v is not None]
    for cell in a.cells():
        groups = [g for g in (a.group(task, n, cell) for n in lengths) if g]
        if not groups:
            continue
        x = np.array([g.length for g in groups], dtype=float)
        mean = np.array([g.skill.mean for g in groups], dtype=float)
        low = np.array([g.skill.low if g.skill.has_interval else g.skill.mean for g in groups])
        high = np.array([g.skill.high if g.skill.has_interval else g.skill.mean
                         for g in groups])
        ax.plot(x, mean, "o", ls=":", lw=1, ms=6, color=_colour(cell), label=_name(cell))
        ax.fill_between(x, low, high, color=_colour(cell), alpha=0.18, lw=0)
    ax.set_xticks(lengths)
    ax.set_xlabel("sequence length T (measured lengths only)")
    _skill_axis(ax, a.threshold, f"{task}: skill vs length (mean, 95% CI over seeds)")
    return _save(fig, folder / f"skill_vs_length_{task}.png")


def _skill_axis(ax: Any, threshold: float, title: str) -> None:
    ax.axhline(threshold, color="grey", ls="--", lw=1, label=f"solved ({threshold:g})")
    ax.axhline(0.0, color="black", lw=0.6)
    ax.set_ylabel("test skill (1 = perfect, 0 = learned nothing)")
    ax.set_title(title)
    ax.legend(fontsize=8)


def skill_by_cell(a: Analysis, task: str, folder: Path) -> Path:
    """Bars of mean skill with the interval, for a task without a length sweep."""
    fig, (ax,) = _panels(1)
    groups = a.here(task, None)
    means = [g.skill.mean for g in groups]
    below = [g.skill.mean - g.skill.low if g.skill.has_interval else 0.0 for g in groups]
    above = [g.skill.high - g.skill.mean if g.skill.has_interval else 0.0 for g in groups]
    ax.bar([_name(g.cell) for g in groups], means, yerr=[below, above], capsize=6,
           color=[_colour(g.cell) for g in groups])
    _skill_axis(ax, a.threshold, f"{task}: test skill per cell (mean, 95% CI over seeds)")
    return _save(fig, folder / f"skill_{task}.png")


def gradient_flow(a: Analysis, folder: Path) -> Path | None:
    """Gradient norm against distance from the loss at each task's longest length."""
    settings = [(t, a.lengths(t)[-1]) for t in a.tasks()]
    settings = [(t, n) for t, n in settings
                if any(g.gradient_init for g in a.here(t, n))]
    if not settings:
        return None
    fig, axes = _panels(len(settings))
    for ax, (task, length) in zip(axes, settings, strict=True):
        for g in a.here(task, length):
            for curve, style, when in ((g.gradient_init, "--", "init"),
                                       (g.gradient_trained, "-", "trained")):
                if curve:
                    values = np.maximum(np.array(curve), 1e-30)
                    ax.semilogy(np.arange(len(values)), values, style, color=_colour(g.cell),
                                label=f"{_name(g.cell)} ({when})")
        _panel(ax, "distance from the loss (time steps)",
               "‖∂L/∂h_t‖ (mean over sequences and seeds)", "gradient flow through time",
               task, length)
    return _save(fig, folder / "gradient_flow.png")


def _whole_numbers() -> object:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def learning_curves(a: Analysis, folder: Path) -> Path | None:
    """Validation skill per epoch, one panel per task at its longest length."""
    settings = [(t, a.lengths(t)[-1]) for t in a.tasks()]
    fig, axes = _panels(len(settings))
    drew = False
    for ax, (task, length) in zip(axes, settings, strict=True):
        for g in a.here(task, length):
            # A forecast table's epochs have no validation skill (it is scored by a backtest
            # after training), so its curves are all NaN and are left out.
            curves = [c for c in g.curves
                      if c and any(v is not None and math.isfinite(v) for v in c)]
            if not curves:
                continue
            drew = True
            size = min(len(c) for c in curves)
            values = np.array([c[:size] for c in curves], dtype=float)
            epochs = np.arange(1, size + 1)
            ax.plot(epochs, np.nanmean(values, axis=0), color=_colour(g.cell),
                    label=_name(g.cell))
            ax.fill_between(epochs, np.nanmin(values, axis=0), np.nanmax(values, axis=0),
                            color=_colour(g.cell), alpha=0.18, lw=0)
            ax.legend(fontsize=8)
        ax.axhline(a.threshold, color="grey", ls="--", lw=1)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(_whole_numbers())   # epochs, not 2.5 and 7.5
        ax.set_ylabel("validation skill (mean; band: range over seeds)")
        ax.set_title(f"learning curves, {task}" + ("" if length is None else f" T={length}"))
    if not drew:
        _pyplot().close(fig)
        return None
    return _save(fig, folder / "learning_curves.png")


def label_points(ax: Any, xs: list[float], ys: list[float], labels: list[str]) -> list[Any]:
    """Annotate each point so that no label overlaps another label or a point, or leaves the
    axes.

    A label sits beside its point (to the right in the left half of the axes, to the left in
    the right half) and, when that spot is taken, tries spots further above and below in steps
    of its own height, joined to the point by a thin line. Returns the annotations.
    """
    from matplotlib.text import Text

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)

    def extent(note: Any) -> Any:  # the text alone: an annotation's own extent adds its line
        note.update_positions(renderer)
        return Text.get_window_extent(note, renderer)

    middle = (frame.x0 + frame.x1) / 2
    from matplotlib.transforms import Bbox

    # Every marker is an obstacle too (a box of about its size), so no label hides a point.
    size = 5 * fig.dpi / 72
    centres = [ax.transData.transform((x, y)) for x, y in zip(xs, ys, strict=True)]
    markers = [Bbox.from_bounds(cx - size, cy - size, 2 * size, 2 * size) for cx, cy in centres]
    placed, boxes = [], []
    points = sorted(zip(xs, ys, labels, strict=True), key=lambda p: (-p[1], p[0]))
    for x, y, text in points:
        right = ax.transData.transform((x, y))[0] < middle
        note = ax.annotate(text, (x, y), xytext=(6 if right else -6, 0),
                           textcoords="offset points", ha="left" if right else "right",
                           va="center", fontsize=7,
                           arrowprops={"arrowstyle": "-", "lw": 0.4, "color": "grey"})
        box = extent(note)
        step = (box.height + 2) * 72 / fig.dpi
        for attempt in range(80):
            shift = step * ((attempt + 1) // 2) * (1 if attempt % 2 else -1)
            note.set_position((6 if right else -6, shift))
            box = extent(note)
            inside = frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in boxes + markers):
                break
        placed.append(note)
        boxes.append(box)
    return placed


def cost(a: Analysis, folder: Path) -> Path:
    """Mean test skill against analytic multiply–adds per sequence, every point labelled."""
    fig, (ax,) = _panels(1)
    xs, ys, labels = [], [], []
    several = len(a.tasks()) > 1
    for cell in a.cells():
        groups = [g for g in a.groups if g.cell == cell and math.isfinite(g.macs_per_sequence)]
        ax.scatter([g.macs_per_sequence for g in groups], [g.skill.mean for g in groups],
                   color=_colour(cell), label=_name(cell), zorder=3)
        for g in groups:
            xs.append(g.macs_per_sequence)
            ys.append(g.skill.mean)
            where = [g.task] if several or g.length is None else []
            where += [] if g.length is None else [f"T={g.length}"]
            labels.append(" ".join([_name(cell), *where]))
    if xs and max(xs) / max(min(xs), 1) > 20:
        ax.set_xscale("log")
    ax.set_xlabel("multiply–adds per sequence (analytic, forward pass; lower is cheaper)")
    ax.set_ylabel("test skill (mean over seeds)")
    ax.set_title("accuracy vs intrinsic cost")
    ax.legend(fontsize=8)
    fig.tight_layout()
    label_points(ax, xs, ys, labels)
    return _save(fig, folder / "cost.png", layout=False)


def lr_sensitivity(result: Any, folder: Path) -> Path | None:
    """Validation skill against learning rate per setting, one line per cell."""
    settings: dict[tuple[str, int | None], list[Any]] = {}
    for choice in result.tuning.values():
        settings.setdefault((choice.task, choice.length), []).append(choice)
    if not settings:
        return None
    order = {cell: i for i, cell in enumerate(result.analysis.cells())}
    fig, axes = _panels(len(settings))
    ordered = sorted(settings.items(), key=lambda item: (item[0][0], item[0][1] or 0))
    for ax, ((task, length), choices) in zip(axes, ordered, strict=True):
        for choice in sorted(choices, key=lambda ch: order.get(ch.cell, len(order))):
            rates = sorted(choice.scores)
            ax.plot(rates, [choice.scores[r] for r in rates], "o-", color=_colour(choice.cell),
                    label=_name(choice.cell))
            if choice.tuned:
                ax.plot([choice.rate], [choice.scores[choice.rate]], "o", ms=12, mfc="none",
                        color=_colour(choice.cell))
        ax.set_xscale("log")
        _panel(ax, "learning rate (log scale; circled: chosen)",
               "validation skill (mean over trial seeds)", "learning-rate sensitivity", task,
               length)
    return _save(fig, folder / "lr_sensitivity.png")


def make_plots(result: Any, folder: Path) -> dict[str, Path]:
    """Every figure, by a short name; figures without data are left out."""
    a = result.analysis
    if not a.groups:
        return {}
    plots: dict[str, Path | None] = {}
    for task in a.tasks():
        if a.lengths(task)[0] is not None:
            plots[f"skill vs length — {task}"] = skill_vs_length(a, task, folder)
        else:
            plots[f"test skill per cell — {task}"] = skill_by_cell(a, task, folder)
    plots["gradient flow through time"] = gradient_flow(a, folder)
    plots["learning curves"] = learning_curves(a, folder)
    plots["accuracy vs cost"] = cost(a, folder)
    plots["learning-rate sensitivity"] = lr_sensitivity(result, folder)
    return {name: path for name, path in plots.items() if path is not None}
