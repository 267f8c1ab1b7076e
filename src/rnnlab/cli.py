"""The ``rnnlab`` command.

Commands: ``datasets`` (the built-in datasets), ``train``, ``evaluate``, ``predict``,
``generate`` (sample text from a character or word model), ``compare`` (run a fair RNN/LSTM/GRU
study), ``report`` (re-render a study's report from its results database), ``inspect`` (gate
traces) and ``export`` (ONNX, Keras layout).
Every command follows the same conventions:

* bad input → one line ``rnnlab: <what was wrong>`` on stderr and exit code 2, never a traceback
  (add ``--debug`` anywhere on the command line to see one);
* every command's ``--help`` ends with a working example;
* progress and tables go through rich.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="rnnlab", no_args_is_help=True, add_completion=False,
    help="Build, train, inspect and compare vanilla RNN, LSTM and GRU networks.\n\n"
         "Add --debug to any command to see a full traceback on errors.")

EXIT_BAD_INPUT = 2
DEFAULT_OUT = Path("rnnlab-study")


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def _ints(text: str | None, name: str) -> list[int] | None:
    parts = _split(text)
    if parts is None:
        return None
    try:
        return [int(part) for part in parts]
    except ValueError:
        raise typer.BadParameter(f"{name} must be comma-separated integers, got {text!r}",
                                 param_hint=f"--{name}") from None


def _params(items: list[str] | None) -> dict[str, Any]:
    """``["n_train=500", "noise=0.5"]`` → ``{"n_train": 500, "noise": 0.5}``."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--param")
        parsed: Any = value.strip()
        for convert in (int, float):
            try:
                parsed = convert(parsed)
                break
            except ValueError:
                continue
        out[key.strip()] = parsed
    return out


COMPARE_EXAMPLE = """
Examples:

  rnnlab compare --suite quick --out study

  rnnlab compare --task adding --lengths 10,60 --seeds 3 --epochs 20 --out study

  rnnlab compare --task copy --lengths 20 --steps 2000 --out copy-study

  rnnlab compare --data reviews.csv --data-task classify --cells lstm,gru --out reviews
"""


@app.command(epilog=COMPARE_EXAMPLE)
def compare(
    task: Annotated[list[str] | None, typer.Option(
        "--task", "-t", help="Built-in task(s); repeat or comma-separate (adding, copy, recall, "
                             "reber, temporal_order, digits…).")] = None,
    data: Annotated[Path | None, typer.Option(
        "--data", help="Your own data file (CSV, .npz, .ts, …).")] = None,
    data_task: Annotated[str | None, typer.Option(
        "--data-task", help="How to read --data: classify, forecast or sequence.")] = None,
    cells: Annotated[str | None, typer.Option(
        "--cells", help="Cells to compare [default: rnn,lstm,gru].")] = None,
    lengths: Annotated[str | None, typer.Option(
        "--lengths", help="Sequence lengths to sweep, e.g. 10,60.")] = None,
    seeds: Annotated[int | None, typer.Option(
        "--seeds", help="Number of seeds [default: 3].")] = None,
    suite: Annotated[str | None, typer.Option(
        "--suite", help="Start from a suite: quick, standard, classic, modern.")] = None,
    match: Annotated[str | None, typer.Option(
        "--match", help="params (default) or hidden.")] = None,
    hidden_size: Annotated[int | None, typer.Option(
        "--hidden-size", help="Hidden size of the most-gated cell (others matched).")] = None,
    epochs: Annotated[int | None, typer.Option(
        "--epochs", help="Epochs per run [default: 10, or the suite's].")] = None,
    steps: Annotated[int | None, typer.Option(
        "--steps", help="Optimiser steps per run (without --epochs: no epoch limit).")] = None,
    seconds: Annotated[float | None, typer.Option(
        "--seconds", help="Seconds of training per run (without --epochs: no epoch limit); "
                          "a run stops at the first budget it reaches.")] = None,
    learning_rate: Annotated[float | None, typer.Option("--learning-rate", "--lr")] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size")] = None,
    optimizer: Annotated[str | None, typer.Option(
        "--optimizer", help="adam, sgd, sgdm or rmsprop.")] = None,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", help="Skill at which a task counts as solved [0.8].")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Dataset parameter KEY=VALUE (repeatable).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = DEFAULT_OUT,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-j", help="Local worker processes [default: every core].")] = None,
    executor: Annotated[str, typer.Option("--executor", help="local or ray.")] = "local",
    address: Annotated[str | None, typer.Option(
        "--address", help="Ray cluster address (with --executor ray).")] = None,
    progress: Annotated[bool, typer.Option(
        "--progress/--no-progress", help="Live progress.")] = True,
) -> None:
    """Compare RNN, LSTM and GRU fairly (same parameter budget, seeds, data order) and write a
    report that says which to use and why. Rerun the same command to resume."""
    from rich.console import Console

    from rnnlab.study import build_config, run_study

    tasks = [name for item in task or [] for name in _split(item) or []]
    config = build_config(tasks=tasks or None, data=data, data_task=data_task,
                          cells=_split(cells), lengths=_ints(lengths, "lengths"), seeds=seeds,
                          suite=suite, params=_params(param) or None, match=match,
                          hidden_size=hidden_size, epochs=epochs, steps=steps, seconds=seconds,
                          learning_rate=learning_rate, batch_size=batch_size,
                          optimizer=optimizer, threshold=threshold)
    console = Console(stderr=False)
    result = run_study(config, out, workers=workers, executor=executor, address=address,
                       progress=progress, console=console)
    _print_summary(console, result, counts=True)


