"""The ``rnnlab`` command.

Commands: ``datasets`` (the built-in datasets), ``train``, ``evaluate``, ``predict``,
``forecast`` (past the end of each series of a table) and ``backtest`` (rolling-origin scores
against the naive forecasts) for forecasting models,
``generate`` (sample text from a character or word model), ``compare`` (run a fair RNN/LSTM/GRU
study), ``report`` (re-render a study's report from its results database), ``reproductions``
(the classic papers' numbers beside ours), ``inspect`` (gate traces) and ``export`` (ONNX,
Keras layout).
Every command follows the same conventions:

* bad input → one line ``rnnlab: <what was wrong>`` on stderr and exit code 2, never a traceback
  (add ``--debug`` anywhere on the command line to see one);
* Ctrl-C → one line ``rnnlab: interrupted…`` (saying what was kept) and exit code 130; work that
  did not finish is never stored as finished;
* every command's ``--help`` ends with a working example;
* progress and tables go through rich.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from rnnlab.commands.forecast_options import (
    CalendarOption,
    CovariatesOption,
    DayfirstOption,
    FillOption,
    FutureCovariatesOption,
    IdOption,
    TargetOption,
    TimeFormatOption,
    TimeOption,
    forecast_params,
    merge_params,
)
from rnnlab.commands.help_format import PlainGroup, use_plain_flags
from rnnlab.commands.option_values import numbers, parse_params, split_list
from rnnlab.commands.param_help import ParamHelpCommand
from rnnlab.commands.study_summary import print_summary

app = typer.Typer(
    cls=PlainGroup, name="rnnlab", no_args_is_help=True, add_completion=False,
    help="Build, train, inspect and compare vanilla RNN, LSTM and GRU networks.\n\n"
         "Add --debug to any command to see a full traceback on errors.")

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130   # 128 + SIGINT, as shells report a command stopped by Ctrl-C
DEFAULT_OUT = Path("rnnlab-study")



COMPARE_EXAMPLE = """
Examples:

  rnnlab compare --suite quick --out study

  rnnlab compare --task adding --lengths 10,60 --seeds 3 --epochs 20 --out study

  rnnlab compare --task copy --lengths 20 --steps 2000 --out copy-study

  rnnlab compare --data reviews.csv --data-task classify --cells lstm,gru --out reviews

  rnnlab compare --data sales.csv --data-task forecast --id store -p fill=interpolate

  rnnlab compare --suite quick --tune lr --out quick-tuned
