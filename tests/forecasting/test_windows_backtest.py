"""Training windows (per-series scalers, no look-ahead, the future part), forecasts put back in
the data's units, rolling-origin backtests with their baselines and metrics, and conformal
intervals — checked with stand-in models whose right answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnlab.datasets import DataError
from rnnlab.forecasting import backtest, calibrate, forecast, prepare
from rnnlab.forecasting.intervals import conformal_quantile
from rnnlab.forecasting.metrics import coverage, mase, scores
from rnnlab.forecasting.rolling import baselines
from rnnlab.forecasting.spec import ForecastSpec


class Constant:
    """Predicts 0 in model units: the series' training mean (``zscore``) or the window's own
    mean (``scale="window"``)."""

    def __init__(self, dataset):
        self.data_info = {"forecast": dataset.info["forecast"]}
        self.outputs = dataset.output_size

    def predict(self, X):
        return np.zeros((len(X), self.outputs))


class Persistence(Constant):
    """Repeats the last history target (in model units): the naive forecast, for both
    strategies."""

    def predict(self, X):
        spec = ForecastSpec.from_dict(self.data_info["forecast"])
        last = X[:, spec.lookback - 1, :spec.k]
        return np.tile(last, (1, self.outputs // spec.k))


def frame(days: int = 120, stores: int = 2, seed: int = 0, noise: float = 1.0,
          weekly: float = 10.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for s in range(stores):
        level = 100.0 * (s + 1)
        parts.append(pd.DataFrame({
            "date": pd.date_range("2023-01-01", periods=days, freq="D"),
            "store": f"S{s + 1}", "promo": (np.arange(days) % 9 == 0).astype(float),
            "sales": level + weekly * np.sin(np.arange(days) * 2 * np.pi / 7)
            + noise * rng.standard_normal(days)}))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------- windows
def test_each_series_is_scaled_with_its_own_training_part_only() -> None:
    data = frame(days=100)
    data.loc[(data["store"] == "S1") & (data.index % 100 > 90), "sales"] = 1e6   # test spike
    ds = prepare(data, id="store", target="sales", lookback=7, horizon=3)
    series = ds.info["forecast"]["series"]
    for entry, store in zip(series, ("S1", "S2"), strict=True):
        train = data[data["store"] == store]["sales"].to_numpy()[:70]
        assert entry["scaler"]["mean"][0] == pytest.approx(train.mean())
        assert entry["train_end"] == "2023-03-11" and entry["val_end"] == "2023-03-26"
    assert ds.scaler is None and ds.target_scaler is None      # two series, two scales


def test_windows_never_read_their_future() -> None:
    steps = pd.DataFrame({"t": np.arange(60), "x": np.arange(60.0)})
    ds = prepare(steps, time="t", target="x", lookback=5, horizon=3, scale=None)
    (X, y), (_, yv), (_, yt) = ds.train, ds.val, ds.test
    assert np.all(X[:, -1, 0] + 1 == y[:, 0]) and y.max() < 42 <= yv.min()
    assert yv.max() < 51 <= yt.min() and yt.max() == 59


def test_the_future_part_carries_known_ahead_inputs_and_a_flag() -> None:
    data = frame(days=80, stores=1)
    ds = prepare(data, id="store", target="sales", future_covariates="promo",
                 calendar="dayofweek", lookback=10, horizon=4)
    X, _ = ds.train
    assert X.shape[1:] == (14, 5)        # sales, promo, dayofweek sin/cos, is_future
    assert ds.info["forecast"]["features"] == ["sales", "promo", "dayofweek_sin",
                                               "dayofweek_cos", "is_future"]
    assert np.all(X[:, 10:, 0] == 0) and np.all(X[:, 10:, -1] == 1) and np.all(X[:, :10, -1] == 0)
    scaler = ds.info["forecast"]["series"][0]["scaler"]
    promo = (data["promo"].to_numpy() - scaler["mean"][1]) / scaler["std"][1]
    np.testing.assert_allclose(X[0, :, 1], promo[:14], rtol=1e-6)   # history and future


def test_window_scaling_normalises_each_window_by_its_history() -> None:
    ds = prepare(frame(days=80, stores=1), id="store", target="sales", lookback=10,
                 horizon=2, scale="window")
    X, _y = ds.train
    np.testing.assert_allclose(X[:, :, 0].mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(X[:, :, 0].std(axis=1), 1, atol=1e-4)
    assert ds.target_scaler is None       # y is in window units: no fixed map back


def test_strategies_differ_in_what_one_call_predicts() -> None:
    direct = prepare(frame(), id="store", target="sales", lookback=7, horizon=5)
    recursive = prepare(frame(), id="store", target="sales", lookback=7, horizon=5,
                        strategy="recursive")
    assert direct.output_size == 5 and recursive.output_size == 1


# ---------------------------------------------------------------------- forecasts
@pytest.mark.parametrize("scale", ["zscore", "minmax", None])
def test_a_zero_forecast_is_the_training_mean_in_the_data_units(scale) -> None:
    data = frame()
    ds = prepare(data, id="store", target="sales", lookback=7, horizon=3, scale=scale)
    fake = Constant(ds)
    result = forecast(fake, data, 3)
    assert result.columns.tolist() == ["store", "date", "sales"]
    assert result["date"].dt.strftime("%Y-%m-%d").tolist()[:3] == ["2023-05-01", "2023-05-02",
                                                                     "2023-05-03"]
    for store, group in result.groupby("store"):
        entry = next(e for e in ds.info["forecast"]["series"] if e["id"] == [store])
        expected = {"zscore": lambda s: s["mean"][0], None: lambda s: 0.0,
                    "minmax": lambda s: s["min"][0]}[scale](entry["scaler"] or {})
        np.testing.assert_allclose(group["sales"], expected)


@pytest.mark.parametrize("strategy", ["direct", "recursive"])
def test_persistence_gives_exactly_the_naive_forecast(strategy) -> None:
    data = frame()
    ds = prepare(data, id="store", target="sales", future_covariates="promo", lookback=7,
                 horizon=4, strategy=strategy, scale="window")
    result = backtest(Persistence(ds), data)
    rows = result.forecasts
    np.testing.assert_allclose(rows["forecast"], rows["naive"], rtol=1e-6)   # float32 inputs
    for label in ("store S1", "store S2", "overall"):
        assert result.scores[label]["model"]["MAE"] == pytest.approx(
            result.scores[label]["naive"]["MAE"], rel=1e-6)
    assert result.skill() < 0.01


def test_direct_models_forecast_at_most_their_horizon() -> None:
    data = frame()
    fake = Constant(prepare(data, id="store", target="sales", lookback=7, horizon=3))
    with pytest.raises(DataError, match=r"trained to forecast 3 steps directly; ask for at most"):
        forecast(fake, data, 4)
    recursive = Constant(prepare(data, id="store", target="sales", lookback=7, horizon=3,
                                 strategy="recursive"))
    assert len(forecast(recursive, data, 10)) == 20


# ---------------------------------------------------------------------- scoring
def test_metrics_by_hand() -> None:
    actual = np.array([10.0, 20.0, np.nan, 0.0])
    got = scores(actual, np.array([12.0, 20.0, 99.0, 0.0]), scale=2.0)
    assert got["MAE"] == pytest.approx(2 / 3) and got["MASE"] == pytest.approx(1 / 3)
    assert got["RMSE"] == pytest.approx(np.sqrt(4 / 3))
    assert got["sMAPE"] == pytest.approx(200 * (2 / 22) / 3)        # 0/0 counts as 0
    assert mase(np.array([[1.0, 10.0]]), np.array([[2.0, 14.0]]), [1.0, 2.0]) == 1.5
    assert coverage(np.array([1.0, 3.0, 5.0]), np.zeros(3), np.full(3, 4.0)) == pytest.approx(
        2 / 3)


def test_baselines_by_hand() -> None:
    from types import SimpleNamespace

    y = np.arange(30.0)[:, None] ** 2
    series = SimpleNamespace(values=y, observed=np.ones((30, 1), bool))
    actual, naive, seasonal = baselines(series, 1, np.array([20]), horizon=9, season=4)
    assert naive[0, :, 0].tolist() == [19.0 ** 2] * 9
    # ŷ_{t+j} = y_{t+j−4(⌊j/4⌋+1)}: steps 16, 17, 18, 19, 16, 17, 18, 19, 16
    assert seasonal[0, :, 0].tolist() == [float(i) ** 2 for i in (16, 17, 18, 19) * 2 + (16,)]
    assert actual[0, :, 0].tolist() == [float(i) ** 2 for i in range(20, 29)]


def test_backtest_mase_uses_the_training_part_seasonal_naive_error() -> None:
    data = frame(noise=0.0, days=100, stores=1)        # exactly weekly: seasonal naive is exact
    ds = prepare(data, id="store", target="sales", lookback=14, horizon=7)
    result = backtest(Constant(ds), data)
    assert result.overall["seasonal naive"]["MAE"] == pytest.approx(0, abs=1e-9)
    assert result.season == 7 and result.origins == 15 - 7 + 1     # the test part: 15 days
    assert result.skipped == []


def test_a_series_without_any_origin_is_named_not_dropped_silently() -> None:
    data = frame(days=100)
    data = data[~((data["store"] == "S2") & (data["date"] > "2023-03-31"))]   # S2 ends early
    ds = prepare(data, id="store", target="sales", lookback=14, horizon=3)
    result = backtest(Constant(ds), data, start="2023-04-02")
    assert result.skipped == ["store S2"] and list(result.scores) == ["store S1", "overall"]


# ---------------------------------------------------------------------- intervals
def test_conformal_quantile_is_the_finite_sample_rank() -> None:
    errors = np.arange(1.0, 10.0)                         # n = 9
    assert conformal_quantile(errors, 80) == (8.0, False)      # ⌈10 · 0.8⌉ = 8
    assert conformal_quantile(errors, 95) == (9.0, True)       # ⌈9.5⌉ = 10 > 9: capped


def test_calibrated_intervals_cover_held_out_noise_at_their_level() -> None:
    data = frame(days=400, stores=6, seed=1, noise=5.0, weekly=0.0)    # exchangeable errors
    ds = prepare(data, id="store", target="sales", lookback=14, horizon=3,
                 ratios=(0.5, 0.25, 0.25))
    fake = Constant(ds)
    intervals = calibrate(fake, data, levels=(50, 80))
    assert intervals["calibration_forecasts"] == 6 * (100 - 3 + 1)
    for level in ("50", "80"):
        assert abs(intervals["test_coverage"][level] - int(level) / 100) < 0.06
    result = forecast(fake, data, 3)
    assert (result["sales_lo_80"] < result["sales_lo_50"]).all()
    assert (result["sales_hi_50"] < result["sales_hi_80"]).all()
    got = backtest(fake, data).overall["model"]["coverage_80"]
    assert got == pytest.approx(intervals["test_coverage"]["80"])


def test_recursive_forecasts_past_the_calibrated_steps_have_no_intervals() -> None:
    data = frame(days=160, stores=2)
    fake = Constant(prepare(data, id="store", target="sales", lookback=7, horizon=3,
                            strategy="recursive"))
    calibrate(fake, data, levels=(80,))
    result = forecast(fake, data, 5)
    steps = result.groupby("store").cumcount()
    assert result["sales_lo_80"][steps < 3].notna().all()
    assert result["sales_lo_80"][steps >= 3].isna().all()
