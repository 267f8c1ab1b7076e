"""The fast engine: the same RNN, LSTM and GRU as :mod:`rnnlab.reference`, on ``torch.nn``.

Use :func:`rnnlab.convert.to_torch` and :func:`rnnlab.convert.to_reference` to move a model
between the engines.
"""

from rnnlab.torch.recurrent import GRU, LSTM, RNN, as_torch_dtype

__all__ = ["GRU", "LSTM", "RNN", "as_torch_dtype"]
