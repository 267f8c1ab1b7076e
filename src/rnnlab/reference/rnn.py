r"""The vanilla (Elman) recurrent network, forward and backward through time by hand.

For every step ``t`` (PyTorch's equation)::

    h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),      φ = tanh or relu

Backward, given ``dh_t``::

    dâ_t = dh_t ⊙ φ'(·)        with tanh' = 1 − h_t²,  relu' = [h_t > 0]
    dh_{t-1} = dâ_t W_hh        dW_hh += dâ_tᵀ h_{t-1}

The product ``W_hh`` is applied once per step, so ``dh`` is multiplied by ``W_hhᵀ diag(φ')``
over and over on its way back: the vanishing (or exploding) gradient that gates were invented to
fix.

The module holds the textbook step (:func:`rnn_step_forward`, :func:`rnn_step_backward`), then
the fast scan the engine runs, tested against a loop over the step. The scans receive
``xproj = W_ih x + b_ih + b_hh`` for all steps, as ``(1, T, B, H)``.
"""

from __future__ import annotations

import numpy as np

from rnnlab.reference.recurrent import RecurrentStack, ScanCache, fresh_buffer
from rnnlab.reference.stepping import StepCell


# ---------------------------------------------------------------------- the textbook step
def rnn_step_forward(x, state, p, nonlinearity="tanh"):
    """One step: ``x`` ``(B, I)``, ``state = (h_prev,)`` ``(B, H)``, ``p`` the parameters
    ``weight_ih`` ``(H, I)``, ``weight_hh`` ``(H, H)``, ``bias_ih``, ``bias_hh``."""
    (h_prev,) = state
    a = x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]
    h = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0.0)
    return (h,), {"x": x, "h_prev": h_prev, "h": h}


def rnn_step_backward(dstate, cache, p, nonlinearity="tanh"):
    """``dstate = (dh,)`` → ``dx``, ``(dh_prev,)`` and this step's parameter gradients."""
    (dh,) = dstate
    x, h_prev, h = cache["x"], cache["h_prev"], cache["h"]
    da = dh * (1.0 - h * h) if nonlinearity == "tanh" else dh * (h > 0)
    grads = {"weight_ih": da.T @ x, "weight_hh": da.T @ h_prev,
             "bias_ih": da.sum(axis=0), "bias_hh": da.sum(axis=0)}
    return da @ p["weight_ih"], (da @ p["weight_hh"],), grads


# ---------------------------------------------------------------------- the fast scan
def rnn_forward_scan(xproj: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray,
                     state0: tuple[np.ndarray, ...], mask: np.ndarray | None,
                     nonlinearity: str = "tanh",
                     buffer=fresh_buffer) -> tuple[np.ndarray, tuple, ScanCache]:
    """One direction of one layer; ``xproj`` ``(1, T, B, H)`` (one gate; both biases included)
    is overwritten with the candidate states ``φ(·)``. Returns ``y`` ``(T, B, H)``, ``(h_n,)``
    and the cache."""
    _, steps, batch, hidden = xproj.shape
    acts = xproj[0]  # already holds W_ih x + b_ih + b_hh
    hs = buffer("hs", (steps + 1, batch, hidden), xproj.dtype)
    hs[0] = state0[0]
    y = hs[1:] if mask is None else buffer("y", (steps, batch, hidden), xproj.dtype)
    recurrent = np.empty((batch, hidden), dtype=xproj.dtype)
    w_hh_t = np.ascontiguousarray(w_hh.T)  # BLAS is faster on a contiguous copy
    for t in range(steps):
        a = acts[t]
        np.matmul(hs[t], w_hh_t, out=recurrent)
        a += recurrent
        if nonlinearity == "tanh":
            np.tanh(a, out=a)
        else:
            np.maximum(a, 0.0, out=a)
        if mask is None:
            hs[t + 1] = a
        else:
            np.multiply(a, mask[t], out=y[t])
            np.copyto(hs[t + 1], np.where(mask[t], a, hs[t]))
    cache = ScanCache(acts=acts, states=(hs,), extra=(), mask=mask, w_hh=w_hh)
    return y, (hs[-1],), cache


def rnn_backward_scan(cache: ScanCache, dy: np.ndarray, dstate_n: tuple[np.ndarray, ...],
                      nonlinearity: str = "tanh", buffer=fresh_buffer):
    """Returns ``dxproj`` ``(1, T, B, H)``, ``dW_hh`` ``(H, H)``, ``db_hh`` (None: it equals
    ``db_ih``) and ``(dh0,)``."""
    acts, (hs,), mask, w_hh = cache.acts, cache.states, cache.mask, cache.w_hh
    steps, batch, hidden = acts.shape
    dacts = buffer("dacts", acts.shape, acts.dtype)
    dh = dstate_n[0].copy()
    scratch = np.empty_like(dh)
    for t in reversed(range(steps)):
        a, da = acts[t], dacts[t]
        if mask is None:
            np.add(dh, dy[t], out=da)
        else:
            keep = np.where(mask[t], 0.0, dh)
            np.add(dh, dy[t], out=da)
            da *= mask[t]
        if nonlinearity == "tanh":
            np.multiply(a, a, out=scratch)
            np.subtract(1.0, scratch, out=scratch)
            da *= scratch
        else:
            da *= a > 0
        np.matmul(da, w_hh, out=dh)
        if mask is not None:
            dh += keep
    flat = dacts.reshape(steps * batch, hidden)
    dw_hh = flat.T @ hs[:-1].reshape(steps * batch, hidden)
    return dacts[None], dw_hh, None, (dh,)


class RNN(RecurrentStack):
    """A stack of Elman RNN layers in NumPy, with the contract of
    ``torch.nn.RNN(batch_first=True)``; ``nonlinearity`` is ``"tanh"`` or ``"relu"``.

    Shapes as for :class:`~rnnlab.reference.GRU`.

    Example:
        >>> import numpy as np
        >>> rnn = RNN(input_size=2, hidden_size=3, bidirectional=True, seed=0)
        >>> y, h_n = rnn.forward(np.zeros((4, 6, 2)))
        >>> y.shape, h_n.shape
        ((4, 6, 6), (2, 4, 3))
    """

    cell = "rnn"
    _forward_scan = staticmethod(rnn_forward_scan)
    _backward_scan = staticmethod(rnn_backward_scan)

    def step_cell(self) -> StepCell:
        return StepCell(rnn_step_forward, rnn_step_backward,
                        options={"nonlinearity": self.spec.nonlinearity})
