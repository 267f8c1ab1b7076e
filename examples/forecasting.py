"""Time-series forecasting: yearly sunspot numbers and monthly airline passengers, one step ahead
and closed loop, with a vanilla RNN, an LSTM and a GRU, against the naive forecasts.

    python examples/forecasting.py [--series sunspots airline] [--plot forecast.png]

Both series are split by time (70/15/15 %: train, then validation, then test; nothing later
leaks into training), scaled with training statistics, and cut into windows: the model reads
``lookback`` values and predicts the next one. The weights with the lowest validation loss are
kept, and the cell with the lowest validation loss is the one plotted (the test split is never
used to choose).

* **sunspots** (1700–2008, yearly): the z-scored counts themselves; lookback 20 years.
* **airline** (1949–1960, monthly): passenger numbers grow ~12% a year, so the test years lie
  above anything seen in training, and a network of saturating units fed the raw (or log)
  numbers cannot reach them. The model therefore forecasts the *year-on-year log growth*
  ``d_t = ln y_t − ln y_{t−12}`` (seasonal differencing, as in SARIMA) and the forecast is
  ``ŷ_t = y_{t−12} · exp(d̂_t)``. The seasonal-naive forecast ``ŷ_t = y_{t−12}`` is exactly
  ``d̂_t = 0``, so the comparison with it is direct.

Scores on the test split are printed in the series' own units (sunspot number, thousands of
passengers): MSE, RMSE and R² for the one-step forecast and for the closed-loop forecast
(:meth:`rnnlab.Sequential.forecast`, every prediction fed back as the next input from the
start of the test split to its end), beside persistence (``ŷ_t = y_{t−1}``) and seasonal-naive.
A PNG shows forecast against actual.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

import rnnlab
from rnnlab import datasets
from rnnlab.datasets.forecasting import forecast_dataset


@dataclass
class Problem:
    """One series, ready to train on, with what it takes to score in the series' units.

    ``ds`` holds the model's windows ``X (n, lookback, 1)`` and targets ``y (n, 1)`` in model
    units; ``actual``, ``persistence`` and ``seasonal`` are ``(n_test,)`` in the series' units;
    ``to_units(d, closed_loop)`` maps ``(n_test,)`` model-unit test predictions into the series'
    units (for the airline a closed loop builds on its own forecasts of a year before).
    """

    name: str
    unit: str
    ds: Any
    years: np.ndarray           # (n_test,) fractional year of each test target
    actual: np.ndarray
    persistence: np.ndarray
    seasonal: np.ndarray
    to_units: Any


def whole_series(name: str, **params: Any) -> np.ndarray:
    """The unscaled series ``(N,)``: with stride 1 the first window and every target after it
    cover each step exactly once."""
    ds = datasets.load(name, scale=None, **params)
    (X, y), val, test = ds.train, ds.val, ds.test
    return np.concatenate([X[0, :, 0], y[:, 0], val[1][:, 0], test[1][:, 0]]).astype(np.float64)


def test_years(ds: Any, n_test: int, per_year: int) -> np.ndarray:
    """Fractional years of the last ``n_test`` steps ("1963" or "1959-03" style times)."""
    first = ds.info["split_times"]["test_from"]
    year, _, month = first.partition("-")
    start = int(year) + (int(month) - 1) / 12 if month else float(year)
    return start + np.arange(n_test) / per_year


def sunspots_problem(lookback: int) -> Problem:
    ds = datasets.load("sunspots", lookback=lookback)
    series = whole_series("sunspots", lookback=lookback)
    n = len(ds.test[1])
    actual = series[-n:]

    def to_units(pred: np.ndarray, closed_loop: bool = False) -> np.ndarray:
        return ds.unscale(pred[:, None])[:, 0]

    return Problem("sunspots", "sunspot number", ds, test_years(ds, n, 1), actual,
                   series[-n - 1:-1], series[-n - 11:-11], to_units)


def airline_problem(lookback: int) -> Problem:
    series = whole_series("airline", lookback=12)             # thousands of passengers
    growth = np.log(series[12:]) - np.log(series[:-12])       # (N − 12,) year-on-year log growth
    ds = forecast_dataset("airline growth", growth[:, None], columns=["log growth"],
                          targets=[0], lookback=lookback, season=12)
    n = len(ds.test[1])
    # Month labels: rebuild the airline dataset's times to date the test targets.
    ds.info["split_times"] = {"test_from": _month(1949, 1, len(series) - n)}
    actual = series[-n:]

    def to_units(pred: np.ndarray, closed_loop: bool = False) -> np.ndarray:
        # ŷ_t = y_{t−12} · exp(d̂_t). One step ahead, y_{t−12} is known; in a closed loop run
        # from the start of the test split, it is the loop's own forecast once t − 12 falls
        # inside the test span: that is all a forecast made a year or more ahead has.
        d = ds.unscale(pred[:, None])[:, 0]
        if not closed_loop:
            return series[-n - 12:-12] * np.exp(d)
        out = np.concatenate([series[:-n], np.zeros(n)])
        for i in range(n):
            t = len(series) - n + i
            out[t] = out[t - 12] * np.exp(d[i])
        return out[-n:]

    return Problem("airline", "thousand passengers", ds, test_years(ds, n, 12), actual,
                   series[-n - 1:-1], series[-n - 12:-12], to_units)


def _month(year: int, month: int, offset: int) -> str:
    total = year * 12 + month - 1 + offset
    return f"{total // 12}-{total % 12 + 1:02d}"


PROBLEMS = {"sunspots": (sunspots_problem, 20), "airline": (airline_problem, 12)}


def scores(predicted: np.ndarray, actual: np.ndarray) -> dict[str, float]:
    """MSE, RMSE and R² in the series' units."""
    return rnnlab.metrics.regression_metrics(predicted, actual)


