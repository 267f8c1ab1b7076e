"""ONNX export of an :class:`rnnlab.Sequential`, checked against onnxruntime before it is kept.

The graph is the torch engine's network in float32 plus what ``model.predict`` adds around it —
the input z-score normalisation and, for a classifier, the softmax — so the file computes
exactly what ``predict`` returns:

* input ``"x"`` ``(batch, time, features)`` float32, or ``"tokens"`` ``(batch, time)`` int64
  for a model that starts with an ``Embedding``; batch and time are dynamic axes. Every sequence
  of one batch has the same length (ONNX has no padding mask here): run sequences of different
  lengths in separate batches;
* output ``"probabilities"`` (classifier) or ``"values"``: ``(batch, K)``, or ``(batch, time,
  K)`` for ``output="sequence"`` models.

Which torch exporter, and why (torch 2.13, onnx 1.23, onnxruntime 1.32): the TorchScript-based
exporter (``dynamo=False``) maps ``nn.LSTM``/``nn.GRU``/``nn.RNN`` to ONNX's own ``LSTM``/
``GRU``/``RNN`` operators, keeps batch *and* time dynamic for all three cells and exports in
about a second. The dynamo exporter (``dynamo=True``) takes 15–20 s for the same tiny model and,
for ``nn.RNN``, specialises the time axis to the example's length, so onnxruntime rejects any
other length. The legacy exporter is therefore the default (``exporter="dynamo"`` is available
for torch versions without it); either way the onnxruntime check below decides.

The check: for batch sizes 1 and 7 and lengths 1 and 50, random inputs go through onnxruntime and
through ``model.predict``; the largest absolute difference must be at most ``atol`` (1e-5).
The file is written under a temporary name beside the target and only renamed into place once
the check passes, so a failed export never leaves a file behind (an older file at the path is
kept).
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

CHECK_BATCHES = (1, 7)
CHECK_LENGTHS = (1, 50)
DEFAULT_OPSET = 17


class OnnxExportError(ValueError):
    """An export that failed or did not reproduce the model's predictions, in one sentence."""


@dataclass
class OnnxExport:
    """What :func:`export_onnx` wrote: the path and the check's differences per
    ``(batch, length)``."""

    path: Path
    max_abs_diff: float
    checks: dict[tuple[int, int], float] = field(default_factory=dict)
    input_name: str = "x"
    output_name: str = "values"


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


def _add_metadata(model: Any, path: Path) -> None:
    import onnx

    from rnnlab import __version__

    proto = onnx.load(str(path))
    info = {"rnnlab_version": __version__, "task": model.task,
            "classes": None if model.classes is None else [str(c) for c in model.classes],
            "layers": [layer.to_config() for layer in model.layers]}
    for key, value in info.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, json.dumps(value)
    proto.doc_string = "rnnlab model: input (batch, time, features), batch-first"
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))


def check_onnx(model: Any, path: str | Path, *, atol: float = 1e-5,
               batches: tuple[int, ...] = CHECK_BATCHES,
               lengths: tuple[int, ...] = CHECK_LENGTHS) -> dict[tuple[int, int], float]:
    """Run ``path`` in onnxruntime and ``model.predict`` on the same random inputs; return the
    max absolute difference per ``(batch, length)``, or raise :class:`OnnxExportError` when one
    exceeds ``atol``."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    diffs: dict[tuple[int, int], float] = {}
    for batch in batches:
        for steps in lengths:
            x = _example(model, batch, steps, seed=batch * 1000 + steps)
            got = session.run(None, {input_name: x})[0]
            expected = np.asarray(model.predict(x), dtype=np.float64)
            if got.size != expected.size:
                raise OnnxExportError(f"the ONNX graph returns shape {got.shape} for batch "
                                      f"{batch}, length {steps}, but the model predicts "
                                      f"{expected.shape}")
            diffs[(batch, steps)] = float(np.max(np.abs(got.reshape(expected.shape)
                                                        - expected)))
            if not diffs[(batch, steps)] <= atol:
                raise OnnxExportError(f"the ONNX export differs from the model's predictions by "
                                      f"{diffs[(batch, steps)]:.3g} (batch {batch}, length "
                                      f"{steps}), more than the allowed {atol:g}; the file was "
                                      f"not written")
    return diffs


def export_onnx(model: Any, path: str | Path, *, opset: int = DEFAULT_OPSET,
                atol: float = 1e-5, exporter: str = "legacy") -> OnnxExport:
    """Export ``model`` to ONNX at ``path``, keeping the file only if onnxruntime reproduces
    ``model.predict`` to ``atol`` for batch sizes 1 and 7 and lengths 1 and 50.

    Args:
        model: an :class:`rnnlab.Sequential`.
        path: the ``.onnx`` file to write (its folder must exist).
        opset: ONNX opset version (17 by default; ≥ 14 needed).
        atol: largest accepted absolute difference from ``model.predict``.
        exporter: ``"legacy"`` (``torch.onnx.export(dynamo=False)``, the default; see the module
            docstring for why) or ``"dynamo"``.

    Returns:
        an :class:`OnnxExport` with the path and the checked differences.

    Raises:
        OnnxExportError: the export failed or the check did not pass (no file is left).

    Example:
        >>> import os, tempfile, rnnlab
        >>> model = rnnlab.build("gru", input_size=2, hidden_size=3, output_size=2,
        ...                      task="classify")
        >>> done = export_onnx(model, os.path.join(tempfile.mkdtemp(), "gru.onnx"))
        >>> done.max_abs_diff <= 1e-5, done.input_name, done.output_name
        (True, 'x', 'probabilities')
    """
    from rnnlab.models.sequential import Sequential

    if not isinstance(model, Sequential):
        raise OnnxExportError(f"export_onnx needs an rnnlab.Sequential model, got "
                              f"{type(model).__name__}")
    if exporter not in ("legacy", "dynamo"):
        raise OnnxExportError(f"exporter must be 'legacy' or 'dynamo', got {exporter!r}")
    path = Path(path)
    if not path.parent.is_dir():
        raise OnnxExportError(f"cannot write {path}: the folder {path.parent} does not exist")
    names = ("tokens" if model.tokens else "x",
             "probabilities" if model.is_classifier else "values")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        import torch

        module = _exported_module(model)
        # An example of batch 2 and length 3: sizes of 1 would invite tracing to specialise.
        example = torch.as_tensor(_example(model, 2, 3))
        try:
            _run_exporter(module, example, temporary, names,
                          model.output_mode == "sequence", opset, exporter)
            _add_metadata(model, temporary)
        except OnnxExportError:
            raise
        except Exception as error:  # torch and onnx raise many types; report them as one
            first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise OnnxExportError(f"torch could not export the model to ONNX ({exporter} "
                                  f"exporter): {first}") from error
        diffs = check_onnx(model, temporary, atol=atol)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return OnnxExport(path=path, max_abs_diff=max(diffs.values()), checks=diffs,
                      input_name=names[0], output_name=names[1])
