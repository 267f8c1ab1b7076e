"""Text corpora read from ../shared/data (skipped, with the reason, when it is absent)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.datasets import load


@pytest.fixture(scope="module")
def polarity(corpus_folder) -> object:
    folder = corpus_folder("nltk_data/corpora/sentence_polarity.zip")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNNLAB_DATA", str(folder))
        return load("polarity", download=False)


@pytest.fixture(scope="module")
def shakespeare(corpus_folder) -> object:
    folder = corpus_folder("tinyshakespeare/input.txt")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNNLAB_DATA", str(folder))
        return load("shakespeare", download=False)


def test_polarity_has_10662_balanced_snippets(polarity) -> None:
    assert sum(polarity.sizes().values()) == 10662
    labels = np.concatenate([polarity.train[1], polarity.val[1], polarity.test[1]])
    assert np.bincount(labels).tolist() == [5331, 5331]
    assert polarity.classes == ["neg", "pos"] and polarity.task == "classify"
    for split in ("train", "val", "test"):  # stratified: every split stays balanced
        counts = np.bincount(getattr(polarity, split)[1])
        assert abs(int(counts[0]) - int(counts[1])) <= 1
    assert polarity.baseline["accuracy"] == pytest.approx(0.5)
    assert "CC BY 4.0" in polarity.info["licence"]


def test_polarity_token_ids_decode_to_words(polarity) -> None:
    X = polarity.train[0]
    assert isinstance(X, list) and X[0].dtype == np.int64
    assert max(len(x) for x in X) <= 60 and min(len(x) for x in X) >= 1
    assert polarity.vocab_size <= 20000 and polarity.vocab[:2] == ["<pad>", "<unk>"]
    words = polarity.tokenizer.decode(X[0]).split()
    assert words and all(w in polarity.vocab for w in words)
    assert polarity.is_text and polarity.input_size is None


def test_shakespeare_has_a_65_character_vocabulary(shakespeare) -> None:
    assert shakespeare.vocab_size == 65 and len(shakespeare.vocab) == 65
    assert shakespeare.num_classes == 65 and shakespeare.task == "sequence"
    X, y = shakespeare.train
    assert X.shape[1] == 100 and X.dtype == np.int64
    np.testing.assert_array_equal(X[:, 1:], y[:, :-1])  # y is X one character ahead
    assert shakespeare.tokenizer.decode(X[0][:14]) == "First Citizen:"
    tokens = shakespeare.info["tokens"]
    assert tokens == 1115394
    # Unigram entropy of English characters is a little over 3 nats' worth of guessing.
    assert 3.0 < shakespeare.baseline["cross_entropy"] < 3.6


def test_shakespeare_chunks_follow_each_other(corpus_folder) -> None:
    folder = corpus_folder("tinyshakespeare/input.txt")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNNLAB_DATA", str(folder))
        ds = load("shakespeare", length=50, stride=25, ratios=(0.98, 0.01, 0.01))
    X = ds.train[0]
    np.testing.assert_array_equal(X[0, 25:], X[1, :25])  # overlapping by the stride


def test_movie_reviews_has_2000_reviews(corpus_folder) -> None:
    folder = corpus_folder("nltk_data/corpora/movie_reviews.zip")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNNLAB_DATA", str(folder))
        ds = load("movie_reviews", max_length=100, vocab_size=5000)
    assert ds.sizes() == {"train": 1600, "val": 200, "test": 200}
    labels = np.concatenate([ds.train[1], ds.val[1], ds.test[1]])
    assert np.bincount(labels).tolist() == [1000, 1000]
    assert max(len(x) for x in ds.train[0]) == 100 and ds.vocab_size == 5000
