"""The GRU and LSTM options ``torch.nn`` has no kernel for, as step loops on autograd.

* :class:`ResetBeforeGRU` — ``reset_after=False``: ``n = tanh(W_in x + b_in + W_hn (r ⊙ h) +
  b_hn)`` (Keras's ``reset_after=False``, ONNX's ``linear_before_reset=0``);
* :class:`PeepholeLSTM` — ``peepholes=True``, with or without ``proj_size``: ``i`` and ``f``
  read ``c_{t-1}``, ``o`` reads ``c_t`` (Gers & Schmidhuber 2000, ONNX's ``P``).

The equations, parameter names and the backward pass by hand are in
:mod:`rnnlab.reference.gru` and :mod:`rnnlab.reference.lstm`.
"""

from __future__ import annotations

from typing import ClassVar

import torch
import torch.nn.functional as F

from rnnlab.torch.scan import StepRecurrent


class ResetBeforeGRU(StepRecurrent):
    """The GRU with ``reset_after=False``, batch first.

    Example:
        >>> import torch
        >>> gru = ResetBeforeGRU(3, 4, seed=0)
        >>> y, h_n = gru(torch.zeros(2, 5, 3))
        >>> tuple(y.shape), gru.spec.reset_after
        ((2, 5, 4), False)
    """

    cell = "gru"
    fixed_options: ClassVar[dict] = {"reset_after": False}

    def step(self, xproj, state, p):
        (h,) = state
        x_r, x_z, x_n = xproj.chunk(3, dim=-1)
        w_r, w_z, w_n = p["weight_hh"].chunk(3)
        b_r, b_z, b_n = p["bias_hh"].chunk(3)
        r = torch.sigmoid(x_r + F.linear(h, w_r, b_r))
        z = torch.sigmoid(x_z + F.linear(h, w_z, b_z))
        n = torch.tanh(x_n + F.linear(r * h, w_n, b_n))
        return ((1.0 - z) * n + z * h,)


class PeepholeLSTM(StepRecurrent):
    """The LSTM with ``peepholes=True`` (and optionally ``proj_size``), batch first.

    Example:
        >>> import torch
        >>> lstm = PeepholeLSTM(3, 4, proj_size=2, seed=0)
        >>> y, (h_n, c_n) = lstm(torch.zeros(2, 5, 3))
        >>> tuple(y.shape), tuple(c_n.shape), [k for k in lstm.state_dict() if "_c" in k]
        ((2, 5, 2), (1, 2, 4), ['weight_ci_l0', 'weight_cf_l0', 'weight_co_l0'])
    """

    cell = "lstm"
    fixed_options: ClassVar[dict] = {"peepholes": True}

    def step(self, xproj, state, p):
        h, c = state
        a_i, a_f, a_g, a_o = (xproj + F.linear(h, p["weight_hh"], p["bias_hh"])).chunk(4, dim=-1)
        i = torch.sigmoid(a_i + p["weight_ci"] * c)
        f = torch.sigmoid(a_f + p["weight_cf"] * c)
        c_new = f * c + i * torch.tanh(a_g)
        o = torch.sigmoid(a_o + p["weight_co"] * c_new)
        h_new = o * torch.tanh(c_new)
        if "weight_hr" in p:
            h_new = F.linear(h_new, p["weight_hr"])
        return h_new, c_new
