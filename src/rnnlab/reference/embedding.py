r"""A lookup table from token ids to vectors — ``torch.nn.Embedding``'s layout and name.

Forward: ``y[b, t] = W[ids[b, t]]`` with ``W`` ``(vocab_size, dim)``, ids ``(batch, time)``,
``y`` ``(batch, time, dim)``. Backward scatters the output gradient back into the rows that were
read, adding up repeated ids::

    dW[v] = Σ_{b,t : ids[b,t] = v} dy[b, t]

There is no gradient with respect to the ids (they are integers).
"""

from __future__ import annotations

import numpy as np


class Embedding:
    """Example:
        >>> table = Embedding(5, 3, seed=0)
        >>> table.forward(np.array([[0, 4, 4]])).shape
        (1, 3, 3)
        >>> table.backward(np.ones((1, 3, 3)))
        >>> table.grads["weight"][4].tolist()    # id 4 was read twice
        [2.0, 2.0, 2.0]
    """

    def __init__(self, vocab_size: int, dim: int, *, seed: int | None = None,
                 dtype: type | np.dtype = np.float32) -> None:
        self.vocab_size, self.dim = vocab_size, dim
        self.dtype = np.dtype(dtype)
        rng = np.random.default_rng(seed)
        # Keras' default: small uniform vectors, so early LSTM gates are not saturated.
        self.params = {"weight": rng.uniform(-0.05, 0.05, (vocab_size, dim)).astype(self.dtype)}
        self.grads = {"weight": np.zeros_like(self.params["weight"])}
        self._ids: np.ndarray | None = None

    def forward(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids)
        if ids.dtype.kind not in "iu":
            raise ValueError(f"Embedding expects integer token ids, got dtype {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= self.vocab_size):
            bad = int(ids.min()) if ids.min() < 0 else int(ids.max())
            raise ValueError(f"token id {bad} is outside the vocabulary 0..{self.vocab_size - 1}")
        self._ids = ids
        return self.params["weight"][ids]

    __call__ = forward

    def backward(self, dy: np.ndarray) -> None:
        """Fill ``grads["weight"]``; ids have no gradient, so nothing is returned."""
        if self._ids is None:
            raise RuntimeError("backward() needs a forward() first")
        grad = np.zeros_like(self.params["weight"])
        np.add.at(grad, self._ids.reshape(-1), np.asarray(dy, self.dtype).reshape(-1, self.dim))
        self.grads["weight"] = grad
