r"""Independently recurrent neural network (Li et al. 2018, arXiv:1803.04831), by hand.

Each unit has one recurrent weight instead of a row of ``W_hh``: the recurrence is the
element-wise product ``u ⊙ h_{t-1}`` (parameters ``weight_ih`` ``(H, I)``, ``weight_hh`` = ``u``
``(H,)`` and ``bias_ih`` ``(H,)``)::

    h_t = φ(W_ih x_t + b_ih + u ⊙ h_{t-1}),      φ = relu (default) or tanh

Backward, given ``dh_t``::

    dâ_t = dh_t ⊙ φ'(·)          (relu' = [h_t > 0], tanh' = 1 − h_t²)
    dh_{t-1} = dâ_t ⊙ u          du += Σ_batch dâ_t ⊙ h_{t-1}
    dx_t = dâ_t W_ih             [dW_ih | db] += dâ_tᵀ [x_t; 1]

A unit's gradient through ``k`` steps is ``∏ u φ'``, one number per unit rather than a product
of matrices, so keeping ``|u|`` near 1 keeps it from vanishing or exploding; Li et al. constrain
``|u| ≤ 2^{1/T}`` during training, which rnnlab does not do (it clips gradients instead, like
every cell in a comparison). The engine runs this step in a loop
(:mod:`rnnlab.reference.stepping`): the per-step work is element-wise.
"""

from __future__ import annotations

import numpy as np

from rnnlab.reference import stepping
from rnnlab.reference.recurrent import RecurrentStack
from rnnlab.reference.stepping import StepCell


# ---------------------------------------------------------------------- the textbook step
def indrnn_step_forward(x, state, p, nonlinearity="relu"):
    """One step: ``x`` ``(B, I)``, ``state = (h_prev,)`` ``(B, H)``; ``p`` holds ``weight_ih``
    ``(H, I)``, ``weight_hh`` ``(H,)`` and ``bias_ih`` ``(H,)``."""
    (h_prev,) = state
    a = x @ p["weight_ih"].T + p["bias_ih"] + p["weight_hh"] * h_prev
    h = np.maximum(a, 0.0) if nonlinearity == "relu" else np.tanh(a)
    return (h,), {"x": x, "h_prev": h_prev, "h": h}


def indrnn_step_backward(dstate, cache, p, nonlinearity="relu"):
    """``dstate = (dh,)`` → ``dx``, ``(dh_prev,)`` and this step's parameter gradients."""
    (dh,) = dstate
    x, h_prev, h = cache["x"], cache["h_prev"], cache["h"]
    da = dh * (h > 0) if nonlinearity == "relu" else dh * (1.0 - h * h)
    grads = {"weight_ih": da.T @ x, "weight_hh": (da * h_prev).sum(axis=0),
             "bias_ih": da.sum(axis=0)}
    return da @ p["weight_ih"], (da * p["weight_hh"],), grads


# ---------------------------------------------------------------------- the stack
class IndRNN(RecurrentStack):
    """A stack of IndRNN layers in NumPy; ``nonlinearity`` is ``"relu"`` (default) or
    ``"tanh"``.

    Shapes as for :class:`~rnnlab.reference.GRU`.

    Example:
        >>> import numpy as np
        >>> net = IndRNN(3, 4, num_layers=2, seed=0)
        >>> y, h_n = net.forward(np.ones((2, 6, 3)))
        >>> y.shape, h_n.shape, sorted(net.params)[:3]
        ((2, 6, 4), (2, 2, 4), ['bias_ih_l0', 'bias_ih_l1', 'weight_hh_l0'])
    """

    cell = "indrnn"

    def step_cell(self) -> StepCell:
        return StepCell(indrnn_step_forward, indrnn_step_backward,
                        options={"nonlinearity": self.spec.nonlinearity})

    def _forward_direction(self, inputs, suffix, state0, mask, buffer):
        return stepping.forward_direction(self, self.step_cell(), inputs, suffix, state0, mask)

    def _backward_direction(self, cache, inputs, dy, dstate_n, suffix, buffer):
        return stepping.backward_direction(self, self.step_cell(), cache, dy, dstate_n, suffix)
