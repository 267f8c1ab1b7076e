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

The scans overwrite ``x̂`` ``(4, T, B, H)`` with ``i, f, g, o`` and keep ``c_{t−1}``,
``tanh(c_t)`` and ``h_{t−1}`` in ``(T, B, H)`` arrays; ``dL/dx̂`` is also the gradient of
``W_hh h + b_hh``.
"""

from __future__ import annotations

import numba
import numpy as np

from rnnlab.torch.cpu_kernels import kernel as contract
from rnnlab.torch.cpu_kernels.jit import JIT, sigmoid, tanh


@numba.njit(**JIT)
def lstm_forward_scan(xp, w_t, h, c, lengths, reverse, y, hprev, cprev, tanh_c):
    """One direction. ``xp`` ``(4, T, B, H)`` in: x̂, out: i, f, g, o. ``w_t[g]`` is
    ``W_hgᵀ``. ``h``, ``c`` ``(B, H)`` in: h0, c0, out: h_n, c_n. Writes ``y``, ``hprev``,
    ``cprev`` and ``tanh_c`` ``(T, B, H)``."""
    steps, batch, hidden = xp.shape[1], xp.shape[2], xp.shape[3]
    recurrent = np.empty((4, batch, hidden), dtype=xp.dtype)
    h_f, c_f = contract.flat(h), contract.flat(c)
    for s in range(steps):
        t = steps - 1 - s if reverse else s
        contract.recurrent_products(h, w_t, recurrent)
        for gate in range(4):
            pre, rec = contract.flat(xp[gate, t]), contract.flat(recurrent[gate])
            if gate == 2:
                for k in range(pre.shape[0]):
                    pre[k] = tanh(pre[k] + rec[k])
            else:
                for k in range(pre.shape[0]):
                    pre[k] = sigmoid(pre[k] + rec[k])
        i, f = contract.flat(xp[0, t]), contract.flat(xp[1, t])
        g, o = contract.flat(xp[2, t]), contract.flat(xp[3, t])
        c_previous = contract.flat(cprev[t])
        for k in range(c_f.shape[0]):
            old = c_f[k]
            c_previous[k] = old
            c_f[k] = f[k] * old + i[k] * g[k]
        tc, h_previous, out = contract.flat(tanh_c[t]), contract.flat(hprev[t]), contract.flat(y[t])
        for k in range(h_f.shape[0]):
            v = tanh(c_f[k])
            tc[k] = v
            h_previous[k] = h_f[k]
            h_f[k] = o[k] * v
            out[k] = o[k] * v
        if not contract.all_valid(lengths, t):                                 # padding: keep h, c
            contract.hold_padded_rows(lengths, t, h, hprev[t])
            contract.hold_padded_rows(lengths, t, c, cprev[t])
            contract.zero_padded_rows(lengths, t, y[t])


@numba.njit(**JIT)
def lstm_backward_scan(gates, cprev, tanh_c, w, lengths, reverse, dy, dy_batch_first, dh, dc,
                       dxp):
    """Backward of :func:`lstm_forward_scan`. ``w[g]`` is ``W_hg``. ``dh``, ``dc`` ``(B, H)``
    in: dL/dh_n, dL/dc_n, out: dL/dh0, dL/dc0. ``dy`` as
    :func:`~.kernel.add_output_gradient` reads it. Writes ``dxp`` ``(4, T, B, H)``."""
    steps, batch, hidden = gates.shape[1], gates.shape[2], gates.shape[3]
    one, zero = gates.dtype.type(1.0), gates.dtype.type(0.0)
    g_h = np.empty((batch, hidden), dtype=gates.dtype)
    g_c = np.empty((batch, hidden), dtype=gates.dtype)
    product = np.empty((batch, hidden), dtype=gates.dtype)
    g_h_f, g_c_f, product_f = contract.flat(g_h), contract.flat(g_c), contract.flat(product)
    dh_f, dc_f = contract.flat(dh), contract.flat(dc)
    for s in range(steps):
        t = s if reverse else steps - 1 - s
        full = contract.all_valid(lengths, t)
        contract.add_output_gradient(dh, dy, dy_batch_first, t, g_h)
        o, tc = contract.flat(gates[3, t]), contract.flat(tanh_c[t])
        for k in range(g_c_f.shape[0]):
            g_c_f[k] = dc_f[k] + g_h_f[k] * o[k] * (one - tc[k] * tc[k])
        if not full:                        # padding: no gradient enters, dh and dc pass through
            for b in range(batch):
                if t >= lengths[b]:
                    g_h[b] = zero
                    g_c[b] = zero
        i, f, g = contract.flat(gates[0, t]), contract.flat(gates[1, t]), contract.flat(gates[2, t])
        di, df = contract.flat(dxp[0, t]), contract.flat(dxp[1, t])
        dg, do = contract.flat(dxp[2, t]), contract.flat(dxp[3, t])
        for k in range(do.shape[0]):
            do[k] = g_h_f[k] * tc[k] * o[k] * (one - o[k])
        for k in range(di.shape[0]):
            di[k] = g_c_f[k] * g[k] * i[k] * (one - i[k])
            dg[k] = g_c_f[k] * i[k] * (one - g[k] * g[k])
        c_previous = contract.flat(cprev[t])
        for k in range(df.shape[0]):
            df[k] = g_c_f[k] * c_previous[k] * f[k] * (one - f[k])
        if full:
            for k in range(dc_f.shape[0]):
                dc_f[k] = g_c_f[k] * f[k]
            for k in range(dh_f.shape[0]):
                dh_f[k] = zero
        else:
            for b in range(batch):
                if t < lengths[b]:
                    for j in range(hidden):
                        dc[b, j] = g_c[b, j] * gates[1, t, b, j]
                    dh[b] = zero
        for gate in range(4):
            np.dot(dxp[gate, t], w[gate], product)
            for k in range(dh_f.shape[0]):
                dh_f[k] += product_f[k]


def _split_bias(b_ih, b_hh, hidden: int):
    """Both biases join the projection."""
    return b_ih + b_hh, b_hh[:0]


def _forward(xp, w_hh, inner_bias, states0, lengths, reverse, y):
    hidden = w_hh.shape[1]
    h, c = states0[0].copy(), states0[1].copy()
    hprev, cprev, tanh_c = np.empty_like(y), np.empty_like(y), np.empty_like(y)
    w_t = np.ascontiguousarray(w_hh.reshape(4, hidden, hidden).transpose(0, 2, 1))
    lstm_forward_scan(xp, w_t, h, c, lengths, reverse, y, hprev, cprev, tanh_c)
    return (h, c), hprev, (xp, cprev, tanh_c)


def _backward(saved, w_hh, lengths, reverse, dy, dy_batch_first, dfinals):
    gates, cprev, tanh_c = saved
    hidden = w_hh.shape[1]
    dh, dc = dfinals[0].copy(), dfinals[1].copy()
    dxp = np.empty_like(gates)
    lstm_backward_scan(gates, cprev, tanh_c, w_hh.reshape(4, hidden, hidden), lengths, reverse,
                       dy, dy_batch_first, dh, dc, dxp)
    return dxp, dxp, (dh, dc)


KERNEL = contract.CellKernel(gates=4, states=2, split_bias=_split_bias, forward=_forward,
                    backward=_backward)
