"""Backtest MASE of RNN, LSTM and GRU forecasters on four real series, against the naive and
seasonal-naive forecasts, with the coverage of their 80 % and 95 % prediction intervals — the
table in docs/forecasting.md.

    python examples/forecast_real_series.py [--series airline co2 sunspots nile]
        [--cells rnn lstm gru] [--seeds 3] [--out docs/forecasting.md]

Every series is bundled with rnnlab (:func:`rnnlab.datasets.real.series_frame`) and goes
through the same steps a user's table does (:func:`rnnlab.forecasting.fit`): split in time
(70/15/15 %), scaled with training statistics, a model trained with early stopping on the
validation part, conformal intervals calibrated on the validation part, then a rolling-origin
backtest from every origin of the test part, ``horizon`` steps ahead, in the series' own units.
MASE divides the mean absolute error by the training part's in-sample seasonal-naive error; the
naive and seasonal-naive forecasts are scored on the same origins.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path
from typing import Any

from rnnlab import forecasting
from rnnlab.datasets.real import series_frame

#: per series: lookback, horizon, scale, season (None: from the frequency), hidden size
CONFIGS = {
    "airline": {"lookback": 24, "horizon": 12, "scale": "window", "season": None, "hidden": 32},
    "co2": {"lookback": 24, "horizon": 12, "scale": "window", "season": None, "hidden": 32},
    "sunspots": {"lookback": 22, "horizon": 11, "scale": "zscore", "season": 11, "hidden": 32},
    "nile": {"lookback": 10, "horizon": 5, "scale": "zscore", "season": None, "hidden": 16},
}
BEGIN, END = "<!-- real-series table: begin -->", "<!-- real-series table: end -->"


def run_one(name: str, cell: str, seed: int, epochs: int) -> dict[str, Any]:
    """Fit one cell on one series with one seed; its backtest figures."""
    config = CONFIGS[name]
    frame = series_frame(name)
    time_column, target = frame.columns[0], frame.columns[1]
    started = time.perf_counter()
    model = forecasting.fit(frame, time=time_column, target=target, fill="interpolate",
                            lookback=config["lookback"], horizon=config["horizon"],
                            scale=config["scale"], season=config["season"], cell=cell,
                            hidden_size=config["hidden"], epochs=epochs, patience=30,
                            seed=seed)
    result = forecasting.backtest(model, frame)
    overall = result.overall
    return {"series": name, "cell": cell, "seed": seed,
            "seconds": time.perf_counter() - started, "origins": result.origins,
            "season": result.season, "mase": overall["model"]["MASE"],
            "naive": overall["naive"]["MASE"], "seasonal": overall["seasonal naive"]["MASE"],
            "coverage_80": overall["model"].get("coverage_80", math.nan),
            "coverage_95": overall["model"].get("coverage_95", math.nan),
            "capped": model.data_info["forecast"]["intervals"]["capped"]}


def _mean_sd(values: list[float]) -> str:
    if len(values) < 2:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def table(rows: list[dict[str, Any]]) -> str:
    """The markdown table: one line per series and cell, means ± standard deviations over
    seeds, the baselines' MASE (the same for every seed) and the interval coverage."""
    lines = ["| series | cell | backtest MASE | seeds below 1 | naive | seasonal naive | "
             "skill vs better naive | 80 % covers | 95 % covers |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in dict.fromkeys(r["series"] for r in rows):
        for cell in dict.fromkeys(r["cell"] for r in rows if r["series"] == name):
            runs = [r for r in rows if r["series"] == name and r["cell"] == cell]
            mase = [r["mase"] for r in runs]
            best = min(runs[0]["naive"], runs[0]["seasonal"])
            skill = [1 - m / best for m in mase]
            below = sum(m < 1 for m in mase)
            cover80 = [100 * r["coverage_80"] for r in runs]
            cover95 = [100 * r["coverage_95"] for r in runs]
            lines.append(
                f"| {name} | {cell.upper()} | {_mean_sd(mase)} | {below}/{len(runs)} | "
                f"{runs[0]['naive']:.3f} | {runs[0]['seasonal']:.3f} | {_mean_sd(skill)} | "
                f"{statistics.mean(cover80):.1f} % ({min(cover80):.0f}–{max(cover80):.0f}) | "
                f"{statistics.mean(cover95):.1f} % ({min(cover95):.0f}–{max(cover95):.0f}) |")
    return "\n".join(lines)


def settings(rows: list[dict[str, Any]]) -> str:
    lines = ["| series | lookback | horizon | scale | season | test origins | s per fit |",
             "| --- | ---: | ---: | --- | ---: | ---: | ---: |"]
    for name in dict.fromkeys(r["series"] for r in rows):
        config, runs = CONFIGS[name], [r for r in rows if r["series"] == name]
        lines.append(f"| {name} | {config['lookback']} | {config['horizon']} | "
                     f"{config['scale']} | {runs[0]['season']} | {runs[0]['origins']} | "
                     f"{statistics.median(r['seconds'] for r in runs):.0f} |")
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    """Replace the text between the markers in ``path`` (or append it with the markers)."""
    block = f"{BEGIN}\n{text}\n{END}"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END):]
    else:
        new = (old + "\n\n" if old else "") + block + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--cells", nargs="+", default=["rnn", "lstm", "gru"],
                        choices=["rnn", "lstm", "gru"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--out", type=Path, default=None,
                        help="markdown file whose table to replace (e.g. docs/forecasting.md)")
    parser.add_argument("--json", type=Path, default=None, help="also write every run here")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)   # models this small only wait for cores with more threads
    rows = []
    for name in args.series:
        for cell in args.cells:
            for seed in range(args.seeds):
                rows.append(run_one(name, cell, seed, args.epochs))
                r = rows[-1]
                print(f"{name:<9} {cell:<5} seed {seed}: MASE {r['mase']:.3f} (naive "
                      f"{r['naive']:.3f}, seasonal naive {r['seasonal']:.3f}), 80 % covers "
                      f"{100 * r['coverage_80']:.1f} %, {r['seconds']:.0f} s", flush=True)
    text = f"{table(rows)}\n\n{settings(rows)}"
    print(text)
    if args.out:
        write(args.out, text)
        print(f"wrote {args.out}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return rows


if __name__ == "__main__":
    main()
