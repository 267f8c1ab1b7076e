"""Shared builders for the engine tests: random problems and a scalar loss touching every output.

The loss ``L = Σ y ⊙ R_y + Σ h_n ⊙ R_h (+ Σ c_n ⊙ R_c)`` uses fixed random weights ``R`` so that
every output, final state and (through them) every parameter gets a distinct gradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnlab import cells, reference

TORCH_NN = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}

#: The cells and options beyond torch.nn's three, by test id: (cell, options).
NEW_CELLS = {
    "gru-reset-before": ("gru", {"reset_after": False}),
    "lstm-peepholes": ("lstm", {"peepholes": True}),
    "lstm-proj": ("lstm", {"proj_size": 2}),
    "lstm-peepholes-proj": ("lstm", {"peepholes": True, "proj_size": 3}),
    "indrnn-relu": ("indrnn", {}),
    "indrnn-tanh": ("indrnn", {"nonlinearity": "tanh"}),
    "minlstm": ("minlstm", {}),
    "mingru": ("mingru", {}),
}


@dataclass
class Problem:
    model: reference.recurrent.RecurrentStack
    x: np.ndarray
    states: list[np.ndarray]          # [h0] or [h0, c0]
    lengths: np.ndarray | None
    weights: dict[str, np.ndarray]    # R_y, R_h, (R_c)

    def initial_state(self):
        return tuple(self.states) if len(self.states) == 2 else self.states[0]

    def forward(self):
        return self.model.forward(self.x, self.initial_state(), self.lengths)

    def loss(self) -> float:
        y, final = self.forward()
        finals = final if isinstance(final, tuple) else (final,)
        total = float(np.sum(y * self.weights["y"]))
        for k, value in enumerate(finals):
            total += float(np.sum(value * self.weights[f"s{k}"]))
        return total

    def backward(self) -> np.ndarray:
        self.forward()
        extra = [self.weights[f"s{k}"] for k in range(len(self.states))]
        return self.model.backward(self.weights["y"], *extra)


def make_problem(cell: str, *, num_layers=1, bidirectional=False, variable_lengths=False,
                 batch=3, steps=5, input_size=3, hidden=4, dtype=np.float64, seed=0,
                 **options) -> Problem:
    """A random problem for any registered cell; ``options`` are the cell's (and, for minGRU
    and minLSTM, ``scan``)."""
    rng = np.random.default_rng(seed)
    model = cells.cell(cell).reference_class()(input_size, hidden, num_layers, bidirectional,
                                               dtype=dtype, seed=seed, **options)
    # Random biases too, so that a bias gradient routed to the wrong gate shows up.
    model.load_state_dict({k: rng.uniform(-0.5, 0.5, v.shape) for k, v in model.params.items()})
    x = rng.standard_normal((batch, steps, input_size)).astype(dtype)
    shapes = model.spec.state_shapes(batch)
    states = [rng.standard_normal(shape).astype(dtype) * 0.5 for shape in shapes]
    lengths = None
    if variable_lengths:
        # unsorted, including the shortest (1) and the longest (steps) possible
        lengths = np.array([steps, 1, *rng.integers(1, steps + 1, batch)][:batch])
        rng.shuffle(lengths)
    out_size = model.spec.output_size
    weights = {"y": rng.standard_normal((batch, steps, out_size)).astype(dtype)}
    for k, shape in enumerate(shapes):
        weights[f"s{k}"] = rng.standard_normal(shape).astype(dtype)
    return Problem(model, x, states, lengths, weights)


def relative_error(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / max(scale, 1e-300))


def packed_forward(module):
    """``forward(x, hx, lengths)`` of a plain ``torch.nn`` RNN/LSTM/GRU (``batch_first``), with
    ``pack_padded_sequence`` for variable lengths — the usual way of running padded batches."""
    def forward(x, hx, lengths):
        if lengths is None:
            return module(x, hx)
        packed = pack_padded_sequence(x, torch.as_tensor(lengths), batch_first=True,
                                      enforce_sorted=False)
        y, final = module(packed, hx)
        return pad_packed_sequence(y, batch_first=True, total_length=x.shape[1])[0], final
    return forward


def autograd_run(forward, parameters, problem, dtype):
    """The problem's loss through ``forward(x, hx, lengths)`` and autograd: returns ``y``, the
    final states and the gradients of ``parameters`` (by name), ``"x"`` and ``"state{k}"``."""
    torch_dtype = torch.float64 if dtype == np.float64 else torch.float32
    x = torch.tensor(problem.x, dtype=torch_dtype, requires_grad=True)
    states = [torch.tensor(s, dtype=torch_dtype, requires_grad=True) for s in problem.states]
    hx = tuple(states) if len(states) == 2 else states[0]
    y, final = forward(x, hx, problem.lengths)
    finals = final if isinstance(final, tuple) else (final,)
    loss = (y * torch.from_numpy(problem.weights["y"])).sum()
    for k, value in enumerate(finals):
        loss = loss + (value * torch.from_numpy(problem.weights[f"s{k}"])).sum()
    loss.backward()
    grads = {k: p.grad.numpy() for k, p in parameters.items()}
    grads.update(x=x.grad.numpy(), **{f"state{k}": s.grad.numpy() for k, s in enumerate(states)})
    return y.detach().numpy(), [f.detach().numpy() for f in finals], grads
