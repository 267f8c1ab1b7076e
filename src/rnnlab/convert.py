"""Move recurrent stacks between the reference (NumPy) and torch engines.

Both engines use the parameter names, shapes and gate order of :mod:`rnnlab.recurrent_spec`
(PyTorch's own where PyTorch has the cell), so conversion is a copy of the ``state_dict``; this
module only builds the right class with the right sizes and options. It is the one place that
imports both engines (they never import each other).
"""

from __future__ import annotations

import numpy as np
import torch

from rnnlab.recurrent_spec import RecurrentSpec
from rnnlab.torch import module_for


def to_torch(model, *, dtype=None, device=None):
    """A torch-engine copy of a reference model (same weights; dtype defaults to the model's).

    Example:
        >>> from rnnlab import reference
        >>> fast = to_torch(reference.GRU(3, 4, seed=0))
        >>> type(fast).__name__, fast.weight_hh_l0.shape
        ('GRU', torch.Size([12, 4]))
        >>> type(to_torch(reference.GRU(3, 4, reset_after=False))).__name__
        'ResetBeforeGRU'
    """
    fast = module_for(model.spec, dtype=dtype or model.dtype, device=device)
    fast.load_state_dict(model.state_dict())
    return fast


def to_reference(model, *, dtype=None):
    """A reference-engine copy of a torch-engine model or of a plain ``torch.nn.RNN/LSTM/GRU``
    built with ``batch_first=True`` (dtype defaults to the model's)."""
    spec = getattr(model, "spec", None)
    if spec is None:
        spec = _spec_of_torch_module(model)
    first = next(model.parameters())
    dtype = dtype or (np.float64 if first.dtype == torch.float64 else np.float32)
    slow = spec.info.reference_class()(spec.input_size, spec.hidden_size, spec.num_layers,
                                       spec.bidirectional, dtype=dtype, **spec.options)
    slow.load_state_dict({k: v.detach().cpu().numpy() for k, v in model.state_dict().items()})
    return slow


def _spec_of_torch_module(module) -> RecurrentSpec:
    kinds = {torch.nn.LSTM: "lstm", torch.nn.GRU: "gru", torch.nn.RNN: "rnn"}
    cell = next((name for cls, name in kinds.items() if isinstance(module, cls)), None)
    if cell is None:
        raise ValueError(f"expected an RNN, LSTM or GRU module, got {type(module).__name__}")
    if not module.batch_first or not module.bias:
        raise ValueError("only batch_first=True modules with biases convert")
    options = {"proj_size": module.proj_size} if cell == "lstm" else {}
    if cell == "rnn":
        options["nonlinearity"] = module.nonlinearity
    return RecurrentSpec(cell, module.input_size, module.hidden_size, module.num_layers,
                         module.bidirectional, **options)
