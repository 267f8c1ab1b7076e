"""``Sequential``: one model description — a list of layers plus its weights — for both engines.

The description owns everything that makes a model *this* model: the layers, the seed, the
parameters (NumPy arrays named ``"{layer index}.{torch name}"``), the class labels learnt in
training and the input normalisation statistics. Engines are built from it on demand and write
trained weights back, so ``engine="reference"`` and ``engine="torch"`` start from identical
numbers (fair by construction) and a saved file loads on either.

Initialisation (:mod:`rnnlab.initializers`, drawn in float64 from the model's seed, one
independent stream per layer): recurrent input weights Glorot-uniform, recurrent weights
orthogonal, LSTM forget-gate bias 1; dense weights Glorot-uniform with zero bias; embeddings
``U(−0.05, 0.05)``; a recurrent layer with ``init="chrono"`` gets the chrono biases.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from rnnlab import layers as L
from rnnlab.initializers import glorot_uniform, initial_parameters
from rnnlab.inputs import Sequences, as_sequences
from rnnlab.models.data_info import DataInfoMixin
from rnnlab.models.inference import InferenceMixin
from rnnlab.models.streaming import StreamingMixin
from rnnlab.models.summary import format_summary


def check_structure(layers: Sequence[L.Layer]) -> None:
    """Raise ``ValueError`` naming the first layer that cannot stand where it stands."""
    if not layers:
        raise ValueError("Sequential needs a list of layers, got an empty list")
    for i, layer in enumerate(layers):
        if not isinstance(layer, L.Layer):
            raise ValueError(f"layer {i} is a {type(layer).__name__}, not an rnnlab layer; use "
                             f"rnnlab.layers.SequenceInput, LSTM, Dense, ...")
        if i > 0 and isinstance(layer, L.SequenceInput | L.Embedding):
            raise ValueError(f"layer {i} ({layer.kind}) must be the first layer: it says what "
                             f"the model reads")
    if not isinstance(layers[0], L.SequenceInput | L.Embedding):
        raise ValueError(f"the first layer must be SequenceInput(features) or Embedding(vocab, "
                         f"dim), got {layers[0].kind}")
    recurrent = [i for i, layer in enumerate(layers) if isinstance(layer, L.Recurrent)]
    if not recurrent:
        raise ValueError("the model needs at least one recurrent layer (RNN, LSTM or GRU)")
    for i in recurrent[:-1]:
        if layers[i].output == "last":
            raise ValueError(f"layer {i} ({layers[i].kind}) has output='last' but recurrent "
                             f"layer {recurrent[-1]} follows it; use output='sequence' for every "
                             f"recurrent layer but the last")
    last = layers[-1]
    if not isinstance(last, L.Dense | L.Softmax):
        raise ValueError(f"the last layer must be Dense (regression) or Softmax "
                         f"(classification), got {last.kind}")
    for i, layer in enumerate(layers):
        if isinstance(layer, L.Softmax) and i != len(layers) - 1:
            raise ValueError(f"Softmax (layer {i}) must be the last layer")
        if isinstance(layer, L.Softmax) and not isinstance(layers[i - 1], L.Dense):
            raise ValueError(f"Softmax (layer {i}) must follow a Dense layer with one unit per "
                             f"class")


class Sequential(InferenceMixin, StreamingMixin, DataInfoMixin):
    """A recurrent network described as a list of layers, runnable on either engine.

    Args:
        layers: ``SequenceInput`` (or ``Embedding``) first, one or more recurrent layers, then
            ``Dropout``/``Dense`` and, for a classifier, ``Softmax`` last. See
            :mod:`rnnlab.layers`.
        seed: seeds the initial weights (each layer its own stream); a non-negative integer.

    Attributes:
        params: ``{name: array}`` — the weights, updated by :func:`rnnlab.train`.
        classes: output unit → class label, learnt in the first training (classifiers).
        normalization: ``{"mean": (F,), "std": (F,)}`` for ``SequenceInput(normalization=
            "zscore")``, learnt in the first training.
        data_info: what the model remembers about its training data (tokenizer, scalers, class
            names…; see :mod:`rnnlab.models.data_info`), written into the model file by
            :meth:`save`; :meth:`remember_data` fills it from a dataset, and ``tokenizer``,
            ``scaler`` and ``target_scaler`` read it back as objects.
        engine, dtype, device: what :meth:`predict` runs on; :func:`rnnlab.train` sets them to
            its options, :meth:`to` changes them.

    Example:
        >>> import rnnlab
        >>> model = rnnlab.Sequential([
        ...     rnnlab.layers.SequenceInput(8),
        ...     rnnlab.layers.GRU(16),
        ...     rnnlab.layers.Dense(3),
        ...     rnnlab.layers.Softmax(),
        ... ], seed=0)
        >>> model.task, model.num_parameters()
        ('classify', 1299)
    """

    def __init__(self, layers: Sequence[L.Layer], *, seed: int = 0) -> None:
        layers = tuple(layers) if not isinstance(layers, L.Layer) else (layers,)
        check_structure(layers)
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        self.layers = layers
        self.seed = int(seed)
        self.input_shapes: list[tuple] = []
        shape: tuple = ("time",) if isinstance(layers[0], L.Embedding) else ("time",
                                                                            layers[0].features)
        for layer in layers:
            self.input_shapes.append(shape)
            shape = layer.output_shape(shape)
        self.output_shape = shape
        self.params = self.initial_parameters()
        self.classes: list | None = None
        self.target_ndim: int | None = None
        self.normalization: dict[str, np.ndarray] | None = None
        self.data_info: dict[str, Any] | None = None
        self.engine, self.dtype, self.device = "torch", "float32", "auto"
        self._version = 0
        self._runner: Any = None
        self._runner_key: tuple | None = None
        self._stream: Any = None

    # ------------------------------------------------------------------ what the model is
    @property
    def tokens(self) -> bool:
        """True when the model reads integer token ids (it starts with an ``Embedding``)."""
        return isinstance(self.layers[0], L.Embedding)

    @property
    def features(self) -> int | None:
        """Features per input step, or ``None`` for token input."""
        return None if self.tokens else self.layers[0].features

    @property
    def vocab_size(self) -> int | None:
        return self.layers[0].vocab_size if self.tokens else None

    @property
    def is_classifier(self) -> bool:
        return isinstance(self.layers[-1], L.Softmax)

    @property
    def output_mode(self) -> str:
        """``"last"`` (one output per sequence) or ``"sequence"`` (one per step)."""
        return "sequence" if len(self.output_shape) == 2 else "last"

    @property
    def task(self) -> str:
        """``"classify"``, ``"regress"`` (one output per sequence) or ``"sequence"`` (a label or
        value at every step)."""
        if self.output_mode == "sequence":
            return "sequence"
        return "classify" if self.is_classifier else "regress"

    @property
    def output_units(self) -> int:
        return int(self.output_shape[-1])

    @property
    def recurrent_layers(self) -> list[L.Recurrent]:
        return [layer for layer in self.layers if isinstance(layer, L.Recurrent)]

    @property
    def has_dropout(self) -> bool:
        return any((isinstance(layer, L.Dropout) and layer.p > 0) or
                   (isinstance(layer, L.Recurrent) and layer.dropout > 0) for layer in self.layers)

    def num_parameters(self) -> int:
        return int(sum(v.size for v in self.params.values()))

    def summary(self) -> None:
        """Print each layer, its output shape and parameter count, and the totals.

        Example:
            >>> import rnnlab
            >>> rnnlab.build("lstm", input_size=8, hidden_size=16, output_size=3,
            ...              task="classify").summary()   # doctest: +ELLIPSIS
            #  Layer             Output shape      Gates  Params
            ...
            1  LSTM(16)          (batch, 16)           4   1,664
            ...
        """
        print(format_summary(self))

    def __repr__(self) -> str:
        inner = ",\n".join(f"    {layer!r}" for layer in self.layers)
        return f"Sequential([\n{inner},\n], seed={self.seed})"

    # ------------------------------------------------------------------ weights
    def initial_parameters(self) -> dict[str, np.ndarray]:
        """Fresh float64 weights from the model's seed (the same numbers on every call)."""
        params: dict[str, np.ndarray] = {}
        for index, (layer, shape) in enumerate(zip(self.layers, self.input_shapes, strict=True)):
            layer_seed = int(np.random.SeedSequence([self.seed, index]).generate_state(1)[0])
            rng = np.random.default_rng(layer_seed)
            own: dict[str, np.ndarray] = {}
            if isinstance(layer, L.Recurrent):
                own = initial_parameters(layer.spec(shape[-1]), layer_seed, chrono=layer.chrono,
                                         dtype=np.float64)
            elif isinstance(layer, L.Embedding):
                own = {"weight": rng.uniform(-0.05, 0.05, (layer.vocab_size, layer.dim))}
            elif isinstance(layer, L.Dense):
                own = {"weight": glorot_uniform(rng, layer.units, shape[-1]),
                       "bias": np.zeros(layer.units)}
            params.update({f"{index}.{name}": value for name, value in own.items()})
        return params

    def get_weights(self) -> dict[str, np.ndarray]:
        """Copies of every parameter, by name."""
        return {k: v.copy() for k, v in self.params.items()}

    def set_weights(self, weights: dict[str, Any]) -> None:
        """Replace every parameter; names and shapes must match exactly.

        Example:
            >>> import rnnlab
            >>> model = rnnlab.build("rnn", input_size=1, hidden_size=2, output_size=1,
            ...                      task="regress")
            >>> model.set_weights(model.get_weights())
        """
        missing = sorted(set(self.params) - set(weights))
        extra = sorted(set(weights) - set(self.params))
        if missing or extra:
            raise ValueError(f"weights do not fit this model: missing {missing}, "
                             f"unexpected {extra}")
        new = {}
        for name, current in self.params.items():
            value = np.asarray(weights[name])
            if value.shape != current.shape:
                raise ValueError(f"weight {name!r} has shape {value.shape}, but this model needs "
                                 f"{current.shape}")
            if value.dtype.kind != "f" or not np.all(np.isfinite(value)):
                raise ValueError(f"weight {name!r} must hold finite floating-point numbers")
            new[name] = value.copy()
        self.params = new
        self._version += 1

    # ------------------------------------------------------------------ engines
    def to(self, engine: str | None = None, *, dtype: str | None = None,
           device: str | None = None) -> Sequential:
        """Choose what :meth:`predict` and streaming run on; returns the model.

        Example:
            >>> import rnnlab
            >>> model = rnnlab.build("gru", input_size=1, hidden_size=2, output_size=1,
            ...                      task="regress").to("reference", dtype="float64")
            >>> model.engine, model.dtype
            ('reference', 'float64')
        """
        from rnnlab.engines import check_engine

        engine, dtype = engine or self.engine, dtype or self.dtype
        device = device or ("cpu" if engine == "reference" else self.device)
        check_engine(engine, dtype, device)
        self.engine, self.dtype, self.device = engine, dtype, device
        return self

    def runner(self) -> Any:
        """The engine that inference uses, rebuilt only when weights or settings change."""
        from rnnlab.engines import create_engine

        key = (self.engine, self.dtype, self.device, self._version)
        if self._runner is None or self._runner_key != key:
            self._runner = create_engine(self, self.engine, self.dtype, self.device)
            self._runner_key = key
            self._stream = None
        return self._runner

    # ------------------------------------------------------------------ inputs
    def prepare(self, X: Any, name: str = "X") -> Sequences:
        """Check ``X`` against the model, pad it and apply the input normalisation."""
        sequences = as_sequences(X, tokens=self.tokens, features=self.features,
                                 vocab_size=self.vocab_size, name=name)
        return self.normalize(sequences)

    def normalize(self, sequences: Sequences) -> Sequences:
        if self.normalization is None:
            return sequences
        values = (sequences.values - self.normalization["mean"]) / self.normalization["std"]
        valid = np.arange(values.shape[1])[None, :] < sequences.lengths[:, None]
        values[~valid] = 0.0   # keep padding at zero, as the raw data had it
        return Sequences(values, sequences.lengths, sequences.ragged)

    def fit_normalization(self, sequences: Sequences) -> None:
        """Learn z-score statistics from valid steps (once; later trainings keep them)."""
        first = self.layers[0]
        if self.normalization is not None or not isinstance(first, L.SequenceInput):
            return
        if first.normalization != "zscore":
            return
        valid = np.arange(sequences.values.shape[1])[None, :] < sequences.lengths[:, None]
        steps = sequences.values[valid]                      # (valid steps, F)
        std = steps.std(axis=0)
        # A constant feature gets scale 1 rather than a division by zero.
        self.normalization = {"mean": steps.mean(axis=0), "std": np.where(std > 0, std, 1.0)}
        self._version += 1

    # ------------------------------------------------------------------ files
    def save(self, path: str) -> None:
        """Write the model to one ``.safetensors`` file (weights + JSON config, including
        :attr:`data_info`: a text model's file carries its tokenizer); see :func:`rnnlab.load`."""
        from rnnlab.serialization import save_model

        save_model(self, path)

    def load_weights(self, path: str) -> None:
        """Load weights saved from a model with the same layers (anything else is refused)."""
        from rnnlab.serialization import load_weights

        load_weights(self, path)

    def config(self) -> dict[str, Any]:
        """Everything but the weights, JSON-ready."""
        norm = None if self.normalization is None else {
            k: v.tolist() for k, v in self.normalization.items()}
        return {"layers": [layer.to_config() for layer in self.layers], "seed": self.seed,
                "classes": self.classes, "target_ndim": self.target_ndim,
                "normalization": norm, "engine": self.engine, "dtype": self.dtype,
                "data": self.data_info}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        model = cls([L.layer_from_config(c) for c in config["layers"]], seed=config["seed"])
        model.classes = config.get("classes")
        model.target_ndim = config.get("target_ndim")
        norm = config.get("normalization")
        if norm is not None:
            model.normalization = {k: np.asarray(v, dtype=np.float64) for k, v in norm.items()}
        data = config.get("data")
        if data is not None and not isinstance(data, dict):
            raise ValueError(f"the model's data description must be a JSON object, got "
                             f"{type(data).__name__}")
        model.data_info = data
        model.engine = config.get("engine", "torch")
        model.dtype = config.get("dtype", "float32")
        return model
