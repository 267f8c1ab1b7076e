"""Look inside a trained recurrent network: gates, states and gradient flow through time.

:func:`trace` runs the model on the reference (NumPy) engine with the model's own weights — the
fast engine is not touched — and returns a :class:`Trace` with, for every recurrent layer and
direction, the per-step gate activations (LSTM ``i, f, g, o`` and the cell state ``c_t``; GRU
``r, z, n``), the hidden states and ``‖∂L/∂h_t‖``. ``Trace.save_npz``, ``Trace.plot`` and
``Trace.saturation`` turn it into files and numbers::

    t = rnnlab.inspect.trace(model, X_test[:32], y_test[:32])
    t.save_npz("trace.npz"); t.plot("plots/"); t.saturation()["1.lstm_l0"]["f"]
"""

from rnnlab.inspect.trace import LayerTrace, Trace, saturated_share
from rnnlab.inspect.tracing import trace

__all__ = ["LayerTrace", "Trace", "saturated_share", "trace"]
