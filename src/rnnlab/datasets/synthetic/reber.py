"""The embedded Reber grammar: predict the next symbol of a grammatical string.

Reber (1967) grammar as used by Hochreiter & Schmidhuber (1997, experiment 1). Symbols are
``B T P S X V E`` (ids 0–6). The inner grammar is a finite automaton whose nodes 1–5 each
have two equally likely outgoing edges::

    node 1: T → 2, P → 3        node 4: X → 3, S → 6
    node 2: S → 2, X → 4        node 5: P → 4, V → 6
    node 3: T → 3, V → 5        node 6: end of the inner string

An inner string is ``B``, the symbols of a walk from node 1 to node 6, then ``E``. The
*embedded* string wraps it as ``B c <inner> c E`` with ``c`` = ``T`` or ``P`` (equally likely):
the penultimate symbol repeats the second one, which lies a whole inner string earlier — the
long time lag.

Layout: for a string ``s_0 … s_{L−1}``, ``X`` holds one-hot ``s_0 … s_{L−2}`` and ``y`` the next
symbol ids ``s_1 … s_{L−1}``: one target per step, ``L − 1`` steps.

``length=None`` draws strings from the grammar itself (lengths vary, X is a list).
``length=T`` draws strings with exactly ``T`` steps, uniformly among such strings — which is
exactly the grammar's own distribution conditioned on that length, since every path of a given
length makes the same number of 50/50 choices. That gives a clean knob for the lag.

Baseline. A model that learns nothing predicts the frequency ``p_s`` of each target symbol;
its cross-entropy is the entropy ``H(p) = −Σ p_s ln p_s``, where ``p_s`` is the expected count of
symbol ``s`` per string over the expected number of targets. Both expectations are computed
exactly from the automaton (the fundamental matrix ``(I − Q)⁻¹`` of the walk, or a dynamic
programme over the walk conditioned on its length). ``info["optimal_cross_entropy"]`` is the
best any model can do: the entropy of the grammar per step.
"""

from __future__ import annotations

import math

import numpy as np

from rnnlab.datasets._checks import check_int
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.registry import register
from rnnlab.datasets.synthetic._common import build, one_hot

SYMBOLS = ["B", "T", "P", "S", "X", "V", "E"]
B, T, P, S, X, V, E = range(7)
END_NODE = 6
# EDGE_SYMBOL[node, choice] and EDGE_NEXT[node, choice] for nodes 1–5; rows 0 and 6 are unused.
EDGE_SYMBOL = np.array([[-1, -1], [T, P], [S, X], [T, V], [X, S], [P, V], [-1, -1]])
EDGE_NEXT = np.array([[0, 0], [2, 3], [2, 4], [3, 5], [3, 6], [4, 6], [6, 6]])
MIN_LENGTH = 8  # B c B + three inner symbols (TXS or PVV) + E c E = 9 symbols, 8 steps
WRAPPER_TARGETS = 5  # targets besides the inner walk: c, inner B, inner E, c, E


def _paths_table(steps: int) -> tuple[np.ndarray, np.ndarray]:
    """``p0[node, r]``: chance that the first edge is taken when ``r`` symbols remain, for a
    walk drawn uniformly among those reaching node 6 in exactly ``r`` more symbols; and
    ``log_ways[r]``, the log-number of such walks from node 1.

    Counts grow like 1.6^r, so each column is rescaled (ratios within a column survive).
    """
    ways = np.zeros((7, steps + 1))
    ways[END_NODE, 0] = 1.0
    log_scale = np.zeros(steps + 1)
    p0 = np.full((7, steps + 1), 0.5)
    for r in range(1, steps + 1):
        after = ways[EDGE_NEXT, r - 1]  # (7, 2): walks left after each choice
        column = after.sum(axis=1)
        column[END_NODE] = 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            p0[:, r] = np.where(column > 0, after[:, 0] / column, 0.5)
        top = column.max()
        ways[:, r] = column / top
        log_scale[r] = log_scale[r - 1] + math.log(top)
    return p0, np.log(np.maximum(ways[1], 1e-300)) + log_scale


