r"""Gated recurrent unit (Cho et al. 2014), forward and backward through time by hand.

For every step ``t`` (PyTorch's equations and gate order r, z, n; note that ``b_hn`` sits inside
the reset product, the "reset after" form)::

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)              reset gate
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)              update gate
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))   candidate
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}  =  n_t + z_t ⊙ (h_{t-1} − n_t)

Backward, given ``dh_t``, with ``p_t = W_hn h_{t-1} + b_hn``::

    dn = dh ⊙ (1 − z)            dz = dh ⊙ (h_{t-1} − n)
    dn̂ = dn ⊙ (1 − n²)          (pre-activation of n; also dL/d(W_in x + b_in))
    dr̂ = dn̂ ⊙ p ⊙ r(1 − r)      dẑ = dz ⊙ z(1 − z)
    dp = dn̂ ⊙ r
    dh_{t-1} = dh ⊙ z + [dr̂, dẑ, dp] W_hh       dW_hh += [dr̂, dẑ, dp]ᵀ h_{t-1}

The scans receive ``xproj = W_ih x + b_ih`` for all steps, time-major ``(T, B, 3H)``.
"""

from __future__ import annotations

import numpy as np

from rnnlab.reference.activations import half_tanh_to_sigmoid_, sigmoid_grad_, tanh_grad_
from rnnlab.reference.recurrent import RecurrentStack, ScanCache, fresh_buffer, gate_scale

SIGMOID_GATES = (0, 1)  # r, z; n (block 2) uses tanh


def gru_forward_scan(xproj: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray,
                     state0: tuple[np.ndarray, ...], mask: np.ndarray | None,
                     nonlinearity: str = "tanh",
                     buffer=fresh_buffer) -> tuple[np.ndarray, tuple, ScanCache]:
    """One direction of one layer; ``xproj`` ``(T, B, 3H)`` is ``W_ih x + b_ih`` with the r and z
    blocks halved (see :mod:`rnnlab.reference.recurrent`); it is overwritten with [r, z, n].

    ``state0`` is ``(h0,)`` with ``h0`` ``(B, H)``; ``mask`` is ``(T, B, 1)`` or None.
    Returns ``y`` ``(T, B, H)``, ``(h_n,)`` and the cache for :func:`gru_backward_scan`.
    """
    steps, batch, three_h = xproj.shape
    hidden = three_h // 3
    acts = xproj
    hs = buffer("hs", (steps + 1, batch, hidden), xproj.dtype)
    hs[0] = state0[0]
    p = buffer("p", (steps, batch, hidden), xproj.dtype)   # W_hn h_{t-1} + b_hn per step
    y = hs[1:] if mask is None else buffer("y", (steps, batch, hidden), xproj.dtype)
    recurrent = np.empty((batch, three_h), dtype=xproj.dtype)
    scratch = np.empty((batch, hidden), dtype=xproj.dtype)
    # Halve the r, z blocks (σ via tanh); contiguous (H, 3H) copy for faster BLAS.
    scale = gate_scale(3, hidden, SIGMOID_GATES, xproj.dtype)
    w_hh_t = np.ascontiguousarray(w_hh.T * scale)
    b_hh = b_hh * scale
    for t in range(steps):
        a = acts[t]
        np.matmul(hs[t], w_hh_t, out=recurrent)
        recurrent += b_hh
        rz = a[:, : 2 * hidden]
        rz += recurrent[:, : 2 * hidden]
        half_tanh_to_sigmoid_(np.tanh(rz, out=rz))          # r, z
        r, z, n = a[:, :hidden], a[:, hidden: 2 * hidden], a[:, 2 * hidden:]
        p[t] = recurrent[:, 2 * hidden:]
        np.multiply(r, p[t], out=scratch)
        n += scratch
        np.tanh(n, out=n)
        h_new = hs[t + 1]
        np.subtract(hs[t], n, out=scratch)
        scratch *= z
        np.add(n, scratch, out=h_new)
        if mask is not None:
            np.multiply(h_new, mask[t], out=y[t])
            np.copyto(h_new, hs[t], where=~mask[t])
    cache = ScanCache(acts=acts, states=(hs,), extra=(p,), mask=mask, w_hh=w_hh)
    return y, (hs[-1],), cache


