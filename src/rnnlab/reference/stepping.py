r"""Run any cell by looping over its textbook step: the scan every cell module can fall back on.

Each cell module starts with its single step, forward and backward, in plain NumPy::

    step_forward(x_t, state, params, **options)          -> new_state, cache_t
    step_backward(dstate, cache_t, params, **options)    -> dx_t, dstate_prev, grads

``x_t`` is ``(B, I)``; ``state`` the tuple ``(h,)`` or ``(h, c)`` of ``(B, ·)`` arrays; ``params``
one layer and direction's parameters keyed without their suffix (``"weight_ih"`` …);
``options`` the cell's options (``nonlinearity``, ``reset_after`` …); ``cache_t`` a dict holding
what the backward step needs (and the gate activations, under their names, for inspection);
``dstate`` the gradient with respect to ``new_state``; ``grads`` every parameter's gradient of
that step. :func:`scan_forward` and :func:`scan_backward` loop over
time with them, and add what a batch of sequences needs on top of the equations:

* variable lengths: past a sequence's end a step keeps the state (``new = where(mask, new,
  old)``) and outputs zero, and backward routes the state gradient around it;
* the per-step gradients summed over time.

This is what the fast, layout-tuned scans of ``rnn.py``, ``gru.py`` and ``lstm.py`` are tested
against, and how the cell options without a tuned scan run (GRU ``reset_after=False``, LSTM
``peepholes`` and ``proj_size``, IndRNN).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from rnnlab.reference.recurrent import ScanCache


def parameters_of(params: dict[str, np.ndarray], suffix: str) -> dict[str, np.ndarray]:
    """One layer and direction's parameters, keyed without the suffix: ``"weight_ih_l0"`` →
    ``"weight_ih"`` for ``suffix="l0"`` (and not ``"weight_ih_l0_reverse"``)."""
    end = f"_{suffix}"
    return {name[:-len(end)]: value for name, value in params.items() if name.endswith(end)}


def forward_direction(stack, step: StepCell, inputs: np.ndarray, suffix: str,
                      state0: tuple[np.ndarray, ...], mask: np.ndarray | None):
    """``RecurrentStack._forward_direction`` by :func:`scan_forward`; ``inputs`` carry the
    stack's ones column, which the textbook step does not use."""
    return scan_forward(step, inputs[:, :, :-1], parameters_of(stack.params, suffix), state0,
                        mask)


def backward_direction(stack, step: StepCell, cache: ScanCache, dy: np.ndarray,
                       dstate_n: tuple[np.ndarray, ...], suffix: str):
    """``RecurrentStack._backward_direction`` by :func:`scan_backward`."""
    dx, grads, dstate0 = scan_backward(step, cache, dy, dstate_n,
                                       parameters_of(stack.params, suffix))
    return grads, dx, dstate0


@dataclass(frozen=True)
class StepCell:
    """A cell's textbook step, as :func:`scan_forward` and :func:`scan_backward` use it.

    ``gates`` name the entries of a step's cache that inspection shows (in the registry's
    order). ``cell_state_gradient(dstate, cache_t, params, **options)``, for cells with a cell
    state, is the total ``∂L/∂c_t`` the backward step computes on its way (through ``h_t`` as
    well as from step ``t+1``): inspection reports it. ``options`` are passed to every call.
    """

    forward: Callable
    backward: Callable
    gates: tuple[str, ...] = ()
    cell_state_gradient: Callable | None = None
    options: dict = field(default_factory=dict)


def scan_forward(step: StepCell, x: np.ndarray, params: dict[str, np.ndarray],
                 state0: tuple[np.ndarray, ...], mask: np.ndarray | None,
                 ) -> tuple[np.ndarray, tuple[np.ndarray, ...], ScanCache]:
    """Run ``step`` over ``x`` ``(T, B, I)`` from ``state0``; ``mask`` ``(T, B, 1)`` is True
    inside each sequence (or None). Returns ``y`` ``(T, B, S)``, the final state and the cache
    for :func:`scan_backward`."""
    steps = x.shape[0]
    state = tuple(np.array(s) for s in state0)
    history = [state]
    caches = []
    y = np.empty((steps, *state[0].shape), dtype=x.dtype)
    for t in range(steps):
        new, cache = step.forward(x[t], state, params, **step.options)
        if mask is not None:
            new = tuple(np.where(mask[t], n, s) for n, s in zip(new, state, strict=True))
        y[t] = new[0] if mask is None else new[0] * mask[t]
        caches.append(cache)
        history.append(new)
        state = new
    states = tuple(np.stack([h[k] for h in history]) for k in range(len(state)))
    gates = np.stack([np.stack([c[name] for c in caches]) for name in step.gates]) \
        if step.gates else np.empty((0, *y.shape), dtype=y.dtype)
    cache = ScanCache(acts=gates, states=states, extra=(), mask=mask, w_hh=None, steps=caches)
    cache.state_gradients = lambda dy, dstate_n: state_gradients(step, cache, dy, dstate_n,
                                                                  params)
    return y, state, cache


def scan_backward(step: StepCell, cache: ScanCache, dy: np.ndarray,
                  dstate_n: tuple[np.ndarray, ...], params: dict[str, np.ndarray],
                  ) -> tuple[np.ndarray, dict[str, np.ndarray], tuple[np.ndarray, ...]]:
    """Backpropagate through time: ``dy`` ``(T, B, S)`` and ``dstate_n`` (like the final state)
    → ``dx`` ``(T, B, I)``, the summed parameter gradients and the initial-state gradients."""
    dx, grads, dstate, _ = _backward(step, cache, dy, dstate_n, params, record=False)
    return dx, grads, dstate


def state_gradients(step: StepCell, cache: ScanCache, dy: np.ndarray,
                    dstate_n: tuple[np.ndarray, ...], params: dict[str, np.ndarray],
                    ) -> tuple[np.ndarray, np.ndarray | None]:
    """Total ``∂L/∂h_t`` (and ``∂L/∂c_t``) at every step, ``(T, B, ·)`` each (see
    :mod:`rnnlab.inspect.gradients`)."""
    return _backward(step, cache, dy, dstate_n, params, record=True)[3]


def _backward(step, cache, dy, dstate_n, params, *, record: bool):
    mask = cache.mask
    dstate = tuple(np.array(d, dtype=dy.dtype) for d in dstate_n)
    grads: dict[str, np.ndarray] = {}
    dx = None
    dh_total = np.empty(dy.shape, dtype=np.float64) if record else None
    dc_total = np.empty(cache.states[1][1:].shape) if record and len(dstate) == 2 else None
    for t in reversed(range(dy.shape[0])):
        into = (dstate[0] + dy[t], *dstate[1:])
        if record:
            dh_total[t] = into[0]
        if mask is not None:
            carried = tuple(np.where(mask[t], 0.0, d) for d in dstate)
            into = tuple(d * mask[t] for d in into)
        if dc_total is not None:
            dc = step.cell_state_gradient(into, cache.steps[t], params, **step.options)
            dc_total[t] = dc if mask is None else dc + carried[1]
        dx_t, dstate, step_grads = step.backward(into, cache.steps[t], params, **step.options)
        if mask is not None:
            dstate = tuple(d + c for d, c in zip(dstate, carried, strict=True))
        if dx is None:
            dx = np.empty((dy.shape[0], *dx_t.shape), dtype=dy.dtype)
            grads = {name: np.zeros_like(value) for name, value in step_grads.items()}
        dx[t] = dx_t
        for name, value in step_grads.items():
            grads[name] += value
    return dx, grads, dstate, (dh_total, dc_total)