def _walk(rng: np.random.Generator, n: int, inner_steps: int | None) -> np.ndarray:
    """Symbols of ``n`` inner walks from node 1 to node 6, shape ``(n, max_len)``, -1 after
    the end. ``inner_steps`` fixes the walk length; ``None`` lets the grammar decide."""
    node = np.ones(n, dtype=np.int64)
    rows = []
    if inner_steps is None:
        active = np.ones(n, dtype=bool)
        while active.any():
            choice = rng.integers(0, 2, size=n)
            rows.append(np.where(active, EDGE_SYMBOL[node, choice], -1))
            node = np.where(active, EDGE_NEXT[node, choice], node)
            active &= node != END_NODE
    else:
        p0, _ = _paths_table(inner_steps)
        for remaining in range(inner_steps, 0, -1):
            choice = (rng.random(n) >= p0[node, remaining]).astype(np.int64)
            rows.append(EDGE_SYMBOL[node, choice])
            node = EDGE_NEXT[node, choice]
    return np.stack(rows, axis=1) if rows else np.zeros((n, 0), dtype=np.int64)


def generate(rng: np.random.Generator, n: int,
             length: int | None = None) -> tuple[object, object]:
    """Draw ``n`` embedded Reber strings as next-symbol prediction pairs.

    Returns:
        With ``length``: ``X`` ``(n, length, 7)`` float32 one-hot, ``y`` ``(n, length)`` int64.
        Without: lists of ``(L_i − 1, 7)`` and ``(L_i − 1,)`` arrays.

    Example:
        >>> X, y = generate(np.random.default_rng(0), 2, length=12)
        >>> X.shape, y.shape, "".join(SYMBOLS[s] for s in X[0].argmax(-1))[:3]
        ((2, 12, 7), (2, 12), 'BPB')
    """
    wrap = rng.integers(0, 2, size=n)  # 0 → T, 1 → P, the symbol to remember
    c = np.where(wrap == 0, T, P)
    inner = _walk(rng, n, None if length is None else length - WRAPPER_TARGETS)
    k = (inner >= 0).sum(axis=1)
    total = k + 6
    strings = np.full((n, inner.shape[1] + 6), -1, dtype=np.int64)
    strings[:, 0], strings[:, 1], strings[:, 2] = B, c, B
    strings[:, 3:3 + inner.shape[1]] = inner
    rows = np.arange(n)
    strings[rows, k + 3], strings[rows, k + 4], strings[rows, k + 5] = E, c, E
    if length is not None:
        return one_hot(strings[:, :-1], 7), strings[:, 1:]
    X = [one_hot(strings[i, :total[i] - 1], 7) for i in range(n)]
    y = [strings[i, 1:total[i]].copy() for i in range(n)]
    return X, y


def legal_next(string: np.ndarray) -> np.ndarray:
    """Which symbols may come next after each prefix of one embedded Reber string.

    ``string`` holds the ids ``s_0 … s_{L−1}``; row ``t`` of the ``(L − 1, 7)`` boolean result
    marks the symbols the grammar allows as ``s_{t+1}`` after ``s_0 … s_t``. After the inner
    string's ``E`` only the second symbol may follow — the long-lag step.

    Example:
        >>> string = np.array([B, T, B, T, X, S, E, T, E])
        >>> [[SYMBOLS[k] for k in np.flatnonzero(row)] for row in legal_next(string)[:3]]
        [['T', 'P'], ['B'], ['T', 'P']]
    """
    steps = len(string) - 1
    allowed = np.zeros((steps, len(SYMBOLS)), dtype=bool)
    allowed[0, [T, P]] = True          # after the outer B
    allowed[1, B] = True               # after the wrapper symbol c
    node, t = 1, 2                     # the inner B puts the walk at node 1
    while node != END_NODE:
        allowed[t, EDGE_SYMBOL[node]] = True
        t += 1
        choice = int(np.flatnonzero(EDGE_SYMBOL[node] == string[t])[0])
        node = EDGE_NEXT[node, choice]
    allowed[t, E] = True               # the inner string ends
    allowed[t + 1, string[1]] = True   # the long-lag step: c repeats the second symbol
    allowed[t + 2, E] = True
    return allowed