@app.command(epilog="Example:\n\n  rnnlab report study/results.sqlite --out study-report\n")
def report(
    database: Annotated[Path, typer.Argument(help="A study folder or its results.sqlite.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Where to write the report [default: beside the database].")] = None,
) -> None:
    """Re-render a study's report (Markdown, HTML, plots) from its results database."""
    from rich.console import Console

    from rnnlab.study import render_report

    console = Console()
    result = render_report(database, out)
    _print_summary(console, result)


@app.command("inspect", epilog="Example:\n\n  rnnlab inspect model.safetensors test.npz --out "
                               "inspect --samples 16\n")
def inspect_(
    model: Annotated[Path, typer.Argument(help="Model file from model.save() or rnnlab train.")],
    data: Annotated[Path, typer.Argument(help=".npz with X (optionally y, lengths) or .npy.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path(
        "rnnlab-inspect"),
    samples: Annotated[int, typer.Option("--samples", help="Sequences to trace.")] = 32,
    sample: Annotated[int, typer.Option("--sample", help="Sequence shown in heatmaps.")] = 0,
    gradients: Annotated[bool, typer.Option("--gradients/--no-gradients")] = True,
    plots: Annotated[bool, typer.Option("--plots/--no-plots")] = True,
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
    opset: Annotated[int, typer.Option("--opset")] = 17,
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
        help="A dataset to describe in detail [default: list them all].")] = None,
) -> None:
    """List the built-in datasets, or show one: task, parameters, baseline, source, licence."""
    from rnnlab.commands.datasets_cmd import datasets_command

    datasets_command(name)


TRAIN_EXAMPLE = """
Examples:

  rnnlab train adding -p length=20 --cell gru --epochs 5 --out adding.safetensors

  rnnlab train sales.csv --task forecast --cell gru -p lookback=12 --out sales.safetensors
"""


@app.command(epilog=TRAIN_EXAMPLE)
def train(
    data: Annotated[str, typer.Argument(
        help="A built-in dataset (see `rnnlab datasets`) or your file (CSV, .npz, .ts, .txt…).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model file to write.")] = Path(
        "model.safetensors"),
    task: Annotated[str | None, typer.Option(
        "--task", "-t", help="classify, regress, forecast or sequence [default: the data's].")
    ] = None,
    cell: Annotated[str, typer.Option("--cell", "-c", help="rnn, lstm or gru.")] = "lstm",
    hidden: Annotated[int, typer.Option("--hidden", help="Hidden units per layer.")] = 64,
    layers: Annotated[int, typer.Option("--layers", help="Stacked recurrent layers.")] = 1,
    bidirectional: Annotated[bool, typer.Option("--bidirectional")] = False,
    dropout: Annotated[float, typer.Option("--dropout")] = 0.0,
    embedding_dim: Annotated[int | None, typer.Option(
        "--embedding-dim", help="Embedding width for text data [default: 32].")] = None,
    epochs: Annotated[int, typer.Option("--epochs")] = 20,
    batch_size: Annotated[int, typer.Option("--batch-size")] = 32,
    learning_rate: Annotated[float | None, typer.Option(
        "--learning-rate", "--lr", help="[default: 0.001 for adam/rmsprop, 0.01 for sgd]")
    ] = None,
    optimizer: Annotated[str, typer.Option(
        "--optimizer", help="adam, sgd, sgdm or rmsprop.")] = "adam",
    engine: Annotated[str, typer.Option("--engine", help="torch or reference.")] = "torch",
    seed: Annotated[int, typer.Option("--seed")] = 0,
    val: Annotated[float | None, typer.Option(
        "--val", help="Fraction of the training data held out for validation [default: the "
                      "data's validation split, else 0.1; 0: none].")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Dataset or file-loader parameter KEY=VALUE (repeatable).")
    ] = None,
    progress: Annotated[bool, typer.Option(
        "--progress/--no-progress", help="Live progress bar.")] = True,
) -> None:
    """Train an RNN, LSTM or GRU on a dataset or your file, print test scores, save the model."""
    from rnnlab.commands.train_eval import train_command

    train_command(data, out=out, task=task, cell=cell, hidden=hidden, layers=layers,
                  bidirectional=bidirectional, dropout=dropout, embedding_dim=embedding_dim,
                  epochs=epochs, batch_size=batch_size, lr=learning_rate, optimizer=optimizer,
                  engine=engine, seed=seed, val=val, params=_params(param), progress=progress)


