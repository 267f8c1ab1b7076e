"""PNG plots of a :class:`~rnnlab.inspect.trace.Trace` (matplotlib, Agg backend: no display).

For one sequence (``sample``) and every traced layer:

* ``{layer}_gate_{g}.png`` — a heatmap of gate ``g`` (units × time); sigmoid gates on a fixed
  0…1 colour scale, tanh gates on −1…1, so plots of different layers compare at a glance;
* ``{layer}_cell_state.png`` (LSTM) and ``{layer}_hidden.png`` — the states, units × time;

and once, over all sequences:

* ``gradient_flow.png`` — ``‖∂L/∂h_t‖`` against the distance from the end of each sequence's
  scan, relative to its value at that last step and averaged over the sequences that reach
  each distance (:func:`~rnnlab.inspect.gradients.flow_by_distance`), on a log scale: straight
  falling lines are exponentially vanishing gradients. Below it, how many sequences each point
  averages; where fewer than half of them are that long the plot is shaded — on
  variable-length data the far end rests on the few longest sequences.

Titles and legends name layers as a reader says them (``LSTM layer 1``, ``GRU layer 2,
reverse``); file names keep the trace's keys (``1.lstm_l0_gate_f.png``).
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


def display_name(layer: LayerTrace, trace: Trace) -> str:
    """How a plot names a traced layer: ``"LSTM layer 1"`` (stacked layer ``k + 1``), with
    ``", reverse"`` for the backward direction and the model layer when several recurrent
    layers were traced.

    Example:
        >>> import numpy as np, rnnlab
        >>> model = rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=1,
        ...                      task="regress", num_layers=2, bidirectional=True)
        >>> t = rnnlab.inspect.trace(model, np.zeros((1, 3, 2)), gradients=False)
        >>> [display_name(layer, t) for layer in t.layers]
        ['LSTM layer 1', 'LSTM layer 1, reverse', 'LSTM layer 2', 'LSTM layer 2, reverse']
    """
    name = f"{layer.cell.upper()} layer {layer.stacked + 1}"
    if layer.direction:
        name += ", reverse"
    if len({other.layer for other in trace.layers}) > 1:
        name += f" (model layer {layer.layer})"
    return name


def _integer_ticks(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))


def _heatmap(path: Path, values: np.ndarray, title: str, *, limits: tuple | None,
             cmap: str) -> Path:
    """``values`` ``(T, H)`` drawn as units (rows) × time (columns), integer ticks on both."""
    plt = _pyplot()
    steps, units = values.shape
    figure, axis = plt.subplots(figsize=(min(3 + steps * 0.12, 14), min(2 + units * 0.18, 9)))
    vmin, vmax = limits if limits else (np.nanmin(values), np.nanmax(values))
    image = axis.imshow(values.T, aspect="auto", interpolation="nearest", cmap=cmap,
                        vmin=vmin, vmax=vmax, origin="lower")
    axis.set_xlabel("time step t")
    axis.set_ylabel("unit")
    _integer_ticks(axis)
    axis.set_title(title)
    figure.colorbar(image, ax=axis)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _layer_plots(layer: LayerTrace, trace: Trace, folder: Path, sample: int,
                 length: int) -> list[Path]:
    paths = []
    where = f"{display_name(layer, trace)}, sequence {sample}"
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
    figure, (axis, below) = plt.subplots(2, 1, figsize=(7, 6), sharex=True,
                                         gridspec_kw={"height_ratios": [3, 1]})
    drawn = False
    counts = None
    for layer in trace.layers:
        if layer.grad_hidden is None:
            continue
        distance, ratios, count = trace.gradient_flow(layer.name)
        keep = np.isfinite(ratios) & (ratios > 0)
        if keep.any():
            axis.semilogy(distance[keep], ratios[keep], marker=".",
                          label=display_name(layer, trace))
            drawn = True
            counts = (distance, count)
    if not drawn or counts is None:
        plt.close(figure)
        return None
    axis.set_ylabel("‖∂L/∂h_t‖ ÷ its value at the last step")
    axis.set_title(f"gradient flow through time ({trace.loss_kind} loss)\nmean over the "
                   f"sequences that reach each distance", fontsize=10)
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    distance, count = counts
    few = np.nonzero(count < count[0] / 2)[0]
    if few.size:
        # Past here the mean rests on a minority of the sequences: a change in the curve may be
        # which sequences are averaged, not how the gradient decays.
        for panel in (axis, below):
            panel.axvspan(few[0] - 0.5, distance[-1] + 0.5, color="grey", alpha=0.12,
                          label="fewer than half the sequences this long"
                          if panel is axis else None)
    below.step(distance, count, where="mid", color="grey")
    below.set_ylim(0, max(1, int(count.max())) * 1.1)
    below.set_ylabel("sequences")
    below.set_xlabel("distance from the end of each sequence's scan (steps)")
    below.grid(True, alpha=0.3)
    _integer_ticks(below)
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
        paths.extend(_layer_plots(layer, trace, folder, sample, length))
    flow = _gradient_plot(trace, folder / "gradient_flow.png")
    if flow is not None:
        paths.append(flow)
    return paths
