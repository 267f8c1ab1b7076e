"""``rnnlab.train`` against a plain hand-written PyTorch loop, and the epoch cost per cell.

**Loop overhead.** Both train the same classifier (``SequenceInput → LSTM/GRU/RNN → Dense →
Softmax``) from the same initial weights on the same data in the same batch order, with Adam
and one ``loss.item()`` per iteration, on the CPU. One timed call is one epoch:

* plain: ``for idx in batches: zero_grad; cross_entropy(model(X[idx]), y[idx]).backward();
  step; loss.item()``, where ``model`` is the recurrent layer a PyTorch user would write —
  ``rnnlab.torch.LSTM/GRU/RNN``, so both sides run the same kernels and the ratio measures the
  loop (``--plain-layer torch.nn`` puts ``torch.nn``'s layers in the plain loop instead);
* rnnlab: ``rnnlab.train(model, X, y, TrainingOptions(max_epochs=1, verbose=False))`` — the
  whole call, so input checks, engine set-up and history bookkeeping are all inside the time.

Sizes: ``small`` (2,000 sequences × 40 steps × 2 features, hidden 16, batch 32 — the quick
suite's data at equal width) and ``large`` (1,024 × 50 × 32, hidden 128, batch 64). Target
(issue 13): rnnlab / plain ≤ 1.10 for every cell at both.

**Epoch cost per cell.** One epoch of ``rnnlab.train`` at the quick suite's sizes (2,000 × 40 ×
2, batch 32, matched hidden sizes 16/19/34, regression) for the three cells, and for GRU and
RNN also on ``torch.nn`` (``kernels="torch"``, the old engine). Target: GRU and RNN ≤ 1.25 ×
the LSTM's epoch.

Medians of blocked runs (contenders in alternating blocks), one torch thread. Run with
``python -m benchmarks training_overhead`` (``--quick`` for fewer repeats).
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
import torch
from torch import nn

import rnnlab
from benchmarks.timing import blocked_times, summary
from rnnlab import torch as fast
from rnnlab.study.matching import matched_hidden_sizes
from rnnlab.torch.cpu_kernels import use_kernels

LAYERS = {"rnnlab": {"lstm": fast.LSTM, "gru": fast.GRU, "rnn": fast.RNN},
          "torch.nn": {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}}
SIZES = {"small": dict(sequences=2000, steps=40, features=2, hidden=16, batch=32),
         "large": dict(sequences=1024, steps=50, features=32, hidden=128, batch=64)}
CLASSES = 10


class PlainModel(nn.Module):
    """What one writes by hand: a recurrent layer and a linear head on the last hidden state."""

    def __init__(self, layer: type, features: int, hidden: int, classes: int) -> None:
        super().__init__()
        self.recurrent = layer(features, hidden, batch_first=True) if layer in \
            LAYERS["torch.nn"].values() else layer(features, hidden)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, state = self.recurrent(x)
        h_n = state[0] if isinstance(state, tuple) else state
        return self.head(h_n[-1])


def make_problem(size: dict, cell: str, plain_layer: str):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((size["sequences"], size["steps"], size["features"]))
    X = X.astype(np.float32)
    y = rng.integers(0, CLASSES, size["sequences"])
    model = rnnlab.build(cell, input_size=size["features"], hidden_size=size["hidden"],
                         output_size=CLASSES, task="classify", seed=0)
    plain = PlainModel(LAYERS[plain_layer][cell], size["features"], size["hidden"], CLASSES)
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


def loop_overhead(size: dict, cell: str, repeats: int, rounds: int,
                  plain_layer: str) -> dict[str, float]:
    X, y, model, plain = make_problem(size, cell, plain_layer)
    options = rnnlab.TrainingOptions(max_epochs=1, batch_size=size["batch"], learning_rate=1e-3,
                                     seed=0, verbose=False, restore_best=False, device="cpu")
    # Same work check: the first epoch of each from identical weights gives the same losses.
    plain_epoch, plain_losses = plain_epoch_function(plain, X, y, size["batch"], 0, 1e-3)
    plain_epoch()
    history = rnnlab.train(model, X, y, options)
    agreement = float(np.max(np.abs(np.array(history.iteration_loss) - plain_losses)
                             / np.abs(plain_losses)))

    def rnnlab_epoch() -> None:
        rnnlab.train(model, X, y, options)

    times = blocked_times({"plain": plain_epoch, "rnnlab": rnnlab_epoch}, repeats=repeats,
                          rounds=rounds, warmup=1)
    plain_s, rnnlab_s = summary(times["plain"])[0], summary(times["rnnlab"])[0]
    return {"plain": plain_s, "rnnlab": rnnlab_s, "ratio": rnnlab_s / plain_s,
            "agreement": agreement}


def epoch_costs(repeats: int, rounds: int) -> dict[str, list[float]]:
    """Seconds per epoch of ``rnnlab.train`` at the quick suite's sizes, per cell/kernels."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2000, 40, 2)).astype(np.float32)
    y = X[:, :, :1].sum(axis=1)
    hidden = matched_hidden_sizes(("rnn", "lstm", "gru"), 2, 1, 16)
    options = rnnlab.TrainingOptions(max_epochs=1, batch_size=32, learning_rate=0.01, seed=0,
                                     verbose=False, restore_best=False, device="cpu")
    functions = {}
    for cell, choice in (("lstm", "auto"), ("gru", "auto"), ("rnn", "auto"), ("gru", "torch"),
                         ("rnn", "torch")):
        model = rnnlab.build(cell, input_size=2, hidden_size=hidden[cell], output_size=1,
                             task="regress", seed=0)

        def epoch(model=model, choice=choice) -> None:
            with use_kernels(choice):
                rnnlab.train(model, X, y, options)

        functions[f"{cell}/{choice}"] = epoch
    return blocked_times(functions, repeats=repeats, rounds=rounds, warmup=1)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks training_overhead",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", default="lstm,gru,rnn")
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--plain-layer", choices=tuple(LAYERS), default="rnnlab")
    parser.add_argument("--quick", action="store_true", help="3 repeats × 2 rounds")
    args, _ = parser.parse_known_args(argv)  # flags meant for other benchmarks pass through
    if args.quick:
        args.repeats, args.rounds = 3, 2
    torch.set_num_threads(args.threads)
    print(f"training overhead: rnnlab.train vs a plain PyTorch loop on {args.plain_layer} "
          f"layers, one epoch, Adam; torch {torch.__version__}, {args.threads} thread(s), "
          f"{platform.machine()}")
    print("| size | cell | plain s/epoch | rnnlab s/epoch | ratio (≤ 1.10) | loss agreement |")
    print("|---|---|---:|---:|---:|---:|")
    results: dict = {"overhead": {}}
    for name in args.sizes.split(","):
        size = SIZES[name]
        label = f"{size['sequences']}×{size['steps']}×{size['features']}, H={size['hidden']}"
        for cell in args.cells.split(","):
            row = results["overhead"][(name, cell)] = loop_overhead(
                size, cell, args.repeats, args.rounds, args.plain_layer)
            print(f"| {label} | {cell} | {row['plain']:.4f} | {row['rnnlab']:.4f} | "
                  f"**{row['ratio']:.3f}** {'✓' if row['ratio'] <= 1.10 else '✗'} | "
                  f"{row['agreement']:.1e} |", flush=True)
    print()
    print("epoch of rnnlab.train at the quick suite's sizes (2000×40×2, batch 32, matched H)")
    print("| cell | kernels | s/epoch median [range] | ratio to the LSTM (≤ 1.25) |")
    print("|---|---|---:|---:|")
    times = results["epochs"] = epoch_costs(args.repeats, args.rounds)
    lstm = summary(times["lstm/auto"])[0]
    for key, values in times.items():
        cell, choice = key.split("/")
        middle, low, high = summary(values)
        ratio = middle / lstm
        mark = "" if cell == "lstm" or choice == "torch" else (" ✓" if ratio <= 1.25 else " ✗")
        kind = {"auto": "rnnlab (engine default)", "torch": "torch.nn"}[choice]
        if cell == "lstm":
            kind = "torch.nn / oneDNN (engine default)"
        print(f"| {cell} | {kind} | {middle:.3f} [{low:.3f}–{high:.3f}] | {ratio:.2f}{mark} |",
              flush=True)
    return results


if __name__ == "__main__":
    main()
