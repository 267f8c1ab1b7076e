r"""The cell registry: every recurrent cell rnnlab knows, registered once.

A cell lives in three places and no more (DESIGN.md, "Cells"):

1. its **reference module** ``rnnlab/reference/<cell>.py`` — the textbook step (forward and
   backward of one time step, in the order of the equations), then the fast scan tested
   against a loop over that step;
2. its **torch form** under ``rnnlab/torch/`` (a ``torch.nn`` class, or the generic step loop of
   :mod:`rnnlab.torch.scan`);
3. **one registration** here, a :class:`Cell`, from which everything else finds it:
   :class:`~rnnlab.recurrent_spec.RecurrentSpec` (parameter names and shapes, state sizes),
   :mod:`rnnlab.layers` (the layer class, e.g. ``rnnlab.layers.MinGRU``), both engines,
   parameter matching and cost (:mod:`rnnlab.study.matching`, :func:`macs_per_step`),
   inspection (gate names and ranges) and export (the ONNX operator, or why there is none).

Options that keep the meaning of a cell's parameters are options of that cell (GRU
``reset_after``, LSTM ``peepholes`` and ``proj_size``, ``init="chrono"``); cells whose
parameters mean something else are cells of their own (minGRU, minLSTM, IndRNN).

A *variant* is a registered name for a cell with fixed options, so that a study can compare it
like any cell: ``"lstm-chrono"`` is an LSTM with ``init="chrono"`` and the task's sequence length
as the longest dependency.

Example:
    >>> cell("gru").layer, [g.name for g in cell("gru").gates]
    ('GRU', ['r', 'z', 'n'])
    >>> names(variants=False)
    ['rnn', 'lstm', 'gru', 'indrnn', 'minlstm', 'mingru']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NONLINEARITIES = ("tanh", "relu")
INITS = ("default", "chrono")


@dataclass(frozen=True)
class Option:
    """A setting of a cell that changes what it computes (it is part of the spec)."""

    name: str
    default: Any
    doc: str
    check: Callable[[Any], bool]
    expected: str                     # what ``check`` accepts, for the error message


@dataclass(frozen=True)
class Gate:
    """One block of a cell's stacked pre-activations, as inspection shows it.

    ``kind`` is the range of the activation: ``"sigmoid"`` (0, 1), ``"tanh"`` (−1, 1) or
    ``"linear"`` (unbounded; never counted as saturated)."""

    name: str
    kind: str


@dataclass(frozen=True)
class Cell:
    """Everything the rest of rnnlab needs to know about one cell.

    Attributes:
        name: the cell's name in ``rnnlab.build``, ``compare --cells`` and model files.
        layer: the class name in :mod:`rnnlab.layers` (``"MinGRU"``).
        title: one line for docs and reports.
        equations: the step, for the layer's docstring.
        source: where the cell comes from.
        gates: the blocks inspection traces, in the order their rows are stacked in
            ``weight_ih``; their number is the cell's gate count.
        state: ``("h",)`` or ``("h", "c")``.
        options: the settings of :class:`~rnnlab.recurrent_spec.RecurrentSpec` this cell takes.
        forget_gate: the gate whose bias starts at ``forget_bias`` (the LSTM's ``f``).
        chrono: ``(keep, write)`` gate names for ``init="chrono"`` (see
            :mod:`rnnlab.initializers`): ``keep`` is the gate that carries the old state, its bias
            drawn as ``log U(1, T_max − 1)``; ``write`` (or None) gets the negated bias. None:
            the cell has no chrono initialisation.
        parameters: ``(spec, input_size) → {stem: shape}`` for one layer and direction, in
            ``torch.nn`` order; the full name is ``f"{stem}_{suffix}"`` (``weight_ih_l0``).
        macs: ``(spec, input_size) → int``, multiply-adds by weights in one step of one layer
            and direction for one sequence (see :func:`macs_per_step`).
        reference: ``"module:Class"`` of the reference-engine class.
        torch: ``"module:function"`` building the torch-engine module from a spec.
        onnx: the ONNX operator computing this cell, or None.
        hidden: range of the hidden state when the cell has no gates (``"tanh"`` for the tanh
            RNN, ``"linear"`` otherwise): inspection reports its saturation only when bounded.
        display: how reports name the cell, when not ``layer`` (``"minGRU"``).
    """

    name: str
    layer: str
    title: str
    equations: str
    source: str
    gates: tuple[Gate, ...]
    state: tuple[str, ...]
    options: tuple[Option, ...]
    parameters: Callable[[Any, int], dict[str, tuple[int, ...]]]
    macs: Callable[[Any, int], int]
    reference: str
    torch: str
    onnx: str | None = None
    forget_gate: str | None = None
    chrono: tuple[str, str | None] | None = None
    hidden: Callable[[Any], str] = field(default=lambda spec: "linear")
    display: str = ""

    @property
    def num_gates(self) -> int:
        return len(self.gates)

    def gate_index(self, name: str) -> int:
        return [g.name for g in self.gates].index(name)

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    def reference_class(self) -> type:
        return _load(self.reference)

    def torch_factory(self) -> Callable[..., Any]:
        return _load(self.torch)


@dataclass(frozen=True)
class Variant:
    """A registered name for a cell with fixed layer options (see the module docstring)."""

    name: str
    cell: str
    options: dict[str, Any]
    doc: str
    needs_max_dependency: bool = False


_CELLS: dict[str, Cell] = {}
_VARIANTS: dict[str, Variant] = {}


def register(entry: Cell | Variant) -> Cell | Variant:
    """Add a cell or variant; names are unique across both."""
    if entry.name in _CELLS or entry.name in _VARIANTS:
        raise ValueError(f"a cell or variant named {entry.name!r} is already registered")
    (_CELLS if isinstance(entry, Cell) else _VARIANTS)[entry.name] = entry
    return entry


def cell(name: str) -> Cell:
    """The registered cell called ``name`` (a variant's name gives its cell)."""
    if name in _VARIANTS:
        name = _VARIANTS[name].cell
    if name not in _CELLS:
        raise ValueError(f"unknown cell {name!r}; expected one of {', '.join(names())}")
    return _CELLS[name]


def variant(name: str) -> Variant | None:
    return _VARIANTS.get(name)


def names(*, variants: bool = True) -> list[str]:
    """Every registered cell name, then (with ``variants``) every variant, in registration
    order."""
    return list(_CELLS) + (list(_VARIANTS) if variants else [])


def is_registered(name: str) -> bool:
    return name in _CELLS or name in _VARIANTS


def layer_options(name: str) -> dict[str, Any]:
    """The layer options a cell or variant name stands for: ``{}`` for a cell,
    ``{"init": "chrono"}`` for ``"lstm-chrono"``."""
    entry = _VARIANTS.get(name)
    cell(name)  # raises for unknown names
    return dict(entry.options) if entry else {}


def display_name(name: str) -> str:
    """How reports name a cell or variant: ``"minGRU"``, ``"LSTM (chrono)"``.

    Example:
        >>> display_name("mingru"), display_name("lstm-chrono")
        ('minGRU', 'LSTM (chrono)')
    """
    entry = _VARIANTS.get(name)
    base = cell(name)
    text = base.display or base.layer
    return f"{text} ({entry.name.split('-', 1)[1]})" if entry else text


def display_names() -> dict[str, str]:
    """:func:`display_name` of every registered name."""
    return {name: display_name(name) for name in names()}


def macs_per_step(name: str, input_size: int, hidden_size: int, **options: Any) -> int:
    """Multiply-adds by weights in one time step of one layer and direction, for one sequence.

    Counted: every product of an input or state with a weight (``W x``, ``W h``, peephole and
    IndRNN element-wise weights ``u ⊙ h``, the projection ``W_hr``). Not counted: element-wise
    gate arithmetic, activations and bias additions, which are O(H) for every cell.

    Example:
        >>> macs_per_step("lstm", 10, 20)        # 4·20·(10 + 20)
        2400
        >>> macs_per_step("indrnn", 10, 20)      # 20·10 + 20
        220
    """
    from rnnlab.recurrent_spec import RecurrentSpec

    entry = cell(name)
    spec = RecurrentSpec(entry.name, input_size, hidden_size, **options)
    return entry.macs(spec, input_size)


def _load(path: str) -> Any:
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


# ---------------------------------------------------------------------- option checks
def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _non_negative_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _nonlinearity(value: Any) -> bool:
    return value in NONLINEARITIES


def _option_nonlinearity(default: str) -> Option:
    return Option("nonlinearity", default, "the state's activation φ", _nonlinearity,
                  "'tanh' or 'relu'")


# ---------------------------------------------------------------------- parameter layouts
def _torch_layout(blocks: int) -> Callable[[Any, int], dict[str, tuple[int, ...]]]:
    """``torch.nn``'s four arrays with ``blocks`` gate blocks each (RNN 1, GRU 3)."""
    def shapes(spec: Any, inputs: int) -> dict[str, tuple[int, ...]]:
        rows = blocks * spec.hidden_size
        return {"weight_ih": (rows, inputs), "weight_hh": (rows, spec.hidden_size),
                "bias_ih": (rows,), "bias_hh": (rows,)}
    return shapes


def _torch_macs(blocks: int) -> Callable[[Any, int], int]:
    return lambda spec, inputs: blocks * spec.hidden_size * (inputs + spec.hidden_size)


def _lstm_parameters(spec: Any, inputs: int) -> dict[str, tuple[int, ...]]:
    """``torch.nn.LSTM``'s names (``weight_hr`` with ``proj_size``), then the peephole
    vectors ``weight_ci``, ``weight_cf``, ``weight_co`` (each ``(H,)``)."""
    hidden, state = spec.hidden_size, spec.state_size
    shapes = {"weight_ih": (4 * hidden, inputs), "weight_hh": (4 * hidden, state),
              "bias_ih": (4 * hidden,), "bias_hh": (4 * hidden,)}
    if spec.proj_size:
        shapes["weight_hr"] = (spec.proj_size, hidden)
    if spec.peepholes:
        shapes.update({"weight_ci": (hidden,), "weight_cf": (hidden,), "weight_co": (hidden,)})
    return shapes


def _lstm_macs(spec: Any, inputs: int) -> int:
    hidden = spec.hidden_size
    total = 4 * hidden * (inputs + spec.state_size)
    if spec.proj_size:
        total += spec.proj_size * hidden
    if spec.peepholes:
        total += 3 * hidden
    return total


def _input_only(blocks: int) -> Callable[[Any, int], dict[str, tuple[int, ...]]]:
    """Cells whose gates read only the input: ``weight_ih`` ``(blocks·H, I)`` and one bias."""
    def shapes(spec: Any, inputs: int) -> dict[str, tuple[int, ...]]:
        rows = blocks * spec.hidden_size
        return {"weight_ih": (rows, inputs), "bias_ih": (rows,)}
    return shapes


def _indrnn_parameters(spec: Any, inputs: int) -> dict[str, tuple[int, ...]]:
    hidden = spec.hidden_size
    return {"weight_ih": (hidden, inputs), "weight_hh": (hidden,), "bias_ih": (hidden,)}


# ---------------------------------------------------------------------- the cells
register(Cell(
    name="rnn", layer="RNN", title="vanilla (Elman) RNN",
    equations="h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),  φ = tanh or relu",
    source="Elman 1990; torch.nn.RNN",
    gates=(), state=("h",), options=(_option_nonlinearity("tanh"),),
    parameters=_torch_layout(1), macs=_torch_macs(1),
    reference="rnnlab.reference.rnn:RNN", torch="rnnlab.torch.factory:rnn_module", onnx="RNN",
    hidden=lambda spec: "tanh" if spec.nonlinearity == "tanh" else "linear"))

register(Cell(
    name="lstm", layer="LSTM", title="long short-term memory",
    equations="i, f, o = σ(W_i· x + b_i· + W_h· h + b_h· [+ w_c· ⊙ c]), g = tanh(…), "
              "c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c') [then h' = W_hr h']",
    source="Hochreiter & Schmidhuber 1997; Gers et al. 2000 (forget gate); Gers & Schmidhuber "
           "2000 (peepholes); Sak et al. 2014 (projection); torch.nn.LSTM",
    gates=(Gate("i", "sigmoid"), Gate("f", "sigmoid"), Gate("g", "tanh"), Gate("o", "sigmoid")),
    state=("h", "c"),
    options=(Option("peepholes", False, "gates also read the cell state (Gers & Schmidhuber "
                    "2000; ONNX's P input)", _bool, "True or False"),
             Option("proj_size", 0, "h_t = W_hr (o_t ⊙ tanh(c_t)) has this size (torch's "
                    "proj_size; 0 = no projection)", _non_negative_int,
                    "a non-negative integer smaller than hidden_size")),
    parameters=_lstm_parameters, macs=_lstm_macs, forget_gate="f", chrono=("f", "i"),
    reference="rnnlab.reference.lstm:LSTM", torch="rnnlab.torch.factory:lstm_module",
    onnx="LSTM"))

register(Cell(
    name="gru", layer="GRU", title="gated recurrent unit",
    equations="r, z = σ(W_i· x + b_i· + W_h· h + b_h·), n = tanh(W_in x + b_in + r ⊙ (W_hn h + "
              "b_hn)) [reset_after=False: W_hn (r ⊙ h) + b_hn], h' = (1 − z) ⊙ n + z ⊙ h",
    source="Cho et al. 2014; torch.nn.GRU (reset after); Keras reset_after=False / ONNX "
           "linear_before_reset=0 (reset before)",
    gates=(Gate("r", "sigmoid"), Gate("z", "sigmoid"), Gate("n", "tanh")), state=("h",),
    options=(Option("reset_after", True, "apply the reset gate after the recurrent product "
                    "(torch, cuDNN) or, with False, to h before it (Cho et al. 2014 v1, Keras "
                    "reset_after=False, ONNX linear_before_reset=0)", _bool, "True or False"),),
    parameters=_torch_layout(3), macs=_torch_macs(3), chrono=("z", None),
    reference="rnnlab.reference.gru:GRU", torch="rnnlab.torch.factory:gru_module", onnx="GRU"))

register(Cell(
    name="indrnn", layer="IndRNN", title="independently recurrent neural network",
    equations="h_t = φ(W_ih x_t + b_ih + u ⊙ h_{t-1}),  φ = relu (default) or tanh",
    source="Li et al. 2018, arXiv:1803.04831",
    gates=(), state=("h",), options=(_option_nonlinearity("relu"),),
    parameters=_indrnn_parameters,
    macs=lambda spec, inputs: spec.hidden_size * (inputs + 1),
    reference="rnnlab.reference.indrnn:IndRNN", torch="rnnlab.torch.indrnn:IndRNN",
    hidden=lambda spec: "tanh" if spec.nonlinearity == "tanh" else "linear"))

register(Cell(
    name="minlstm", layer="MinLSTM", title="minimal LSTM",
    equations="f, i = σ(W_f x + b_f), σ(W_i x + b_i), h̃ = W_h x + b_h, "
              "h_t = f/(f + i) ⊙ h_{t-1} + i/(f + i) ⊙ h̃",
    source="Feng et al. 2024, arXiv:2410.01201",
    gates=(Gate("f", "sigmoid"), Gate("i", "sigmoid"), Gate("h_tilde", "linear")),
    state=("h",),
    options=(), parameters=_input_only(3),
    macs=lambda spec, inputs: 3 * spec.hidden_size * inputs,
    reference="rnnlab.reference.minlstm:MinLSTM", torch="rnnlab.torch.minlstm:MinLSTM",
    display="minLSTM"))

register(Cell(
    name="mingru", layer="MinGRU", title="minimal GRU",
    equations="z = σ(W_z x + b_z), h̃ = W_h x + b_h, h_t = (1 − z) ⊙ h_{t-1} + z ⊙ h̃",
    source="Feng et al. 2024, arXiv:2410.01201",
    gates=(Gate("z", "sigmoid"), Gate("h_tilde", "linear")), state=("h",),
    options=(), parameters=_input_only(2),
    macs=lambda spec, inputs: 2 * spec.hidden_size * inputs,
    reference="rnnlab.reference.mingru:MinGRU", torch="rnnlab.torch.mingru:MinGRU",
    display="minGRU"))

register(Variant("lstm-chrono", "lstm", {"init": "chrono"},
                 "LSTM with chrono initialisation for dependencies up to the task's length",
                 needs_max_dependency=True))
register(Variant("gru-chrono", "gru", {"init": "chrono"},
                 "GRU with chrono initialisation for dependencies up to the task's length",
                 needs_max_dependency=True))
