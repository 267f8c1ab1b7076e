r"""The LSTM's fused scans (PyTorch's equations, gates i, f, g, o).

Forward, for every step ``t``::

    [î, f̂, ĝ, ô] = x̂ + W_hh h        x̂ = W_ih x_t + b_ih + b_hh, for all steps before the scan
    i, f, o = σ(î), σ(f̂), σ(ô)       g = tanh(ĝ)
    c' = f ⊙ c + i ⊙ g               h' = o ⊙ tanh(c')

Backward, from ``g_h = dL/dh'`` and the carried ``dL/dc'``::

    dc' = dL/dc' + g_h ⊙ o ⊙ (1 − tanh²(c'))
    dô = g_h ⊙ tanh(c') ⊙ o(1 − o)      dî = dc' ⊙ g ⊙ i(1 − i)
    dĝ = dc' ⊙ i ⊙ (1 − g²)             df̂ = dc' ⊙ c ⊙ f(1 − f)
    dL/dc = dc' ⊙ f                     dL/dh = W_hhᵀ [dî; df̂; dĝ; dô]

The scans overwrite ``x̂`` with ``i, f, g, o`` and keep ``c_{t−1}``, ``tanh(c_t)`` and
``h_{t−1}`` in ``(H, T, B)`` arrays; ``dL/dx̂`` is also the gradient of ``W_hh h + b_hh``.
"""

from __future__ import annotations

import numba
import numpy as np

from rnnlab.torch.cpu_kernels.jit import JIT, sigmoid, tanh
from rnnlab.torch.cpu_kernels.kernel import CellKernel, all_valid


@numba.njit(**JIT)
def lstm_forward_scan(xp, w_hh, h, c, lengths, reverse, y, hprev, cprev, tanh_c):
    """One direction. ``xp`` ``(4H, T, B)`` in: x̂, out: i, f, g, o. ``h``, ``c`` ``(H, B)``
    in: h0, c0, out: h_n, c_n. Writes ``y``, ``hprev``, ``cprev``, ``tanh_c`` ``(H, T, B)``."""
    hidden = h.shape[0]
    steps, batch = xp.shape[1], xp.shape[2]
    zero = xp.dtype.type(0.0)
    recurrent = np.empty((4 * hidden, batch), dtype=xp.dtype)
    for s in range(steps):
        t = steps - 1 - s if reverse else s
        np.dot(w_hh, h, recurrent)
        for j in range(4 * hidden):
            a = recurrent[j]
            gate = xp[j, t]
            if 2 * hidden <= j < 3 * hidden:                            # g
                for b in range(batch):
                    gate[b] = tanh(gate[b] + a[b])
            else:                                                       # i, f, o
                for b in range(batch):
                    gate[b] = sigmoid(gate[b] + a[b])
        for j in range(hidden):                                         # c'
            i = xp[j, t]
            f = xp[hidden + j, t]
            g = xp[2 * hidden + j, t]
            cj = c[j]
            previous = cprev[j, t]
            for b in range(batch):
                old = cj[b]
                previous[b] = old
                cj[b] = f[b] * old + i[b] * g[b]
        for j in range(hidden):                                         # h'
            o = xp[3 * hidden + j, t]
            cj = c[j]
            tc = tanh_c[j, t]
            hj = h[j]
            previous = hprev[j, t]
            for b in range(batch):
                v = tanh(cj[b])
                tc[b] = v
                previous[b] = hj[b]
                hj[b] = o[b] * v
            y[j, t] = hj
        if not all_valid(lengths, t):                                   # padding: keep h, c
            for j in range(hidden):
                for b in range(batch):
                    if t >= lengths[b]:
                        h[j, b] = hprev[j, t, b]
                        c[j, b] = cprev[j, t, b]
                        y[j, t, b] = zero


