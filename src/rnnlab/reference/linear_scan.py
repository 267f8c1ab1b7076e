r"""Cells whose gates read only the input: their recurrence is linear, so it scans in parallel.

minGRU and minLSTM (Feng et al. 2024) compute every gate from ``x_t`` alone, so the state
follows an element-wise *linear* recurrence with coefficients known for all steps at once::

    h_t = a_t ⊙ h_{t-1} + b_t                 (minGRU: a = 1 − z, b = z ⊙ h̃)

Composing two steps gives a step of the same form, ``(a_2, b_2) ∘ (a_1, b_1) = (a_2 a_1, a_2 b_1
+ b_2)``, and that composition is associative, so all ``T`` states come out of ``2 ⌈log₂ T⌉``
whole-array operations (the work-efficient scan of Blelloch 1990, :func:`parallel_scan`)
instead of ``T`` small steps. The backward pass is the same kind of recurrence run backwards
in time::

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
from rnnlab.reference.recurrent import RecurrentStack, ScanCache, fresh_buffer

SCANS = ("parallel", "sequential")


def scan_in_place(a: np.ndarray, h: np.ndarray, h0: np.ndarray) -> None:
    """``h`` ``(T, …)`` holds ``b`` on entry and the states ``h_t = a_t ⊙ h_{t-1} + b_t`` on
    return; ``a`` is overwritten (pass a copy to keep it).

    The work-efficient (Blelloch) form of the scan: an up-sweep composes ever longer ranges of
    steps at positions ``2s − 1, 4s − 1, …`` for ``s = 1, 2, 4, …``, then a down-sweep turns
    every position into the composition of all steps up to it. That is about ``2T``
    compositions in ``2 ⌈log₂ T⌉`` whole-array operations on strided views of the time axis —
    the loop's arithmetic without its ``T`` small steps.
    """
    h[0] += a[0] * h0
    steps = h.shape[0]
    span = 1
    while 2 * span <= steps:          # up-sweep: position i holds steps i − 2·span + 1 … i
        right, left = slice(2 * span - 1, steps, 2 * span), slice(span - 1, steps - span,
                                                                   2 * span)
        h[right] += a[right] * h[left]
        a[right] *= a[left]
        span *= 2
    span //= 2
    while span >= 1:                  # down-sweep: complete the prefixes between them
        right, left = slice(3 * span - 1, steps, 2 * span), slice(2 * span - 1,
                                                                   steps - span, 2 * span)
        h[right] += a[right] * h[left]    # only h is needed from here on
        span //= 2


def parallel_scan(a: np.ndarray, b: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """All states ``h_t = a_t ⊙ h_{t-1} + b_t`` for ``a``, ``b`` ``(T, …)`` and ``h0``
    (``…``), as a new array (see :func:`scan_in_place`).

    Example:
        >>> a, b = np.full((4, 1), 0.5), np.ones((4, 1))
        >>> parallel_scan(a, b, np.zeros(1))[:, 0].tolist()
        [1.0, 1.5, 1.75, 1.875]
    """
    h = np.array(b)
    scan_in_place(np.array(a), h, h0)
    return h


def scan_gradient(a: np.ndarray, grad: np.ndarray, work: np.ndarray) -> np.ndarray:
    """The total ``g_t = ∂L/∂h_t = grad_t + a_{t+1} ⊙ g_{t+1}`` of every step, computed in
    ``grad`` ``(T, …)`` (the gradient from outside the recurrence: outputs, and the final
    state at ``T − 1``), which it returns. It is a scan over reversed time whose first state is
    ``g_{T-1} = grad_{T-1}``; ``work`` (``(T − 1, …)``) is scratch."""
    if grad.shape[0] > 1:
        np.copyto(work, a[:0:-1])                   # a_{T-1}, …, a_1
        scan_in_place(work, grad[-2::-1], grad[-1])
    return grad


def parallel_scan_backward(a: np.ndarray, h_prev: np.ndarray, grad: np.ndarray,
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`parallel_scan`: ``grad`` ``(T, …)`` is ``∂L/∂h_t`` from outside the
    recurrence, ``h_prev`` the states each step read. Returns ``(da, db, dh0)``; ``db`` is also
    the total ``∂L/∂h_t`` of every step."""
    g = scan_gradient(a, np.array(grad), np.empty_like(a[1:]))
    return g * h_prev, g, a[0] * g[0]


