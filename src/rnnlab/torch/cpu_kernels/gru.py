r"""The GRU's fused scans (PyTorch's equations, gates r, z, n, ``b_hn`` inside the reset product).

Forward, for every step ``t`` and every column ``b`` of the batch::

    r = σ(x̂_r + W_hr h + b_hr)       x̂ = W_ih x_t + b_ih, computed for all steps before the scan
    z = σ(x̂_z + W_hz h + b_hz)       (b_hr, b_hz are folded into x̂)
    q = W_hn h + b_hn                 kept for the backward pass
    n = tanh(x̂_n + r ⊙ q)
    h' = n + z ⊙ (h − n)

Backward, from ``g = dL/dh'`` (the carried gradient plus this step's output gradient)::

    dn̂ = g ⊙ (1 − z) ⊙ (1 − n²)         = dL/dx̂_n
    dẑ = g ⊙ (h − n) ⊙ z(1 − z)         = dL/dx̂_z = dL/d(W_hz h)
    dr̂ = dn̂ ⊙ q ⊙ r(1 − r)             = dL/dx̂_r = dL/d(W_hr h)
    dq = dn̂ ⊙ r                         = dL/d(W_hn h + b_hn)
    dL/dh = g ⊙ z + W_hhᵀ [dr̂; dẑ; dq]

Layout (see :mod:`rnnlab.torch.cpu_kernels`): sequences are ``(features, T, B)``; the scans
overwrite ``x̂`` with ``r, z, n`` (the forward cache), keep ``q`` and ``h_{t−1}`` in
``(H, T, B)`` arrays, and return ``dL/dx̂`` ``(3H, T, B)`` and ``dq`` ``(H, T, B)``: the
gradient of the recurrent pre-activation is ``[dr̂; dẑ; dq]``, so ``dW_hh`` is two products.
"""

from __future__ import annotations

import numba
import numpy as np

from rnnlab.torch.cpu_kernels.jit import JIT, sigmoid, tanh
from rnnlab.torch.cpu_kernels.kernel import CellKernel, all_valid


@numba.njit(**JIT)
def gru_forward_scan(xp, w_hh, b_hn, h, lengths, reverse, y, hprev, q):
    """One direction. ``xp`` ``(3H, T, B)`` in: x̂, out: r, z, n. ``h`` ``(H, B)`` in: h0,
    out: h_n. Writes ``y``, ``hprev`` and ``q`` ``(H, T, B)``."""
    hidden = h.shape[0]
    steps, batch = xp.shape[1], xp.shape[2]
    zero = xp.dtype.type(0.0)
    recurrent = np.empty((3 * hidden, batch), dtype=xp.dtype)
    for s in range(steps):
        t = steps - 1 - s if reverse else s
        np.dot(w_hh, h, recurrent)
        for j in range(2 * hidden):                                     # r, z
            a = recurrent[j]
            gate = xp[j, t]
            for b in range(batch):
                gate[b] = sigmoid(gate[b] + a[b])
        for j in range(hidden):                                         # q, n
            a = recurrent[2 * hidden + j]
            bias = b_hn[j]
            r = xp[j, t]
            n = xp[2 * hidden + j, t]
            qj = q[j, t]
            for b in range(batch):
                v = a[b] + bias
                qj[b] = v
                n[b] = tanh(n[b] + r[b] * v)
        for j in range(hidden):                                         # h'
            z = xp[hidden + j, t]
            n = xp[2 * hidden + j, t]
            hj = h[j]
            previous = hprev[j, t]
            out = y[j, t]
            for b in range(batch):
                old = hj[b]
                previous[b] = old
                new = n[b] + z[b] * (old - n[b])
                hj[b] = new
                out[b] = new
        if not all_valid(lengths, t):                                   # padding: keep h
            for j in range(hidden):
                for b in range(batch):
                    if t >= lengths[b]:
                        h[j, b] = hprev[j, t, b]
                        y[j, t, b] = zero


