"""minLSTM on torch (Feng et al. 2024): ``h_t = f/(f+i) ⊙ h_{t-1} + i/(f+i) ⊙ h̃_t`` with
``f``, ``i`` and ``h̃`` computed from ``x_t`` alone, trained as a parallel scan.

The equations and the backward pass by hand are in :mod:`rnnlab.reference.minlstm`.
"""

from __future__ import annotations

import torch

from rnnlab.torch.linear_scan import InputGatedRecurrent


class MinLSTM(InputGatedRecurrent):
    """A stack of minLSTM layers, batch first; ``scan="parallel"`` (default) or
    ``"sequential"``.

    Example:
        >>> import torch
        >>> x = torch.randn(2, 9, 3)
        >>> fast, slow = MinLSTM(3, 4, seed=0), MinLSTM(3, 4, seed=0, scan="sequential")
        >>> bool(torch.allclose(fast(x)[0], slow(x)[0], atol=1e-6))
        True
    """

    cell = "minlstm"

    def coefficients(self, xproj):
        a_f, a_i, h_tilde = xproj.chunk(3, dim=-1)
        f, i = torch.sigmoid(a_f), torch.sigmoid(a_i)
        return f / (f + i), i / (f + i) * h_tilde
