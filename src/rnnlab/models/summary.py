"""The text of :meth:`rnnlab.Sequential.summary`: layers, output shapes, parameter counts.

A recurrent layer of ``G`` gate blocks with ``I`` inputs and ``H`` hidden units has
``G · H · (I + H + 2)`` parameters per direction and stacked layer when its gates read the state
through ``W_hh``: ``G`` = 1 (RNN), 3 (GRU) or 4 (LSTM) — which is why, at equal sizes, their
counts stand 1 : 3 : 4. Cells whose gates read only the input (minGRU, minLSTM) have
``G · H · (I + 1)``; IndRNN ``H · (I + 2)``. Each cell's registration (:mod:`rnnlab.cells`)
has the exact shapes.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any

from rnnlab import layers as L


def describe(layer: L.Layer) -> str:
    """``LSTM(32, output='sequence')``: the first field, then those that differ from defaults.

    Example:
        >>> describe(L.LSTM(32, num_layers=2))
        'LSTM(32, num_layers=2)'
    """
    parts = []
    for i, field in enumerate(fields(layer)):
        value = getattr(layer, field.name)
        if i == 0 and field.default is MISSING:   # the required size: shown bare
            parts.append(repr(value))
        elif value != field.default:
            parts.append(f"{field.name}={value!r}")
    return f"{layer.kind}({', '.join(parts)})"


def _shape_text(shape: tuple) -> str:
    return "(" + ", ".join(["batch", *map(str, shape)]) + ")"


def format_summary(model: Any) -> str:
    """The summary table as a string (see :meth:`rnnlab.Sequential.summary`)."""
    rows = []
    for index, (layer, shape) in enumerate(zip(model.layers, model.input_shapes, strict=True)):
        out = layer.output_shape(shape)
        gates = f"{layer.spec(shape[-1]).gates}" if isinstance(layer, L.Recurrent) else ""
        rows.append((f"{index}", describe(layer), _shape_text(out), gates,
                     f"{layer.num_parameters(shape):,}"))
    if isinstance(model.layers[0], L.Embedding):
        rows.insert(0, ("", "input: token ids", _shape_text(("time",)), "", "0"))
    headers = ("#", "Layer", "Output shape", "Gates", "Params")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(5)]

    def line(row: tuple) -> str:
        cells = [row[0].rjust(widths[0]), row[1].ljust(widths[1]), row[2].ljust(widths[2]),
                 row[3].rjust(widths[3]), row[4].rjust(widths[4])]
        return "  ".join(cells)

    rule = "─" * len(line(headers))
    kind = {"classify": "classifier", "regress": "regressor",
            "sequence": "per-step " + ("classifier" if model.is_classifier else "regressor")}
    body = [line(headers), rule, *map(line, rows), rule,
            f"Total parameters: {model.num_parameters():,}  ({kind[model.task]}, seed "
            f"{model.seed})"]
    if any(isinstance(layer, L.Recurrent) for layer in model.layers):
        body.append("Recurrent parameters per direction and layer: gates × H × (inputs + H + 2) "
                    "for RNN (1 block), GRU (3), LSTM (4); see rnnlab.cells for the others")
    return "\n".join(body)
