"""ONNX export of an :class:`rnnlab.Sequential`, checked against onnxruntime before it is kept.

The file computes exactly what ``model.predict`` returns, the input z-score normalisation and a
classifier's softmax included:

* inputs ``"x"`` ``(batch, time, features)`` float32 — or ``"tokens"`` ``(batch, time)`` int64
  for a model that starts with an ``Embedding`` — and ``"lengths"`` ``(batch,)`` int64, each
  sequence's true length in a right-padded batch (batch and time are dynamic axes);
* output ``"probabilities"`` (classifier) or ``"values"``: ``(batch, K)``, or ``(batch, time,
  K)`` for ``output="sequence"`` models (steps past a sequence's length are padding).

Three exporters:

* ``"native"`` (default): rnnlab writes the graph itself with ``onnx.helper``
  (:mod:`rnnlab.export.onnx_graph`): ONNX's own ``RNN``/``GRU``/``LSTM`` operators with the
  attributes of each cell — ``linear_before_reset`` for the GRU's ``reset_after``, the ``P``
  input for LSTM peepholes, ``Relu`` for a relu RNN — and ``sequence_lens`` fed from
  ``lengths``, so zero-padded batches give ``predict``'s outputs. ``lengths=False`` leaves the
  ``lengths`` input out; every sequence of a batch must then have the batch's length. Cells
  ONNX has no operator for (IndRNN, minLSTM, minGRU) and the projected LSTM are refused in one
  sentence.
* ``"legacy"``: torch's TorchScript-based exporter (``dynamo=False``) of the torch engine's
  network; ``nn.LSTM``/``nn.GRU``/``nn.RNN`` become the same ONNX operators, batch and time
  stay dynamic. Its graph has **no** ``lengths`` input: run sequences of different lengths in
  separate batches. Only cells that are ``torch.nn`` modules (RNN, reset-after GRU, LSTM
  without peepholes or projection) export this way.
* ``"dynamo"``: torch's ``dynamo=True`` exporter (torch 2.13, onnx 1.23, onnxruntime 1.32), no
  ``lengths`` input either. It takes 15–20 s for a tiny model and, for ``nn.RNN``, fixes the
  time axis to the example's length, so the file would reject any other length: RNN models
  are refused with exporter ``"dynamo"`` (in one sentence; exit code 2 on the command line).

The check: for batch sizes 1 and 7 and lengths 1 and 50, random inputs go through onnxruntime and
through ``model.predict`` — with ``lengths``, also a zero-padded batch of 7 sequences of lengths
from 1 to 50, compared on every valid output; the largest absolute difference must be at most
``atol`` (1e-5). The file is written under a temporary name beside the target and only renamed
into place once the check passes, so a failed export never leaves a file behind (an older file
at the path is kept).
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab import layers as L

CHECK_BATCHES = (1, 7)
CHECK_LENGTHS = (1, 50)
DEFAULT_OPSET = 17
EXPORTERS = ("native", "legacy", "dynamo")


class OnnxExportError(ValueError):
    """An export that failed or did not reproduce the model's predictions, in one sentence."""


@dataclass
class OnnxExport:
    """What :func:`export_onnx` wrote: the path and the check's differences per
    ``(batch, length)``."""

    path: Path
    max_abs_diff: float
    checks: dict[tuple[int, int | str], float] = field(default_factory=dict)
    input_name: str = "x"
    output_name: str = "values"
    lengths: bool = False          # the file has the "lengths" input


