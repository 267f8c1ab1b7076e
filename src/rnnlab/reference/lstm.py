r"""Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al.
2000), forward and backward through time by hand.

For every step ``t`` (PyTorch's equations and gate order i, f, g, o)::

    i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)          input gate
    f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)          forget gate
    g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)       candidate cell
    o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)          output gate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)

Backward, given ``dh_t`` (from the output and from step ``t+1``) and ``dc_t`` (from ``t+1``)::

    do_t = dh_t ⊙ tanh(c_t)
    dc_t += dh_t ⊙ o_t ⊙ (1 − tanh²(c_t))
    di_t = dc_t ⊙ g_t      df_t = dc_t ⊙ c_{t-1}      dg_t = dc_t ⊙ i_t
    dc_{t-1} = dc_t ⊙ f_t
    da_t = [di ⊙ i(1−i), df ⊙ f(1−f), dg ⊙ (1−g²), do ⊙ o(1−o)]    (pre-activations)
    dh_{t-1} = da_t W_hh           dW_hh += da_tᵀ h_{t-1}

The input projection ``W_ih x_t + b_ih + b_hh`` of every step is done in one matmul before the
loop by :class:`~rnnlab.reference.recurrent.RecurrentStack`; the scans below receive it
gate-major as ``xproj`` with shape ``(4, T, B, H)``: ``xproj[k, t]`` is gate ``k`` at step ``t``.
"""

from __future__ import annotations

import numpy as np

from rnnlab.reference.activations import tanh_grad_
from rnnlab.reference.recurrent import (
    RecurrentStack,
    ScanCache,
    fresh_buffer,
    gate_scale,
)

SIGMOID_GATES = (0, 1, 3)  # i, f, o; g (block 2) uses tanh


def _sigmoid_blocks(dtype) -> np.ndarray:
    """``(4, 1, 1)`` array, 1 for the sigmoid gates i, f, o and 0 for g: it lets one operation
    treat all four gate blocks of a step, each by its own rule."""
    return np.array([1.0, 1.0, 0.0, 1.0], dtype=dtype).reshape(4, 1, 1)


def lstm_forward_scan(xproj: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray,
                      state0: tuple[np.ndarray, ...], mask: np.ndarray | None,
                      nonlinearity: str = "tanh",
                      buffer=fresh_buffer) -> tuple[np.ndarray, tuple, ScanCache]:
    """Run one direction of one layer over time.

    Args:
        xproj: ``(4, T, B, H)`` gate-major input projections including both biases, with the
            sigmoid gates halved (see :mod:`rnnlab.reference.recurrent`); overwritten with the
            gate activations ``i, f, g, o``.
        w_hh: ``(4H, H)``; b_hh: ``(4H,)`` (already inside ``xproj``).
        state0: ``(h0, c0)``, each ``(B, H)``.
        mask: ``(T, B, 1)`` booleans, True where the step is inside the sequence, or None.
        buffer: scratch-array factory (see :class:`~rnnlab.reference.recurrent.Workspace`).
    Returns:
        ``y`` ``(T, B, H)``, the final ``(h_n, c_n)``, and the cache for :func:`lstm_backward_scan`.
    """
    _, steps, batch, hidden = xproj.shape
    dtype = xproj.dtype
    acts = xproj
    hs = buffer("hs", (steps + 1, batch, hidden), dtype)  # hs[t+1] is h_t, hs[0] is h0
    cs = buffer("cs", (steps + 1, batch, hidden), dtype)
    tanh_c = buffer("tanh_c", (steps, batch, hidden), dtype)
    hs[0], cs[0] = state0
    y = hs[1:] if mask is None else buffer("y", (steps, batch, hidden), dtype)
    # h W_hhᵀ for all gates is one (B, H) @ (H, 4H) product (one BLAS call beats four small
    # ones); its (4, B, H) view adds it to the gate-major pre-activations.
    recurrent = np.empty((batch, 4 * hidden), dtype=dtype)
    recurrent_by_gate = recurrent.reshape(batch, 4, hidden).transpose(1, 0, 2)
    product = np.empty((batch, hidden), dtype=dtype)
    # σ(z) = ½ + ½·tanh(z/2) on i, f, o and tanh on g: a ← a·slope + half after one tanh.
    sig = _sigmoid_blocks(dtype)
    half = 0.5 * sig
    slope = 1.0 - half
    w_hh_t = np.ascontiguousarray((w_hh * gate_scale(4, hidden, SIGMOID_GATES, dtype)[:, None]).T)
    gate_i, gate_f, gate_g, gate_o = acts
    for t in range(steps):
        a = acts[:, t]                                  # (4, B, H)
        np.matmul(hs[t], w_hh_t, out=recurrent)
        a += recurrent_by_gate
        np.tanh(a, out=a)
        a *= slope
        a += half
        i, f, g, o = gate_i[t], gate_f[t], gate_g[t], gate_o[t]
        c_new, h_new = cs[t + 1], hs[t + 1]
        np.multiply(f, cs[t], out=c_new)
        np.multiply(i, g, out=product)
        c_new += product
        np.tanh(c_new, out=tanh_c[t])
        np.multiply(o, tanh_c[t], out=h_new)
        if mask is not None:
            # Past a sequence's end the output is zero and the state is carried unchanged.
            np.multiply(h_new, mask[t], out=y[t])
            np.copyto(h_new, hs[t], where=~mask[t])
            np.copyto(c_new, cs[t], where=~mask[t])
    cache = ScanCache(acts=acts, states=(hs, cs), extra=(tanh_c,), mask=mask, w_hh=w_hh)
    return y, (hs[-1], cs[-1]), cache