def symbol_statistics(length: int | None) -> tuple[np.ndarray, float, float]:
    """Exact expected target-symbol counts per string, expected targets per string, and
    expected number of 50/50 choices per string (natural grammar, or conditioned on
    ``length`` steps).

    Example:
        >>> counts, targets, choices = symbol_statistics(None)
        >>> round(targets, 3), round(choices, 3)
        (11.0, 7.0)
    """
    counts = np.zeros(7)
    counts[[T, P]] += 1.0  # the two copies of c: T or P, each with probability 1/2
    counts[B] += 1.0
    counts[E] += 2.0
    if length is None:
        # Expected visits to nodes 1–5 from node 1: first row of (I − Q)⁻¹.
        Q = np.zeros((5, 5))
        for node in range(1, 6):
            for nxt in EDGE_NEXT[node]:
                if nxt != END_NODE:
                    Q[node - 1, nxt - 1] += 0.5
        visits = np.linalg.inv(np.eye(5) - Q)[0]
        probability = np.full((7, 2), 0.5)
        visits = np.concatenate([[0.0], visits, [0.0]])
        inner_steps = float(visits.sum())
    else:
        inner_steps = float(length - WRAPPER_TARGETS)
        p0, _ = _paths_table(int(inner_steps))
        visits = np.zeros(7)
        distribution = np.zeros(7)
        distribution[1] = 1.0
        for remaining in range(int(inner_steps), 0, -1):
            probability = np.stack([p0[:, remaining], 1.0 - p0[:, remaining]], axis=1)
            for choice in (0, 1):
                np.add.at(counts, EDGE_SYMBOL[1:6, choice],
                          distribution[1:6] * probability[1:6, choice])
            moved = np.zeros(7)
            for choice in (0, 1):
                np.add.at(moved, EDGE_NEXT[:, choice], distribution * probability[:, choice])
            distribution = moved
            distribution[0] = 0.0
    if length is None:
        for choice in (0, 1):
            np.add.at(counts, EDGE_SYMBOL[1:6, choice], visits[1:6] * probability[1:6, choice])
    targets = inner_steps + WRAPPER_TARGETS
    return counts, targets, 1.0 + inner_steps


def symbol_frequencies(length: int | None) -> np.ndarray:
    """Expected share ``p_s`` of each symbol among the targets, shape ``(7,)``.

    Example:
        >>> round(float(symbol_frequencies(None)[T]), 4)  # T is the most frequent target
        0.2273
    """
    counts, targets, _ = symbol_statistics(length)
    return counts / targets


def baseline(length: int | None) -> dict[str, float]:
    """Learn-nothing score: the unigram cross-entropy ``H(p) = −Σ p_s ln p_s``.

    Example:
        >>> round(baseline(None)["cross_entropy"], 4)
        1.8823
    """
    p = symbol_frequencies(length)
    nonzero = p[p > 0]
    return {"cross_entropy": float(-(nonzero * np.log(nonzero)).sum())}


def optimal_cross_entropy(length: int | None) -> float:
    """The grammar's entropy per step, the lowest loss any predictor can reach (nats).

    Natural strings: ``E[choices] · ln 2 / E[targets]``. Strings of exactly ``T`` steps:
    ``ln(2 · #walks) / T`` (the wrapper symbol c plus a uniform choice among the walks).

    Example:
        >>> round(optimal_cross_entropy(None), 4)
        0.4411
    """
    if length is None:
        _, targets, choices = symbol_statistics(None)
        return choices * math.log(2.0) / targets
    _, log_ways = _paths_table(length - WRAPPER_TARGETS)
    return (math.log(2.0) + float(log_ways[length - WRAPPER_TARGETS])) / length


@register("reber", kind="synthetic", task="sequence",
          summary="embedded Reber grammar, next-symbol prediction (H&S 1997)")
def reber(*, length: int | None = None, n_train: int = 1000, n_val: int = 200, n_test: int = 200,
          seed: int = 0) -> Dataset:
    """Embedded Reber grammar: predict every next symbol; the second symbol returns at the end.

    X one-hot over 7 symbols, y next-symbol ids (``(n, length, 7)`` / ``(n, length)`` with
    ``length``; lists of variable length without); baseline = unigram cross-entropy.

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("reber", length=20, n_train=4)
        >>> ds.train[0].shape, ds.classes[:3]
        ((4, 20, 7), ['B', 'T', 'P'])
    """
    if length is not None:
        length = check_int("reber", "length", length, minimum=MIN_LENGTH)
    _, targets, _ = symbol_statistics(length)
    info = {
        "description": "embedded Reber grammar, next-symbol prediction, "
                       + ("grammar-length strings" if length is None else f"T={length}"),
        "source": "generated (Reber 1967; embedded form of Hochreiter & Schmidhuber 1997)",
        "licence": "generated data, no licence needed",
        "baseline_formula": "H(p) = −Σ p_s ln p_s with p_s the expected target-symbol frequency",
        "optimal_cross_entropy": optimal_cross_entropy(length),
        "majority_accuracy": float(symbol_frequencies(length).max()),
        "expected_steps": targets,
        "symbols": SYMBOLS,
    }
    return build("reber", "sequence", lambda rng, n: generate(rng, n, length),
                 n_train=n_train, n_val=n_val, n_test=n_test, seed=seed,
                 baseline=baseline(length), info=info, length=length, classes=SYMBOLS)
