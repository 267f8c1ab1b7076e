"""Shared data for the forecasting tests: a small synthetic sales table (three stores, past and
future covariates, a hole, empty cells, day-first dates, forecast rows) and one tiny model
trained on it once."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnnlab import forecasting
from rnnlab.cli import main
from rnnlab.forecasting.sales import make_sales

ROLES = {"id": "store", "time": "date", "target": "sales", "covariates": "temperature",
         "future_covariates": "promo", "fill": "interpolate"}


@pytest.fixture(autouse=True, scope="session")
def one_thread():
    """One thread for torch and for NumPy's BLAS: the models are tiny and the machine busy."""
    import torch
    from threadpoolctl import threadpool_limits

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def sales():
    """3 stores × 240 days (S02's 11-day hole after 2022-05-03, three empty sales cells) and 14
    forecast rows per store."""
    return make_sales(stores=3, days=240, future=14, seed=3)


@pytest.fixture(scope="session")
def sales_csv(tmp_path_factory, sales) -> Path:
    path = tmp_path_factory.mktemp("sales") / "sales.csv"
    sales.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def model(sales, one_thread):
    """A GRU forecaster of 7 days from 14, trained for a few epochs, with its intervals."""
    return forecasting.fit(sales, **ROLES, lookback=14, horizon=7, epochs=3, hidden_size=8,
                           seed=0)


@pytest.fixture
def cli(capsys):
    """``cli(*args)`` → ``(exit code, stdout, stderr)`` of ``rnnlab args``."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