EVALUATE_EXAMPLE = """
Examples:

  rnnlab evaluate adding.safetensors adding

  rnnlab evaluate sales.safetensors sales.csv --split val
"""


@app.command(epilog=EVALUATE_EXAMPLE)
def evaluate(
    model: Annotated[Path, typer.Argument(help="Model file from `rnnlab train`.")],
    data: Annotated[str, typer.Argument(
        help="A built-in dataset or your file; the training parameters are reused when it is "
             "the data the model was trained on.")],
    split: Annotated[str, typer.Option("--split", help="train, val or test.")] = "test",
    task: Annotated[str | None, typer.Option(
        "--task", "-t", help="How to read a file: classify, regress, forecast or sequence.")
    ] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Dataset or file-loader parameter KEY=VALUE (repeatable).")
    ] = None,
) -> None:
    """Score a saved model: accuracy, per-class P/R/F1 and confusion matrix, or MSE/RMSE/MAE/R²."""
    from rnnlab.commands.train_eval import evaluate_command

    evaluate_command(model, data, task=task, split=split, params=_params(param))


PREDICT_EXAMPLE = """
Examples:

  rnnlab predict adding.safetensors adding --out predictions.csv

  rnnlab predict model.safetensors inputs.npz --out predictions.csv
"""


@app.command(epilog=PREDICT_EXAMPLE)
def predict(
    model: Annotated[Path, typer.Argument(help="Model file from `rnnlab train`.")],
    data: Annotated[str, typer.Argument(
        help=".npy (X), .npz (X, optional y, lengths), .csv (one sequence or text per row), "
             "or a built-in dataset (its --split).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV file to write.")] = Path(
        "predictions.csv"),
    split: Annotated[str, typer.Option(
        "--split", help="With a dataset: train, val or test.")] = "test",
    task: Annotated[str | None, typer.Option(
        "--task", "-t", help="How to read a data file: classify, regress, forecast or sequence.")
    ] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Dataset or file-loader parameter KEY=VALUE (repeatable).")
    ] = None,
) -> None:
    """Write a saved model's predictions (labels and class probabilities, or values) as CSV."""
    from rnnlab.commands.predict_cmd import predict_command

    predict_command(model, data, out=out, split=split, task=task, params=_params(param))


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
        "--prime", help="Text to start from [default: a new line].")] = "\n",
    length: Annotated[int, typer.Option(
        "--length", "-n", help="Tokens (characters) to generate.")] = 300,
    temperature: Annotated[float, typer.Option(
        "--temperature", help="Below 1: safer; above 1: wilder; 0: always the likeliest.")
    ] = 0.8,
    top_k: Annotated[int | None, typer.Option(
        "--top-k", help="Sample only among the k likeliest tokens [default: all].")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Makes the sample reproducible.")] = None,
) -> None:
    """Sample text from a character- or word-level model, printed as it is generated."""
    from rnnlab.commands.generate_cmd import generate_command

    generate_command(model, prime=prime, length=length, temperature=temperature, top_k=top_k,
                     seed=seed)


def _print_summary(console: Any, result: Any, counts: bool = False) -> None:
    from rich.markdown import Markdown
    from rich.table import Table

    table = Table(title="RNN vs LSTM vs GRU — test skill (1 = perfect, 0 = learned nothing)")
    for column in ("task", "cell", "hidden", "params", "skill (95% CI)", "s/epoch"):
        table.add_column(column, justify="left" if column in ("task", "cell") else "right")
    for g in result.analysis.groups:
        where = g.task if g.length is None else f"{g.task} T={g.length}"
        table.add_row(where, g.cell.upper(), str(g.hidden_size), str(g.num_parameters),
                      g.skill.text(), f"{g.time_per_epoch.mean:.3g}")
    console.print(table)
    if counts:
        line = f"{result.ran} runs done now, {result.skipped} found already done"
        if result.failed:
            line += f", [red]{result.failed} failed[/] (rerun the command to retry them)"
        console.print(f"{line} · {result.seconds:.0f} s")
    console.print(Markdown(result.recommendation))
    for name, path in result.reports.items():
        console.print(f"  {name}: {path}")


def _usage_error(error: BaseException) -> bool:
    # Usage errors of click (or of the click that newer typer versions vendor) both carry
    # ``format_message``; matching on it keeps the CLI working across typer versions.
    return hasattr(error, "format_message") and hasattr(error, "exit_code")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``rnnlab`` console script; returns the exit code."""
    from rnnlab.datasets.errors import DataError
    from rnnlab.study.errors import StudyError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"] or ["--help"]
    try:
        app(args=args, prog_name="rnnlab", standalone_mode=False)
    except typer.Exit as done:
        return int(getattr(done, "exit_code", 0) or 0)
    except (typer.Abort, KeyboardInterrupt):
        print("rnnlab: interrupted", file=sys.stderr)
        return 130
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
