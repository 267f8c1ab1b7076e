"""On a CUDA GPU: the cuDNN path of the torch engine against the CPU kernels, and its speed.

Not part of ``make bench`` (the project's machines have no GPU); run it where one is, with
``python -m benchmarks.gpu`` (about a minute). It prints:

1. **Parity** — for every cell (RNN tanh/relu, GRU, LSTM), float32 and float64, two
   bidirectional layers with variable lengths and an initial state: outputs, final states and
   every gradient of ``rnnlab.torch``'s layer on ``cuda`` (``torch.nn`` → cuDNN) against the
   same layer on the CPU (rnnlab's fused kernels, ``kernels="rnnlab"``), as relative errors,
   with the tolerances of the CPU parity tests (1e-10 in float64; 1e-5 in float32 — cuDNN's
   float32 may use TF32 products unless disabled, which this script does).
2. **Timing** — forward + backward (float32) on the GPU at the sizes of the CPU benchmark
   (``benchmarks.kernels``), medians of blocked runs with ``torch.cuda.synchronize``.
3. **Quick suite** — the quick suite's wall time with ``device="cuda"`` is not measured here:
   studies pin their runs to the CPU (``study/runner.py`` trains with ``device="cpu"``).
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
import torch

from rnnlab import torch as fast
from rnnlab.study.matching import matched_hidden_sizes

CELLS = {"rnn": fast.RNN, "relu": fast.RNN, "gru": fast.GRU, "lstm": fast.LSTM}
TOLERANCE = {torch.float64: 1e-10, torch.float32: 1e-5}


def relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a.detach().double().cpu(), b.detach().double().cpu()
    return float((a - b).norm() / max(float(a.norm() + b.norm()), 1e-300))


def outputs_and_gradients(layer, x, states, lengths, device):
    layer = layer.to(device)
    layer.kernels = "rnnlab" if device == "cpu" else "auto"   # auto on a GPU: cuDNN
    x = x.to(device).requires_grad_()
    states = [s.to(device).requires_grad_() for s in states]
    layer.zero_grad()
    y, final = layer(x, tuple(states) if len(states) == 2 else states[0], lengths)
    finals = final if isinstance(final, tuple) else (final,)
    generator = torch.Generator().manual_seed(2)
    loss = (y * torch.randn(y.shape, generator=generator, dtype=y.dtype).to(device)).sum()
    for value in finals:
        weights = torch.randn(value.shape, generator=generator, dtype=y.dtype).to(device)
        loss = loss + (value * weights).sum()
    loss.backward()
    result = {"y": y, **{f"final{k}": v for k, v in enumerate(finals)}, "x": x.grad,
              **{f"state{k}": s.grad for k, s in enumerate(states)}}
    result.update({name: p.grad for name, p in layer.named_parameters()})
    return {k: v.detach().cpu().clone() for k, v in result.items()}


def parity() -> bool:
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    ok = True
    print("| cell | dtype | worst relative error (output, state or gradient) | tolerance |")
    print("|---|---|---:|---:|")
    for cell, cls in CELLS.items():
        for dtype in (torch.float32, torch.float64):
            extra = {"nonlinearity": "relu"} if cell == "relu" else {}
            layer = cls(3, 6, 2, True, dtype=dtype, seed=0, **extra)
            generator = torch.Generator().manual_seed(1)
            x = torch.randn(5, 8, 3, generator=generator, dtype=dtype)
            states = [0.5 * torch.randn(4, 5, 6, generator=generator, dtype=dtype)
                      for _ in range(2 if cell == "lstm" else 1)]
            lengths = np.array([8, 1, 5, 3, 7])
            cpu = outputs_and_gradients(layer, x, states, lengths, "cpu")
            gpu = outputs_and_gradients(layer, x, states, lengths, "cuda")
            worst = max(relative_error(cpu[k], gpu[k]) for k in cpu)
            ok &= worst < TOLERANCE[dtype]
            print(f"| {cell} | {str(dtype).split('.')[-1]} | {worst:.1e} | "
                  f"{TOLERANCE[dtype]:.0e} |", flush=True)
    return ok


def timing(repeats: int = 20, rounds: int = 3) -> None:
    sizes = [(32, 40, 2, matched_hidden_sizes(("rnn", "lstm", "gru"), 2, 1, 16)),
             (32, 40, 2, dict.fromkeys(("rnn", "lstm", "gru"), 128)),
             (64, 100, 32, dict.fromkeys(("rnn", "lstm", "gru"), 128))]
    print()
    print("| batch×time×in | cell | hidden | cuDNN fwd+bwd ms, median [range] |")
    print("|---|---|---:|---:|")
    for batch, steps, inputs, hidden in sizes:
        for cell in ("lstm", "gru", "rnn"):
            layer = CELLS[cell](inputs, hidden[cell], seed=0, device="cuda")
            x = torch.randn(batch, steps, inputs, device="cuda")
            dy = torch.randn(batch, steps, hidden[cell], device="cuda")
            times = []
            for _ in range(rounds):
                for _ in range(3):
                    layer(x.requires_grad_(), validate=False)[0].backward(dy)
                torch.cuda.synchronize()
                for _ in range(repeats):
                    start = time.perf_counter()
                    y, _ = layer(x.detach().requires_grad_(), validate=False)
                    y.backward(dy)
                    torch.cuda.synchronize()
                    times.append(time.perf_counter() - start)
            print(f"| {batch}×{steps}×{inputs} | {cell} | {hidden[cell]} | "
                  f"{statistics.median(times) * 1e3:.3f} [{min(times) * 1e3:.3f}–"
                  f"{max(times) * 1e3:.3f}] |", flush=True)


def main() -> int:
    if not torch.cuda.is_available():
        print("no CUDA GPU here: this benchmark needs one", file=sys.stderr)
        return 2
    print(f"# GPU check: {torch.cuda.get_device_name()}, torch {torch.__version__}, "
          f"cuDNN {torch.backends.cudnn.version()}")
    ok = parity()
    timing()
    print()
    print("cuDNN parity: " + ("all within tolerance" if ok else "SOME OUTSIDE TOLERANCE"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
