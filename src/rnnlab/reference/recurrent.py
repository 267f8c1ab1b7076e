"""The machinery shared by the NumPy RNN, LSTM and GRU: layers, directions, masks, parameters.

A :class:`RecurrentStack` owns the parameters (PyTorch names and layout, see
:mod:`rnnlab.recurrent_spec`) and runs every layer and direction, one direction at a time through
:meth:`RecurrentStack._forward_direction` and :meth:`RecurrentStack._backward_direction`. By
default those call a pair of cell-specific *scan* functions (``rnn.py``, ``gru.py``)::

    forward_scan(xproj, w_hh, b_hh, state0, mask, nonlinearity, buffer) -> y, state_n, cache
    backward_scan(cache, dy, dstate_n, nonlinearity, buffer) -> dxproj, dw_hh, db_hh, dstate0

``buffer(name, shape, dtype)`` hands out scratch arrays (see :class:`Workspace`); ``db_hh`` is
None when ``b_hh`` was folded into ``xproj`` (its gradient then equals ``b_ih``'s). The LSTM
overrides the two per-direction methods with scans of its own layout (see ``lstm.py``).

Layout choices, and why:

* Internally sequences are **time-major** ``(T, B, ·)`` so that the slice for one step is a
  contiguous block that BLAS can use without copying; the public API is batch-first.
* Gate pre-activations are **gate-major**, ``(G, T, B, H)``: gate ``k`` of step ``t`` is the
  contiguous ``(B, H)`` block ``acts[k, t]``. Elementwise gate arithmetic on contiguous blocks
  runs about twice as fast as on column slices of a ``(B, G*H)`` array. ``h W_hhᵀ`` for all
  gates is one product per step (the GRU's a stacked ``(B, H) @ (3, H, H)``).
* The input projection ``x_t W_ihᵀ + b_ih`` of *all* steps is one stacked matmul before the time
  loop, and ``dW_ih``/``dx`` one each after it; only ``h W_hhᵀ`` stays inside the loop. The
  inputs carry an extra feature fixed at 1 (:func:`with_ones_column`), so the same products add
  the bias and give its gradient: a separate pass over the ``(G, T, B, H)`` array cost as much
  as the product itself.
* Sigmoid gates are computed as ``σ(z) = ½ + ½·tanh(z/2)`` so that one ``tanh`` call covers
  every gate of a step. The halving is folded into the input weights here (see
  :meth:`RecurrentStack._projection`) and into ``W_hh`` by the scans; backward scans return
  gradients with respect to the true (unscaled) pre-activations, so nothing else changes.
* The reverse direction runs the same scan on the time-flipped inputs. With variable
  ``lengths`` a right-padded batch becomes left-padded when flipped, and the mask keeps the state
  at ``h0`` through the padding, so each sequence is read from its own last valid step — the
  semantics of ``torch.nn.utils.rnn.pack_padded_sequence``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from rnnlab.initializers import initial_parameters
from rnnlab.recurrent_spec import RecurrentSpec
from rnnlab.validation import (
    check_lengths,
    check_output_gradient,
    check_sequence_input,
    check_state,
)


@dataclass
class ScanCache:
    """What a forward scan keeps for its backward scan (one layer, one direction).

    The LSTM's arrays are views of its own feature-major storage in these same logical shapes,
    and its backward pass overwrites ``acts``: read a cache after a forward, not after a backward.
    Scans that loop over a cell's textbook step (:mod:`rnnlab.reference.stepping`) or scan a
    linear recurrence (:mod:`rnnlab.reference.linear_scan`) also keep ``steps`` (each step's
    cache) or set ``state_gradients``, which replays their backward pass and returns the total
    ``∂L/∂h_t`` (and ``∂L/∂c_t``) of every step for :mod:`rnnlab.inspect`.
    """

    acts: np.ndarray                  # (G, T, B, H) gate activations, gate-major
    states: tuple[np.ndarray, ...]    # each (T+1, B, ·): the state before and after every step
    extra: tuple[np.ndarray, ...]     # cell-specific intermediates
    mask: np.ndarray | None           # (T, B, 1) bool, True inside the sequence
    w_hh: np.ndarray | None
    steps: list[dict] | None = None
    state_gradients: Callable | None = None   # (dy, dstate_n) -> (dh (T,B,S), dc or None)


class Workspace:
    """Scratch arrays kept between calls and reused when the shape matches.

    Fresh multi-megabyte arrays are paid for in page faults on first touch, which for a layer of
    batch 64 × 100 steps costs about as much as its elementwise arithmetic; reusing them makes
    repeated training steps of one batch shape cheaper. Arrays handed out are only valid until
    the next forward pass of the same model.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def __call__(self, name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        array = self._arrays.get(name)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = self._arrays[name] = np.empty(shape, dtype=dtype)
        return array

    def scope(self, prefix: str) -> Callable[[str, tuple[int, ...], np.dtype], np.ndarray]:
        """A buffer factory whose names live under ``prefix`` (one per layer and direction)."""
        return lambda name, shape, dtype: self(f"{prefix}/{name}", shape, dtype)


def fresh_buffer(name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Buffer factory that allocates every time (the default for direct calls to a scan)."""
    return np.empty(shape, dtype=dtype)


@dataclass
class _LayerCache:
    inputs: np.ndarray                # (T, B, I_k + 1) time-major input of this layer, ones last
    scans: list[ScanCache]            # one per direction


class RecurrentStack:
    """Base class of :class:`~rnnlab.reference.RNN`, :class:`~rnnlab.reference.LSTM` and
    :class:`~rnnlab.reference.GRU`. See those for the equations.

    Args:
        input_size: features per step of ``x``.
        hidden_size: features of the hidden state ``h``.
        num_layers: recurrent layers stacked; layer ``k+1`` reads layer ``k``'s outputs.
        bidirectional: add a layer reading the sequence backwards; outputs are concatenated
            ``[forward, backward]`` along the feature axis.
        dtype: ``numpy.float32`` (default) or ``numpy.float64`` (for gradient checks).
        seed: seeds the initialisation (see :mod:`rnnlab.initializers`).
        forget_bias: LSTM only, initial forget-gate bias.
        chrono: LSTM and GRU, use chrono initialisation for dependencies up to this many steps.
        options: the cell's own options (:attr:`rnnlab.cells.Cell.options`): ``nonlinearity``
            (RNN, IndRNN), ``reset_after`` (GRU), ``peepholes`` and ``proj_size`` (LSTM).

    After :meth:`forward` and :meth:`backward`, ``grads`` holds ``dL/dθ`` under the
    ``state_dict`` keys, and ``grad_h0`` (and ``grad_c0`` for the LSTM) the initial-state
    gradients, shaped like ``h0``.
    """

    cell: str = ""
    _forward_scan: Callable
    _backward_scan: Callable
    # Gate blocks computed with a sigmoid (their pre-activations are halved, see module doc).
    sigmoid_gates: tuple[int, ...] = ()
    # Whether b_hh can be added once with b_ih (true unless b_hh sits inside a product, as GRU's).
    fold_hidden_bias: bool = True

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bidirectional: bool = False, *, dtype: type | np.dtype = np.float32,
                 seed: int | None = None, forget_bias: float = 1.0, chrono: int | None = None,
                 **options) -> None:
        self.spec = RecurrentSpec(self.cell, input_size, hidden_size, num_layers, bidirectional,
                                  **options)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be numpy.float32 or numpy.float64, got {self.dtype}")
        self.params = initial_parameters(self.spec, seed, forget_bias=forget_bias,
                                         chrono=chrono, dtype=self.dtype)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.grad_h0: np.ndarray | None = None
        self.grad_c0: np.ndarray | None = None
        self._cache: list[_LayerCache] | None = None
        self._workspace = Workspace()
        self._batch_time: tuple[int, int] | None = None

    # ------------------------------------------------------------------ sizes and parameters
    input_size = property(lambda self: self.spec.input_size)
    hidden_size = property(lambda self: self.spec.hidden_size)
    num_layers = property(lambda self: self.spec.num_layers)
    bidirectional = property(lambda self: self.spec.bidirectional)
    nonlinearity = property(lambda self: self.spec.nonlinearity)

    def num_parameters(self) -> int:
        return self.spec.num_parameters()

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of the parameters, keyed and shaped exactly like ``torch.nn``'s."""
        return {k: v.copy() for k, v in self.params.items()}

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Replace every parameter; arrays (NumPy, or anything with ``.numpy()``) are copied and
        cast to this model's dtype. Missing, unexpected or mis-shaped keys raise ``ValueError``."""
        state = {k: _to_numpy(v) for k, v in state.items()}
        self.spec.check_state_dict(state, type(self).__name__)
        for key, value in state.items():
            if not np.all(np.isfinite(value)):
                raise ValueError(f"state_dict[{key!r}] contains NaN or infinite values")
            self.params[key] = np.array(value, dtype=self.dtype)  # copy

    def zero_grad(self) -> None:
        for g in self.grads.values():
            g.fill(0.0)

    def __repr__(self) -> str:
        s = self.spec
        extra = "".join(f", {name}={value!r}" for name, value in s.options.items())
        return (f"{type(self).__name__}({s.input_size}, {s.hidden_size}, num_layers="
                f"{s.num_layers}, bidirectional={s.bidirectional}{extra}, dtype={self.dtype})")

    # ------------------------------------------------------------------ forward
    def __call__(self, x, h0=None, lengths=None):
        return self.forward(x, h0, lengths)

    def forward(self, x, h0=None, lengths=None):
        """Run the stack over a batch of sequences.

        Args:
            x: ``(batch, time, input_size)``.
            h0: initial state ``(D*num_layers, batch, hidden_size)``; for the LSTM the pair
                ``(h0, c0)``. Zeros when omitted.
            lengths: optional ``(batch,)`` ints in ``1..time``: sequence ``b`` occupies steps
                ``0 .. lengths[b]-1`` of a right-padded batch. Outputs past the end are zero and
                the final state is the one at the last valid step.
        Returns:
            ``(y, h_n)`` — ``(y, (h_n, c_n))`` for the LSTM — with ``y`` of shape
            ``(batch, time, D*hidden_size)``.
        """
        spec = self.spec
        x = self._as_array(x, "x")
        check_sequence_input(x.shape, bool(np.all(np.isfinite(x))), spec)
        batch, steps, _ = x.shape
        state0 = self._initial_states(h0, batch)
        mask = None
        if lengths is not None:
            lengths = check_lengths(lengths, batch, steps)
            if np.any(lengths < steps):
                mask = (np.arange(steps)[:, None] < lengths[None, :])[:, :, None]  # (T, B, 1)

        inputs = with_ones_column(x.transpose(1, 0, 2))
        caches: list[_LayerCache] = []
        finals = [np.empty(shape, dtype=self.dtype) for shape in spec.state_shapes(batch)]
        for layer in range(spec.num_layers):
            outputs, scans = [], []
            for direction in range(spec.num_directions):
                s = spec.suffix(layer, direction)
                index = layer * spec.num_directions + direction
                scan_inputs, step_mask = inputs, mask
                if direction == 1:
                    scan_inputs = inputs[::-1]
                    step_mask = None if mask is None else mask[::-1]
                y, state_n, scan = self._forward_direction(
                    scan_inputs, s, tuple(st[index] for st in state0), step_mask,
                    self._workspace.scope(s))
                outputs.append(y if direction == 0 else y[::-1])
                scans.append(scan)
                for final, value in zip(finals, state_n, strict=True):
                    final[index] = value
            caches.append(_LayerCache(inputs=inputs, scans=scans))
            if layer + 1 < spec.num_layers:
                inputs = with_ones_column(*outputs)
        self._cache = caches
        self._batch_time = (batch, steps)
        y = np.empty((batch, steps, spec.output_size), dtype=self.dtype)
        width = spec.state_size
        for direction, output in enumerate(outputs):
            y[:, :, direction * width:(direction + 1) * width] = output.transpose(1, 0, 2)
        return (y, tuple(finals)) if spec.has_cell_state else (y, finals[0])

    # ------------------------------------------------------------------ backward
    def backward(self, dy, dh_n=None, dc_n=None) -> np.ndarray:
        """Backpropagate through time from the last :meth:`forward`.

        Args:
            dy: ``dL/dy``, shaped like ``y``.
            dh_n, dc_n: ``dL/dh_n`` (and ``dL/dc_n`` for the LSTM), shaped like ``h_n``;
                zeros when omitted.
        Returns:
            ``dL/dx`` shaped like ``x``. Parameter gradients are written to ``self.grads``
            (replacing earlier values) and the initial-state gradients to ``self.grad_h0`` /
            ``self.grad_c0``.
        """
        if self._cache is None:
            raise RuntimeError("backward() needs a forward() first, and one forward() serves "
                               "one backward(): run forward() again before another backward()")
        spec = self.spec
        batch, steps = self._batch_time
        dy = self._as_array(dy, "dy")
        check_output_gradient(dy.shape, (batch, steps, spec.output_size), "dy")
        shapes = spec.state_shapes(batch)
        dfinal = [self._as_array(dh_n, "dh_n") if dh_n is not None
                  else np.zeros(shapes[0], self.dtype)]
        if spec.has_cell_state:
            dfinal.append(self._as_array(dc_n, "dc_n") if dc_n is not None
                          else np.zeros(shapes[1], self.dtype))
        elif dc_n is not None:
            raise ValueError(f"dc_n applies to the LSTM only, not to {type(self).__name__}")
        for name, d, shape in zip(("dh_n", "dc_n"), dfinal, shapes, strict=False):
            check_output_gradient(d.shape, shape, name)
        dstate0 = [np.empty(shape, self.dtype) for shape in shapes]

        hidden = spec.state_size
        d_outputs = dy.transpose(1, 0, 2)  # (T, B, D*H), a view: the scans copy what they need
        for layer in reversed(range(spec.num_layers)):
            cache = self._cache[layer]
            d_inputs = np.zeros((*cache.inputs.shape[:2], cache.inputs.shape[2] - 1),
                                dtype=self.dtype)
            for direction in range(spec.num_directions):
                s = spec.suffix(layer, direction)
                index = layer * spec.num_directions + direction
                dy_dir = d_outputs[:, :, direction * hidden:(direction + 1) * hidden]
                if direction == 1:
                    dy_dir = dy_dir[::-1]
                # Each direction works in its own scan's time order; only dx is flipped back.
                scan_inputs = cache.inputs if direction == 0 else cache.inputs[::-1]
                grads, d_scan_inputs, dstate = self._backward_direction(
                    cache.scans[direction], scan_inputs, dy_dir,
                    tuple(d[index] for d in dfinal), s, self._workspace.scope(s))
                for name, value in grads.items():
                    self.grads[f"{name}_{s}"] = value
                d_inputs += d_scan_inputs if direction == 0 else d_scan_inputs[::-1]
                for d0, value in zip(dstate0, dstate, strict=True):
                    d0[index] = value
            d_outputs = d_inputs
        # The backward scans may reuse the forward's intermediate arrays for their own work
        # (the LSTM's does), so this forward is spent, as a graph is after torch's backward().
        self._cache = None
        self.grad_h0 = dstate0[0]
        self.grad_c0 = dstate0[1] if spec.has_cell_state else None
        return np.ascontiguousarray(d_outputs.transpose(1, 0, 2))

    # ------------------------------------------------------------------ one layer, one direction
    def _forward_direction(self, inputs: np.ndarray, suffix: str, state0: tuple[np.ndarray, ...],
                           mask: np.ndarray | None, buffer) -> tuple[np.ndarray, tuple, ScanCache]:
        """Run one layer in one direction: ``inputs`` ``(T, B, I+1)`` (ones last) and ``mask``
        ``(T, B, 1)`` are in the order the scan reads them (time-flipped for the reverse
        direction); returns ``y`` ``(T, B, H)`` in that order, the final state and the cache.

        By default: :meth:`_projection` of every step, then the cell's ``_forward_scan``."""
        xproj = self._projection(inputs, suffix, buffer)
        return type(self)._forward_scan(xproj, self.params[f"weight_hh_{suffix}"],
                                        self.params[f"bias_hh_{suffix}"], state0, mask,
                                        self.spec.nonlinearity, buffer)

    def _backward_direction(self, cache: ScanCache, inputs: np.ndarray, dy: np.ndarray,
                            dstate_n: tuple[np.ndarray, ...], suffix: str, buffer
                            ) -> tuple[dict[str, np.ndarray], np.ndarray, tuple]:
        """Backpropagate one layer in one direction, everything in scan order as in
        :meth:`_forward_direction`. Returns the parameter gradients keyed by name without the
        suffix (``"weight_ih"``…), ``dx`` ``(T, B, I)`` and the initial-state gradients."""
        dxproj, dw_hh, db_hh, dstate0 = type(self)._backward_scan(
            cache, dy, dstate_n, self.spec.nonlinearity, buffer)
        dw_ih, db_ih, dx = self._input_gradients(dxproj, inputs, suffix)
        grads = {"weight_ih": dw_ih, "weight_hh": dw_hh, "bias_ih": db_ih,
                 "bias_hh": db_ih.copy() if db_hh is None else db_hh}
        return grads, dx, dstate0

    # ------------------------------------------------------------------ helpers
    def _projection(self, inputs: np.ndarray, suffix: str, buffer) -> np.ndarray:
        """``(G, T, B, H)`` = ``(x W_ihᵀ + b_ih [+ b_hh]) ⊙ scale`` for every step, gate-major.

        ``inputs`` is time-major ``(T, B, I+1)`` with ones last (see :func:`with_ones_column`);
        one stacked matmul ``(T*B, I+1) @ (G, I+1, H)`` whose last weight row is the bias."""
        gates, hidden = self.spec.gates, self.spec.hidden_size
        steps, batch = inputs.shape[:2]
        bias = self.params[f"bias_ih_{suffix}"]
        if self.fold_hidden_bias:
            bias = bias + self.params[f"bias_hh_{suffix}"]
        weight = np.concatenate([self.params[f"weight_ih_{suffix}"], bias[:, None]], axis=1)
        weight *= gate_scale(gates, hidden, self.sigmoid_gates, self.dtype)[:, None]
        weight = np.ascontiguousarray(weight.reshape(gates, hidden, -1).transpose(0, 2, 1))
        xproj = buffer("xproj", (gates, steps * batch, hidden), self.dtype)
        np.matmul(inputs.reshape(steps * batch, -1), weight, out=xproj)
        return xproj.reshape(gates, steps, batch, hidden)

    def _input_gradients(self, dxproj: np.ndarray, inputs: np.ndarray, suffix: str
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``dW_ih`` ``(G*H, I)``, ``db_ih`` ``(G*H,)`` and ``dx`` ``(T, B, I)`` from a backward
        scan's gate-major ``dxproj`` ``(G, T, B, H)`` and the scan's time-major ``inputs``
        ``(T, B, I+1)`` (ones last), both in the scan's time order.

        ``[dW_ih | db_ih] = Σ_rows dxprojᵀ [x | 1]`` and ``dx = Σ_k dxproj[k] W_ih[k]``, one
        product per gate block: NumPy's stacked ``matmul`` over the gate axis ran 2–5× slower
        than the same products one block at a time."""
        gates, hidden = self.spec.gates, self.spec.hidden_size
        steps, batch, features = inputs.shape
        flat_inputs = inputs.reshape(steps * batch, features)  # copies reversed-time inputs
        flat = dxproj.reshape(gates, steps * batch, hidden)
        weight_and_bias = np.empty((gates * hidden, features), dtype=flat.dtype)
        w_ih = self.params[f"weight_ih_{suffix}"].reshape(gates, hidden, -1)
        dx = flat[0] @ w_ih[0]
        for k in range(gates):
            np.matmul(flat[k].T, flat_inputs, out=weight_and_bias[k * hidden:(k + 1) * hidden])
            if k:
                dx += flat[k] @ w_ih[k]
        return (np.ascontiguousarray(weight_and_bias[:, :-1]), weight_and_bias[:, -1].copy(),
                dx.reshape(steps, batch, -1))

    def _as_array(self, value, name: str) -> np.ndarray:
        value = _to_numpy(value)
        try:
            array = np.asarray(value)
        except Exception as error:
            raise ValueError(f"{name} must be a numeric array, got {type(value).__name__}") \
                from error
        if array.dtype.kind not in "fiub":
            raise ValueError(f"{name} must be a numeric array, got dtype {array.dtype}")
        return array.astype(self.dtype, copy=False)

    def _initial_states(self, h0, batch: int) -> list[np.ndarray]:
        spec = self.spec
        shapes = spec.state_shapes(batch)
        names = spec.state_names()
        if h0 is None:
            return [np.zeros(shape, self.dtype) for shape in shapes]
        if spec.has_cell_state:
            if not (isinstance(h0, tuple | list) and len(h0) == 2):
                raise ValueError(f"the initial state of an LSTM is the pair (h0, c0), of shapes "
                                 f"{shapes[0]} and {shapes[1]}")
            given = list(h0)
        else:
            given = [h0]
        states = []
        for name, value in zip(names, given, strict=True):
            array = self._as_array(value, name)
            check_state(array.shape, bool(np.all(np.isfinite(array))), spec, batch, name)
            states.append(array)
        return states


def with_ones_column(*parts: np.ndarray) -> np.ndarray:
    """``(T, B, F+1)`` contiguous: the ``(T, B, F_k)`` parts side by side, then a feature of ones.

    The ones let one product apply (and differentiate) the input weights and the bias together.
    """
    features = sum(part.shape[-1] for part in parts)
    out = np.empty((*parts[0].shape[:2], features + 1), dtype=parts[0].dtype)
    start = 0
    for part in parts:
        out[:, :, start:start + part.shape[-1]] = part
        start += part.shape[-1]
    out[:, :, -1] = 1.0
    return out


def gate_scale(num_gates: int, hidden: int, sigmoid_gates: tuple[int, ...],
               dtype: np.dtype) -> np.ndarray:
    """``(num_gates*hidden,)`` factors for the pre-activations: ½ for sigmoid gates, else 1."""
    scale = np.ones(num_gates * hidden, dtype=dtype)
    for gate in sigmoid_gates:
        scale[gate * hidden:(gate + 1) * hidden] = 0.5
    return scale


def stacked_recurrent_weight(w_hh: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``(G, H, H)`` contiguous stack of ``(W_hh[k] ⊙ scale[k])ᵀ`` so that
    ``h @ result`` gives every gate's ``h W_hh[k]ᵀ`` as a ``(G, B, H)`` block."""
    hidden = w_hh.shape[1]
    gates = w_hh.shape[0] // hidden
    stacked = w_hh.reshape(gates, hidden, hidden) * scale.reshape(gates, hidden, 1)
    return np.ascontiguousarray(stacked.transpose(0, 2, 1))


def stacked_weight_gradient(d_acts: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
    """``dW_hh`` in PyTorch's ``(G*H, H)`` layout from gate-major ``d_acts`` ``(G, T, B, H)`` and
    the states ``h_prev`` ``(T, B, H)`` each step read: ``dW_hh[k] = Σ_t d_acts[k, t]ᵀ h_{t-1}``."""
    gates, steps, batch, hidden = d_acts.shape
    flat = d_acts.reshape(gates, steps * batch, hidden)
    return np.matmul(flat.transpose(0, 2, 1), h_prev.reshape(steps * batch, hidden)).reshape(
        gates * hidden, hidden)


def _to_numpy(value):
    """Accept torch tensors (or anything with ``.numpy()``) without importing torch."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        return value.detach().cpu().numpy()
    return value
