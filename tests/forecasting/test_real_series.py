"""Real series bundled with rnnlab (airline, sunspots, CO₂, Nile) through the forecasting
pipeline, and the figures docs/forecasting.md reports: backtest MASE below 1 on airline and
CO₂, and 80 % intervals covering 70–90 % of held-out values."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from rnnlab.datasets import DataError, load
from rnnlab.datasets.real import series_frame
from rnnlab.forecasting import prepare

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "forecast_real_series.py"


STATSMODELS_SHA256 = {   # statsmodels 0.15.0's files, as SOURCES.md lists them
    "co2.csv": "16695fa2786e53414e5a6b54767a3fdf5de99cfbc68617f69d1362d92776a92f",
    "nile.csv": "88e97bea7249e5832a85e41aec6ce4b8f7b1b14aae930c8363da7f193286b598"}


def test_bundled_files_are_statsmodels_originals() -> None:
    folder = resources.files("rnnlab.datasets").joinpath("bundled")
    sources = folder.joinpath("SOURCES.md").read_text(encoding="utf-8")
    for name, digest in STATSMODELS_SHA256.items():
        assert hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest() == digest
        assert digest in sources and f"`{name}`" in sources


def test_series_frames_hold_the_bundled_values() -> None:
    co2 = series_frame("co2")
    assert len(co2) == 526 and co2["co2"].iloc[0] == pytest.approx(316.1)
    assert int(co2["co2"].isna().sum()) == 5 and str(co2["month"].iloc[-1])[:7] == "2001-12"
    nile = series_frame("nile")
    assert nile["volume"].iloc[0] == 1120 and nile["year"].iloc[-1] == 1970
    airline = series_frame("airline")
    assert airline["passengers"].iloc[[0, -1]].tolist() == [112, 432]
    with pytest.raises(ValueError, match="unknown series 'ftse'"):
        series_frame("ftse")


def test_registry_entries_for_co2_and_nile() -> None:
    co2, nile = load("co2", horizon=3), load("nile")
    assert co2.train[1].shape[1] == 3 and co2.info["split_times"]["test_from"] == "1995-06"
    assert "Keeling" in co2.info["source"] and "public domain" in nile.info["licence"]
    np.testing.assert_allclose(nile.unscale(nile.test[1])[-1], [740.0])     # 1970


def test_the_weekly_co2_file_has_real_gaps_that_fill_handles() -> None:
    with resources.as_file(resources.files("rnnlab.datasets").joinpath("bundled")
                           .joinpath("co2.csv")) as path:
        with pytest.raises(DataError, match=r"co2\.csv: column 'co2' has 59 missing or NaN "
                                            r"values \(rows 8, 11, 12, …\)"):
            prepare(path, time_format="%Y%m%d", lookback=52)
        ds = prepare(path, time_format="%Y%m%d", lookback=52, horizon=4, fill="interpolate")
    assert ds.info["forecast"]["freq"]["alias"] == "W-SAT"
    assert ds.info["forecast"]["season"] == 52
    assert ds.info["notes"][0] == ("co2.csv: 2284 weeks; filled 59 empty cells (co2 59) by "
                                   "linear interpolation")


@pytest.fixture(scope="module")
def table_example():
    spec = importlib.util.spec_from_file_location("forecast_real_series", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("series", ["airline", "co2"])
def test_backtest_mase_is_below_one_against_seasonal_naive(table_example, series) -> None:
    row = table_example.run_one(series, "rnn", seed=0, epochs=200)
    assert row["mase"] < 1 < row["seasonal"] and row["mase"] < row["naive"]


@pytest.mark.slow
def test_80_percent_intervals_cover_70_to_90_percent_of_held_out_sunspots(table_example):
    row = table_example.run_one("sunspots", "rnn", seed=0, epochs=200)
    assert 0.70 <= row["coverage_80"] <= 0.90
    assert row["origins"] == 36 and not row["capped"]


def test_the_table_is_written_between_its_markers(table_example, tmp_path) -> None:
    rows = [{"series": "nile", "cell": "gru", "seed": s, "mase": m, "naive": 0.98,
             "seasonal": 0.98, "coverage_80": 0.7, "coverage_95": 0.9, "origins": 11,
             "season": 1, "seconds": 3.0, "capped": []} for s, m in enumerate((0.7, 0.8))]
    text = table_example.table(rows)
    assert "| nile | GRU | 0.750 ± 0.071 | 2/2 | 0.980 | 0.980 | 0.235 ± 0.072 |" in text
    doc = tmp_path / "doc.md"
    doc.write_text("# Title\n\nintro\n")
    table_example.write(doc, text)
    table_example.write(doc, text)          # replaced, not appended twice
    assert doc.read_text().count(table_example.BEGIN) == 1 and "intro" in doc.read_text()
