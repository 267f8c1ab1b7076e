"""``make demo``: train one small LSTM on the adding problem with both engines, side by side.

Both engines start from the same weights (same seed), see the same batches in the same order and
use the same optimiser, so their losses should agree to float32 rounding while their speeds
differ. The adding problem's "learned nothing" score is MSE 1/6 ≈ 0.167 (always predict 1).

Run with ``python -m rnnlab.demo [--length 30] [--epochs 8]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from rnnlab import datasets, reference


def _batches(n: int, batch_size: int, rng: np.random.Generator):
    order = rng.permutation(n)
    for first in range(0, n, batch_size):
        yield order[first:first + batch_size]


def train_reference(data, hidden: int, epochs: int, lr: float, seed: int, report):
    """Hand-written loop on the NumPy engine: forward, MSE, backward through time, Adam."""
    (x, y), (x_val, y_val) = data.train, data.val
    lstm = reference.LSTM(x.shape[2], hidden, seed=seed)
    head = reference.Dense(hidden, 1, seed=seed + 1)
    params = {**{f"rnn.{k}": v for k, v in lstm.params.items()},
              **{f"head.{k}": v for k, v in head.params.items()}}
    optimizer = reference.Adam(params, lr=lr)
    rng = np.random.default_rng(seed)

    def predict(inputs):
        out, _ = lstm.forward(inputs)
        return head.forward(out[:, -1])

    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        for rows in _batches(len(x), 32, rng):
            _, d_pred = reference.mean_squared_error(predict(x[rows]), y[rows])
            dy = np.zeros((len(rows), x.shape[1], hidden), dtype=np.float32)
            dy[:, -1] = head.backward(d_pred)
            lstm.backward(dy)
            grads = {**{f"rnn.{k}": v for k, v in lstm.grads.items()},
                     **{f"head.{k}": v for k, v in head.grads.items()}}
            reference.clip_grad_norm(grads, 1.0)
            optimizer.step(grads)
        seconds = time.perf_counter() - start
        report("reference", epoch, float(np.mean((predict(x_val) - y_val) ** 2)), seconds)
    return float(np.mean((predict(data.test[0]) - data.test[1]) ** 2))


def train_torch(data, hidden: int, epochs: int, lr: float, seed: int, report):
    """The same loop on the torch engine, from the same initial weights."""
    import torch

    from rnnlab import torch as fast

    (x, y), (x_val, y_val) = data.train, data.val
    lstm = fast.LSTM(x.shape[2], hidden, seed=seed)
    head = torch.nn.Linear(hidden, 1)
    reference_head = reference.Dense(hidden, 1, seed=seed + 1)  # same start as the NumPy run
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(reference_head.params["weight"]))
        head.bias.copy_(torch.from_numpy(reference_head.params["bias"]))
    parameters = list(lstm.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(parameters, lr=lr)
    rng = np.random.default_rng(seed)
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(y)

    def predict(inputs):
        out, _ = lstm(inputs, validate=False)
        return head(out[:, -1])

    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        for rows in _batches(len(x), 32, rng):
            index = torch.from_numpy(rows)
            loss = torch.nn.functional.mse_loss(predict(x_t[index]), y_t[index])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, 1.0)
            optimizer.step()
        seconds = time.perf_counter() - start
        with torch.no_grad():
            val = float(torch.mean((predict(torch.from_numpy(x_val)) - torch.from_numpy(y_val))
                                   ** 2))
        report("torch", epoch, val, seconds)
    with torch.no_grad():
        prediction = predict(torch.from_numpy(data.test[0])).numpy()
    return float(np.mean((prediction - data.test[1]) ** 2))


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
    curves: dict[tuple[str, int], tuple[float, float]] = {}

    def report(engine, epoch, val_mse, seconds):
        curves[engine, epoch] = (val_mse, seconds)
        console.print(f"  {engine:9s} epoch {epoch:2d}  val MSE {val_mse:.4f}  ({seconds:.2f} s)")

    test = {}
    for engine, trainer in (("reference", train_reference), ("torch", train_torch)):
        test[engine] = trainer(data, args.hidden, args.epochs, 0.01, args.seed, report)

    table = Table(title="Same model, same data order, two engines")
    table.add_column("engine")
    table.add_column("test MSE", justify="right")
    table.add_column("vs learned-nothing", justify="right")
    table.add_column("median s/epoch", justify="right")
    for engine, mse in test.items():
        seconds = float(np.median([s for (e, _), (_, s) in curves.items() if e == engine]))
        table.add_row(engine, f"{mse:.4f}", f"{mse / baseline:.1%}", f"{seconds:.2f}")
    console.print(table)
    console.print("Both engines start from identical weights; small differences come from "
                  "float32 rounding in a different order of operations.")
    return test


if __name__ == "__main__":
    main()
