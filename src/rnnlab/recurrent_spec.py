"""What a recurrent layer stack *is*, independent of the engine that runs it.

Both engines (`rnnlab.reference` in NumPy, `rnnlab.torch` on `torch.nn`) describe a stack of
recurrent layers with the same :class:`RecurrentSpec`. It knows the parameter names, shapes and
gate order — PyTorch's own wherever PyTorch has the cell — so a ``state_dict`` moves between
engines and to/from ``torch.nn`` unchanged. The shapes come from the cell's registration in
:mod:`rnnlab.cells`:

===========  =========================================  =============================
cell         per layer and direction                    gates stacked in ``weight_ih``
===========  =========================================  =============================
``rnn``      ``weight_ih`` (H, I_k), ``weight_hh`` (H, H)  —
``gru``      (3H, I_k), (3H, H)                         r, z, n
``lstm``     (4H, I_k), (4H, S); ``weight_hr`` (P, H)   i, f, g, o
             with ``proj_size = P``; ``weight_ci``,
             ``weight_cf``, ``weight_co`` (H,) with
             ``peepholes``
``indrnn``   ``weight_ih`` (H, I_k), ``weight_hh`` (H,)  —
``minlstm``  ``weight_ih`` (3H, I_k), ``bias_ih`` (3H,)   f, i, h̃
``mingru``   ``weight_ih`` (2H, I_k), ``bias_ih`` (2H,)   z, h̃
===========  =========================================  =============================

The cells with two biases have ``bias_ih_l{k}`` and ``bias_hh_l{k}`` of shape ``(gates * H,)``.
``S`` is the size of the hidden state ``h``: ``H``, or ``P`` for a projected LSTM. ``I_0`` is
``input_size``; deeper layers see ``D * S`` features (``D`` = 2 when bidirectional). The reverse
direction adds the suffix ``_reverse``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rnnlab import cells
from rnnlab.cells import NONLINEARITIES

__all__ = ["NONLINEARITIES", "RecurrentSpec"]

#: What each option means when a cell does not take it (the value it must then have).
OPTION_DEFAULTS = {"nonlinearity": "tanh", "reset_after": True, "peepholes": False,
                   "proj_size": 0}


@dataclass(frozen=True)
class RecurrentSpec:
    """Sizes and options of a stack of recurrent layers; validated on construction.

    ``nonlinearity`` left as None takes the cell's default (``"tanh"`` for the RNN, ``"relu"``
    for IndRNN). Options a cell does not take must keep their defaults.

    Example:
        >>> spec = RecurrentSpec("lstm", 3, 8, proj_size=4, bidirectional=True)
        >>> spec.output_size, spec.state_shapes(2)
        (8, ((2, 2, 4), (2, 2, 8)))
    """

    cell: str
    input_size: int
    hidden_size: int
    num_layers: int = 1
    bidirectional: bool = False
    nonlinearity: str | None = None
    reset_after: bool = True
    peepholes: bool = False
    proj_size: int = 0

    def __post_init__(self) -> None:
        if not cells.is_registered(self.cell) or cells.variant(self.cell) is not None:
            raise ValueError(f"cell must be one of {cells.names(variants=False)}, "
                             f"got {self.cell!r}")
        for name in ("input_size", "hidden_size", "num_layers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not isinstance(self.bidirectional, bool):
            raise ValueError(f"bidirectional must be True or False, got {self.bidirectional!r}")
        entry = self.info
        if self.nonlinearity is None:
            option = entry.option("nonlinearity")
            object.__setattr__(self, "nonlinearity",
                               option.default if option else OPTION_DEFAULTS["nonlinearity"])
        for name, default in OPTION_DEFAULTS.items():
            value, option = getattr(self, name), entry.option(name)
            if option is None:
                if value != default:
                    raise ValueError(f"{name} does not apply to the {self.cell!r} cell (it has "
                                     f"no such option), got {name}={value!r}")
            elif not option.check(value):
                raise ValueError(f"{name} must be {option.expected}, got {value!r}")
        if self.proj_size and self.proj_size >= self.hidden_size:
            raise ValueError(f"proj_size must be smaller than hidden_size ({self.hidden_size}), "
                             f"got {self.proj_size}")

    # ------------------------------------------------------------------ the cell
    @property
    def info(self) -> cells.Cell:
        """The cell's registration (:class:`rnnlab.cells.Cell`)."""
        return cells.cell(self.cell)

    @property
    def gates(self) -> int:
        """Number of ``H``-row blocks stacked in ``weight_ih``: the gate count, or 1 for the
        RNN and IndRNN (no gates, one block)."""
        return max(self.info.num_gates, 1)

    @property
    def options(self) -> dict[str, object]:
        """The options this cell takes, with their values (``{"reset_after": False}``)."""
        return {o.name: getattr(self, o.name) for o in self.info.options}

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def state_size(self) -> int:
        """Size of the hidden state ``h`` (and of each direction's output): ``proj_size`` for a
        projected LSTM, else ``hidden_size``."""
        return self.proj_size or self.hidden_size

    @property
    def output_size(self) -> int:
        """Features per step of the stack's output, ``D * state_size``."""
        return self.num_directions * self.state_size

    @property
    def has_cell_state(self) -> bool:
        return len(self.info.state) == 2

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

    # ------------------------------------------------------------------ parameters
    def layer_parameter_shapes(self, layer: int) -> dict[str, tuple[int, ...]]:
        """``{stem: shape}`` of one direction of ``layer`` (``"weight_ih"`` …)."""
        return self.info.parameters(self, self.layer_input_size(layer))

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        """Every parameter name in ``torch.nn`` order, with its shape."""
        shapes: dict[str, tuple[int, ...]] = {}
        for layer, direction in self.directions():
            s = self.suffix(layer, direction)
            for stem, shape in self.layer_parameter_shapes(layer).items():
                shapes[f"{stem}_{s}"] = shape
        return shapes

    def num_parameters(self) -> int:
        total = 0
        for shape in self.parameter_shapes().values():
            count = 1
            for n in shape:
                count *= n
            total += count
        return total

    # ------------------------------------------------------------------ states
    def state_shapes(self, batch: int) -> tuple[tuple[int, int, int], ...]:
        """Shapes of the initial/final states: ``((D*L, batch, S),)`` or, with a cell state,
        ``((D*L, batch, S), (D*L, batch, H))``."""
        h = (self.num_directions * self.num_layers, batch, self.state_size)
        if not self.has_cell_state:
            return (h,)
        return (h, (self.num_directions * self.num_layers, batch, self.hidden_size))

    def state_shape(self, batch: int) -> tuple[int, int, int]:
        """Shape of ``h0``/``h_n``: ``(D * num_layers, batch, state_size)``."""
        return self.state_shapes(batch)[0]

    def state_names(self) -> tuple[str, ...]:
        """``("h0",)`` or ``("h0", "c0")``."""
        return tuple(f"{name}0" for name in self.info.state)

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
