r"""``rnnlab.from_keras``: Keras recurrent layers and models read whole — configuration as well as
weights — and nothing guessed.

* a Keras ``SimpleRNN``, ``LSTM`` or ``GRU`` layer (or a ``Bidirectional`` of one) becomes a
  reference-engine stack (:mod:`rnnlab.reference`) with its weights: ``stack.forward(x)``
  gives the layer's sequence output as ``y`` and its final output as ``h_n``;
* a Keras model that is a chain of layers — ``Input``, optionally ``Embedding``, recurrent
  layers (``return_sequences=True`` for all but the last), ``Dropout``, ``Dense`` (linear, or
  softmax last) — becomes an :class:`rnnlab.Sequential` predicting what ``model.predict``
  does.

Read from each layer's ``get_config()``; what rnnlab can represent converts exactly, and anything
else raises one sentence naming the attribute and its value:

=============================  ==============================================================
Keras                          rnnlab
=============================  ==============================================================
``SimpleRNN`` ``activation``   ``RNN(nonlinearity=…)``: ``tanh`` or ``relu``; others refused
``LSTM``/``GRU`` activations   ``activation="tanh"`` and ``recurrent_activation="sigmoid"``
                               only (``hard_sigmoid``, a relu LSTM … are refused)
``GRU`` ``reset_after``        ``GRU(reset_after=…)`` (both)
``use_bias=False``             biases of zero (the same function)
``return_sequences``           ``output="sequence"`` / ``"last"``
``go_backwards=True``          refused (rnnlab reads backwards only inside bidirectional layers)
``Bidirectional``              ``bidirectional=True``; ``merge_mode="concat"`` only, and a
                               backward layer that mirrors the forward one
``stateful``, ``return_state``,  refused (they change what the layer returns or carries)
``dropout``,
``recurrent_dropout`` > 0      refused: Keras drops with one mask per sequence, which rnnlab has
                               no form of; rebuild the layer with 0 (it acts only in training)
``Embedding(mask_zero=True)``,  refused: rnnlab reads lengths, not a mask value
``Masking``
=============================  ==============================================================

Keras is not imported here: the objects are read through ``get_config()``, ``get_weights()``
and their class names, so any Keras 3 backend (and ``tf.keras``) works. The weight arrays go
through :mod:`rnnlab.export.keras_layout`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab import layers as L
from rnnlab.export.keras_layout import from_keras as weights_from_keras

KERAS_CELLS = {"SimpleRNN": "rnn", "LSTM": "lstm", "GRU": "gru"}
TRAINING_ONLY = ("dropout", "recurrent_dropout")


class KerasImportError(ValueError):
    """A Keras layer or model rnnlab cannot represent exactly, said in one sentence."""


def _kind(obj: Any) -> str:
    return type(obj).__name__


def _name(layer: Any) -> str:
    return f"the Keras {_kind(layer)} layer {getattr(layer, 'name', '?')!r}"


def _activation(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _recurrent_layer(layer: Any) -> tuple[L.Recurrent, list[tuple[Any, str]]]:
    """The rnnlab layer for a Keras recurrent layer (or ``Bidirectional``), and the Keras
    layers whose weights fill its directions, with their suffixes."""
    bidirectional = _kind(layer) == "Bidirectional"
    inner = layer.forward_layer if bidirectional else layer
    where = _name(layer)
    if bidirectional:
        merge = layer.get_config().get("merge_mode")
        if merge != "concat":
            raise KerasImportError(f"{where} has merge_mode={merge!r}; rnnlab concatenates the "
                                   f"two directions (merge_mode='concat') only")
        forward, backward = layer.forward_layer.get_config(), layer.backward_layer.get_config()
        differ = sorted(k for k in forward if k not in ("name", "go_backwards")
                        and forward[k] != backward.get(k))
        if _kind(layer.forward_layer) != _kind(layer.backward_layer) or differ or \
                not backward.get("go_backwards") or forward.get("go_backwards"):
            raise KerasImportError(f"{where} has a backward layer that does not mirror its "
                                   f"forward layer ({', '.join(differ) or 'go_backwards'}); "
                                   f"rnnlab's bidirectional layers read both ways with one "
                                   f"configuration")
    kind = _kind(inner)
    if kind not in KERAS_CELLS:
        raise KerasImportError(f"{_name(inner)} is not a recurrent layer rnnlab reads (SimpleRNN, "
                               f"LSTM, GRU, or a Bidirectional of one)")
    cell, config = KERAS_CELLS[kind], inner.get_config()
    where = _name(inner)
    for key in ("go_backwards", "stateful", "return_state"):
        if config.get(key) and not (bidirectional and key == "go_backwards"):
            raise KerasImportError(f"{where} has {key}={config[key]!r}, which rnnlab cannot "
                                   f"represent")
    for key in TRAINING_ONLY:
        if config.get(key, 0):
            raise KerasImportError(f"{where} has {key}={config[key]!r}, which rnnlab cannot "
                                   f"represent (Keras drops with one mask for a whole sequence); "
                                   f"rebuild the layer with {key}=0 — it acts only in training")
    activation = _activation(config.get("activation", "tanh"))
    options: dict[str, Any] = {}
    if cell == "rnn":
        if activation not in ("tanh", "relu"):
            raise KerasImportError(f"{where} has activation={activation!r}; rnnlab's RNN uses "
                                   f"'tanh' or 'relu'")
        options["nonlinearity"] = activation
    else:
        recurrent = _activation(config.get("recurrent_activation", "sigmoid"))
        if activation != "tanh":
            raise KerasImportError(f"{where} has activation={activation!r}; rnnlab's "
                                   f"{cell.upper()} uses 'tanh'")
        if recurrent != "sigmoid":
            raise KerasImportError(f"{where} has recurrent_activation={recurrent!r}; rnnlab's "
                                   f"{cell.upper()} gates use 'sigmoid'")
        if cell == "gru":
            options["reset_after"] = bool(config.get("reset_after", True))
    output = "sequence" if config.get("return_sequences") else "last"
    rnnlab_layer = L.RECURRENT_LAYERS[cell.upper()](int(config["units"]),
                                                   bidirectional=bidirectional, output=output,
                                                   **options)
    sources = [(inner, "l0")] + ([(layer.backward_layer, "l0_reverse")] if bidirectional
                                 else [])
    return rnnlab_layer, sources


def _recurrent_weights(layer: L.Recurrent, sources: list[tuple[Any, str]]) -> dict:
    """PyTorch-layout weights of a converted layer from its Keras layers."""
    reset_after = getattr(layer, "reset_after", True)
    out = {}
    for keras_layer, suffix in sources:
        arrays = [np.asarray(w, dtype=np.float64) for w in keras_layer.get_weights()]
        if len(arrays) == 2:          # use_bias=False: the same function with zero biases
            rows = arrays[1].shape[1]
            arrays.append(np.zeros((2, rows) if layer.cell == "gru" and reset_after
                                   else (rows,)))
        out.update(weights_from_keras(layer.cell, arrays, suffix, reset_after=reset_after))
    return out


def _features(model: Any) -> tuple[int | None, bool]:
    """``(features per step, token input?)`` of a Keras model's single input."""
    inputs = getattr(model, "inputs", None)
    if not inputs or len(inputs) != 1:
        raise KerasImportError("the Keras model must have one input, (batch, time, features) "
                               "or token ids (batch, time), and be built")
    shape = tuple(inputs[0].shape)
    if len(shape) == 2:
        return None, True
    if len(shape) != 3 or shape[-1] is None:
        raise KerasImportError(f"the Keras model's input has shape {shape}; rnnlab reads "
                               f"(batch, time, features) with a known number of features")
    return int(shape[-1]), False


