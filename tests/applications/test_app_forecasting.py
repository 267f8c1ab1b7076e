"""Forecasting sunspots and airline passengers: scores, closed loop, plot, and the baselines."""

import numpy as np


def test_forecasting_example_beats_the_naive_forecasts(example, tmp_path, capsys):
    plot = tmp_path / "forecast.png"
    results = example("forecasting").main(["--cells", "gru", "--epochs", "60", "--patience",
                                           "15", "--plot", str(plot)])
    out = capsys.readouterr().out
    assert "closed loop" in out and "seasonal naive" in out
    assert plot.stat().st_size > 10_000 and plot.read_bytes()[:4] == b"\x89PNG"
    airline, sunspots = results["airline"], results["sunspots"]
    # The bar: airline test RMSE below the seasonal-naive forecast's.
    assert airline["test_rmse"] < airline["seasonal_naive_rmse"]
    assert sunspots["test_rmse"] < sunspots["persistence_rmse"]
    assert sunspots["test_r2"] > 0.6
    for r in results.values():
        best = r["best"]
        n = len(r["problem"].actual)
        assert best["one_step"].shape == best["closed_loop"].shape == (n,)
        assert np.isfinite(r["closed_loop_rmse"])
        assert set(best["splits"]) == {"train", "val", "test"}
        assert {"mse", "rmse", "r2"} <= set(best["splits"]["test"])


def test_airline_growth_maps_back_to_passengers(example):
    """A zero growth forecast one step ahead is exactly the seasonal-naive forecast; in a
    closed loop it repeats the last year before the test split."""
    forecasting = example("forecasting")
    problem = forecasting.airline_problem(12)
    zero = problem.ds.target_scaler.transform(np.zeros((len(problem.actual), 1, 1)))[:, 0, 0]
    assert np.allclose(problem.to_units(zero), problem.seasonal)
    closed = problem.to_units(zero, closed_loop=True)
    assert np.allclose(closed[:12], problem.seasonal[:12])
    assert np.allclose(closed[12:], closed[:len(closed) - 12])
    assert np.allclose(problem.actual[:3], [420.0, 472.0, 548.0])   # 1959-05 … 1959-07
