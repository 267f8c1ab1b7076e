"""IndRNN on torch: ``h_t = φ(W_ih x_t + b_ih + u ⊙ h_{t-1})``, a step loop on autograd.

The equations, the parameters and the backward pass by hand are in :mod:`rnnlab.reference.indrnn`.
"""

from __future__ import annotations

import torch

from rnnlab.torch.scan import StepRecurrent


class IndRNN(StepRecurrent):
    """A stack of IndRNN layers, batch first; ``nonlinearity`` ``"relu"`` (default) or
    ``"tanh"``.

    Example:
        >>> import torch
        >>> net = IndRNN(3, 4, num_layers=2, seed=0)
        >>> y, h_n = net(torch.ones(2, 6, 3))
        >>> tuple(y.shape), tuple(h_n.shape)
        ((2, 6, 4), (2, 2, 4))
    """

    cell = "indrnn"

    def step(self, xproj, state, p):
        (h,) = state
        a = xproj + p["weight_hh"] * h
        return (torch.relu(a) if self.spec.nonlinearity == "relu" else torch.tanh(a),)
