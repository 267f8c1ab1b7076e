"""The fast engine: every cell of :mod:`rnnlab.cells` on torch, with the same parameters and
initialisation as :mod:`rnnlab.reference`.

``RNN``, ``LSTM`` (also with ``proj_size``) and ``GRU`` are ``torch.nn``'s own modules; the cells
and options ``torch.nn`` lacks are step loops on autograd (:mod:`rnnlab.torch.scan`) or, for the
cells whose gates read only the input, parallel scans. :func:`module_for` builds the right one
from a :class:`~rnnlab.recurrent_spec.RecurrentSpec`. Use :func:`rnnlab.convert.to_torch` and
:func:`rnnlab.convert.to_reference` to move a model between the engines.
"""

from rnnlab.torch.factory import module_for
from rnnlab.torch.indrnn import IndRNN
from rnnlab.torch.minlstm import MinLSTM
from rnnlab.torch.recurrent import GRU, LSTM, RNN, as_torch_dtype
from rnnlab.torch.variants import PeepholeLSTM, ResetBeforeGRU

__all__ = ["GRU", "LSTM", "RNN", "IndRNN", "MinLSTM", "PeepholeLSTM", "ResetBeforeGRU",
           "as_torch_dtype", "module_for"]
