"""The contract between a cell's fused scans and the layer that runs them.

A cell plugs in with one :class:`CellKernel`: how its biases split between the input
projection and the scan, and a forward and a backward function on NumPy arrays. Everything
else — the input projection ``x̂ = W_ih x + b`` for all steps before the scan, the weight and
input gradients as whole-sequence products after it, directions, layers, dropout, the state
layout of ``torch.nn`` — is the layer's (:mod:`rnnlab.torch.cpu_kernels.layer`), the same for
every cell.

Arrays are ``(features, T, B)`` for sequences and ``(H, B)`` for states, C-contiguous, in the
module's dtype; ``lengths`` is ``(B,)`` int64 (``T`` everywhere when nothing is padded); a step
``t ≥ lengths[b]`` is padding for column ``b``: its output is 0 and its state passes through
unchanged, in both directions (``reverse=True`` walks ``t = T−1 … 0``), which is what
``pack_padded_sequence`` means for a right-padded batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from rnnlab.torch.cpu_kernels.jit import JIT

#: forward(xp, w_hh, inner_bias, states0, lengths, reverse, y) -> (finals, hprev, saved)
Forward = Callable[..., tuple[tuple[np.ndarray, ...], np.ndarray, Any]]
#: backward(saved, w_hh, lengths, reverse, dy, dfinals) -> (dxp, recurrent_blocks, dstates0)
Backward = Callable[..., tuple[np.ndarray, tuple[tuple[int, np.ndarray], ...],
                               tuple[np.ndarray, ...]]]


@dataclass(frozen=True)
class CellKernel:
    """One cell's fused scans.

    Attributes:
        gates: gate blocks stacked in ``W_ih``/``W_hh`` (``G``; the projection has ``G·H`` rows).
        states: 1 (``h``) or 2 (``h, c``).
        split_bias: ``(b_ih, b_hh, H) -> (input_bias (G·H,), inner_bias)``; the input bias is
            added to the projection, the inner one (possibly empty) goes to the scan.
        forward: ``(xp, w_hh, inner_bias, states0, lengths, reverse, y)`` →
            ``(finals, hprev, saved)``. ``xp`` ``(G·H, T, B)`` is the projection (the scan may
            overwrite it), ``states0``/``finals`` tuples of ``(H, B)``, ``y`` ``(H, T, B)`` is
            written, ``hprev`` ``(H, T, B)`` holds ``h_{t−1}`` of every step (for ``dW_hh``).
        backward: ``(saved, w_hh, lengths, reverse, dy, dfinals)`` →
            ``(dxp, recurrent_blocks, dstates0)``: ``dxp = dL/dxp`` ``(G·H, T, B)``, and the
            gradient of the recurrent pre-activation ``W_hh h + b_hh`` as ``(first_row,
            block)`` pairs covering rows ``0 … G·H−1`` (``((0, dxp),)`` when it equals
            ``dxp``, as for every cell whose ``b_hh`` folds into the projection).
    """

    gates: int
    states: int
    split_bias: Callable[..., tuple[Any, Any]]
    forward: Forward
    backward: Backward


@numba.njit(**JIT)
def all_valid(lengths, t):
    """Whether step ``t`` is inside every sequence of the batch (no padding to handle)."""
    for b in range(lengths.shape[0]):
        if t >= lengths[b]:
            return False
    return True
