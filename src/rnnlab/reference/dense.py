r"""A fully connected layer, ``y = x Wᵀ + b`` — ``torch.nn.Linear``'s layout and names.

Shapes: ``x`` ``(..., in_features)`` (e.g. ``(batch, features)`` or ``(batch, time, features)``),
``W`` ``(out_features, in_features)``, ``b`` ``(out_features,)``, ``y`` ``(..., out_features)``.

Backward, with every leading axis flattened into rows::

    dW = dyᵀ x        db = Σ_rows dy        dx = dy W
"""

from __future__ import annotations

import numpy as np

from rnnlab.initializers import glorot_uniform


class Dense:
    """Example:
        >>> layer = Dense(4, 2, seed=0)
        >>> layer.forward(np.ones((3, 5, 4))).shape
        (3, 5, 2)
    """

    def __init__(self, in_features: int, out_features: int, *, seed: int | None = None,
                 dtype: type | np.dtype = np.float32) -> None:
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.in_features, self.out_features = in_features, out_features
        self.dtype = np.dtype(dtype)
        rng = np.random.default_rng(seed)
        self.params = {
            "weight": glorot_uniform(rng, out_features, in_features).astype(self.dtype),
            "bias": np.zeros(out_features, dtype=self.dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim < 1 or x.shape[-1] != self.in_features:
            raise ValueError(f"Dense expects inputs with {self.in_features} features in the "
                             f"last axis, got shape {x.shape}")
        self._x = x
        return x @ self.params["weight"].T + self.params["bias"]

    __call__ = forward

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """Fill ``grads`` with ``dW``, ``db`` and return ``dx`` shaped like the input."""
        if self._x is None:
            raise RuntimeError("backward() needs a forward() first")
        dy = np.asarray(dy, dtype=self.dtype)
        expected = (*self._x.shape[:-1], self.out_features)
        if dy.shape != expected:
            raise ValueError(f"dy has shape {dy.shape}, expected {expected}")
        rows_dy = dy.reshape(-1, self.out_features)
        self.grads["weight"] = rows_dy.T @ self._x.reshape(-1, self.in_features)
        self.grads["bias"] = rows_dy.sum(axis=0)
        return dy @ self.params["weight"]

    def state_dict(self) -> dict[str, np.ndarray]:
        return {k: v.copy() for k, v in self.params.items()}

    def load_state_dict(self, state) -> None:
        for key, value in self.params.items():
            if key not in state or np.shape(state[key]) != value.shape:
                raise ValueError(f"Dense state_dict needs {key!r} of shape {value.shape}")
            self.params[key] = np.array(state[key], dtype=self.dtype)
