"""minGRU and minLSTM: the parallel scan against the step-by-step loop, per training step.

Both forms compute the same numbers (the tests hold them to 1e-6 in float32); this measures
what the parallel form (``⌈log₂ T⌉`` whole-array passes, :mod:`rnnlab.reference.linear_scan`,
:mod:`rnnlab.torch.linear_scan`) buys over a loop of ``T`` steps, in both engines. A training
step is forward and backward of one batch (``y.backward(dy)`` on torch, ``forward`` +
``backward`` on the reference engine) with the same weights and inputs, float32, batch first,
torch and NumPy's BLAS on one thread each, as the study's workers run them (on this 2-core
machine, shared, OpenBLAS's second thread made the parallel form's larger products up to 10×
slower, and the loop's small ones not at all).
Each figure is the median of ``--repeats`` runs, the two forms timed in alternating blocks
(``benchmarks.timing.blocked_medians``); the ratio is sequential / parallel, so > 1 means the
parallel form is faster. Run with ``python -m benchmarks scan_forms``.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from benchmarks.machine import describe
from benchmarks.timing import blocked_medians
from rnnlab import cells

LENGTHS = (64, 256, 1024)
BATCH, INPUTS, HIDDEN = 32, 16, 64


def reference_step(cell: str, scan: str, x: np.ndarray, dy: np.ndarray):
    model = cells.cell(cell).reference_class()(INPUTS, HIDDEN, seed=0, scan=scan)

    def step():
        model.forward(x)
        model.backward(dy)
    return step


def torch_step(cell: str, scan: str, x: np.ndarray, dy: np.ndarray):
    module = cells.cell(cell).torch_factory()(INPUTS, HIDDEN, seed=0, scan=scan)
    x_t, dy_t = torch.from_numpy(x), torch.from_numpy(dy)

    def step():
        module.zero_grad(set_to_none=True)
        y, _ = module(x_t.requires_grad_(), validate=False)
        y.backward(dy_t)
    return step


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks scan_forms", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per block")
    parser.add_argument("--lengths", default=",".join(map(str, LENGTHS)))
    args, _ = parser.parse_known_args(argv)
    lengths = [int(v) for v in args.lengths.split(",")]
    torch.set_num_threads(1)
    threadpool_limits(1)
    print(describe("scan forms", "torch and BLAS threads 1"))
    print(f"# batch {BATCH}, input {INPUTS}, hidden {HIDDEN}, float32; forward+backward, median "
          f"ms; ratio = sequential / parallel")
    print()
    print("| cell | engine | T | sequential | parallel | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    rng = np.random.default_rng(0)
    for cell in ("mingru", "minlstm"):
        for engine, make in (("reference", reference_step), ("torch", torch_step)):
            for steps in lengths:
                x = rng.standard_normal((BATCH, steps, INPUTS)).astype(np.float32)
                dy = rng.standard_normal((BATCH, steps, HIDDEN)).astype(np.float32)
                times = blocked_medians({scan: make(cell, scan, x, dy)
                                         for scan in ("sequential", "parallel")},
                                        repeats=args.repeats, rounds=2, warmup=1)
                print(f"| {cell} | {engine} | {steps} | {times['sequential'] * 1e3:.1f} | "
                      f"{times['parallel'] * 1e3:.1f} | "
                      f"**{times['sequential'] / times['parallel']:.1f}** |", flush=True)


if __name__ == "__main__":
    main()
