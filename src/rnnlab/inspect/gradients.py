r"""Gradient flow through time: ``‖∂L/∂h_t‖`` for every step of every recurrent layer.

The reference engine's backward scans return only ``∂L/∂h_0``; the gradient at every step is
there, but inside the loop. To see it without touching the engine, this module runs the *public*
backward scan of each cell (``lstm_backward_scan`` etc.) **one step at a time** on one-step
slices of the forward cache, carrying the state gradient from step ``t`` back to ``t − 1``::

    g_t = ∂L/∂h_t = dy_t + (∂h_{t+1}/∂h_t)ᵀ g_{t+1}      (total derivative; dy_t from above)

The one-step scans apply exactly the engine's equations, so ``g_t`` is what BPTT computes. For
the LSTM the cell-state gradient is reported as the total derivative too, including the path
through ``h_t = o_t ⊙ tanh(c_t)``::

    ∂L/∂c_t = dc_t(from t+1) + g_t ⊙ o_t ⊙ (1 − tanh²(c_t))

A vanilla RNN multiplies ``g`` by ``W_hhᵀ diag(1 − h²)`` at every step, so with small recurrent
weights ``‖g_t‖`` falls geometrically with the distance from the loss — the vanishing gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab import reference
from rnnlab.engines.reference_nodes import EmbeddingNode, RecurrentNode
from rnnlab.reference.gru import gru_backward_scan
from rnnlab.reference.lstm import lstm_backward_scan
from rnnlab.reference.recurrent import ScanCache
from rnnlab.reference.rnn import rnn_backward_scan
from rnnlab.targets import (
    IGNORE,
    class_targets,
    regression_targets,
    sequence_class_targets,
    sequence_regression_targets,
)

BACKWARD_SCANS = {"rnn": rnn_backward_scan, "lstm": lstm_backward_scan, "gru": gru_backward_scan}


# ---------------------------------------------------------------------- the loss
def loss_and_gradient(model: Any, out: np.ndarray, lengths: np.ndarray,
                      y: Any = None) -> tuple[float, np.ndarray, str]:
    """The loss whose gradient is traced, ``dL/dout`` and its kind.

    With targets ``y``: the model's own training loss (cross-entropy for a classifier, mean
    squared error for a regressor, over valid steps for per-step outputs). Without: the size of
    the last output, ``L = ½ · mean_b ‖o_b‖²`` with ``o_b`` the raw output (logits or values)
    of sequence ``b`` at its last valid step.
    """
    n = out.shape[0]
    if y is None:
        grad = np.zeros_like(out)
        rows = np.arange(n)
        last = out[rows, lengths - 1] if out.ndim == 3 else out
        if out.ndim == 3:
            grad[rows, lengths - 1] = last / n
        else:
            grad[:] = last / n
        return float(0.5 * np.sum(last * last) / n), grad, "output_norm"
    units = model.output_units
    if model.task == "classify":
        codes, _ = class_targets(y, n, units, model.classes)
        loss, grad = reference.softmax_cross_entropy(out, codes, ignore_index=IGNORE)
    elif model.task == "regress":
        values, _ = regression_targets(y, n, units)
        loss, grad = reference.mean_squared_error(out, values)
    elif model.is_classifier:
        codes, _ = sequence_class_targets(y, lengths, units, model.classes)
        loss, grad = reference.softmax_cross_entropy(out[:, : codes.shape[1]], codes,
                                                     ignore_index=IGNORE)
    else:
        values, _ = sequence_regression_targets(y, lengths, units)
        mask = (np.arange(out.shape[1])[None, :] < lengths[:, None])[:, :, None]
        diff = (out - values) * mask
        count = int(mask.sum()) * units
        loss, grad = float(np.sum(diff * diff) / count), (2.0 / count) * diff
    return float(loss), grad, "model"


# ---------------------------------------------------------------------- one scan, step by step
def step_cache(scan: ScanCache, t: int) -> ScanCache:
    """The slice of a forward cache that covers step ``t`` only (views, no copies)."""
    acts = scan.acts[:, t:t + 1] if scan.acts.ndim == 4 else scan.acts[t:t + 1]
    return ScanCache(acts=acts, states=tuple(s[t:t + 2] for s in scan.states),
                     extra=tuple(e[t:t + 1] for e in scan.extra),
                     mask=None if scan.mask is None else scan.mask[t:t + 1], w_hh=scan.w_hh)


def state_gradients(cell: str, scan: ScanCache, dy: np.ndarray,
                    dstate_n: tuple[np.ndarray, ...], nonlinearity: str = "tanh",
                    ) -> tuple[np.ndarray, np.ndarray | None]:
    """Total ``∂L/∂h_t`` (and ``∂L/∂c_t`` for the LSTM) at every step of one scan.

    Args:
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        scan: the forward cache of one layer and direction (time in scan order).
        dy: ``(T, B, H)`` gradient with respect to this scan's outputs, in scan order.
        dstate_n: ``(dh_n,)`` or ``(dh_n, dc_n)``, each ``(B, H)``.
    Returns:
        ``(T, B, H)`` arrays ``dh`` and ``dc`` (None unless LSTM), in scan order.
    """
    if scan.state_gradients is not None:   # a scan that replays its own backward pass
        return scan.state_gradients(dy, dstate_n)
    backward_scan = BACKWARD_SCANS[cell]
    steps = dy.shape[0]
    dh = np.empty(dy.shape, dtype=np.float64)
    dc = np.empty(dy.shape, dtype=np.float64) if cell == "lstm" else None
    dstate = tuple(np.array(d, dtype=scan.acts.dtype) for d in dstate_n)
    for t in reversed(range(steps)):
        dh[t] = dstate[0] + dy[t]
        if dc is not None:
            o, tanh_c = scan.acts[3, t], scan.extra[0][t]
            dc[t] = dstate[1] + dh[t] * o * (1.0 - tanh_c * tanh_c)
        *_, dstate = backward_scan(step_cache(scan, t), dy[t:t + 1], dstate, nonlinearity)
    return dh, dc


# ---------------------------------------------------------------------- the whole network
def _flow_of_stack(node: RecurrentNode, stack: Any, dy: np.ndarray,
                   dh_n: np.ndarray | None) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """Per-direction ``(‖∂L/∂h_t‖, ‖∂L/∂c_t‖)`` ``(B, T)`` of one one-layer stack, in input
    order; ``dy`` ``(B, T, D*H)`` and ``dh_n`` ``(D, B, H)`` are what its backward receives."""
    cell, hidden = node.layer.cell, stack.spec.state_size
    batch = dy.shape[0]
    dy_time = dy.transpose(1, 0, 2)
    flows = []
    for direction, scan in enumerate(stack._cache[0].scans):
        dy_dir = dy_time[:, :, direction * hidden:(direction + 1) * hidden]
        if direction == 1:
            dy_dir = dy_dir[::-1]
        zeros = np.zeros((batch, hidden))
        dstate = (zeros if dh_n is None else dh_n[direction],)
        if stack.spec.has_cell_state:
            dstate = (*dstate, np.zeros((batch, stack.spec.hidden_size)))
        dh, dc = state_gradients(cell, scan, dy_dir, dstate, stack.nonlinearity)
        norms = []
        for grad in (dh, dc):
            if grad is None:
                norms.append(None)
                continue
            norm = np.linalg.norm(grad, axis=-1)                    # (T, B)
            norms.append(np.ascontiguousarray((norm[::-1] if direction else norm).T))
        flows.append((norms[0], norms[1]))
    return flows


def backward_flow(engine: Any, grad_out: np.ndarray, batch: int, steps: int,
                  ) -> dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray | None]]:
    """Backpropagate ``grad_out`` through the engine's last forward (in eval mode) and return
    ``{(model layer index, stacked k, direction): (‖∂L/∂h_t‖, ‖∂L/∂c_t‖)}``, each ``(B, T)``.

    Mirrors :meth:`RecurrentNode.backward` so that every stack's own ``dy`` and ``dh_n`` are at
    hand: ``output="last"`` feeds the gradient in through ``dh_n`` of the last stack.
    """
    flows = {}
    grad = grad_out
    for index, node in reversed(engine.nodes):
        if isinstance(node, EmbeddingNode):
            break  # token ids have no gradient; nothing recurrent lies below
        if not isinstance(node, RecurrentNode):
            grad = node.backward(grad)
            continue
        layer = node.layer
        dh_n = None
        if layer.output == "last":
            d, hidden = layer.directions, node.stacks[-1].spec.state_size
            dh_n = np.ascontiguousarray(grad.reshape(batch, d, hidden).transpose(1, 0, 2))
            grad = np.zeros((batch, steps, d * hidden))
        for k in reversed(range(len(node.stacks))):
            stack = node.stacks[k]
            for direction, flow in enumerate(_flow_of_stack(node, stack, grad, dh_n)):
                flows[(index, k, direction)] = flow
            grad = stack.backward(grad, dh_n)
            dh_n = None
            if k > 0:
                grad = node.drops[k - 1].backward(grad)
    return flows


# ---------------------------------------------------------------------- by distance
def flow_by_distance(grad_hidden: np.ndarray, distance: np.ndarray, *, relative: bool = True,
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradient flow against the distance from the end of the scan, averaged over sequences.

    Each sequence is measured from its *own* last step: ``d`` counts steps back from where its
    scan ends (``distance``, NaN past its end), and with ``relative=True`` its norms are divided
    by its own norm at ``d = 0``,

        r_b(d) = ‖∂L/∂h_{end_b − d}‖ / ‖∂L/∂h_{end_b}‖,

    so that the curve shows how the gradient decays, not how large each sequence's loss was.
    Entry ``d`` is the mean over the sequences that reach distance ``d`` (length > d), and
    ``count[d]`` says how many those are: on variable-length data the long end of the curve
    rests on the few longest sequences. A sequence whose gradient at ``d = 0`` is zero has no
    ratio and is left out.

    Args:
        grad_hidden: ``(B, T)`` ``‖∂L/∂h_t‖``, NaN past each sequence's end.
        distance: ``(B, T)`` steps from the end of the scan, NaN past each sequence's end.
        relative: divide by each sequence's own norm at distance 0 (``False``: raw norms).

    Returns:
        ``(distance, mean, count)``, each of length ``max distance + 1``.

    Example:
        >>> g = np.array([[4.0, 2.0, 1.0], [np.nan, 9.0, 3.0]])   # lengths 3 and 2
        >>> d = np.array([[2.0, 1.0, 0.0], [np.nan, 1.0, 0.0]])
        >>> _, mean, count = flow_by_distance(g, d)
        >>> mean.tolist(), count.tolist()
        ([1.0, 2.5, 4.0], [2, 2, 1])
    """
    steps = int(np.nanmax(distance)) + 1
    values = np.asarray(grad_hidden, dtype=np.float64)
    if relative:
        end = np.nansum(np.where(distance == 0, values, np.nan), axis=1)       # (B,)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(end[:, None] > 0, values / end[:, None], np.nan)
    means = np.full(steps, np.nan)
    counts = np.zeros(steps, dtype=np.int64)
    for d in range(steps):
        chosen = values[(distance == d) & np.isfinite(values)]
        counts[d] = chosen.size
        if chosen.size:
            means[d] = chosen.mean()
    return np.arange(steps), means, counts
