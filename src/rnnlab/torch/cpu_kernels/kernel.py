"""The contract between a cell's fused scans and the layer that runs them.

A cell plugs in with one :class:`CellKernel`: how its biases split between the input
projection and the scan, and a forward and a backward function on NumPy arrays. Everything
else — the input projection ``x̂ = W_ih x + b`` for all steps before the scan, the weight and
input gradients as whole-sequence products after it, directions, layers, dropout, the state
layout of ``torch.nn`` — is the layer's (:mod:`rnnlab.torch.cpu_kernels.layer`), the same for
every cell.

Layout, and why. Sequences are time-major, ``(T, B, F)``, so that every whole-sequence
operand is a plain ``(T·B, F)`` matrix for one BLAS product; gate pre-activations are
gate-major, ``(G, T, B, H)``, so that one gate of one step is a contiguous ``(B, H)`` block
and the elementwise work of a step runs as flat loops over ``B·H`` values (vectorised, with
no ragged ends when ``H`` is not a multiple of the vector width). States are ``(B, H)``.
Measured on prototypes of a GRU step (ns per hidden unit and step, median of 25): loops over
rows of ``H`` (batch-major blocks) gave 5–12 at ``H`` = 16–34 where long contiguous rows gave
3.6–5.7; features-outermost sequences ``(F, T, B)`` read each step's rows from pages ``T·B``
apart: 8–42 against 4.5–15 at ``H`` = 128; feature-major step blocks stored ``(T, F, B)``
made the weight-gradient products batched or copied (1.5–6× one plain product at 64×100).

All arrays are C-contiguous in the module's dtype (the output gradient ``dy`` reaches the
backward scans time-major ``(T, B, H)`` or batch-first ``(B, T, H)``, as it arrives: see
:func:`add_output_gradient`); ``lengths`` is ``(B,)`` int64 (``T``
everywhere when nothing is padded); a step ``t ≥ lengths[b]`` is padding for row ``b``: its
output is 0 and its state passes through unchanged, in both directions (``reverse=True`` walks
``t = T−1 … 0``), which is what ``pack_padded_sequence`` means for a right-padded batch.
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
#: backward(saved, w_hh, lengths, reverse, dy, dy_batch_first, dfinals)
#:     -> (dxp, d_recurrent, dstates0)
Backward = Callable[..., tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]]


@dataclass(frozen=True)
class CellKernel:
    """One cell's fused scans.

    Attributes:
        gates: gate blocks stacked in ``W_ih``/``W_hh`` (``G``; the projection has ``G·H`` rows).
        states: 1 (``h``) or 2 (``h, c``).
        split_bias: ``(b_ih, b_hh, H) -> (input_bias (G·H,), inner_bias)`` on NumPy arrays
            (never modifying its inputs); the input bias is added to the projection, the inner
            one (possibly empty) goes to the scan.
        forward: ``(xp, w_hh, inner_bias, states0, lengths, reverse, y)`` →
            ``(finals, hprev, saved)``. ``xp`` ``(G, T, B, H)`` is the projection (the scan
            may overwrite it), ``w_hh`` PyTorch's ``(G·H, H)``, ``states0``/``finals`` tuples
            of ``(B, H)``; ``y`` ``(T, B, H)`` is written, and ``hprev`` ``(T, B, H)`` holds
            ``h_{t−1}`` of every step (for ``dW_hh``).
        backward: ``(saved, w_hh, lengths, reverse, dy, dy_batch_first, dfinals)`` →
            ``(dxp, d_recurrent, dstates0)``; ``dy`` is ``(T, B, H)``, or ``(B, T, H)`` when
            ``dy_batch_first``; ``dxp = dL/dxp`` ``(G, T, B, H)``, and
            ``d_recurrent`` ``(K, T, B, H)`` the gradient of the recurrent pre-activation
            ``W_hh h + b_hh`` of the last ``K ≤ G`` gates; the first ``G − K`` gates' equal
            their ``dxp`` (``dxp`` itself when ``b_hh`` folds into the projection, ``K = G``;
            the GRU returns only its ``n`` gate's, ``K = 1``).
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


@numba.njit(**JIT)
def flat(block):
    """A C-contiguous ``(B, H)`` block as a 1-D view of ``B·H`` values."""
    return block.reshape(block.shape[0] * block.shape[1])


@numba.njit(**JIT)
def recurrent_products(h, weights, out):
    """``out[g] = h @ weights[g]`` for every gate (one BLAS call each)."""
    for g in range(weights.shape[0]):
        np.dot(h, weights[g], out[g])


@numba.njit(**JIT)
def hold_padded_rows(lengths, t, state, previous):
    """Rows ``b`` with ``t ≥ lengths[b]`` take back their state from before the step."""
    for b in range(lengths.shape[0]):
        if t >= lengths[b]:
            state[b] = previous[b]


@numba.njit(**JIT)
def zero_padded_rows(lengths, t, out):
    """Rows ``b`` with ``t ≥ lengths[b]`` output 0, as ``pad_packed_sequence`` pads."""
    for b in range(lengths.shape[0]):
        if t >= lengths[b]:
            out[b] = 0.0


@numba.njit(**JIT)
def add_output_gradient(dh, dy, batch_first, t, out):
    """``out = dh + dy_t`` ``(B, H)``: the gradient reaching step ``t``'s output ``h_t``.

    ``dy`` is ``(T, B, H)``, or ``(B, T, H)`` when ``batch_first``: a batch-first layer's
    gradient arrives batch-first, and reading its rows in place (``H`` contiguous values each)
    saves copying all of it to time-major before the scan (measured: 60 µs of a 2 ms forward +
    backward at 32×40, H = 128; 1 ms of 15 at 64×100).
    """
    if batch_first:
        for b in range(dh.shape[0]):
            row, state, into = dy[b, t], dh[b], out[b]
            for j in range(row.shape[0]):
                into[j] = state[j] + row[j]
    else:
        step, state, into = flat(dy[t]), flat(dh), flat(out)
        for i in range(step.shape[0]):
            into[i] = state[i] + step[i]
