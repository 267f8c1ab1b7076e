"""Run a model description on the torch engine: ``torch.nn`` modules, autograd, ``torch.optim``.

The network is one ``nn.Module`` whose children are named by their index in the layer list, so
its ``state_dict`` keys are the model's own (``"1.weight_ih_l0"``, ``"3.weight"``). Recurrent
layers are :mod:`rnnlab.torch`'s modules (``torch.nn``'s where it has the cell, ``lengths`` →
packed sequences; on the CPU rnnlab's fused kernels for the RNN and GRU, see
:mod:`rnnlab.torch.cpu_kernels`); ``dropout`` between stacked layers is ``torch.nn``'s own. On
the CPU the parameters are views of one buffer (:mod:`rnnlab.engines.flat_parameters`), so that
the optimiser step and gradient clipping touch one tensor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnlab import layers as L
from rnnlab.engines.base import OPTIMIZERS, BatchResult, Engine, sample_counts
from rnnlab.engines.flat_parameters import FlatParameters
from rnnlab.targets import IGNORE
from rnnlab.torch import as_torch_dtype, module_for


def resolve_device(device: str) -> torch.device:
    """``"auto"`` → CUDA when available, else CPU; ``"cuda"`` without a GPU is an error."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for but torch sees no CUDA GPU here; use "
                         "device='auto' or 'cpu'")
    return torch.device(device)


class Network(nn.Module):
    """The layer list as one module; ``forward(x, lengths, states)`` → ``(out, new_states)``."""

    def __init__(self, model: Any, dtype: torch.dtype, device: torch.device) -> None:
        super().__init__()
        self.plan: list[tuple[str, L.Layer]] = []
        for index, (layer, shape) in enumerate(zip(model.layers, model.input_shapes,
                                                   strict=True)):
            key = str(index)
            if isinstance(layer, L.Embedding):
                module = nn.Embedding(layer.vocab_size, layer.dim, dtype=dtype, device=device)
            elif isinstance(layer, L.Recurrent):
                module = module_for(layer.spec(shape[-1]), dtype=dtype, device=device)
                # Set after construction: torch warns when the constructor sees dropout with
                # one layer, and the description already rejects that case.
                module.dropout = float(layer.dropout)
            elif isinstance(layer, L.Dropout):
                module = nn.Dropout(layer.p)
            elif isinstance(layer, L.Dense):
                module = nn.Linear(shape[-1], layer.units, dtype=dtype, device=device)
            else:
                continue  # SequenceInput and Softmax compute nothing here
            self.add_module(key, module)
            self.plan.append((key, layer))

    def forward(self, x, lengths=None, states=None):
        new_states = {}
        for key, layer in self.plan:
            module = getattr(self, key)
            if isinstance(layer, L.Recurrent):
                h0 = None if states is None else states.get(key)
                x, state = module(x, h0, lengths, validate=False)
                new_states[key] = state
                if layer.output == "last":
                    h_n = state[0] if isinstance(state, tuple) else state  # (D*L, B, S)
                    d = layer.directions
                    x = h_n[-d:].transpose(0, 1).reshape(h_n.shape[1], d * h_n.shape[2])
            else:
                x = module(x)
        return x, new_states


@dataclass
class _Data:
    values: torch.Tensor
    lengths: np.ndarray
    targets: torch.Tensor | None
    counts: np.ndarray


@dataclass
class _Batch:
    values: torch.Tensor
    lengths: np.ndarray | None
    targets: torch.Tensor | None
    count: int


