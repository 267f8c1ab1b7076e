"""The temporal-order problem: classify the order of marked symbols among distractors.

Hochreiter & Schmidhuber (1997), experiments 6a (two markers, 4 classes) and 6b (three
markers, 8 classes). A sequence of ``T`` steps starts with a *start* symbol and ends with an
*end* symbol; every other step is a random distractor ``a``, ``b``, ``c`` or ``d``, except at
the marker positions, which hold ``X`` or ``Y``. The class is the sequence of marker symbols:
``XX``, ``XY``, ``YX``, ``YY`` (or ``XXX`` … ``YYY``).

Marker positions scale with ``T`` as in the paper's ``T ≈ 100``: the first lies in
``[0.1 T, 0.2 T]`` and the second in ``[0.5 T, 0.6 T]`` (three markers: ``[0.1, 0.2]``,
``[0.33, 0.43]``, ``[0.66, 0.76]`` × T), so the network must keep the first marker for at
least ``0.8 T`` steps.

Inputs are one-hot over 8 symbols: ``a b c d X Y start end``.

Baseline. Classes are equally likely, so a model that ignores the input scores
``accuracy = 1/K`` and ``cross_entropy = ln K`` (K = 4 or 8).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from rnnlab.datasets._checks import check_choice, check_int
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.registry import register
from rnnlab.datasets.synthetic._common import build, one_hot

SYMBOLS = ["a", "b", "c", "d", "X", "Y", "start", "end"]
X_SYMBOL, START, END = 4, 6, 7
WINDOWS = {2: ((0.1, 0.2), (0.5, 0.6)), 3: ((0.1, 0.2), (0.33, 0.43), (0.66, 0.76))}


def class_names(markers: int) -> list[str]:
    """``["XX", "XY", "YX", "YY"]`` for two markers; the first marker is the leading letter.

    Example:
        >>> class_names(3)[:3]
        ['XXX', 'XXY', 'XYX']
    """
    return ["".join(letters) for letters in itertools.product("XY", repeat=markers)]


def marker_ranges(length: int, markers: int) -> list[tuple[int, int]]:
    """Inclusive step ranges ``(low, high)`` for each marker at sequence length ``length``.

    Example:
        >>> marker_ranges(100, 2)
        [(10, 20), (50, 60)]
    """
    ranges = []
    for low, high in WINDOWS[markers]:
        lo = max(1, round(low * length))
        ranges.append((lo, max(lo, min(length - 2, round(high * length)))))
    return ranges


def generate(rng: np.random.Generator, n: int, length: int,
             markers: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` temporal-order sequences of ``length`` steps.

    Returns:
        ``X`` ``(n, length, 8)`` float32 one-hot and ``y`` ``(n,)`` int64 in ``0 … 2^markers − 1``.

    Example:
        >>> X, y = generate(np.random.default_rng(0), 4, 100)
        >>> X.shape, y.shape, int(X[0, 0].argmax()), int(X[0, -1].argmax())
        ((4, 100, 8), (4,), 6, 7)
    """
    symbols = rng.integers(0, 4, size=(n, length))
    symbols[:, 0] = START
    symbols[:, -1] = END
    rows = np.arange(n)
    labels = np.zeros(n, dtype=np.int64)
    for low, high in marker_ranges(length, markers):
        position = rng.integers(low, high + 1, size=n)
        bit = rng.integers(0, 2, size=n)  # 0 = X, 1 = Y
        symbols[rows, position] = X_SYMBOL + bit
        labels = labels * 2 + bit
    return one_hot(symbols, len(SYMBOLS)), labels


@register("temporal_order", kind="synthetic", task="classify",
          summary="order of 2 (or 3) marked symbols among distractors (H&S 1997)")
def temporal_order(*, length: int = 100, markers: int = 2, n_train: int = 1000, n_val: int = 200,
                   n_test: int = 200, seed: int = 0) -> Dataset:
    """Temporal order: classify which of X/Y appeared at each marker, in order.

    X ``(n, length, 8)`` float32 one-hot; y ``(n,)`` int64 over ``2**markers`` classes;
    baseline ``{"accuracy": 1/K, "cross_entropy": ln K}``.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("temporal_order", n_train=4).classes
        ['XX', 'XY', 'YX', 'YY']
    """
    length = check_int("temporal_order", "length", length, minimum=10)
    markers = check_choice("temporal_order", "markers", markers, (2, 3))
    classes = class_names(markers)
    k = len(classes)
    info = {
        "description": f"temporal order, T={length}: order of {markers} X/Y markers "
                       f"among a/b/c/d distractors",
        "source": "generated (Hochreiter & Schmidhuber 1997, experiment 6a/6b)",
        "licence": "generated data, no licence needed",
        "baseline_formula": "uniform classes: accuracy 1/K, cross-entropy ln K",
        "symbols": SYMBOLS,
        "marker_ranges": marker_ranges(length, markers),
    }
    return build("temporal_order", "classify", lambda rng, n: generate(rng, n, length, markers),
                 n_train=n_train, n_val=n_val, n_test=n_test, seed=seed,
                 baseline={"accuracy": 1.0 / k, "cross_entropy": math.log(k)}, info=info,
                 length=length, classes=classes)