def _exported_module(model: Any):
    """The model as one float32 ``nn.Module``: ``forward(x) → predict(x)``."""
    import torch
    from torch import nn

    from rnnlab.engines.torch_engine import TorchEngine

    class Exported(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.network = TorchEngine(model, dtype="float32", device="cpu").network.eval()
            self.classifier = model.is_classifier
            norm = model.normalization
            self.normalize = norm is not None
            if norm is not None:
                self.register_buffer("mean", torch.tensor(norm["mean"], dtype=torch.float32))
                self.register_buffer("std", torch.tensor(norm["std"], dtype=torch.float32))

        def forward(self, x):
            if self.normalize:
                x = (x - self.mean) / self.std
            out, _ = self.network(x)
            return torch.softmax(out, dim=-1) if self.classifier else out

    return Exported().eval()


def _example(model: Any, batch: int, steps: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if model.tokens:
        return rng.integers(0, model.vocab_size, size=(batch, steps), dtype=np.int64)
    return rng.standard_normal((batch, steps, model.features)).astype(np.float32)


def _run_exporter(module: Any, example: Any, path: Path, names: tuple[str, str],
                  per_step: bool, opset: int, exporter: str) -> None:
    import torch

    input_name, output_name = names
    # The legacy exporter warns about traced Python booleans (shape checks inside nn.LSTM that
    # hold for every input) and about its own deprecation; neither concerns the result, which
    # the onnxruntime check verifies.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if exporter == "legacy":
            out_axes = {0: "batch", 1: "time"} if per_step else {0: "batch"}
            torch.onnx.export(module, (example,), str(path), dynamo=False,
                              input_names=[input_name], output_names=[output_name],
                              dynamic_axes={input_name: {0: "batch", 1: "time"},
                                            output_name: out_axes},
                              opset_version=opset)
        else:
            dims = {0: torch.export.Dim("batch"), 1: torch.export.Dim("time")}
            program = torch.onnx.export(module, (example,), dynamo=True, opset_version=opset,
                                        verbose=False,
                                        input_names=[input_name], output_names=[output_name],
                                        dynamic_shapes=(dims,))
            program.save(str(path))


def _add_metadata(model: Any, proto: Any) -> Any:
    import onnx

    from rnnlab import __version__

    classes = None if model.classes is None else [
        c.item() if hasattr(c, "item") else c for c in model.classes]   # NumPy scalars → JSON
    info = {"rnnlab_version": __version__, "task": model.task, "classes": classes,
            "layers": [layer.to_config() for layer in model.layers]}
    for key, value in info.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, json.dumps(value, default=str)
    proto.doc_string = "rnnlab model: input (batch, time, features), batch-first"
    onnx.checker.check_model(proto)
    return proto


def _torch_exporter_refusal(model: Any, exporter: str) -> str | None:
    """Why torch's ``exporter`` cannot write ``model`` correctly, or None."""
    for index, layer in enumerate(model.layers):
        if not isinstance(layer, L.Recurrent):
            continue
        plain = {"rnn": True, "gru": getattr(layer, "reset_after", True),
                 "lstm": not (getattr(layer, "peepholes", False) or getattr(layer, "proj_size",
                                                                           0))}
        if not plain.get(layer.cell, False):
            return (f"layer {index} ({layer.describe()}) is not a torch.nn module, so torch's "
                    f"{exporter} exporter cannot write it as an ONNX operator; use "
                    f"exporter='native'")
        if exporter == "dynamo" and layer.cell == "rnn":
            return (f"layer {index} is an RNN, and torch's dynamo exporter fixes the time axis "
                    f"of nn.RNN to the example's length, so the file would reject every other "
                    f"length; use exporter='native' (the default) or 'legacy'")
    return None


def _padded_example(model: Any, batch: int, steps: int, seed: int):
    """A zero-padded batch of sequences of lengths 1 … ``steps`` (both ends included)."""
    rng = np.random.default_rng(seed)
    lengths = np.concatenate([[1, steps], rng.integers(1, steps + 1, batch - 2)])
    x = _example(model, batch, steps, seed)
    for row, length in enumerate(lengths):
        x[row, length:] = 0
    return x, lengths.astype(np.int64)


def check_onnx(model: Any, path: str | Path, *, atol: float = 1e-5,
               batches: tuple[int, ...] = CHECK_BATCHES,
               lengths: tuple[int, ...] = CHECK_LENGTHS) -> dict[tuple[int, int | str], float]:
    """Run ``path`` in onnxruntime and ``model.predict`` on the same random inputs; return the
    max absolute difference per ``(batch, length)`` — and ``(7, "padded")`` for a file with a
    ``lengths`` input — or raise :class:`OnnxExportError` when one exceeds ``atol`` or
    onnxruntime cannot run the file."""
    import onnxruntime

    try:
        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own exception types
        raise OnnxExportError(f"onnxruntime cannot load the exported file: "
                              f"{_first_line(error)}") from error
    names = [item.name for item in session.get_inputs()]
    cases = [(batch, steps, _example(model, batch, steps, seed=batch * 1000 + steps), None)
             for batch in batches for steps in lengths]
    if "lengths" in names:
        x, true_lengths = _padded_example(model, 7, max(lengths), seed=7)
        cases.append((7, "padded", x, true_lengths))
    diffs: dict[tuple[int, int | str], float] = {}
    for batch, steps, x, true_lengths in cases:
        feed = {names[0]: x}
        if "lengths" in names:
            feed["lengths"] = (np.full(batch, x.shape[1], np.int64) if true_lengths is None
                               else true_lengths)
        try:
            got = session.run(None, feed)[0].astype(np.float64)
        except Exception as error:
            raise OnnxExportError(f"onnxruntime cannot run the exported file on a batch of "
                                  f"{batch}, length {steps}: {_first_line(error)}") from error
        if true_lengths is None:
            expected = np.asarray(model.predict(x), dtype=np.float64)
        elif model.output_mode == "last":
            expected = np.asarray(model.predict([x[row, :n] for row, n in
                                                 enumerate(true_lengths)]), dtype=np.float64)
        else:                                       # compare the valid steps of each sequence
            predicted = model.predict([x[row, :n] for row, n in enumerate(true_lengths)])
            got = np.concatenate([got[row, :n] for row, n in enumerate(true_lengths)])
            expected = np.concatenate([np.asarray(p).reshape(n, -1) for p, n in
                                       zip(predicted, true_lengths, strict=True)])
        if got.size != expected.size:
            raise OnnxExportError(f"the ONNX graph returns shape {got.shape} for batch "
                                  f"{batch}, length {steps}, but the model predicts "
                                  f"{expected.shape}")
        diffs[(batch, steps)] = float(np.max(np.abs(got.reshape(expected.shape) - expected)))
        if not diffs[(batch, steps)] <= atol:
            raise OnnxExportError(f"the ONNX export differs from the model's predictions by "
                                  f"{diffs[(batch, steps)]:.3g} (batch {batch}, length "
                                  f"{steps}), more than the allowed {atol:g}; the file was "
                                  f"not written")
    return diffs


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else repr(error)


def export_onnx(model: Any, path: str | Path, *, opset: int = DEFAULT_OPSET,
                atol: float = 1e-5, exporter: str = "native",
                lengths: bool = True) -> OnnxExport:
    """Export ``model`` to ONNX at ``path``, keeping the file only if onnxruntime reproduces
    ``model.predict`` to ``atol`` (see the module docstring for what is checked).

    Args:
        model: an :class:`rnnlab.Sequential`.
        path: the ``.onnx`` file to write (its folder must exist).
        opset: ONNX opset version (17 by default; ≥ 14 needed).
        atol: largest accepted absolute difference from ``model.predict``.
        exporter: ``"native"`` (default: ONNX's recurrent operators written by rnnlab, with a
            ``lengths`` input), ``"legacy"`` or ``"dynamo"`` (torch's exporters; no
            ``lengths`` input). See the module docstring.
        lengths: the native graph takes ``lengths`` ``(batch,)`` (int64) beside ``x``, so
            padded batches work; False for a graph reading ``x`` alone.

    Returns:
        an :class:`OnnxExport` with the path and the checked differences.

    Raises:
        OnnxExportError: the model cannot be exported this way, the export failed or the check
            did not pass (no file is left).

    Example:
        >>> import os, tempfile, rnnlab
        >>> model = rnnlab.build("gru", input_size=2, hidden_size=3, output_size=2,
        ...                      task="classify", reset_after=False)
        >>> done = export_onnx(model, os.path.join(tempfile.mkdtemp(), "gru.onnx"))
        >>> done.max_abs_diff <= 1e-5, done.input_name, done.output_name, done.lengths
        (True, 'x', 'probabilities', True)
    """
    import onnx

    from rnnlab.export.onnx_graph import OnnxUnsupported, model_graph
    from rnnlab.models.sequential import Sequential

    if not isinstance(model, Sequential):
        raise OnnxExportError(f"export_onnx needs an rnnlab.Sequential model, got "
                              f"{type(model).__name__}")
    if exporter not in EXPORTERS:
        raise OnnxExportError(f"exporter must be one of {', '.join(map(repr, EXPORTERS))}, got "
                              f"{exporter!r}")
    refusal = None if exporter == "native" else _torch_exporter_refusal(model, exporter)
    if refusal is not None:
        raise OnnxExportError(refusal)
    path = Path(path)
    if not path.parent.is_dir():
        raise OnnxExportError(f"cannot write {path}: the folder {path.parent} does not exist")
    names = ("tokens" if model.tokens else "x",
             "probabilities" if model.is_classifier else "values")
    with_lengths = lengths and exporter == "native"
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        try:
            if exporter == "native":
                proto = model_graph(model, opset=opset, lengths=with_lengths)
            else:
                _torch_export(model, temporary, names, opset, exporter)
                proto = onnx.load(str(temporary))
            onnx.save(_add_metadata(model, proto), str(temporary))
        except (OnnxExportError, OnnxUnsupported) as error:
            raise OnnxExportError(str(error)) from None
        except Exception as error:  # torch and onnx raise many types; report them as one
            raise OnnxExportError(f"the model could not be exported to ONNX ({exporter} "
                                  f"exporter): {_first_line(error)}") from error
        diffs = check_onnx(model, temporary, atol=atol)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return OnnxExport(path=path, max_abs_diff=max(diffs.values()), checks=diffs,
                      input_name=names[0], output_name=names[1], lengths=with_lengths)


def _torch_export(model: Any, path: Path, names: tuple[str, str], opset: int,
                  exporter: str) -> None:
    import torch

    module = _exported_module(model)
    # An example of batch 2 and length 3: sizes of 1 would invite tracing to specialise.
    example = torch.as_tensor(_example(model, 2, 3))
    _run_exporter(module, example, path, names, model.output_mode == "sequence", opset,
                  exporter)
