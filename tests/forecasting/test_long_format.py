"""Reading long-format tables: ids, roles, dates, forecast rows — and one line naming series,
row and column for every kind of bad input, from Python and from the command line (exit 2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnnlab.datasets import DataError, load_timeseries
from rnnlab.datasets.files.long_format import read_long
from rnnlab.forecasting import prepare


def table(path: Path, rows: list[str], header: str = "date,store,promo,sales") -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def daily(stores: tuple[str, ...] = ("S01", "S02"), days: int = 40, start: str = "2022-01-01",
          dayfirst: bool = True) -> list[str]:
    """Rows sorted by date then store, day-first dates, sales = day + store number."""
    rows = []
    for d, day in enumerate(pd.date_range(start, periods=days, freq="D")):
        text = day.strftime("%d/%m/%Y" if dayfirst else "%Y-%m-%d")
        rows += [f"{text},{s},{d % 5 == 0:d},{10 + d + i}" for i, s in enumerate(stores)]
    return rows


# ------------------------------------------------------------------------- good input
def test_ids_split_interleaved_rows_into_series(tmp_path: Path) -> None:
    read = read_long(table(tmp_path / "s.csv", daily()), id="store", target="sales",
                     future_covariates="promo")
    assert [s.label for s in read.series] == ["store S01", "store S02"]
    assert read.series[1].targets[:3, 0].tolist() == [11.0, 12.0, 13.0]
    assert read.time_kind == "datetime" and read.dayfirst is True
    assert "dates read day first" in read.notes[0]
    assert read.series[0].times[12] == np.datetime64("2022-01-13")   # 13/01/2022


def test_several_id_columns_and_a_dataframe() -> None:
    frame = pd.DataFrame({"t": [1, 2, 3] * 4, "shop": ["a"] * 6 + ["b"] * 6,
                          "region": (["n"] * 3 + ["s"] * 3) * 2, "y": np.arange(12.0)})
    read = read_long(frame, id=["shop", "region"], time="t")
    assert [s.label for s in read.series] == ["shop=a, region=n", "shop=a, region=s",
                                              "shop=b, region=n", "shop=b, region=s"]
    assert read.time_kind == "number" and read.roles.targets == ("y",)


def test_trailing_rows_without_target_are_forecast_rows_never_filled(tmp_path: Path) -> None:
    rows = [*daily(("S01",), days=30), "31/01/2022,S01,1,", "01/02/2022,S01,0,"]
    ds = prepare(table(tmp_path / "s.csv", rows), id="store", target="sales",
                 future_covariates="promo", fill="interpolate", lookback=5, horizon=2)
    assert ds.info["forecast"]["series"][0]["label"] == "store S01"
    assert "nothing to fill; 2 forecast rows after 2022-01-30" in ds.info["notes"][-1]


def test_time_format_reads_compact_dates(tmp_path: Path) -> None:
    days = pd.date_range("2022-01-20", periods=20, freq="D")
    rows = [f"{day:%Y%m%d},{d}" for d, day in enumerate(days)]      # 20220131 → 20220201
    path = table(tmp_path / "m.csv", rows, header="date,value")
    read = read_long(path, time="date", time_format="%Y%m%d")
    assert read.time_kind == "datetime"
    assert read.series[0].times[12] == np.datetime64("2022-02-01")
    with pytest.raises(DataError, match=r"these look like YYYYMMDD dates: pass "
                                        r"time_format='%Y%m%d'"):
        prepare(path, time="date", lookback=2)


# -------------------------------------------------------------------------- bad input
BAD = [
    ("unsorted", lambda rows: [*rows[:6], rows[8], rows[7], rows[6], *rows[9:]], {},
     r"s\.csv: store S01, row 10, column 'date': time '04/01/2022' does not come after the "
     r"previous row's '05/01/2022' \(row 8\); sort the rows of each series by time"),
    ("duplicate", lambda rows: [*rows[:5], rows[4], *rows[5:]], {},
     r"s\.csv: store S01, row 7, column 'date': time '03/01/2022' appears again \(also row 6\); "
     r"each series needs one row per time"),
    ("non-numeric", lambda rows: [*rows[:9], rows[9].rsplit(",", 1)[0] + ",fifteen",
                                  *rows[10:]], {},
     r"s\.csv: store S02, row 11, column 'sales': 'fifteen' is not a number"),
    ("unknown id", lambda rows: rows, {"id": "shop"},
     r"s\.csv: no --id column 'shop'; the columns are 'date', 'store', 'promo', 'sales'"),
    ("misspelt id", lambda rows: rows, {"id": "stor"},
     r"no --id column 'stor' \(did you mean 'store'\?\)"),
    ("empty cell", lambda rows: [*rows[:9], rows[9].rsplit(",", 1)[0] + ",", *rows[10:]], {},
     r"s\.csv: store S02, row 11, column 'sales' is empty; drop or fill the row, or pass "
     r"fill='interpolate'"),
    ("hole", lambda rows: rows[:10] + rows[16:], {},
     r"s\.csv: store S01: 3 days missing after 2022-01-05 \(row 10\); pass "
     r"fill='interpolate', 'ffill' or 'zero'"),
    ("short series", lambda rows: [*rows, *(f"{d}/02/2022,S03,0,{d}" for d in range(10, 14))],
     {},
     r"s\.csv: store S03: 4 time steps leave 2 for training, too few for lookback=7 and "
     r"horizon=3 \(need at least 10\); use a shorter lookback, more data, or drop the series"),
]


@pytest.mark.parametrize(("case", "damage", "options", "message"), BAD,
                         ids=[case for case, *_ in BAD])
def test_bad_input_names_series_row_and_column(tmp_path: Path, case, damage, options,
                                               message) -> None:
    path = table(tmp_path / "s.csv", damage(daily()))
    kwargs = {"id": "store", "target": "sales", "future_covariates": "promo", "lookback": 7,
              "horizon": 3, **options}
    with pytest.raises(DataError, match=message):
        prepare(path, **kwargs)


@pytest.mark.parametrize(("case", "damage", "options", "message"), BAD,
                         ids=[case for case, *_ in BAD])
def test_bad_input_on_the_command_line_is_one_line_and_exit_2(tmp_path: Path, cli, case,
                                                              damage, options, message) -> None:
    path = table(tmp_path / "s.csv", damage(daily()))
    code, out, err = cli("train", path, "--task", "forecast", "--id", options.get("id", "store"),
                         "--target", "sales", "--future-covariates", "promo", "-p",
                         "lookback=7", "-p", "horizon=3", "--epochs", "1", "--no-progress",
                         "--out", tmp_path / "m.safetensors")
    assert code == 2 and out == ""
    assert err.startswith("rnnlab: ") and err.count("\n") == 1 and "Traceback" not in err
    assert __import__("re").search(message, err), err


def test_day_first_dates_are_found_or_refused_when_forced_otherwise(tmp_path: Path) -> None:
    path = table(tmp_path / "s.csv", daily())
    assert prepare(path, id="store", target="sales", lookback=5).info["forecast"]["dayfirst"]
    with pytest.raises(DataError, match=r"row 26, column 'date': '13/01/2022' is neither a "
                                        r"number nor a date"):
        prepare(path, id="store", target="sales", lookback=5, dayfirst=False)


def test_series_must_share_one_frequency(tmp_path: Path) -> None:
    rows = [f"2022-01-{d:02d},a,{d}" for d in range(1, 21)]
    rows += [f"2022-{m:02d}-01,b,{m}" for m in range(1, 13)]
    with pytest.raises(DataError, match=r"store b steps by MS but store a by D; every series "
                                        r"of one model needs the same frequency"):
        prepare(table(tmp_path / "f.csv", rows, header="date,store,sales"), id="store",
                lookback=2)


def test_recursive_strategy_refuses_past_covariates(tmp_path: Path) -> None:
    path = table(tmp_path / "s.csv", daily())
    with pytest.raises(DataError, match=r"the recursive strategy feeds its own forecasts back, "
                                        r"so past covariates \(promo\) would be unknown"):
        prepare(path, id="store", target="sales", covariates="promo", strategy="recursive")


def test_load_timeseries_is_the_same_reader(tmp_path: Path) -> None:
    path = table(tmp_path / "s.csv", daily())
    a = load_timeseries(path, id="store", target="sales", future_covariates="promo",
                        lookback=7, horizon=3)
    b = prepare(path, id="store", target="sales", future_covariates="promo", lookback=7,
                horizon=3)
    np.testing.assert_array_equal(a.train[0], b.train[0])
    assert a.info["forecast"] == b.info["forecast"]


def test_parquet_with_typed_dates_reads_like_the_csv(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    csv = table(tmp_path / "s.csv", daily(dayfirst=False))
    frame = pd.read_csv(csv, parse_dates=["date"])
    frame.to_parquet(tmp_path / "s.parquet")
    a = prepare(csv, id="store", target="sales", future_covariates="promo", lookback=7)
    b = prepare(tmp_path / "s.parquet", id="store", target="sales", future_covariates="promo",
                lookback=7)
    np.testing.assert_array_equal(a.train[0], b.train[0])
    assert a.info["forecast"]["series"] == b.info["forecast"]["series"]
