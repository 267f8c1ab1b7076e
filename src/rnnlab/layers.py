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

Shapes flow batch first. A recurrent layer with ``output="sequence"`` keeps the time axis
``(batch, time, D*H)``; with ``output="last"`` it returns the final hidden state of its last layer
``(batch, D*H)`` (both directions concatenated when bidirectional, each having read the whole
sequence). ``Dense`` acts on the last axis, so after a sequence output it maps every step.
"""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

from rnnlab.recurrent_spec import GATES, NONLINEARITIES

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
    """Base of :class:`RNN`, :class:`LSTM` and :class:`GRU` (one stack of ``num_layers``).

    Args:
        hidden_size: features of the hidden state ``H``.
        num_layers: recurrent layers stacked inside this one (``torch.nn``'s ``num_layers``).
        bidirectional: add a layer reading backwards; outputs concatenate both (``D = 2``).
        dropout: dropout between the stacked layers while training (``torch.nn``'s meaning);
            needs ``num_layers > 1`` — for dropout after the stack add a :class:`Dropout`.
        output: ``"last"`` (default) → ``(batch, D*H)``, the final state; ``"sequence"`` →
            ``(batch, time, D*H)``, the output at every step.
    """

    hidden_size: int
    num_layers: int = 1
    bidirectional: bool = False
    dropout: float = 0.0
    output: str = "last"

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

    @property
    def cell(self) -> str:
        return self.kind.lower()

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    def output_shape(self, shape: tuple) -> tuple:
        width = self.directions * self.hidden_size
        return ("time", width) if self.output == "sequence" else (width,)

    def num_parameters(self, shape: tuple) -> int:
        gates, hidden, d = GATES[self.cell], self.hidden_size, self.directions
        total = 0
        for layer in range(self.num_layers):
            inputs = shape[-1] if layer == 0 else d * hidden
            total += d * gates * hidden * (inputs + hidden + 2)
        return total


@dataclass(frozen=True)
class RNN(Recurrent):
    """Vanilla (Elman) RNN: ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)``.

    Example:
        >>> RNN(8, output="sequence").output_shape(("time", 3))
        ('time', 8)
    """

    nonlinearity: str = "tanh"
    kind: ClassVar[str] = "RNN"

    def __post_init__(self) -> None:
        super().__post_init__()
        _choice("RNN", "nonlinearity", self.nonlinearity, NONLINEARITIES)


@dataclass(frozen=True)
class LSTM(Recurrent):
    """Long short-term memory (gates i, f, g, o; see :mod:`rnnlab.reference.lstm`).

    Example:
        >>> LSTM(32).num_parameters(("time", 8))   # 4 · 32 · (8 + 32 + 2)
        5376
    """

    kind: ClassVar[str] = "LSTM"


@dataclass(frozen=True)
class GRU(Recurrent):
    """Gated recurrent unit (gates r, z, n; see :mod:`rnnlab.reference.gru`).

    Example:
        >>> GRU(32).num_parameters(("time", 8))    # 3 · 32 · (8 + 32 + 2)
        4032
    """

    kind: ClassVar[str] = "GRU"


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
    cls.kind: cls for cls in (SequenceInput, Embedding, RNN, LSTM, GRU, Dropout, Dense, Softmax)
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


__all__ = ["GRU", "LSTM", "RNN", "Dense", "Dropout", "Embedding", "Layer", "Recurrent",
           "SequenceInput", "Softmax", "layer_from_config"]
