r"""Gated recurrent unit (Cho et al. 2014), forward and backward through time by hand.

For every step ``t`` (PyTorch's equations and gate order r, z, n; note that ``b_hn`` sits inside
the reset product, the "reset after" form)::

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)              reset gate
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)              update gate
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))   candidate
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}  =  n_t + z_t ⊙ (h_{t-1} − n_t)

With ``reset_after=False`` (the first version of Cho et al. 2014, Keras's ``reset_after=False``,
ONNX's ``linear_before_reset=0``) the reset gate scales the state *before* the product, with the
same parameters::

    n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t-1}) + b_hn)

Backward, given ``dh_t``, with ``p_t = W_hn h_{t-1} + b_hn``::

    dn = dh ⊙ (1 − z)            dz = dh ⊙ (h_{t-1} − n)
    dn̂ = dn ⊙ (1 − n²)          (pre-activation of n; also dL/d(W_in x + b_in))
    dr̂ = dn̂ ⊙ p ⊙ r(1 − r)      dẑ = dz ⊙ z(1 − z)
    dp = dn̂ ⊙ r
    dh_{t-1} = dh ⊙ z + [dr̂, dẑ, dp] W_hh       dW_hh += [dr̂, dẑ, dp]ᵀ h_{t-1}

and for ``reset_after=False``, with ``q = dn̂ W_hn`` the gradient reaching ``r ⊙ h_{t-1}``::

    dr̂ = q ⊙ h_{t-1} ⊙ r(1 − r)     dh_{t-1} = dh ⊙ z + q ⊙ r + [dr̂, dẑ] [W_hr; W_hz]
    dW_hn += dn̂ᵀ (r ⊙ h_{t-1})

The module holds the textbook step (:func:`gru_step_forward`, :func:`gru_step_backward`), then
the fast scan of the reset-after form, tested against a loop over the step; ``reset_after=False``
runs the step loop of :mod:`rnnlab.reference.stepping`. The scans receive ``xproj = W_ih x +
b_ih`` for all steps, gate-major ``(3, T, B, H)``.
"""

from __future__ import annotations

import numpy as np

from rnnlab.reference import stepping
from rnnlab.reference.activations import (
    half_tanh_to_sigmoid_,
    sigmoid,
    sigmoid_grad_,
    tanh_grad_,
)
from rnnlab.reference.recurrent import (
    RecurrentStack,
    ScanCache,
    fresh_buffer,
    gate_scale,
    stacked_recurrent_weight,
    stacked_weight_gradient,
)
from rnnlab.reference.stepping import StepCell

SIGMOID_GATES = (0, 1)  # r, z; n (block 2) uses tanh


# ---------------------------------------------------------------------- the textbook step
def gru_step_forward(x, state, p, reset_after=True):
    """One step: ``x`` ``(B, I)``, ``state = (h_prev,)`` ``(B, H)``; ``p`` holds ``weight_ih``
    ``(3H, I)``, ``weight_hh`` ``(3H, H)``, ``bias_ih`` and ``bias_hh`` ``(3H,)``, gates r, z,
    n."""
    (h_prev,) = state
    W_hr, W_hz, W_hn = np.split(p["weight_hh"], 3)
    b_hr, b_hz, b_hn = np.split(p["bias_hh"], 3)
    x_r, x_z, x_n = np.split(x @ p["weight_ih"].T + p["bias_ih"], 3, axis=1)
    r = sigmoid(x_r + h_prev @ W_hr.T + b_hr)
    z = sigmoid(x_z + h_prev @ W_hz.T + b_hz)
    if reset_after:
        p_n = h_prev @ W_hn.T + b_hn
        n = np.tanh(x_n + r * p_n)
    else:
        p_n = None
        n = np.tanh(x_n + (r * h_prev) @ W_hn.T + b_hn)
    h = (1.0 - z) * n + z * h_prev
    return (h,), {"x": x, "h_prev": h_prev, "r": r, "z": z, "n": n, "p_n": p_n}