class InputGatedStack(RecurrentStack):
    """Base of :class:`~rnnlab.reference.MinLSTM` and :class:`~rnnlab.reference.MinGRU`.

    A subclass gives its textbook step (``step_cell``), its gate names, and the map from the
    gate-major input projection ``acts`` ``(G, T, B, H)`` (``W_ih x + b_ih`` of every step,
    blocks in the registry's order) to the coefficients of the recurrence and back::

        coefficients(acts, b) -> a       turns acts' sigmoid blocks into gates in place,
                                         writes b_t into b, returns a_t   (each (T, B, H))
        coefficients_backward(da, db, acts, out)   writes dL/d(acts' pre-activations) to out

    ``scan="parallel"`` (default) runs :func:`scan_in_place` on arrays kept between calls (see
    :class:`~rnnlab.reference.recurrent.Workspace`); ``scan="sequential"`` loops over the
    textbook step (:mod:`rnnlab.reference.stepping`) and gives the same numbers.
    """

    gate_names: tuple[str, ...] = ()

    def __init__(self, *args, scan: str = "parallel", **kwargs) -> None:
        if scan not in SCANS:
            raise ValueError(f"scan must be 'parallel' or 'sequential', got {scan!r}")
        super().__init__(*args, **kwargs)
        self.scan = scan

    def coefficients(self, acts, b):
        raise NotImplementedError

    def coefficients_backward(self, da, db, acts, out):
        raise NotImplementedError

    def _forward_direction(self, inputs, suffix, state0, mask, buffer):
        if self.scan == "sequential":
            return stepping.forward_direction(self, self.step_cell(), inputs, suffix, state0,
                                              mask)
        gates, hidden = self.spec.gates, self.spec.hidden_size
        steps, batch, features = inputs.shape
        dtype = self.dtype
        weight = np.concatenate([self.params[f"weight_ih_{suffix}"],
                                 self.params[f"bias_ih_{suffix}"][:, None]], axis=1)
        weight = np.ascontiguousarray(weight.reshape(gates, hidden, features).transpose(0, 2, 1))
        acts = buffer("acts", (gates, steps * batch, hidden), dtype)
        np.matmul(inputs.reshape(steps * batch, features), weight, out=acts)  # bias included
        acts = acts.reshape(gates, steps, batch, hidden)
        hs = buffer("hs", (steps + 1, batch, hidden), dtype)
        hs[0] = state0[0]
        a = self.coefficients(acts, hs[1:])
        if mask is not None:                                       # padding: (a, b) = (1, 0)
            np.copyto(a, 1.0, where=~mask)
            hs[1:] *= mask
        work = buffer("work", a.shape, dtype)
        np.copyto(work, a)
        scan_in_place(work, hs[1:], state0[0])
        y = hs[1:] if mask is None else np.multiply(hs[1:], mask)
        cache = ScanCache(acts=acts, states=(hs,), extra=(a,), mask=mask, w_hh=None)
        cache.state_gradients = lambda dy, dstate_n: (
            self._state_gradient(cache, dy, dstate_n, fresh_buffer), None)
        return y, (hs[-1],), cache

    def _state_gradient(self, cache, dy, dstate_n, buffer) -> np.ndarray:
        """The total ``∂L/∂h_t`` of every step, ``(T, B, H)`` (see :func:`scan_gradient`)."""
        a = cache.extra[0]
        grad = buffer("grad", dy.shape, a.dtype)
        if cache.mask is None:
            np.copyto(grad, dy)
        else:
            np.multiply(dy, cache.mask, out=grad)
        grad[-1] += dstate_n[0]
        return scan_gradient(a, grad, buffer("work", (a.shape[0] - 1, *a.shape[1:]), a.dtype))

    def _backward_direction(self, cache, inputs, dy, dstate_n, suffix, buffer):
        if self.scan == "sequential":
            return stepping.backward_direction(self, self.step_cell(), cache, dy, dstate_n,
                                               suffix)
        a, (hs,), mask = cache.extra[0], cache.states, cache.mask
        g = self._state_gradient(cache, dy, dstate_n, buffer)
        dh0 = a[0] * g[0]
        # db_t = g_t and da_t = g_t ⊙ h_{t-1}; the padding's (1, 0) are constants
        da = buffer("da", g.shape, g.dtype)
        np.multiply(g, hs[:-1], out=da)
        if mask is not None:
            da *= mask
            g *= mask
        d_acts = buffer("d_acts", cache.acts.shape, g.dtype)
        self.coefficients_backward(da, g, cache.acts, d_acts)
        dw_ih, db_ih, dx = self._input_gradients(d_acts, inputs, suffix)
        return {"weight_ih": dw_ih, "bias_ih": db_ih}, dx, (dh0,)
