"""The classic papers' own task definitions: H&S 1997 (adding, temporal order, embedded Reber)
and Bai et al. 2018 (adding, copy memory), digits pixel by pixel and MNIST from files."""

from __future__ import annotations

import gzip
import math

import numpy as np
import pytest

from rnnlab import datasets
from rnnlab.datasets import DataError, DataNotFoundError, load
from rnnlab.datasets.pixels import read_mnist
from rnnlab.datasets.synthetic import hochreiter1997 as hs
from rnnlab.datasets.synthetic.reber import SYMBOLS, legal_next

SMALL = {"n_train": 40, "n_val": 10, "n_test": 10}


def _close(values: np.ndarray, formula: float) -> None:
    se = float(np.std(values)) / math.sqrt(values.size)
    assert abs(float(np.mean(values)) - formula) <= 4 * se + 1e-9


def test_hs97_adding_follows_experiment_4() -> None:
    X, y = hs.generate_adding(np.random.default_rng(0), 3000, 100)
    lengths = np.array([len(x) for x in X])
    assert lengths.min() == 100 and lengths.max() == 110
    for x, target in zip(X, y[:, 0], strict=True):
        marked = np.flatnonzero(x[:, 1] == 1.0)
        assert len(marked) == 2 and marked[0] < 10 and marked[1] < 50
        if marked[0] != 0:
            assert x[0, 1] == -1.0
        assert x[-1, 1] == -1.0 and np.all(np.abs(x[:, 0]) <= 1.0)
        if marked[0] == 0:
            assert x[0, 0] == 0.0   # a marked first pair counts as zero
        assert target == pytest.approx(0.5 + x[marked, 0].sum() / 4.0, abs=1e-6)
    # The baseline is Var(y): predicting the mean 0.5 scores it.
    _close((y[:, 0] - 0.5) ** 2, hs.adding_baseline_mse(100))
    # The first pair is marked as often as the formula says.
    first = np.array([x[0, 1] == 1.0 for x in X], dtype=float)
    _close(first, hs.adding_zero_chance(100))


def test_hs97_adding_as_a_dataset() -> None:
    ds = load("adding_hs97", length=40, **SMALL, seed=3)
    assert ds.task == "regress" and ds.length == 40 and isinstance(ds.train[0], list)
    assert ds.baseline == {"mse": hs.adding_baseline_mse(40)}
    again = load("adding_hs97", length=40, n_train=5, n_val=10, n_test=10, seed=3)
    assert all((a == b).all() for a, b in zip(ds.test[0], again.test[0], strict=True))
    with pytest.raises(DataError, match="length must be at least 22"):
        load("adding_hs97", length=10)


@pytest.mark.parametrize(("name", "markers", "windows"), [
    ("temporal_order_6a", 2, [(10, 20), (50, 60)]),
    ("temporal_order_6b", 3, [(10, 20), (33, 43), (66, 76)])])
def test_temporal_order_follows_experiment_6(name: str, markers: int,
                                             windows: list[tuple[int, int]]) -> None:
    ds = load(name, n_train=500, n_val=2, n_test=2, seed=1)
    X, y = ds.train
    assert ds.classes == hs.ORDER_CLASSES[markers] and ds.info["marker_windows"] == windows
    for x, label in zip(X, y, strict=True):
        symbols = [hs.ORDER_SYMBOLS[i] for i in x.argmax(axis=-1)]
        assert 100 <= len(symbols) <= 110 and symbols[0] == "E" and symbols[-1] == "B"
        positions = [t for t, s in enumerate(symbols) if s in "XY"]
        assert len(positions) == markers
        assert all(low <= t <= high for t, (low, high) in zip(positions, windows, strict=True))
        assert set(symbols) - set("XYEB") <= set("abcd")
        code = int("".join("0" if symbols[t] == "X" else "1" for t in positions), 2)
        assert code == label
    assert np.bincount(y, minlength=2 ** markers).min() > 0


def test_temporal_order_class_letters_follow_the_paper() -> None:
    X, y = hs.generate_order(np.random.default_rng(2), 200, 100, 2)
    for x, label in zip(X, y, strict=True):
        letters = "".join(hs.ORDER_SYMBOLS[i] for i in x.argmax(axis=-1) if i in (4, 5))
        assert {"XX": "Q", "XY": "R", "YX": "S", "YY": "U"}[letters] == \
            hs.ORDER_CLASSES[2][label]


def test_reber_hs97_tests_on_strings_never_trained_on() -> None:
    ds = load("reber_hs97", strings=256, n_train=600, n_val=256, n_test=256, seed=4)
    assert ds.sizes() == {"train": 600, "val": 256, "test": 256}

    def strings(split: tuple) -> list[bytes]:
        return [np.concatenate([x.argmax(-1), t[-1:]]).tobytes()
                for x, t in zip(*split, strict=True)]

    seen = set(strings(ds.train))
    assert set(strings((ds.train[0][:256], ds.train[1][:256]))) == seen   # the 256 drawn, repeated
    assert not seen & set(strings(ds.val)) and not seen & set(strings(ds.test))
    for x, targets in zip(*ds.test, strict=True):
        string = np.concatenate([x.argmax(-1), targets[-1:]])
        allowed = legal_next(string)
        assert allowed[np.arange(len(targets)), targets].all()
        assert allowed[len(targets) - 2].sum() == 1 and targets[-2] == string[1]


