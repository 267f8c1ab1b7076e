r"""Minimal LSTM (Feng et al. 2024, arXiv:2410.01201), forward and backward by hand.

The LSTM with its gates' dependence on ``h_{t-1}`` removed, no output gate, no ``tanh`` on the
candidate, and the forget and input gates normalised so that the state's scale does not drift
with time (parameters ``weight_ih`` ``(3H, I)``, stacked f, i, h̃, and ``bias_ih`` ``(3H,)``)::

    f_t = σ(W_f x_t + b_f)       i_t = σ(W_i x_t + b_i)       h̃_t = W_h x_t + b_h
    f'_t = f_t / (f_t + i_t)     i'_t = i_t / (f_t + i_t)
    h_t = f'_t ⊙ h_{t-1} + i'_t ⊙ h̃_t

Backward, given ``dh_t`` (with ``s = f + i``)::

    df' = dh ⊙ h_{t-1}     di' = dh ⊙ h̃      dh̃ = dh ⊙ i'      dh_{t-1} = dh ⊙ f'
    df = (df' − di') ⊙ i / s²                di = (di' − df') ⊙ f / s²
    [da_f, da_i, da_h] = [df ⊙ f(1 − f), di ⊙ i(1 − i), dh̃]     (pre-activations)
    dx_t = [da_f, da_i, da_h] W_ih          [dW_ih | db] += [da_f, da_i, da_h]ᵀ [x_t; 1]

Every coefficient of ``h_t = a_t ⊙ h_{t-1} + b_t`` (``a = f'``, ``b = i' ⊙ h̃``) is known
from the inputs, so training runs as a parallel scan (:mod:`rnnlab.reference.linear_scan`);
the textbook step below is what that scan is tested against.
"""

from __future__ import annotations

import numpy as np

from rnnlab.reference.activations import half_tanh_to_sigmoid_, sigmoid, sigmoid_grad_
from rnnlab.reference.linear_scan import InputGatedStack
from rnnlab.reference.stepping import StepCell


# ---------------------------------------------------------------------- the textbook step
def minlstm_step_forward(x, state, p):
    """One step: ``x`` ``(B, I)``, ``state = (h_prev,)`` ``(B, H)``; ``p`` holds ``weight_ih``
    ``(3H, I)`` and ``bias_ih`` ``(3H,)``, blocks f, i, h̃."""
    (h_prev,) = state
    a_f, a_i, h_tilde = np.split(x @ p["weight_ih"].T + p["bias_ih"], 3, axis=1)
    f, i = sigmoid(a_f), sigmoid(a_i)
    f_norm, i_norm = f / (f + i), i / (f + i)
    h = f_norm * h_prev + i_norm * h_tilde
    return (h,), {"x": x, "h_prev": h_prev, "f": f, "i": i, "h_tilde": h_tilde}


def minlstm_step_backward(dstate, cache, p):
    """``dstate = (dh,)`` → ``dx``, ``(dh_prev,)`` and this step's parameter gradients."""
    (dh,) = dstate
    x, h_prev, f, i, h_tilde = (cache[k] for k in ("x", "h_prev", "f", "i", "h_tilde"))
    s = f + i
    # h = f' ⊙ h_prev + i' ⊙ h̃
    df_norm = dh * h_prev
    di_norm = dh * h_tilde
    dh_tilde = dh * i / s
    dh_prev = dh * f / s
    # f' = f / s, i' = i / s
    df = (df_norm - di_norm) * i / (s * s)
    di = (di_norm - df_norm) * f / (s * s)
    da = np.concatenate([df * f * (1.0 - f), di * i * (1.0 - i), dh_tilde], axis=1)
    grads = {"weight_ih": da.T @ x, "bias_ih": da.sum(axis=0)}
    return da @ p["weight_ih"], (dh_prev,), grads


# ---------------------------------------------------------------------- the parallel scan
class MinLSTM(InputGatedStack):
    """A stack of minLSTM layers in NumPy; ``scan="parallel"`` (default) or ``"sequential"``.

    Shapes as for :class:`~rnnlab.reference.GRU`.

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(0).standard_normal((2, 9, 3))
        >>> fast, slow = MinLSTM(3, 4, seed=0), MinLSTM(3, 4, seed=0, scan="sequential")
        >>> bool(np.allclose(fast.forward(x)[0], slow.forward(x)[0], atol=1e-6))
        True
    """

    cell = "minlstm"
    gate_names = ("f", "i", "h_tilde")

    def step_cell(self) -> StepCell:
        return StepCell(minlstm_step_forward, minlstm_step_backward, gates=self.gate_names)

    def coefficients(self, acts, b):
        f, i, h_tilde = acts
        for gate in (f, i):                                     # σ(·) in place
            half_tanh_to_sigmoid_(np.tanh(np.multiply(gate, 0.5, out=gate), out=gate))
        s = f + i
        np.divide(i, s, out=b)
        b *= h_tilde                                            # b = i/s ⊙ h̃
        return np.divide(f, s, out=s)                           # a = f/s

    def coefficients_backward(self, da, db, acts, out):
        f, i, h_tilde = acts
        s = f + i
        di_norm = db * h_tilde                                  # a = f/s, b = i/s ⊙ h̃
        np.multiply(db, i, out=out[2])
        out[2] /= s                                             # dh̃ = db ⊙ i/s
        s_squared = s * s
        np.subtract(da, di_norm, out=out[0])
        out[0] *= i
        out[0] /= s_squared                                     # df = (df' − di') i/s²
        np.subtract(di_norm, da, out=out[1])
        out[1] *= f
        out[1] /= s_squared                                     # di = (di' − df') f/s²
        sigmoid_grad_(out[0], f, s)                             # (s is scratch now)
        sigmoid_grad_(out[1], i, s)