def _check_chain(model: Any, chain: list[Any]) -> None:
    """Refuse a functional model whose layers are not one straight chain."""
    previous = None
    for layer in chain:
        given = getattr(layer, "input", None)
        if previous is not None and given is not None and given is not previous.output:
            raise KerasImportError(f"{_name(layer)} does not read the output of the layer "
                                   f"before it; rnnlab models are a chain of layers")
        previous = layer


def _model(model: Any):
    from rnnlab.models.sequential import Sequential

    features, tokens = _features(model)
    chain = [layer for layer in model.layers if _kind(layer) != "InputLayer"]
    if _kind(model) != "Sequential":
        _check_chain(model, chain)
    described: list[L.Layer] = [] if tokens else [L.SequenceInput(features)]
    fill: list[tuple[int, Any, Any]] = []             # (rnnlab index, what, keras layer)
    for position, layer in enumerate(chain):
        kind, index = _kind(layer), len(described)
        if kind in KERAS_CELLS or kind == "Bidirectional":
            recurrent, sources = _recurrent_layer(layer)
            described.append(recurrent)
            fill.append((index, "recurrent", sources))
        elif kind == "Embedding":
            config = layer.get_config()
            if config.get("mask_zero"):
                raise KerasImportError(f"{_name(layer)} has mask_zero=True; rnnlab reads "
                                       f"sequence lengths, not a mask value")
            described.append(L.Embedding(int(config["input_dim"]), int(config["output_dim"])))
            fill.append((index, "embedding", layer))
        elif kind == "Dropout":
            described.append(L.Dropout(float(layer.get_config()["rate"])))
        elif kind == "Dense":
            config = layer.get_config()
            activation = _activation(config.get("activation", "linear"))
            described.append(L.Dense(int(config["units"])))
            fill.append((index, "dense", layer))
            if activation == "softmax" and position == len(chain) - 1:
                described.append(L.Softmax())
            elif activation != "linear":
                raise KerasImportError(f"{_name(layer)} has activation={activation!r}; rnnlab's "
                                       f"Dense is linear, with softmax only as the last layer")
        elif kind == "Activation" and position == len(chain) - 1 and _activation(
                layer.get_config().get("activation")) == "softmax":
            described.append(L.Softmax())
        else:
            raise KerasImportError(f"{_name(layer)} has no rnnlab equivalent (rnnlab reads "
                                   f"Embedding, SimpleRNN, LSTM, GRU, Bidirectional, Dropout "
                                   f"and Dense)")
    try:
        result = Sequential(described)
    except ValueError as error:
        raise KerasImportError(f"the Keras model does not fit rnnlab's layer rules: "
                               f"{error}") from None
    params = dict(result.params)
    for index, what, source in fill:
        if what == "recurrent":
            for name, value in _recurrent_weights(described[index], source).items():
                params[f"{index}.{name}"] = value
        elif what == "embedding":
            params[f"{index}.weight"] = np.asarray(source.get_weights()[0], np.float64)
        else:
            arrays = [np.asarray(w, np.float64) for w in source.get_weights()]
            params[f"{index}.weight"] = arrays[0].T
            params[f"{index}.bias"] = arrays[1] if len(arrays) == 2 else np.zeros(
                arrays[0].shape[1])
    result.set_weights(params)
    return result


def from_keras(obj: Any, *, dtype=np.float32):
    """Read a Keras recurrent layer or model (see the module docstring).

    Returns:
        a reference-engine stack for a layer (``dtype`` float32 by default), or an
        :class:`rnnlab.Sequential` for a model.

    Raises:
        KerasImportError: the layer or model holds something rnnlab cannot represent exactly.
    """
    kind = _kind(obj)
    if kind in KERAS_CELLS or kind == "Bidirectional":
        layer, sources = _recurrent_layer(obj)
        input_size = sources[0][0].get_weights()[0].shape[0]
        stack = layer.spec(input_size).info.reference_class()(
            input_size, layer.hidden_size, 1, layer.bidirectional, dtype=dtype, **layer.options)
        stack.load_state_dict(_recurrent_weights(layer, sources))
        return stack
    if hasattr(obj, "layers") and hasattr(obj, "get_weights"):
        return _model(obj)
    raise KerasImportError(f"from_keras reads a Keras recurrent layer or model, got a {kind}")
