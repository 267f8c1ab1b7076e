"""The fast engine's ``torch.nn`` cells: RNN, LSTM and GRU (oneDNN/ATen on CPU, cuDNN on GPU).

Each class *is* the matching ``torch.nn`` module with ``batch_first=True`` — parameter names,
shapes and gate order are PyTorch's own — with three additions that make it interchangeable with
the reference engine (the cells and options ``torch.nn`` lacks are in :mod:`rnnlab.torch.scan`
and the modules beside it, with the same additions):

* the constructor of :mod:`rnnlab.reference` (``seed``, ``forget_bias``, ``chrono``) and the same
  initialisation, drawn from :mod:`rnnlab.initializers`, so one seed gives identical weights in
  both engines;
* ``forward(x, h0=None, lengths=None)``: ``lengths`` packs a right-padded batch with
  ``pack_padded_sequence`` for you and pads the output back to the input's length;
* the same input checks, raising ``ValueError`` with a clear message;
* on the CPU, rnnlab's fused kernels instead of ``torch.nn``'s (:mod:`rnnlab.torch.cpu_kernels`;
  ``layer.kernels = "torch"`` keeps ``torch.nn``'s).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnlab.initializers import initial_parameters
from rnnlab.recurrent_spec import RecurrentSpec
from rnnlab.torch import cpu_kernels
from rnnlab.validation import check_lengths, check_sequence_input, check_state

_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def as_torch_dtype(dtype) -> torch.dtype:
    """``numpy.float32``, ``"float32"`` or ``torch.float32`` → ``torch.float32`` (same for 64)."""
    if isinstance(dtype, torch.dtype):
        if dtype in _DTYPES.values():
            return dtype
    else:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = str(dtype)
        if name in _DTYPES:
            return _DTYPES[name]
    raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")


class _RecurrentMixin:
    """Shared constructor and forward for the three torch-engine classes."""

    cell: str = ""
    spec: RecurrentSpec

    def _setup(self, spec: RecurrentSpec, seed, forget_bias, chrono) -> None:
        self.spec = spec
        params = initial_parameters(spec, seed, forget_bias=forget_bias, chrono=chrono,
                                    dtype=np.float64)
        with torch.no_grad():
            for name, parameter in self.named_parameters():
                parameter.copy_(torch.from_numpy(params[name]))

    def num_parameters(self) -> int:
        return self.spec.num_parameters()

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Like ``torch.nn.Module.load_state_dict``; also accepts NumPy arrays, and raises
        ``ValueError`` naming the missing, unexpected or mis-shaped keys."""
        self.spec.check_state_dict(state_dict, type(self).__name__)
        reference = next(self.parameters())
        converted = {k: torch.as_tensor(np.asarray(v) if not torch.is_tensor(v) else v)
                     .to(dtype=reference.dtype, device=reference.device)
                     for k, v in state_dict.items()}
        return super().load_state_dict(converted, strict=strict, assign=assign)

    def forward(self, x, h0=None, lengths=None, *, validate: bool = True):
        """Run the stack; see :class:`rnnlab.reference.recurrent.RecurrentStack.forward`.

        Args:
            x: ``(batch, time, input_size)`` tensor (NumPy arrays are converted).
            h0: ``(D*num_layers, batch, hidden_size)``; for the LSTM the pair ``(h0, c0)``.
            lengths: optional ``(batch,)`` valid lengths of a right-padded batch.
            validate: check shapes and finiteness (one device sync); the training loop turns
                this off after checking the whole dataset once.
        Returns:
            ``(y, h_n)`` — ``(y, (h_n, c_n))`` for the LSTM — with ``y`` ``(batch, time, D*H)``.
        """
        parameter = next(self.parameters())
        if not torch.is_tensor(x):
            x = torch.as_tensor(np.asarray(x), dtype=parameter.dtype, device=parameter.device)
        elif x.dtype != parameter.dtype:
            x = x.to(parameter.dtype)
        if validate:
            check_sequence_input(tuple(x.shape), bool(torch.isfinite(x).all()), self.spec)
            if h0 is not None:
                self._check_initial_state(h0, x.shape[0])
        fused = cpu_kernels.forward(self, x, h0, lengths)   # rnnlab's CPU kernels, if they run
        if fused is not None:
            return fused
        if lengths is None:
            return super().forward(x, h0)
        batch, steps = x.shape[0], x.shape[1]
        if torch.is_tensor(lengths):
            lengths = lengths.detach().cpu().numpy()
        lengths = check_lengths(lengths, batch, steps)
        if np.all(lengths == steps):
            return super().forward(x, h0)
        packed = pack_padded_sequence(x, torch.from_numpy(lengths), batch_first=True,
                                      enforce_sorted=False)
        y, state = super().forward(packed, h0)
        y, _ = pad_packed_sequence(y, batch_first=True, total_length=steps)
        return y, state

    def _check_initial_state(self, h0, batch: int) -> None:
        if self.spec.has_cell_state:
            if not (isinstance(h0, tuple | list) and len(h0) == 2):
                raise ValueError("the initial state of an LSTM is the pair (h0, c0), each of "
                                 f"shape {self.spec.state_shape(batch)}")
            pairs = zip(("h0", "c0"), h0, strict=True)
        else:
            pairs = [("h0", h0)]
        for name, value in pairs:
            if not torch.is_tensor(value):
                raise ValueError(f"{name} must be a torch tensor, got {type(value).__name__}")
            check_state(tuple(value.shape), bool(torch.isfinite(value).all()), self.spec, batch,
                        name)


