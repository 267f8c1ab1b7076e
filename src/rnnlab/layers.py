"""The layers a :class:`rnnlab.Sequential` model is described with — descriptions, not code.

A layer here only says *what* it is (sizes and options); the engines (:mod:`rnnlab.engines`) turn
the list into NumPy or torch computations. This is how MATLAB's layer arrays and Keras'
``Sequential`` read::

    model = rnnlab.Sequential([
        rnnlab.layers.SequenceInput(8, normalization="zscore"),   # (batch, time, 8)
        rnnlab.layers.LSTM(64, output="last"),                    # (batch, 64)
        rnnlab.layers.Dropout(0.2),
        rnnlab.layers.Dense(10),                                  # (batch, 10)
        rnnlab.layers.Softmax(),                                  # class probabilities
    ])

There is one recurrent layer class per cell registered in :mod:`rnnlab.cells` — :class:`RNN`,
:class:`LSTM`, :class:`GRU`, :class:`IndRNN`, :class:`MinLSTM`, :class:`MinGRU` — made from the
registration (its options become the layer's fields, its title and equations the docstring)::

    >>> LSTM(32).num_parameters(("time", 8))   # 4 · 32 · (8 + 32 + 2)
    5376
    >>> GRU(16, reset_after=False).options
    {'reset_after': False}
    >>> LSTM(8, init="chrono", max_dependency=100).chrono
    100

Shapes flow batch first. A recurrent layer with ``output="sequence"`` keeps the time axis
``(batch, time, D*H)``; with ``output="last"`` it returns the final hidden state of its last layer
``(batch, D*H)`` (both directions concatenated when bidirectional, each having read the whole
sequence). ``Dense`` acts on the last axis, so after a sequence output it maps every step.
"""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass, field, fields, make_dataclass
from typing import Any, ClassVar

from rnnlab import cells
from rnnlab.recurrent_spec import RecurrentSpec

NORMALIZATIONS = ("none", "zscore")
OUTPUTS = ("last", "sequence")


def _positive_int(owner: str, name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{owner}: {name} must be a positive integer, got {value!r}")


def _choice(owner: str, name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{owner}: {name} must be one of {', '.join(map(repr, choices))}, "
                         f"got {value!r}")


def _probability(owner: str, name: str, value: object) -> None:
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not 0.0 <= float(value) < 1.0):
        raise ValueError(f"{owner}: {name} must be a probability in [0, 1), got {value!r}")


@dataclass(frozen=True)
class Layer:
    """Base class: every layer is a frozen dataclass that serialises to a small dict."""

    kind: ClassVar[str] = ""

    def to_config(self) -> dict[str, Any]:
        """``{"type": "LSTM", "hidden_size": 64, ...}`` — JSON-ready."""
        return {"type": self.kind, **asdict(self)}

    def output_shape(self, shape: tuple) -> tuple:
        """Shape after this layer, without the batch axis: ``("time", F)`` or ``(F,)``."""
        return shape

    def num_parameters(self, shape: tuple) -> int:
        """Trainable parameters when the layer receives ``shape`` (no batch axis)."""
        return 0

    def describe(self) -> str:
        """Short text for :meth:`rnnlab.Sequential.summary`."""
        values = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{self.kind}({values})"


@dataclass(frozen=True)
class SequenceInput(Layer):
    """The input: sequences of ``features`` numbers per step, ``(batch, time, features)``.

    Args:
        features: numbers per time step.
        normalization: ``"zscore"`` rescales every feature to ``(x − μ) / σ`` with ``μ`` and
            ``σ`` computed over every valid step of the training data when training starts
            (MATLAB's ``Normalization="zscore"``); the statistics are saved with the model.
            ``"none"`` (default) feeds the data as given.

    Example:
        >>> SequenceInput(8, normalization="zscore").output_shape(("time", 8))
        ('time', 8)
    """

    features: int
    normalization: str = "none"
    kind: ClassVar[str] = "SequenceInput"

    def __post_init__(self) -> None:
        _positive_int("SequenceInput", "features", self.features)
        _choice("SequenceInput", "normalization", self.normalization, NORMALIZATIONS)


@dataclass(frozen=True)
class Embedding(Layer):
    """Token ids ``(batch, time)`` → vectors ``(batch, time, dim)``: row ``id`` of a
    ``(vocab_size, dim)`` table. Used as the first layer of a model that reads text.

    Example:
        >>> Embedding(100, 16).num_parameters(("time",))
        1600
    """

    vocab_size: int
    dim: int
    kind: ClassVar[str] = "Embedding"

    def __post_init__(self) -> None:
        _positive_int("Embedding", "vocab_size", self.vocab_size)
        _positive_int("Embedding", "dim", self.dim)

    def output_shape(self, shape: tuple) -> tuple:
        return ("time", self.dim)

    def num_parameters(self, shape: tuple) -> int:
        return self.vocab_size * self.dim


