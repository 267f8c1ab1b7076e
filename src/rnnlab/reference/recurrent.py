"""The machinery shared by the NumPy RNN, LSTM and GRU: layers, directions, masks, parameters.

A :class:`RecurrentStack` owns the parameters (PyTorch names and layout, see
:mod:`rnnlab.recurrent_spec`) and runs every layer and direction. The cell-specific part is a pair
of *scan* functions supplied by each subclass (``rnn.py``, ``lstm.py``, ``gru.py``)::

    forward_scan(xproj, w_hh, b_hh, state0, mask, nonlinearity, buffer) -> y, state_n, cache
    backward_scan(cache, dy, dstate_n, nonlinearity, buffer) -> dxproj, dw_hh, db_hh, dstate0

``buffer(name, shape, dtype)`` hands out scratch arrays (see :class:`Workspace`); ``db_hh`` is
None when ``b_hh`` was folded into ``xproj`` (its gradient then equals ``b_ih``'s).

Layout choices, and why:

* Internally sequences are **time-major** ``(T, B, ·)`` so that the slice for one step is a
  contiguous block that BLAS can use without copying; the public API is batch-first.
* Gate pre-activations are **gate-major**, ``(G, T, B, H)``: gate ``k`` of step ``t`` is the
  contiguous ``(B, H)`` block ``acts[k, t]``. Elementwise gate arithmetic on contiguous blocks
  runs about twice as fast as on column slices of a ``(B, G*H)`` array. ``h W_hhᵀ`` for all
  gates is one product per step (the LSTM uses ``(B, H) @ (H, 4H)`` and adds it through a
  ``(4, B, H)`` view; the GRU a stacked ``(B, H) @ (3, H, H)``).
* The input projection ``x_t W_ihᵀ + b_ih`` of *all* steps is one stacked matmul before the time
  loop, and ``dW_ih``/``dx`` one each after it; only ``h W_hhᵀ`` stays inside the loop.
* Sigmoid gates are computed as ``σ(z) = ½ + ½·tanh(z/2)`` so that one ``tanh`` call covers
  every gate of a step. The halving is folded into the input weights here (see
  :meth:`RecurrentStack._projection`) and into ``W_hh`` by the scans; backward scans return
  gradients with respect to the true (unscaled) pre-activations, so nothing else changes.
* The reverse direction runs the same forward scan on the time-flipped sequence. With variable
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
    """What a forward scan keeps for its backward scan (one layer, one direction)."""

    acts: np.ndarray                  # (G, T, B, H) gate activations, gate-major
    states: tuple[np.ndarray, ...]    # each (T+1, B, H): the state before and after every step
    extra: tuple[np.ndarray, ...]     # cell-specific intermediates
    mask: np.ndarray | None           # (T, B, 1) bool, True inside the sequence
    w_hh: np.ndarray


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
    inputs: np.ndarray                # (T, B, I_k) time-major input of this layer
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
        nonlinearity: ``"tanh"`` or ``"relu"`` (vanilla RNN only).
        dtype: ``numpy.float32`` (default) or ``numpy.float64`` (for gradient checks).
        seed: seeds the initialisation (see :mod:`rnnlab.initializers`).
        forget_bias: LSTM only, initial forget-gate bias.
        chrono: LSTM only, use chrono initialisation for dependencies up to this many steps.

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
                 bidirectional: bool = False, *, nonlinearity: str = "tanh",
                 dtype: type | np.dtype = np.float32, seed: int | None = None,
                 forget_bias: float = 1.0, chrono: int | None = None) -> None:
        self.spec = RecurrentSpec(self.cell, input_size, hidden_size, num_layers, bidirectional,
                                  nonlinearity)
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
        extra = f", nonlinearity={s.nonlinearity!r}" if s.cell == "rnn" else ""
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

        inputs = np.ascontiguousarray(x.transpose(1, 0, 2))
        caches: list[_LayerCache] = []
        finals = [np.empty(spec.state_shape(batch), dtype=self.dtype) for _ in state0]
        for layer in range(spec.num_layers):
            outputs, scans = [], []
            for direction in range(spec.num_directions):
                s = spec.suffix(layer, direction)
                index = layer * spec.num_directions + direction
                buffer = self._workspace.scope(s)
                xproj = self._projection(inputs, s, buffer)      # (G, T, B, H)
                step_mask = mask
                if direction == 1:
                    xproj = xproj[:, ::-1]
                    step_mask = None if mask is None else mask[::-1]
                y, state_n, scan = type(self)._forward_scan(
                    xproj, self.params[f"weight_hh_{s}"], self.params[f"bias_hh_{s}"],
                    tuple(st[index] for st in state0), step_mask, spec.nonlinearity, buffer)
                outputs.append(y if direction == 0 else y[::-1])
                scans.append(scan)
                for final, value in zip(finals, state_n, strict=True):
                    final[index] = value
            caches.append(_LayerCache(inputs=inputs, scans=scans))
            inputs = (np.concatenate(outputs, axis=-1) if len(outputs) == 2
                      else np.ascontiguousarray(outputs[0]))
        self._cache = caches
        self._batch_time = (batch, steps)
        y = np.ascontiguousarray(inputs.transpose(1, 0, 2))
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
            raise RuntimeError("backward() needs a forward() first")
        spec = self.spec
        batch, steps = self._batch_time
        dy = self._as_array(dy, "dy")
        check_output_gradient(dy.shape, (batch, steps, spec.output_size), "dy")
        state_shape = spec.state_shape(batch)
        dfinal = [self._as_array(dh_n, "dh_n") if dh_n is not None
                  else np.zeros(state_shape, self.dtype)]
        if spec.has_cell_state:
            dfinal.append(self._as_array(dc_n, "dc_n") if dc_n is not None
                          else np.zeros(state_shape, self.dtype))
        elif dc_n is not None:
            raise ValueError(f"dc_n applies to the LSTM only, not to {type(self).__name__}")
        for name, d in zip(("dh_n", "dc_n"), dfinal, strict=False):
            check_output_gradient(d.shape, state_shape, name)
        dstate0 = [np.empty(state_shape, self.dtype) for _ in dfinal]

        hidden = spec.hidden_size
        d_outputs = np.ascontiguousarray(dy.transpose(1, 0, 2))  # (T, B, D*H)
        for layer in reversed(range(spec.num_layers)):
            cache = self._cache[layer]
            flat_inputs = cache.inputs.reshape(steps * batch, -1)
            d_inputs = np.empty_like(cache.inputs)
            flat_d_inputs = d_inputs.reshape(steps * batch, -1)
            ones = np.ones(steps * batch, dtype=self.dtype)
            gates = spec.gates
            for direction in range(spec.num_directions):
                s = spec.suffix(layer, direction)
                index = layer * spec.num_directions + direction
                dy_dir = d_outputs[:, :, direction * hidden:(direction + 1) * hidden]
                if direction == 1:
                    dy_dir = dy_dir[::-1]
                dxproj, dw_hh, db_hh, dstate = type(self)._backward_scan(
                    cache.scans[direction], dy_dir, tuple(d[index] for d in dfinal),
                    spec.nonlinearity, self._workspace.scope(s))
                if direction == 1:
                    dxproj = dxproj[:, ::-1]
                flat_dxproj = np.ascontiguousarray(dxproj).reshape(gates, steps * batch, hidden)
                # (G, H) bias gradient as matrix-vector products: faster than .sum(axis=1)
                db_ih = (ones @ flat_dxproj).reshape(-1)
                self.grads[f"weight_hh_{s}"] = dw_hh
                self.grads[f"bias_ih_{s}"] = db_ih
                self.grads[f"bias_hh_{s}"] = db_ih.copy() if db_hh is None else db_hh
                # dW_ih[k] = Σ_rows dxproj[k]ᵀ x, stacked back into PyTorch's (G*H, I) layout
                self.grads[f"weight_ih_{s}"] = np.matmul(
                    flat_dxproj.transpose(0, 2, 1), flat_inputs).reshape(gates * hidden, -1)
                # dx = Σ_k dxproj[k] W_ih[k]
                w_ih = self.params[f"weight_ih_{s}"].reshape(gates, hidden, -1)
                d_inputs_by_gate = np.matmul(flat_dxproj, w_ih)        # (G, T*B, I)
                if direction == 0:
                    np.sum(d_inputs_by_gate, axis=0, out=flat_d_inputs)
                else:
                    flat_d_inputs += d_inputs_by_gate.sum(axis=0)
                for d0, value in zip(dstate0, dstate, strict=True):
                    d0[index] = value
            d_outputs = d_inputs
        self.grad_h0 = dstate0[0]
        self.grad_c0 = dstate0[1] if spec.has_cell_state else None
        return np.ascontiguousarray(d_outputs.transpose(1, 0, 2))

    # ------------------------------------------------------------------ helpers
    def _projection(self, inputs: np.ndarray, suffix: str, buffer) -> np.ndarray:
        """``(G, T, B, H)`` = ``(x W_ihᵀ + b_ih [+ b_hh]) ⊙ scale`` for every step, gate-major.

        ``inputs`` is time-major ``(T, B, I)``; one stacked matmul ``(T*B, I) @ (G, I, H)``."""
        gates, hidden = self.spec.gates, self.spec.hidden_size
        steps, batch = inputs.shape[:2]
        flat_inputs = inputs.reshape(steps * batch, -1)
        scale = gate_scale(gates, hidden, self.sigmoid_gates, self.dtype).reshape(gates, 1, hidden)
        bias = self.params[f"bias_ih_{suffix}"]
        if self.fold_hidden_bias:
            bias = bias + self.params[f"bias_hh_{suffix}"]
        weight = self.params[f"weight_ih_{suffix}"].reshape(gates, hidden, -1)
        weight = np.ascontiguousarray((weight * scale.transpose(0, 2, 1)).transpose(0, 2, 1))
        xproj = buffer("xproj", (gates, steps * batch, hidden), self.dtype)
        np.matmul(flat_inputs, weight, out=xproj)
        xproj += bias.reshape(gates, 1, hidden) * scale
        return xproj.reshape(gates, steps, batch, hidden)

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
        shape = spec.state_shape(batch)
        names = ("h0", "c0") if spec.has_cell_state else ("h0",)
        if h0 is None:
            return [np.zeros(shape, self.dtype) for _ in names]
        if spec.has_cell_state:
            if not (isinstance(h0, tuple | list) and len(h0) == 2):
                raise ValueError("the initial state of an LSTM is the pair (h0, c0), each of "
                                 f"shape {shape}")
            given = list(h0)
        else:
            given = [h0]
        states = []
        for name, value in zip(names, given, strict=True):
            array = self._as_array(value, name)
            check_state(array.shape, bool(np.all(np.isfinite(array))), spec, batch, name)
            states.append(array)
        return states


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
