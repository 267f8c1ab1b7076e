"""The adding problem: add the two marked numbers in a long sequence.

Hochreiter & Schmidhuber (1997, experiment 4) introduced it; this is the form used since
Le, Jaitly & Hinton (2015) and Arjovsky, Shah & Bengio (2016).

Each sequence has ``T`` steps and two input channels:

* channel 0: values ``v_t ~ U[0, 1]``, independent;
* channel 1: markers, 1 at one step ``a`` drawn uniformly from the first half
  ``[0, ⌊T/2⌋)`` and at one step ``b`` from the second half ``[⌊T/2⌋, T)``, 0 elsewhere.

The target is ``y = v_a + v_b``. The first marked value is seen at least ``⌈T/2⌉`` steps
before the end, so the network has to hold it that long.

Baseline. A model that ignores the input predicts the constant minimising the squared error,
``E[y] = 1``; its MSE is ``Var(y) = Var(v_a) + Var(v_b) = 1/12 + 1/12 = 1/6 ≈ 0.1667``.
"""

from __future__ import annotations

import numpy as np

from rnnlab.datasets._checks import check_int
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.registry import register
from rnnlab.datasets.synthetic._common import build

BASELINE_MSE = 1.0 / 6.0


def generate(rng: np.random.Generator, n: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` adding-problem sequences of ``length`` steps.

    Returns:
        ``X`` ``(n, length, 2)`` float32 (values, markers) and ``y`` ``(n, 1)`` float32.

    Example:
        >>> X, y = generate(np.random.default_rng(0), 3, 10)
        >>> X.shape, y.shape, X[:, :, 1].sum(axis=1).tolist()
        ((3, 10, 2), (3, 1), [2.0, 2.0, 2.0])
    """
    half = length // 2
    values = rng.random((n, length)).astype(np.float32)
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    rows = np.arange(n)
    markers = np.zeros((n, length), dtype=np.float32)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    # The target is summed from the float32 values the network sees, so it is exact for them.
    y = (values[rows, first].astype(np.float64) + values[rows, second]).astype(np.float32)
    return np.stack([values, markers], axis=-1), y[:, None]


@register("adding", kind="synthetic", task="regress",
          summary="sum of the two marked values among T uniform ones (H&S 1997)")
def adding(*, length: int = 50, n_train: int = 1000, n_val: int = 200, n_test: int = 200,
           seed: int = 0) -> Dataset:
    """Adding problem: regress the sum of the two marked values in ``length`` steps.

    X ``(n, length, 2)`` float32 (value, marker); y ``(n, 1)`` float32;
    baseline ``{"mse": 1/6}``.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("adding", length=100, n_train=10).train[0].shape
        (10, 100, 2)
    """
    length = check_int("adding", "length", length, minimum=2)
    info = {
        "description": f"adding problem, T={length}: y = sum of the two marked values",
        "source": "generated (Hochreiter & Schmidhuber 1997; form of Arjovsky et al. 2016)",
        "licence": "generated data, no licence needed",
        "baseline_formula": "Var(v_a + v_b) = 2 · 1/12 = 1/6 (predict E[y] = 1)",
        "features": ["value", "marker"],
    }
    return build("adding", "regress", lambda rng, n: generate(rng, n, length),
                 n_train=n_train, n_val=n_val, n_test=n_test, seed=seed,
                 baseline={"mse": BASELINE_MSE}, info=info, length=length)
