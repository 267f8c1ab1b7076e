"""What a trace holds: per-step gates, states and gradient norms of every recurrent layer.

Arrays are **batch-first** like the rest of the public API — ``(batch, time, hidden)`` — and in
the *input's* time order for both directions (the reverse direction is flipped back). Steps past a
sequence's end hold NaN, so plots leave them blank and statistics skip them.

Gate names and ranges come from each cell's registration (:mod:`rnnlab.cells`), in the order
its gate blocks are stacked:

* LSTM ``i, f, g, o`` (input, forget, candidate, output) plus the cell state ``c_t``;
* GRU ``r, z, n`` (reset, update, candidate) with ``h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}``;
* minLSTM ``f, i, h_tilde`` and minGRU ``z, h_tilde`` (the candidate is unbounded);
* RNN and IndRNN: no gates; the hidden state is all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SATURATION_LOW, SATURATION_HIGH = 0.05, 0.95


@dataclass
class LayerTrace:
    """One direction of one stacked layer of one recurrent layer of the model.

    Attributes:
        name: ``"{model layer index}.{cell}_l{k}"``, with ``"_reverse"`` for the backward
            direction — e.g. ``"1.lstm_l0"`` (PyTorch's parameter-name style).
        cell: the cell's registered name (``"lstm"``, ``"mingru"`` …).
        layer, stacked, direction: model layer index, stacked layer ``k``, 0 forward / 1 reverse.
        gates: gate name → ``(B, T, H)`` activation (after σ or tanh).
        kinds: gate name → ``"sigmoid"``, ``"tanh"`` or ``"linear"`` (the activation's range),
            and ``"h"`` → the range of the hidden state of a cell without gates (``"tanh"`` for
            a tanh RNN, ``"linear"`` for a relu one); filled from the cell's registration with
            its default options when not given.
        hidden: ``(B, T, H)`` hidden state ``h_t``.
        cell_state: ``(B, T, H)`` LSTM cell state ``c_t``; None for RNN and GRU.
        grad_hidden: ``(B, T)`` ``‖∂L/∂h_t‖₂`` per sequence: the *total* gradient of the loss
            with respect to the state after step ``t`` (through the output at ``t`` and through
            every later step); None when no gradient was traced.
        grad_cell: ``(B, T)`` ``‖∂L/∂c_t‖₂`` for the LSTM.
    """

    name: str
    cell: str
    layer: int
    stacked: int
    direction: int
    gates: dict[str, np.ndarray]
    hidden: np.ndarray
    kinds: dict[str, str] = field(default_factory=dict)
    cell_state: np.ndarray | None = None
    grad_hidden: np.ndarray | None = None
    grad_cell: np.ndarray | None = None

    def __post_init__(self) -> None:
        from rnnlab import cells
        from rnnlab.recurrent_spec import RecurrentSpec

        info = cells.cell(self.cell)
        defaults = {gate.name: gate.kind for gate in info.gates}
        if not info.gates:
            defaults["h"] = info.hidden(RecurrentSpec(info.name, 1, 1))
        self.kinds = {**defaults, **self.kinds}

    def distance(self, lengths: np.ndarray) -> np.ndarray:
        """``(B, T)`` steps between step ``t`` and the end of this direction's scan — where a
        ``output="last"`` layer hands its state on: ``len − 1 − t`` forward, ``t`` reverse.
        NaN past a sequence's end."""
        steps = self.hidden.shape[1]
        t = np.arange(steps, dtype=np.float64)[None, :]
        valid = t < lengths[:, None]
        d = (lengths[:, None] - 1 - t) if self.direction == 0 else np.broadcast_to(
            t, valid.shape)
        return np.where(valid, d, np.nan)


@dataclass
class Trace:
    """The result of :func:`rnnlab.inspect.trace`.

    Attributes:
        layers: one :class:`LayerTrace` per recurrent layer, stacked layer and direction, in
            model order.
        lengths: ``(B,)`` valid steps of each sequence.
        predictions: what ``model.predict`` returns for the same input, from the reference
            engine in float64: class probabilities ``(B, K)`` or values, or per-step
            ``(B, T, K)`` (padded; not squeezed).
        loss: the loss whose gradient was traced; ``loss_kind`` says which
            (``"model"``: the model's training loss on the given targets; ``"output_norm"``:
            ``½ · mean_b ‖o_b‖²`` of each sequence's last raw output, logits for a classifier).
    """

    layers: list[LayerTrace]
    lengths: np.ndarray
    predictions: np.ndarray
    loss: float = float("nan")
    loss_kind: str = "none"
    meta: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> LayerTrace:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(f"no traced layer {name!r}; traced: {', '.join(self.names)}")

    @property
    def names(self) -> list[str]:
        return [layer.name for layer in self.layers]

    # ------------------------------------------------------------------ statistics
    def saturation(self) -> dict[str, dict[str, float]]:
        """Share of saturated gate values per layer and gate, over valid steps, units and
        sequences: a sigmoid gate is saturated below 0.05 or above 0.95 (shut or wide open, so
        its gradient ``σ(1 − σ)`` is < 0.048); a tanh gate (LSTM ``g``, GRU ``n``) and the tanh
        hidden state ``h`` of a cell without gates when ``|v| > 0.95``. Unbounded values (a
        linear candidate, a relu state) have no saturation and are left out.

        Example:
            >>> import numpy as np, rnnlab
            >>> model = rnnlab.build("gru", input_size=2, hidden_size=3, output_size=1,
            ...                      task="regress")
            >>> stats = rnnlab.inspect.trace(model, np.zeros((2, 4, 2))).saturation()
            >>> sorted(stats["1.gru_l0"])
            ['n', 'r', 'z']
        """
        out: dict[str, dict[str, float]] = {}
        for layer in self.layers:
            values = dict(layer.gates)
            if not layer.gates:
                values["h"] = layer.hidden
            out[layer.name] = {gate: saturated_share(v, layer.kinds[gate] == "tanh")
                               for gate, v in values.items()
                               if layer.kinds.get(gate, "linear") != "linear"}
        return out

    def gradient_flow(self, name: str | None = None, *, relative: bool = True,
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(distance, mean, count)`` of one traced layer (default: the forward direction of
        the last recurrent layer): ``‖∂L/∂h_t‖`` measured from each sequence's own last step,
        relative to its norm there (``relative=False``: raw norms), averaged over the
        ``count[d]`` sequences that reach distance ``d`` — see
        :func:`rnnlab.inspect.gradients.flow_by_distance`.

        ``distance[j] = j`` steps from the end of the scan (see :meth:`LayerTrace.distance`).
        """
        from rnnlab.inspect.gradients import flow_by_distance

        layer = self[name] if name else self._default_flow_layer()
        if layer.grad_hidden is None:
            raise ValueError("this trace has no gradients; call trace(..., gradients=True)")
        return flow_by_distance(layer.grad_hidden, layer.distance(self.lengths),
                                relative=relative)

    def _default_flow_layer(self) -> LayerTrace:
        forward = [layer for layer in self.layers if layer.direction == 0]
        return forward[-1]

    # ------------------------------------------------------------------ files
    def arrays(self) -> dict[str, np.ndarray]:
        """Every array by a flat key: ``"{layer}/gate_{g}"``, ``"{layer}/hidden"``,
        ``"{layer}/cell_state"``, ``"{layer}/grad_hidden"``, ``"{layer}/grad_cell"``, plus
        ``"lengths"``, ``"predictions"``, ``"loss"`` and ``"meta"`` (a JSON string)."""
        out: dict[str, np.ndarray] = {"lengths": self.lengths, "predictions": self.predictions,
                                      "loss": np.float64(self.loss)}
        for layer in self.layers:
            for gate, values in layer.gates.items():
                out[f"{layer.name}/gate_{gate}"] = values
            out[f"{layer.name}/hidden"] = layer.hidden
            for key in ("cell_state", "grad_hidden", "grad_cell"):
                value = getattr(layer, key)
                if value is not None:
                    out[f"{layer.name}/{key}"] = value
        meta = {"loss_kind": self.loss_kind, "saturation": self.saturation(),
                "layers": [{"name": t.name, "cell": t.cell, "layer": t.layer,
                            "stacked": t.stacked, "direction": t.direction}
                           for t in self.layers], **self.meta}
        out["meta"] = np.array(json.dumps(meta))
        return out

    def save_npz(self, path: str | Path) -> Path:
        """Write :meth:`arrays` to a compressed ``.npz`` (readable with
        ``np.load(path, allow_pickle=False)``); returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, **self.arrays())
        return path

    def plot(self, folder: str | Path, *, sample: int = 0) -> list[Path]:
        """Write PNGs to ``folder`` (see :mod:`rnnlab.inspect.plots`); returns their paths."""
        from rnnlab.inspect.plots import plot_trace

        return plot_trace(self, Path(folder), sample=sample)


def saturated_share(values: np.ndarray, tanh: bool) -> float:
    """Share of finite ``values`` that are saturated (NaN padding is skipped).

    Example:
        >>> saturated_share(np.array([0.01, 0.5, 0.99, np.nan]), tanh=False)
        0.6666666666666666
        >>> saturated_share(np.array([-0.99, 0.0]), tanh=True)
        0.5
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return float("nan")
    if tanh:
        hits = np.abs(finite) > SATURATION_HIGH
    else:
        hits = (finite < SATURATION_LOW) | (finite > SATURATION_HIGH)
    return float(hits.mean())
