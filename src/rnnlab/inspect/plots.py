"""PNG plots of a :class:`~rnnlab.inspect.trace.Trace` (matplotlib, Agg backend: no display).

For one sequence (``sample``) and every traced layer:

* ``{layer}_gate_{g}.png`` — a heatmap of gate ``g`` (units × time); sigmoid gates on a fixed
  0…1 colour scale, tanh gates on −1…1, so plots of different layers compare at a glance;
* ``{layer}_cell_state.png`` (LSTM) and ``{layer}_hidden.png`` — the states, units × time;

and once, over all sequences:

* ``gradient_flow.png`` — mean ``‖∂L/∂h_t‖`` against the distance from the end of each scan,
  on a log scale: straight falling lines are exponentially vanishing gradients.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.inspect.trace import LayerTrace, Trace

GATE_TITLES = {"i": "input gate i", "f": "forget gate f", "g": "candidate g",
               "o": "output gate o", "r": "reset gate r", "z": "update gate z",
               "n": "candidate n", "h_tilde": "candidate h̃"}
LIMITS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "linear": None}   # None: follow the data


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _heatmap(path: Path, values: np.ndarray, title: str, *, limits: tuple | None,
             cmap: str) -> Path:
    """``values`` ``(T, H)`` drawn as units (rows) × time (columns)."""
    plt = _pyplot()
    steps, units = values.shape
    figure, axis = plt.subplots(figsize=(min(3 + steps * 0.12, 14), min(2 + units * 0.18, 9)))
    vmin, vmax = limits if limits else (np.nanmin(values), np.nanmax(values))
    image = axis.imshow(values.T, aspect="auto", interpolation="nearest", cmap=cmap,
                        vmin=vmin, vmax=vmax, origin="lower")
    axis.set_xlabel("time step t")
    axis.set_ylabel("unit")
    axis.set_title(title)
    figure.colorbar(image, ax=axis)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _layer_plots(layer: LayerTrace, folder: Path, sample: int, length: int) -> list[Path]:
    paths = []
    where = f"{layer.name}, sequence {sample}"
    for gate, values in layer.gates.items():
        kind = layer.kinds.get(gate, "sigmoid")
        paths.append(_heatmap(folder / f"{layer.name}_gate_{gate}.png", values[sample, :length],
                              f"{GATE_TITLES.get(gate, gate)} — {where}", limits=LIMITS[kind],
                              cmap="viridis" if kind == "sigmoid" else "RdBu_r"))
    if layer.cell_state is not None:
        cell = layer.cell_state[sample, :length]
        bound = max(float(np.nanmax(np.abs(cell))), 1e-12)
        paths.append(_heatmap(folder / f"{layer.name}_cell_state.png", cell,
                              f"cell state c_t — {where}", limits=(-bound, bound),
                              cmap="RdBu_r"))
    paths.append(_heatmap(folder / f"{layer.name}_hidden.png", layer.hidden[sample, :length],
                          f"hidden state h_t — {where}", limits=_hidden_limits(layer),
                          cmap="RdBu_r"))
    return paths


def _hidden_limits(layer: LayerTrace) -> tuple | None:
    # A relu state (RNN, IndRNN) and the state of minGRU/minLSTM (a mix of unbounded linear
    # candidates) are unbounded: let their colour scale follow the data.
    if layer.kinds.get("h") == "linear" or "h_tilde" in layer.gates:
        return None
    return (-1.0, 1.0)


def _gradient_plot(trace: Trace, path: Path) -> Path | None:
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(7, 4.5))
    drawn = False
    for layer in trace.layers:
        if layer.grad_hidden is None:
            continue
        distance, norms = trace.gradient_flow(layer.name)
        keep = np.isfinite(norms) & (norms > 0)
        if keep.any():
            axis.semilogy(distance[keep], norms[keep], marker=".", label=layer.name)
            drawn = True
    if not drawn:
        plt.close(figure)
        return None
    axis.set_xlabel("distance from the end of the scan (steps)")
    axis.set_ylabel("mean ‖∂L/∂h_t‖")
    axis.set_title(f"gradient flow through time ({trace.loss_kind} loss)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def plot_trace(trace: Trace, folder: Path, *, sample: int = 0) -> list[Path]:
    """Write every plot of ``trace`` into ``folder`` (created if needed); returns the paths."""
    count = len(trace.lengths)
    if not 0 <= sample < count:
        raise ValueError(f"sample must index one of the {count} traced sequences (0…{count - 1}),"
                         f" got {sample}")
    folder.mkdir(parents=True, exist_ok=True)
    length = int(trace.lengths[sample])
    paths: list[Path] = []
    for layer in trace.layers:
        paths.extend(_layer_plots(layer, folder, sample, length))
    flow = _gradient_plot(trace, folder / "gradient_flow.png")
    if flow is not None:
        paths.append(flow)
    return paths
