r"""Training the seeds of one cell together as one stacked model, against one at a time.

Issue 13 asked for this to be measured: ``K`` independent models of the same cell, trained on
the same batches, can run as **one** layer ``K`` times wider whose weights are block-diagonal,
so that each step's ``K`` small products become one larger one.

**The stacked model.** Model ``k`` has ``W_ih`` ``(G·H, F)``, ``W_hh`` ``(G·H, H)`` and a
linear head ``(1, H)``. The stacked layer has ``K·H`` units and ``K·F`` inputs (the batch
repeated ``K`` times along the features); in gate ``g``'s rows ``[g·K·H, (g+1)·K·H)`` the rows
of model ``k`` are ``g·K·H + k·H + [0, H)``, and they see only columns ``k·F + [0, F)`` of
``W_ih`` and ``k·H + [0, H)`` of ``W_hh``; every other weight is 0. The head is block-diagonal
``(K, K·H)``. Because no block reads another, ``Σ_k loss_k`` has, in each block, exactly model
``k``'s gradient — but the off-block weights get gradients too (``dW_hh[i, j] = Σ dâ_i h_j``
for any ``i, j``), so they are masked to 0 after every backward. Adam is elementwise, and an
entry whose gradient is always 0 never moves (its moments stay 0), so stacked training *is*
``K`` separate trainings, up to the order of float additions.

**What it prints.**

* the check: per-seed training losses of every batch of one epoch, stacked against one at a
  time, in float64 (they must agree to 1e-9 relative), and the same without the mask (they
  must not: this shows the check can fail);
* the time of one epoch in float32 (2,000 sequences × 40 steps × 2 features of the adding
  problem, batch 32, Adam, MSE on a linear head on the last state, the quick suite's matched
  hidden sizes), ``K`` models one at a time against one stacked model, and the ratio.

Both sides are plain PyTorch loops on ``rnnlab.torch``'s layers (the kernels ``"auto"``
picks), so the ratio measures stacking alone. Medians and ranges of blocked runs, one torch
thread. ``python -m benchmarks stacked_seeds [--seeds K] [--rounds N]``.
"""

from __future__ import annotations

import argparse
from functools import partial

import numpy as np
import torch
from torch import nn

from benchmarks.arithmetic_floor import GATES
from benchmarks.machine import describe
from benchmarks.timing import blocked_times, summary
from rnnlab import torch as fast
from rnnlab.datasets.synthetic.adding import generate
from rnnlab.study.matching import matched_hidden_sizes

LAYERS = {"lstm": fast.LSTM, "gru": fast.GRU, "rnn": fast.RNN}
RELATIVE_TOLERANCE = 1e-9


