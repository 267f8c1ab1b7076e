r"""Optimisers for dicts of NumPy parameters, with ``torch.optim``'s update rules so that the two
engines follow the same trajectory.

For a gradient ``g`` (after L2 ``weight_decay``: ``g ← g + λθ``), step ``t`` and rate ``η``:

* SGD with momentum ``μ``:   ``v ← μ v + g``;  ``θ ← θ − η v``  (plain SGD when ``μ = 0``)
* Adam (Kingma & Ba 2015):   ``m ← β₁m + (1−β₁)g``;  ``s ← β₂s + (1−β₂)g²``;
  ``θ ← θ − η · (m / (1−β₁ᵗ)) / (√(s / (1−β₂ᵗ)) + ε)``
* RMSprop (Tieleman & Hinton 2012): ``s ← αs + (1−α)g²``;  ``θ ← θ − η g / (√s + ε)``

Also :func:`clip_grad_norm`, clipping by the global norm over all gradients like
``torch.nn.utils.clip_grad_norm_``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


class Optimizer:
    """Base class: holds ``params`` (a dict of arrays updated in place) and per-key state."""

    def __init__(self, params: Mapping[str, np.ndarray], lr: float, weight_decay: float = 0.0):
        if not (isinstance(lr, int | float) and lr > 0 and np.isfinite(lr)):
            raise ValueError(f"learning rate must be a positive number, got {lr!r}")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {weight_decay!r}")
        self.params = params
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self.steps = 0

    def step(self, grads: Mapping[str, np.ndarray]) -> None:
        """Update every parameter in place from ``grads`` (same keys)."""
        missing = set(self.params) - set(grads)
        if missing:
            raise ValueError(f"no gradient for parameters {sorted(missing)}")
        self.steps += 1
        for key, param in self.params.items():
            grad = grads[key]
            if self.weight_decay:
                grad = grad + self.weight_decay * param
            self._update(key, param, grad, self.state.setdefault(key, {}))

    def _update(self, key: str, param: np.ndarray, grad: np.ndarray, state: dict) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict[str, np.ndarray]:
        """Flat ``{"<key>.<slot>": array, "steps": array}`` — storable as safetensors."""
        flat = {f"{k}.{slot}": v.copy() for k, s in self.state.items() for slot, v in s.items()}
        flat["steps"] = np.array([self.steps], dtype=np.int64)
        return flat

    def load_state_dict(self, flat: Mapping[str, np.ndarray]) -> None:
        self.steps = int(np.asarray(flat["steps"]).reshape(-1)[0])
        self.state = {}
        for name, value in flat.items():
            if name == "steps":
                continue
            key, slot = name.rsplit(".", 1)
            if key not in self.params:
                raise ValueError(f"optimizer state names unknown parameter {key!r}")
            self.state.setdefault(key, {})[slot] = np.array(value, dtype=self.params[key].dtype)


class SGD(Optimizer):
    def __init__(self, params, lr: float = 0.01, momentum: float = 0.0,
                 weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = momentum

    def _update(self, key, param, grad, state):
        if self.momentum:
            velocity = state.get("velocity")
            if velocity is None:  # torch starts the buffer at the first gradient
                velocity = state["velocity"] = np.array(grad, dtype=param.dtype)
            else:
                velocity *= self.momentum
                velocity += grad
            grad = velocity
        param -= self.lr * grad


class Adam(Optimizer):
    def __init__(self, params, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        self.beta1, self.beta2 = betas
        self.eps = eps

    def _update(self, key, param, grad, state):
        if "m" not in state:
            state["m"] = np.zeros_like(param)
            state["s"] = np.zeros_like(param)
        m, s = state["m"], state["s"]
        m *= self.beta1
        m += (1 - self.beta1) * grad
        s *= self.beta2
        s += (1 - self.beta2) * grad * grad
        correction1 = 1 - self.beta1 ** self.steps
        correction2 = 1 - self.beta2 ** self.steps
        denom = np.sqrt(s) / np.sqrt(correction2) + self.eps
        param -= (self.lr / correction1) * m / denom


class RMSprop(Optimizer):
    def __init__(self, params, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        self.alpha, self.eps = alpha, eps

    def _update(self, key, param, grad, state):
        if "s" not in state:
            state["s"] = np.zeros_like(param)
        s = state["s"]
        s *= self.alpha
        s += (1 - self.alpha) * grad * grad
        param -= self.lr * grad / (np.sqrt(s) + self.eps)


def clip_grad_norm(grads: Mapping[str, np.ndarray], max_norm: float) -> float:
    """Scale all gradients in place so their joint L2 norm is at most ``max_norm``.

    Returns the norm before clipping. Like PyTorch, the scale is ``max_norm / (norm + 1e-6)``
    and is applied only when it is below 1.
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be positive, got {max_norm!r}")
    total = float(np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads.values())))
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for g in grads.values():
            g *= scale
    return total
