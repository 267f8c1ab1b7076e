"""The reference engine's building blocks: one node per layer of a model description.

Every node has ``forward(x, lengths, training, state) -> (y, new_state)`` and
``backward(dy) -> dx``, plus ``params`` and ``grads`` dicts keyed by the layer's own (torch)
parameter names. ``params`` hold the live arrays the optimiser updates in place.

A recurrent layer with ``num_layers = L`` runs as ``L`` one-layer stacks so that dropout can sit
between them (``torch.nn``'s ``dropout`` argument): stacked layer ``k``'s ``weight_ih_l{k}`` is
``weight_ih_l0`` of the ``k``-th stack. ``output="last"`` returns the final hidden state of the
last stack, both directions side by side — ``(batch, D*H)`` — and its backward feeds the
gradient in through ``dh_n``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab import cells, reference
from rnnlab import layers as L
from rnnlab.reference.dropout import Dropout as DropoutOp
from rnnlab.reference.embedding import Embedding as EmbeddingOp


class Node:
    """A layer that computes nothing trainable (the base of the others)."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}

    def grads(self) -> dict[str, np.ndarray]:
        return {}

    def forward(self, x, lengths, training: bool, state=None) -> tuple[Any, Any]:
        return x, None

    def backward(self, dy):
        return dy


class EmbeddingNode(Node):
    def __init__(self, layer: L.Embedding, dtype: np.dtype) -> None:
        self.op = EmbeddingOp(layer.vocab_size, layer.dim, seed=0, dtype=dtype)
        self.params = self.op.params

    def grads(self):
        return self.op.grads

    def forward(self, x, lengths, training, state=None):
        return self.op.forward(x), None

    def backward(self, dy):
        self.op.backward(dy)
        return None  # token ids have no gradient


class DropoutNode(Node):
    def __init__(self, layer: L.Dropout, rng: np.random.Generator) -> None:
        super().__init__()
        self.op = DropoutOp(layer.p, rng)

    def forward(self, x, lengths, training, state=None):
        return self.op.forward(x, training), None

    def backward(self, dy):
        return self.op.backward(dy)


class DenseNode(Node):
    def __init__(self, layer: L.Dense, in_features: int, dtype: np.dtype) -> None:
        self.op = reference.Dense(in_features, layer.units, seed=0, dtype=dtype)
        self.params = self.op.params

    def grads(self):
        return self.op.grads

    def forward(self, x, lengths, training, state=None):
        return self.op.forward(x), None

    def backward(self, dy):
        return self.op.backward(dy)


class RecurrentNode(Node):
    def __init__(self, layer: L.Recurrent, input_size: int, dtype: np.dtype,
                 rng: np.random.Generator) -> None:
        self.layer = layer
        stack_class = cells.cell(layer.cell).reference_class()
        width = layer.spec(input_size).output_size
        self.stacks = [
            stack_class(input_size if k == 0 else width, layer.hidden_size, 1,
                        layer.bidirectional, dtype=dtype, seed=0, **layer.options)
            for k in range(layer.num_layers)
        ]
        self.drops = [DropoutOp(layer.dropout, rng) for _ in range(layer.num_layers - 1)]
        self.params = {}
        for k, stack in enumerate(self.stacks):
            for name in stack.params:
                self.params[_stacked_name(name, k)] = stack.params[name]
        self._shape: tuple[int, int] | None = None

    def grads(self):
        return {_stacked_name(name, k): g for k, stack in enumerate(self.stacks)
                for name, g in stack.grads.items()}

    def forward(self, x, lengths, training, state=None):
        finals = []
        for k, stack in enumerate(self.stacks):
            if k > 0:
                x = self.drops[k - 1].forward(x, training)
            x, final = stack.forward(x, None if state is None else state[k], lengths)
            finals.append(final)
        batch, steps = x.shape[0], x.shape[1]
        self._shape = (batch, steps)
        if self.layer.output == "sequence":
            return x, finals
        h_n = finals[-1][0] if isinstance(finals[-1], tuple) else finals[-1]   # (D, B, S)
        return h_n.transpose(1, 0, 2).reshape(batch, -1), finals

    def backward(self, dy):
        batch, steps = self._shape
        layer = self.layer
        dh_n = None
        if layer.output == "last":
            d, width = layer.directions, self.stacks[-1].spec.state_size
            dh_n = np.ascontiguousarray(dy.reshape(batch, d, width).transpose(1, 0, 2))
            dy = np.zeros((batch, steps, d * width), dtype=dy.dtype)
        for k in reversed(range(len(self.stacks))):
            dy = self.stacks[k].backward(dy, dh_n)
            dh_n = None
            if k > 0:
                dy = self.drops[k - 1].backward(dy)
        return dy


def _stacked_name(name: str, k: int) -> str:
    """A one-layer stack's name as stacked layer ``k``'s torch name:
    ``("weight_ih_l0_reverse", 2)`` → ``"weight_ih_l2_reverse"``."""
    stem, _, rest = name.rpartition("_l0")
    return f"{stem}_l{k}{rest}"


def build_nodes(model: Any, dtype: np.dtype, rng: np.random.Generator) -> list[tuple[int, Node]]:
    """One node per computing layer, with its index in ``model.layers``."""
    nodes: list[tuple[int, Node]] = []
    for index, (layer, shape) in enumerate(zip(model.layers, model.input_shapes, strict=True)):
        if isinstance(layer, L.Embedding):
            nodes.append((index, EmbeddingNode(layer, dtype)))
        elif isinstance(layer, L.Recurrent):
            nodes.append((index, RecurrentNode(layer, shape[-1], dtype, rng)))
        elif isinstance(layer, L.Dropout):
            nodes.append((index, DropoutNode(layer, rng)))
        elif isinstance(layer, L.Dense):
            nodes.append((index, DenseNode(layer, shape[-1], dtype)))
        # SequenceInput (normalisation happens before the engine) and Softmax (inside the loss
        # and predict) compute nothing here.
    return nodes
