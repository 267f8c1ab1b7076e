"""Synthetic tasks: layout, determinism, and baselines that match their formulas.

Each baseline test computes the score of a model that learns nothing *on generated data* and
checks that it agrees with the formula the dataset states, within four standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnlab.datasets import load
from rnnlab.datasets.synthetic import reber as reber_module
from rnnlab.datasets.synthetic import temporal_order as order_module

SYNTHETIC = ["adding", "copy", "mackey_glass", "reber", "recall", "sine", "temporal_order"]
SMALL = {"n_train": 20, "n_val": 5, "n_test": 7}


def _bytes(X: object) -> bytes:
    if isinstance(X, np.ndarray):
        return X.dtype.str.encode() + str(X.shape).encode() + X.tobytes()
    return b"|".join(_bytes(x) for x in X)  # type: ignore[union-attr]


def _all_bytes(name: str, **params: object) -> list[bytes]:
    ds = load(name, **SMALL, **params)
    return [_bytes(part) for split in (ds.train, ds.val, ds.test) for part in split]


def _close(empirical: np.ndarray, formula: float) -> None:
    """The mean of per-example scores is within 4 standard errors of the formula."""
    mean = float(np.mean(empirical))
    se = float(np.std(empirical)) / math.sqrt(empirical.size)
    assert abs(mean - formula) <= 4 * se + 1e-9, (mean, formula, se)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_same_seed_gives_byte_identical_data(name: str) -> None:
    assert _all_bytes(name, seed=7) == _all_bytes(name, seed=7)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_different_seeds_give_different_data(name: str) -> None:
    first, second = _all_bytes(name, seed=1), _all_bytes(name, seed=2)
    assert all(a != b for a, b in zip(first, second, strict=True) if b"(0" not in a)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_test_split_does_not_depend_on_training_size(name: str) -> None:
    small = load(name, n_train=5, n_val=3, n_test=4, seed=5)
    large = load(name, n_train=50, n_val=3, n_test=4, seed=5)
    assert _bytes(small.test[0]) == _bytes(large.test[0])
    assert _bytes(small.test[1]) == _bytes(large.test[1])


@pytest.mark.parametrize("name", SYNTHETIC)
def test_dtypes_and_sizes(name: str) -> None:
    ds = load(name, length=20, **SMALL)
    X, y = ds.train
    assert X.dtype == np.float32 and X.shape[0] == 20
    assert X.shape[1] == (40 if name == "copy" else 20)
    assert ds.sizes() == {"train": 20, "val": 5, "test": 7}
    if ds.task == "regress":
        assert y.dtype == np.float32 and y.ndim == 2
    else:
        assert y.dtype == np.int64
        assert y.min() >= 0 and y.max() < ds.num_classes


# ---------------------------------------------------------------------------- adding
def test_adding_layout() -> None:
    X, y = load("adding", length=30, n_train=200).train
    markers = X[:, :, 1]
    assert np.all(markers[:, :15].sum(axis=1) == 1) and np.all(markers[:, 15:].sum(axis=1) == 1)
    assert np.all((X[:, :, 0] >= 0) & (X[:, :, 0] < 1))
    np.testing.assert_allclose(y[:, 0], (X[:, :, 0] * markers).sum(axis=1), rtol=1e-6)


def test_adding_baseline_is_one_sixth() -> None:
    ds = load("adding", length=40, n_train=20000, n_test=20000)
    assert ds.baseline == {"mse": pytest.approx(1 / 6)}
    mean = ds.train[1].mean()
    _close((ds.test[1][:, 0].astype(np.float64) - mean) ** 2, ds.baseline["mse"])


# ------------------------------------------------------------------------------ copy
def test_copy_layout() -> None:
    T = 12
    X, y = load("copy", length=T, n_train=50).train
    symbols = X.argmax(axis=-1)
    assert X.shape == (50, T + 20, 10) and np.all(X.sum(axis=-1) == 1)
    assert np.all(symbols[:, :10] < 8) and np.all(symbols[:, 10:T + 9] == 8)
    assert np.all(symbols[:, T + 9] == 9) and np.all(symbols[:, T + 10:] == 8)
    assert np.all(y[:, :T + 10] == 8) and np.array_equal(y[:, T + 10:], symbols[:, :10])


@pytest.mark.parametrize("T", [10, 100])
def test_copy_baseline_matches_the_memoryless_strategy(T: int) -> None:
    ds = load("copy", length=T, n_train=4000, n_test=4000)
    assert ds.baseline["cross_entropy"] == pytest.approx(10 * math.log(8) / (T + 20))
    # The best memoryless model: per-step symbol frequencies of the training targets.
    y_train, y_test = ds.train[1], ds.test[1]
    counts = np.stack([np.bincount(y_train[:, t], minlength=10) for t in range(T + 20)])
    p = np.maximum(counts / counts.sum(axis=1, keepdims=True), 1e-12)
    loss = -np.log(p[np.arange(T + 20)[None, :], y_test]).mean(axis=1)
    # Frequencies fitted on n examples cost about (K − 1) / 2n nats extra on new data at each
    # of the 10 uniform steps (K = 8): a known bias, allowed for here.
    bias = 7 / (2 * len(y_train)) * 10 / (T + 20)
    _close(loss - bias, ds.baseline["cross_entropy"])


# ----------------------------------------------------------------------------- reber
def _accepts(symbols: str) -> bool:
    """Does the embedded Reber automaton accept this string?"""
    if len(symbols) < 9 or symbols[0] != "B" or symbols[-1] != "E":
        return False
    if symbols[1] not in "TP" or symbols[-2] != symbols[1] or symbols[2] != "B":
        return False
    inner = symbols[3:-3]
    edges = {1: {"T": 2, "P": 3}, 2: {"S": 2, "X": 4}, 3: {"T": 3, "V": 5},
             4: {"X": 3, "S": 6}, 5: {"P": 4, "V": 6}}
    node = 1
    for symbol in inner:
        if node == 6 or symbol not in edges[node]:
            return False
        node = edges[node][symbol]
    return node == 6 and symbols[-3] == "E"


@pytest.mark.parametrize("length", [None, 8, 25])
def test_reber_strings_are_grammatical(length: int | None) -> None:
    ds = load("reber", length=length, n_train=300)
    X, y = ds.train
    for x, target in zip(X, y, strict=True):
        string = "".join(reber_module.SYMBOLS[s] for s in x.argmax(axis=-1))
        string += reber_module.SYMBOLS[int(target[-1])]
        assert _accepts(string), string
        assert np.array_equal(x.argmax(axis=-1)[1:], target[:-1])  # y is X shifted by one
        if length is not None:
            assert len(x) == length


def test_reber_natural_lengths_vary_and_have_the_expected_mean() -> None:
    X, _ = load("reber", n_train=5000).train
    lengths = np.array([len(x) for x in X])
    assert isinstance(X, list) and lengths.min() == 8 and lengths.max() > 20
    _close(lengths.astype(float), 11.0)  # E[steps] = E[inner walk] + 5 = 6 + 5


@pytest.mark.parametrize("length", [None, 30])
def test_reber_baseline_is_the_unigram_entropy(length: int | None) -> None:
    ds = load("reber", length=length, n_train=5000, n_test=5000)
    train = np.concatenate([np.ravel(t) for t in ds.train[1]])
    p = (np.bincount(train, minlength=7) + 1) / (train.size + 7)
    # Token losses within one string are correlated, so the standard error is taken over
    # strings (a ratio estimator): per-string loss sums against per-string token counts.
    sums = np.array([-np.log(p[np.ravel(t)]).sum() for t in ds.test[1]])
    counts = np.array([np.size(t) for t in ds.test[1]], dtype=float)
    formula = ds.baseline["cross_entropy"]
    residual = (sums - formula * counts) / counts.mean()
    _close(residual, 0.0)
    majority = int(np.argmax(p))
    hits = np.array([(np.ravel(t) == majority).sum() for t in ds.test[1]])
    _close((hits - ds.info["majority_accuracy"] * counts) / counts.mean(), 0.0)
    assert set(ds.baseline) == {"cross_entropy"}  # sequence tasks are scored by cross-entropy


def test_reber_optimum_is_below_the_baseline() -> None:
    for length in (None, 8, 50, 300):
        ds = load("reber", length=length, n_train=2, n_val=0, n_test=2)
        assert 0 < ds.info["optimal_cross_entropy"] < ds.baseline["cross_entropy"]


def test_reber_with_a_length_is_uniform_over_strings_of_that_length() -> None:
    # Length 9 (one step more than the shortest) leaves inner walks of 4 symbols; the grammar
    # conditioned on that length makes each such string equally likely (a χ² check).
    X, _ = load("reber", length=9, n_train=8000).train
    strings = ["".join(reber_module.SYMBOLS[s] for s in x.argmax(-1)) for x in X]
    _, counts = np.unique(strings, return_counts=True)
    expected = len(strings) / len(counts)
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < len(counts) - 1 + 5 * math.sqrt(2 * (len(counts) - 1))


# -------------------------------------------------------------------- temporal order
@pytest.mark.parametrize("markers", [2, 3])
def test_temporal_order_layout_and_labels(markers: int) -> None:
    T = 100
    ds = load("temporal_order", length=T, markers=markers, n_train=500)
    X, y = ds.train
    symbols = X.argmax(axis=-1)
    assert np.all(symbols[:, 0] == 6) and np.all(symbols[:, -1] == 7)
    assert ds.num_classes == 2**markers
    for row, label in zip(symbols, y, strict=True):
        positions = np.flatnonzero((row == 4) | (row == 5))
        assert len(positions) == markers
        for position, (low, high) in zip(positions, order_module.marker_ranges(T, markers),
                                         strict=True):
            assert low <= position <= high
        assert ds.classes[label] == "".join("XY"[s - 4] for s in row[positions])


def test_temporal_order_baseline() -> None:
    ds = load("temporal_order", length=20, n_train=20000, n_test=20000)
    counts = np.bincount(ds.train[1], minlength=4)
    prior = (counts + 1) / (counts.sum() + 4)
    _close((ds.test[1] == counts.argmax()).astype(float), ds.baseline["accuracy"])
    _close(-np.log(prior[ds.test[1]]), ds.baseline["cross_entropy"])
    assert ds.baseline == {"accuracy": 0.25, "cross_entropy": pytest.approx(math.log(4))}


# ---------------------------------------------------------------------------- recall
def test_recall_signal_noise_and_query() -> None:
    ds = load("recall", length=25, num_classes=3, noise=0.5, n_train=2000)
    X, y = ds.train
    assert X.shape == (2000, 25, 4)
    assert np.array_equal(X[:, 0, :3].argmax(axis=-1), y) and np.all(X[:, 0, :3].sum(-1) == 1)
    assert np.all(X[:, :-1, 3] == 0) and np.all(X[:, -1, 3] == 1)
    assert X[:, 1:, :3].std() == pytest.approx(0.5, rel=0.02)


def test_recall_baseline() -> None:
    ds = load("recall", length=5, num_classes=5, n_train=20000, n_test=20000)
    counts = np.bincount(ds.train[1], minlength=5)
    _close((ds.test[1] == counts.argmax()).astype(float), 0.2)
    prior = (counts + 1) / (counts.sum() + 5)
    _close(-np.log(prior[ds.test[1]]), math.log(5))


# ------------------------------------------------------------------------ forecasting
@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_sine_baseline(noise: float) -> None:
    ds = load("sine", length=20, horizon=3, noise=noise, n_train=20000, n_test=20000)
    assert ds.baseline["mse"] == pytest.approx(0.5 + noise**2)
    mean = ds.train[1].astype(np.float64).mean(axis=0)
    _close(((ds.test[1] - mean) ** 2).mean(axis=1), ds.baseline["mse"])


def test_sine_targets_continue_the_inputs() -> None:
    X, y = load("sine", length=40, horizon=2, n_train=50).train
    # A sine obeys s_{t+1} = 2 cos(ω) s_t − s_{t−1}; fit ω from the inputs, predict the targets.
    s = X[:, :, 0].astype(np.float64)
    two_cos = ((s[:, 2:] + s[:, :-2]) * s[:, 1:-1]).sum(1) / (s[:, 1:-1] ** 2).sum(1)
    predicted = two_cos * s[:, -1] - s[:, -2]
    np.testing.assert_allclose(predicted, y[:, 0], atol=1e-4)


def test_mackey_glass_baseline_is_the_attractor_variance() -> None:
    ds = load("mackey_glass", length=10, n_train=3000, n_val=0, n_test=3000)
    mean = ds.train[1].astype(np.float64).mean()
    _close((ds.test[1][:, 0] - mean) ** 2, ds.baseline["mse"])
    series = np.concatenate([ds.train[0][:, :, 0], ds.train[1]], axis=1)
    assert 0.2 < series.min() and series.max() < 1.5  # on the attractor, not in a transient


def test_mackey_glass_windows_are_continuous() -> None:
    X, y = load("mackey_glass", length=30, horizon=2, n_train=20, n_val=0, n_test=0).train
    steps = np.abs(np.diff(np.concatenate([X[:, :, 0], y], axis=1), axis=1))
    assert steps.max() < 0.25  # one time unit apart: a smooth trajectory, no seams