@numba.njit(**JIT)
def gru_backward_scan(gates, hprev, q, w_hh_t, lengths, reverse, dy, dh, dxp, dq):
    """Backward of :func:`gru_forward_scan`. ``dh`` ``(H, B)`` in: dL/dh_n, out: dL/dh0.
    Writes ``dxp`` ``(3H, T, B)`` and ``dq`` ``(H, T, B)``; ``w_hh_t`` is ``W_hhᵀ``."""
    hidden = dh.shape[0]
    steps, batch = gates.shape[1], gates.shape[2]
    one, zero = gates.dtype.type(1.0), gates.dtype.type(0.0)
    g = np.empty((hidden, batch), dtype=gates.dtype)
    d_pre = np.empty((3 * hidden, batch), dtype=gates.dtype)  # [dr̂; dẑ; dq] of this step
    d_h = np.empty((hidden, batch), dtype=gates.dtype)
    for s in range(steps):
        t = s if reverse else steps - 1 - s
        full = all_valid(lengths, t)
        for j in range(hidden):
            carried = dh[j]
            out = dy[j, t]
            gj = g[j]
            for b in range(batch):
                gj[b] = carried[b] + out[b]
        if not full:                        # padding: no gradient enters, dh passes through
            for j in range(hidden):
                for b in range(batch):
                    if t >= lengths[b]:
                        g[j, b] = zero
        for j in range(hidden):
            gj = g[j]
            z = gates[hidden + j, t]
            n = gates[2 * hidden + j, t]
            dn = dxp[2 * hidden + j, t]
            for b in range(batch):
                dn[b] = gj[b] * (one - z[b]) * (one - n[b] * n[b])
        for j in range(hidden):
            gj = g[j]
            z = gates[hidden + j, t]
            n = gates[2 * hidden + j, t]
            previous = hprev[j, t]
            dz = d_pre[hidden + j]
            for b in range(batch):
                dz[b] = gj[b] * (previous[b] - n[b]) * z[b] * (one - z[b])
        for j in range(hidden):
            dn = dxp[2 * hidden + j, t]
            r = gates[j, t]
            qj = q[j, t]
            dr = d_pre[j]
            dqs = d_pre[2 * hidden + j]
            for b in range(batch):
                dr[b] = dn[b] * qj[b] * r[b] * (one - r[b])
                dqs[b] = dn[b] * r[b]
        if full:
            for j in range(hidden):
                gj = g[j]
                z = gates[hidden + j, t]
                carried = dh[j]
                for b in range(batch):
                    carried[b] = gj[b] * z[b]
        else:
            for j in range(hidden):
                for b in range(batch):
                    if t < lengths[b]:
                        dh[j, b] = g[j, b] * gates[hidden + j, t, b]
        np.dot(w_hh_t, d_pre, d_h)
        for j in range(hidden):
            carried = dh[j]
            extra = d_h[j]
            for b in range(batch):
                carried[b] += extra[b]
        for j in range(2 * hidden):
            dxp[j, t] = d_pre[j]
        for j in range(hidden):
            dq[j, t] = d_pre[2 * hidden + j]


def _split_bias(b_ih, b_hh, hidden: int):
    """``b_hr``, ``b_hz`` join the projection; ``b_hn`` stays inside the reset product."""
    projection = b_ih.clone()
    projection[:2 * hidden] += b_hh[:2 * hidden]
    return projection, b_hh[2 * hidden:].contiguous()


def _forward(xp, w_hh, b_hn, states0, lengths, reverse, y):
    h = states0[0].copy()
    hprev, q = np.empty_like(y), np.empty_like(y)
    gru_forward_scan(xp, w_hh, b_hn, h, lengths, reverse, y, hprev, q)
    return (h,), hprev, (xp, hprev, q)


def _backward(saved, w_hh, lengths, reverse, dy, dfinals):
    gates, hprev, q = saved
    hidden = hprev.shape[0]
    dh = dfinals[0].copy()
    dxp, dq = np.empty_like(gates), np.empty_like(hprev)
    gru_backward_scan(gates, hprev, q, np.ascontiguousarray(w_hh.T), lengths, reverse, dy, dh,
                      dxp, dq)
    return dxp, ((0, dxp[:2 * hidden]), (2 * hidden, dq)), (dh,)


KERNEL = CellKernel(gates=3, states=1, split_bias=_split_bias, forward=_forward,
                    backward=_backward)