"""


@app.command(epilog=COMPARE_EXAMPLE, cls=ParamHelpCommand)
def compare(
    task: Annotated[list[str] | None, typer.Option(
        "--task", "-t", help="Built-in task(s); repeat or comma-separate (adding, copy, recall, "
                             "reber, temporal_order, digits…).")] = None,
    data: Annotated[Path | None, typer.Option(
        "--data", help="Your own data file (CSV, .npz, .ts, …).")] = None,
    data_task: Annotated[str | None, typer.Option(
        "--data-task", help="How to read --data: classify, forecast or sequence.")] = None,
    cells: Annotated[str | None, typer.Option(
        "--cells", help="Cells to compare.", show_default="rnn,lstm,gru")] = None,
    lengths: Annotated[str | None, typer.Option(
        "--lengths", help="Sequence lengths to sweep, e.g. 10,60.")] = None,
    seeds: Annotated[int | None, typer.Option(
        "--seeds", help="Number of seeds.", show_default="3")] = None,
    suite: Annotated[str | None, typer.Option(
        "--suite", help="Start from a suite: quick, standard, classic, modern.")] = None,
    match: Annotated[str | None, typer.Option(
        "--match", help="params (default) or hidden.")] = None,
    hidden_size: Annotated[int | None, typer.Option(
        "--hidden-size", help="Hidden size of the most-gated cell (others matched).")] = None,
    epochs: Annotated[int | None, typer.Option(
        "--epochs", help="Epochs per run.", show_default="10, or the suite's")] = None,
    steps: Annotated[int | None, typer.Option(
        "--steps", help="Optimiser steps per run (without --epochs: no epoch limit).")] = None,
    seconds: Annotated[float | None, typer.Option(
        "--seconds", help="Seconds of training per run (without --epochs: no epoch limit); "
                          "a run stops at the first budget it reaches.")] = None,
    learning_rate: Annotated[float | None, typer.Option(
        "--learning-rate", "--lr", help="Learning rate of every run.",
        show_default="the suite's")] = None,
    batch_size: Annotated[int | None, typer.Option(
        "--batch-size", help="Sequences per optimiser step.", show_default="the suite's")
    ] = None,
    optimizer: Annotated[str | None, typer.Option(
        "--optimizer", help="adam, sgd, sgdm or rmsprop.")] = None,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", help="Skill at which a task counts as solved.", show_default="0.8")
    ] = None,
    tune: Annotated[str | None, typer.Option(
        "--tune", help="lr: search each cell's learning rate first (same trials per cell, "
                       "validation split only); none: one shared rate.",
        show_default="lr for --data and the standard and classic suites, else none")] = None,
    tune_grid: Annotated[str | None, typer.Option(
        "--tune-grid", help="Learning rates to try with --tune lr, e.g. 0.001,0.003,0.01.",
        show_default="5 half-decade steps around --lr")] = None,
    tune_epochs: Annotated[int | None, typer.Option(
        "--tune-epochs", help="Epochs of each learning-rate trial.",
        show_default="the final runs' budget")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Dataset parameter KEY=VALUE (repeatable; keys listed below).")
    ] = None,
    series_id: IdOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = DEFAULT_OUT,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-j", help="Local worker processes.", show_default="every core")] = None,
    executor: Annotated[str, typer.Option("--executor", help="local or ray.")] = "local",
    address: Annotated[str | None, typer.Option(
        "--address", help="Ray cluster address (with --executor ray).")] = None,
    log_dir: Annotated[Path | None, typer.Option(
        "--log-dir", help="Write TensorBoard event files of every run into this folder, one "
                          "folder per run.")] = None,
    progress: Annotated[bool, typer.Option(
        "--progress/--no-progress", help="Live progress.")] = True,
    scale: Annotated[str | None, typer.Option(
        "--scale", help="With --suite classic: laptop (default) or paper — the papers' sizes, "
                        "three studies under --out (cost: rnnlab reproductions --plan paper)."
                        )] = None,
) -> None:
    """Compare RNN, LSTM and GRU fairly (same parameter budget, seeds, data order) and write a
    report that says which to use and why. Rerun the same command to resume."""
    from rich.console import Console

    from rnnlab.commands.common import CommandInterrupted
    from rnnlab.commands.reproductions_cmd import check_scale, compare_paper_scale
    from rnnlab.study import build_config, run_study

    fixed = {"task": task, "data": data, "cells": cells, "lengths": lengths, "seeds": seeds,
             "match": match, "hidden_size": hidden_size, "epochs": epochs, "steps": steps,
             "seconds": seconds, "learning_rate": learning_rate, "batch_size": batch_size,
             "optimizer": optimizer, "threshold": threshold, "param": param}
    if check_scale(suite, scale, fixed):
        compare_paper_scale(out, workers=workers, executor=executor, address=address,
                            progress=progress)
        return
    tasks = [name for item in task or [] for name in split_list(item) or []]
    config = build_config(tasks=tasks or None, data=data, data_task=data_task,
                          cells=split_list(cells), lengths=numbers(lengths, "lengths"), seeds=seeds,
                          suite=suite, params=merge_params(
                              parse_params(param), forecast_params(id=series_id)) or None,
                          match=match,
                          hidden_size=hidden_size, epochs=epochs, steps=steps, seconds=seconds,
                          learning_rate=learning_rate, batch_size=batch_size,
                          optimizer=optimizer, threshold=threshold, tune=tune,
                          tune_grid=numbers(tune_grid, "tune-grid", float),
                          tune_epochs=tune_epochs)
    console = Console(stderr=False)
    try:
        result = run_study(config, out, workers=workers, executor=executor, address=address,
                           progress=progress, console=console, log_dir=log_dir)
    except KeyboardInterrupt:
        raise CommandInterrupted(f"interrupted (Ctrl-C); finished runs are saved in {out}, "
                                 f"unfinished ones are not — rerun the same command to "
                                 f"finish the study") from None
    print_summary(console, result, counts=True)


@app.command(epilog="Example:\n\n  rnnlab report study/results.sqlite --out study-report\n")
def report(
    database: Annotated[Path, typer.Argument(help="A study folder or its results.sqlite.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Where to write the report.", show_default="beside the database")
    ] = None,
) -> None:
    """Re-render a study's report (Markdown, HTML, plots) from its results database."""
    from rich.console import Console

    from rnnlab.study import render_report

    console = Console()
    result = render_report(database, out)
    print_summary(console, result)


