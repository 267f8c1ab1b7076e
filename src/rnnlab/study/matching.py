"""Hidden sizes that make the cells of a comparison fair: same parameter count, or same width.

Total parameters of a one-direction stack of ``L`` layers with ``g`` gate blocks (RNN 1, GRU 3,
LSTM 4), input size ``I``, hidden size ``H`` and a dense head to ``O`` outputs::

    P(H) = g·(H·I + H·H + 2H)  +  (L − 1)·g·(H·H + H·H + 2H)  +  (H·O + O)

so at equal ``H`` an RNN : GRU : LSTM has roughly 1 : 3 : 4 times the recurrent parameters. Every
other registered cell (:mod:`rnnlab.cells`) counts its own parameters the same way, from its
spec: minGRU ``2H·(I + 1)`` per layer, minLSTM ``3H·(I + 1)``, IndRNN ``H·(I + 2)``, a
projected LSTM's head reads ``P`` features. With ``match="params"`` the cell with the most
parameters at ``hidden_size`` (the LSTM among the textbook three) keeps ``hidden_size`` and every
other cell gets the ``H`` whose ``P(H)`` is closest to that budget (ties go to the smaller
``H``). Variant names (``"lstm-chrono"``) count as their cell.
"""

from __future__ import annotations

from rnnlab import cells
from rnnlab.recurrent_spec import RecurrentSpec


def num_parameters(cell: str, input_size: int, hidden_size: int, output_size: int,
                   num_layers: int = 1) -> int:
    """Parameters of the recurrent stack plus a dense head ``H → output_size``.

    Example:
        >>> num_parameters("lstm", 2, 16, 1)  # 4·(16·2 + 16·16 + 32) + 17
        1297
    """
    spec = RecurrentSpec(cells.cell(cell).name, input_size, hidden_size, num_layers)
    return spec.num_parameters() + spec.state_size * output_size + output_size


def matched_hidden_sizes(names: tuple[str, ...], input_size: int, output_size: int,
                         hidden_size: int, num_layers: int = 1,
                         match: str = "params") -> dict[str, int]:
    """Hidden size per cell for a fair comparison (see the module docstring).

    Example:
        >>> matched_hidden_sizes(("rnn", "lstm", "gru"), 2, 1, 16)
        {'rnn': 34, 'lstm': 16, 'gru': 19}
        >>> matched_hidden_sizes(("rnn", "gru"), 2, 1, 16, match="hidden")
        {'rnn': 16, 'gru': 16}
        >>> matched_hidden_sizes(("lstm", "minlstm", "indrnn"), 2, 1, 16)
        {'lstm': 16, 'minlstm': 130, 'indrnn': 259}
    """
    if match == "hidden":
        return {cell: hidden_size for cell in names}
    anchor = max(names, key=lambda cell: num_parameters(cell, input_size, hidden_size,
                                                        output_size, num_layers))
    budget = num_parameters(anchor, input_size, hidden_size, output_size, num_layers)
    sizes = {}
    for cell in names:
        if cell == anchor:
            sizes[cell] = hidden_size
            continue
        # P(H) grows monotonically in H, so walk up until it passes the budget.
        best, best_gap, size = 1, None, 1
        while True:
            gap = abs(num_parameters(cell, input_size, size, output_size, num_layers) - budget)
            if best_gap is None or gap < best_gap:
                best, best_gap = size, gap
            if num_parameters(cell, input_size, size, output_size, num_layers) > budget:
                break
            size += 1
        sizes[cell] = best
    return sizes