def gru_backward_scan(cache: ScanCache, dy: np.ndarray, dstate_n: tuple[np.ndarray, ...],
                      nonlinearity: str = "tanh", buffer=fresh_buffer):
    """Returns ``dxproj`` ``(T, B, 3H)``, ``dW_hh`` ``(3H, H)``, ``db_hh`` ``(3H,)``, ``(dh0,)``."""
    acts, (hs,), (p,), mask, w_hh = cache.acts, cache.states, cache.extra, cache.mask, cache.w_hh
    steps, batch, three_h = acts.shape
    hidden = three_h // 3
    # d_hproj[t] = dL/d(W_hh h_{t-1} + b_hh); it equals dxproj except in the n block.
    d_hproj = buffer("d_hproj", acts.shape, acts.dtype)
    d_npre = buffer("d_npre", (steps, batch, hidden), acts.dtype)
    dh = dstate_n[0].copy()
    dh_prev = np.empty_like(dh)
    scratch = np.empty((batch, 2 * hidden), dtype=acts.dtype)
    for t in reversed(range(steps)):
        a, dhp = acts[t], d_hproj[t]
        r, z, n = a[:, :hidden], a[:, hidden: 2 * hidden], a[:, 2 * hidden:]
        dr, dz, dp = dhp[:, :hidden], dhp[:, hidden: 2 * hidden], dhp[:, 2 * hidden:]
        dn = d_npre[t]
        if mask is None:
            dh += dy[t]
        else:
            keep = np.where(mask[t], 0.0, dh)
            dh += dy[t]
            dh *= mask[t]
        # h_t = n + z ⊙ (h_{t-1} − n)
        np.subtract(hs[t], n, out=dz)
        dz *= dh
        np.subtract(1.0, z, out=dn)
        dn *= dh
        tanh_grad_(dn, n, scratch[:, :hidden])            # dn is now dn̂
        # n̂ = xproj_n + r ⊙ p
        np.multiply(dn, p[t], out=dr)
        np.multiply(dn, r, out=dp)
        sigmoid_grad_(dhp[:, : 2 * hidden], a[:, : 2 * hidden], scratch)
        np.matmul(dhp, w_hh, out=dh_prev)
        dh *= z
        dh += dh_prev
        if mask is not None:
            dh += keep
    flat = d_hproj.reshape(steps * batch, three_h)
    dw_hh = flat.T @ hs[:-1].reshape(steps * batch, hidden)
    db_hh = np.ones(steps * batch, dtype=flat.dtype) @ flat  # faster than .sum(axis=0)
    dxproj = d_hproj  # reuse: only the n block differs (dn̂ instead of dn̂ ⊙ r)
    dxproj[:, :, 2 * hidden:] = d_npre
    return dxproj, dw_hh, db_hh, (dh,)


class GRU(RecurrentStack):
    """A stack of GRU layers in NumPy, with the contract of ``torch.nn.GRU(batch_first=True)``.

    Shapes (``D`` = 2 if bidirectional else 1, ``L`` = ``num_layers``): input ``x``
    ``(batch, time, input_size)``, ``h0`` ``(D*L, batch, hidden_size)``; output ``y``
    ``(batch, time, D*hidden_size)`` and ``h_n`` shaped like ``h0``.

    Example:
        >>> import numpy as np
        >>> gru = GRU(input_size=3, hidden_size=4, num_layers=2, seed=0)
        >>> y, h_n = gru.forward(np.ones((2, 5, 3)), lengths=[5, 2])
        >>> y.shape, h_n.shape, bool(np.all(y[1, 2:] == 0))
        ((2, 5, 4), (2, 2, 4), True)
    """

    cell = "gru"
    sigmoid_gates = SIGMOID_GATES
    fold_hidden_bias = False  # b_hn sits inside the reset product
    _forward_scan = staticmethod(gru_forward_scan)
    _backward_scan = staticmethod(gru_backward_scan)
