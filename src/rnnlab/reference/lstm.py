r"""Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al.
2000), forward and backward through time by hand.

For every step ``t`` (PyTorch's equations and gate order i, f, g, o)::

    i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)          input gate
    f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)          forget gate
    g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)       candidate cell
    o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)          output gate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)

Backward, given ``dh_t`` (from the output and from step ``t+1``) and ``dc_t`` (from ``t+1``)::

    do_t = dh_t ⊙ tanh(c_t)
    dc_t += dh_t ⊙ o_t ⊙ (1 − tanh²(c_t))
    di_t = dc_t ⊙ g_t      df_t = dc_t ⊙ c_{t-1}      dg_t = dc_t ⊙ i_t
    dc_{t-1} = dc_t ⊙ f_t
    da_t = [di ⊙ i(1−i), df ⊙ f(1−f), dg ⊙ (1−g²), do ⊙ o(1−o)]    (pre-activations)
    dh_{t-1} = W_hhᵀ da_t            [dW_hh | dW_ih | db] += da_t [h_{t-1}; x_t; 1]ᵀ

Two options change the equations (both engines, same parameter names):

* ``peepholes=True`` (Gers & Schmidhuber 2000; ONNX's ``P``): the gates also read the cell,
  ``i_t = σ(… + w_ci ⊙ c_{t-1})``, ``f_t = σ(… + w_cf ⊙ c_{t-1})`` and ``o_t = σ(… + w_co ⊙
  c_t)`` (the output gate sees the *new* cell);
* ``proj_size=P`` (Sak et al. 2014; ``torch.nn.LSTM(proj_size=P)``): ``h_t = W_hr (o_t ⊙
  tanh(c_t))`` with ``W_hr`` ``(P, H)``, so ``h`` (and ``W_hh``'s columns) have size ``P``.

The module starts with the textbook step (:func:`lstm_step_forward`, :func:`lstm_step_backward`,
covering both options), then the fast scan the engine runs for the plain LSTM, tested against a
loop over the step; with either option the engine loops over the step
(:mod:`rnnlab.reference.stepping`).

Layout of the fast scan (the LSTM's own; see :mod:`rnnlab.reference.recurrent` for the shared
conventions). The scans keep every per-step quantity **feature-major**, ``(features, batch)``:

* one product per step gives all four gates, ``a_t = W [h_{t-1}; x_t; 1]`` with
  ``W = [W_hh | W_ih | b_ih + b_hh]`` ``(4H, H+I+1)``, so the input projection and the bias
  ride along in the recurrent product (no separate pass before the loop, no per-step add);
* gate ``k`` of ``a_t`` ``(4H, B)`` is the contiguous row block ``a_t[kH:(k+1)H]``, so the gate
  arithmetic runs on contiguous ``(H, B)`` arrays, and backward ``[dh_{t-1}; dx_t] =
  [W_hh | W_ih]ᵀ da_t`` is one product on the contiguous ``da_t``;
* the stacked columns ``[h_{t-1}; x_t; 1]`` of all steps are kept as rows ``(T+1, B, H+I+1)``, and
  the weight gradient of all steps is then a single ``(4H, T·B) @ (T·B, H+I+1)`` product.

On this machine's NumPy that made forward+backward about 15 % faster than the gate-major
``(G, T, B, H)`` layout the RNN and GRU use (BENCHMARKS.md): there the per-step product came out
as rows and had to be added to the gate blocks through a strided view, and the backward product
needed a strided copy of every step's gradient, and NumPy pays per row of such strided operands.
The cache still exposes the usual time-major ``(T, B, H)`` views (see
:class:`~rnnlab.reference.recurrent.ScanCache`), which :mod:`rnnlab.inspect` reads.
"""

from __future__ import annotations

import numpy as np

from rnnlab.reference import stepping
from rnnlab.reference.activations import sigmoid
from rnnlab.reference.recurrent import (
    RecurrentStack,
    ScanCache,
    fresh_buffer,
    gate_scale,
)
from rnnlab.reference.stepping import StepCell

SIGMOID_GATES = (0, 1, 3)  # i, f, o; g (block 2) uses tanh


