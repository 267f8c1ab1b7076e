"""Reference (NumPy) engine against ``torch.nn`` on the same machine, in the same run.

For each cell and size it prints the median of ``--repeats`` runs of the forward pass and of
forward + backward, the ratio reference/torch, and the reference engine's achieved GFLOP/s next
to NumPy's own float32 matmul rate. Run with ``python -m benchmarks engines``.

Conventions, so the comparison is fair:

* both engines compute in float32 with the same weights and inputs, batch first;
* torch's forward is timed under ``torch.no_grad()`` (what inference uses); its forward+backward
  builds the graph and backpropagates ``dy`` to the parameters *and* the input, as ours does;
* the contenders are timed in turn within each round (see ``blocked_medians``);
* both use their default thread pools on this machine (OpenBLAS for NumPy, ATen/oneDNN for torch);
* "torch" is ``torch.nn`` itself (``kernels="torch"``), the baseline these figures have always
  used; rnnlab's own CPU kernels for the torch engine are measured by ``benchmarks.kernels``.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from benchmarks.machine import describe
from benchmarks.timing import blocked_medians, median_seconds
from rnnlab import reference
from rnnlab.convert import to_torch

SIZES = [  # (batch, time, input, hidden)
    (64, 100, 32, 128),
    (1, 100, 32, 128),
    (32, 50, 64, 256),
]
GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def matmul_flops(cell: str, batch: int, steps: int, inputs: int, hidden: int) -> tuple[int, int]:
    """Multiply-add FLOPs of the gate matmuls: forward, and backward (dW_ih, dx, dW_hh, dh)."""
    forward = 2 * batch * steps * GATES[cell] * hidden * (inputs + hidden)
    return forward, 2 * forward


def numpy_matmul_gflops(size: int = 1024, repeats: int = 7) -> float:
    a = np.random.default_rng(0).standard_normal((size, size)).astype(np.float32)
    b = a.T.copy()
    seconds = median_seconds(lambda: a @ b, repeats)
    return 2 * size**3 / seconds / 1e9


def measure(cell: str, size: tuple[int, int, int, int], repeats: int) -> dict[str, float]:
    batch, steps, inputs, hidden = size
    rng = np.random.default_rng(0)
    slow = getattr(reference, cell.upper())(inputs, hidden, seed=0)
    fast = to_torch(slow)
    fast.kernels = "torch"
    x = rng.standard_normal((batch, steps, inputs)).astype(np.float32)
    dy = rng.standard_normal((batch, steps, hidden)).astype(np.float32)
    x_t, dy_t = torch.from_numpy(x), torch.from_numpy(dy)

    def reference_forward():
        slow.forward(x)

    def reference_both():
        slow.forward(x)
        slow.backward(dy)

    def torch_forward():
        with torch.no_grad():
            fast(x_t, validate=False)

    def torch_both():
        xg = x_t.detach().requires_grad_()
        y, _ = fast(xg, validate=False)
        y.backward(dy_t)

    result = blocked_medians({"ref_fwd": reference_forward, "torch_fwd": torch_forward},
                                 repeats)
    result.update(blocked_medians({"ref_both": reference_both, "torch_both": torch_both},
                                      repeats))
    forward_flops, backward_flops = matmul_flops(cell, batch, steps, inputs, hidden)
    result["ref_gflops"] = (forward_flops + backward_flops) / result["ref_both"] / 1e9
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks engines", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per figure (median)")
    parser.add_argument("--cells", default="rnn,lstm,gru")
    args, _ = parser.parse_known_args(argv)  # flags meant for other benchmarks pass through
    peak = numpy_matmul_gflops()
    print(describe("engines", f"torch threads {torch.get_num_threads()}"))
    print(f"# NumPy float32 matmul (1024³): {peak:.1f} GFLOP/s; medians of {args.repeats} runs, ms")
    print()
    print("| cell | batch×time×in×hidden | ref fwd | torch fwd | ratio | ref fwd+bwd | "
          "torch fwd+bwd | ratio | ref GFLOP/s (% of matmul) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for size in SIZES:
        for cell in args.cells.split(","):
            r = measure(cell, size, args.repeats)
            print(f"| {cell} | {'×'.join(map(str, size))} | {r['ref_fwd'] * 1e3:.2f} | "
                  f"{r['torch_fwd'] * 1e3:.2f} | {r['ref_fwd'] / r['torch_fwd']:.2f} | "
                  f"{r['ref_both'] * 1e3:.2f} | {r['torch_both'] * 1e3:.2f} | "
                  f"**{r['ref_both'] / r['torch_both']:.2f}** | "
                  f"{r['ref_gflops']:.1f} ({100 * r['ref_gflops'] / peak:.0f}%) |", flush=True)


if __name__ == "__main__":
    main()
