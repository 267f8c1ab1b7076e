"""Three long-time-lag tasks exactly as Hochreiter & Schmidhuber (1997) define them.

Source: S. Hochreiter and J. Schmidhuber, *Long Short-Term Memory*, Neural Computation 9(8):
1735–1780, 1997, Section 5 — Experiment 1 (embedded Reber grammar, Table 1), Experiment 4
(adding problem, Table 7) and Experiment 6 (temporal order, tasks 6a and 6b, Table 9).

These differ from the later, simplified forms in :mod:`.adding`, :mod:`.reber` and
:mod:`.temporal_order` (values in [−1, 1] and a scaled target; a fixed set of 256 training
strings; lengths of 100–110 with an *E … B* frame), so each is its own task: a study never puts
the two adding problems in one row. The papers' success criteria — what "solved" meant there —
live in :mod:`rnnlab.study.success`.

Every sequence's length is drawn from ``T … T + T/10`` as in the paper, so ``X`` is a list of
``(time, features)`` arrays. ``n_val`` sequences stand in for the paper's "most recent training
sequences" of the stopping test, and ``n_test = 2560`` is the paper's test-set size.
"""

from __future__ import annotations

import math

import numpy as np

from rnnlab.datasets._checks import check_int
from rnnlab.datasets.baselines import sequence_baseline
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.registry import register
from rnnlab.datasets.synthetic import reber as reber_grammar
from rnnlab.datasets.synthetic._common import build, one_hot, split_generators

SOURCE = "Hochreiter & Schmidhuber 1997, Neural Computation 9(8):1735–1780"
#: Sequence orders of task 6a / 6b named by the paper's class letters (X, X → Q; X, Y → R …).
ORDER_CLASSES = {2: ["Q", "R", "S", "U"], 3: ["Q", "R", "S", "U", "V", "A", "B", "C"]}
#: Windows for the X/Y positions, in steps, at the paper's T = 100 (scaled by T/100 otherwise).
ORDER_WINDOWS = {2: ((10, 20), (50, 60)), 3: ((10, 20), (33, 43), (66, 76))}
ORDER_SYMBOLS = ["a", "b", "c", "d", "X", "Y", "E", "B"]


