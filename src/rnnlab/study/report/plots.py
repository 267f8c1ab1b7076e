"""The report's figures as PNG files (matplotlib, Agg backend — no display needed).

* ``skill_vs_length_<task>.png``: mean test skill per cell against sequence length, with the
  95 % interval as a band and the solved threshold as a dashed line (bars for tasks without a
  length);
* ``gradient_flow.png``: ``‖∂L/∂h_t‖`` against the distance from the loss, log scale, at
  initialisation (dashed) and after training (solid);
* ``learning_curves.png``: validation skill per epoch, mean over seeds;
* ``cost.png``: skill against seconds per epoch (the Pareto picture).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from rnnlab import cells
from rnnlab.study.analysis import Analysis

COLOURS = {"rnn": "#d62728", "lstm": "#1f77b4", "gru": "#2ca02c", **dict(zip(
    [c for c in cells.names() if c not in ("rnn", "lstm", "gru")],
    ("#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"), strict=False))}
NAMES = cells.display_names()


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    _pyplot().close(fig)
    return path


def skill_vs_length(a: Analysis, task: str, folder: Path) -> Path:
    """Skill ± CI against length (or bars) for one task."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    lengths = a.lengths(task)
    if lengths and lengths[0] is not None:
        for cell in a.cells():
            groups = [a.group(task, length, cell) for length in lengths]
            pts = [(g.length, g.skill.mean, g.skill.low, g.skill.high) for g in groups if g]
            if not pts:
                continue
            x, m, lo, hi = (np.array(v, dtype=float) for v in zip(*pts, strict=True))
            ax.plot(x, m, "o-", color=COLOURS[cell], label=NAMES[cell])
            ax.fill_between(x, lo, hi, color=COLOURS[cell], alpha=0.2)
        ax.set_xlabel("sequence length T")
    else:
        cells = [c for c in a.cells() if a.group(task, None, c)]
        groups = [a.group(task, None, c) for c in cells]
        err = [0 if not math.isfinite(g.skill.half) else g.skill.half for g in groups]
        ax.bar([NAMES[c] for c in cells], [g.skill.mean for g in groups], yerr=err,
               color=[COLOURS[c] for c in cells], capsize=6)
    ax.axhline(a.threshold, color="grey", ls="--", lw=1, label=f"solved ({a.threshold:g})")
    ax.axhline(0.0, color="black", lw=0.6)
    ax.set_ylabel("test skill (1 = perfect, 0 = learned nothing)")
    ax.set_title(f"{task}: skill vs length, mean and 95% CI over seeds")
    ax.legend()
    return _save(fig, folder / f"skill_vs_length_{task}.png")


def gradient_flow(a: Analysis, folder: Path) -> Path | None:
    """Gradient norm against distance from the loss at each task's longest length."""
    settings = [(t, a.lengths(t)[-1]) for t in a.tasks()]
    settings = [(t, L) for t, L in settings
                if any(g.gradient_init for g in a.groups if (g.task, g.length) == (t, L))]
    if not settings:
        return None
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(settings), figsize=(6 * len(settings), 4), squeeze=False)
    for ax, (task, length) in zip(axes[0], settings, strict=True):
        for cell in a.cells():
            g = a.group(task, length, cell)
            if g is None or not g.gradient_init:
                continue
            for curve, style, when in ((g.gradient_init, "--", "init"),
                                       (g.gradient_trained, "-", "trained")):
                if curve:
                    values = np.maximum(np.array(curve), 1e-30)
                    ax.semilogy(np.arange(len(values)), values, style, color=COLOURS[cell],
                                label=f"{NAMES[cell]} ({when})")
        ax.set_xlabel("distance from the loss (time steps)")
        ax.set_ylabel("‖∂L/∂h_t‖ (mean over sequences)")
        ax.set_title(f"gradient flow through time, {task}"
                     + ("" if length is None else f" T={length}"))
        ax.legend(fontsize=8)
    return _save(fig, folder / "gradient_flow.png")


def learning_curves(a: Analysis, folder: Path) -> Path | None:
    """Mean validation skill against epoch, one panel per task at its longest length."""
    settings = [(t, a.lengths(t)[-1]) for t in a.tasks()]
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(settings), figsize=(6 * len(settings), 4), squeeze=False)
    drew = False
    for ax, (task, length) in zip(axes[0], settings, strict=True):
        for cell in a.cells():
            g = a.group(task, length, cell)
            curves = [c for c in (g.curves if g else []) if c]
            if not curves:
                continue
            size = min(len(c) for c in curves)
            mean = np.nanmean(np.array([c[:size] for c in curves], dtype=float), axis=0)
            ax.plot(np.arange(1, size + 1), mean, color=COLOURS[cell], label=NAMES[cell])
            drew = True
        ax.axhline(a.threshold, color="grey", ls="--", lw=1)
        ax.set_xlabel("epoch")
        ax.set_ylabel("validation skill")
        ax.set_title(f"learning curves, {task}" + ("" if length is None else f" T={length}"))
        ax.legend()
    if not drew:
        _pyplot().close(fig)
        return None
    return _save(fig, folder / "learning_curves.png")


def cost(a: Analysis, folder: Path) -> Path:
    """Skill against seconds per epoch for every group; the Pareto picture."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for cell in a.cells():
        groups = [g for g in a.groups if g.cell == cell]
        ax.scatter([g.time_per_epoch.mean for g in groups], [g.skill.mean for g in groups],
                   color=COLOURS[cell], label=NAMES[cell])
        for g in groups:
            ax.annotate(f"{g.task}" + ("" if g.length is None else f" T={g.length}"),
                        (g.time_per_epoch.mean, g.skill.mean), fontsize=7,
                        xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("seconds per epoch (lower is cheaper)")
    ax.set_ylabel("test skill")
    ax.set_title("accuracy vs cost")
    ax.legend()
    return _save(fig, folder / "cost.png")


def make_plots(a: Analysis, folder: Path) -> dict[str, Path]:
    """Every figure, by a short name; figures without data are left out."""
    if not a.groups:
        return {}
    plots: dict[str, Path | None] = {
        f"skill vs length — {task}": skill_vs_length(a, task, folder) for task in a.tasks()}
    plots["gradient flow through time"] = gradient_flow(a, folder)
    plots["learning curves"] = learning_curves(a, folder)
    plots["accuracy vs cost"] = cost(a, folder)
    return {name: path for name, path in plots.items() if path is not None}
