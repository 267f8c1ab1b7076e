"""Run a model description on the reference engine: NumPy forward and hand-written backward.

Slow but transparent: every number can be traced to an equation in :mod:`rnnlab.reference`.
The optimisers follow ``torch.optim``'s update rules, so with float64 and the same data order
this engine and the torch engine follow the same trajectory (tested to 1e-6 per iteration).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnlab import reference
from rnnlab.engines.base import OPTIMIZERS, BatchResult, Engine, sample_counts
from rnnlab.engines.reference_nodes import RecurrentNode, build_nodes
from rnnlab.targets import IGNORE

_OPTIMIZERS = {"adam": reference.Adam, "sgd": reference.SGD, "sgdm": reference.SGD,
               "rmsprop": reference.RMSprop}


@dataclass
class _Data:
    values: np.ndarray
    lengths: np.ndarray
    targets: np.ndarray | None
    counts: np.ndarray


@dataclass
class _Batch:
    values: np.ndarray
    lengths: np.ndarray | None   # None when every sequence fills the batch
    targets: np.ndarray | None
    count: int


class ReferenceEngine(Engine):
    """Example:
        >>> import rnnlab
        >>> model = rnnlab.build("gru", input_size=2, hidden_size=3, output_size=1,
        ...                      task="regress")
        >>> engine = ReferenceEngine(model, dtype="float64", device="cpu")
        >>> engine.outputs(np.zeros((4, 5, 2)), np.full(4, 5)).shape
        (4, 1)
    """

    name = "reference"

    def __init__(self, model: Any, *, dtype: str = "float32", device: str = "cpu") -> None:
        if device not in ("cpu", "auto"):
            raise ValueError(f"the reference engine runs on the CPU only, got device={device!r}; "
                             f"use engine='torch' for {device!r}")
        super().__init__(model, dtype=dtype, device="cpu")
        self.dtype = np.dtype(dtype)
        self.rng = np.random.default_rng(0)
        self.nodes = build_nodes(model, self.dtype, self.rng)
        self.params = {f"{i}.{k}": v for i, node in self.nodes for k, v in node.params.items()}
        self.load_state_dict(model.params)
        self.optimizer: reference.Optimizer | None = None
        self._grads: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------------ data
    def dataset(self, values, lengths, targets=None) -> _Data:
        if values.dtype.kind == "f":
            values = values.astype(self.dtype)
        if targets is not None and targets.dtype.kind == "f":
            targets = targets.astype(self.dtype)
        counts = sample_counts(targets, lengths, self.classify, self.per_step)
        return _Data(values, lengths, targets, counts)

    def batch(self, data: _Data, indices: np.ndarray) -> _Batch:
        lengths = data.lengths[indices]
        steps = int(lengths.max())
        targets = None
        if data.targets is not None:
            targets = data.targets[indices, :steps] if self.per_step else data.targets[indices]
        return _Batch(values=data.values[indices, :steps],
                      lengths=None if np.all(lengths == steps) else lengths,
                      targets=targets, count=int(data.counts[indices].sum()))

    # ------------------------------------------------------------------ forward and loss
    def _forward(self, values, lengths, training: bool, states=None):
        x, new_states = values, {}
        for index, node in self.nodes:
            x, state = node.forward(x, lengths, training,
                                    None if states is None else states.get(index))
            if isinstance(node, RecurrentNode):
                new_states[index] = state
        return x, new_states

    def _loss(self, out: np.ndarray, batch: _Batch) -> tuple[float, np.ndarray]:
        if self.classify:
            return reference.softmax_cross_entropy(out, batch.targets, ignore_index=IGNORE)
        if self.per_step and batch.lengths is not None:
            steps = out.shape[1]
            mask = (np.arange(steps)[None, :] < batch.lengths[:, None])[:, :, None]
            diff = (out - batch.targets) * mask
            n = int(mask.sum()) * out.shape[-1]
            return float(np.sum(diff * diff) / n), (2.0 / n) * diff
        return reference.mean_squared_error(out, batch.targets)

    def _correct(self, out: np.ndarray, targets: np.ndarray) -> float:
        if not self.classify:
            return float("nan")
        return float(np.sum(out.argmax(axis=-1) == targets))

    # ------------------------------------------------------------------ training
    def set_optimizer(self, name: str, learning_rate: float) -> None:
        self.optimizer = _OPTIMIZERS[name](self.params, learning_rate, **OPTIMIZERS[name])

    def set_learning_rate(self, learning_rate: float) -> None:
        self.optimizer.lr = float(learning_rate)

    def forward_backward(self, batch: _Batch) -> BatchResult:
        out, _ = self._forward(batch.values, batch.lengths, training=True)
        loss, grad = self._loss(out, batch)
        for _, node in reversed(self.nodes):
            grad = node.backward(grad)
            if grad is None:
                break
        self._grads = {f"{i}.{k}": g for i, node in self.nodes for k, g in node.grads().items()}
        return BatchResult(loss, batch.count, self._correct(out, batch.targets))

    def add_l2(self, l2: float) -> None:
        for name, grad in self._grads.items():
            if "weight" in name.rpartition(".")[2]:
                grad += l2 * self.params[name]

    def clip(self, max_norm: float) -> float:
        return reference.clip_grad_norm(self._grads, max_norm)

    def step(self) -> None:
        self.optimizer.step(self._grads)

    def evaluate(self, data: _Data, batch_size: int) -> tuple[float, int, float]:
        total, count, correct = 0.0, 0, 0.0
        for start in range(0, data.lengths.shape[0], batch_size):
            batch = self.batch(data, np.arange(start, min(start + batch_size,
                                                          data.lengths.shape[0])))
            out, _ = self._forward(batch.values, batch.lengths, training=False)
            loss, _ = self._loss(out, batch)
            total += loss * batch.count
            count += batch.count
            correct += self._correct(out, batch.targets)
        return total, count, correct

    # ------------------------------------------------------------------ inference
    def outputs(self, values, lengths) -> np.ndarray:
        data = self.dataset(values, lengths)
        batch = self.batch(data, np.arange(lengths.shape[0]))
        out, _ = self._forward(batch.values, batch.lengths, training=False)
        return np.array(out, dtype=np.float64)

    def stream(self, values, state):
        if values.dtype.kind == "f":
            values = values.astype(self.dtype)
        out, new_state = self._forward(values, None, training=False, states=state)
        return np.array(out, dtype=np.float64), new_state

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, np.ndarray]:
        return {k: v.copy() for k, v in self.params.items()}

    def load_state_dict(self, params: dict[str, np.ndarray]) -> None:
        for name, live in self.params.items():
            # In place: the optimiser holds these very arrays.
            np.copyto(live, np.asarray(params[name]), casting="unsafe")

    def optimizer_state(self):
        return self.optimizer.state_dict(), {"lr": self.optimizer.lr}

    def load_optimizer_state(self, arrays, extra) -> None:
        self.optimizer.load_state_dict(arrays)
        self.optimizer.lr = float(extra["lr"])

    def rng_state(self):
        return {}, {"numpy": self.rng.bit_generator.state}

    def set_rng_state(self, arrays, extra) -> None:
        self.rng.bit_generator.state = extra["numpy"]

    def seed(self, seed: int) -> None:
        fresh = np.random.default_rng(np.random.SeedSequence([seed, 1]))
        self.rng.bit_generator.state = fresh.bit_generator.state
