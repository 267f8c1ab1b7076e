r"""Minimal GRU (Feng et al. 2024, arXiv:2410.01201), forward and backward by hand.

The GRU with its gates' dependence on ``h_{t-1}`` removed, no reset gate and no ``tanh`` on the
candidate (parameters ``weight_ih`` ``(2H, I)``, stacked z, h̃, and ``bias_ih`` ``(2H,)``)::

    z_t = σ(W_z x_t + b_z)          h̃_t = W_h x_t + b_h
    h_t = (1 − z_t) ⊙ h_{t-1} + z_t ⊙ h̃_t

Backward, given ``dh_t``::

    dz = dh ⊙ (h̃ − h_{t-1})        dh̃ = dh ⊙ z        dh_{t-1} = dh ⊙ (1 − z)
    [da_z, da_h] = [dz ⊙ z(1 − z), dh̃]                    (pre-activations)
    dx_t = [da_z, da_h] W_ih          [dW_ih | db] += [da_z, da_h]ᵀ [x_t; 1]

Every coefficient of ``h_t = a_t ⊙ h_{t-1} + b_t`` (``a = 1 − z``, ``b = z ⊙ h̃``) is known from
the inputs, so training runs as a parallel scan (:mod:`rnnlab.reference.linear_scan`); the
textbook step below is what that scan is tested against.
"""

from __future__ import annotations

import numpy as np

from rnnlab.reference.activations import half_tanh_to_sigmoid_, sigmoid, sigmoid_grad_
from rnnlab.reference.linear_scan import InputGatedStack
from rnnlab.reference.stepping import StepCell


# ---------------------------------------------------------------------- the textbook step
def mingru_step_forward(x, state, p):
    """One step: ``x`` ``(B, I)``, ``state = (h_prev,)`` ``(B, H)``; ``p`` holds ``weight_ih``
    ``(2H, I)`` and ``bias_ih`` ``(2H,)``, blocks z, h̃."""
    (h_prev,) = state
    a_z, h_tilde = np.split(x @ p["weight_ih"].T + p["bias_ih"], 2, axis=1)
    z = sigmoid(a_z)
    h = (1.0 - z) * h_prev + z * h_tilde
    return (h,), {"x": x, "h_prev": h_prev, "z": z, "h_tilde": h_tilde}


def mingru_step_backward(dstate, cache, p):
    """``dstate = (dh,)`` → ``dx``, ``(dh_prev,)`` and this step's parameter gradients."""
    (dh,) = dstate
    x, h_prev, z, h_tilde = (cache[k] for k in ("x", "h_prev", "z", "h_tilde"))
    # h = (1 − z) ⊙ h_prev + z ⊙ h̃
    dz = dh * (h_tilde - h_prev)
    dh_tilde = dh * z
    dh_prev = dh * (1.0 - z)
    da = np.concatenate([dz * z * (1.0 - z), dh_tilde], axis=1)
    grads = {"weight_ih": da.T @ x, "bias_ih": da.sum(axis=0)}
    return da @ p["weight_ih"], (dh_prev,), grads


# ---------------------------------------------------------------------- the parallel scan
class MinGRU(InputGatedStack):
    """A stack of minGRU layers in NumPy; ``scan="parallel"`` (default) or ``"sequential"``.

    Shapes as for :class:`~rnnlab.reference.GRU`.

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(0).standard_normal((2, 9, 3))
        >>> fast, slow = MinGRU(3, 4, seed=0), MinGRU(3, 4, seed=0, scan="sequential")
        >>> bool(np.allclose(fast.forward(x)[0], slow.forward(x)[0], atol=1e-6))
        True
    """

    cell = "mingru"
    gate_names = ("z", "h_tilde")

    def step_cell(self) -> StepCell:
        return StepCell(mingru_step_forward, mingru_step_backward, gates=self.gate_names)

    def coefficients(self, acts, b):
        z, h_tilde = acts
        half_tanh_to_sigmoid_(np.tanh(np.multiply(z, 0.5, out=z), out=z))   # z = σ(·)
        np.multiply(z, h_tilde, out=b)
        return 1.0 - z

    def coefficients_backward(self, da, db, acts, out):
        z, h_tilde = acts
        np.multiply(db, h_tilde, out=out[0])    # a = 1 − z, b = z ⊙ h̃: dz = db ⊙ h̃ − da
        out[0] -= da
        sigmoid_grad_(out[0], z, out[1])        # (out[1] is scratch until the next line)
        np.multiply(db, z, out=out[1])          # dh̃ = db ⊙ z
