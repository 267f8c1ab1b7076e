"""What a recurrent layer stack *is*, independent of the engine that runs it.

Both engines (`rnnlab.reference` in NumPy, `rnnlab.torch` on `torch.nn`) describe a stack of
recurrent layers with the same :class:`RecurrentSpec`. It knows PyTorch's parameter names, shapes
and gate order, so a ``state_dict`` moves between engines and to/from ``torch.nn`` unchanged:

==========  =====  ==============================  ========================
cell        gates  ``weight_ih_l{k}``              ``weight_hh_l{k}``
==========  =====  ==============================  ========================
``rnn``     1      (H, I_k)                        (H, H)
``gru``     3      (3H, I_k), stacked r, z, n      (3H, H)
``lstm``    4      (4H, I_k), stacked i, f, g, o   (4H, H)
==========  =====  ==============================  ========================

``I_0`` is ``input_size``; deeper layers see ``D * H`` features (``D`` = 2 when bidirectional).
Biases ``bias_ih_l{k}`` and ``bias_hh_l{k}`` have shape ``(gates * H,)``; the reverse direction
adds the suffix ``_reverse``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

GATES = {"rnn": 1, "gru": 3, "lstm": 4}
NONLINEARITIES = ("tanh", "relu")


@dataclass(frozen=True)
class RecurrentSpec:
    """Sizes of a stack of recurrent layers; validated on construction."""

    cell: str
    input_size: int
    hidden_size: int
    num_layers: int = 1
    bidirectional: bool = False
    nonlinearity: str = "tanh"

    def __post_init__(self) -> None:
        if self.cell not in GATES:
            raise ValueError(f"cell must be one of {sorted(GATES)}, got {self.cell!r}")
        for name in ("input_size", "hidden_size", "num_layers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not isinstance(self.bidirectional, bool):
            raise ValueError(f"bidirectional must be True or False, got {self.bidirectional!r}")
        if self.nonlinearity not in NONLINEARITIES:
            raise ValueError(
                f"nonlinearity must be 'tanh' or 'relu', got {self.nonlinearity!r}"
            )
        if self.cell != "rnn" and self.nonlinearity != "tanh":
            raise ValueError(f"nonlinearity applies to the vanilla RNN only, not to {self.cell!r}")

    @property
    def gates(self) -> int:
        """Number of gate blocks stacked in each weight matrix."""
        return GATES[self.cell]

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def output_size(self) -> int:
        """Features per step of the stack's output, ``D * hidden_size``."""
        return self.num_directions * self.hidden_size

    @property
    def has_cell_state(self) -> bool:
        return self.cell == "lstm"

    def layer_input_size(self, layer: int) -> int:
        return self.input_size if layer == 0 else self.output_size

    @staticmethod
    def suffix(layer: int, direction: int) -> str:
        """PyTorch's parameter-name suffix: ``l0``, ``l0_reverse``, ``l1`` …"""
        return f"l{layer}" + ("_reverse" if direction == 1 else "")

    def directions(self) -> Iterator[tuple[int, int]]:
        """``(layer, direction)`` pairs in PyTorch's order (index ``layer * D + direction``)."""
        for layer in range(self.num_layers):
            for direction in range(self.num_directions):
                yield layer, direction

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        """Every parameter name in ``torch.nn`` order, with its shape."""
        rows = self.gates * self.hidden_size
        shapes: dict[str, tuple[int, ...]] = {}
        for layer, direction in self.directions():
            s = self.suffix(layer, direction)
            shapes[f"weight_ih_{s}"] = (rows, self.layer_input_size(layer))
            shapes[f"weight_hh_{s}"] = (rows, self.hidden_size)
            shapes[f"bias_ih_{s}"] = (rows,)
            shapes[f"bias_hh_{s}"] = (rows,)
        return shapes

    def num_parameters(self) -> int:
        total = 0
        for shape in self.parameter_shapes().values():
            count = 1
            for n in shape:
                count *= n
            total += count
        return total

    def state_shape(self, batch: int) -> tuple[int, int, int]:
        """Shape of ``h0``/``h_n`` (and ``c0``/``c_n``): ``(D * num_layers, batch, hidden)``."""
        return (self.num_directions * self.num_layers, batch, self.hidden_size)

    def check_state_dict(self, state: Mapping[str, object], owner: str) -> None:
        """Raise ``ValueError`` if ``state`` lacks, adds or mis-shapes any parameter."""
        expected = self.parameter_shapes()
        missing = [k for k in expected if k not in state]
        extra = [k for k in state if k not in expected]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing keys {missing}")
            if extra:
                parts.append(f"unexpected keys {extra}")
            raise ValueError(f"state_dict for {owner} has " + " and ".join(parts))
        for key, shape in expected.items():
            got = tuple(getattr(state[key], "shape", ()))
            if got != shape:
                raise ValueError(
                    f"state_dict for {owner}: {key!r} has shape {got}, expected {shape}"
                )
