"""``trace``: run a model on the reference engine with its own weights and record its insides.

The model's fast engine, its settings and its weights are left as they are: a separate float64
:class:`~rnnlab.engines.reference.ReferenceEngine` is built from ``model.params``, so every
number in the trace can be followed through the equations of :mod:`rnnlab.reference`, and the
traced predictions equal ``model.predict`` (to float32 rounding when the model predicts in
float32 on torch).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.inspect.capture import capture_layers
from rnnlab.inspect.gradients import backward_flow, loss_and_gradient
from rnnlab.inspect.trace import Trace
from rnnlab.metrics import softmax

MAX_SEQUENCES = 4096


def trace(model: Any, X: Any, y: Any = None, *, gradients: bool = True) -> Trace:
    """Trace gates, states and gradient flow of ``model`` on the sequences ``X``.

    Args:
        model: an :class:`rnnlab.Sequential` (trained or not).
        X: input as for ``model.predict``: ``(batch, time, features)``, a list of sequences of
            different lengths, or token ids for an ``Embedding`` model.
        y: optional targets as for ``rnnlab.train``; the gradient is then that of the model's
            own loss. Without targets it is that of ``½ · mean ‖last output‖²``.
        gradients: also trace ``‖∂L/∂h_t‖`` (a second, step-by-step backward pass).

    Returns:
        a :class:`~rnnlab.inspect.trace.Trace`; gates, states and gradients are batch-first
        ``(batch, time, hidden)`` / ``(batch, time)``, NaN past each sequence's end.

    Example:
        >>> import numpy as np, rnnlab
        >>> model = rnnlab.build("lstm", input_size=2, hidden_size=4, output_size=3,
        ...                      task="classify")
        >>> X = np.random.default_rng(0).standard_normal((5, 7, 2))
        >>> t = rnnlab.inspect.trace(model, X, y=[0, 1, 2, 0, 1])
        >>> t.names, sorted(t["1.lstm_l0"].gates), t["1.lstm_l0"].gates["f"].shape
        (['1.lstm_l0'], ['f', 'g', 'i', 'o'], (5, 7, 4))
        >>> bool(np.allclose(t.predictions, model.predict(X), atol=1e-6))
        True
    """
    from rnnlab.engines.reference import ReferenceEngine
    from rnnlab.models.sequential import Sequential

    if not isinstance(model, Sequential):
        raise ValueError(f"trace() needs an rnnlab.Sequential model, got {type(model).__name__}")
    sequences = model.prepare(X)
    if len(sequences) > MAX_SEQUENCES:
        raise ValueError(f"X has {len(sequences)} sequences; trace at most {MAX_SEQUENCES} "
                         f"(a trace keeps every gate of every step) — pass a sample")
    lengths = np.asarray(sequences.lengths, dtype=np.int64)
    steps = int(lengths.max())
    values = sequences.values[:, :steps]
    engine = ReferenceEngine(model, dtype="float64", device="cpu")
    out = engine.outputs(values, lengths)          # the forward fills every scan cache
    layers = capture_layers(engine, lengths)
    loss, kind = float("nan"), "none"
    if gradients:
        loss, grad_out, kind = loss_and_gradient(model, out, lengths, y)
        flows = backward_flow(engine, grad_out, len(lengths), steps)
        valid = np.arange(steps)[None, :] < lengths[:, None]
        for layer in layers:
            grad_h, grad_c = flows[(layer.layer, layer.stacked, layer.direction)]
            layer.grad_hidden = np.where(valid, grad_h, np.nan)
            if grad_c is not None:
                layer.grad_cell = np.where(valid, grad_c, np.nan)
    predictions = softmax(out) if model.is_classifier else out
    return Trace(layers=layers, lengths=lengths, predictions=predictions, loss=loss,
                 loss_kind=kind, meta={"task": model.task})
