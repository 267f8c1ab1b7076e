"""``rnnlab.train`` against a plain hand-written PyTorch loop: what does the loop cost?

Both train the same classifier (``SequenceInput → LSTM/GRU → Dense → Softmax``) from the same
initial weights on the same data in the same batch order, with Adam and one ``loss.item()`` per
iteration, on the torch engine. One timed call is one epoch:

* plain: ``for idx in batches: zero_grad; cross_entropy(model(X[idx]), y[idx]).backward();
  step; loss.item()``;
* rnnlab: ``rnnlab.train(model, X, y, TrainingOptions(max_epochs=1, verbose=False))`` — the whole
  call, so input checks, engine set-up and history bookkeeping are all inside the time.

Medians come from :func:`benchmarks.timing.blocked_medians` (contenders in alternating blocks).
The target is a ratio rnnlab / plain ≤ 1.10. Run with ``python -m benchmarks training_overhead``
(``--quick`` for a smaller run, ``--threads N`` for torch's thread count; default 1, the fastest
and the steadiest for models this size on a shared 2-core machine).
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
import torch
from torch import nn

import rnnlab
from benchmarks.timing import blocked_medians

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class PlainModel(nn.Module):
    """What one writes by hand: a recurrent layer and a linear head on the last hidden state."""

    def __init__(self, cell: str, features: int, hidden: int, classes: int) -> None:
        super().__init__()
        self.recurrent = CELLS[cell](features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, state = self.recurrent(x)
        h_n = state[0] if isinstance(state, tuple) else state
        return self.head(h_n[-1])


def make_problem(args, cell: str):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.sequences, args.steps, args.features)).astype(np.float32)
    y = rng.integers(0, args.classes, args.sequences)
    model = rnnlab.build(cell, input_size=args.features, hidden_size=args.hidden,
                         output_size=args.classes, task="classify", seed=0)
    plain = PlainModel(cell, args.features, args.hidden, args.classes)
    with torch.no_grad():
        for name, parameter in plain.recurrent.named_parameters():
            parameter.copy_(torch.from_numpy(model.params[f"1.{name}"]))
        plain.head.weight.copy_(torch.from_numpy(model.params["2.weight"]))
        plain.head.bias.copy_(torch.from_numpy(model.params["2.bias"]))
    return X, y, model, plain


def plain_epoch_function(plain: nn.Module, X: np.ndarray, y: np.ndarray, batch_size: int,
                         seed: int, learning_rate: float):
    """One epoch of the hand-written loop, with rnnlab's batch order for ``seed``."""
    inputs, targets = torch.from_numpy(X), torch.from_numpy(y)
    optimizer = torch.optim.Adam(plain.parameters(), lr=learning_rate)
    losses: list[float] = []

    def epoch() -> None:
        order = np.random.default_rng(seed).permutation(len(X))   # rnnlab's shuffle
        for start in range(0, len(X), batch_size):
            rows = torch.from_numpy(order[start:start + batch_size])
            optimizer.zero_grad(set_to_none=True)
            loss = nn.functional.cross_entropy(plain(inputs[rows]), targets[rows])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())

    return epoch, losses


def measure(args, cell: str) -> dict[str, float]:
    X, y, model, plain = make_problem(args, cell)
    options = rnnlab.TrainingOptions(max_epochs=1, batch_size=args.batch, learning_rate=1e-3,
                                     seed=0, verbose=False, restore_best=False)
    # Same work check: the first epoch of each from identical weights gives the same losses.
    plain_epoch, plain_losses = plain_epoch_function(plain, X, y, args.batch, 0, 1e-3)
    plain_epoch()
    history = rnnlab.train(model, X, y, options)
    agreement = float(np.max(np.abs(np.array(history.iteration_loss) - plain_losses)
                             / np.abs(plain_losses)))

    def rnnlab_epoch() -> None:
        rnnlab.train(model, X, y, options)

    medians = blocked_medians({"plain": plain_epoch, "rnnlab": rnnlab_epoch},
                              repeats=args.repeats, rounds=args.rounds, warmup=1)
    return {"plain": medians["plain"], "rnnlab": medians["rnnlab"],
            "ratio": medians["rnnlab"] / medians["plain"], "agreement": agreement}


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks training_overhead")
    parser.add_argument("--cells", default="lstm,gru")
    parser.add_argument("--sequences", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--features", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="256 sequences, 3×2 epochs")
    args, _ = parser.parse_known_args(argv)  # flags meant for other benchmarks pass through
    if args.quick:
        args.sequences, args.repeats, args.rounds = 256, 3, 2
    torch.set_num_threads(args.threads)
    print(f"training overhead: rnnlab.train vs a plain PyTorch loop, one epoch of "
          f"{args.sequences} sequences × {args.steps} steps × {args.features} features, hidden "
          f"{args.hidden}, batch {args.batch}, Adam; torch {torch.__version__}, "
          f"{args.threads} thread(s), {platform.machine()}")
    print(f"{'cell':<6}{'plain s/epoch':>15}{'rnnlab s/epoch':>16}{'ratio':>8}"
          f"{'loss agreement':>16}")
    results = {}
    for cell in args.cells.split(","):
        row = results[cell] = measure(args, cell)
        verdict = "ok" if row["ratio"] <= 1.10 else "over target 1.10"
        print(f"{cell:<6}{row['plain']:>15.4f}{row['rnnlab']:>16.4f}{row['ratio']:>8.3f}"
              f"{row['agreement']:>16.1e}  {verdict}")
    return results


if __name__ == "__main__":
    main()
