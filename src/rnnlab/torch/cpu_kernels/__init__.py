"""rnnlab's fused CPU kernels for the torch engine's recurrent layers.

On the CPU, ``torch.nn.LSTM`` reaches oneDNN, but ``torch.nn.GRU`` and ``torch.nn.RNN`` run
torch's generic per-step kernels: several times slower than a fused scan at the sizes rnnlab
trains. Here every cell has a fused forward and backward scan compiled with numba
(:mod:`.rnn`, :mod:`.gru`, :mod:`.lstm`), run by one ``torch.autograd.Function`` per layer
(:mod:`.layer`), with ``torch.nn``'s contract: the same parameters, states, outputs,
``lengths`` semantics (packed sequences of a right-padded batch), stacking, directions and
dropout between layers, in float32 and float64.

Which implementation a layer uses (``rnnlab.torch.RNN/LSTM/GRU``):

* ``"auto"`` (default): rnnlab's kernels on the CPU for the cells listed in :data:`AUTO`, and
  for those in :data:`AUTO_RAGGED` when a batch's sequences differ in length; ``torch.nn``
  otherwise — always on a GPU (cuDNN), while tracing, scripting or compiling
  (ONNX export), and for cell variants without a kernel here;
* ``"rnnlab"``: rnnlab's kernels, and a ``ValueError`` saying why when they cannot run;
* ``"torch"``: ``torch.nn`` always (the baseline of the benchmarks and parity tests).

Choose per layer with the attribute ``layer.kernels = "torch"``, for the process with the
environment variable ``RNNLAB_KERNELS`` or :func:`use_kernels` (also a context manager).

Another cell plugs in by adding a :class:`~.kernel.CellKernel` under its ``torch.nn`` mode
string (or its own key, read from ``module.kernel_key``) to :data:`REGISTRY`.

Example:
    >>> import torch, rnnlab.torch as fast
    >>> gru = fast.GRU(2, 3, seed=0)
    >>> y, h_n = gru(torch.zeros(4, 5, 2))
    >>> with use_kernels("torch"):
    ...     y_nn, _ = gru(torch.zeros(4, 5, 2))
    >>> bool(torch.allclose(y, y_nn, atol=1e-6))
    True
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import numpy as np
import torch

from rnnlab.validation import check_lengths

CHOICES = ("auto", "rnnlab", "torch")

#: ``torch.nn`` mode (``module.mode``) → (module under this package, attribute).
REGISTRY = {"RNN_TANH": ("rnn", "TANH_KERNEL"), "RNN_RELU": ("rnn", "RELU_KERNEL"),
            "GRU": ("gru", "KERNEL"), "LSTM": ("lstm", "KERNEL")}

#: Cells that ``"auto"`` runs on rnnlab's kernels (measured faster than ``torch.nn``).
AUTO = frozenset({"RNN_TANH", "RNN_RELU", "GRU"})
#: Cells that ``"auto"`` runs on rnnlab's kernels only for a right-padded batch of different
#: lengths: ``torch.nn`` packs such a batch, and its packed LSTM leaves oneDNN — forward +
#: backward of 32 sequences of 100–110 steps took 128 ms against rnnlab's 9.4 ms at H = 24 and
#: 203 against 19 ms at H = 57 (equal lengths: 4.2 against 4.3 ms, so oneDNN keeps those).
AUTO_RAGGED = frozenset({"LSTM"})

_default = os.environ.get("RNNLAB_KERNELS", "auto")
_loaded: dict[str, Any] = {}


class use_kernels:  # a function that doubles as a context manager, hence the name
    """Set the process-wide choice: ``use_kernels("torch")``; restores it as a context manager.

    Example:
        >>> with use_kernels("torch"):
        ...     current()
        'torch'
    """

    def __init__(self, choice: str) -> None:
        global _default
        _check_choice(choice, "use_kernels")
        self.previous, _default = _default, choice

    def __enter__(self) -> use_kernels:
        return self

    def __exit__(self, *exc: object) -> None:
        global _default
        _default = self.previous


def current() -> str:
    """The process-wide choice (``"auto"`` unless set)."""
    return _default


def _check_choice(choice: Any, where: str) -> None:
    if choice not in CHOICES:
        raise ValueError(f"{where} must be one of {', '.join(map(repr, CHOICES))}, "
                         f"got {choice!r}")


def _unsupported(module: Any, x: torch.Tensor, key: str) -> str | None:
    """Why rnnlab's kernels cannot run this layer on this input (None when they can)."""
    if x.device.type != "cpu":
        return f"the input is on {x.device}, and rnnlab's kernels run on the CPU only"
    if x.dtype not in (torch.float32, torch.float64):
        return f"rnnlab's kernels compute in float32 or float64, not {x.dtype}"
    if key not in REGISTRY:
        return f"no rnnlab kernel is registered for {key!r}"
    if not getattr(module, "bias", True) or getattr(module, "proj_size", 0):
        return "rnnlab's kernels need both biases and no LSTM projection"
    if not getattr(module, "reset_after", True) or getattr(module, "peepholes", False):
        return "this cell variant has no rnnlab kernel"
    # The kernels compute the plain cell: any option of the layer's spec that differs from the
    # cell's default (rnnlab.cells) is a variant they do not compute. The RNN's nonlinearity
    # is part of its kernel key (RNN_TANH, RNN_RELU), so it is not a variant here.
    spec = getattr(module, "spec", None)
    if spec is not None:
        for option in spec.info.options:
            if option.name != "nonlinearity" and spec.options[option.name] != option.default:
                return f"the {spec.cell} variant {option.name}={spec.options[option.name]!r} " \
                       f"has no rnnlab kernel"
    return None