def lstm_backward_scan(cache: ScanCache, dy: np.ndarray, dstate_n: tuple[np.ndarray, ...],
                       nonlinearity: str = "tanh", buffer=fresh_buffer):
    """Backpropagate one direction of one layer through time.

    Args:
        cache: from :func:`lstm_forward_scan`.
        dy: ``(T, B, H)`` gradient of the loss with respect to the outputs ``y``.
        dstate_n: ``(dh_n, dc_n)``, each ``(B, H)``.
    Returns:
        ``dxproj`` as rows ``(T, B, 4H)`` (gradients with respect to the unscaled
        pre-activations, gates i, f, g, o side by side), ``dW_hh`` ``(4H, H)``, ``db_hh``
        (None: it equals ``db_ih``) and ``(dh0, dc0)``.
    """
    acts, (hs, cs), (tanh_c,), mask, w_hh = (cache.acts, cache.states, cache.extra, cache.mask,
                                             cache.w_hh)
    _, steps, batch, hidden = acts.shape
    dh = dstate_n[0].copy()
    dc = dstate_n[1].copy()
    scratch = np.empty((batch, hidden), dtype=acts.dtype)
    # dL/d(gate activations) of one step, gate-major: a small array that stays in cache.
    d_gates = np.empty((4, batch, hidden), dtype=acts.dtype)
    derivative = np.empty((4, batch, hidden), dtype=acts.dtype)
    # The pre-activation gradients go straight into rows (B, 4H) per step, the layout of
    # dh_{t-1} = [da_i, da_f, da_g, da_o] W_hh as one (B, 4H) @ (4H, H) product: one product
    # beats four small ones and their sum, and the rows of all steps then give dW_hh, dW_ih and
    # dx in one product each.
    da_rows = buffer("dacts_rows", (steps, batch, 4 * hidden), acts.dtype)
    # σ' = s(1 − s) on i, f, o and tanh' = 1 − g² on g: a·(sig − a), plus 1 on the g block.
    sig = _sigmoid_blocks(acts.dtype)
    gate_i, gate_f, gate_g, gate_o = acts
    d_i, d_f, d_g, d_o = d_gates
    for t in reversed(range(steps)):
        i, f, g, o = gate_i[t], gate_f[t], gate_g[t], gate_o[t]
        if mask is None:
            dh += dy[t]
        else:
            # Masked steps only carry the state: the gradient skips them untouched.
            keep_h = np.where(mask[t], 0.0, dh)
            keep_c = np.where(mask[t], 0.0, dc)
            dh += dy[t]
            dh *= mask[t]
            dc *= mask[t]
        # h_t = o ⊙ tanh(c_t)
        np.multiply(dh, tanh_c[t], out=d_o)
        np.multiply(dh, o, out=scratch)
        tanh_grad_(scratch, tanh_c[t], dh)          # dh is no longer needed: use it as scratch
        dc += scratch
        # c_t = f ⊙ c_{t-1} + i ⊙ g
        np.multiply(dc, g, out=d_i)
        np.multiply(dc, cs[t], out=d_f)
        np.multiply(dc, i, out=d_g)
        dc *= f                                     # now dc_{t-1}
        # through the nonlinearities to the pre-activations, written as rows
        a = acts[:, t]
        np.subtract(sig, a, out=derivative)
        derivative *= a
        derivative[2] += 1.0
        da = da_rows[t]
        np.multiply(d_gates, derivative, out=da.reshape(batch, 4, hidden).transpose(1, 0, 2))
        np.matmul(da, w_hh, out=dh)                 # now dh_{t-1}
        if mask is not None:
            dh += keep_h
            dc += keep_c
    dw_hh = da_rows.reshape(steps * batch, 4 * hidden).T @ hs[:-1].reshape(steps * batch, hidden)
    return da_rows, dw_hh, None, (dh, dc)


class LSTM(RecurrentStack):
    """A stack of LSTM layers in NumPy, with the contract of ``torch.nn.LSTM(batch_first=True)``.

    Shapes (``D`` = 2 if bidirectional else 1, ``L`` = ``num_layers``):

    * input ``x``: ``(batch, time, input_size)``; ``h0`` and ``c0``: ``(D*L, batch, hidden_size)``,
      passed as the pair ``(h0, c0)``;
    * output ``y``: ``(batch, time, D*hidden_size)``; ``(h_n, c_n)`` like ``(h0, c0)``.

    Example:
        >>> import numpy as np
        >>> lstm = LSTM(input_size=3, hidden_size=5, seed=0)
        >>> y, (h_n, c_n) = lstm.forward(np.ones((2, 7, 3), np.float32))
        >>> y.shape, h_n.shape
        ((2, 7, 5), (1, 2, 5))
        >>> dx = lstm.backward(np.ones_like(y))          # fills lstm.grads
        >>> sorted(lstm.grads)[:2]
        ['bias_hh_l0', 'bias_ih_l0']
    """

    cell = "lstm"
    sigmoid_gates = SIGMOID_GATES
    _forward_scan = staticmethod(lstm_forward_scan)
    _backward_scan = staticmethod(lstm_backward_scan)
