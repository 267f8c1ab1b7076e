"""Cells whose gates read only the input, on torch: the linear recurrence as a parallel scan.

``h_t = a_t ⊙ h_{t-1} + b_t`` with every ``a_t``, ``b_t`` computed from the inputs at once; the
forward pass composes the steps in ``2 ⌈log₂ T⌉`` whole-tensor operations (Blelloch's
work-efficient scan) and the backward pass is the same scan run backwards in time,
``g_t = ∂L/∂h_t + a_{t+1} g_{t+1}``
(:class:`LinearScan`, written by hand so that autograd keeps two tensors instead of every pass).
See :mod:`rnnlab.reference.linear_scan` for the derivation; ``scan="sequential"`` loops over the
step instead and gives the same numbers.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from rnnlab.torch.scan import StepRecurrent

SCANS = ("parallel", "sequential")


def parallel_scan(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor) -> torch.Tensor:
    """All states of ``h_t = a_t ⊙ h_{t-1} + b_t``; ``a``, ``b`` ``(B, T, H)``, ``h0``
    ``(B, H)`` → ``(B, T, H)``, by the up-sweep and down-sweep of
    :func:`rnnlab.reference.linear_scan.parallel_scan` (no autograd: see :class:`LinearScan`).
    """
    a = a.clone()
    h = b.clone()
    h[:, 0] += a[:, 0] * h0
    steps = h.shape[1]
    span = 1
    while 2 * span <= steps:
        right, left = slice(2 * span - 1, steps, 2 * span), slice(span - 1, steps - span,
                                                                   2 * span)
        h[:, right] += a[:, right] * h[:, left]
        a[:, right] *= a[:, left]
        span *= 2
    span //= 2
    while span >= 1:
        right, left = slice(3 * span - 1, steps, 2 * span), slice(2 * span - 1,
                                                                   steps - span, 2 * span)
        h[:, right] += a[:, right] * h[:, left]
        span //= 2
    return h


class LinearScan(torch.autograd.Function):
    """``h = LinearScan.apply(a, b, h0)`` with the backward pass of the module docstring."""

    @staticmethod
    def forward(ctx, a, b, h0):
        h = parallel_scan(a, b, h0)
        ctx.save_for_backward(a, h, h0)
        return h

    @staticmethod
    def backward(ctx, grad):
        a, h, h0 = ctx.saved_tensors
        shifted = torch.cat([torch.zeros_like(a[:, :1]), a.flip(1)[:, :-1]], dim=1)
        g = parallel_scan(shifted, grad.flip(1), torch.zeros_like(h0)).flip(1)
        h_prev = torch.cat([h0[:, None], h[:, :-1]], dim=1)
        return g * h_prev, g, a[:, 0] * g[:, 0]


class InputGatedRecurrent(StepRecurrent):
    """Base of :class:`~rnnlab.torch.minlstm.MinLSTM` and :class:`~rnnlab.torch.mingru.MinGRU`.

    A subclass gives ``coefficients(xproj) -> (a, b)`` for ``xproj = W_ih x + b_ih`` (any
    leading shape); the step and the parallel scan both use it. ``scan="parallel"`` (default)
    or ``"sequential"``.
    """

    def __init__(self, *args, scan: str = "parallel", **kwargs) -> None:
        if scan not in SCANS:
            raise ValueError(f"scan must be 'parallel' or 'sequential', got {scan!r}")
        super().__init__(*args, **kwargs)
        self.scan = scan

    def coefficients(self, xproj: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError

    def step(self, xproj, state, p):
        a, b = self.coefficients(xproj)
        return (a * state[0] + b,)

    def direction(self, x, state, mask, p):
        if self.scan == "sequential":
            return super().direction(x, state, mask, p)
        a, b = self.coefficients(F.linear(x, p["weight_ih"], p["bias_ih"]))
        if mask is not None:                      # padding: the identity step (a, b) = (1, 0)
            a = torch.where(mask, a, torch.ones_like(a))
            b = b * mask
        h = LinearScan.apply(a, b, state[0])
        return (h if mask is None else h * mask), (h[:, -1],)