class RNN(_RecurrentMixin, nn.RNN):
    """``torch.nn.RNN(batch_first=True)`` with rnnlab's initialisation and ``lengths``.

    Example:
        >>> import torch
        >>> rnn = RNN(3, 4, num_layers=2, seed=0)
        >>> y, h_n = rnn(torch.zeros(5, 7, 3))
        >>> tuple(y.shape), tuple(h_n.shape)
        ((5, 7, 4), (2, 5, 4))
    """

    cell = "rnn"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bidirectional: bool = False, *, nonlinearity: str = "tanh", dtype=torch.float32,
                 seed: int | None = None, device=None) -> None:
        spec = RecurrentSpec("rnn", input_size, hidden_size, num_layers, bidirectional,
                             nonlinearity)
        super().__init__(input_size, hidden_size, num_layers, nonlinearity=nonlinearity,
                         batch_first=True, bidirectional=bidirectional,
                         dtype=as_torch_dtype(dtype), device=device)
        self._setup(spec, seed, 1.0, None)


class GRU(_RecurrentMixin, nn.GRU):
    """``torch.nn.GRU(batch_first=True)`` with rnnlab's initialisation (or ``chrono``) and
    ``lengths``. (The reset-before GRU is not a ``torch.nn.GRU``: see
    :func:`rnnlab.torch.factory.gru_module`.)"""

    cell = "gru"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bidirectional: bool = False, *, dtype=torch.float32, seed: int | None = None,
                 chrono: int | None = None, device=None) -> None:
        spec = RecurrentSpec("gru", input_size, hidden_size, num_layers, bidirectional)
        super().__init__(input_size, hidden_size, num_layers, batch_first=True,
                         bidirectional=bidirectional, dtype=as_torch_dtype(dtype), device=device)
        self._setup(spec, seed, 1.0, chrono)


class LSTM(_RecurrentMixin, nn.LSTM):
    """``torch.nn.LSTM(batch_first=True)`` with rnnlab's initialisation (forget-gate bias 1, or
    ``chrono``) and ``lengths``; ``proj_size`` is torch's own. (The peephole LSTM is not a
    ``torch.nn.LSTM``: see :func:`rnnlab.torch.factory.lstm_module`.)"""

    cell = "lstm"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bidirectional: bool = False, *, proj_size: int = 0, dtype=torch.float32,
                 seed: int | None = None, forget_bias: float = 1.0, chrono: int | None = None,
                 device=None) -> None:
        spec = RecurrentSpec("lstm", input_size, hidden_size, num_layers, bidirectional,
                             proj_size=proj_size)
        super().__init__(input_size, hidden_size, num_layers, batch_first=True,
                         bidirectional=bidirectional, proj_size=proj_size,
                         dtype=as_torch_dtype(dtype), device=device)
        self._setup(spec, seed, forget_bias, chrono)