@dataclass(frozen=True)
class Recurrent(Layer):
    """Base of the recurrent layers (one stack of ``num_layers``), one class per registered cell
    of :mod:`rnnlab.cells`: :class:`RNN`, :class:`LSTM`, :class:`GRU`, :class:`IndRNN`,
    :class:`MinLSTM`, :class:`MinGRU`.

    Args:
        hidden_size: features of the hidden state ``H``.
        num_layers: recurrent layers stacked inside this one (``torch.nn``'s ``num_layers``).
        bidirectional: add a layer reading backwards; outputs concatenate both (``D = 2``).
        dropout: dropout between the stacked layers while training (``torch.nn``'s meaning);
            needs ``num_layers > 1`` — for dropout after the stack add a :class:`Dropout`.
        output: ``"last"`` (default) → ``(batch, D*S)``, the final state; ``"sequence"`` →
            ``(batch, time, D*S)``, the output at every step (``S`` = ``proj_size`` for a
            projected LSTM, else ``H``).

    Then the cell's own options (see each class), and for the LSTM and GRU the initialisation:
    ``init="default"`` or ``"chrono"`` with ``max_dependency`` the longest dependency expected,
    in steps (Tallec & Ollivier 2018; see :mod:`rnnlab.initializers`).
    """

    hidden_size: int
    num_layers: int = 1
    bidirectional: bool = False
    dropout: float = 0.0
    output: str = "last"
    cell_name: ClassVar[str] = ""

    def __post_init__(self) -> None:
        _positive_int(self.kind, "hidden_size", self.hidden_size)
        _positive_int(self.kind, "num_layers", self.num_layers)
        if not isinstance(self.bidirectional, bool):
            raise ValueError(f"{self.kind}: bidirectional must be True or False, "
                             f"got {self.bidirectional!r}")
        _probability(self.kind, "dropout", self.dropout)
        if self.dropout > 0 and self.num_layers == 1:
            raise ValueError(f"{self.kind}: dropout={self.dropout} acts between stacked layers "
                             f"and needs num_layers > 1; add rnnlab.layers.Dropout"
                             f"({self.dropout}) after the layer instead")
        _choice(self.kind, "output", self.output, OUTPUTS)
        for option in cells.cell(self.cell).options:
            if not option.check(getattr(self, option.name)):
                raise ValueError(f"{self.kind}: {option.name} must be {option.expected}, got "
                                 f"{getattr(self, option.name)!r}")
        if getattr(self, "proj_size", 0) and self.proj_size >= self.hidden_size:
            raise ValueError(f"{self.kind}: proj_size must be smaller than hidden_size "
                             f"({self.hidden_size}), got {self.proj_size}")
        if cells.cell(self.cell).chrono is not None:
            _choice(self.kind, "init", self.init, cells.INITS)
            if self.init == "chrono":
                if (isinstance(self.max_dependency, bool)
                        or not isinstance(self.max_dependency, numbers.Integral)
                        or self.max_dependency < 3):
                    raise ValueError(f"{self.kind}: init='chrono' needs max_dependency, the "
                                     f"longest dependency expected in steps (an integer >= 3), "
                                     f"got {self.max_dependency!r}")
            elif self.max_dependency is not None:
                raise ValueError(f"{self.kind}: max_dependency={self.max_dependency} is the "
                                 f"chrono initialisation's parameter; add init='chrono' or "
                                 f"leave it out")

    @property
    def cell(self) -> str:
        return self.cell_name

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def options(self) -> dict[str, Any]:
        """The cell's options (what :class:`~rnnlab.recurrent_spec.RecurrentSpec` takes)."""
        return {o.name: getattr(self, o.name) for o in cells.cell(self.cell).options}

    @property
    def chrono(self) -> int | None:
        """The chrono initialisation's ``T_max``, or None."""
        return self.max_dependency if getattr(self, "init", "default") == "chrono" else None

    def spec(self, input_size: int) -> RecurrentSpec:
        """The stack this layer describes when it reads ``input_size`` features."""
        return RecurrentSpec(self.cell, input_size, self.hidden_size, self.num_layers,
                             self.bidirectional, **self.options)

    def output_shape(self, shape: tuple) -> tuple:
        width = self.directions * (getattr(self, "proj_size", 0) or self.hidden_size)
        return ("time", width) if self.output == "sequence" else (width,)

    def num_parameters(self, shape: tuple) -> int:
        return self.spec(shape[-1]).num_parameters()


