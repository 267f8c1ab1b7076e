"""The adding problem and copy memory exactly as Bai, Kolter & Koltun (2018) define them.

Source: S. Bai, J. Z. Kolter and V. Koltun, *An Empirical Evaluation of Generic Convolutional
and Recurrent Networks for Sequence Modeling*, arXiv:1803.01271, 2018 — Section 4 (task
definitions) and Table 1 (adding T = 600, copy memory T = 1000). Where the text leaves a detail
open, the authors' public code (github.com/locuslab/TCN, ``adding_problem/utils.py`` and
``copy_memory/utils.py``) settles it; each such point is named below.

These are separate tasks from :mod:`.adding` and :mod:`.copy_memory` (the forms of Le et al.
2015 and Arjovsky et al. 2016), and from H&S 1997's adding problem
(:mod:`.hochreiter1997`): same idea, different definitions, never one row of a report.
"""

from __future__ import annotations

import numpy as np

from rnnlab.datasets._checks import check_int
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.registry import register
from rnnlab.datasets.synthetic._common import build, one_hot
from rnnlab.datasets.synthetic.copy_memory import baseline_cross_entropy

SOURCE = "Bai, Kolter & Koltun 2018, arXiv:1803.01271"
COPY_SYMBOLS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
RECALL = 10
MARKER = 9


def generate_adding(rng: np.random.Generator, n: int,
                    length: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences of depth 2: values ``U[0, 1]``, and markers 1 at two distinct positions
    drawn uniformly from all ``T`` (the authors' code: ``np.random.choice(T, 2, replace=False)``;
    the paper only says "two elements"). Target: the sum of the two marked values.

    Returns:
        ``X`` ``(n, length, 2)`` float32 and ``y`` ``(n, 1)`` float32.

    Example:
        >>> X, y = generate_adding(np.random.default_rng(0), 3, 8)
        >>> X.shape, X[:, :, 1].sum(axis=1).tolist()
        ((3, 8, 2), [2.0, 2.0, 2.0])
    """
    values = rng.random((n, length)).astype(np.float32)
    keys = rng.random((n, length))
    marked = np.argsort(keys, axis=1)[:, :2]   # two distinct positions, uniformly at random
    rows = np.arange(n)[:, None]
    markers = np.zeros((n, length), dtype=np.float32)
    markers[rows, marked] = 1.0
    y = values[rows, marked].astype(np.float64).sum(axis=1).astype(np.float32)
    return np.stack([values, markers], axis=-1), y[:, None]


@register("adding_bai18", kind="synthetic", task="regress",
          summary="adding problem as in Bai et al. 2018 (values in [0, 1], markers anywhere)")
def adding_bai18(*, length: int = 600, n_train: int = 1000, n_val: int = 200, n_test: int = 1000,
                 seed: int = 0) -> Dataset:
    """Adding problem of Bai et al. 2018 (Table 1 reports T = 600): MSE of the sum.

    Predicting 1 scores ``Var(y) = 2/12 = 1/6 ≈ 0.1667`` (the paper writes "about 0.1767").
    The authors' code trains on 50,000 and tests on 1,000 sequences.
    X ``(n, length, 2)`` float32; y ``(n, 1)``; baseline ``{"mse": 1/6}``.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("adding_bai18", length=20, n_train=4, n_val=2, n_test=2).train[0].shape
        (4, 20, 2)
    """
    length = check_int("adding_bai18", "length", length, minimum=2)
    info = {
        "description": f"adding problem of Bai et al. 2018, T={length}: y = sum of the two "
                       f"marked values, markers anywhere",
        "source": f"generated ({SOURCE}, Section 4; marker placement from locuslab/TCN)",
        "licence": "generated data, no licence needed",
        "baseline_formula": "Var(v_a + v_b) = 1/6 (predict 1); the paper states about 0.1767",
        "features": ["value", "marker"],
    }
    return build("adding_bai18", "regress", lambda rng, n: generate_adding(rng, n, length),
                 n_train=n_train, n_val=n_val, n_test=n_test, seed=seed,
                 baseline={"mse": 1.0 / 6.0}, info=info, length=length)


def generate_copy(rng: np.random.Generator, n: int,
                  length: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` copy-memory sequences of ``T + 20`` steps in the paper's coding::

        input   d1 … d10   0 × (T − 1)   9 × 11        (the first 9 is the delimiter)
        target  0 × (T + 10)             d1 … d10

    with ``d_i`` drawn from 1–8. Inputs are one-hot over the ten digits (the authors' code feeds
    the digit as one real number; one-hot is the usual input for recurrent nets).

    Returns:
        ``X`` ``(n, T + 20, 10)`` float32 and ``y`` ``(n, T + 20)`` int64.

    Example:
        >>> X, y = generate_copy(np.random.default_rng(0), 2, 5)
        >>> X[0].argmax(-1)[-11:].tolist() == [9] * 11, (y[0, -10:] == X[0, :10].argmax(-1)).all()
        (True, np.True_)
    """
    data = rng.integers(1, 9, size=(n, RECALL))
    inputs = np.zeros((n, length + 2 * RECALL), dtype=np.int64)
    inputs[:, :RECALL] = data
    inputs[:, -(RECALL + 1):] = MARKER
    targets = np.zeros_like(inputs)
    targets[:, -RECALL:] = data
    return one_hot(inputs, len(COPY_SYMBOLS)), targets


@register("copy_bai18", kind="synthetic", task="sequence",
          summary="copy memory as in Bai et al. 2018 (length T + 20, ten symbols from 1–8)")
def copy_bai18(*, length: int = 1000, n_train: int = 1000, n_val: int = 200, n_test: int = 1000,
               seed: int = 0) -> Dataset:
    """Copy memory of Bai et al. 2018 (Table 1 reports T = 1000): cross-entropy over all steps.

    The memoryless strategy (0 until the delimiter, then a uniform guess over 1–8) scores
    ``10 · ln 8 / (T + 20)`` nats per step. The authors' code trains on 10,000 and tests on
    1,000 sequences. X ``(n, T + 20, 10)`` one-hot; y ``(n, T + 20)`` int64 in 0–8.

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("copy_bai18", length=20, n_train=4, n_val=2, n_test=2)
        >>> ds.train[1].shape, round(ds.baseline["cross_entropy"], 4)
        ((4, 40), 0.5199)
    """
    length = check_int("copy_bai18", "length", length, minimum=1)
    info = {
        "description": f"copy memory of Bai et al. 2018, T={length}: repeat 10 digits from "
                       f"1–8 after {length} steps",
        "source": f"generated ({SOURCE}, Section 4; coding from locuslab/TCN)",
        "licence": "generated data, no licence needed",
        "baseline_formula": "10 · ln 8 / (T + 20): 0 until the delimiter, then a uniform guess",
        "symbols": COPY_SYMBOLS,
    }
    return build("copy_bai18", "sequence", lambda rng, n: generate_copy(rng, n, length),
                 n_train=n_train, n_val=n_val, n_test=n_test, seed=seed,
                 baseline={"cross_entropy": baseline_cross_entropy(length)}, info=info,
                 length=length, classes=COPY_SYMBOLS)
