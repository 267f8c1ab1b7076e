"""Engines execute a model description: ``"reference"`` (NumPy, by hand) or ``"torch"``.

Both start from the same weights (the model's), name parameters alike and follow one trajectory;
see :mod:`rnnlab.engines.base` for the contract the training loop relies on.
"""

from __future__ import annotations

from typing import Any

from rnnlab.engines.base import Engine

ENGINES = ("torch", "reference")
DTYPES = ("float32", "float64")


def check_engine(engine: object, dtype: object, device: object) -> None:
    """Raise ``ValueError`` for an unknown engine, dtype or device name."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be 'torch' or 'reference', got {engine!r}")
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    if not isinstance(device, str) or not (device in ("auto", "cpu", "cuda")
                                           or device.startswith("cuda:")):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', got {device!r}")
    if engine == "reference" and device not in ("auto", "cpu"):
        raise ValueError(f"the reference engine runs on the CPU only, got device={device!r}; "
                         f"use engine='torch' for a GPU")


def create_engine(model: Any, engine: str = "torch", dtype: str = "float32",
                  device: str = "auto") -> Engine:
    """A fresh engine of the named kind holding ``model``'s current weights.

    Example:
        >>> import rnnlab
        >>> model = rnnlab.build("rnn", input_size=1, hidden_size=2, output_size=1,
        ...                      task="regress")
        >>> create_engine(model, "reference").name
        'reference'
    """
    check_engine(engine, dtype, device)
    if engine == "reference":
        from rnnlab.engines.reference import ReferenceEngine

        return ReferenceEngine(model, dtype=dtype, device=device)
    from rnnlab.engines.torch_engine import TorchEngine

    return TorchEngine(model, dtype=dtype, device=device)


__all__ = ["DTYPES", "ENGINES", "Engine", "check_engine", "create_engine"]