def _recurrent_layer(entry: cells.Cell) -> type[Recurrent]:
    """The layer class of a registered cell: :class:`Recurrent`'s fields, then the cell's
    options, then (LSTM, GRU) ``init`` and ``max_dependency``."""
    extra: list[tuple[str, Any, Any]] = [(o.name, type(o.default), field(default=o.default))
                                         for o in entry.options]
    if entry.chrono is not None:
        extra += [("init", str, field(default="default")),
                  ("max_dependency", int | None, field(default=None))]
    options = "".join(f"\n        {o.name}: {o.doc} (default {o.default!r})."
                      for o in entry.options)
    doc = (f"{entry.title[0].upper()}{entry.title[1:]} ({entry.source}).\n\n"
           f"    ``{entry.equations}``\n\n"
           f"    Arguments as for :class:`Recurrent`"
           + (f"; and\n{options}" if options else ".")
           + f"\n\n    See :mod:`rnnlab.reference.{entry.name}` for the equations of the step "
           f"and its backward pass.\n    ")
    return make_dataclass(entry.layer, extra, bases=(Recurrent,), frozen=True,
                          namespace={"kind": entry.layer, "cell_name": entry.name,
                                     "__doc__": doc, "__module__": __name__})


#: One layer class per registered cell, by class name (``"MinGRU"``).
RECURRENT_LAYERS: dict[str, type[Recurrent]] = {
    entry.layer: _recurrent_layer(entry) for entry in map(cells.cell, cells.names(variants=False))}
globals().update(RECURRENT_LAYERS)


@dataclass(frozen=True)
class Dropout(Layer):
    """While training, zero each value with probability ``p`` and scale the rest by
    ``1/(1 − p)`` (inverted dropout); the identity when predicting.

    Example:
        >>> Dropout(0.5).output_shape((10,))
        (10,)
    """

    p: float = 0.5
    kind: ClassVar[str] = "Dropout"

    def __post_init__(self) -> None:
        _probability("Dropout", "p", self.p)


@dataclass(frozen=True)
class Dense(Layer):
    """Fully connected ``y = x Wᵀ + b`` on the last axis: ``W`` ``(units, in)``, ``b`` ``(units,)``.

    Example:
        >>> Dense(10).num_parameters((64,))
        650
    """

    units: int
    kind: ClassVar[str] = "Dense"

    def __post_init__(self) -> None:
        _positive_int("Dense", "units", self.units)

    def output_shape(self, shape: tuple) -> tuple:
        return (*shape[:-1], self.units)

    def num_parameters(self, shape: tuple) -> int:
        return self.units * (shape[-1] + 1)


@dataclass(frozen=True)
class Softmax(Layer):
    """Class probabilities ``softmax(z)_k = e^{z_k} / Σ_j e^{z_j}`` over the last axis.

    Ending a model with ``Softmax`` makes it a classifier trained with cross-entropy; a model
    ending with ``Dense`` is a regressor trained with mean squared error.

    Example:
        >>> Softmax().output_shape((10,))
        (10,)
    """

    kind: ClassVar[str] = "Softmax"


LAYER_TYPES: dict[str, type[Layer]] = {
    cls.kind: cls for cls in (SequenceInput, Embedding, *RECURRENT_LAYERS.values(), Dropout,
                              Dense, Softmax)
}


def layer_from_config(config: dict[str, Any]) -> Layer:
    """Rebuild a layer from :meth:`Layer.to_config` output.

    Example:
        >>> layer_from_config({"type": "Dense", "units": 3})
        Dense(units=3)
    """
    if not isinstance(config, dict) or config.get("type") not in LAYER_TYPES:
        kind = config.get("type") if isinstance(config, dict) else config
        raise ValueError(f"unknown layer type {kind!r}; expected one of {sorted(LAYER_TYPES)}")
    cls = LAYER_TYPES[config["type"]]
    arguments = {k: v for k, v in config.items() if k != "type"}
    try:
        return cls(**arguments)
    except TypeError as error:
        raise ValueError(f"layer {config['type']} has bad settings {arguments}: {error}") from None


__all__ = ["Dense", "Dropout", "Embedding", "Layer", "Recurrent", "SequenceInput", "Softmax",
           "layer_from_config", *RECURRENT_LAYERS]