def gru_step_backward(dstate, cache, p, reset_after=True):
    """``dstate = (dh,)`` → ``dx``, ``(dh_prev,)`` and this step's parameter gradients."""
    (dh,) = dstate
    x, h_prev, r, z, n = (cache[k] for k in ("x", "h_prev", "r", "z", "n"))
    W_hr, W_hz, W_hn = np.split(p["weight_hh"], 3)
    # h = (1 − z) ⊙ n + z ⊙ h_prev
    dn = dh * (1.0 - z)
    dz = dh * (h_prev - n)
    dh_prev = dh * z
    # n = tanh(x_n + …), z = σ(x_z + …)
    dn_pre = dn * (1.0 - n * n)
    dz_pre = dz * z * (1.0 - z)
    if reset_after:            # n = tanh(x_n + r ⊙ p_n),  p_n = W_hn h_prev + b_hn
        dr = dn_pre * cache["p_n"]
        dp_n = dn_pre * r
        dr_pre = dr * r * (1.0 - r)
        d_hidden = np.concatenate([dr_pre, dz_pre, dp_n], axis=1)      # dL/d(W_hh h + b_hh)
        dW_hh = d_hidden.T @ h_prev
        dh_prev = dh_prev + d_hidden @ p["weight_hh"]
    else:                      # n = tanh(x_n + W_hn (r ⊙ h_prev) + b_hn)
        d_reset = dn_pre @ W_hn                                          # dL/d(r ⊙ h_prev)
        dr_pre = d_reset * h_prev * r * (1.0 - r)
        d_hidden = np.concatenate([dr_pre, dz_pre, dn_pre], axis=1)
        dW_hh = np.concatenate([dr_pre.T @ h_prev, dz_pre.T @ h_prev, dn_pre.T @ (r * h_prev)])
        dh_prev = dh_prev + d_reset * r + dr_pre @ W_hr + dz_pre @ W_hz
    d_input = np.concatenate([dr_pre, dz_pre, dn_pre], axis=1)           # dL/d(W_ih x + b_ih)
    grads = {"weight_ih": d_input.T @ x, "weight_hh": dW_hh,
             "bias_ih": d_input.sum(axis=0), "bias_hh": d_hidden.sum(axis=0)}
    return d_input @ p["weight_ih"], (dh_prev,), grads


