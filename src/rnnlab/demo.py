"""``python -m rnnlab.demo``: one LSTM trained on the adding problem by both engines.

``make demo`` runs the comparison study (``python -m rnnlab.study``); this smaller demo shows the
two engines instead. Both start from the same weights (same seed), see the same batches in the
same order and use the same optimiser through the one ``rnnlab.train`` loop, so their losses
agree to float32 rounding while their speeds differ. The adding problem's "learned nothing"
score is MSE 1/6 ≈ 0.167 (always predict 1).
"""

from __future__ import annotations

import argparse

import numpy as np

import rnnlab
from rnnlab import datasets


def train_on(engine: str, data, hidden: int, epochs: int, seed: int, report) -> float:
    """Train a fresh LSTM on ``engine`` and return its test MSE."""
    model = rnnlab.build("lstm", input_size=data.input_size, hidden_size=hidden, output_size=1,
                         task="regress", seed=seed)
    options = rnnlab.TrainingOptions(learning_rate=0.01, max_epochs=epochs, batch_size=32,
                                     gradient_clip=1.0, validation_data=data.val, seed=seed,
                                     engine=engine, verbose=False)
    history = rnnlab.train(model, *data.train, options)
    for epoch, (val_loss, seconds) in enumerate(zip(history.val_loss, history.epoch_time,
                                                    strict=True), start=1):
        report(engine, epoch, val_loss, seconds)
    return float(model.evaluate(*data.test)["mse"])


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="python -m rnnlab.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--length", type=int, default=30, help="sequence length T")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--n-train", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from rich.console import Console
    from rich.table import Table

    console = Console()
    data = datasets.load("adding", length=args.length, n_train=args.n_train, n_val=500,
                         n_test=500, seed=args.seed)
    baseline = data.baseline["mse"]
    console.print(f"[bold]rnnlab demo[/]: LSTM({args.hidden}) on the adding problem, "
                  f"T={args.length}, {args.n_train} training sequences; "
                  f"learned-nothing MSE = {baseline:.3f}")
    seconds: dict[str, list[float]] = {}

    def report(engine, epoch, val_mse, epoch_seconds):
        seconds.setdefault(engine, []).append(epoch_seconds)
        console.print(f"  {engine:9s} epoch {epoch:2d}  val MSE {val_mse:.4f}  "
                      f"({epoch_seconds:.2f} s)")

    test = {engine: train_on(engine, data, args.hidden, args.epochs, args.seed, report)
            for engine in ("reference", "torch")}

    table = Table(title="Same model, same data order, two engines")
    table.add_column("engine")
    table.add_column("test MSE", justify="right")
    table.add_column("vs learned-nothing", justify="right")
    table.add_column("median s/epoch", justify="right")
    for engine, mse in test.items():
        table.add_row(engine, f"{mse:.4f}", f"{mse / baseline:.1%}",
                      f"{float(np.median(seconds[engine])):.2f}")
    console.print(table)
    console.print("Both engines start from identical weights; small differences come from "
                  "float32 rounding in a different order of operations.")
    return test


if __name__ == "__main__":
    main()
