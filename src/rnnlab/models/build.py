"""``rnnlab.build``: the common shapes of recurrent network in one call."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from rnnlab import cells
from rnnlab import layers as L
from rnnlab.models.sequential import Sequential

TASKS = ("classify", "regress", "sequence")


def build(cell: str, *, input_size: int, hidden_size: int, output_size: int, task: str,
          num_layers: int = 1, bidirectional: bool = False, dropout: float = 0.0,
          normalization: str = "none", vocab_size: int | None = None, seed: int = 0,
          max_dependency: int | None = None, **options: Any) -> Sequential:
    """A ready-made layer list for the three everyday tasks.

    Args:
        cell: a registered cell (``"rnn"``, ``"lstm"``, ``"gru"``, ``"indrnn"``, ``"minlstm"``,
            ``"mingru"``) or variant (``"lstm-chrono"``, ``"gru-chrono"``); see
            :func:`rnnlab.cells.names`.
        input_size: features per step — or, with ``vocab_size``, the embedding dimension of
            token input.
        hidden_size: hidden units per recurrent layer.
        output_size: classes (``classify``, ``sequence``) or values (``regress``).
        task: ``"classify"`` (sequence → label), ``"regress"`` (sequence → value(s)) or
            ``"sequence"`` (a label at every step: tagging, language modelling).
        num_layers, bidirectional: of the recurrent stack.
        dropout: between stacked layers when ``num_layers > 1``, and after the stack.
        normalization: ``"zscore"`` or ``"none"`` for the input layer (feature input only).
        vocab_size: read token ids through ``Embedding(vocab_size, input_size)``.
        seed: initial weights.
        max_dependency: the longest dependency expected, in steps, for chrono initialisation:
            needed by the ``-chrono`` variants and ``init="chrono"``, and not used by a cell
            initialised otherwise (so a study can pass every cell its task's length).
        options: the cell's own options, as for its layer: ``reset_after=False``,
            ``peepholes=True``, ``proj_size=8``, ``nonlinearity="relu"``, ``init="chrono"``.

    The result is ``SequenceInput → recurrent layer → [Dropout] → Dense → [Softmax]``.

    Example:
        >>> model = build("gru", input_size=8, hidden_size=32, output_size=10, task="classify")
        >>> [layer.kind for layer in model.layers]
        ['SequenceInput', 'GRU', 'Dense', 'Softmax']
        >>> build("lstm-chrono", input_size=2, hidden_size=4, output_size=1, task="regress",
        ...       max_dependency=100).layers[1].chrono
        100
    """
    if not cells.is_registered(cell):
        raise ValueError(f"cell must be one of {', '.join(cells.names())}, got {cell!r}")
    if task not in TASKS:
        raise ValueError(f"task must be 'classify', 'regress' or 'sequence', got {task!r}")
    first = (L.Embedding(vocab_size, input_size) if vocab_size is not None
             else L.SequenceInput(input_size, normalization=normalization))
    output = "sequence" if task == "sequence" else "last"
    options = {**cells.layer_options(cell), **options}
    if options.get("init") == "chrono":
        options["max_dependency"] = max_dependency
    layer_class = L.RECURRENT_LAYERS[cells.cell(cell).layer]
    try:
        recurrent = layer_class(hidden_size, num_layers=num_layers, bidirectional=bidirectional,
                                dropout=dropout if num_layers > 1 else 0.0, output=output,
                                **options)
    except TypeError:
        known = [f.name for f in fields(layer_class)][len(fields(L.Recurrent)):]
        unknown = sorted(set(options) - set(known))
        raise ValueError(f"build({cell!r}): {', '.join(unknown)} is not an option of the "
                         f"{layer_class.kind} cell; its options are "
                         f"{', '.join(known) or 'none'}") from None
    layers: list[L.Layer] = [first, recurrent]
    if dropout > 0:
        layers.append(L.Dropout(dropout))
    layers.append(L.Dense(output_size))
    if task in ("classify", "sequence"):
        layers.append(L.Softmax())
    return Sequential(layers, seed=seed)
