r"""The vanilla RNN's fused scans (PyTorch's equation, tanh or relu).

Forward, for every step ``t``::

    h' = φ(x̂ + W_hh h)        x̂ = W_ih x_t + b_ih + b_hh, computed for all steps before the scan

Backward, from ``g = dL/dh'``::

    dâ = g ⊙ φ'        with tanh' = 1 − h'², relu' = [h' > 0]
    dL/dh = W_hhᵀ dâ

The scans overwrite ``x̂`` with ``h'`` (the forward cache; the padding's columns keep their
computed values, which the backward never reads) and return ``dâ`` as ``dL/dx̂``, which is also
the gradient of ``W_hh h + b_hh``.
"""

from __future__ import annotations

import numba
import numpy as np

from rnnlab.torch.cpu_kernels.jit import JIT, tanh
from rnnlab.torch.cpu_kernels.kernel import (
    CellKernel,
    add_output_gradient,
    all_valid,
    flat,
    hold_padded_rows,
    zero_padded_rows,
)


@numba.njit(**JIT)
def rnn_forward_scan(xp, w_t, h, lengths, reverse, relu, y, hprev):
    """One direction. ``xp`` ``(1, T, B, H)`` in: x̂, out: h'. ``w_t`` is ``W_hhᵀ``. ``h``
    ``(B, H)`` in: h0, out: h_n. Writes ``y`` and ``hprev`` ``(T, B, H)``."""
    steps, batch, hidden = xp.shape[1], xp.shape[2], xp.shape[3]
    zero = xp.dtype.type(0.0)
    recurrent = np.empty((batch, hidden), dtype=xp.dtype)
    rec, h_f = flat(recurrent), flat(h)
    for s in range(steps):
        t = steps - 1 - s if reverse else s
        np.dot(h, w_t, recurrent)
        act = flat(xp[0, t])
        if relu:
            for i in range(act.shape[0]):
                v = act[i] + rec[i]
                act[i] = zero if v < zero else v          # NaN stays NaN, as in torch.relu
        else:
            for i in range(act.shape[0]):
                act[i] = tanh(act[i] + rec[i])
        previous, out = flat(hprev[t]), flat(y[t])
        for i in range(h_f.shape[0]):
            previous[i] = h_f[i]
            h_f[i] = act[i]
            out[i] = act[i]
        if not all_valid(lengths, t):                                   # padding: keep h
            hold_padded_rows(lengths, t, h, hprev[t])
            zero_padded_rows(lengths, t, y[t])


@numba.njit(**JIT)
def rnn_backward_scan(acts, w, lengths, reverse, relu, dy, dy_batch_first, dh, dxp):
    """Backward of :func:`rnn_forward_scan`. ``w`` is ``W_hh``. ``dh`` ``(B, H)`` in:
    dL/dh_n, out: dL/dh0. ``dy`` as :func:`~.kernel.add_output_gradient` reads it. Writes
    ``dxp`` ``(1, T, B, H)``."""
    steps, batch, hidden = acts.shape[1], acts.shape[2], acts.shape[3]
    one, zero = acts.dtype.type(1.0), acts.dtype.type(0.0)
    product = np.empty((batch, hidden), dtype=acts.dtype)
    for s in range(steps):
        t = s if reverse else steps - 1 - s
        add_output_gradient(dh, dy, dy_batch_first, t, dxp[0, t])
        act, da = flat(acts[0, t]), flat(dxp[0, t])
        if relu:
            for i in range(da.shape[0]):
                da[i] = da[i] if act[i] > zero else zero
        else:
            for i in range(da.shape[0]):
                da[i] *= one - act[i] * act[i]
        if all_valid(lengths, t):
            np.dot(dxp[0, t], w, dh)
        else:                               # padding: no gradient enters, dh passes through
            for b in range(batch):
                if t >= lengths[b]:
                    dxp[0, t, b] = zero
            np.dot(dxp[0, t], w, product)
            for b in range(batch):
                if t < lengths[b]:
                    dh[b] = product[b]


def _split_bias(b_ih, b_hh, hidden: int):
    """Both biases join the projection: ``b_ih + b_hh`` is all the step ever sees."""
    return b_ih + b_hh, b_hh[:0]


def _scans(relu: bool) -> CellKernel:
    def forward(xp, w_hh, inner_bias, states0, lengths, reverse, y):
        h = states0[0].copy()
        hprev = np.empty_like(y)
        rnn_forward_scan(xp, np.ascontiguousarray(w_hh.T), h, lengths, reverse, relu, y, hprev)
        return (h,), hprev, xp

    def backward(acts, w_hh, lengths, reverse, dy, dy_batch_first, dfinals):
        dh = dfinals[0].copy()
        dxp = np.empty_like(acts)
        rnn_backward_scan(acts, w_hh, lengths, reverse, relu, dy, dy_batch_first, dh, dxp)
        return dxp, dxp, (dh,)

    return CellKernel(gates=1, states=1, split_bias=_split_bias, forward=forward,
                      backward=backward)


TANH_KERNEL = _scans(relu=False)
RELU_KERNEL = _scans(relu=True)
