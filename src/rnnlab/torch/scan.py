"""The torch form of any registered cell: a loop over its step, autograd for the backward pass.

``torch.nn`` has the RNN, the LSTM (with ``proj_size``) and the reset-after GRU; every other cell
and option (the reset-before GRU, the peephole LSTM, IndRNN, minLSTM, minGRU) is a subclass of
:class:`StepRecurrent`, which gives it what :mod:`rnnlab.torch.recurrent`'s classes have — the
registry's parameter names and shapes, rnnlab's initialisation, ``forward(x, h0, lengths)`` with
right-padded batches, ``dropout`` between stacked layers, the input checks — so that the torch
engine, the converters and the tests treat all cells alike. A subclass writes one time step::

    step(xproj_t, state, p) -> new_state

with ``xproj_t`` ``(B, G·H)`` = ``W_ih x_t + b_ih`` (computed for all steps before the loop),
``state`` the tuple ``(h,)`` or ``(h, c)`` and ``p`` the layer and direction's parameters keyed
without their suffix. Cells that scan faster than step by step override :meth:`direction`.

Variable lengths follow :mod:`rnnlab.reference.recurrent`: past a sequence's end the state is
carried and the output is zero, and the reverse direction reads each sequence from its own last
valid step (the semantics of ``pack_padded_sequence``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.recurrent_spec import RecurrentSpec
from rnnlab.torch.recurrent import _RecurrentMixin, as_torch_dtype
from rnnlab.validation import check_lengths, check_sequence_input


class StepRecurrent(_RecurrentMixin, nn.Module):
    """Base of the torch-engine cells that ``torch.nn`` lacks (see the module docstring).

    Arguments as for :class:`rnnlab.torch.LSTM`, plus the cell's options (``**options``).
    """

    cell: ClassVar[str] = ""
    #: Options a subclass always has (the peephole LSTM's ``peepholes=True``).
    fixed_options: ClassVar[dict[str, Any]] = {}

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bidirectional: bool = False, *, dtype=torch.float32, seed: int | None = None,
                 forget_bias: float = 1.0, chrono: int | None = None, device=None,
                 **options: Any) -> None:
        nn.Module.__init__(self)
        spec = RecurrentSpec(self.cell, input_size, hidden_size, num_layers, bidirectional,
                             **{**options, **self.fixed_options})
        torch_dtype = as_torch_dtype(dtype)
        for name, shape in spec.parameter_shapes().items():
            self.register_parameter(name, nn.Parameter(torch.empty(shape, dtype=torch_dtype,
                                                                   device=device)))
        self.dropout = 0.0
        self._setup(spec, seed, forget_bias, chrono)

    def extra_repr(self) -> str:
        s = self.spec
        options = "".join(f", {k}={v!r}" for k, v in s.options.items())
        return (f"{s.input_size}, {s.hidden_size}, num_layers={s.num_layers}, "
                f"bidirectional={s.bidirectional}{options}")

    # ------------------------------------------------------------------ one cell
    def step(self, xproj: torch.Tensor, state: tuple[torch.Tensor, ...],
             p: dict[str, torch.Tensor]) -> tuple[torch.Tensor, ...]:
        raise NotImplementedError

    def direction(self, x: torch.Tensor, state: tuple[torch.Tensor, ...],
                  mask: torch.Tensor | None, p: dict[str, torch.Tensor],
                  ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """One layer in one direction: ``x`` ``(B, T, I)`` in the order the scan reads it,
        ``mask`` ``(B, T, 1)`` (or None) → ``y`` ``(B, T, S)`` and the final state."""
        xproj = F.linear(x, p["weight_ih"], p.get("bias_ih"))
        outputs = []
        # unbind, not xproj[:, t]: the backward of T slices would write T full-size gradients.
        for t, xproj_t in enumerate(xproj.unbind(dim=1)):
            new = self.step(xproj_t, state, p)
            if mask is not None:
                keep = mask[:, t]
                new = tuple(torch.where(keep, n, s) for n, s in zip(new, state, strict=True))
            outputs.append(new[0] if mask is None else new[0] * mask[:, t])
            state = new
        return torch.stack(outputs, dim=1), state

    # ------------------------------------------------------------------ the stack
    def forward(self, x, h0=None, lengths=None, *, validate: bool = True):
        """Run the stack; see :meth:`rnnlab.torch.recurrent._RecurrentMixin.forward`."""
        spec = self.spec
        parameter = next(self.parameters())
        if not torch.is_tensor(x):
            x = torch.as_tensor(np.asarray(x), dtype=parameter.dtype, device=parameter.device)
        elif x.dtype != parameter.dtype:
            x = x.to(parameter.dtype)
        batch, steps = x.shape[0], x.shape[1]
        if validate:
            check_sequence_input(tuple(x.shape), bool(torch.isfinite(x).all()), spec)
            if h0 is not None:
                self._check_initial_state(h0, batch)
        mask = None
        if lengths is not None:
            if torch.is_tensor(lengths):
                lengths = lengths.detach().cpu().numpy()
            lengths = check_lengths(lengths, batch, steps)
            if np.any(lengths < steps):
                valid = np.arange(steps)[None, :] < lengths[:, None]
                mask = torch.as_tensor(valid[:, :, None], device=x.device)
        if h0 is None:
            states0 = tuple(x.new_zeros(shape) for shape in spec.state_shapes(batch))
        else:
            states0 = tuple(h0) if spec.has_cell_state else (h0,)
        finals: list[list[torch.Tensor]] = [[] for _ in states0]
        for layer in range(spec.num_layers):
            outputs = []
            for direction in range(spec.num_directions):
                suffix = spec.suffix(layer, direction)
                index = layer * spec.num_directions + direction
                p = {stem: getattr(self, f"{stem}_{suffix}")
                     for stem in spec.layer_parameter_shapes(layer)}
                inputs, step_mask = x, mask
                if direction == 1:
                    inputs = inputs.flip(1)
                    step_mask = None if mask is None else mask.flip(1)
                y, state = self.direction(inputs, tuple(s[index] for s in states0), step_mask, p)
                outputs.append(y if direction == 0 else y.flip(1))
                for final, value in zip(finals, state, strict=True):
                    final.append(value)
            x = torch.cat(outputs, dim=-1) if len(outputs) == 2 else outputs[0]
            if self.dropout and self.training and layer + 1 < spec.num_layers:
                x = F.dropout(x, self.dropout, training=True)
        state_n = tuple(torch.stack(final) for final in finals)
        return x, (state_n if spec.has_cell_state else state_n[0])
