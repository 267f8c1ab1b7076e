"""The forecast plot: per series, the end of its history, the forecast past the end and its
prediction intervals, dated, in the data's own units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

MAX_PANELS = 12


def plot_forecast(series: list[Any], frame: Any, spec: Any, path: str | Path, *,
                  history: int | None = None) -> Path:
    """Write a PNG with one panel per series (at most :data:`MAX_PANELS`).

    Args:
        series: the :class:`~rnnlab.forecasting.panel.Series` the forecast was made from.
        frame: :func:`rnnlab.forecasting.forecast`'s DataFrame.
        spec: the model's :class:`~rnnlab.forecasting.spec.ForecastSpec`.
        history: steps of history shown (default: four horizons, at least the lookback).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    shown = series[:MAX_PANELS]
    steps = history or max(spec.lookback, 4 * spec.horizon)
    target = spec.roles.targets[0]
    time_name = spec.roles.time or "time"
    fig, axes = plt.subplots(len(shown), 1, figsize=(9, 2.6 * len(shown)), squeeze=False)
    for ax, one in zip(axes[:, 0], shown, strict=False):
        rows = np.ones(len(frame), dtype=bool)
        for j, name in enumerate(spec.roles.id):
            rows &= frame[name].astype(str).to_numpy() == one.key[j]
        part = frame[rows]
        past = one.times[-steps:]
        if spec.time_kind == "datetime":
            past = pd.to_datetime(past)
        values = one.values[-steps:, 0]
        observed = one.observed[-steps:, 0]
        ax.plot(past, np.where(observed, values, np.nan), "k.-", ms=3, lw=1, label="history")
        if not observed.all():
            ax.plot(past, np.where(observed, np.nan, values), "x", color="grey", ms=4,
                    label="filled")
        when = part[time_name]
        levels = sorted({c.rsplit("_", 1)[-1] for c in part.columns
                         if c.startswith(f"{target}_lo_")}, key=float, reverse=True)
        for shade, level in zip((0.15, 0.3, 0.45), levels, strict=False):
            ax.fill_between(when, part[f"{target}_lo_{level}"], part[f"{target}_hi_{level}"],
                            color="tab:blue", alpha=shade, lw=0, label=f"{level} % interval")
        ax.plot(when, part[target], "-", color="tab:blue", lw=1.5, label="forecast")
        ax.set_title(one.label or target, fontsize=10)
        ax.set_ylabel(target)
        ax.legend(fontsize=7, loc="upper left")
    fig.autofmt_xdate()
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
