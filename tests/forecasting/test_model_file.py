"""A forecasting model's file carries everything from raw data to forecasts in the data's units:
a loaded model forecasts raw data exactly as the trained one, and a description missing any
entry is refused rather than guessed."""

from __future__ import annotations

import json
import struct

import numpy as np
import pandas as pd
import pytest

import rnnlab
from rnnlab.datasets import DataError
from rnnlab.forecasting import backtest
from rnnlab.forecasting.spec import ForecastSpec


@pytest.fixture(scope="module")
def saved(model, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "sales.safetensors"
    model.save(str(path))
    return path


def test_forecasts_are_dated_per_store_in_sales_units(model, sales) -> None:
    frame = model.forecast(sales, horizon=7)
    assert frame.columns.tolist() == ["store", "date", "sales", "sales_lo_80", "sales_hi_80",
                                      "sales_lo_95", "sales_hi_95"]
    assert frame["store"].tolist() == ["S01"] * 7 + ["S02"] * 7 + ["S03"] * 7
    # The data end on 28/08/2022 (240 days from 01/01/2022): the forecast starts the day after.
    assert frame["date"].dt.strftime("%Y-%m-%d").unique().tolist() == [
        f"2022-08-{d}" for d in range(29, 32)] + [f"2022-09-0{d}" for d in range(1, 5)]
    history = sales.dropna(subset=["sales"]).groupby("store")["sales"]
    for store, group in frame.groupby("store"):
        low, high = history.get_group(store).min(), history.get_group(store).max()
        assert low / 3 < group["sales"].mean() < 3 * high      # sales, not z-scores
    assert (frame["sales_lo_95"] <= frame["sales_lo_80"]).all()
    assert (frame["sales_lo_80"] <= frame["sales"]).all()
    assert (frame["sales"] <= frame["sales_hi_80"]).all()


def test_a_loaded_model_forecasts_raw_data_exactly_as_the_trained_one(model, saved, sales,
                                                                      sales_csv) -> None:
    loaded = rnnlab.load(str(saved))
    assert loaded.data_info["forecast"] == model.data_info["forecast"]
    for data in (sales, sales_csv, str(sales_csv)):
        pd.testing.assert_frame_equal(loaded.forecast(data), model.forecast(data))
    a, b = backtest(model, sales), backtest(loaded, sales)
    assert a.scores == b.scores


def test_the_file_itself_holds_the_description(saved, model) -> None:
    raw = saved.read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    document = json.loads(json.loads(raw[8:8 + size])["__metadata__"]["rnnlab"])
    stored = document["config"]["data"]["forecast"]
    assert stored == model.data_info["forecast"]
    assert stored["series"][1]["scaler"]["mean"][0] > 0      # per-series sales statistics


def _paths(state, prefix=()):
    for key, value in state.items():
        yield (*prefix, key)
        if key in ("roles", "freq") and isinstance(value, dict):
            yield from _paths(value, (*prefix, key))
    if not prefix:
        for key in state["series"][0]:
            yield ("series", 0, key)


def test_a_description_missing_any_entry_is_refused(model) -> None:
    state = model.data_info["forecast"]
    paths = list(_paths(state))
    assert len(paths) >= 30
    for path in paths:
        broken = json.loads(json.dumps(state))
        holder = broken
        for step in path[:-1]:
            holder = holder[step]
        del holder[path[-1]]
        with pytest.raises(DataError, match=rf"lacks '{path[-1]}'"):
            ForecastSpec.from_dict(broken)


def test_every_stored_number_is_used(model, sales) -> None:
    """Changing a series' stored scaler, lookback or interval quantile changes its forecasts:
    none of them is recomputed from the data behind the model's back."""
    base = model.forecast(sales)
    for change in ("scaler", "quantiles", "fill"):
        other = json.loads(json.dumps(model.data_info))
        spec = other["forecast"]
        if change == "scaler":
            spec["series"][0]["scaler"]["mean"][0] += 10.0
        elif change == "quantiles":
            spec["intervals"]["quantiles"]["80"][0][0] *= 2
        else:
            spec["fill"] = "refuse"
        copy = rnnlab.build("gru", input_size=model.features, hidden_size=8,
                            output_size=model.output_units, task="regress")
        copy.set_weights(model.get_weights())
        copy.data_info = other
        if change == "fill":
            with pytest.raises(DataError, match="store S02: 11 days missing after 2022-05-03"):
                copy.forecast(sales)
            continue
        moved = copy.forecast(sales)
        if change == "scaler":        # store S01's forecasts move, the others' do not
            assert not np.allclose(moved["sales"][:7], base["sales"][:7])
            pd.testing.assert_frame_equal(moved.iloc[7:], base.iloc[7:])
        else:                         # the first step's 80 % interval widens, for every store
            first = moved["date"] == moved["date"].min()
            assert (moved["sales_hi_80"][first] > base["sales_hi_80"][first]).all()
            pd.testing.assert_frame_equal(moved[~first], base[~first])


def test_future_covariates_from_a_separate_file_give_the_same_forecast(model, sales,
                                                                       tmp_path) -> None:
    history = sales.dropna(subset=["sales"])
    future = sales[sales["sales"].isna() & sales["temperature"].isna()][["date", "store",
                                                                         "promo"]]
    path = tmp_path / "promotions.csv"
    future.to_csv(path, index=False)
    pd.testing.assert_frame_equal(model.forecast(history, future=path), model.forecast(sales))
    with pytest.raises(DataError, match=r"store S01: future covariate 'promo' is missing for "
                                        r"2022-08-29, step 1 of the 7 the model reads"):
        model.forecast(history)


def test_an_empty_future_covariate_in_the_forecast_period_is_named(model, sales) -> None:
    damaged = sales.copy()
    last = damaged.index[(damaged["store"] == "S02") & damaged["sales"].isna()
                         & damaged["temperature"].isna()][2]
    damaged.loc[last, "promo"] = np.nan
    with pytest.raises(DataError, match=rf"DataFrame: store S02, row {last + 1}, column 'promo' "
                                        rf"is empty in the forecast period \(2022-08-31\)"):
        model.forecast(damaged)


def test_a_series_the_model_never_saw_is_refused(model, sales) -> None:
    other = sales.copy()
    other["store"] = other["store"].replace("S03", "S09")
    with pytest.raises(DataError, match=r"series store=S09 was not in the training data \(the "
                                        r"model knows store S01, store S02, store S03\)"):
        model.forecast(other)


def test_a_model_without_a_description_says_so(sales) -> None:
    plain = rnnlab.build("gru", input_size=1, hidden_size=4, output_size=1, task="regress")
    with pytest.raises(DataError, match="this model has no forecasting description"):
        plain.forecast(sales, horizon=3)
    assert plain.forecast(np.sin(np.arange(20.0)), steps=3).shape == (3,)   # arrays as before