@app.command("reproductions", epilog="Examples:\n\n  rnnlab reproductions classic --out "
                                     "docs/reproductions.md\n\n  rnnlab reproductions --plan "
                                     "paper\n")
def reproductions(
    studies: Annotated[list[Path] | None, typer.Argument(
        help="Study folders or results.sqlite files (a folder of study folders works too).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The page to write.")] = Path(
        "docs/reproductions.md"),
    plan: Annotated[str | None, typer.Option(
        "--plan", help="Print the run list and stated cost of the classic suite at this scale "
                       "(laptop or paper) instead, without running anything.")] = None,
) -> None:
    """The classic papers' numbers beside ours, with a computed verdict per row."""
    from rnnlab.commands.reproductions_cmd import reproductions_command

    reproductions_command(list(studies or []), out, plan)


@app.command("inspect", epilog="Example:\n\n  rnnlab inspect model.safetensors test.npz --out "
                               "inspect --samples 16\n")
def inspect_(
    model: Annotated[Path, typer.Argument(help="Model file from model.save() or rnnlab train.")],
    data: Annotated[Path, typer.Argument(help=".npz with X (optionally y, lengths) or .npy.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path(
        "rnnlab-inspect"),
    samples: Annotated[int, typer.Option("--samples", help="Sequences to trace.")] = 32,
    sample: Annotated[int, typer.Option("--sample", help="Sequence shown in heatmaps.")] = 0,
    gradients: Annotated[bool, typer.Option(
        "--gradients/--no-gradients", help="Trace ‖∂L/∂h_t‖ through time.")] = True,
    plots: Annotated[bool, typer.Option("--plots/--no-plots", help="Write PNG plots.")] = True,
) -> None:
    """Trace gates, cell and hidden states and gradient flow through time (PNGs + trace.npz)."""
    from rnnlab.commands.inspect_export import inspect_command

    inspect_command(model, data, out, samples=samples, sample=sample, gradients=gradients,
                    plots=plots)


@app.command("export", epilog="Examples:\n\n  rnnlab export model.safetensors model.onnx\n\n"
                              "  rnnlab export model.safetensors weights.npz --format keras\n")
def export(
    model: Annotated[Path, typer.Argument(help="Model file.")],
    out: Annotated[Path, typer.Argument(help="The .onnx (or .npz for keras) file to write.")],
    format: Annotated[str, typer.Option("--format", "-f", help="onnx or keras.")] = "onnx",
    opset: Annotated[int, typer.Option("--opset", help="ONNX opset version.")] = 17,
    exporter: Annotated[str, typer.Option(
        "--exporter", help="native (ONNX operators written by rnnlab, with a lengths input), "
                           "legacy or dynamo (torch's exporters).")] = "native",
    lengths: Annotated[bool, typer.Option(
        "--lengths/--no-lengths", help="Native graph reads lengths (batch,) beside x, so "
                                       "padded batches work.")] = True,
) -> None:
    """Export to ONNX (checked against onnxruntime before it is kept) or Keras-layout weights."""
    from rnnlab.commands.inspect_export import export_command

    export_command(model, out, format, opset=opset, exporter=exporter, lengths=lengths)


DATASETS_EXAMPLE = """
Examples:

  rnnlab datasets

  rnnlab datasets adding
"""


@app.command("datasets", epilog=DATASETS_EXAMPLE)
def datasets_(
    name: Annotated[str | None, typer.Argument(
        help="A dataset to describe in detail.", show_default="list them all")] = None,
) -> None:
    """List the built-in datasets, or show one: task, parameters, baseline, source, licence."""
    from rnnlab.commands.datasets_cmd import datasets_command

    datasets_command(name)


TRAIN_EXAMPLE = """
Examples:

  rnnlab train adding -p length=20 --cell gru --epochs 5 --out adding.safetensors

  rnnlab train sales.csv --task forecast --cell gru -p lookback=12 --out sales.safetensors

  rnnlab train sales.csv --task forecast --id store --future-covariates promo --fill zero

  (-p lookback=28 -p horizon=14 -p strategy=recursive: the other forecasting keys, below)

  rnnlab train japanese_vowels --epochs 40 --patience 5 --plot progress.png --log-dir runs/gru
"""


@app.command(epilog=TRAIN_EXAMPLE, cls=ParamHelpCommand)
def train(
    data: Annotated[str, typer.Argument(
        help="A built-in dataset (see `rnnlab datasets`) or your file (CSV, .npz, .ts, .txt…).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model file to write.")] = Path(
        "model.safetensors"),
    task: Annotated[str | None, typer.Option(
        "--task", "-t", help="classify, regress, forecast or sequence.",
        show_default="the data's")
    ] = None,
    cell: Annotated[str, typer.Option("--cell", "-c", help="rnn, lstm or gru.")] = "lstm",
    hidden: Annotated[int, typer.Option("--hidden", help="Hidden units per layer.")] = 64,
    layers: Annotated[int, typer.Option("--layers", help="Stacked recurrent layers.")] = 1,
    bidirectional: Annotated[bool, typer.Option(
        "--bidirectional", help="Read each sequence both ways.")] = False,
    dropout: Annotated[float, typer.Option(
        "--dropout", help="Dropout rate between stacked layers and after the last.")] = 0.0,
    embedding_dim: Annotated[int | None, typer.Option(
        "--embedding-dim", help="Embedding width for text data.", show_default="32")] = None,
    epochs: Annotated[int, typer.Option("--epochs", help="Passes over the training data.")
    ] = 20,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", help="Sequences per optimiser step.")] = 32,
    learning_rate: Annotated[float | None, typer.Option(
        "--learning-rate", "--lr", help="Initial learning rate.",
        show_default="0.001 for adam and rmsprop, 0.01 for sgd and sgdm")
    ] = None,
    optimizer: Annotated[str, typer.Option(
        "--optimizer", help="adam, sgd, sgdm or rmsprop.")] = "adam",
    engine: Annotated[str, typer.Option("--engine", help="torch or reference.")] = "torch",
    seed: Annotated[int, typer.Option(
        "--seed", help="Initial weights and batch order.")] = 0,
    val: Annotated[float | None, typer.Option(
        "--val", help="Fraction of the training data held out for validation (0: none).",
        show_default="the data's validation split, else 0.1")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Dataset or file-loader parameter KEY=VALUE (repeatable; keys "
                              "listed below).")
    ] = None,
    patience: Annotated[int | None, typer.Option(
        "--patience", help="Stop after this many epochs without a lower validation loss, "
                           "keeping the best epoch's weights.", show_default="never stop early")
    ] = None,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Write the training-progress plot (loss and metric against iteration, "
                       "the kept epoch marked) to this PNG file.")] = None,
    log_dir: Annotated[Path | None, typer.Option(
        "--log-dir", help="Write TensorBoard event files (losses, metrics, learning rate, "
                          "gradient norm) into this folder.")] = None,
    progress: Annotated[bool, typer.Option(
        "--progress/--no-progress", help="Live progress bar.")] = True,
    series_id: IdOption = None,
    time: TimeOption = None,
    target: TargetOption = None,
    covariates: CovariatesOption = None,
    future_covariates: FutureCovariatesOption = None,
    calendar: CalendarOption = None,
    fill: FillOption = None,
    dayfirst: DayfirstOption = None,
    time_format: TimeFormatOption = None,
) -> None:
    """Train an RNN, LSTM or GRU on a dataset or your file, print test scores, save the model."""
    from rnnlab.commands.train_eval import train_command

    params = merge_params(parse_params(param), forecast_params(
        id=series_id, time=time, target=target, covariates=covariates,
        future_covariates=future_covariates, calendar=calendar, fill=fill, dayfirst=dayfirst,
        time_format=time_format))
    train_command(data, out=out, task=task, cell=cell, hidden=hidden, layers=layers,
                  bidirectional=bidirectional, dropout=dropout, embedding_dim=embedding_dim,
                  epochs=epochs, batch_size=batch_size, lr=learning_rate, optimizer=optimizer,
                  engine=engine, seed=seed, val=val, params=params, progress=progress,
                  patience=patience, plot=plot, log_dir=log_dir)


