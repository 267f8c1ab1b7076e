r"""The ONNX graph of an :class:`rnnlab.Sequential`, written operator by operator with
``onnx.helper`` (the ``"native"`` exporter of :func:`rnnlab.export.export_onnx`).

Every recurrent layer becomes ONNX's own ``RNN``, ``GRU`` or ``LSTM`` operator — one node per
stacked layer, ``direction="bidirectional"`` for two directions — with the attributes that make
it rnnlab's cell, so the file says what it computes:

=======================  =====================================================================
rnnlab                   ONNX node
=======================  =====================================================================
``RNN`` tanh / relu      ``RNN``, ``activations=["Tanh"|"Relu"] × D``
``GRU`` reset after      ``GRU``, ``linear_before_reset=1``
``GRU(reset_after=F)``   ``GRU``, ``linear_before_reset=0``
``LSTM``                 ``LSTM``; with ``peepholes=True`` its ``P`` input
``LSTM(proj_size=P)``    refused: the ONNX LSTM has no projection
IndRNN, minLSTM, minGRU  refused: ONNX has no such operator
=======================  =====================================================================

The graph reads ``x`` ``(batch, time, features)`` float32 (or ``tokens`` ``(batch, time)``
int64) and, by default, ``lengths`` ``(batch,)`` int64: the true length of each sequence of a
right-padded batch, passed to every recurrent node as ``sequence_lens``. ONNX then stops each
sequence at its length — the final state is the one at its last valid step, the reverse
direction starts there, outputs past it are zero — which is rnnlab's (and
``pack_padded_sequence``'s) meaning of a padded batch, so a padded batch gives
``model.predict``'s outputs. Around the recurrent nodes: the input z-score normalisation
(``Sub``, ``Div``), ``Gather`` for an embedding, ``MatMul`` + ``Add`` for ``Dense``, and
``Softmax`` for a classifier; dropout is the identity at inference and is left out. Steps past
a sequence's end of a per-step output hold the head's output for a zero state: ignore them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab import cells
from rnnlab import layers as L
from rnnlab.export.onnx_layout import to_onnx


class OnnxUnsupported(ValueError):
    """A model (or a layer of it) that ONNX's operators cannot express, said in one sentence."""


def unsupported_reason(model: Any) -> str | None:
    """Why ``model`` has no native ONNX form, or None when it has one."""
    for index, layer in enumerate(model.layers):
        if not isinstance(layer, L.Recurrent):
            continue
        entry = cells.cell(layer.cell)
        if entry.onnx is None:
            return (f"layer {index} is a {layer.kind}, and ONNX has no {entry.title} operator "
                    f"(only RNN, GRU and LSTM), so it cannot be exported to ONNX")
        if getattr(layer, "proj_size", 0):
            return (f"layer {index} is an LSTM with proj_size={layer.proj_size}, and the ONNX "
                    f"LSTM operator has no projection, so it cannot be exported to ONNX")
    return None


class _Graph:
    """Nodes and initializers being collected, with fresh names."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.origins: dict[str, tuple] = {}     # initializer name → what of the model it holds
        self._count = 0

    def name(self, stem: str) -> str:
        self._count += 1
        return f"{stem}_{self._count}"

    def constant(self, stem: str, value: np.ndarray, origin: tuple = ()) -> str:
        from onnx import numpy_helper

        name = self.name(stem)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        self.origins[name] = origin
        return name

    def node(self, op: str, inputs: list[str], outputs: int = 1, **attributes) -> list[str]:
        from onnx import helper

        names = [self.name(op.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, names, name=self.name(op), **attributes))
        return names

    def transpose(self, value: str, perm: list[int]) -> str:
        return self.node("Transpose", [value], perm=perm)[0]

    def reshape(self, value: str, shape: list[int]) -> str:
        return self.node("Reshape", [value, self.constant("shape", np.array(shape, np.int64))])[0]


def _recurrent_nodes(graph: _Graph, layer: L.Recurrent, index: int, params: dict,
                     sequence: str, lengths: str) -> tuple[str, str]:
    """ONNX nodes for one recurrent layer: ``sequence`` ``(T, B, F)`` in; returns the output
    sequence ``(T, B, D·H)`` and the last node's final state ``(D, B, H)``."""
    cell = layer.cell
    own = {name.split(".", 1)[1]: value.astype(np.float32) for name, value in params.items()
           if name.startswith(f"{index}.")}
    op = cells.cell(cell).onnx
    directions = layer.directions
    attributes: dict[str, Any] = {"hidden_size": layer.hidden_size,
                                  "direction": "bidirectional" if directions == 2 else "forward"}
    if cell == "gru":
        attributes["linear_before_reset"] = 1 if layer.reset_after else 0
    if cell == "rnn":
        attributes["activations"] = [layer.nonlinearity.capitalize()] * directions
    final = ""
    for k in range(layer.num_layers):
        weights = to_onnx(cell, own, layer=k, bidirectional=layer.bidirectional)
        inputs = [sequence] + [graph.constant(f"{index}_l{k}_{key}", weights[key],
                                              ("recurrent", index, k, key))
                               for key in ("W", "R", "B")] + [lengths]
        if "P" in weights:
            inputs += ["", "", graph.constant(f"{index}_l{k}_P", weights["P"],
                                              ("recurrent", index, k, "P"))]
        y, final = graph.node(op, inputs, outputs=2, **attributes)
        # Y (T, D, B, H) → (T, B, D·H): directions side by side, as rnnlab's outputs
        sequence = graph.reshape(graph.transpose(y, [0, 2, 1, 3]), [0, 0, -1])
    return sequence, final