def test_legal_next_marks_both_choices_inside_the_grammar() -> None:
    string = np.array([SYMBOLS.index(s) for s in "BPBPVVEPE"])
    names = [{SYMBOLS[k] for k in np.flatnonzero(row)} for row in legal_next(string)]
    assert names == [{"T", "P"}, {"B"}, {"T", "P"}, {"T", "V"}, {"P", "V"}, {"E"}, {"P"}, {"E"}]


def test_bai_adding_puts_the_markers_anywhere() -> None:
    ds = load("adding_bai18", length=20, n_train=4000, n_val=2, n_test=2)
    X, y = ds.train
    marked = [np.flatnonzero(x[:, 1]) for x in X]
    assert all(len(m) == 2 for m in marked)
    assert np.allclose(y[:, 0], [x[m, 0].sum() for x, m in zip(X, marked, strict=True)])
    both_late = np.mean([m.min() >= 10 for m in marked])
    assert 0.15 < both_late < 0.35   # (10·9)/(20·19) ≈ 0.24: not one per half
    assert np.all((X[:, :, 0] >= 0) & (X[:, :, 0] <= 1))
    _close((y[:, 0] - 1.0) ** 2, 1.0 / 6.0)


def test_bai_copy_layout_and_baseline() -> None:
    ds = load("copy_bai18", length=30, n_train=500, n_val=2, n_test=2)
    X, y = ds.train
    codes = X.argmax(-1)
    assert X.shape == (500, 50, 10) and y.shape == (500, 50)
    assert np.all((codes[:, :10] >= 1) & (codes[:, :10] <= 8))
    assert np.all(codes[:, 10:39] == 0) and np.all(codes[:, 39:] == 9)
    assert np.all(y[:, :40] == 0) and np.all(y[:, 40:] == codes[:, :10])
    # The memoryless strategy: certain 0 until the delimiter, uniform over 1–8 after it.
    loss = np.where(np.arange(50) < 40, 0.0, math.log(8)).mean()
    assert ds.baseline["cross_entropy"] == pytest.approx(loss)


def test_digits_pixel_by_pixel_and_its_fixed_permutation() -> None:
    plain, raster = load("digits", pixels=True), load("digits_sequential")
    assert (plain.train[0] == raster.train[0]).all() and "stand-in" in raster.info["description"]
    a, b = load("digits_permuted", seed=0), load("digits_permuted", seed=0, permutation_seed=1)
    order = np.array(a.info["permutation"])
    assert (a.train[0] == plain.train[0][:, order]).all()
    assert a.info["permutation"] != b.info["permutation"]
    assert load("digits_permuted", seed=5).info["permutation"] == a.info["permutation"]


def _idx(path, array: np.ndarray, compress: bool) -> None:
    header = bytes([0, 0, 8, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    if compress:
        with gzip.open(str(path) + ".gz", "wb") as handle:
            handle.write(data)
    else:
        path.write_bytes(data)


def _fake_mnist(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {"x_train": rng.integers(0, 256, (50, 28, 28)), "y_train": np.arange(50) % 10,
            "x_test": rng.integers(0, 256, (10, 28, 28)), "y_test": np.arange(10)}


def test_mnist_reads_idx_files_and_npz_alike(tmp_path) -> None:
    arrays = _fake_mnist(np.random.default_rng(0))
    folder = tmp_path / "idx"
    folder.mkdir()
    for (key, stem), compress in zip(datasets.pixels.IDX_FILES.items(),
                                     (True, False, True, False), strict=True):
        _idx(folder / stem, arrays[key], compress)
    np.savez(tmp_path / "mnist.npz", **{k: v.astype(np.uint8) for k, v in arrays.items()})
    for source in (folder, tmp_path / "mnist.npz"):
        read = read_mnist(source)
        assert all((read[k] == arrays[k]).all() for k in arrays)
    ds = load("mnist_sequential", path=str(folder), val_fraction=0.2)
    assert ds.train[0].shape == (40, 784, 1) and ds.test[0].shape == (10, 784, 1)
    assert ds.train[0].max() <= 1.0 and ds.sizes()["val"] == 10
    permuted = load("mnist_permuted", path=str(tmp_path / "mnist.npz"), val_fraction=0.2)
    order = datasets.pixels.permutation(784, 0)
    assert (permuted.test[0] == ds.test[0][:, order]).all()


def test_mnist_bad_or_missing_files_are_named(tmp_path, monkeypatch) -> None:
    with pytest.raises(DataNotFoundError, match="does not download MNIST"):
        read_mnist(tmp_path / "nothing")
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x01" + bytes(8))
    with pytest.raises(DataNotFoundError, match="has no train-labels-idx1-ubyte"):
        read_mnist(tmp_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    for stem in datasets.pixels.IDX_FILES.values():
        (bad / stem).write_bytes(b"\x00\x00\x08\x01" + (5).to_bytes(4, "big") + bytes(3))
    with pytest.raises(DataError, match="not an IDX file of unsigned bytes with 3 dimension"):
        read_mnist(bad)
    np.savez(tmp_path / "partial.npz", x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(DataError, match="has no 'y_train' array"):
        read_mnist(tmp_path / "partial.npz")
    monkeypatch.setenv("RNNLAB_DATA", str(tmp_path))
    assert not datasets.available_offline("mnist_sequential")
    (tmp_path / "mnist").mkdir()
    np.savez(tmp_path / "mnist" / "mnist.npz",
             **{k: v.astype(np.uint8) for k, v in _fake_mnist(np.random.default_rng(1)).items()})
    assert datasets.available_offline("mnist_permuted")
