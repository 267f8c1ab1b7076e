"""No leakage: no input from the target's future, no statistics from held-out data.

Each test is built so that it would fail if the property broke: series whose values *are*
their time index (any future value in an input would show), and held-out parts whose values
are a million times larger than the training part's (any scaler that saw them would show).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlab.datasets import load, load_text, load_text_classification, load_timeseries
from rnnlab.datasets.forecasting import forecast_dataset
from rnnlab.datasets.transforms import make_windows

TIME = np.arange(300, dtype=np.float64)


@settings(max_examples=80, deadline=None)
@given(n=st.integers(2, 120), lookback=st.integers(1, 30), horizon=st.integers(1, 10),
       stride=st.integers(1, 5), start=st.integers(0, 60))
def test_window_inputs_are_all_before_the_target_time(n: int, lookback: int, horizon: int,
                                                      stride: int, start: int) -> None:
    X, y, times = make_windows(np.arange(n, dtype=float), lookback, horizon, stride, start=start)
    if len(times):
        assert np.all(X[:, :, 0].max(axis=1) < times)  # every input step precedes t
        assert np.all(X[:, -1, 0] == times - 1)  # …and the last one is t − 1
        assert np.all(y[:, 0] == times) and np.all(times >= start)


@pytest.mark.parametrize("scale", [None, "zscore", "minmax"])
def test_forecast_splits_never_read_their_future(scale: str | None) -> None:
    ds = forecast_dataset("clock", TIME[:, None], columns=["t"], targets=[0], lookback=12,
                          horizon=3, ratios=(0.6, 0.2, 0.2), scale=scale)
    steps = ds.info["split_steps"]
    bounds = {"train": (0, steps["train"]),
              "val": (steps["train"], steps["train"] + steps["val"]),
              "test": (steps["train"] + steps["val"], 300)}
    for split, (low, high) in bounds.items():
        X, y = getattr(ds, split)
        inputs = ds.unscale(X.reshape(len(X), -1)).reshape(X.shape)[:, :, 0]
        targets = ds.unscale(y)
        # Inputs strictly before the first target; targets inside the split's own block.
        assert np.all(inputs.max(axis=1) < targets.min(axis=1) - 0.5)
        assert targets.min() >= low - 1e-3 and targets.max() <= high - 1 + 1e-3


def test_forecast_scaler_sees_only_the_training_block() -> None:
    series = np.concatenate([np.linspace(0, 10, 140), np.full(60, 1e6)])[:, None]
    ds = forecast_dataset("spike", series, columns=["x"], targets=[0], lookback=5,
                          ratios=(0.7, 0.15, 0.15))
    state = ds.scaler.to_dict()
    assert state["mean"] == pytest.approx([series[:140].mean()])
    assert state["std"] == pytest.approx([series[:140].std()])
    minmax = forecast_dataset("spike", series, columns=["x"], targets=[0], lookback=5,
                              scale="minmax").scaler.to_dict()
    assert minmax["max"] == [10.0]


def test_nearly_constant_training_part_is_explained() -> None:
    from rnnlab.datasets import DataError

    series = np.array([1.0, 1.0, 1.0, 1.0 + 1e-12, 1.0, 1.0, 1.0, 2.0, 1.0, 1e36])[:, None]
    ds = forecast_dataset("flat", series, columns=["x"], targets=[0], lookback=2)
    assert ds.scaler.to_dict()["std"] == [1.0]  # rounding noise is not a spread to scale by
    series[3] = 1.0 + 1e-5
    with pytest.raises(DataError, match=r"flat: step 10, column 'x' overflows float32 once "
                                        r"scaled"):
        forecast_dataset("flat", series, columns=["x"], targets=[0], lookback=2)


def test_csv_time_series_scaler_and_windows(tmp_path) -> None:
    path = tmp_path / "sales.csv"
    rows = [f"2020-01-{d:02d},{d if d <= 21 else 1e6},{-d}" for d in range(1, 31)]
    path.write_text("date,sales,promo\n" + "\n".join(rows) + "\n")
    ds = load_timeseries(path, target="sales", covariates=["promo"], lookback=4,
                         ratios=(0.7, 0.2, 0.1))
    assert ds.info["time_column"] == "date" and ds.info["split_steps"]["train"] == 21
    # Statistics of the first 21 rows only (the 1e6 values start on row 22).
    assert ds.scaler.to_dict()["mean"] == pytest.approx([11.0, -11.0])
    X, y = ds.train
    sales = ds.unscale(y)[:, 0]
    assert np.all(ds.scaler.inverse_transform(X)[:, :, 0].max(axis=1) < sales)


def test_bundled_series_scalers_use_the_training_years_only() -> None:
    for name in ("airline", "sunspots"):
        ds = load(name)
        n_train = ds.info["split_steps"]["train"]
        series = ds.unscale(np.concatenate([ds.train[0][0, :, 0][None, :],
                                            ds.train[1][:, :1].T], axis=1))[0]
        lookback = ds.info["lookback"]
        assert len(series) == n_train  # the windows' values rebuild exactly the training block
        mean = ds.scaler.to_dict()["mean"][0]
        assert mean == pytest.approx(series.mean(), rel=1e-5)
        assert lookback < n_train


def test_text_vocabulary_comes_from_training_texts_only(tmp_path) -> None:
    path = tmp_path / "reviews.csv"
    rows = [f"{'good' if i % 2 else 'bad'} film unique{i},{'pos' if i % 2 else 'neg'}"
            for i in range(100)]
    path.write_text("text,label\n" + "\n".join(rows))
    ds = load_text_classification(path, ratios=(0.6, 0.2, 0.2))
    vocab = set(ds.vocab)
    decoded_train = [ds.tokenizer.decode(x) for x in ds.train[0]]
    assert all(text.split()[-1] in vocab for text in decoded_train)
    for x in ds.val[0] + ds.test[0]:  # words first seen in held-out texts are unknown
        assert ds.tokenizer.decode(x).split()[-1] == "<unk>"
    assert len([w for w in vocab if w.startswith("unique")]) == 60


def test_word_language_model_vocabulary_comes_from_the_training_part(tmp_path) -> None:
    path = tmp_path / "story.txt"
    words = [f"early{i % 50}" for i in range(900)] + [f"late{i}" for i in range(100)]
    path.write_text(" ".join(words))
    ds = load_text(path, level="word", length=10)
    assert not any(token.startswith("late") for token in ds.vocab)
    assert ds.tokenizer.oov_id in set(np.concatenate([ds.test[0].ravel(), ds.test[1].ravel()]))
