r"""A stack of recurrent layers on the fused scans, with ``torch.nn``'s contract and autograd.

:func:`run_stack` is what ``rnnlab.torch.RNN/LSTM/GRU.forward`` calls on the CPU: the same
inputs, outputs and parameters as ``torch.nn.RNN/LSTM/GRU(batch_first=True)`` with
``pack_padded_sequence`` for ``lengths``. Inside, each layer is one :class:`FusedLayer`
(an ``autograd.Function``) that runs every direction:

forward, per direction::

    x̂_g = X W_igᵀ + b_g      for all steps and gates: one batched product (G × T·B × I × H)
    y, h_n, … = scan(x̂)      the cell's fused scan (:class:`~.kernel.CellKernel`)

backward, per direction, from the scan's ``dL/dx̂`` and the recurrent pre-activation's
gradient ``dÂ`` (equal to ``dL/dx̂`` except where the cell keeps a bias inside the scan)::

    dW_ig = dL/dx̂_gᵀ X    db_ig = Σ dL/dx̂_g    dX += dL/dx̂_g W_ig
    dW_hg = dÂ_gᵀ Hprev    db_hg = Σ dÂ_g        (sums over all steps and rows)

so only the recurrence itself is sequential; the products above are whole-sequence matrix
products (:mod:`~.products`): in torch (MKL) on Intel processors, each one batched call over
the gates (at the small sizes rnnlab trains, torch's cost per call, several µs, matters as much
as the arithmetic), and on the scans' own BLAS elsewhere, where MKL is slow. Sequences
inside are time-major ``(T, B, F)`` (see :mod:`~.kernel` for the layout) and the stack
converts from and to batch-first once at each end, as ``torch.nn`` does (the output is a
batch-first view, not a copy). Dropout between layers is ``torch.nn.functional.dropout`` on
each layer's output in training mode, as in ``torch.nn`` (same probability and scaling; the
random masks are drawn differently).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from rnnlab.torch.cpu_kernels import products
from rnnlab.torch.cpu_kernels.jit import single_threaded_blas
from rnnlab.torch.cpu_kernels.kernel import CellKernel

_PARAMETERS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _array(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().contiguous().numpy()


def _projection(flat: torch.Tensor, w_ih: torch.Tensor, input_bias: np.ndarray, gates: int,
                hidden: int) -> np.ndarray:
    """``x̂`` ``(G, T·B, H)`` of every step and gate: ``flat`` ``(T·B, I)`` times each gate's
    ``W_igᵀ``, plus its bias (in torch or on the scans' BLAS: :data:`products.ON_TORCH`)."""
    inputs = flat.shape[1]
    if products.ON_TORCH:
        return torch.baddbmm(torch.from_numpy(input_bias).view(gates, 1, hidden),
                             flat.expand(gates, flat.shape[0], inputs),
                             w_ih.view(gates, hidden, inputs).transpose(1, 2)).numpy()
    xp = np.empty((gates, flat.shape[0], hidden), dtype=input_bias.dtype)
    products.project(_array(flat), _array(w_ih).reshape(gates, hidden, inputs),
                     input_bias.reshape(gates, hidden), xp)
    return xp


def _parameter_gradients(dxp: np.ndarray, d_rec: np.ndarray, flat: torch.Tensor,
                         hprev: np.ndarray, w_ih: torch.Tensor, w_hh: torch.Tensor,
                         dX: torch.Tensor | None, first: bool) -> list[torch.Tensor]:
    """``[dW_ih, dW_hh, db_ih, db_hh]`` of one direction from the scan's ``dxp`` ``(G, T·B, H)``
    and ``d_rec`` ``(K, T·B, H)`` (:class:`~.kernel.CellKernel`); adds the input's gradient
    to ``dX`` ``(T·B, I)`` when it is not None (on the scans' BLAS the ``first`` direction
    writes it: ``dX`` comes from :func:`_input_gradient`, uninitialised there)."""
    gates, _, hidden = dxp.shape
    inputs = flat.shape[1]
    if products.ON_TORCH:
        dxp_t, d_rec_t = torch.from_numpy(dxp), torch.from_numpy(d_rec)
        if d_rec_t.shape[0] < gates:   # the first gates' recurrent gradients are dxp's
            d_rec_t = torch.cat([dxp_t[:gates - d_rec_t.shape[0]], d_rec_t])
        previous = torch.from_numpy(hprev)
        if dX is not None:
            for g, w_g in enumerate(w_ih.view(gates, hidden, inputs)):
                dX.addmm_(dxp_t[g], w_g)
        return [torch.matmul(dxp_t.transpose(1, 2), flat).view_as(w_ih),
                torch.matmul(d_rec_t.transpose(1, 2), previous).view_as(w_hh),
                dxp_t.sum(dim=1).view(-1), d_rec_t.sum(dim=1).view(-1)]
    dw_ih = np.empty((gates, hidden, inputs), dtype=dxp.dtype)
    dw_hh = np.empty((gates, hidden, hidden), dtype=dxp.dtype)
    db_ih, db_hh = np.empty((gates, hidden), dxp.dtype), np.empty((gates, hidden), dxp.dtype)
    need_x = dX is not None
    dx = dX.numpy() if need_x else np.empty((0, 0), dtype=dxp.dtype)
    products.parameter_gradients(dxp, d_rec, _array(flat), hprev,
                                 _array(w_ih).reshape(gates, hidden, inputs), dw_ih, dw_hh,
                                 db_ih, db_hh, dx, need_x, not first)
    return [torch.from_numpy(dw_ih).view_as(w_ih), torch.from_numpy(dw_hh).view_as(w_hh),
            torch.from_numpy(db_ih).view(-1), torch.from_numpy(db_hh).view(-1)]


def _output_gradient(dy: torch.Tensor) -> tuple[np.ndarray, bool]:
    """One direction's ``dL/dy`` ``(T, B, H)`` for the backward scans, and whether it is handed
    over batch-first: the layer's output is a batch-first view, so its gradient usually
    arrives as one, and is then read in place as ``(B, T, H)`` rather than copied to
    time-major (inside a stack, and for one direction of two, it is time-major or copied)."""
    if not dy.is_contiguous():
        batch_first = dy.transpose(0, 1)
        if batch_first.is_contiguous():
            return batch_first.detach().numpy(), True
    return _array(dy), False


def _input_gradient(flat: torch.Tensor) -> torch.Tensor:
    """The buffer for ``dL/dX`` ``(T·B, I)``: zeros for torch's ``addmm_``, uninitialised for
    the scans' BLAS, where the first direction's product writes every value."""
    return torch.zeros_like(flat) if products.ON_TORCH else torch.empty_like(flat)


class FusedLayer(torch.autograd.Function):
    """One layer, all its directions. ``apply(kernel, lengths, directions, X, *tensors)``.

    ``X`` is ``(T, B, I)``; ``tensors`` are the four parameters of each direction (PyTorch's
    order ``W_ih, W_hh, b_ih, b_hh``) followed by the initial states of each direction
    (``kernel.states`` tensors of shape ``(B, H)`` each). Returns ``y`` ``(T, B, D·H)`` and the
    final states in the same order as the initial ones.
    """

    @staticmethod
    def forward(ctx: Any, kernel: CellKernel, lengths: np.ndarray, directions: int,
                X: torch.Tensor, *tensors: torch.Tensor):
        steps, batch, inputs = X.shape
        params = [tensors[4 * d:4 * d + 4] for d in range(directions)]
        states = tensors[4 * directions:]
        gates, hidden = kernel.gates, params[0][1].shape[1]
        flat = X.reshape(steps * batch, inputs)
        outputs, finals, caches = [], [], []
        single_threaded_blas()
        for d, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
            input_bias, inner_bias = kernel.split_bias(_array(b_ih), _array(b_hh), hidden)
            xp = _projection(flat, w_ih, input_bias, gates, hidden)
            y = np.empty((steps, batch, hidden), dtype=xp.dtype)
            state0 = tuple(_array(s) for s in states[kernel.states * d:kernel.states * (d + 1)])
            out, hprev, saved = kernel.forward(
                xp.reshape(gates, steps, batch, hidden), _array(w_hh),
                np.ascontiguousarray(inner_bias), state0, lengths, d == 1, y)
            outputs.append(torch.from_numpy(y))
            finals.extend(torch.from_numpy(s) for s in out)
            caches.append((hprev, saved))
        ctx.kernel, ctx.lengths, ctx.caches = kernel, lengths, caches
        ctx.save_for_backward(X, *(p for group in params for p in group[:2]))
        y = outputs[0] if directions == 1 else torch.cat(outputs, dim=2)
        return (y, *finals)

    @staticmethod
    def backward(ctx: Any, dy: torch.Tensor, *dfinals: torch.Tensor):
        kernel, lengths = ctx.kernel, ctx.lengths
        X, *weights = ctx.saved_tensors
        steps, batch, inputs = X.shape
        flat = X.reshape(steps * batch, inputs)
        hidden = weights[1].shape[1]
        dX = _input_gradient(flat) if ctx.needs_input_grad[3] else None
        grads: list[torch.Tensor] = []
        dstates: list[torch.Tensor] = []
        for d, (hprev, saved) in enumerate(ctx.caches):
            w_ih, w_hh = weights[2 * d], weights[2 * d + 1]
            dfinal = tuple(_array(g) for g in dfinals[kernel.states * d:kernel.states * (d + 1)])
            dxp, d_recurrent, dstate0 = kernel.backward(
                saved, _array(w_hh), lengths, d == 1,
                *_output_gradient(dy[:, :, d * hidden:(d + 1) * hidden]), dfinal)
            shape = (-1, steps * batch, hidden)
            grads += _parameter_gradients(dxp.reshape(shape), d_recurrent.reshape(shape), flat,
                                          hprev.reshape(steps * batch, hidden), w_ih, w_hh,
                                          dX, d == 0)
            dstates.extend(torch.from_numpy(s) for s in dstate0)
        dX = None if dX is None else dX.view(steps, batch, inputs)
        return (None, None, None, dX, *grads, *dstates)


def _initial_states(module: Any, kernel: CellKernel, h0: Any, batch: int,
                    dtype: torch.dtype) -> list[list[torch.Tensor]]:
    """``states[s][k]`` ``(B, H)``: state ``s`` (h, c) of layer-direction ``k = l·D + d``."""
    count = module.num_layers * (2 if module.bidirectional else 1)
    if h0 is None:
        zeros = torch.zeros(batch, module.hidden_size, dtype=dtype)
        return [[zeros] * count for _ in range(kernel.states)]
    given = tuple(h0) if kernel.states == 2 else (h0,)
    return [[value[k] for k in range(count)] for value in given]


def run_stack(module: Any, kernel: CellKernel, x: torch.Tensor, h0: Any,
              lengths: np.ndarray | None):
    """``module``'s forward on the fused scans; ``x`` ``(B, T, I)`` on the CPU.

    Returns ``(y, h_n)`` (``(y, (h_n, c_n))`` for two states) exactly as ``torch.nn`` with
    ``batch_first=True`` and, for ``lengths``, packed sequences padded back to ``T``.
    """
    batch, steps, _ = x.shape
    directions = 2 if module.bidirectional else 1
    lengths = (np.full(batch, steps, dtype=np.int64) if lengths is None
               else np.ascontiguousarray(lengths, dtype=np.int64))
    states = _initial_states(module, kernel, h0, batch, x.dtype)
    finals: list[list[torch.Tensor]] = [[] for _ in range(kernel.states)]
    X = x.transpose(0, 1).contiguous()
    for layer in range(module.num_layers):
        if layer > 0 and module.dropout > 0 and module.training:
            X = F.dropout(X, module.dropout, training=True)
        tensors = []
        for d in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if d == 1 else "")
            tensors += [getattr(module, name + suffix) for name in _PARAMETERS]
        for d in range(directions):
            tensors += [states[s][layer * directions + d] for s in range(kernel.states)]
        X, *out = FusedLayer.apply(kernel, lengths, directions, X, *tensors)
        for d in range(directions):
            for s in range(kernel.states):
                finals[s].append(out[kernel.states * d + s])
    y = X.transpose(0, 1)   # a batch-first view, as torch.nn returns it
    result = tuple(torch.stack(f) for f in finals)
    return y, (result if kernel.states == 2 else result[0])