def draw_lengths(rng: np.random.Generator, n: int, length: int) -> np.ndarray:
    """Lengths drawn uniformly from the integers ``T … T + ⌊T/10⌋`` (the paper's "between T and
    T + T/10").

    Example:
        >>> sorted(set(draw_lengths(np.random.default_rng(0), 200, 100).tolist()))[:2]
        [100, 101]
    """
    return rng.integers(length, length + length // 10 + 1, size=n)


# --------------------------------------------------------------------------- adding problem
def adding_zero_chance(length: int) -> float:
    """Probability that the first pair is marked (its value is then set to zero): the first
    draw picks it with 1/10, else the second draw with ``1 / (T/2 − 1)``."""
    return 0.1 + 0.9 / (length // 2 - 1)


def adding_baseline_mse(length: int) -> float:
    """MSE of the constant ``E[y] = 0.5``: ``Var(X1 + X2) / 16`` with each marked value
    ``U[−1, 1]`` (variance 1/3) except the zeroed first pair.

    Example:
        >>> round(adding_baseline_mse(100), 5)
        0.0392
    """
    return (2.0 / 3.0 - adding_zero_chance(length) / 3.0) / 16.0


def generate_adding(rng: np.random.Generator, n: int, length: int) -> tuple[list, np.ndarray]:
    """``n`` adding-problem sequences of Experiment 4 with minimal length ``length``.

    Each step is a pair (value ``U[−1, 1]``, marker). The first marked pair is one of the first
    ten, the second one of the first ``T/2 − 1`` pairs still unmarked; both markers are 1.0. The
    first and the last pair carry marker −1 unless marked. A marked first pair has its value set
    to zero (the paper says so for X1; we apply it whichever draw lands there).
    Target: ``0.5 + (X1 + X2) / 4``.

    Returns:
        a list of ``(L_i, 2)`` float32 arrays and ``y`` ``(n, 1)`` float32.

    Example:
        >>> X, y = generate_adding(np.random.default_rng(0), 2, 40)
        >>> len(X), X[0].shape[1], sorted(np.unique(X[0][:, 1]).tolist())
        (2, 2, [-1.0, 0.0, 1.0])
    """
    lengths = draw_lengths(rng, n, length)
    half = length // 2
    first = rng.integers(0, 10, size=n)
    second = rng.integers(0, half - 1, size=n)
    second = second + (second >= first)   # uniform over the first T/2 pairs except `first`
    X, y = [], np.zeros((n, 1), dtype=np.float32)
    for i in range(n):
        steps = int(lengths[i])
        values = rng.uniform(-1.0, 1.0, size=steps).astype(np.float32)
        markers = np.zeros(steps, dtype=np.float32)
        markers[0] = markers[-1] = -1.0
        markers[[first[i], second[i]]] = 1.0
        if markers[0] == 1.0:
            values[0] = 0.0
        total = float(values[first[i]]) + float(values[second[i]])
        y[i, 0] = 0.5 + total / 4.0
        X.append(np.stack([values, markers], axis=-1))
    return X, y


@register("adding_hs97", kind="synthetic", task="regress",
          summary="adding problem as in Hochreiter & Schmidhuber 1997 (values in [−1, 1], "
                  "target 0.5 + (X1 + X2)/4)")
def adding_hs97(*, length: int = 100, n_train: int = 10000, n_val: int = 2000,
                n_test: int = 2560, seed: int = 0) -> Dataset:
    """Adding problem of H&S 1997, Experiment 4 (Table 7): lengths ``T … T + T/10``.

    A sequence is processed correctly when the absolute error at its end is below 0.04 (see
    :mod:`rnnlab.study.success`). X a list of ``(L_i, 2)`` float32 (value, marker); y ``(n, 1)``;
    baseline ``{"mse": Var(y)}`` ≈ 0.0392 at T = 100.

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("adding_hs97", n_train=4, n_val=2, n_test=2)
        >>> len(ds.train[0]), ds.train[1].shape, round(ds.baseline["mse"], 4)
        (4, (4, 1), 0.0392)
    """
    length = check_int("adding_hs97", "length", length, minimum=22)
    info = {
        "description": f"adding problem of H&S 1997, T={length}: lengths {length}–"
                       f"{length + length // 10}, y = 0.5 + (X1 + X2)/4",
        "source": f"generated ({SOURCE}, Experiment 4)",
        "licence": "generated data, no licence needed",
        "baseline_formula": "Var(X1 + X2)/16 with X ~ U[−1, 1] (variance 1/3) and the zeroed "
                            "first pair; predict 0.5",
        "features": ["value", "marker"],
        "minimal_lag": length // 2,
    }
    return build("adding_hs97", "regress", lambda rng, n: generate_adding(rng, n, length),
                 n_train=n_train, n_val=n_val, n_test=n_test, seed=seed,
                 baseline={"mse": adding_baseline_mse(length)}, info=info, length=length)


# --------------------------------------------------------------------------- temporal order
def order_windows(length: int, markers: int) -> list[tuple[int, int]]:
    """Inclusive position windows of the X/Y symbols: the paper's at ``T = 100``, scaled by
    ``T/100`` otherwise.

    Example:
        >>> order_windows(100, 3)
        [(10, 20), (33, 43), (66, 76)]
    """
    scale = length / 100.0
    return [(max(1, round(low * scale)), max(1, round(high * scale)))
            for low, high in ORDER_WINDOWS[markers]]


def generate_order(rng: np.random.Generator, n: int, length: int,
                   markers: int) -> tuple[list, np.ndarray]:
    """``n`` temporal-order sequences of task 6a (``markers=2``) or 6b (``markers=3``).

    A sequence starts with *E*, ends with the trigger *B*, holds X or Y at one position in each
    window of :func:`order_windows` and random a/b/c/d elsewhere; lengths ``T … T + T/10``.
    The class is the order of X/Y read as binary digits (X = 0, Y = 1): XX → Q, XY → R, …

    Returns:
        a list of ``(L_i, 8)`` float32 one-hot arrays and ``y`` ``(n,)`` int64.

    Example:
        >>> X, y = generate_order(np.random.default_rng(0), 3, 100, 2)
        >>> [ORDER_SYMBOLS[int(i)] for i in (X[0][0].argmax(), X[0][-1].argmax())]
        ['E', 'B']
    """
    lengths = draw_lengths(rng, n, length)
    windows = order_windows(length, markers)
    X, y = [], np.zeros(n, dtype=np.int64)
    for i in range(n):
        symbols = rng.integers(0, 4, size=int(lengths[i]))
        symbols[0], symbols[-1] = ORDER_SYMBOLS.index("E"), ORDER_SYMBOLS.index("B")
        label = 0
        for low, high in windows:
            bit = int(rng.integers(0, 2))
            symbols[rng.integers(low, high + 1)] = ORDER_SYMBOLS.index("X") + bit
            label = label * 2 + bit
        y[i] = label
        X.append(one_hot(symbols, len(ORDER_SYMBOLS)))
    return X, y


def _order(name: str, markers: int, length: int, n_train: int, n_val: int, n_test: int,
           seed: int) -> Dataset:
    length = check_int(name, "length", length, minimum=20)
    classes = ORDER_CLASSES[markers]
    k = len(classes)
    info = {
        "description": f"temporal order, task 6{'ab'[markers - 2]} of H&S 1997: {markers} X/Y "
                       f"among a/b/c/d, lengths {length}–{length + length // 10}",
        "source": f"generated ({SOURCE}, Experiment 6{'ab'[markers - 2]})",
        "licence": "generated data, no licence needed",
        "baseline_formula": "uniform classes: accuracy 1/K, cross-entropy ln K",
        "symbols": ORDER_SYMBOLS,
        "marker_windows": order_windows(length, markers),
    }
    return build(name, "classify", lambda rng, n: generate_order(rng, n, length, markers),
                 n_train=n_train, n_val=n_val, n_test=n_test, seed=seed,
                 baseline={"accuracy": 1.0 / k, "cross_entropy": math.log(k)}, info=info,
                 length=length, classes=classes)


@register("temporal_order_6a", kind="synthetic", task="classify",
          summary="temporal order of 2 widely separated X/Y, task 6a of H&S 1997")
def temporal_order_6a(*, length: int = 100, n_train: int = 10000, n_val: int = 2000,
                      n_test: int = 2560, seed: int = 0) -> Dataset:
    """Task 6a of H&S 1997 (Table 9): X/Y at steps 10–20 and 50–60 of 100–110; 4 classes.

    A sequence is classified correctly when every output's absolute error is below 0.3 (the
    true class's probability above 0.7). X a list of ``(L_i, 8)`` one-hot; y ``(n,)`` int64.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("temporal_order_6a", n_train=4, n_val=2, n_test=2).classes
        ['Q', 'R', 'S', 'U']
    """
    return _order("temporal_order_6a", 2, length, n_train, n_val, n_test, seed)


@register("temporal_order_6b", kind="synthetic", task="classify",
          summary="temporal order of 3 widely separated X/Y, task 6b of H&S 1997")
def temporal_order_6b(*, length: int = 100, n_train: int = 10000, n_val: int = 2000,
                      n_test: int = 2560, seed: int = 0) -> Dataset:
    """Task 6b of H&S 1997 (Table 9): X/Y at steps 10–20, 33–43 and 66–76; 8 classes.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("temporal_order_6b", n_train=4, n_val=2, n_test=2).num_classes
        8
    """
    return _order("temporal_order_6b", 3, length, n_train, n_val, n_test, seed)


# --------------------------------------------------------------------------- embedded Reber
def _strings(rng: np.random.Generator, n: int, exclude: set[bytes]) -> list[np.ndarray]:
    """``n`` embedded Reber strings (symbol ids) drawn from the grammar, none in ``exclude``."""
    out: list[np.ndarray] = []
    while len(out) < n:
        X, y = reber_grammar.generate(rng, 2 * (n - len(out)) + 8)
        for inputs, targets in zip(X, y, strict=True):
            string = np.concatenate([inputs.argmax(axis=-1), targets[-1:]]).astype(np.int64)
            if string.tobytes() not in exclude and len(out) < n:
                out.append(string)
    return out


def _pairs(strings: list[np.ndarray]) -> tuple[list, list]:
    return ([one_hot(s[:-1], len(reber_grammar.SYMBOLS)) for s in strings],
            [s[1:].copy() for s in strings])


@register("reber_hs97", kind="synthetic", task="sequence",
          summary="embedded Reber grammar as in H&S 1997: 256 training strings, unseen test "
                  "strings")
def reber_hs97(*, strings: int | None = None, n_train: int = 256, n_val: int = 256,
               n_test: int = 256, seed: int = 0) -> Dataset:
    """Embedded Reber grammar of H&S 1997, Experiment 1 (Table 1): a fixed training set of
    ``strings`` strings; validation and test strings are drawn anew and never repeat one of
    the training strings (the paper: "sequences already used in the training set are not used
    for testing").

    The paper picks its training exemplars at random from the 256 training strings, so a
    training epoch here is ``n_train`` presentations of them: the training split cycles through
    the ``strings`` drawn strings (``None``: as many as ``n_train``; they are its first
    ``strings`` rows, see ``info["training_strings"]``), each appearing ``n_train / strings``
    times, shuffled by training.

    The paper scores a string as right when at every step the output units of the possible
    next symbols are the most active ones (:mod:`rnnlab.study.success`); the long-lag part is
    the symbol before last, which repeats the second. Baseline: the cross-entropy of the
    training symbol frequencies on the test split.

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("reber_hs97", strings=8, n_train=24, n_val=4, n_test=4)
        >>> len(ds.train[0]), ds.info["training_strings"], ds.classes[:3]
        (24, 8, ['B', 'T', 'P'])
    """
    n_train = check_int("reber_hs97", "n_train", n_train, minimum=1)
    strings = n_train if strings is None else check_int("reber_hs97", "strings", strings,
                                                        minimum=1, maximum=n_train)
    sizes = [n_train,
             check_int("reber_hs97", "n_val", n_val, minimum=0),
             check_int("reber_hs97", "n_test", n_test, minimum=0)]
    seed = check_int("reber_hs97", "seed", seed, minimum=0)
    rngs = split_generators(seed)
    distinct = _strings(rngs[0], strings, set())
    train = [distinct[i % strings] for i in range(sizes[0])]
    seen = {s.tobytes() for s in distinct}
    splits = [_pairs(train), _pairs(_strings(rngs[1], sizes[1], seen)),
              _pairs(_strings(rngs[2], sizes[2], seen))]
    info = {
        "description": f"embedded Reber grammar of H&S 1997: {strings} training strings "
                       f"({sizes[0]} presentations per epoch), validation and test strings "
                       f"unseen in training",
        "training_strings": strings,
        "source": f"generated ({SOURCE}, Experiment 1; Reber 1967)",
        "licence": "generated data, no licence needed",
        "baseline_formula": "cross-entropy of the training symbol frequencies on the test split",
        "symbols": reber_grammar.SYMBOLS,
    }
    return Dataset(name="reber_hs97", task="sequence", train=splits[0], val=splits[1],
                   test=splits[2],
                   baseline=sequence_baseline(splits[0][1], splits[2][1], 7), info=info,
                   classes=list(reber_grammar.SYMBOLS))
