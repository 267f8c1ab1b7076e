"""minGRU on torch (Feng et al. 2024): ``h_t = (1 − z_t) ⊙ h_{t-1} + z_t ⊙ h̃_t`` with ``z`` and
``h̃`` computed from ``x_t`` alone, trained as a parallel scan.

The equations and the backward pass by hand are in :mod:`rnnlab.reference.mingru`.
"""

from __future__ import annotations

import torch

from rnnlab.torch.linear_scan import InputGatedRecurrent


class MinGRU(InputGatedRecurrent):
    """A stack of minGRU layers, batch first; ``scan="parallel"`` (default) or
    ``"sequential"``.

    Example:
        >>> import torch
        >>> x = torch.randn(2, 9, 3)
        >>> fast, slow = MinGRU(3, 4, seed=0), MinGRU(3, 4, seed=0, scan="sequential")
        >>> bool(torch.allclose(fast(x)[0], slow(x)[0], atol=1e-6))
        True
    """

    cell = "mingru"

    def coefficients(self, xproj):
        a_z, h_tilde = xproj.chunk(2, dim=-1)
        z = torch.sigmoid(a_z)
        return 1.0 - z, z * h_tilde
