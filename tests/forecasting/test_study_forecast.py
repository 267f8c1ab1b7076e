"""A comparison study on a forecasting table scores each run by its backtest MASE in the data's
units, with skill against the better of the naive and seasonal-naive forecasts."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from rnnlab.forecasting import backtest, prepare
from rnnlab.forecasting.sales import make_sales
from rnnlab.forecasting.study import forecast_scoring
from rnnlab.study import build_config, run_study
from rnnlab.study.store import open_store

PARAMS = {"id": "store", "target": "sales", "future_covariates": "promo",
          "fill": "interpolate", "lookback": 14, "horizon": 7}


def test_the_baseline_is_the_better_naive_forecast_on_the_same_origins(tmp_path) -> None:
    path = tmp_path / "sales.csv"
    make_sales(stores=2, days=200, seed=5).to_csv(path, index=False)
    dataset = prepare(path, **PARAMS)
    scoring = forecast_scoring(dataset, str(path))
    assert scoring.metric == "mase"

    # Any model will do: the baselines do not depend on it.
    fake = SimpleNamespace(data_info={"forecast": dataset.info["forecast"]},
                           predict=lambda X: np.zeros((len(X), 7)))
    for part in ("val", "test"):
        overall = backtest(fake, path, part=part).overall
        naive, seasonal = overall["naive"]["MASE"], overall["seasonal naive"]["MASE"]
        assert scoring.baselines[part] == pytest.approx({"naive": naive,
                                                         "seasonal naive": seasonal})
        assert scoring.baseline[part] == pytest.approx(min(naive, seasonal))
        assert scoring.score(fake, part) == pytest.approx(overall["model"]["MASE"])
    assert forecast_scoring(dataset, None) is None


def test_compare_on_a_sales_table_reports_backtest_skill(tmp_path) -> None:
    path = tmp_path / "sales.csv"
    make_sales(stores=2, days=160, seed=6).to_csv(path, index=False)
    config = build_config(data=path, data_task="forecast", cells="gru", seeds=1, epochs=1,
                          params=PARAMS, hidden_size=8, tune="none")
    result = run_study(config, tmp_path / "out", workers=1, progress=False, report=False)
    assert result.failed == 0 and result.ran == 1
    with open_store(tmp_path / "out") as store:
        (row,) = store.runs("done")
    assert row["metric"] == "mase" and row["test_skill"] == pytest.approx(
        1 - row["test_score"] / row["baseline"])
    assert 0.3 < row["baseline"] < 3 and row["test_score"] > 0
    assert {g.metric for g in result.analysis.groups} == {"mase"}
