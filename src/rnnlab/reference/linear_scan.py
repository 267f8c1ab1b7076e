r"""Cells whose gates read only the input: their recurrence is linear, so it scans in parallel.

minGRU and minLSTM (Feng et al. 2024) compute every gate from ``x_t`` alone, so the state
follows an element-wise *linear* recurrence with coefficients known for all steps at once::

    h_t = a_t ⊙ h_{t-1} + b_t                 (minGRU: a = 1 − z, b = z ⊙ h̃)

Composing two steps gives a step of the same form, ``(a_2, b_2) ∘ (a_1, b_1) = (a_2 a_1, a_2 b_1
+ b_2)``, and that composition is associative, so all ``T`` states come out of ``⌈log₂ T⌉``
whole-array passes (the Hillis–Steele scan, :func:`parallel_scan`) instead of ``T`` small
steps. The backward pass is the same kind of recurrence run backwards in time::

    g_t = ∂L/∂h_t = dy_t + a_{t+1} ⊙ g_{t+1}      db_t = g_t      da_t = g_t ⊙ h_{t-1}

Both forms compute the same numbers up to rounding (the products are associated differently):
the tests hold them to 1e-6 in float32, and the per-cell loops over the textbook step
(``scan="sequential"``) are the reference they are checked against. Padding past a sequence's
end is the identity step ``(a, b) = (1, 0)``, which carries the state unchanged.

rnnlab scans the plain linear recurrence. Feng et al. also describe a log-space variant for
numerical range on long sequences, which changes the candidate state (``g(h̃)`` keeps it
positive); that variant is not what rnnlab computes.
"""

from __future__ import annotations

import numpy as np

from rnnlab.reference import stepping
from rnnlab.reference.recurrent import RecurrentStack, ScanCache

SCANS = ("parallel", "sequential")


def parallel_scan(a: np.ndarray, b: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """All states ``h_t = a_t ⊙ h_{t-1} + b_t`` for ``a``, ``b`` ``(T, …)`` and ``h0``
    (``…``), in ``⌈log₂ T⌉`` passes; returns ``h`` ``(T, …)``.

    Example:
        >>> a, b = np.full((4, 1), 0.5), np.ones((4, 1))
        >>> parallel_scan(a, b, np.zeros(1))[:, 0].tolist()
        [1.0, 1.5, 1.75, 1.875]
    """
    a = np.array(a)
    h = np.array(b)
    h[0] += a[0] * h0
    shift = 1
    while shift < a.shape[0]:
        # After this pass element t composes the steps t − 2·shift + 1 … t.
        h[shift:] = h[shift:] + a[shift:] * h[:-shift]
        a[shift:] = a[shift:] * a[:-shift]
        shift *= 2
    return h


def parallel_scan_backward(a: np.ndarray, h_prev: np.ndarray, grad: np.ndarray,
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`parallel_scan`: ``grad`` ``(T, …)`` is ``∂L/∂h_t`` from outside the
    recurrence (outputs, and the final state at ``T − 1``), ``h_prev`` the states each step
    read. Returns ``(da, db, dh0)``; ``db`` is also the total ``∂L/∂h_t`` of every step."""
    # g_t = grad_t + a_{t+1} g_{t+1}: a forward scan over reversed time with shifted a.
    shifted = np.concatenate([np.zeros_like(a[:1]), a[:0:-1]])
    g = parallel_scan(shifted, grad[::-1], np.zeros_like(grad[0]))[::-1]
    return g * h_prev, g, a[0] * g[0]


class InputGatedStack(RecurrentStack):
    """Base of :class:`~rnnlab.reference.MinLSTM` and :class:`~rnnlab.reference.MinGRU`.

    A subclass gives its textbook step (``step_cell``) and the map from the input projection
    to the recurrence's coefficients and back::

        coefficients(xproj) -> a, b, parts                  xproj (T, B, G·H) = W_ih x + b_ih
        coefficients_backward(da, db, parts) -> dxproj

    where ``parts`` maps the gate names of :mod:`rnnlab.cells` to their ``(T, B, H)`` values.
    ``scan="parallel"`` (default) runs :func:`parallel_scan`; ``scan="sequential"`` loops over
    the textbook step (:mod:`rnnlab.reference.stepping`) and gives the same numbers.
    """

    gate_names: tuple[str, ...] = ()

    def __init__(self, *args, scan: str = "parallel", **kwargs) -> None:
        if scan not in SCANS:
            raise ValueError(f"scan must be 'parallel' or 'sequential', got {scan!r}")
        super().__init__(*args, **kwargs)
        self.scan = scan

    def coefficients(self, xproj):
        raise NotImplementedError

    def coefficients_backward(self, da, db, parts):
        raise NotImplementedError

    def _forward_direction(self, inputs, suffix, state0, mask, buffer):
        if self.scan == "sequential":
            return stepping.forward_direction(self, self.step_cell(), inputs, suffix, state0,
                                              mask)
        weight = np.concatenate([self.params[f"weight_ih_{suffix}"],
                                 self.params[f"bias_ih_{suffix}"][:, None]], axis=1)
        xproj = inputs @ weight.T                                  # (T, B, G·H), bias included
        a, b, parts = self.coefficients(xproj)
        if mask is not None:                                       # padding: (a, b) = (1, 0)
            a = np.where(mask, a, 1.0)
            b = b * mask
        h = parallel_scan(a, b, state0[0])
        hs = np.concatenate([state0[0][None], h])
        y = h if mask is None else h * mask
        acts = np.stack([parts[name] for name in self.gate_names])
        cache = ScanCache(acts=acts, states=(hs,), extra=(a,), mask=mask, w_hh=None,
                          steps=[parts])
        cache.state_gradients = lambda dy, dstate_n: (
            self._state_gradient(cache, dy, dstate_n)[1], None)
        return y, (h[-1],), cache

    def _state_gradient(self, cache, dy, dstate_n):
        grad = dy if cache.mask is None else dy * cache.mask
        grad = np.array(grad)
        grad[-1] += dstate_n[0]
        return parallel_scan_backward(cache.extra[0], cache.states[0][:-1], grad)

    def _backward_direction(self, cache, inputs, dy, dstate_n, suffix, buffer):
        if self.scan == "sequential":
            return stepping.backward_direction(self, self.step_cell(), cache, dy, dstate_n,
                                               suffix)
        da, db, dh0 = self._state_gradient(cache, dy, dstate_n)
        if cache.mask is not None:        # the padding's (1, 0) are constants
            da, db = da * cache.mask, db * cache.mask
        dxproj = self.coefficients_backward(da, db, cache.steps[0])
        steps, batch, features = inputs.shape
        flat = dxproj.reshape(steps * batch, -1)
        d_weight = flat.T @ inputs.reshape(steps * batch, features)  # [dW_ih | db_ih]
        dx = (flat @ self.params[f"weight_ih_{suffix}"]).reshape(steps, batch, -1)
        grads = {"weight_ih": np.ascontiguousarray(d_weight[:, :-1]),
                 "bias_ih": d_weight[:, -1].copy()}
        return grads, dx, (dh0,)
