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

Layout (see :mod:`rnnlab.torch.cpu_kernels.kernel`): the scans overwrite ``x̂`` ``(3, T, B, H)``
with ``r, z, n`` (the forward cache), keep ``q`` and ``h_{t−1}`` in ``(T, B, H)`` arrays, and
return ``dL/dx̂ = [dr̂; dẑ; dn̂]`` and, of the recurrent pre-activation's gradient
``[dr̂; dẑ; dq]``, only ``dq`` (the other two are ``dL/dx̂``'s: writing them twice cost memory
traffic for nothing).
"""

from __future__ import annotations

import numba
import numpy as np

from rnnlab.torch.cpu_kernels.jit import JIT, sigmoid, tanh
from rnnlab.torch.cpu_kernels.kernel import (
    CellKernel,
    add_output_gradient,
    all_valid,
    flat,
    hold_padded_rows,
    recurrent_products,
    zero_padded_rows,
)


@numba.njit(**JIT)
def gru_forward_scan(xp, w_t, b_hn, h, lengths, reverse, y, hprev, q):
    """One direction. ``xp`` ``(3, T, B, H)`` in: x̂, out: r, z, n. ``w_t[g]`` is ``W_hgᵀ``
    ``(H, H)``. ``h`` ``(B, H)`` in: h0, out: h_n. Writes ``y``, ``hprev``, ``q``
    ``(T, B, H)``."""
    steps, batch, hidden = xp.shape[1], xp.shape[2], xp.shape[3]
    recurrent = np.empty((3, batch, hidden), dtype=xp.dtype)
    bias = np.empty((batch, hidden), dtype=xp.dtype)
    for b in range(batch):
        bias[b] = b_hn      # b_hn on every row once, so that the step's loops stay flat
    rr, rz, rn, bias_f, h_f = (flat(recurrent[0]), flat(recurrent[1]), flat(recurrent[2]),
                               flat(bias), flat(h))
    for s in range(steps):
        t = steps - 1 - s if reverse else s
        recurrent_products(h, w_t, recurrent)
        r, z, n = flat(xp[0, t]), flat(xp[1, t]), flat(xp[2, t])
        for i in range(r.shape[0]):
            r[i] = sigmoid(r[i] + rr[i])
        for i in range(z.shape[0]):
            z[i] = sigmoid(z[i] + rz[i])
        q_t = flat(q[t])
        for i in range(n.shape[0]):
            v = rn[i] + bias_f[i]
            q_t[i] = v
            n[i] = tanh(n[i] + r[i] * v)
        previous, out = flat(hprev[t]), flat(y[t])
        for i in range(h_f.shape[0]):
            old = h_f[i]
            previous[i] = old
            new = n[i] + z[i] * (old - n[i])
            h_f[i] = new
            out[i] = new
        if not all_valid(lengths, t):                                   # padding: keep h
            hold_padded_rows(lengths, t, h, hprev[t])
            zero_padded_rows(lengths, t, y[t])


@numba.njit(**JIT)
def gru_backward_scan(gates, hprev, q, w, lengths, reverse, dy, dy_batch_first, dh, dxp, drec):
    """Backward of :func:`gru_forward_scan`. ``w[g]`` is ``W_hg`` ``(H, H)``. ``dh`` ``(B, H)``
    in: dL/dh_n, out: dL/dh0. ``dy`` as :func:`~.kernel.add_output_gradient` reads it.
    Writes ``dxp`` ``(3, T, B, H)`` and ``drec`` ``(1, T, B, H)`` (``dq``)."""
    steps, batch, hidden = gates.shape[1], gates.shape[2], gates.shape[3]
    one, zero = gates.dtype.type(1.0), gates.dtype.type(0.0)
    g = np.empty((batch, hidden), dtype=gates.dtype)
    product = np.empty((3, batch, hidden), dtype=gates.dtype)
    g_f, dh_f = flat(g), flat(dh)
    p_r, p_z, p_n = flat(product[0]), flat(product[1]), flat(product[2])
    for s in range(steps):
        t = s if reverse else steps - 1 - s
        full = all_valid(lengths, t)
        add_output_gradient(dh, dy, dy_batch_first, t, g)
        if not full:                        # padding: no gradient enters, dh passes through
            for b in range(batch):
                if t >= lengths[b]:
                    g[b] = zero
        r, z, n = flat(gates[0, t]), flat(gates[1, t]), flat(gates[2, t])
        dr, dz, dn = flat(dxp[0, t]), flat(dxp[1, t]), flat(dxp[2, t])
        hn = flat(drec[0, t])
        for i in range(dn.shape[0]):
            dn[i] = g_f[i] * (one - z[i]) * (one - n[i] * n[i])
        previous = flat(hprev[t])
        for i in range(dz.shape[0]):
            dz[i] = g_f[i] * (previous[i] - n[i]) * z[i] * (one - z[i])
        q_t = flat(q[t])
        for i in range(dr.shape[0]):
            dr[i] = dn[i] * q_t[i] * r[i] * (one - r[i])
        for i in range(hn.shape[0]):
            hn[i] = dn[i] * r[i]
        if full:
            for i in range(dh_f.shape[0]):
                dh_f[i] = g_f[i] * z[i]
        else:
            for b in range(batch):
                if t < lengths[b]:
                    for j in range(hidden):
                        dh[b, j] = g[b, j] * gates[1, t, b, j]
        np.dot(dxp[0, t], w[0], product[0])
        np.dot(dxp[1, t], w[1], product[1])
        np.dot(drec[0, t], w[2], product[2])
        for i in range(dh_f.shape[0]):
            dh_f[i] += p_r[i] + p_z[i] + p_n[i]


def _split_bias(b_ih, b_hh, hidden: int):
    """``b_hr``, ``b_hz`` join the projection; ``b_hn`` stays inside the reset product."""
    projection = b_ih.copy()
    projection[:2 * hidden] += b_hh[:2 * hidden]
    return projection, b_hh[2 * hidden:]


def _forward(xp, w_hh, b_hn, states0, lengths, reverse, y):
    hidden = w_hh.shape[1]
    h = states0[0].copy()
    hprev, q = np.empty_like(y), np.empty_like(y)
    w_t = np.ascontiguousarray(w_hh.reshape(3, hidden, hidden).transpose(0, 2, 1))
    gru_forward_scan(xp, w_t, b_hn, h, lengths, reverse, y, hprev, q)
    return (h,), hprev, (xp, hprev, q)


def _backward(saved, w_hh, lengths, reverse, dy, dy_batch_first, dfinals):
    gates, hprev, q = saved
    hidden = w_hh.shape[1]
    dh = dfinals[0].copy()
    dxp, drec = np.empty_like(gates), np.empty_like(gates[2:])
    gru_backward_scan(gates, hprev, q, w_hh.reshape(3, hidden, hidden), lengths, reverse, dy,
                      dy_batch_first, dh, dxp, drec)
    return dxp, drec, (dh,)


KERNEL = CellKernel(gates=3, states=1, split_bias=_split_bias, forward=_forward,
                    backward=_backward)