EVALUATE_EXAMPLE = """
Examples:

  rnnlab evaluate adding.safetensors adding

  rnnlab evaluate vowels.safetensors JapaneseVowels_TEST.ts

  rnnlab evaluate sales.safetensors sales.csv --split val

  rnnlab evaluate sales.safetensors sales.csv --backtest
"""


@app.command(epilog=EVALUATE_EXAMPLE, cls=ParamHelpCommand)
def evaluate(
    model: Annotated[Path, typer.Argument(help="Model file from `rnnlab train`.")],
    data: Annotated[str, typer.Argument(
        help="A built-in dataset or your file; the training parameters are reused when it is "
             "the data the model was trained on.")],
    split: Annotated[str | None, typer.Option(
        "--split", help="all, train, val or test.",
        show_default="a file whole; a built-in dataset's test split")] = None,
    task: Annotated[str | None, typer.Option(
        "--task", "-t", help="How to read a file: classify, regress, forecast or sequence.")
    ] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Dataset or file-loader parameter KEY=VALUE (repeatable; keys "
                              "listed below).")
    ] = None,
    backtest: Annotated[bool, typer.Option(
        "--backtest", help="A forecasting model: rolling-origin backtest of the test part "
                           "(see `rnnlab backtest` for its options).")] = False,
) -> None:
    """Score a saved model: accuracy, per-class P/R/F1 and confusion matrix, or MSE/RMSE/MAE/R²;
    a forecasting model: MAE/RMSE/MASE/sMAPE in original units beside the naive forecasts."""
    from rnnlab.commands.train_eval import evaluate_command

    if backtest:
        from rnnlab.commands.forecast_cmd import backtest_command

        backtest_command(model, Path(data), part=split or "test")
        return
    evaluate_command(model, data, task=task, split=split, params=parse_params(param))