def fit(cell: str, problem: Problem, args) -> dict:
    """Train one cell; its one-step and closed-loop test forecasts in the series' units."""
    ds = problem.ds
    model = rnnlab.build(cell, input_size=1, hidden_size=args.hidden, output_size=1,
                         task="regress", seed=args.seed)
    options = rnnlab.TrainingOptions(learning_rate=args.learning_rate, max_epochs=args.epochs,
                                     batch_size=16, validation_data=ds.val,
                                     patience=args.patience, gradient_clip=1.0, seed=args.seed,
                                     verbose=args.verbose)
    start = time.perf_counter()
    history = rnnlab.train(model, *ds.train, options)
    seconds = time.perf_counter() - start
    X_test, _ = ds.test
    one_step = problem.to_units(model.predict(X_test)[:, 0])
    # Closed loop from the window just before the test split: no test value is ever seen.
    closed = problem.to_units(model.forecast(X_test[0, :, 0], steps=len(X_test)),
                              closed_loop=True)
    splits = {split: model.evaluate(*getattr(ds, split)) for split in ("train", "val", "test")}
    return {"series": problem.name, "cell": cell, "seconds": seconds,
            "best_epoch": history.best_epoch, "val_loss": splits["val"]["mse"],
            "splits": splits, "one_step": one_step, "closed_loop": closed,
            "test": scores(one_step, problem.actual),
            "closed_test": scores(closed, problem.actual)}


def plot(problem: Problem, best: dict, ax) -> None:
    """Actual, seasonal-naive, one-step and closed-loop forecasts over the test split."""
    ax.plot(problem.years, problem.actual, "k.-", label="actual")
    ax.plot(problem.years, problem.seasonal, ":", color="grey", label="seasonal naive")
    ax.plot(problem.years, best["one_step"], "-", label=f"{best['cell']} one step ahead")
    ax.plot(problem.years, best["closed_loop"], "--", label=f"{best['cell']} closed loop")
    ax.set_title(f"{problem.name}: test split")
    ax.set_xlabel("year")
    ax.set_ylabel(problem.unit)
    ax.legend(fontsize=8)


