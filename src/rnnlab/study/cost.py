"""What a cell costs, from its description alone: multiply–adds, parameters, activation memory.

These *intrinsic* costs depend on the cell and its sizes, never on the kernels of an engine, so
they are what cost claims and the recommendation's "cheapest" read. Measured time (seconds per
epoch, inference latency) depends on the kernel an engine happens to have for each cell — on
the torch engine's CPU path the LSTM reaches oneDNN's fused kernel while the GRU and the RNN run
rnnlab's numba scans, and on a GPU all three run cuDNN — so the report prints it with the
engine and kernel named (:func:`kernel_name`), and no verdict reads it.

Per layer ``k`` of a one-direction stack, with input width ``I_k`` (``I_0`` = the input size,
deeper layers ``H``)::

    multiply–adds per step     M_k = W(I_k, H) + e·H           (weights, then gate products)
    floats kept for backward   A_k = I_k + s·H   per sequence and step

``W(I, H)`` is every product of an input or a state with a weight in one step — the registry's
:func:`rnnlab.cells.macs_per_step`, the one place each cell's weight count is written (RNN
``H·(I + H)``, GRU ``3H·(I + H)``, LSTM ``4H·(I + H)``, IndRNN ``H·(I + 1)``, minGRU ``2H·I``,
minLSTM ``3H·I``). ``e`` and ``s`` are one row per cell in :data:`CELL_COSTS` below. A dense
head ``H → O`` adds ``H·O`` multiply–adds once per sequence (or once per step for a per-step
task). A sequence of ``T`` steps costs ``T·Σ_k M_k + head`` multiply–adds forward; a training
step costs :data:`TRAINING_FACTOR` times that per sequence (backward does one product for the
inputs' gradient and one for the weights' for every product of the forward pass). The
activation memory of a training step with batch ``B`` is ``B·T·Σ_k A_k`` floats of the study's
dtype: what back-propagation through time must keep, as rnnlab's reference engine keeps it.
Weights, gradients and optimiser state come on top (``P`` floats each).

=======  ===  ===  ================================================================
cell     e    s    why
=======  ===  ===  ================================================================
rnn      0    1    ``h = tanh(W_ih x + W_hh h + b)``; keeps ``h`` (tanh' = 1 − h²)
gru      3    5    ``r ⊙ (W_hn h + b_hn)``, ``(1 − z) ⊙ n``, ``z ⊙ h``; keeps r, z, n,
                   ``W_hn h + b_hn`` and ``h``
lstm     3    7    ``f ⊙ c``, ``i ⊙ g``, ``o ⊙ tanh c``; keeps i, f, g, o, c, tanh c, h
indrnn   0    1    ``u ⊙ h`` is a weight (counted in ``W``); keeps ``h``
minlstm  2    4    ``f' ⊙ h``, ``i' ⊙ h̃`` (f', i' normalised); keeps f, i, h̃, h
mingru   2    3    ``(1 − z) ⊙ h``, ``z ⊙ h̃``; keeps z, h̃, h
=======  ===  ===  ================================================================

A variant (``lstm-chrono``) costs what its cell costs: only its initialisation differs. A cell
is *gated* when its registration has gates (the LSTM, GRU, minLSTM and minGRU; not the RNN or
IndRNN); claims about "the gated cells" read this.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnnlab import cells as registry

#: Multiply–adds of a training step per sequence, relative to the forward pass.
TRAINING_FACTOR = 3
#: Bytes per float of each study dtype.
DTYPE_BYTES = {"float32": 4, "float64": 8}


@dataclass(frozen=True)
class CellCost:
    """One cell's row of the cost formulas (see the module docstring).

    Attributes:
        products: ``e``, elementwise products per hidden unit and step.
        stored: ``s``, floats per hidden unit and step kept for the backward pass.
    """

    products: int
    stored: int


CELL_COSTS = {
    "rnn": CellCost(products=0, stored=1),
    "gru": CellCost(products=3, stored=5),
    "lstm": CellCost(products=3, stored=7),
    "indrnn": CellCost(products=0, stored=1),
    "minlstm": CellCost(products=2, stored=4),
    "mingru": CellCost(products=2, stored=3),
}


def _row(cell: str) -> CellCost:
    """The cost row of ``cell`` (a variant reads its cell's row)."""
    return CELL_COSTS[registry.cell(cell).name]


def is_gated(cell: str) -> bool:
    """Whether ``cell`` (or the cell of a variant) has gates.

    Example:
        >>> is_gated("lstm-chrono"), is_gated("mingru"), is_gated("indrnn")
        (True, True, False)
    """
    return bool(registry.cell(cell).gates)


def gated_cells(cells) -> list[str]:
    """The gated cells among ``cells``, in their order.

    Example:
        >>> gated_cells(["rnn", "lstm", "gru"])
        ['lstm', 'gru']
    """
    return [cell for cell in cells if is_gated(cell)]


def macs_per_step(cell: str, input_size: int, hidden_size: int, num_layers: int = 1) -> int:
    """``Σ_k M_k``: multiply–adds of the recurrent stack for one step of one sequence.

    Example:
        >>> macs_per_step("lstm", 2, 16)   # 4·16·(2 + 16) + 3·16
        1200
    """
    name, row = registry.cell(cell).name, _row(cell)
    total = 0
    for layer in range(num_layers):
        width = input_size if layer == 0 else hidden_size
        total += registry.macs_per_step(name, width, hidden_size) + row.products * hidden_size
    return total


def macs_per_sequence(cell: str, input_size: int, hidden_size: int, output_size: int,
                      steps: int, num_layers: int = 1, head_per_step: bool = False) -> int:
    """Forward multiply–adds for one sequence of ``steps`` steps, head included.

    Example:
        >>> macs_per_sequence("lstm", 2, 16, 1, steps=10)   # 10·1200 + 16
        12016
    """
    head = hidden_size * output_size * (steps if head_per_step else 1)
    return steps * macs_per_step(cell, input_size, hidden_size, num_layers) + head


def activation_floats(cell: str, input_size: int, hidden_size: int, steps: int,
                      batch_size: int, num_layers: int = 1) -> int:
    """``B·T·Σ_k A_k``: floats a training step keeps for back-propagation through time.

    Example:
        >>> activation_floats("rnn", 2, 34, steps=40, batch_size=32)   # 32·40·(2 + 34)
        46080
    """
    row = _row(cell)
    per_step = sum((input_size if layer == 0 else hidden_size) + row.stored * hidden_size
                   for layer in range(num_layers))
    return batch_size * steps * per_step


def kernel_name(engine: str, cell: str, dtype: str = "float32", device: str = "cpu",
                ragged: bool = False) -> str:
    """Which kernel runs ``cell`` on ``engine``: what measured time per epoch really measures.

    The torch engine on the CPU runs rnnlab's fused scans (:mod:`rnnlab.torch.cpu_kernels`,
    compiled with numba) for the cells its ``"auto"`` choice lists (the RNN and the GRU; the
    LSTM too when the data's sequences differ in length, ``ragged``), and ``torch.nn``
    otherwise: a float32 LSTM reaches oneDNN's fused LSTM when torch was built with it, anything
    else ATen's generic per-step loop. On CUDA it is cuDNN. Cells ``torch.nn`` does not have run
    rnnlab's own torch form.

    Example:
        >>> kernel_name("reference", "gru")
        'NumPy (rnnlab reference scan)'
    """
    if engine == "reference":
        return "NumPy (rnnlab reference scan)"
    cell = registry.cell(cell).name
    if cell not in ("rnn", "lstm", "gru"):   # cells torch.nn does not have
        return "torch operations (rnnlab's torch form)"
    if device.startswith("cuda"):
        return "cuDNN"
    import torch

    from rnnlab.torch import cpu_kernels

    mode = {"rnn": "RNN_TANH", "gru": "GRU", "lstm": "LSTM"}[cell]
    choice = cpu_kernels.current()
    auto = mode in cpu_kernels.AUTO or (ragged and mode in cpu_kernels.AUTO_RAGGED)
    if choice == "rnnlab" or (choice == "auto" and auto):
        return "rnnlab fused CPU scan (numba)"
    if cell == "lstm" and dtype == "float32" and torch.backends.mkldnn.is_available():
        return "oneDNN fused LSTM"
    return "ATen generic loop"
