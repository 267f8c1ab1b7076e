"""The fast engine: every cell of :mod:`rnnlab.cells` on torch, with the same parameters and
initialisation as :mod:`rnnlab.reference`.

``RNN``, ``LSTM`` (also with ``proj_size``) and ``GRU`` are ``torch.nn``'s own modules; the cells
and options ``torch.nn`` lacks are step loops on autograd (:mod:`rnnlab.torch.scan`) or, for the
cells whose gates read only the input, parallel scans. :func:`module_for` builds the right one
from a :class:`~rnnlab.recurrent_spec.RecurrentSpec`. Use :func:`rnnlab.convert.to_torch` and
:func:`rnnlab.convert.to_reference` to move a model between the engines.
"""

from typing import Any

from rnnlab import cells as _cells
from rnnlab.torch.factory import module_for
from rnnlab.torch.recurrent import GRU, LSTM, RNN, as_torch_dtype
from rnnlab.torch.variants import PeepholeLSTM, ResetBeforeGRU

# The cells whose registered torch form is a class of their own (IndRNN, MinLSTM, MinGRU …).
_CELL_CLASSES = {_cells.cell(name).layer: name for name in _cells.names(variants=False)
                 if _cells.cell(name).torch.endswith(f":{_cells.cell(name).layer}")}

__all__ = ["GRU", "LSTM", "RNN", "PeepholeLSTM", "ResetBeforeGRU", "as_torch_dtype",
           "module_for", *_CELL_CLASSES]


def __getattr__(name: str) -> Any:
    if name in _CELL_CLASSES:
        value = _cells.cell(_CELL_CLASSES[name]).torch_factory()
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rnnlab.torch' has no attribute {name!r}")