# ---------------------------------------------------------------------- the textbook step
def lstm_step_forward(x, state, p, peepholes=False, proj_size=0):
    """One step: ``x`` ``(B, I)``; ``state = (h_prev, c_prev)``, ``(B, S)`` and ``(B, H)``
    (``S`` = ``proj_size`` or ``H``); ``p`` holds ``weight_ih`` ``(4H, I)``, ``weight_hh``
    ``(4H, S)``, ``bias_ih``, ``bias_hh`` ``(4H,)`` (gates i, f, g, o), and ``weight_hr``
    ``(P, H)`` / ``weight_ci``, ``weight_cf``, ``weight_co`` ``(H,)`` with the options."""
    h_prev, c_prev = state
    a = x @ p["weight_ih"].T + p["bias_ih"] + h_prev @ p["weight_hh"].T + p["bias_hh"]
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    if peepholes:
        a_i = a_i + p["weight_ci"] * c_prev
        a_f = a_f + p["weight_cf"] * c_prev
    i = sigmoid(a_i)
    f = sigmoid(a_f)
    g = np.tanh(a_g)
    c = f * c_prev + i * g
    if peepholes:
        a_o = a_o + p["weight_co"] * c
    o = sigmoid(a_o)
    tanh_c = np.tanh(c)
    m = o * tanh_c                       # the cell's output before any projection
    h = m @ p["weight_hr"].T if proj_size else m
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "i": i, "f": f, "g": g, "o": o,
             "c": c, "tanh_c": tanh_c, "m": m}
    return (h, c), cache


def lstm_output_backward(dstate, cache, p, peepholes=False, proj_size=0):
    """The backward of ``h_t = o_t ⊙ tanh(c_t)`` (then ``h_t = W_hr ·``): returns ``dc_t`` in
    total (from step ``t+1`` and through ``h_t``), ``da_o`` (the output gate's pre-activation
    gradient) and the gradients of ``W_hr`` and ``w_co``."""
    dh, dc = dstate
    o, c, tanh_c = cache["o"], cache["c"], cache["tanh_c"]
    grads = {}
    if proj_size:                         # h = W_hr m
        grads["weight_hr"] = dh.T @ cache["m"]
        dh = dh @ p["weight_hr"]
    do = dh * tanh_c                      # m = o ⊙ tanh(c)
    dc = dc + dh * o * (1.0 - tanh_c * tanh_c)
    da_o = do * o * (1.0 - o)
    if peepholes:                         # o = σ(… + w_co ⊙ c)
        dc = dc + da_o * p["weight_co"]
        grads["weight_co"] = (da_o * c).sum(axis=0)
    return dc, da_o, grads


def lstm_cell_state_gradient(dstate, cache, p, peepholes=False, proj_size=0):
    """Total ``∂L/∂c_t`` of one step (for :mod:`rnnlab.inspect`)."""
    return lstm_output_backward(dstate, cache, p, peepholes, proj_size)[0]


def lstm_step_backward(dstate, cache, p, peepholes=False, proj_size=0):
    """``dstate = (dh, dc)`` (gradients with respect to this step's ``h_t`` and ``c_t``) →
    ``dx``, ``(dh_prev, dc_prev)`` and this step's parameter gradients."""
    x, h_prev, c_prev, i, f, g = (cache[k] for k in ("x", "h_prev", "c_prev", "i", "f", "g"))
    # h = o ⊙ tanh(c): dc now holds the total gradient reaching c_t
    dc, da_o, grads = lstm_output_backward(dstate, cache, p, peepholes, proj_size)
    # c = f ⊙ c_prev + i ⊙ g
    di = dc * g
    df = dc * c_prev
    dg = dc * i
    dc_prev = dc * f
    # i, f = σ(·), g = tanh(·): to the pre-activations
    da_i = di * i * (1.0 - i)
    da_f = df * f * (1.0 - f)
    da_g = dg * (1.0 - g * g)
    if peepholes:                         # i = σ(… + w_ci ⊙ c_prev), f likewise
        dc_prev = dc_prev + da_i * p["weight_ci"] + da_f * p["weight_cf"]
        grads["weight_ci"] = (da_i * c_prev).sum(axis=0)
        grads["weight_cf"] = (da_f * c_prev).sum(axis=0)
    # a = W_ih x + b_ih + W_hh h_prev + b_hh
    da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)
    grads.update({"weight_ih": da.T @ x, "weight_hh": da.T @ h_prev,
                  "bias_ih": da.sum(axis=0), "bias_hh": da.sum(axis=0)})
    return da @ p["weight_ih"], (da @ p["weight_hh"], dc_prev), grads


# ---------------------------------------------------------------------- the fast scan


def _sigmoid_blocks(dtype) -> np.ndarray:
    """``(4, 1, 1)`` array, 1 for the sigmoid gates i, f, o and 0 for g: it lets one operation
    treat all four gate blocks of a step, each by its own rule."""
    return np.array([1.0, 1.0, 0.0, 1.0], dtype=dtype).reshape(4, 1, 1)


