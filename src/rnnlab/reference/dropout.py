r"""Inverted dropout, as ``torch.nn.Dropout`` computes it.

While training each value is kept with probability ``1 − p`` and scaled by ``1/(1 − p)``, so the
expected output equals the input and nothing changes at prediction time::

    m ~ Bernoulli(1 − p)        y = x ⊙ m / (1 − p)        dx = dy ⊙ m / (1 − p)

The mask is drawn from the ``numpy.random.Generator`` passed in, so a seeded run repeats exactly.
"""

from __future__ import annotations

import numpy as np


class Dropout:
    """Example:
        >>> drop = Dropout(0.5, np.random.default_rng(0))
        >>> y = drop.forward(np.ones((2, 4)), training=True)
        >>> sorted(set(y.ravel().tolist()))
        [0.0, 2.0]
        >>> drop.forward(np.ones((2, 4)), training=False).tolist()[0]
        [1.0, 1.0, 1.0, 1.0]
    """

    def __init__(self, p: float, rng: np.random.Generator) -> None:
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p!r}")
        self.p = float(p)
        self.rng = rng
        self._scale: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        if not training or self.p == 0.0:
            self._scale = None
            return x
        keep = self.rng.random(x.shape) >= self.p
        self._scale = keep.astype(x.dtype) / np.asarray(1.0 - self.p, dtype=x.dtype)
        return x * self._scale

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy if self._scale is None else dy * self._scale
