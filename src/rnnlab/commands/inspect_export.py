"""The ``rnnlab inspect`` and ``rnnlab export`` commands as plain functions.

Each takes paths and options with types, prints with rich and returns an exit code (0 on
success). Bad input raises :class:`CommandError` — a ``ValueError``, so ``rnnlab.cli.main`` turns
it into one line ``rnnlab: <message>`` and exit code 2 (a traceback only with ``--debug``).

Input files for ``inspect`` are NumPy arrays, read without unpickling: a ``.npz`` holding ``X``
(``(n, time, features)``, or ``(n, time)`` token ids) and optionally ``y`` (targets, to trace the
gradient of the model's own loss) and ``lengths`` (true lengths of right-padded sequences), or a
``.npy`` holding ``X`` alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

EXPORT_FORMATS = ("onnx", "keras")


class CommandError(ValueError):
    """Bad input to a command, said in one sentence."""


def _console() -> Any:
    from rich.console import Console

    return Console()


def load_model(path: Path) -> Any:
    """Read an rnnlab model file, or raise :class:`CommandError` saying why it cannot be."""
    import rnnlab

    path = Path(path)
    if not path.is_file():
        raise CommandError(f"model file {path} does not exist; give a .safetensors file written "
                           f"by model.save() or `rnnlab train`")
    return rnnlab.load(path)  # raises ModelFileError (a ValueError) with its own sentence


def read_inputs(path: Path, samples: int | None = None) -> tuple[Any, Any]:
    """``(X, y)`` from a ``.npz`` (``X``, optional ``y`` and ``lengths``) or a ``.npy`` (``X``);
    the first ``samples`` sequences only when given. ``y`` is None when absent."""
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"data file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix not in (".npz", ".npy"):
        raise CommandError(f"{path} is not a NumPy file; expected a .npz holding X (and "
                           f"optionally y and lengths) or a .npy holding X")
    from rnnlab.datasets.files.arrays import read_numpy

    arrays = {key.lower() or "x": value for key, value in read_numpy(path).items()}
    if "x" not in arrays:
        found = ", ".join(sorted(arrays)) or "nothing"
        raise CommandError(f"{path} has no array X (found {found}); save it with "
                           f"np.savez(path, X=X, y=y)")
    X, y, lengths = arrays["x"], arrays.get("y"), arrays.get("lengths")
    if samples is not None:
        X = X[:samples]
        y = None if y is None else y[:samples]
        lengths = None if lengths is None else lengths[:samples]
    if lengths is not None:
        lengths = np.asarray(lengths)
        if lengths.shape != (len(X),) or lengths.dtype.kind not in "iu" or np.any(
                lengths < 1) or np.any(lengths > X.shape[1]):
            raise CommandError(f"{path}: lengths must be {len(X)} integers in 1…{X.shape[1]}, "
                               f"one per sequence of X")
        X = [X[i, : int(n)] for i, n in enumerate(lengths)]
    return X, y


def inspect_command(model: Path, data: Path, out: Path = Path("rnnlab-inspect"), *,
                    samples: int = 32, sample: int = 0, gradients: bool = True,
                    plots: bool = True) -> int:
    """Trace a trained model's gates, hidden states and gradient flow through time.

    Writes ``trace.npz`` (every gate, state and ``‖∂L/∂h_t‖`` array), PNG heatmaps of each
    gate and state for sequence ``sample``, and ``gradient_flow.png`` into ``out``, and prints
    the gate-saturation table. With ``y`` in the data file the gradient is that of the model's
    own loss; without, that of the size of the last output.

    Example:
        rnnlab inspect model.safetensors test.npz --out inspect --samples 16
    """
    from rich.table import Table

    from rnnlab.inspect import trace

    if samples < 1:
        raise CommandError(f"--samples must be at least 1, got {samples}")
    console = _console()
    network = load_model(model)
    X, y = read_inputs(data, samples)
    if not 0 <= sample < len(X):
        raise CommandError(f"--sample must index one of the {len(X)} traced sequences "
                           f"(0…{len(X) - 1}), got {sample}")
    result = trace(network, X, y, gradients=gradients)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = [result.save_npz(out / "trace.npz")]
    if plots:
        written += result.plot(out, sample=sample)

    table = Table(title="gate saturation (share of values < 0.05 or > 0.95; |tanh| > 0.95)")
    table.add_column("layer")
    table.add_column("gate")
    table.add_column("saturated", justify="right")
    for layer, gates in result.saturation().items():
        for gate, share in gates.items():
            table.add_row(layer, gate, f"{share:.1%}")
    console.print(table)
    if gradients:
        distance, ratios, counts = result.gradient_flow()
        marks = [d for d in (1, 5, 10, 25, 50, 100, 200) if d < len(distance)]
        flow = ", ".join(f"{d}: {ratios[d]:.2e} (n={counts[d]})" for d in marks)
        console.print(f"‖∂L/∂h_t‖ relative to each sequence's last step, by distance from it "
                      f"(mean over the n sequences that long; {result.loss_kind} loss "
                      f"{result.loss:.4g}): {flow or 'sequences of one step'}")
    console.print(f"{len(written)} files written to {out}")
    return 0


def export_command(model: Path, out: Path, format: str = "onnx", *, opset: int = 17,
                   exporter: str = "native", lengths: bool = True) -> int:
    """Export a model: ``onnx`` writes an ONNX file checked against onnxruntime (batch 1 and 7,
    lengths 1 and 50 and a padded batch, within 1e-5 of the model's predictions) before it is
    kept — by default with ONNX's own recurrent operators and a ``lengths`` input (see
    :mod:`rnnlab.export.onnx_export`); ``keras`` writes the weights in Keras's layout to a
    ``.npz`` (keys ``"{layer}/{kernel|recurrent_kernel|bias}"``; LSTM gates i, f, c, o with one
    bias; GRU z, r, h, with two biases for ``reset_after=True`` and one for ``False``).

    Example:
        rnnlab export model.safetensors model.onnx
        rnnlab export model.safetensors weights.npz --format keras
    """
    fmt = format.lower()
    if fmt not in EXPORT_FORMATS:
        raise CommandError(f"unknown export format {format!r}; expected one of "
                           f"{', '.join(EXPORT_FORMATS)}")
    console = _console()
    network = load_model(model)
    out = Path(out)
    if not out.parent.is_dir():
        raise CommandError(f"cannot write {out}: the folder {out.parent} does not exist")
    if fmt == "onnx":
        from rnnlab.export import export_onnx

        done = export_onnx(network, out, opset=opset, exporter=exporter, lengths=lengths)
        checks = ", ".join(f"batch {b} × length {t}: {d:.1e}" for (b, t), d in done.checks.items())
        inputs = f"{done.input_name!r}" + (" and 'lengths'" if done.lengths else "")
        console.print(f"wrote {done.path} (inputs {inputs}, output {done.output_name!r}); "
                      f"onnxruntime matches predict: {checks}")
        return 0
    from rnnlab.export import model_to_keras

    arrays = {f"{layer}/{name}": value for layer, weights in model_to_keras(network).items()
              for name, value in weights.items()}
    np.savez(out, **arrays)
    written = out if out.suffix == ".npz" else out.with_name(out.name + ".npz")
    console.print(f"wrote {len(arrays)} Keras-layout arrays to {written}")
    return 0