PREDICT_EXAMPLE = """
Examples:

  rnnlab predict adding.safetensors adding --out predictions.csv

  rnnlab predict model.safetensors inputs.npz --out predictions.csv
"""


@app.command(epilog=PREDICT_EXAMPLE, cls=ParamHelpCommand)
def predict(
    model: Annotated[Path, typer.Argument(help="Model file from `rnnlab train`.")],
    data: Annotated[str, typer.Argument(
        help=".npy (X), .npz (X, optional y, lengths), .csv (one sequence or text per row), "
             "another file the model reads (.ts, .txt…), or a built-in dataset.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV file to write.")] = Path(
        "predictions.csv"),
    split: Annotated[str | None, typer.Option(
        "--split", help="all, train, val or test.",
        show_default="a file whole; a built-in dataset's test split")] = None,
    task: Annotated[str | None, typer.Option(
        "--task", "-t", help="How to read a data file: classify, regress, forecast or sequence.")
    ] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Dataset or file-loader parameter KEY=VALUE (repeatable; keys "
                              "listed below).")
    ] = None,
) -> None:
    """Write a saved model's predictions (labels and class probabilities, or values) as CSV;
    a forecasting model's are dated, in original units."""
    from rnnlab.commands.predict_cmd import predict_command

    predict_command(model, data, out=out, split=split, task=task, params=parse_params(param))


FORECAST_EXAMPLE = """
Examples:

  rnnlab forecast sales.safetensors sales.csv --horizon 14 --out forecasts.csv --plot forecast.png

  rnnlab forecast sales.safetensors history.csv --future promotions.csv --horizon 7
"""


@app.command("forecast", epilog=FORECAST_EXAMPLE)
def forecast_(
    model: Annotated[Path, typer.Argument(
        help="A forecasting model from `rnnlab train FILE --task forecast`.")],
    data: Annotated[Path, typer.Argument(
        help="The table (CSV/TSV/Parquet, the training layout) whose series to continue; rows "
             "with the target empty after a series' end carry its future covariates.")],
    horizon: Annotated[int | None, typer.Option(
        "--horizon", "-n", help="Steps past the end.",
        show_default="the model's horizon")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="CSV to write.",
        show_default="print the forecasts")] = None,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="PNG of history, forecast and intervals per series.")] = None,
    future: Annotated[Path | None, typer.Option(
        "--future", help="A table of future covariates (id, time and those columns) for the "
                         "forecast steps, instead of rows in DATA.")] = None,
    level: Annotated[list[float] | None, typer.Option(
        "--level", help="Interval level(s) in per cent.",
        show_default="every calibrated one")
    ] = None,
    fill: FillOption = None,
) -> None:
    """Forecast each series past its end: dated, in original units, with prediction intervals."""
    from rnnlab.commands.forecast_cmd import forecast_command

    forecast_command(model, data, horizon=horizon, out=out, plot=plot, future=future,
                     fill=fill, levels=level)