# ---------------------------------------------------------------------- the fast scan
def gru_forward_scan(xproj: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray,
                     state0: tuple[np.ndarray, ...], mask: np.ndarray | None,
                     nonlinearity: str = "tanh",
                     buffer=fresh_buffer) -> tuple[np.ndarray, tuple, ScanCache]:
    """One direction of one layer.

    ``xproj`` ``(3, T, B, H)`` is the gate-major ``W_ih x + b_ih`` with the r and z blocks halved
    (see :mod:`rnnlab.reference.recurrent`); it is overwritten with ``r, z, n``. ``state0`` is
    ``(h0,)`` with ``h0`` ``(B, H)``; ``mask`` is ``(T, B, 1)`` or None. Returns ``y``
    ``(T, B, H)``, ``(h_n,)`` and the cache for :func:`gru_backward_scan`.
    """
    _, steps, batch, hidden = xproj.shape
    dtype = xproj.dtype
    acts = xproj
    hs = buffer("hs", (steps + 1, batch, hidden), dtype)
    hs[0] = state0[0]
    p = buffer("p", (steps, batch, hidden), dtype)   # W_hn h_{t-1} + b_hn per step
    y = hs[1:] if mask is None else buffer("y", (steps, batch, hidden), dtype)
    recurrent = np.empty((3, batch, hidden), dtype=dtype)
    scratch = np.empty((batch, hidden), dtype=dtype)
    # Halve the r, z blocks (σ via tanh) in the recurrent weights and biases too.
    scale = gate_scale(3, hidden, SIGMOID_GATES, dtype)
    w_stack = stacked_recurrent_weight(w_hh, scale)
    b_stack = (b_hh * scale).reshape(3, 1, hidden)
    gate_r, gate_z, gate_n = acts
    for t in range(steps):
        np.matmul(hs[t], w_stack, out=recurrent)
        recurrent += b_stack
        rz = acts[:2, t]
        rz += recurrent[:2]
        half_tanh_to_sigmoid_(np.tanh(rz, out=rz))          # r, z
        r, z, n = gate_r[t], gate_z[t], gate_n[t]
        p[t] = recurrent[2]
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
    """Returns ``dxproj`` ``(3, T, B, H)``, ``dW_hh`` ``(3H, H)``, ``db_hh`` ``(3H,)`` and
    ``(dh0,)``."""
    acts, (hs,), (p,), mask, w_hh = cache.acts, cache.states, cache.extra, cache.mask, cache.w_hh
    _, steps, batch, hidden = acts.shape
    dtype = acts.dtype
    # d_hproj[:, t] = dL/d(W_hh h_{t-1} + b_hh); it equals dxproj except in the n block.
    d_hproj = buffer("d_hproj", acts.shape, dtype)
    d_npre = buffer("d_npre", (steps, batch, hidden), dtype)
    dh = dstate_n[0].copy()
    dh_by_gate = np.empty((3, batch, hidden), dtype=dtype)
    scratch = np.empty((2, batch, hidden), dtype=dtype)
    w_stack = w_hh.reshape(3, hidden, hidden)
    gate_r, gate_z, gate_n = acts
    d_r, d_z, d_p = d_hproj
    for t in reversed(range(steps)):
        r, z, n = gate_r[t], gate_z[t], gate_n[t]
        dr, dz, dp = d_r[t], d_z[t], d_p[t]
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
        tanh_grad_(dn, n, scratch[0])                     # dn is now dn̂
        # n̂ = xproj_n + r ⊙ p
        np.multiply(dn, p[t], out=dr)
        np.multiply(dn, r, out=dp)
        sigmoid_grad_(d_hproj[:2, t], acts[:2, t], scratch)
        np.matmul(d_hproj[:, t], w_stack, out=dh_by_gate)
        dh *= z
        dh += dh_by_gate[0]
        dh += dh_by_gate[1]
        dh += dh_by_gate[2]
        if mask is not None:
            dh += keep
    dw_hh = stacked_weight_gradient(d_hproj, hs[:-1])
    ones = np.ones(steps * batch, dtype=dtype)  # sums as matrix-vector products: faster
    db_hh = (ones @ d_hproj.reshape(3, steps * batch, hidden)).reshape(-1)
    dxproj = d_hproj  # reuse: only the n block differs (dn̂ instead of dn̂ ⊙ r)
    dxproj[2] = d_npre
    return dxproj, dw_hh, db_hh, (dh,)


class GRU(RecurrentStack):
    """A stack of GRU layers in NumPy, with the contract of ``torch.nn.GRU(batch_first=True)``.

    ``reset_after=False`` gives the reset-before GRU (see the module docstring).

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

    def step_cell(self) -> StepCell:
        return StepCell(gru_step_forward, gru_step_backward, gates=("r", "z", "n"),
                        options={"reset_after": self.spec.reset_after})

    def _forward_direction(self, inputs, suffix, state0, mask, buffer):
        if self.spec.reset_after:
            return super()._forward_direction(inputs, suffix, state0, mask, buffer)
        return stepping.forward_direction(self, self.step_cell(), inputs, suffix, state0, mask)

    def _backward_direction(self, cache, inputs, dy, dstate_n, suffix, buffer):
        if self.spec.reset_after:
            return super()._backward_direction(cache, inputs, dy, dstate_n, suffix, buffer)
        return stepping.backward_direction(self, self.step_cell(), cache, dy, dstate_n, suffix)