def _compiling() -> bool:
    """Whether ``torch.compile``/``torch.export`` is tracing (``torch.compiler`` has the test
    from torch 2.3 on; before that nothing here can be compiled)."""
    test = getattr(getattr(torch, "compiler", None), "is_compiling", None)
    return bool(test()) if test is not None else False


def _load(key: str):
    if key not in _loaded:
        name, attribute = REGISTRY[key]
        try:
            _loaded[key] = getattr(importlib.import_module(f"{__name__}.{name}"), attribute)
        except ImportError as error:   # numba missing or broken on this platform
            _loaded[key] = error
    return _loaded[key]


def _ragged(x: torch.Tensor, lengths: Any) -> bool:
    """Whether ``lengths`` makes ``x`` a right-padded batch of different lengths (anything
    unreadable counts as not ragged: the layer's own check reports it)."""
    if lengths is None:
        return False
    try:
        values = (lengths.detach().cpu().numpy() if torch.is_tensor(lengths)
                  else np.asarray(lengths))
        return bool(np.any(values != x.shape[1]))
    except (TypeError, ValueError):
        return False


def kernel_for(module: Any, x: torch.Tensor, lengths: Any = None):
    """The :class:`~.kernel.CellKernel` that runs ``module`` on ``x`` (with ``lengths``), or
    None for ``torch.nn``.

    Raises:
        ValueError: the choice is ``"rnnlab"`` and the kernels cannot run here (the message
            says why), or the choice itself is not one of :data:`CHOICES`.
    """
    choice = getattr(module, "kernels", None) or _default
    _check_choice(choice, "kernels (a layer's attribute or RNNLAB_KERNELS)")
    if choice == "torch" or torch.jit.is_scripting() or torch.jit.is_tracing() \
            or _compiling() or torch.onnx.is_in_onnx_export():
        return None
    key = getattr(module, "kernel_key", None) or getattr(module, "mode", "")
    if choice == "auto" and key not in AUTO and not (key in AUTO_RAGGED
                                                     and _ragged(x, lengths)):
        return None
    reason = _unsupported(module, x, key)
    if reason is None:
        kernel = _load(key)
        if isinstance(kernel, ImportError):
            reason = f"rnnlab's kernels need numba, which failed to import ({kernel})"
        else:
            return kernel
    if choice == "rnnlab":
        raise ValueError(f"{type(module).__name__}.kernels is 'rnnlab' but {reason}")
    return None


def forward(module: Any, x: torch.Tensor, h0: Any, lengths: Any):
    """``module(x, h0, lengths)`` on rnnlab's kernels, or None when ``torch.nn`` runs it.

    This is the hook ``rnnlab.torch``'s layers call after checking their inputs.
    """
    kernel = kernel_for(module, x, lengths)
    if kernel is None:
        return None
    from rnnlab.torch.cpu_kernels.layer import run_stack

    if lengths is not None:
        if torch.is_tensor(lengths):
            lengths = lengths.detach().cpu().numpy()
        lengths = check_lengths(lengths, x.shape[0], x.shape[1])
    return run_stack(module, kernel, x, h0, lengths)


__all__ = ["AUTO", "AUTO_RAGGED", "CHOICES", "REGISTRY", "current", "forward", "kernel_for",
           "use_kernels"]
