"""Frequencies inferred per series (holes included), holes named, calendar features, future
timestamps, and the fill policies with their one-line summaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnlab.datasets import DataError
from rnnlab.datasets.files.long_format import read_long
from rnnlab.forecasting.calendar import (
    Frequency,
    calendar_features,
    holes,
    infer_frequency,
)
from rnnlab.forecasting.fill import fill_columns
from rnnlab.forecasting.panel import build_panel


def dates(start: str, periods: int, freq: str, drop: tuple[int, ...] = ()) -> np.ndarray:
    times = pd.date_range(start, periods=periods, freq=freq).to_numpy()
    return np.delete(times, list(drop)).astype("datetime64[ns]")


@pytest.mark.parametrize(("freq", "season", "unit"), [
    ("D", 7, "day"), ("W-SAT", 52, "week"), ("MS", 12, "month"), ("QS-JAN", 4, "quarter"),
    ("h", 24, "hour"), ("B", 5, "business day")])
def test_frequency_is_inferred_even_with_holes(freq: str, season: int, unit: str) -> None:
    times = dates("2021-01-04", 60, freq, drop=(10, 11, 12, 30))
    found = infer_frequency(times, "datetime", "x.csv")
    assert found.season == season and found.unit(3) == f"3 {unit}s"
    assert holes(times, found) == [(9, 3), (26, 1)]


def test_number_times_and_their_holes() -> None:
    years = np.array([1990.0, 1991, 1992, 1995, 1996, 1997])
    freq = infer_frequency(years, "number", "x.csv")
    assert freq == Frequency("number", step=1.0) and freq.season == 1
    assert holes(years, freq) == [(2, 2)] and freq.after(1997.0, 2).tolist() == [1998, 1999]
    with pytest.raises(DataError, match=r"time 1992\.5 is not a whole number of steps of 1"):
        infer_frequency(np.array([1990.0, 1991, 1992.5, 1993, 1994]), "number", "x.csv")


def test_irregular_dates_and_a_forced_frequency() -> None:
    times = np.array(["2022-01-01", "2022-01-02", "2022-01-04T06:00", "2022-01-09",
                      "2022-01-10"], dtype="datetime64[ns]")
    with pytest.raises(DataError, match=r"x\.csv: the times follow no regular calendar"):
        infer_frequency(times, "datetime", "x.csv")
    weekly = dates("2022-01-02", 10, "W-SUN")
    assert infer_frequency(weekly, "datetime", "x.csv", freq="D").alias == "D"
    with pytest.raises(DataError, match=r"freq 'fortnightly' is not a pandas frequency"):
        infer_frequency(weekly, "datetime", "x.csv", freq="fortnightly")


def test_future_timestamps_follow_the_calendar() -> None:
    months = Frequency("datetime", "MS")
    after = months.after(np.datetime64("2023-11-01"), 3)
    assert [str(t)[:10] for t in after] == ["2023-12-01", "2024-01-01", "2024-02-01"]


def test_calendar_features_are_sine_cosine_pairs_on_their_cycle() -> None:
    times = dates("2024-01-01", 14, "D")                     # a Monday
    features = calendar_features(times, ["dayofweek", "month"], "x")
    assert features.shape == (14, 4)
    np.testing.assert_allclose(features[0], features[7])       # one week later
    np.testing.assert_allclose(features[0, :2], [0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(features[3, :2], [np.sin(6 * np.pi / 7), np.cos(6 * np.pi / 7)])
    with pytest.raises(DataError, match=r"calendar features \(month\) need dates"):
        calendar_features(np.arange(3.0), ["month"], "x")


def test_fill_policies() -> None:
    values = np.array([[np.nan], [1.0], [np.nan], [np.nan], [4.0], [np.nan]])
    assert fill_columns(values, "interpolate").ravel().tolist() == [1, 1, 2, 3, 4, 4]
    assert fill_columns(values, "ffill").ravel().tolist() == [1, 1, 1, 1, 4, 4]
    assert fill_columns(values, "zero").ravel().tolist() == [0, 1, 0, 0, 4, 0]


def _panel(fill: str):
    rows = []
    for d, day in enumerate(pd.date_range("2022-03-01", periods=30, freq="D")):
        if d in (5, 6):          # a two-day hole in store b
            rows.append({"date": day, "store": "a", "temp": 10.0 + d, "sales": float(d)})
            continue
        rows.append({"date": day, "store": "a", "temp": 10.0 + d,
                     "sales": np.nan if d == 12 else float(d)})
        rows.append({"date": day, "store": "b", "temp": np.nan if d == 20 else 5.0,
                     "sales": 2.0 * d})
    table = read_long(pd.DataFrame(rows), id="store", target="sales", covariates="temp")
    return build_panel(table, policy=fill, calendar=())[0]


def test_interpolation_fills_holes_and_cells_and_says_so_per_series() -> None:
    a, b = _panel("interpolate")
    assert a.summary == ("store a: 30 days; filled 1 empty cell (sales 1) by linear "
                         "interpolation")
    assert b.summary == ("store b: 30 days; filled 2 days missing after 2022-03-05 and 1 empty "
                         "cell (temp 1) by linear interpolation")
    assert b.values[5:7, 0].tolist() == [10.0, 12.0] and a.values[12, 0] == 12.0
    # Filled targets are not observed: backtests never score them.
    assert not a.observed[12, 0] and not b.observed[5:7, 0].any() and b.observed[7, 0]
    assert b.rows[5] == 0 and b.rows[4] > 0


def test_refusing_names_the_first_empty_cell() -> None:
    with pytest.raises(DataError, match=r"DataFrame: store a, row 23, column 'sales' is empty"):
        _panel("refuse")
