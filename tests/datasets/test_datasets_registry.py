"""The catalogue: names, descriptions, parameters and the errors for bad requests."""

from __future__ import annotations

import pytest

from rnnlab import datasets
from rnnlab.datasets import DataError, describe, load, names, spec, takes_length

SYNTHETIC = ["adding", "adding_bai18", "adding_hs97", "copy", "copy_bai18", "mackey_glass",
             "reber", "reber_hs97", "recall", "sine", "temporal_order", "temporal_order_6a",
             "temporal_order_6b"]


def test_names_cover_every_kind() -> None:
    assert names("synthetic") == SYNTHETIC
    assert names("real") == ["airline", "co2", "digits", "digits_permuted", "digits_sequential",
                             "japanese_vowels", "nile", "sunspots"]
    assert names("text") == ["movie_reviews", "polarity", "shakespeare"]
    assert names("files") == ["mnist_permuted", "mnist_sequential"]
    assert names() == sorted(names("synthetic") + names("real") + names("text")
                             + names("files"))


def test_every_name_has_a_description_and_spec() -> None:
    for name in names():
        entry = spec(name)
        assert entry.name == name and entry.task in ("classify", "regress", "sequence")
        text = describe(name)
        assert text.startswith(name) and "parameters:" in text


def test_takes_length_marks_the_sweepable_tasks() -> None:
    # H&S 1997's Reber set has no length to sweep: the grammar sets it.
    assert all(takes_length(name) for name in SYNTHETIC if name != "reber_hs97")
    assert not takes_length("reber_hs97")
    assert takes_length("shakespeare")
    assert not any(takes_length(name) for name in ("digits", "airline", "polarity"))


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(DataError, match=r"unknown dataset 'addng' \(did you mean 'adding'\?\)"
                                         r".*known datasets: adding, adding_bai18"):
        load("addng")


def test_unknown_parameter_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"adding takes no parameter 'lenght' \(did you mean "
                                         r"'length'\?\); valid parameters: length, n_train"):
        load("adding", lenght=10)


def test_length_on_a_dataset_without_one_is_refused() -> None:
    with pytest.raises(DataError, match=r"digits has no length parameter"):
        load("digits", length=10)


@pytest.mark.parametrize(("params", "message"), [
    ({"length": 1}, "length must be at least 2, got 1"),
    ({"length": 2.5}, "length must be an integer, got 2.5"),
    ({"n_train": 0}, "n_train must be at least 1"),
    ({"seed": -1}, "seed must be at least 0"),
    ({"n_val": True}, "n_val must be an integer"),
])
def test_bad_parameter_values_are_named(params: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load("adding", **params)


def test_params_record_the_defaults_and_rebuild_the_dataset() -> None:
    ds = load("recall", length=12, n_train=5, n_val=2, n_test=2, seed=3)
    assert ds.params == {"length": 12, "num_classes": 4, "noise": 1.0, "n_train": 5,
                         "n_val": 2, "n_test": 2, "seed": 3}
    again = load(ds.name, **ds.params)
    assert again.train[0].tobytes() == ds.train[0].tobytes()


def test_repr_and_summary_read_well() -> None:
    ds = load("temporal_order", n_train=4, n_val=2, n_test=2)
    assert repr(ds).startswith("Dataset('temporal_order', task='classify', train X (4, 100, 8)")
    summary = ds.summary()
    assert "classes (4): XX, XY, YX, YY" in summary
    assert "baseline (learns nothing): accuracy=0.25" in summary
    assert str(ds) == summary


def test_dataset_properties() -> None:
    ds = load("copy", length=5, n_train=3, n_val=1, n_test=2)
    assert (ds.input_size, ds.output_size, ds.num_classes, ds.length) == (10, 10, 10, 5)
    assert ds.sizes() == {"train": 3, "val": 1, "test": 2}
    assert ds.lengths("test").tolist() == [25, 25]
    assert set(ds.splits) == {"train", "val", "test"}
    assert ds.info["shapes"]["train"] == {"X": "(3, 25, 10)", "y": "(3, 25)"}
    assert ds.vocab is None and not ds.is_text
    with pytest.raises(DataError, match="split must be one of"):
        ds.lengths("training")


def test_public_api_is_exported() -> None:
    for name in datasets.__all__:
        assert hasattr(datasets, name), name
