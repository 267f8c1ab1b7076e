r"""``rnnlab.import_onnx``: ONNX recurrent nodes and rnnlab's own ONNX files, read whole — the
node's attributes and inputs as well as its weights — and nothing ever guessed.

Two kinds of file are read:

* **one recurrent node** — a graph whose only computation is one ``LSTM``, ``GRU`` or ``RNN``
  node, such as ONNX's operator tests and models cut down to a layer — becomes an
  :class:`OnnxRecurrent`: the rnnlab layer it is, a reference-engine stack with its weights, and
  :meth:`OnnxRecurrent.run`, which takes the node's inputs and returns its outputs in ONNX's
  layouts, as onnxruntime would;
* **a file rnnlab's native exporter wrote** (:func:`rnnlab.export.export_onnx`) becomes the
  :class:`rnnlab.Sequential` again. Its layer list comes from the file's metadata; the import
  then rebuilds the graph from the model it read and requires it to equal the file node for
  node and weight for weight, so an edited file is refused rather than half-read.

How a node's attributes and inputs map, and what is refused (one sentence naming the attribute
and its value):

==========================  =================================================================
ONNX                        rnnlab
==========================  =================================================================
``W``, ``R``, ``B``         ``weight_ih``, ``weight_hh``, ``bias_ih``/``bias_hh``
                            (:mod:`rnnlab.export.onnx_layout`)
``P`` (LSTM)                ``peepholes=True`` (``weight_ci``, ``weight_cf``, ``weight_co``)
``linear_before_reset``     GRU ``reset_after`` (1 → True, 0 → False)
``activations``             RNN ``Tanh`` / ``Relu``; LSTM ``Sigmoid, Tanh, Tanh`` and GRU
                            ``Sigmoid, Tanh`` only — any other is refused
``direction``               ``forward``, ``bidirectional``; ``reverse`` is refused (rnnlab reads
                            backwards only inside a bidirectional layer)
``layout``                  0 (time-major) and 1 (batch-major), in :meth:`OnnxRecurrent.run`
``sequence_lens``           ``lengths`` (each at least 1)
``initial_h``, ``initial_c``  ``h0``, ``c0``
``clip``                    refused: rnnlab has no cell clipping
``input_forget=1``          refused: rnnlab's LSTM has separate input and forget gates
``activation_alpha/beta``   refused
==========================  =================================================================

Weights (``W``, ``R``, ``B``, ``P``) must be constants of the file; a graph that takes them as
inputs (as ONNX's operator tests do) gets their values through ``constants``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab import layers as L
from rnnlab.export.onnx_layout import from_onnx

RECURRENT_OPS = {"LSTM": "lstm", "GRU": "gru", "RNN": "rnn"}
DEFAULT_ACTIVATIONS = {"lstm": ("Sigmoid", "Tanh", "Tanh"), "gru": ("Sigmoid", "Tanh")}
KNOWN_ATTRIBUTES = {"hidden_size", "direction", "layout", "activations", "linear_before_reset",
                    "clip", "input_forget", "activation_alpha", "activation_beta"}
IGNORED_OPS = {"Identity"}


class OnnxImportError(ValueError):
    """A file (or a node in it) rnnlab cannot represent exactly, said in one sentence."""


@dataclass
class OnnxRecurrent:
    """One ONNX recurrent node, as rnnlab: see :func:`import_onnx`.

    Attributes:
        layer: the rnnlab layer description (``output="sequence"``).
        stack: a reference-engine stack (:mod:`rnnlab.reference`) holding the node's weights.
        node: the node's name; ``layout``: its ``layout`` attribute (0 or 1).
        inputs: role (``"X"``, ``"sequence_lens"``, ``"initial_h"``, ``"initial_c"``) → the
            graph input feeding it; ``constants``: role → a value fixed in the file.
        outputs: the graph outputs, in order, with their roles (``"Y"``, ``"Y_h"``, ``"Y_c"``).
    """

    layer: L.Recurrent
    stack: Any
    node: str
    layout: int
    inputs: dict[str, str]
    constants: dict[str, np.ndarray]
    outputs: list[tuple[str, str]]

    def run(self, feeds: dict[str, Any]) -> list[np.ndarray]:
        """The node's outputs for ``feeds`` (graph input name → array), in the order of the
        graph's outputs and in ONNX's layouts: ``Y`` ``(T, D, B, H)`` (``(B, T, D, H)`` with
        ``layout=1``), ``Y_h`` and ``Y_c`` ``(D, B, H)`` (``(B, D, H)``)."""
        values = dict(self.constants)
        for role, name in self.inputs.items():
            if name not in feeds:
                raise OnnxImportError(f"run() needs the graph input {name!r} ({role} of node "
                                      f"{self.node!r}); got {sorted(feeds)}")
            values[role] = np.asarray(feeds[name])
        x = values["X"] if self.layout == 1 else np.swapaxes(values["X"], 0, 1)
        batch, steps = x.shape[:2]
        lengths = values.get("sequence_lens")
        if lengths is not None:
            lengths = np.asarray(lengths).reshape(-1)
            if np.any(lengths < 1):
                raise OnnxImportError(f"sequence_lens holds {int(lengths.min())}; rnnlab needs "
                                      f"every sequence to have at least one step")
        spec = self.stack.spec
        states = []
        for role, shape in zip(("initial_h", "initial_c"), spec.state_shapes(batch),
                               strict=False):
            value = values.get(role)
            if value is None:
                value = np.zeros(shape)
            elif self.layout == 1:
                value = np.swapaxes(value, 0, 1)
            states.append(value)
        y, final = self.stack.forward(x, tuple(states) if len(states) == 2 else states[0],
                                      lengths)
        finals = final if isinstance(final, tuple) else (final,)
        directions = spec.num_directions
        y = y.reshape(batch, steps, directions, -1)                 # (B, T, D, H)
        results = {"Y": y if self.layout == 1 else y.transpose(1, 2, 0, 3),
                   "Y_h": finals[0], "Y_c": finals[1] if len(finals) == 2 else None}
        if self.layout == 1:
            results["Y_h"] = np.swapaxes(results["Y_h"], 0, 1)
            if results["Y_c"] is not None:
                results["Y_c"] = np.swapaxes(results["Y_c"], 0, 1)
        return [results[role] for _, role in self.outputs]


def import_onnx(source: str | Path | Any, *, constants: dict[str, np.ndarray] | None = None,
                dtype: str = "float32"):
    """Read an ONNX file (a path, bytes or an ``onnx.ModelProto``) as rnnlab.

    Returns:
        an :class:`OnnxRecurrent` for a graph of one recurrent node, or an
        :class:`rnnlab.Sequential` for a file written by rnnlab's native exporter (see the
        module docstring).

    Raises:
        OnnxImportError: the file holds something rnnlab cannot represent exactly.

    Example:
        >>> import os, tempfile, rnnlab
        >>> model = rnnlab.build("gru", input_size=2, hidden_size=3, output_size=2,
        ...                      task="classify", reset_after=False)
        >>> path = os.path.join(tempfile.mkdtemp(), "gru.onnx")
        >>> _ = rnnlab.export.export_onnx(model, path)
        >>> again = import_onnx(path)
        >>> again.layers == model.layers
        True
    """
    proto = _load(source)
    graph = proto.graph
    metadata = {p.key: p.value for p in proto.metadata_props}
    compute = [n for n in graph.node if n.op_type not in IGNORED_OPS]
    recurrent = [n for n in compute if n.op_type in RECURRENT_OPS]
    if len(compute) == 1 and recurrent:
        return _single_node(proto, recurrent[0], constants or {}, np.dtype(dtype))
    if "layers" in metadata:
        return _rnnlab_file(proto, metadata)
    other = next((n for n in compute if n.op_type not in RECURRENT_OPS), None)
    what = f"node {other.name or other.op_type!r} ({other.op_type})" if other else \
        f"{len(recurrent)} recurrent nodes"
    raise OnnxImportError(f"import_onnx reads a graph of one LSTM, GRU or RNN node, or a file "
                          f"written by rnnlab.export.export_onnx; this graph has {what} besides")


def _load(source: Any) -> Any:
    import onnx

    if isinstance(source, onnx.ModelProto):
        return source
    if isinstance(source, bytes):
        return onnx.load_model_from_string(source)
    path = Path(source)
    if not path.is_file():
        raise OnnxImportError(f"no ONNX file at {path}")
    try:
        return onnx.load(str(path))
    except Exception as error:  # protobuf's DecodeError and friends
        raise OnnxImportError(f"{path} is not an ONNX file ({type(error).__name__})") from None


# ---------------------------------------------------------------------- one node
def _attributes(node: Any) -> dict[str, Any]:
    from onnx import helper

    values = {}
    for attribute in node.attribute:
        value = helper.get_attribute_value(attribute)
        if isinstance(value, bytes):
            value = value.decode()
        elif isinstance(value, list):
            value = [v.decode() if isinstance(v, bytes) else v for v in value]
        values[attribute.name] = value
    return values


def _check_attributes(node: Any, cell: str, attributes: dict[str, Any]) -> tuple[int, str]:
    """Refuse what rnnlab cannot represent; returns ``(directions, nonlinearity)``."""
    where = f"the {node.op_type} node {node.name!r}" if node.name else f"the {node.op_type} node"
    for name, value in attributes.items():
        if name not in KNOWN_ATTRIBUTES:
            raise OnnxImportError(f"{where} has the attribute {name}={value!r}, which rnnlab "
                                  f"does not know")
    if "clip" in attributes:
        raise OnnxImportError(f"{where} has clip={attributes['clip']!r} (cell clipping), which "
                              f"rnnlab cannot represent")
    if attributes.get("input_forget", 0) != 0:
        raise OnnxImportError(f"{where} has input_forget={attributes['input_forget']!r} "
                              f"(coupled input and forget gates), which rnnlab cannot represent")
    for name in ("activation_alpha", "activation_beta"):
        if name in attributes:
            raise OnnxImportError(f"{where} has {name}={attributes[name]!r}, which rnnlab cannot "
                                  f"represent")
    direction = attributes.get("direction", "forward")
    if direction not in ("forward", "bidirectional"):
        raise OnnxImportError(f"{where} has direction={direction!r}; rnnlab reads a sequence "
                              f"backwards only inside a bidirectional layer")
    directions = 2 if direction == "bidirectional" else 1
    activations = attributes.get("activations")
    nonlinearity = "tanh"
    if cell == "rnn":
        given = activations or ["Tanh"] * directions
        if len(set(given)) != 1 or given[0] not in ("Tanh", "Relu"):
            raise OnnxImportError(f"{where} has activations={given!r}; rnnlab's RNN uses Tanh or "
                                  f"Relu, the same in both directions")
        nonlinearity = given[0].lower()
    elif activations is not None:
        expected = list(DEFAULT_ACTIVATIONS[cell]) * directions
        if activations != expected:
            raise OnnxImportError(f"{where} has activations={activations!r}; rnnlab's "
                                  f"{cell.upper()} computes {expected!r} only")
    if attributes.get("layout", 0) not in (0, 1):
        raise OnnxImportError(f"{where} has layout={attributes['layout']!r}; ONNX defines 0 "
                              f"and 1")
    return directions, nonlinearity


def _single_node(proto: Any, node: Any, constants: dict[str, np.ndarray],
                 dtype: np.dtype) -> OnnxRecurrent:
    from onnx import numpy_helper

    cell = RECURRENT_OPS[node.op_type]
    attributes = _attributes(node)
    directions, nonlinearity = _check_attributes(node, cell, attributes)
    roles = ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"]
    graph_inputs = {i.name for i in proto.graph.input}
    stored = {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}
    fixed: dict[str, np.ndarray] = {}
    fed: dict[str, str] = {}
    for role, name in zip(roles, node.input, strict=False):
        if not name:
            continue
        if name in stored:
            fixed[role] = stored[name]
        elif name in constants:
            fixed[role] = np.asarray(constants[name])
        elif name in graph_inputs and role in ("X", "sequence_lens", "initial_h", "initial_c"):
            fed[role] = name
        else:
            raise OnnxImportError(f"the {node.op_type} node's {role} ({name!r}) is not a "
                                  f"constant of the file; give its value with "
                                  f"import_onnx(..., constants={{{name!r}: array}})")
    if "X" not in fed:
        raise OnnxImportError(f"the {node.op_type} node's input X is not a graph input")
    W, R = fixed["W"], fixed["R"]
    hidden = R.shape[-1]
    if attributes.get("hidden_size", hidden) != hidden:
        raise OnnxImportError(f"the {node.op_type} node has hidden_size="
                              f"{attributes['hidden_size']} but R has shape {R.shape}")
    if W.shape[0] != directions:
        raise OnnxImportError(f"the {node.op_type} node reads {directions} direction(s) but W "
                              f"has shape {W.shape}")
    options: dict[str, Any] = {}
    if cell == "gru":
        options["reset_after"] = attributes.get("linear_before_reset", 0) != 0
    if cell == "rnn":
        options["nonlinearity"] = nonlinearity
    if "P" in fixed:
        options["peepholes"] = True
    layer = L.RECURRENT_LAYERS[node.op_type](hidden, bidirectional=directions == 2,
                                             output="sequence", **options)
    weights = from_onnx(cell, W, R, fixed.get("B"), P=fixed.get("P"))
    stack = layer.spec(W.shape[-1]).info.reference_class()(
        W.shape[-1], hidden, 1, directions == 2, dtype=dtype, **layer.options)
    stack.load_state_dict(weights)
    outputs = []
    for role, name in zip(("Y", "Y_h", "Y_c"), node.output, strict=False):
        if name and name in {o.name for o in proto.graph.output}:
            outputs.append((name, role))
    return OnnxRecurrent(layer=layer, stack=stack, node=node.name, layout=attributes.get(
        "layout", 0), inputs=fed, constants={k: v for k, v in fixed.items()
                                            if k in ("sequence_lens", "initial_h", "initial_c")},
        outputs=outputs)


# ---------------------------------------------------------------------- rnnlab's own files
def _rnnlab_file(proto: Any, metadata: dict[str, str]):
    """The Sequential a native rnnlab export holds, checked by writing it again."""
    from onnx import helper, numpy_helper

    from rnnlab.export.onnx_graph import OnnxUnsupported, graph_and_origins
    from rnnlab.models.sequential import Sequential

    try:
        layers = [L.layer_from_config(c) for c in json.loads(metadata["layers"])]
        model = Sequential(layers)
    except (ValueError, TypeError, json.JSONDecodeError) as error:
        raise OnnxImportError(f"the file's rnnlab metadata does not describe a model: "
                              f"{error}") from None
    stored = {t.name: numpy_helper.to_array(t).astype(np.float64)
              for t in proto.graph.initializer}
    if any(n.op_type == "Sub" for n in proto.graph.node):
        features = model.features or 1
        model.normalization = {"mean": np.zeros(features), "std": np.ones(features)}
    has_lengths = any(i.name == "lengths" for i in proto.graph.input)
    try:
        _, origins = graph_and_origins(model, opset=proto.opset_import[0].version,
                                       lengths=has_lengths)
    except OnnxUnsupported as error:
        raise OnnxImportError(str(error)) from None
    refusal = ("the file is not one rnnlab's native exporter wrote (or it was changed "
               "afterwards): {}; re-export it with rnnlab.export.export_onnx")
    if sorted(stored) != sorted(origins):
        raise OnnxImportError(refusal.format("its constants differ"))
    params = dict(model.params)
    for name, origin in origins.items():
        value = stored[name]
        if not origin:
            continue
        kind, *where = origin
        if kind in ("mean", "std"):
            model.normalization[kind] = value
        elif kind == "embedding":
            params[f"{where[0]}.weight"] = value
        elif kind == "dense_weight":
            params[f"{where[0]}.weight"] = value.T
        elif kind == "dense_bias":
            params[f"{where[0]}.bias"] = value
    for index, layer in enumerate(model.layers):
        if isinstance(layer, L.Recurrent):
            for k in range(layer.num_layers):
                found = {key: stored[name] for name, origin in origins.items()
                         if origin[:3] == ("recurrent", index, k) for key in [origin[3]]}
                for key, value in from_onnx(layer.cell, found["W"], found["R"], found["B"],
                                            layer=k, P=found.get("P")).items():
                    params[f"{index}.{key}"] = value
    model.set_weights(params)
    classes = json.loads(metadata.get("classes", "null"))
    model.classes = classes
    again, _ = graph_and_origins(model, opset=proto.opset_import[0].version,
                                 lengths=has_lengths)
    if [(n.op_type, list(n.input), list(n.output), [helper.get_attribute_value(a) for a in
         n.attribute]) for n in again.graph.node] != [
            (n.op_type, list(n.input), list(n.output), [helper.get_attribute_value(a) for a in
             n.attribute]) for n in proto.graph.node]:
        raise OnnxImportError(refusal.format("its nodes differ from the model it describes"))
    for tensor in again.graph.initializer:
        if not np.array_equal(numpy_helper.to_array(tensor), stored[tensor.name].astype(
                numpy_helper.to_array(tensor).dtype)):
            raise OnnxImportError(refusal.format(f"its constant {tensor.name!r} does not round "
                                                 f"trip"))
    return model