def report(problem: Problem, rows: list[dict]) -> dict:
    """Print the tables for one series; return its key figures."""
    naive = {"persistence": scores(problem.persistence, problem.actual),
             "seasonal naive": scores(problem.seasonal, problem.actual)}
    print(f"\n{problem.name}: test split in {problem.unit} ({len(problem.actual)} steps)")
    print(f"  {'forecast':<24}{'MSE':>12}{'RMSE':>10}{'R²':>8}")
    for name, s in naive.items():
        print(f"  {name:<24}{s['mse']:>12.2f}{s['rmse']:>10.2f}{s['r2']:>8.3f}")
    for row in rows:
        for kind, s in (("one step", row["test"]), ("closed loop", row["closed_test"])):
            label = f"{row['cell']} {kind}"
            print(f"  {label:<24}{s['mse']:>12.2f}{s['rmse']:>10.2f}{s['r2']:>8.3f}")
    print(f"  in model units (scaled), MSE / R² per split:\n  {'cell':<6}{'train':>18}"
          f"{'val':>18}{'test':>18}{'best epoch':>12}{'time':>8}")
    for row in rows:
        cells = "".join(f"{s['mse']:>9.3f} / {s['r2']:>6.3f}" for s in row["splits"].values())
        print(f"  {row['cell']:<6}{cells}{row['best_epoch']:>12}{row['seconds']:>7.1f}s")
    best = min(rows, key=lambda r: r["val_loss"])
    return {"series": problem.name, "best_cell": best["cell"], "rows": rows,
            "persistence_rmse": naive["persistence"]["rmse"],
            "seasonal_naive_rmse": naive["seasonal naive"]["rmse"],
            "test_rmse": best["test"]["rmse"], "test_r2": best["test"]["r2"],
            "closed_loop_rmse": best["closed_test"]["rmse"], "best": best}


def main(argv: list[str] | None = None) -> dict[str, dict]:
    """Forecast each series with each cell; return ``{series: key figures}``."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", nargs="+", default=list(PROBLEMS), choices=list(PROBLEMS),
                        help="series to forecast (default: all)")
    parser.add_argument("--cells", nargs="+", default=["rnn", "lstm", "gru"],
                        choices=["rnn", "lstm", "gru"], help="cells to train, one after another")
    parser.add_argument("--hidden", type=int, default=16,
                        help="hidden units of every cell (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=200,
                        help="at most this many passes over the training windows"
                             " (default: %(default)s)")
    parser.add_argument("--patience", type=int, default=30,
                        help="stop after this many epochs without a lower validation loss"
                             " (default: %(default)s)")
    parser.add_argument("--learning-rate", type=float, default=0.005,
                        help="Adam's learning rate (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="initial weights and batch order (default: %(default)s)")
    parser.add_argument("--plot", default="forecast.png", help="PNG to write ('' for none)")
    parser.add_argument("--verbose", action="store_true", help="show the progress bar")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)   # models this small only wait for cores with more threads
    results = {}
    for name in args.series:
        make, lookback = PROBLEMS[name]
        problem = make(lookback)
        rows = [fit(cell, problem, args) for cell in args.cells]
        results[name] = report(problem, rows)
        results[name]["problem"] = problem
    for name, r in results.items():
        print(f"\n{name}: best cell on validation {r['best_cell']}: test RMSE "
              f"{r['test_rmse']:.2f} one step, {r['closed_loop_rmse']:.2f} closed loop; "
              f"seasonal naive {r['seasonal_naive_rmse']:.2f}, persistence "
              f"{r['persistence_rmse']:.2f}")
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(len(results), 1, figsize=(8, 3.5 * len(results)),
                                 squeeze=False)
        for ax, r in zip(axes[:, 0], results.values(), strict=True):
            plot(r["problem"], r["best"], ax)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=100)
        plt.close(fig)
        print(f"plot: {args.plot}")
    return results


if __name__ == "__main__":
    main()
