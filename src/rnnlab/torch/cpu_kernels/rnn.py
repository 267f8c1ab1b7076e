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
from rnnlab.torch.cpu_kernels.kernel import CellKernel, all_valid


@numba.njit(**JIT)
def rnn_forward_scan(xp, w_hh, h, lengths, reverse, relu, y, hprev):
    """One direction. ``xp`` ``(H, T, B)`` in: x̂, out: h'. ``h`` ``(H, B)`` in: h0, out: h_n.
    Writes ``y`` and ``hprev`` ``(H, T, B)``."""
    hidden = h.shape[0]
    steps, batch = xp.shape[1], xp.shape[2]
    zero = xp.dtype.type(0.0)
    recurrent = np.empty((hidden, batch), dtype=xp.dtype)
    for s in range(steps):
        t = steps - 1 - s if reverse else s
        np.dot(w_hh, h, recurrent)
        for j in range(hidden):
            a = recurrent[j]
            act = xp[j, t]
            if relu:
                for b in range(batch):
                    v = act[b] + a[b]
                    act[b] = v if v > zero else zero
            else:
                for b in range(batch):
                    act[b] = tanh(act[b] + a[b])
        for j in range(hidden):
            act = xp[j, t]
            hj = h[j]
            previous = hprev[j, t]
            out = y[j, t]
            for b in range(batch):
                previous[b] = hj[b]
                hj[b] = act[b]
                out[b] = act[b]
        if not all_valid(lengths, t):                                   # padding: keep h
            for j in range(hidden):
                for b in range(batch):
                    if t >= lengths[b]:
                        h[j, b] = hprev[j, t, b]
                        y[j, t, b] = zero


@numba.njit(**JIT)
def rnn_backward_scan(acts, w_hh_t, lengths, reverse, relu, dy, dh, dxp):
    """Backward of :func:`rnn_forward_scan`. ``dh`` ``(H, B)`` in: dL/dh_n, out: dL/dh0.
    Writes ``dxp`` ``(H, T, B)``; ``w_hh_t`` is ``W_hhᵀ``."""
    hidden = dh.shape[0]
    steps, batch = acts.shape[1], acts.shape[2]
    one, zero = acts.dtype.type(1.0), acts.dtype.type(0.0)
    d_pre = np.empty((hidden, batch), dtype=acts.dtype)
    d_h = np.empty((hidden, batch), dtype=acts.dtype)
    for s in range(steps):
        t = s if reverse else steps - 1 - s
        full = all_valid(lengths, t)
        for j in range(hidden):
            carried = dh[j]
            out = dy[j, t]
            act = acts[j, t]
            da = d_pre[j]
            if relu:
                for b in range(batch):
                    da[b] = (carried[b] + out[b]) if act[b] > zero else zero
            else:
                for b in range(batch):
                    da[b] = (carried[b] + out[b]) * (one - act[b] * act[b])
        if full:
            np.dot(w_hh_t, d_pre, dh)
        else:                               # padding: no gradient enters, dh passes through
            for j in range(hidden):
                for b in range(batch):
                    if t >= lengths[b]:
                        d_pre[j, b] = zero
            np.dot(w_hh_t, d_pre, d_h)
            for j in range(hidden):
                for b in range(batch):
                    if t < lengths[b]:
                        dh[j, b] = d_h[j, b]
        for j in range(hidden):
            dxp[j, t] = d_pre[j]


def _split_bias(b_ih, b_hh, hidden: int):
    """Both biases join the projection: ``b_ih + b_hh`` is all the step ever sees."""
    return b_ih + b_hh, b_hh[:0]


def _scans(relu: bool) -> CellKernel:
    def forward(xp, w_hh, inner_bias, states0, lengths, reverse, y):
        h = states0[0].copy()
        hprev = np.empty_like(y)
        rnn_forward_scan(xp, w_hh, h, lengths, reverse, relu, y, hprev)
        return (h,), hprev, xp

    def backward(acts, w_hh, lengths, reverse, dy, dfinals):
        dh = dfinals[0].copy()
        dxp = np.empty_like(acts)
        rnn_backward_scan(acts, np.ascontiguousarray(w_hh.T), lengths, reverse, relu, dy, dh,
                          dxp)
        return dxp, ((0, dxp),), (dh,)

    return CellKernel(gates=1, states=1, split_bias=_split_bias, forward=forward,
                      backward=backward)


TANH_KERNEL = _scans(relu=False)
RELU_KERNEL = _scans(relu=True)
