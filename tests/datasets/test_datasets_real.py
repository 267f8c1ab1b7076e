"""Real data that needs no network: digits, sunspots, airline, Japanese vowels."""

from __future__ import annotations

import gzip
import hashlib
from importlib import resources

import numpy as np
import pytest

from rnnlab.datasets import DataError, load
from rnnlab.datasets.files._read import read_csv

VOWEL_SHA256 = {
    "TRAIN": "68a430eabd919cc77f40b1f5f3bc0dcafacc1486bca9260785aeb7d262cc78cd",
    "TEST": "b3d41d6a0ca3bcad3afb9ca7d4365382aa51341e2e58bae2a574babdda5b9462",
}


def _bundled(name: str) -> bytes:
    return resources.files("rnnlab.datasets").joinpath("bundled").joinpath(name).read_bytes()


@pytest.fixture
def no_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bundled data must load with no $RNNLAB_DATA and an empty cache."""
    monkeypatch.delenv("RNNLAB_DATA", raising=False)


# ---------------------------------------------------------------------- Japanese vowels
@pytest.mark.usefixtures("no_data_folder")
def test_japanese_vowels_published_split() -> None:
    ds = load("japanese_vowels", val_fraction=0.0)
    assert ds.sizes() == {"train": 270, "val": 0, "test": 370}
    assert ds.task == "classify" and ds.num_classes == 9 and ds.input_size == 12
    assert ds.classes == [str(k) for k in range(1, 10)]
    assert np.bincount(ds.train[1]).tolist() == [30] * 9
    assert np.bincount(ds.test[1]).tolist() == [31, 35, 88, 44, 29, 24, 40, 50, 29]
    lengths = np.concatenate([ds.lengths("train"), ds.lengths("test")])
    assert lengths.min() == 7 and lengths.max() == 29
    X = ds.train[0]
    assert isinstance(X, list) and all(x.dtype == np.float32 and x.shape[1] == 12 for x in X)
    assert ds.info["licence"] and "sktime" in ds.info["source"] and "UCI" in ds.info["source"]


@pytest.mark.usefixtures("no_data_folder")
def test_japanese_vowels_validation_is_carved_from_training() -> None:
    ds = load("japanese_vowels")
    assert ds.sizes() == {"train": 216, "val": 54, "test": 370}
    assert np.bincount(ds.val[1]).tolist() == [6] * 9
    full = load("japanese_vowels", val_fraction=0.0)
    as_bytes = {x.tobytes() for x in full.train[0]}
    assert all(x.tobytes() in as_bytes for x in ds.train[0] + ds.val[0])
    assert ds.baseline["cross_entropy"] == pytest.approx(np.log(9), abs=0.2)
    with pytest.raises(DataError, match=r"val_fraction must be at most 0\.9"):
        load("japanese_vowels", val_fraction=0.95)


def test_japanese_vowels_files_are_the_originals() -> None:
    for part, digest in VOWEL_SHA256.items():
        data = gzip.decompress(_bundled(f"JapaneseVowels_{part}.ts.gz"))
        assert hashlib.sha256(data).hexdigest() == digest


def test_japanese_vowels_first_frame_matches_the_file() -> None:
    ds = load("japanese_vowels", val_fraction=0.0)
    # First series of the training file, first frame of channels 1 and 2.
    assert ds.train[0][0][0, :2].tolist() == pytest.approx([1.860936, -0.207383])
    assert len(ds.train[0][0]) == 20 and ds.train[1][0] == 0


# ------------------------------------------------------------------------------ digits
def test_digits_rows_as_steps() -> None:
    ds = load("digits")
    assert ds.train[0].shape[1:] == (8, 8) and sum(ds.sizes().values()) == 1797
    assert ds.num_classes == 10 and ds.train[0].dtype == np.float32
    assert 0.0 <= min(ds.train[0].min(), ds.test[0].min())
    assert max(ds.train[0].max(), ds.test[0].max()) <= 1.0
    shares = np.bincount(ds.test[1]) / len(ds.test[1])
    assert np.all(np.abs(shares - 0.1) < 0.02)  # stratified


def test_digits_pixels_as_steps_are_the_same_images() -> None:
    rows, pixels = load("digits"), load("digits", pixels=True)
    assert pixels.train[0].shape[1:] == (64, 1)
    np.testing.assert_array_equal(rows.train[0].reshape(-1, 64), pixels.train[0][:, :, 0])
    assert "CC BY 4.0" in rows.info["licence"]


# -------------------------------------------------------------------------- forecasts
def test_sunspots_file_and_layout() -> None:
    table = read_csv(resources.files("rnnlab.datasets").joinpath("bundled")
                     .joinpath("sunspots.csv"))
    years, values = table.numbers(0), table.numbers(1)
    assert len(values) == 309 and years[0] == 1700 and years[-1] == 2008
    assert (values[0], values[-1]) == (5.0, 2.9)
    ds = load("sunspots", lookback=11, horizon=2)
    assert ds.train[0].shape[1:] == (11, 1) and ds.train[1].shape[1] == 2
    assert ds.info["split_times"] == {"train_from": "1700", "val_from": "1917",
                                      "test_from": "1963"}
    assert "public domain" in ds.info["licence"]


def test_airline_values_and_reference_scores() -> None:
    ds = load("airline", scale=None)
    first = ds.train[0][0, :, 0].tolist()
    assert first == [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118]
    everything = np.concatenate([ds.train[1], ds.val[1], ds.test[1]])[:, 0]
    assert everything.max() == 622 and everything[-1] == 432  # July 1960, December 1960
    assert ds.info["seasonal_naive_mse"] < ds.info["persistence_mse"] < ds.baseline["mse"]
    logged = load("airline", log=True, scale=None)
    assert logged.train[0][0, 0, 0] == pytest.approx(np.log(112))


def test_airline_unscale_returns_passengers() -> None:
    ds = load("airline")
    np.testing.assert_allclose(ds.unscale(ds.test[1])[-1], [432.0], rtol=1e-5)


@pytest.mark.parametrize("name", ["digits", "sunspots", "airline", "co2", "nile",
                                  "japanese_vowels"])
def test_every_real_dataset_states_source_and_licence(name: str) -> None:
    ds = load(name)
    assert ds.info["source"] and ds.info["licence"] and ds.info["description"]
    assert "source:" in ds.summary() and "licence:" in ds.summary()
