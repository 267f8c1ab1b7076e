"""``rnnlab.build``: the common shapes of recurrent network in one call."""

from __future__ import annotations

from rnnlab import layers as L
from rnnlab.models.sequential import Sequential

TASKS = ("classify", "regress", "sequence")
CELLS = {"rnn": L.RNN, "lstm": L.LSTM, "gru": L.GRU}


def build(cell: str, *, input_size: int, hidden_size: int, output_size: int, task: str,
          num_layers: int = 1, bidirectional: bool = False, dropout: float = 0.0,
          normalization: str = "none", vocab_size: int | None = None, seed: int = 0,
          ) -> Sequential:
    """A ready-made layer list for the three everyday tasks.

    Args:
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.
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

    The result is ``SequenceInput → RNN/LSTM/GRU → [Dropout] → Dense → [Softmax]``.

    Example:
        >>> model = build("gru", input_size=8, hidden_size=32, output_size=10, task="classify")
        >>> [layer.kind for layer in model.layers]
        ['SequenceInput', 'GRU', 'Dense', 'Softmax']
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")
    if task not in TASKS:
        raise ValueError(f"task must be 'classify', 'regress' or 'sequence', got {task!r}")
    first = (L.Embedding(vocab_size, input_size) if vocab_size is not None
             else L.SequenceInput(input_size, normalization=normalization))
    output = "sequence" if task == "sequence" else "last"
    layers: list[L.Layer] = [
        first,
        CELLS[cell](hidden_size, num_layers=num_layers, bidirectional=bidirectional,
                    dropout=dropout if num_layers > 1 else 0.0, output=output),
    ]
    if dropout > 0:
        layers.append(L.Dropout(dropout))
    layers.append(L.Dense(output_size))
    if task in ("classify", "sequence"):
        layers.append(L.Softmax())
    return Sequential(layers, seed=seed)
