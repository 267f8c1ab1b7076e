"""The copy-memory task: reproduce 10 symbols after a delay of ``T`` blank steps.

Form of Arjovsky, Shah & Bengio (2016), after Hochreiter & Schmidhuber (1997). Symbols are
coded 0…9: 0–7 are the eight data symbols, 8 is *blank*, 9 is the *delimiter*. A sequence has
``T + 20`` steps::

    input   d1 … d10  blank × (T − 1)  delimiter  blank × 10
    target  blank × (T + 10)                      d1 … d10

with ``d_i`` drawn uniformly from the eight data symbols. The loss is the cross-entropy over
all ``T + 20`` steps, so no step is masked.

Baseline. The best model without memory predicts *blank* for the first ``T + 10`` steps (loss
0) and a uniform guess over the 8 data symbols for the last 10 (loss ``ln 8`` each):
``cross_entropy = 10 · ln 8 / (T + 20)``.
"""

from __future__ import annotations

import math

import numpy as np

from rnnlab.datasets._checks import check_int
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.registry import register
from rnnlab.datasets.synthetic._common import build, one_hot

NUM_DATA = 8
BLANK, DELIMITER = 8, 9
RECALL = 10  # symbols to remember
SYMBOLS = [str(i) for i in range(NUM_DATA)] + ["blank", "delimiter"]


def baseline_cross_entropy(length: int) -> float:
    """``10 · ln 8 / (T + 20)``, the memoryless strategy's loss per step (nats).

    Example:
        >>> round(baseline_cross_entropy(100), 4)
        0.1733
    """
    return RECALL * math.log(NUM_DATA) / (length + 2 * RECALL)


def generate(rng: np.random.Generator, n: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` copy-task sequences with delay ``length``.

    Returns:
        ``X`` ``(n, length + 20, 10)`` float32 one-hot and ``y`` ``(n, length + 20)`` int64.

    Example:
        >>> X, y = generate(np.random.default_rng(0), 2, 5)
        >>> X.shape, y.shape, (X[0, :10].argmax(-1) == y[0, -10:]).all()
        ((2, 25, 10), (2, 25), np.True_)
    """
    steps = length + 2 * RECALL
    data = rng.integers(0, NUM_DATA, size=(n, RECALL))
    inputs = np.full((n, steps), BLANK, dtype=np.int64)
    inputs[:, :RECALL] = data
    inputs[:, length + RECALL - 1] = DELIMITER
    targets = np.full((n, steps), BLANK, dtype=np.int64)
    targets[:, -RECALL:] = data
    return one_hot(inputs, NUM_DATA + 2), targets


@register("copy", kind="synthetic", task="sequence",
          summary="recall 10 symbols after a delay of T blanks (Arjovsky et al. 2016)")
def copy(*, length: int = 20, n_train: int = 1000, n_val: int = 200, n_test: int = 200,
         seed: int = 0) -> Dataset:
    """Copy memory: after ``length`` blanks and a delimiter, output the first 10 symbols.

    X ``(n, length + 20, 10)`` float32 one-hot; y ``(n, length + 20)`` int64 in 0…8 (no mask);
    baseline ``{"cross_entropy": 10 ln 8 / (length + 20)}``.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("copy", length=100, n_train=4).train[1].shape
        (4, 120)
    """
    length = check_int("copy", "length", length, minimum=1)
    info = {
        "description": f"copy memory, T={length}: reproduce 10 symbols after {length} blanks",
        "source": "generated (Arjovsky, Shah & Bengio 2016, after Hochreiter & Schmidhuber 1997)",
        "licence": "generated data, no licence needed",
        "baseline_formula": "10 · ln 8 / (T + 20): blank for T + 10 steps, then a uniform guess",
        "symbols": SYMBOLS,
    }
    return build("copy", "sequence", lambda rng, n: generate(rng, n, length),
                 n_train=n_train, n_val=n_val, n_test=n_test, seed=seed,
                 baseline={"cross_entropy": baseline_cross_entropy(length)}, info=info,
                 length=length, classes=SYMBOLS)