def stacked_lstm_weight(w_ih: np.ndarray, w_hh: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """``W = [W_hh | W_ih | bias]`` ``(4H, H+I+1)`` with the rows of the sigmoid gates halved
    (σ(z) = ½ + ½·tanh(z/2), see :mod:`rnnlab.reference.recurrent`)."""
    hidden = w_hh.shape[1]
    weight = np.concatenate([w_hh, w_ih, bias[:, None]], axis=1)
    weight *= gate_scale(4, hidden, SIGMOID_GATES, weight.dtype)[:, None]
    return weight


def lstm_forward_scan(inputs: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, bias: np.ndarray,
                      state0: tuple[np.ndarray, ...], mask: np.ndarray | None,
                      buffer=fresh_buffer) -> tuple[np.ndarray, tuple, ScanCache]:
    """Run one direction of one layer over time.

    Args:
        inputs: ``(T, B, I+1)`` time-major inputs with a last feature of ones, in the order the
            scan reads them.
        w_ih: ``(4H, I)``; w_hh: ``(4H, H)``; bias: ``(4H,)``, ``b_ih + b_hh``.
        state0: ``(h0, c0)``, each ``(B, H)``.
        mask: ``(T, B, 1)`` booleans, True where the step is inside the sequence, or None.
        buffer: scratch-array factory (see :class:`~rnnlab.reference.recurrent.Workspace`).
    Returns:
        ``y`` ``(T, B, H)``, the final ``(h_n, c_n)`` (each ``(B, H)``), and the cache for
        :func:`lstm_backward_scan`.
    """
    steps, batch, features = inputs.shape
    hidden = w_hh.shape[1]
    weight = stacked_lstm_weight(w_ih, w_hh, bias)
    dtype = weight.dtype
    # stack[t] = [h_{t-1} | x_t | 1] as rows; stack[t+1, :, :H] is h_t, so stack[:, :, :H] is the
    # hidden state before and after every step.
    stack = buffer("stack", (steps + 1, batch, hidden + features), dtype)
    stack[:steps, :, hidden:] = inputs
    stack[steps, :, hidden:] = 0.0
    stack[0, :, :hidden] = state0[0]
    acts = buffer("acts", (steps, 4 * hidden, batch), dtype)           # a_t, then the gates
    cs = buffer("cs", (steps + 1, hidden, batch), dtype)               # cs[t+1] is c_t
    tanh_c = buffer("tanh_c", (steps, hidden, batch), dtype)
    cs[0] = state0[1].T
    h_new = np.empty((hidden, batch), dtype=dtype)
    product = np.empty((hidden, batch), dtype=dtype)
    keep = None if mask is None else ~mask.transpose(0, 2, 1)         # (T, 1, B)
    # σ(z) = ½ + ½·tanh(z/2) on i, f, o and tanh on g: a ← a·slope + half after one tanh.
    half = 0.5 * _sigmoid_blocks(dtype)
    slope = 1.0 - half
    for t in range(steps):
        a = acts[t]
        np.matmul(weight, stack[t].T, out=a)
        np.tanh(a, out=a)
        gates = a.reshape(4, hidden, batch)
        gates *= slope
        gates += half
        i, f, g, o = gates
        c_new = cs[t + 1]
        np.multiply(f, cs[t], out=c_new)
        np.multiply(i, g, out=product)
        c_new += product
        np.tanh(c_new, out=tanh_c[t])
        np.multiply(o, tanh_c[t], out=h_new)
        if keep is not None:
            # Past a sequence's end the state is carried unchanged (and the output is zero).
            np.copyto(c_new, cs[t], where=keep[t])
            np.copyto(h_new, stack[t, :, :hidden].T, where=keep[t])
        stack[t + 1, :, :hidden] = h_new.T
    hs = stack[:, :, :hidden]
    if mask is None:
        y = hs[1:]
    else:
        y = buffer("y", (steps, batch, hidden), dtype)
        np.multiply(hs[1:], mask, out=y)
    cache = ScanCache(acts=_time_major_gates(acts), states=(hs, cs.transpose(0, 2, 1)),
                      extra=(tanh_c.transpose(0, 2, 1), stack), mask=mask,
                      w_hh=w_hh)
    return y, (hs[-1], cs[-1].T), cache


def lstm_backward_scan(cache: ScanCache, dy: np.ndarray, dstate_n: tuple[np.ndarray, ...],
                       nonlinearity: str = "tanh", buffer=fresh_buffer,
                       w_ih: np.ndarray | None = None, overwrite: bool = False):
    """Backpropagate one direction of one layer through time.

    Args:
        cache: from :func:`lstm_forward_scan` (or a slice of its steps).
        dy: ``(T, B, H)`` gradient of the loss with respect to the outputs ``y``.
        dstate_n: ``(dh_n, dc_n)``, each ``(B, H)``.
        nonlinearity: unused (the LSTM's are fixed); there for the common scan signature.
        w_ih: ``(4H, I)``; when given, ``dx`` is computed too.
        overwrite: let the gradients overwrite the cached gate activations (faster; the cache
            is then spent and must not be used again).
    Returns:
        ``dx`` ``(T, B, I)`` (None without ``w_ih``); ``[dW_hh | dW_ih | db]``
        ``(4H, H+I+1)`` (``db`` is the gradient of ``b_ih`` and of ``b_hh`` alike); None (no
        separate ``db_hh``); and ``(dh0, dc0)``, each ``(B, H)``.
    """
    acts = cache.acts.transpose(1, 0, 3, 2)                     # (T, 4, H, B)
    steps, _, hidden, batch = acts.shape
    acts = acts.reshape(steps, 4 * hidden, batch)
    cs = cache.states[1].transpose(0, 2, 1)                     # (T+1, H, B)
    tanh_c = cache.extra[0].transpose(0, 2, 1)                  # (T, H, B)
    stack = cache.extra[1]                                      # (T+1, B, H+I+1)
    dtype = acts.dtype
    w_hh = cache.w_hh
    # [dh_{t-1}; dx_t] = [W_hh | W_ih]ᵀ da_t in one product per step, while da_t is in cache:
    # a separate (T·B, 4H) @ (4H, I) product after the loop, thin and memory-bound, took longer.
    w_back = np.ascontiguousarray((w_hh if w_ih is None else np.hstack([w_hh, w_ih])).T)
    d_back = buffer("d_back", (steps, w_back.shape[0], batch), dtype)   # [dh_{t-1}; dx_t]
    dy_fm = buffer("dy", (steps, hidden, batch), dtype)
    np.copyto(dy_fm, dy.transpose(0, 2, 1))                     # one transposing copy, not T
    # Copies, always: the caller's arrays must not change (and for batch 1 the transposed view
    # is already contiguous, so np.ascontiguousarray would not copy).
    dh = dstate_n[0].T.copy()
    dc = dstate_n[1].T.copy()
    scratch = np.empty((hidden, batch), dtype=dtype)
    derivative = np.empty((4, hidden, batch), dtype=dtype)
    d_gates = np.empty((4, hidden, batch), dtype=dtype)   # dL/d(gate activations) of one step
    # Step t's gates are not needed once its gradient is known, so the pre-activation gradients
    # can take their place: half the memory traffic of a separate array.
    d_acts = acts if overwrite else buffer("d_acts", (steps, 4 * hidden, batch), dtype)
    d_i, d_f, d_g, d_o = d_gates
    mask = None if cache.mask is None else cache.mask.transpose(0, 2, 1)  # (T, 1, B)
    # σ' = s(1 − s) on i, f, o and tanh' = 1 − g² on g: a·(sig − a), plus 1 on the g block.
    sig = _sigmoid_blocks(dtype)
    for t in reversed(range(steps)):
        gates = acts[t].reshape(4, hidden, batch)
        i, f, g, o = gates
        if mask is None:
            dh += dy_fm[t]
        else:
            # Masked steps only carry the state: the gradient skips them untouched.
            keep_h = np.where(mask[t], 0.0, dh)
            keep_c = np.where(mask[t], 0.0, dc)
            dh += dy_fm[t]
            dh *= mask[t]
            dc *= mask[t]
        # h_t = o ⊙ tanh(c_t): do = dh ⊙ tanh(c_t), and dh ⊙ o ⊙ (1 − tanh²(c_t)) reaches c_t,
        # written as o ⊙ (dh − do ⊙ tanh(c_t)) to save a pass
        np.multiply(dh, tanh_c[t], out=d_o)
        np.multiply(d_o, tanh_c[t], out=scratch)
        np.subtract(dh, scratch, out=scratch)
        scratch *= o
        dc += scratch
        # c_t = f ⊙ c_{t-1} + i ⊙ g
        np.multiply(dc, g, out=d_i)
        np.multiply(dc, cs[t], out=d_f)
        np.multiply(dc, i, out=d_g)
        dc *= f                                     # now dc_{t-1}
        # through the nonlinearities to the pre-activations
        np.subtract(sig, gates, out=derivative)
        derivative *= gates
        derivative[2] += 1.0
        np.multiply(d_gates, derivative, out=d_acts[t].reshape(4, hidden, batch))
        np.matmul(w_back, d_acts[t], out=d_back[t])
        dh = d_back[t, :hidden]                     # now dh_{t-1}
        if mask is not None:
            dh += keep_h
            dc += keep_c
    # One transposing copy to (4H, T, B) turns the weight gradient of all steps into a single
    # product; T per-step products and their sum took longer than the copy.
    d_pre = buffer("d_pre", (4 * hidden, steps, batch), dtype)
    _copy_rows(d_pre, d_acts.transpose(1, 0, 2))
    flat_stack = stack[:steps].reshape(steps * batch, -1)
    d_weight = d_pre.reshape(4 * hidden, steps * batch) @ flat_stack
    dx = None if w_ih is None else np.ascontiguousarray(d_back[:, hidden:].transpose(0, 2, 1))
    return dx, d_weight, None, (dh.T.copy(), dc.T.copy())


def _copy_rows(out: np.ndarray, source: np.ndarray) -> None:
    """``out[...] = source`` for arrays whose last axis is contiguous in both, moving each
    last-axis row as one opaque item: NumPy's copy loop then runs once per row instead of once
    per element of it, a quarter faster for rows of 64 floats."""
    row = np.dtype((np.void, out.shape[-1] * out.itemsize))
    np.copyto(out.view(row)[..., 0], source.view(row)[..., 0])


def _time_major_gates(acts: np.ndarray) -> np.ndarray:
    """``(T, 4H, B)`` feature-major gates as a gate-major, time-major ``(4, T, B, H)`` view."""
    steps, rows, batch = acts.shape
    return acts.reshape(steps, 4, rows // 4, batch).transpose(1, 0, 3, 2)


class LSTM(RecurrentStack):
    """A stack of LSTM layers in NumPy, with the contract of ``torch.nn.LSTM(batch_first=True)``.

    Shapes (``D`` = 2 if bidirectional else 1, ``L`` = ``num_layers``):

    * input ``x``: ``(batch, time, input_size)``; ``h0`` and ``c0``: ``(D*L, batch, hidden_size)``,
      passed as the pair ``(h0, c0)``;
    * output ``y``: ``(batch, time, D*hidden_size)``; ``(h_n, c_n)`` like ``(h0, c0)``;
    * with ``proj_size=P``, ``h0``, ``h_n`` and each direction's output have ``P`` features.

    ``peepholes=True`` and ``proj_size`` are described in the module docstring.

    Example:
        >>> import numpy as np
        >>> lstm = LSTM(input_size=3, hidden_size=5, seed=0)
        >>> y, (h_n, c_n) = lstm.forward(np.ones((2, 7, 3), np.float32))
        >>> y.shape, h_n.shape
        ((2, 7, 5), (1, 2, 5))
        >>> dx = lstm.backward(np.ones_like(y))          # fills lstm.grads
        >>> sorted(lstm.grads)[:2]
        ['bias_hh_l0', 'bias_ih_l0']
    """

    cell = "lstm"
    sigmoid_gates = SIGMOID_GATES

    def step_cell(self) -> StepCell:
        return StepCell(lstm_step_forward, lstm_step_backward, gates=("i", "f", "g", "o"),
                        cell_state_gradient=lstm_cell_state_gradient,
                        options={"peepholes": self.spec.peepholes,
                                 "proj_size": self.spec.proj_size})

    @property
    def _plain(self) -> bool:
        """No peepholes and no projection: the fast scan applies."""
        return not (self.spec.peepholes or self.spec.proj_size)

    def _forward_direction(self, inputs, suffix, state0, mask, buffer):
        if not self._plain:
            return stepping.forward_direction(self, self.step_cell(), inputs, suffix, state0,
                                              mask)
        p = self.params
        return lstm_forward_scan(inputs, p[f"weight_ih_{suffix}"], p[f"weight_hh_{suffix}"],
                                 p[f"bias_ih_{suffix}"] + p[f"bias_hh_{suffix}"], state0, mask,
                                 buffer)

    def _backward_direction(self, cache, inputs, dy, dstate_n, suffix, buffer):
        if not self._plain:
            return stepping.backward_direction(self, self.step_cell(), cache, dy, dstate_n,
                                               suffix)
        dx, d_weight, _, dstate0 = lstm_backward_scan(
            cache, dy, dstate_n, buffer=buffer, w_ih=self.params[f"weight_ih_{suffix}"],
            overwrite=True)
        hidden = self.spec.hidden_size
        db = d_weight[:, -1].copy()
        grads = {"weight_ih": np.ascontiguousarray(d_weight[:, hidden:-1]),
                 "weight_hh": np.ascontiguousarray(d_weight[:, :hidden]),
                 "bias_ih": db, "bias_hh": db.copy()}
        return grads, dx, dstate0