def model_graph(model: Any, *, opset: int, lengths: bool = True) -> Any:
    """The ``onnx.ModelProto`` computing ``model.predict`` (see the module docstring).

    Raises:
        OnnxUnsupported: a layer has no ONNX operator (:func:`unsupported_reason`).
    """
    return graph_and_origins(model, opset=opset, lengths=lengths)[0]


def graph_and_origins(model: Any, *, opset: int, lengths: bool = True,
                      ) -> tuple[Any, dict[str, tuple]]:
    """:func:`model_graph`, and what each initializer holds: ``("recurrent", layer index,
    stacked k, "W"|"R"|"B"|"P")``, ``("dense_weight", i)``, ``("dense_bias", i)``,
    ``("embedding", i)``, ``("mean",)``, ``("std",)`` or ``()`` (a shape constant). This is how
    :func:`rnnlab.import_onnx` reads a file rnnlab wrote back into a model."""
    from onnx import TensorProto, helper

    reason = unsupported_reason(model)
    if reason is not None:
        raise OnnxUnsupported(reason)
    graph = _Graph()
    params = model.params
    input_name = "tokens" if model.tokens else "x"
    inputs = [helper.make_tensor_value_info(
        input_name, TensorProto.INT64 if model.tokens else TensorProto.FLOAT,
        ["batch", "time"] + ([] if model.tokens else [model.features]))]
    sequence_lens = ""
    if lengths:
        inputs.append(helper.make_tensor_value_info("lengths", TensorProto.INT64, ["batch"]))
        sequence_lens = graph.node("Cast", ["lengths"], to=TensorProto.INT32)[0]
    value, layout = input_name, "batch"            # batch-first (B, T, F) or time-major (T, B, F)
    if model.normalization is not None:
        norm = model.normalization
        value = graph.node("Sub", [value, graph.constant("mean", norm["mean"].astype(
            np.float32), ("mean",))])[0]
        value = graph.node("Div", [value, graph.constant("std", norm["std"].astype(
            np.float32), ("std",))])[0]
    for index, layer in enumerate(model.layers):
        if isinstance(layer, L.Embedding):
            value = graph.node("Gather", [graph.constant("embedding", params[
                f"{index}.weight"].astype(np.float32), ("embedding", index)), value])[0]
        elif isinstance(layer, L.Recurrent):
            if layout == "batch":
                value, layout = graph.transpose(value, [1, 0, 2]), "time"
            value, final = _recurrent_nodes(graph, layer, index, params, value, sequence_lens)
            if layer.output == "last":       # (D, B, H) → (B, D·H)
                value, layout = graph.reshape(graph.transpose(final, [1, 0, 2]), [0, -1]), "flat"
        elif isinstance(layer, L.Dense):
            if layout == "time":
                value, layout = graph.transpose(value, [1, 0, 2]), "batch"
            weight = params[f"{index}.weight"].T.astype(np.float32)
            value = graph.node("MatMul", [value, graph.constant("dense_weight", weight,
                                                                ("dense_weight", index))])[0]
            value = graph.node("Add", [value, graph.constant("dense_bias", params[
                f"{index}.bias"].astype(np.float32), ("dense_bias", index))])[0]
        elif isinstance(layer, L.Softmax):
            value = graph.node("Softmax", [value], axis=-1)[0]
    output_name = "probabilities" if model.is_classifier else "values"
    graph.node("Identity", [value])
    graph.nodes[-1].output[0] = output_name
    shape = ["batch", "time", model.output_units] if model.output_mode == "sequence" \
        else ["batch", model.output_units]
    outputs = [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, shape)]
    onnx_graph = helper.make_graph(graph.nodes, "rnnlab", inputs, outputs, graph.initializers)
    proto = helper.make_model(onnx_graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="rnnlab")
    return proto, graph.origins