def adding_problem(sequences: int, steps: int, seed: int,
                   dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """``x`` ``(N, T, 2)`` and ``y`` ``(N, 1)`` of rnnlab's adding problem
    (:func:`rnnlab.datasets.synthetic.adding.generate`), as tensors of ``dtype``."""
    x, y = generate(np.random.default_rng(seed), sequences, steps)
    return torch.tensor(x, dtype=dtype), torch.tensor(y, dtype=dtype)


class Single(nn.Module):
    """One model: a recurrent layer and a linear head on its last state."""

    def __init__(self, cell: str, features: int, hidden: int, seed: int,
                 dtype: torch.dtype) -> None:
        super().__init__()
        self.recurrent = LAYERS[cell](features, hidden, seed=seed, dtype=dtype)
        torch.manual_seed(seed)
        self.head = nn.Linear(hidden, 1, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y, _ = self.recurrent(x, validate=False)
        return self.head(y[:, -1])


class Stacked(nn.Module):
    """``K`` :class:`Single` models as one block-diagonal layer (see the module docstring).

    ``forward(x)`` takes the shared batch ``(B, T, F)`` and returns ``(B, K)``, column ``k``
    model ``k``'s prediction; :meth:`mask_gradients` zeroes the off-block gradients.
    """

    def __init__(self, cell: str, models: list[Single]) -> None:
        super().__init__()
        first = models[0].recurrent
        count, hidden, features = len(models), first.hidden_size, first.input_size
        dtype = first.weight_hh_l0.dtype
        self.count = count
        self.recurrent = LAYERS[cell](count * features, count * hidden, dtype=dtype)
        self.head = nn.Linear(count * hidden, count, dtype=dtype)
        self.masks: dict[str, torch.Tensor] = {}
        gates = GATES[cell]
        with torch.no_grad():
            for name, parameter in [*self.recurrent.named_parameters(),
                                    *(("head." + n, p) for n, p in self.head.named_parameters())]:
                parameter.zero_()
                self.masks[name] = torch.zeros_like(parameter)
            for k, model in enumerate(models):
                self._place(k, model, gates, hidden, features)
        parameters = {**dict(self.recurrent.named_parameters()),
                      **{"head." + n: p for n, p in self.head.named_parameters()}}
        # only the weights with off-block entries need masking (the biases are all in-block)
        self._masked = [(parameters[name], mask) for name, mask in self.masks.items()
                        if not bool(mask.all())]

    def _place(self, k: int, model: Single, gates: int, hidden: int, features: int) -> None:
        wide = self.count * hidden
        columns = {"weight_ih_l0": slice(k * features, (k + 1) * features),
                   "weight_hh_l0": slice(k * hidden, (k + 1) * hidden)}
        for name, value in model.recurrent.named_parameters():
            target = getattr(self.recurrent, name)
            for g in range(gates):
                rows = slice(g * wide + k * hidden, g * wide + (k + 1) * hidden)
                block = value[g * hidden:(g + 1) * hidden]
                if name in columns:
                    target[rows, columns[name]] = block
                    self.masks[name][rows, columns[name]] = 1.0
                else:
                    target[rows] = block
                    self.masks[name][rows] = 1.0
        own = slice(k * hidden, (k + 1) * hidden)
        self.head.weight[k, own] = model.head.weight[0]
        self.head.bias[k] = model.head.bias[0]
        self.masks["head.weight"][k, own] = 1.0
        self.masks["head.bias"][k] = 1.0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y, _ = self.recurrent(x.repeat(1, 1, self.count), validate=False)
        return self.head(y[:, -1])

    def mask_gradients(self) -> None:
        for parameter, mask in self._masked:
            parameter.grad.mul_(mask)


def batches(sequences: int, batch: int, seed: int) -> list[torch.Tensor]:
    order = torch.randperm(sequences, generator=torch.Generator().manual_seed(seed))
    return list(order.split(batch))


def epoch_one_at_a_time(models: list[Single], optimizers: list[torch.optim.Optimizer],
                        x: torch.Tensor, y: torch.Tensor,
                        order: list[torch.Tensor]) -> np.ndarray:
    """One epoch of each model in turn; returns the losses ``(batches, K)``."""
    losses = np.empty((len(order), len(models)))
    for k, (model, optimizer) in enumerate(zip(models, optimizers, strict=True)):
        for i, rows in enumerate(order):
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(x[rows]), y[rows])
            loss.backward()
            optimizer.step()
            losses[i, k] = loss.item()
    return losses


def epoch_stacked(model: Stacked, optimizer: torch.optim.Optimizer, x: torch.Tensor,
                  y: torch.Tensor, order: list[torch.Tensor], mask: bool = True) -> np.ndarray:
    """One epoch of the stacked model; loss ``Σ_k MSE_k``; returns the losses ``(batches, K)``."""
    losses = np.empty((len(order), model.count))
    for i, rows in enumerate(order):
        optimizer.zero_grad()
        per_seed = ((model(x[rows]) - y[rows]) ** 2).mean(dim=0)
        per_seed.sum().backward()
        if mask:
            model.mask_gradients()
        optimizer.step()
        losses[i] = per_seed.detach().numpy()
    return losses


def setup(cell: str, seeds: int, hidden: int, dtype: torch.dtype, learning_rate: float = 0.01):
    models = [Single(cell, 2, hidden, seed, dtype) for seed in range(seeds)]
    stacked = Stacked(cell, models)   # built before any model trains: the same start
    optimizers = [torch.optim.Adam(m.parameters(), lr=learning_rate) for m in models]
    return models, optimizers, stacked, torch.optim.Adam(stacked.parameters(), lr=learning_rate)


def loss_difference(cell: str, seeds: int = 3, hidden: int = 5, sequences: int = 96,
                    steps: int = 12, batch: int = 32, mask: bool = True) -> float:
    """Largest relative difference between the per-seed losses of one float64 epoch trained
    one at a time and stacked (``mask=False`` leaves the off-block gradients in)."""
    x, y = adding_problem(sequences, steps, seed=1, dtype=torch.float64)
    order = batches(sequences, batch, seed=2)
    models, optimizers, stacked, stacked_optimizer = setup(cell, seeds, hidden, torch.float64)
    separate = epoch_one_at_a_time(models, optimizers, x, y, order)
    together = epoch_stacked(stacked, stacked_optimizer, x, y, order, mask=mask)
    return float(np.max(np.abs(together - separate) / np.abs(separate)))


def measure(seeds: int, rounds: int) -> list[dict]:
    hidden = matched_hidden_sizes(("rnn", "lstm", "gru"), 2, 1, 16)
    x, y = adding_problem(2000, 40, seed=1, dtype=torch.float32)
    order = batches(2000, 32, seed=2)
    rows = []
    for cell in ("lstm", "gru", "rnn"):
        models, optimizers, stacked, stacked_optimizer = setup(cell, seeds, hidden[cell],
                                                               torch.float32)
        times = blocked_times(
            {"separate": partial(epoch_one_at_a_time, models, optimizers, x, y, order),
             "stacked": partial(epoch_stacked, stacked, stacked_optimizer, x, y, order)},
            repeats=1, rounds=rounds, warmup=1)
        rows.append({"cell": cell, "hidden": hidden[cell], "separate": summary(times["separate"]),
                     "stacked": summary(times["stacked"]),
                     "check": loss_difference(cell, seeds),
                     "unmasked": loss_difference(cell, seeds, mask=False)})
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks stacked_seeds",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3, help="models per stack (default 3)")
    parser.add_argument("--rounds", type=int, default=5, help="timed epochs per side")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(describe("stacked-seeds", "1 torch thread"))
    print(f"# one epoch, 2000×40×2, batch 32, {args.seeds} seeds, float32, s: median [range]; "
          f"check: float64 per-seed losses, stacked vs one at a time, max relative difference "
          f"(≤ {RELATIVE_TOLERANCE:g}); without the mask for contrast")
    print()
    print("| cell | hidden | one at a time | stacked | stacked / one at a time | check | "
          "unmasked |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    rows = measure(args.seeds, args.rounds)
    for row in rows:
        separate, stacked = row["separate"], row["stacked"]
        verdict = "✓" if row["check"] <= RELATIVE_TOLERANCE else "✗"
        print(f"| {row['cell']} | {row['hidden']} | {separate[0]:.2f} "
              f"[{separate[1]:.2f}–{separate[2]:.2f}] | {stacked[0]:.2f} "
              f"[{stacked[1]:.2f}–{stacked[2]:.2f}] | **{stacked[0] / separate[0]:.2f}** | "
              f"{row['check']:.1e} {verdict} | {row['unmasked']:.1e} |")
    return rows


if __name__ == "__main__":
    main()