BACKTEST_EXAMPLE = """
Examples:

  rnnlab backtest sales.safetensors sales.csv

  rnnlab backtest sales.safetensors sales.csv --horizon 7 --stride 7 --out backtest.csv
"""


@app.command("backtest", epilog=BACKTEST_EXAMPLE)
def backtest_(
    model: Annotated[Path, typer.Argument(help="A forecasting model.")],
    data: Annotated[Path, typer.Argument(help="The table, in the training layout.")],
    part: Annotated[str, typer.Option(
        "--part", help="Origins in the test part (to the end of the data), val, train or "
                       "all.")] = "test",
    horizon: Annotated[int | None, typer.Option(
        "--horizon", "-n", help="Steps ahead.",
        show_default="the model's")] = None,
    stride: Annotated[int, typer.Option("--stride", help="Steps between origins.")] = 1,
    season: Annotated[int | None, typer.Option(
        "--season", help="Season of the seasonal-naive forecast.",
        show_default="from the frequency")] = None,
    start: Annotated[str | None, typer.Option(
        "--start", help="First origin time (instead of --part).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="CSV of every backtest forecast, dated.")] = None,
) -> None:
    """Rolling-origin backtest: MAE, RMSE, MASE, sMAPE per series and overall, in original
    units, beside the naive and seasonal-naive forecasts, with interval coverage."""
    from rnnlab.commands.forecast_cmd import backtest_command

    backtest_command(model, data, part=part, horizon=horizon, stride=stride, season=season,
                     start=start, out=out)


GENERATE_EXAMPLE = """
Examples:

  rnnlab train shakespeare --cell lstm --hidden 256 --epochs 5 --out lm.safetensors

  rnnlab generate lm.safetensors --prime "ROMEO:" --length 300 --temperature 0.8 --top-k 20
"""


@app.command(epilog=GENERATE_EXAMPLE)
def generate(
    model: Annotated[Path, typer.Argument(
        help="A next-token text model from `rnnlab train CORPUS --task sequence`.")],
    prime: Annotated[str, typer.Option(
        "--prime", help="Text to start from.", show_default="a new line")] = "\n",
    length: Annotated[int, typer.Option(
        "--length", "-n", help="Tokens (characters) to generate.")] = 300,
    temperature: Annotated[float, typer.Option(
        "--temperature", help="Below 1: safer; above 1: wilder; 0: always the likeliest.")
    ] = 0.8,
    top_k: Annotated[int | None, typer.Option(
        "--top-k", help="Sample only among the k likeliest tokens.", show_default="all")
    ] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Makes the sample reproducible.")] = None,
) -> None:
    """Sample text from a character- or word-level model, printed as it is generated."""
    from rnnlab.commands.generate_cmd import generate_command

    generate_command(model, prime=prime, length=length, temperature=temperature, top_k=top_k,
                     seed=seed)


def _usage_error(error: BaseException) -> bool:
    # Usage errors of click (or of the click that newer typer versions vendor) both carry
    # ``format_message``; matching on it keeps the CLI working across typer versions.
    return hasattr(error, "format_message") and hasattr(error, "exit_code")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``rnnlab`` console script; returns the exit code."""
    from rnnlab.commands.common import CommandInterrupted
    from rnnlab.datasets.errors import DataError
    from rnnlab.study.errors import StudyError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"] or ["--help"]
    use_plain_flags(app)
    try:
        # Without standalone mode typer *returns* an exit code instead of raising: 130 when
        # Ctrl-C interrupted a command that did not say more itself (see CommandInterrupted).
        code = app(args=args, prog_name="rnnlab", standalone_mode=False)
    except typer.Exit as done:
        code = done.exit_code
    except (typer.Abort, KeyboardInterrupt):
        code = EXIT_INTERRUPTED
    except CommandInterrupted as stop:
        print(f"rnnlab: {stop}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (StudyError, DataError, ValueError, OSError) as error:
        if debug:
            raise
        message = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        print(f"rnnlab: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:
        if debug or not _usage_error(error):
            raise
        print(f"rnnlab: {error.format_message()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    code = code if isinstance(code, int) and not isinstance(code, bool) else 0
    if code == EXIT_INTERRUPTED:
        print("rnnlab: interrupted (Ctrl-C)", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
