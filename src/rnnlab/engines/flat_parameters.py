"""All of a network's parameters (and their gradients) as views of one buffer.

For the small models rnnlab compares, an optimiser step costs as much as the forward and
backward pass: ``torch.optim.Adam`` on the CPU walks the parameters one tensor at a time
(≈ 220 µs for the six tensors of a GRU classifier) and ``clip_grad_norm_`` another ≈ 75 µs.
With every parameter a view of one flat tensor, the optimiser updates that one tensor
(≈ 40 µs) and clipping scales it with one multiplication — with the same arithmetic per
element, so training gives the same numbers as before:

* Adam, RMSprop and SGD are elementwise, so one step on the flat tensor computes exactly
  what the per-tensor steps compute;
* the clipping norm is computed per tensor and then over those norms, as ``clip_grad_norm_``
  does, and every gradient is multiplied by the same clamped coefficient.

Gradients stay views too: the engine zeroes the flat gradient in place instead of setting
gradients to None, and autograd accumulates into the existing views. :meth:`check` refuses
to go on if anything replaced a gradient tensor (the update would silently miss it).

Optimiser state is saved per parameter (the layout of a per-tensor optimiser, so checkpoints
keep their format) and concatenated back on loading.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


class FlatParameters:
    """Rebinds ``parameters`` to views of one buffer; ``flat`` is the parameter to optimise."""

    def __init__(self, parameters: list[nn.Parameter]) -> None:
        self.parameters = parameters
        self.sizes = [p.numel() for p in parameters]
        with torch.no_grad():
            data = torch.cat([p.detach().reshape(-1) for p in parameters])
        self.flat = nn.Parameter(data)
        self.flat.grad = torch.zeros_like(data)
        self.grads = []
        for parameter, view, grad in zip(parameters, data.split(self.sizes),
                                         self.flat.grad.split(self.sizes), strict=True):
            parameter.data = view.view_as(parameter)
            parameter.grad = grad.view_as(parameter)
            self.grads.append(parameter.grad)

    def zero_grad(self) -> None:
        self.flat.grad.zero_()

    def check(self) -> None:
        """Raise if a gradient is no longer a view of the flat gradient."""
        for parameter, grad in zip(self.parameters, self.grads, strict=True):
            if parameter.grad is not grad:
                raise RuntimeError("a parameter's gradient was replaced outside the engine; the "
                                   "engine keeps gradients as views of one buffer and cannot "
                                   "train with a replaced one")

    def clip(self, max_norm: float) -> float:
        """``clip_grad_norm_(parameters, max_norm)`` on the views; returns the total norm."""
        # The computation of torch.nn.utils.get_total_norm (per-tensor norms, then their norm),
        # without its per-call wrappers (54 µs against 30 µs here).
        total = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(self.grads, 2.0)), 2.0)
        coefficient = torch.clamp(max_norm / (total + 1e-6), max=1.0)
        self.flat.grad.mul_(coefficient)
        return float(total)

    # ------------------------------------------------------------------ optimiser state
    def split_state(self, state: dict[str, Any]) -> dict[int, dict[str, torch.Tensor]]:
        """The flat optimiser's state (``{0: {slot: tensor}}``) as per-parameter state."""
        per_parameter: dict[int, dict[str, torch.Tensor]] = {}
        for slot, value in state.get(0, {}).items():
            pieces = (value.split(self.sizes) if torch.is_tensor(value)
                      and value.numel() == self.flat.numel() else [value] * len(self.sizes))
            for index, (piece, parameter) in enumerate(zip(pieces, self.parameters,
                                                           strict=True)):
                if torch.is_tensor(piece) and piece.numel() == parameter.numel():
                    piece = piece.view_as(parameter)
                per_parameter.setdefault(index, {})[slot] = piece
        return per_parameter

    def join_state(self, state: dict[int, dict[str, torch.Tensor]]) -> dict[int, dict]:
        """Per-parameter state (as saved by :meth:`split_state`) as the flat one's."""
        if not state:
            return {}
        joined: dict[str, torch.Tensor] = {}
        for slot in state[0]:
            values = [state[index][slot] for index in range(len(self.sizes))]
            if values[0].numel() == self.sizes[0] and values[0].dim() > 0:
                joined[slot] = torch.cat([v.reshape(-1) for v in values])
            else:
                joined[slot] = values[0]
        return {0: joined}
