"""Splits, scalers, tokenisers, padding, bucketing and windows."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlab.datasets import (
    CharTokenizer,
    DataError,
    MinMaxScaler,
    StandardScaler,
    WordTokenizer,
    bucket_by_length,
    make_scaler,
    make_windows,
    pad_sequences,
    scaler_from_dict,
    split_arrays,
    split_indices,
    tokenizer_from_dict,
    unpad,
)

# ----------------------------------------------------------------------------- splits


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), val=st.floats(0, 0.45), test=st.floats(0, 0.45),
       method=st.sampled_from(["random", "block", "stratified"]), seed=st.integers(0, 5))
def test_split_is_a_partition_with_the_requested_sizes(n: int, val: float, test: float,
                                                       method: str, seed: int) -> None:
    ratios = (1 - val - test, val, test)
    labels = np.arange(n) % 3
    parts = split_indices(n, ratios, method=method, labels=labels, seed=seed)
    joined = np.concatenate(parts)
    assert sorted(joined.tolist()) == list(range(n))  # disjoint and complete
    assert len(parts[0]) >= 1
    if method != "stratified":
        assert abs(len(parts[1]) - val * n) <= 1 and abs(len(parts[2]) - test * n) <= 1


def test_block_split_is_contiguous_and_ordered() -> None:
    train, val, test = split_indices(20, (0.5, 0.25, 0.25), method="block")
    assert train.tolist() == list(range(10)) and val.tolist() == list(range(10, 15))
    assert test.tolist() == list(range(15, 20))


def test_random_split_is_seeded() -> None:
    a = split_indices(50, seed=1)
    assert all(np.array_equal(x, y) for x, y in zip(a, split_indices(50, seed=1), strict=True))
    assert not np.array_equal(a[1], split_indices(50, seed=2)[1])


def test_stratified_split_keeps_class_proportions() -> None:
    labels = np.array([0] * 80 + [1] * 20)
    X = np.zeros((100, 3, 1))
    (_, y_train), (_, y_val), (_, y_test) = split_arrays(X, labels, (0.6, 0.2, 0.2),
                                                         method="stratified", seed=0)
    assert np.bincount(y_train).tolist() == [48, 12]
    assert np.bincount(y_val).tolist() == [16, 4] and np.bincount(y_test).tolist() == [16, 4]


def test_split_arrays_accepts_lists() -> None:
    X = [np.zeros((i + 1, 2)) for i in range(10)]
    (Xtr, _), (Xv, _), (Xte, _) = split_arrays(X, np.arange(10), (0.8, 0.1, 0.1))
    assert isinstance(Xtr, list) and len(Xtr) + len(Xv) + len(Xte) == 10


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"ratios": (0.5, 0.5)}, "three non-negative numbers"),
    ({"ratios": (0.5, 0.2, 0.2)}, "sum to 1"),
    ({"ratios": (0.0, 0.5, 0.5)}, "positive train share"),
    ({"method": "shuffle"}, "method must be one of"),
    ({"method": "stratified"}, "needs labels"),
])
def test_bad_split_requests(kwargs: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        split_indices(10, **kwargs)


# ---------------------------------------------------------------------------- scalers
@pytest.mark.parametrize("kind", ["zscore", "minmax"])
def test_scaler_round_trips_through_json(kind: str) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(5, 3, size=(20, 7, 3)).astype(np.float32)
    scaler = make_scaler(kind).fit(X)
    restored = scaler_from_dict(json.loads(json.dumps(scaler.to_dict())))
    np.testing.assert_allclose(restored.transform(X), scaler.transform(X))
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X, rtol=1e-5)


def test_zscore_statistics_are_per_feature() -> None:
    X = np.stack([np.full((4, 5), 1.0), np.full((4, 5), 3.0)], axis=-1)
    X[0, 0] = [3.0, 7.0]
    scaler = StandardScaler().fit(X)
    pooled = X.reshape(-1, 2)
    np.testing.assert_allclose(scaler.to_dict()["mean"], pooled.mean(0))
    np.testing.assert_allclose(scaler.to_dict()["std"], pooled.std(0))
    scaled = scaler.transform(X).reshape(-1, 2)
    np.testing.assert_allclose(scaled.mean(0), 0, atol=1e-6)
    np.testing.assert_allclose(scaled.std(0), 1, atol=1e-6)


def test_minmax_maps_training_range_onto_feature_range() -> None:
    X = np.array([[2.0, -1.0], [6.0, 1.0]])
    out = MinMaxScaler((-1, 1)).fit(X).transform(X)
    assert out.tolist() == [[-1.0, -1.0], [1.0, 1.0]]


def test_scaler_works_on_variable_length_lists_and_constant_features() -> None:
    seqs = [np.array([[1.0, 5.0], [3.0, 5.0]]), np.array([[5.0, 5.0]])]
    scaler = StandardScaler().fit(seqs)
    out = scaler.transform(seqs)
    assert isinstance(out, list) and out[1].shape == (1, 2)
    assert scaler.to_dict()["std"][1] == 1.0  # constant feature: no division by zero
    assert np.all(np.isfinite(np.concatenate(out)))


def test_scaler_errors() -> None:
    with pytest.raises(DataError, match="not fitted"):
        StandardScaler().transform(np.zeros((2, 1)))
    with pytest.raises(DataError, match="NaN or infinite"):
        StandardScaler().fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(DataError, match="3 features, the scaler was fitted on 1"):
        StandardScaler().fit(np.zeros((2, 1))).transform(np.zeros((2, 3)))
    with pytest.raises(DataError, match="scaling gives values beyond float32's range"):
        StandardScaler().fit(np.array([[0.0], [1e-30]])).transform(np.array([[1e30]]))
    with pytest.raises(DataError, match="scale must be one of"):
        make_scaler("robust")
    with pytest.raises(DataError, match="malformed"):
        scaler_from_dict({"type": "zscore", "mean": [0.0]})
    with pytest.raises(DataError, match="unknown scaler type"):
        scaler_from_dict({"type": "log"})


def test_scaler_statistics_do_not_overflow_near_float32_limit() -> None:
    X = np.array([[3e38], [-3e38], [1e38]])
    scaler = StandardScaler().fit(X)
    assert np.all(np.isfinite(scaler.transform(X)))


# ------------------------------------------------------------------------- tokenisers
def test_char_tokenizer_round_trip_and_json() -> None:
    tok = CharTokenizer().fit("hello world")
    ids = tok.encode("low hello")
    assert tok.decode(ids) == "low hello"
    again = tokenizer_from_dict(json.loads(json.dumps(tok.to_dict())))
    assert again.encode("low hello").tolist() == ids.tolist()
    with pytest.raises(DataError, match="'z' is not in the vocabulary"):
        tok.encode("zoo")


def test_char_tokenizer_with_specials() -> None:
    tok = CharTokenizer(oov_token="<unk>", pad_token="<pad>").fit(["ab"])
    assert tok.vocab == ["<pad>", "<unk>", "a", "b"] and tok.encode("abc").tolist() == [2, 3, 1]
    assert tok.decode([2, 0, 0]) == "a"  # padding is skipped


def test_word_tokenizer_vocabulary_and_oov() -> None:
    texts = ["the film was good", "the film was bad", "the plot, the film"]
    tok = WordTokenizer(vocab_size=5).fit(texts)
    assert tok.vocab == ["<pad>", "<unk>", "the", "film", "was"]
    assert tok.encode("The film was great!").tolist() == [2, 3, 4, 1, 1]
    assert tok.tokens("Don't stop, it's 3.5") == ["don't", "stop", ",", "it's", "3", ".", "5"]


@pytest.mark.parametrize(("truncate", "expected"), [("pre", "c d e"), ("post", "a b c")])
def test_word_tokenizer_truncation(truncate: str, expected: str) -> None:
    tok = WordTokenizer(max_length=3, truncate=truncate).fit("a b c d e")
    assert tok.decode(tok.encode("a b c d e")) == expected


def test_word_tokenizer_json_round_trip() -> None:
    tok = WordTokenizer(vocab_size=10, max_length=4, lower=False).fit(["A b a B c"])
    state = json.loads(json.dumps(tok.to_dict()))
    again = tokenizer_from_dict(state)
    assert again.vocab == tok.vocab and again.encode("A B z").tolist() == tok.encode(
        "A B z").tolist()


def test_tokenizer_errors() -> None:
    with pytest.raises(DataError, match="vocab_size must be an integer above 2"):
        WordTokenizer(vocab_size=2)
    with pytest.raises(DataError, match="no vocabulary"):
        WordTokenizer().encode("a")
    with pytest.raises(DataError, match="malformed"):
        tokenizer_from_dict({"type": "char"})
    with pytest.raises(DataError, match="list the special tokens first"):
        tokenizer_from_dict({**WordTokenizer().fit("a").to_dict(), "vocab": ["a", "a"]})


# --------------------------------------------------------------------------- padding
def test_pad_sequences_features_and_lengths() -> None:
    seqs = [np.ones((3, 2), np.float32), np.full((1, 2), 2, np.float32)]
    padded, lengths = pad_sequences(seqs)
    assert padded.shape == (2, 3, 2) and padded.dtype == np.float32
    assert lengths.tolist() == [3, 1] and padded[1, 1:].sum() == 0
    assert [u.shape for u in unpad(padded, lengths)] == [(3, 2), (1, 2)]


def test_pad_sequences_truncation_and_pre_padding() -> None:
    padded, lengths = pad_sequences([np.arange(1, 6), np.array([7])], max_length=3,
                                    padding="pre", truncating="pre")
    assert padded.tolist() == [[3, 4, 5], [0, 0, 7]] and lengths.tolist() == [3, 1]


def test_pad_sequences_rejects_mixed_feature_counts() -> None:
    with pytest.raises(DataError, match="sequence 1 has shape"):
        pad_sequences([np.zeros((2, 3)), np.zeros((2, 4))])
    with pytest.raises(DataError, match="no sequences"):
        pad_sequences([])


@settings(max_examples=50, deadline=None)
@given(lengths=st.lists(st.integers(1, 60), min_size=1, max_size=80),
       batch_size=st.integers(1, 16), seed=st.integers(0, 3))
def test_buckets_cover_every_index_once_with_similar_lengths(lengths: list[int],
                                                             batch_size: int,
                                                             seed: int) -> None:
    lengths_array = np.array(lengths)
    batches = bucket_by_length(lengths_array, batch_size, seed=seed)
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(len(lengths)))
    assert all(len(b) <= batch_size for b in batches)
    # Batches are consecutive runs of the length-sorted order: their ranges never interleave.
    spans = sorted((lengths_array[b].min(), lengths_array[b].max()) for b in batches)
    for (_, high), (low, _) in itertools.pairwise(spans):
        assert high <= low


def test_bucketing_wastes_less_padding_than_random_batches() -> None:
    rng = np.random.default_rng(0)
    lengths = rng.integers(5, 500, size=1000)

    def waste(batches: list[np.ndarray]) -> int:
        return int(sum(lengths[b].max() * len(b) - lengths[b].sum() for b in batches))

    random_batches = np.array_split(rng.permutation(1000), 1000 // 32)
    assert waste(bucket_by_length(lengths, 32)) < 0.1 * waste(list(random_batches))


# --------------------------------------------------------------------------- windows
def test_windows_shapes_and_order_of_multi_step_targets() -> None:
    series = np.stack([np.arange(10.0), 100 + np.arange(10.0)], axis=1)
    X, y, times = make_windows(series, lookback=3, horizon=2, stride=2, targets=[0, 1])
    assert X.shape == (3, 3, 2) and y.shape == (3, 4) and times.tolist() == [3, 5, 7]
    assert y[0].tolist() == [3.0, 103.0, 4.0, 104.0]  # step by step: [t: k values, t+1: …]


def test_windows_respect_start_and_stop() -> None:
    _, y, times = make_windows(np.arange(20.0), lookback=4, horizon=3, start=10, stop=15)
    assert times.tolist() == [10, 11, 12] and y.max() == 14
