"""Take a model out of rnnlab: ONNX files, and weights in Keras's and ONNX's layouts.

* :func:`export_onnx` — an ``.onnx`` file computing ``model.predict``, verified with
  onnxruntime before it is kept (needs the ``onnx`` extra: ``onnx``, ``onnxruntime``).
* :func:`to_keras` / :func:`from_keras` and :func:`model_to_keras` / :func:`model_from_keras` —
  Keras ``LSTM`` (gates i, f, c, o; one bias), ``GRU`` (z, r, h; ``reset_after=True``) and
  ``SimpleRNN`` weights.
* :func:`to_onnx` / :func:`from_onnx` — the ONNX ``LSTM`` (i, o, f, c; ``P``), ``GRU`` (z, r,
  h) and ``RNN`` operators' ``W``, ``R``, ``B``.
* :func:`import_onnx` (also ``rnnlab.import_onnx``) — ONNX recurrent nodes and rnnlab's own ONNX
  files read whole, attributes included, refusing what rnnlab cannot represent;
  ``rnnlab.from_keras`` does the same for Keras layers and models.

The weight converters (``to_keras``/``from_keras``, ``to_onnx``/``from_onnx``) see weights only —
not the activations, ``reset_after`` or ``linear_before_reset`` that decide what the weights
compute — so they are for arrays whose meaning you know; the importers are for files.

Names load on first use, so the layout converters work without torch or onnx being imported.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "export_onnx": "rnnlab.export.onnx_export",
    "check_onnx": "rnnlab.export.onnx_export",
    "OnnxExport": "rnnlab.export.onnx_export",
    "OnnxExportError": "rnnlab.export.onnx_export",
    "to_keras": "rnnlab.export.keras_layout",
    "from_keras": "rnnlab.export.keras_layout",
    "model_to_keras": "rnnlab.export.keras_layout",
    "model_from_keras": "rnnlab.export.keras_layout",
    "to_onnx": "rnnlab.export.onnx_layout",
    "from_onnx": "rnnlab.export.onnx_layout",
    "import_onnx": "rnnlab.export.onnx_import",
    "OnnxRecurrent": "rnnlab.export.onnx_import",
    "OnnxImportError": "rnnlab.export.onnx_import",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rnnlab.export' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
