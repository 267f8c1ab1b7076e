"""rnnlab: build, train, inspect and compare vanilla RNN, LSTM and GRU networks — and the other
cells of :mod:`rnnlab.cells` (GRU without reset-after, peephole and projected LSTMs, IndRNN,
minLSTM, minGRU).

The everyday workflow::

    import rnnlab
    model = rnnlab.Sequential([
        rnnlab.layers.SequenceInput(8, normalization="zscore"),
        rnnlab.layers.LSTM(64),
        rnnlab.layers.Dense(10),
        rnnlab.layers.Softmax(),
    ])
    model.summary()
    history = rnnlab.train(model, X_train, y_train,
                           rnnlab.TrainingOptions(max_epochs=20, validation_data=0.1))
    model.evaluate(X_test, y_test)["accuracy"]
    model.save("digits.safetensors")
    same = rnnlab.load("digits.safetensors", engine="reference")

Names are imported on first use, so ``import rnnlab`` stays light (torch loads only when an
engine needs it).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Sequential": "rnnlab.models.sequential",
    "build": "rnnlab.models.build",
    "TrainingOptions": "rnnlab.training.options",
    "train": "rnnlab.training.loop",
    "History": "rnnlab.training.history",
    "Callback": "rnnlab.training.callbacks",
    "TrainingDivergedError": "rnnlab.training.errors",
    "load": "rnnlab.serialization",
    "ModelFileError": "rnnlab.serialization",
    "RNNClassifier": "rnnlab.estimators",
    "RNNRegressor": "rnnlab.estimators",
    "compare": "rnnlab.study.api",
    "generate": "rnnlab.generation",
    "import_onnx": "rnnlab.export.onnx_import",
    "from_keras": "rnnlab.export.keras_import",
}
_MODULES = ("layers", "metrics", "schedules", "callbacks", "inspect", "export", "datasets",
            "seq2seq", "cells")

__all__ = [*sorted(_EXPORTS), *_MODULES, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _MODULES:
        value = importlib.import_module(f"rnnlab.{name}")
    else:
        raise AttributeError(f"module 'rnnlab' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