class TorchEngine(Engine):
    """Example:
        >>> import rnnlab
        >>> model = rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=1,
        ...                      task="regress")
        >>> TorchEngine(model, dtype="float32", device="cpu").outputs(
        ...     np.zeros((4, 5, 2)), np.full(4, 5)).shape
        (4, 1)
    """

    name = "torch"

    def __init__(self, model: Any, *, dtype: str = "float32", device: str = "auto") -> None:
        self.torch_device = resolve_device(device)
        super().__init__(model, dtype=dtype, device=str(self.torch_device))
        self.torch_dtype = as_torch_dtype(dtype)
        self.network = Network(model, self.torch_dtype, self.torch_device)
        self.load_state_dict(model.params)
        self.weights = [p for name, p in self.network.named_parameters()
                        if "weight" in name.rpartition(".")[2]]
        self.parameters = list(self.network.parameters())
        # cuDNN wants its own weight layout on the GPU; the flat buffer is for the CPU.
        self.flat = FlatParameters(self.parameters) if self.torch_device.type == "cpu" else None
        self.optimizer: torch.optim.Optimizer | None = None

    # ------------------------------------------------------------------ data
    def _tensor(self, array: np.ndarray) -> torch.Tensor:
        dtype = torch.int64 if array.dtype.kind in "iu" else self.torch_dtype
        return torch.as_tensor(array, dtype=dtype, device=self.torch_device)

    def dataset(self, values, lengths, targets=None) -> _Data:
        counts = sample_counts(targets, lengths, self.classify, self.per_step)
        return _Data(self._tensor(values), lengths,
                     None if targets is None else self._tensor(targets), counts)

    def batch(self, data: _Data, indices: np.ndarray) -> _Batch:
        lengths = data.lengths[indices]
        steps = int(lengths.max())
        rows = torch.as_tensor(indices, device=self.torch_device)
        values = data.values[rows]
        if steps < values.shape[1]:
            values = values[:, :steps]
        targets = None
        if data.targets is not None:
            targets = data.targets[rows]
            if self.per_step and steps < targets.shape[1]:
                targets = targets[:, :steps]
        return _Batch(values, None if np.all(lengths == steps) else lengths, targets,
                      int(data.counts[indices].sum()))

    # ------------------------------------------------------------------ loss
    def _loss(self, out: torch.Tensor, batch: _Batch) -> torch.Tensor:
        if self.classify:
            return F.cross_entropy(out.reshape(-1, out.shape[-1]), batch.targets.reshape(-1),
                                   ignore_index=IGNORE)
        if self.per_step and batch.lengths is not None:
            steps = out.shape[1]
            lengths = torch.as_tensor(batch.lengths, device=out.device)
            mask = (torch.arange(steps, device=out.device)[None, :] < lengths[:, None])
            mask = mask[:, :, None].to(out.dtype)
            n = mask.sum() * out.shape[-1]
            return (((out - batch.targets) * mask) ** 2).sum() / n
        return F.mse_loss(out, batch.targets)

    def _correct(self, out: torch.Tensor, targets: torch.Tensor) -> float:
        if not self.classify:
            return float("nan")
        return float((out.argmax(dim=-1) == targets).sum())

    # ------------------------------------------------------------------ training
    def set_optimizer(self, name: str, learning_rate: float) -> None:
        settings = OPTIMIZERS[name]
        parameters = self.parameters if self.flat is None else [self.flat.flat]
        if name == "adam":
            self.optimizer = torch.optim.Adam(parameters, lr=learning_rate, **settings)
        elif name == "rmsprop":
            self.optimizer = torch.optim.RMSprop(parameters, lr=learning_rate, **settings)
        else:
            self.optimizer = torch.optim.SGD(parameters, lr=learning_rate, **settings)

    def set_learning_rate(self, learning_rate: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = float(learning_rate)

    def forward_backward(self, batch: _Batch) -> BatchResult:
        self.network.train()
        if self.flat is None:
            self.optimizer.zero_grad(set_to_none=True)
        else:
            self.flat.zero_grad()
        out, _ = self.network(batch.values, batch.lengths)
        loss = self._loss(out, batch)
        loss.backward()
        if self.flat is not None:
            self.flat.check()
        return BatchResult(loss.item(), batch.count, self._correct(out.detach(), batch.targets))

    def add_l2(self, l2: float) -> None:
        with torch.no_grad():
            for weight in self.weights:
                if weight.grad is not None:
                    weight.grad.add_(weight, alpha=l2)

    def clip(self, max_norm: float) -> float:
        if self.flat is not None:
            return self.flat.clip(max_norm)
        return float(nn.utils.clip_grad_norm_(self.parameters, max_norm))

    def step(self) -> None:
        self.optimizer.step()

    @torch.no_grad()
    def evaluate(self, data: _Data, batch_size: int) -> tuple[float, int, float]:
        self.network.eval()
        total, count, correct = 0.0, 0, 0.0
        n = data.lengths.shape[0]
        for start in range(0, n, batch_size):
            batch = self.batch(data, np.arange(start, min(start + batch_size, n)))
            out, _ = self.network(batch.values, batch.lengths)
            total += float(self._loss(out, batch)) * batch.count
            count += batch.count
            correct += self._correct(out, batch.targets)
        return total, count, correct

    # ------------------------------------------------------------------ inference
    @torch.no_grad()
    def outputs(self, values, lengths) -> np.ndarray:
        self.network.eval()
        full = bool(np.all(lengths == values.shape[1]))
        out, _ = self.network(self._tensor(values), None if full else lengths)
        return out.detach().cpu().numpy().astype(np.float64)

    @torch.no_grad()
    def stream(self, values, state):
        self.network.eval()
        out, new_state = self.network(self._tensor(values), None, state)
        return out.detach().cpu().numpy().astype(np.float64), new_state

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy().copy() for k, v in self.network.state_dict().items()}

    def load_state_dict(self, params: dict[str, np.ndarray]) -> None:
        with torch.no_grad():
            for name, tensor in self.network.state_dict().items():
                # In place, so the optimiser keeps pointing at the same tensors.
                tensor.copy_(torch.as_tensor(np.asarray(params[name])))

    def optimizer_state(self):
        state = self.optimizer.state_dict()
        if self.flat is not None:   # saved per parameter, the layout of a per-tensor optimiser
            state = {"state": self.flat.split_state(state["state"]),
                     "param_groups": [{**g, "params": list(range(len(self.parameters)))}
                                      for g in state["param_groups"]]}
        arrays: dict[str, np.ndarray] = {}
        scalars: dict[str, list] = {}
        for index, slots in state["state"].items():
            for slot, value in slots.items():
                key = f"{index}.{slot}"
                if torch.is_tensor(value):
                    arrays[key] = value.detach().cpu().numpy().reshape(-1).copy()
                    scalars[key] = list(value.shape)
        groups = [{k: v for k, v in g.items() if k != "params"} | {"params": g["params"]}
                  for g in state["param_groups"]]
        return arrays, {"shapes": scalars, "param_groups": groups}

    def load_optimizer_state(self, arrays, extra) -> None:
        state: dict[int, dict[str, torch.Tensor]] = {}
        for key, flat in arrays.items():
            index, slot = key.split(".", 1)
            shape = extra["shapes"][key]
            tensor = torch.as_tensor(np.asarray(flat)).reshape(shape)
            if slot != "step":
                tensor = tensor.to(self.torch_device)
            state.setdefault(int(index), {})[slot] = tensor
        groups = [dict(g) for g in extra["param_groups"]]
        for group in groups:
            if "betas" in group:
                group["betas"] = tuple(group["betas"])
        if self.flat is not None:
            state = self.flat.join_state(state)
            groups = [{**g, "params": [0]} for g in groups]
        self.optimizer.load_state_dict({"state": state, "param_groups": groups})

    def rng_state(self):
        arrays = {"torch_cpu": torch.get_rng_state().numpy().copy()}
        if self.torch_device.type == "cuda":
            arrays["torch_cuda"] = torch.cuda.get_rng_state(self.torch_device).numpy().copy()
        return arrays, {}

    def set_rng_state(self, arrays, extra) -> None:
        torch.set_rng_state(torch.as_tensor(np.asarray(arrays["torch_cpu"], dtype=np.uint8)))
        if "torch_cuda" in arrays and self.torch_device.type == "cuda":
            torch.cuda.set_rng_state(torch.as_tensor(np.asarray(arrays["torch_cuda"],
                                                                dtype=np.uint8)),
                                     self.torch_device)

    def seed(self, seed: int) -> None:
        # Dropout in torch draws from the global generator (nn.Dropout takes no generator), so
        # seeding it is the only way to make dropout repeatable; models without dropout leave
        # the global state alone.
        if self.model.has_dropout:
            torch.manual_seed(seed)
