r"""The arithmetic floor of one recurrent layer's forward + backward: its matrix products alone.

Whatever else an implementation does (activations, copies, autograd), a forward + backward of
one layer with ``G`` gates (RNN 1, GRU 3, LSTM 4) over ``T`` steps of a batch ``B``, ``I``
inputs and ``H`` units multiplies these matrices, and nothing in it can take less time than
they do on the machine's BLAS::

    x̂   = X W_ihᵀ                    (T·B, I) @ (I, G·H)        once
    r_t = h_{t-1} W_hhᵀ               (B, H) @ (H, G·H)           T times, one after another
    dh  = dÂ_t W_hh                   (B, G·H) @ (G·H, H)         T times, one after another
    dW_ih = dx̂ᵀ X   dW_hh = dÂᵀ Hprev   dX = dx̂ W_ih             once each

:func:`floor_function` returns a function that runs exactly these products, either on the BLAS
the fused kernels call (SciPy's OpenBLAS, from numba, one thread) or in torch (its MKL, with a
Python loop over the steps: a few µs per call of overhead, so that floor is slightly high). The
kernels benchmark reports the lower of the two: when it exceeds half of ``torch.nn``'s time,
the ``≤ 0.5 × torch.nn`` target is below what this machine's BLAS can do, for any implementation
that does the same arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable

import numba
import numpy as np
import torch

from rnnlab.torch.cpu_kernels import gru, lstm, rnn
from rnnlab.torch.cpu_kernels.jit import JIT, single_threaded_blas

#: Gate blocks per cell, as the fused kernels compute them.
GATES = {"rnn": rnn.TANH_KERNEL.gates, "gru": gru.KERNEL.gates, "lstm": lstm.KERNEL.gates}


@numba.njit(**JIT)
def _products_on_scan_blas(X, w_ih_t, w_hh_t, w_hh, w_ih, da, hprev, xp, recurrent, dh,
                           dw_ih, dw_hh, dx):
    """The products of the module docstring on numba's BLAS; ``da`` is ``(T, B, G·H)``."""
    np.dot(X, w_ih_t, xp)
    for t in range(da.shape[0]):
        np.dot(hprev[t], w_hh_t, recurrent)
    for t in range(da.shape[0]):
        np.dot(da[t], w_hh, dh)
    flat = da.reshape(X.shape[0], da.shape[2])
    np.dot(flat.T, X, dw_ih)
    np.dot(flat.T, hprev.reshape(X.shape[0], hprev.shape[2]), dw_hh)
    np.dot(flat, w_ih, dx)


def floor_function(cell: str, batch: int, steps: int, inputs: int, hidden: int,
                   library: str) -> Callable[[], None]:
    """A function running the products of one forward + backward of ``cell`` on ``library``
    (``"scan-blas"`` or ``"torch"``), on random float32 operands of the right shapes."""
    rng = np.random.default_rng(0)
    width = GATES[cell] * hidden

    def random(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape, dtype=np.float32)

    X, da, hprev = random(steps * batch, inputs), random(steps, batch, width), random(
        steps, batch, hidden)
    w_ih, w_hh = random(width, inputs), random(width, hidden)
    if library == "scan-blas":
        single_threaded_blas()
        w_ih_t, w_hh_t = np.ascontiguousarray(w_ih.T), np.ascontiguousarray(w_hh.T)
        outputs = (np.empty((steps * batch, width), np.float32),
                   np.empty((batch, width), np.float32), np.empty((batch, hidden), np.float32),
                   np.empty((width, inputs), np.float32), np.empty((width, hidden), np.float32),
                   np.empty((steps * batch, inputs), np.float32))

        def run_scan_blas() -> None:
            _products_on_scan_blas(X, w_ih_t, w_hh_t, w_hh, w_ih, da, hprev, *outputs)

        return run_scan_blas
    if library != "torch":
        raise ValueError(f"library must be 'scan-blas' or 'torch', got {library!r}")
    tX, tda, thprev = torch.from_numpy(X), torch.from_numpy(da), torch.from_numpy(hprev)
    tw_ih, tw_hh = torch.from_numpy(w_ih), torch.from_numpy(w_hh)
    flat, previous = tda.view(steps * batch, width), thprev.view(steps * batch, hidden)

    def run_torch() -> None:
        torch.mm(tX, tw_ih.t())
        for t in range(steps):
            torch.mm(thprev[t], tw_hh.t())
        for t in range(steps):
            torch.mm(tda[t], tw_hh)
        torch.mm(flat.t(), tX)
        torch.mm(flat.t(), previous)
        torch.mm(flat, tw_ih)

    return run_torch