@numba.njit(**JIT)
def lstm_backward_scan(gates, cprev, tanh_c, w_hh_t, lengths, reverse, dy, dh, dc, dxp):
    """Backward of :func:`lstm_forward_scan`. ``dh``, ``dc`` ``(H, B)`` in: dL/dh_n, dL/dc_n,
    out: dL/dh0, dL/dc0. Writes ``dxp`` ``(4H, T, B)``; ``w_hh_t`` is ``W_hhᵀ``."""
    hidden = dh.shape[0]
    steps, batch = gates.shape[1], gates.shape[2]
    one, zero = gates.dtype.type(1.0), gates.dtype.type(0.0)
    g_h = np.empty((hidden, batch), dtype=gates.dtype)
    g_c = np.empty((hidden, batch), dtype=gates.dtype)
    d_pre = np.empty((4 * hidden, batch), dtype=gates.dtype)     # [dî; df̂; dĝ; dô]
    d_h = np.empty((hidden, batch), dtype=gates.dtype)
    for s in range(steps):
        t = s if reverse else steps - 1 - s
        full = all_valid(lengths, t)
        for j in range(hidden):
            carried = dh[j]
            out = dy[j, t]
            gj = g_h[j]
            for b in range(batch):
                gj[b] = carried[b] + out[b]
        for j in range(hidden):
            gj = g_h[j]
            o = gates[3 * hidden + j, t]
            tc = tanh_c[j, t]
            carried = dc[j]
            dcj = g_c[j]
            for b in range(batch):
                dcj[b] = carried[b] + gj[b] * o[b] * (one - tc[b] * tc[b])
        if not full:                        # padding: no gradient enters, dh and dc pass through
            for j in range(hidden):
                for b in range(batch):
                    if t >= lengths[b]:
                        g_h[j, b] = zero
                        g_c[j, b] = zero
        for j in range(hidden):
            gj = g_h[j]
            o = gates[3 * hidden + j, t]
            tc = tanh_c[j, t]
            do = d_pre[3 * hidden + j]
            for b in range(batch):
                do[b] = gj[b] * tc[b] * o[b] * (one - o[b])
        for j in range(hidden):
            dcj = g_c[j]
            i = gates[j, t]
            g = gates[2 * hidden + j, t]
            di = d_pre[j]
            dg = d_pre[2 * hidden + j]
            for b in range(batch):
                di[b] = dcj[b] * g[b] * i[b] * (one - i[b])
                dg[b] = dcj[b] * i[b] * (one - g[b] * g[b])
        for j in range(hidden):
            dcj = g_c[j]
            f = gates[hidden + j, t]
            previous = cprev[j, t]
            df = d_pre[hidden + j]
            for b in range(batch):
                df[b] = dcj[b] * previous[b] * f[b] * (one - f[b])
        if full:
            for j in range(hidden):
                dcj = g_c[j]
                f = gates[hidden + j, t]
                carried = dc[j]
                for b in range(batch):
                    carried[b] = dcj[b] * f[b]
            np.dot(w_hh_t, d_pre, dh)
        else:
            np.dot(w_hh_t, d_pre, d_h)
            for j in range(hidden):
                for b in range(batch):
                    if t < lengths[b]:
                        dc[j, b] = g_c[j, b] * gates[hidden + j, t, b]
                        dh[j, b] = d_h[j, b]
        for j in range(4 * hidden):
            dxp[j, t] = d_pre[j]


def _split_bias(b_ih, b_hh, hidden: int):
    """Both biases join the projection."""
    return b_ih + b_hh, b_hh[:0]


def _forward(xp, w_hh, inner_bias, states0, lengths, reverse, y):
    h, c = states0[0].copy(), states0[1].copy()
    hprev, cprev, tanh_c = np.empty_like(y), np.empty_like(y), np.empty_like(y)
    lstm_forward_scan(xp, w_hh, h, c, lengths, reverse, y, hprev, cprev, tanh_c)
    return (h, c), hprev, (xp, cprev, tanh_c)


def _backward(saved, w_hh, lengths, reverse, dy, dfinals):
    gates, cprev, tanh_c = saved
    dh, dc = dfinals[0].copy(), dfinals[1].copy()
    dxp = np.empty_like(gates)
    lstm_backward_scan(gates, cprev, tanh_c, np.ascontiguousarray(w_hh.T), lengths, reverse,
                       dy, dh, dc, dxp)
    return dxp, ((0, dxp),), (dh, dc)


KERNEL = CellKernel(gates=4, states=2, split_bias=_split_bias, forward=_forward,
                    backward=_backward)
