"""Build the torch-engine module of any registered cell from its spec.

The registry (:mod:`rnnlab.cells`) names one constructor per cell, all with the signature of
:class:`rnnlab.torch.LSTM`'s (sizes, then ``dtype``, ``device``, ``seed`` and the cell's options).
For the three cells ``torch.nn`` has, the constructors here pick the ``torch.nn`` class when it
computes the requested options and the step loop of :mod:`rnnlab.torch.variants` otherwise.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from rnnlab.recurrent_spec import RecurrentSpec
from rnnlab.torch.recurrent import GRU, LSTM, RNN
from rnnlab.torch.variants import PeepholeLSTM, ResetBeforeGRU


def module_for(spec: RecurrentSpec, *, dtype=torch.float32, device=None,
               seed: int | None = None, **initialisation: Any) -> nn.Module:
    """The torch-engine module for ``spec`` (``initialisation``: ``forget_bias``, ``chrono``).

    Example:
        >>> from rnnlab.recurrent_spec import RecurrentSpec
        >>> type(module_for(RecurrentSpec("gru", 3, 4, reset_after=False))).__name__
        'ResetBeforeGRU'
    """
    build = spec.info.torch_factory()
    return build(spec.input_size, spec.hidden_size, spec.num_layers, spec.bidirectional,
                 dtype=dtype, device=device, seed=seed, **initialisation, **spec.options)


def rnn_module(input_size: int, hidden_size: int, num_layers: int = 1,
               bidirectional: bool = False, *, nonlinearity: str = "tanh", **kwargs: Any) -> RNN:
    kwargs.pop("forget_bias", None)
    kwargs.pop("chrono", None)
    return RNN(input_size, hidden_size, num_layers, bidirectional, nonlinearity=nonlinearity,
               **kwargs)


def lstm_module(input_size: int, hidden_size: int, num_layers: int = 1,
                bidirectional: bool = False, *, peepholes: bool = False, proj_size: int = 0,
                **kwargs: Any) -> nn.Module:
    """``torch.nn.LSTM`` (with torch's ``proj_size``) or, with peepholes, the step loop."""
    if peepholes:
        return PeepholeLSTM(input_size, hidden_size, num_layers, bidirectional,
                            proj_size=proj_size, **kwargs)
    return LSTM(input_size, hidden_size, num_layers, bidirectional, proj_size=proj_size,
                **kwargs)


def gru_module(input_size: int, hidden_size: int, num_layers: int = 1,
               bidirectional: bool = False, *, reset_after: bool = True,
               **kwargs: Any) -> nn.Module:
    """``torch.nn.GRU`` (reset after) or the reset-before step loop."""
    kwargs.pop("forget_bias", None)
    if not reset_after:
        return ResetBeforeGRU(input_size, hidden_size, num_layers, bidirectional, **kwargs)
    return GRU(input_size, hidden_size, num_layers, bidirectional, **kwargs)
