"""Forecasting real series: several series in one long-format table, past and future
covariates, holes and missing values, dated forecasts past the end in the data's own units,
rolling-origin backtests against the naive forecasts, and conformal prediction intervals.

The workflow (the same steps ``rnnlab train --task forecast``, ``rnnlab backtest`` and
``rnnlab forecast`` take)::

    from rnnlab import forecasting
    model = forecasting.fit(sales, id="store", time="date", target="sales",
                            covariates="temperature", future_covariates="promo",
                            fill="interpolate", lookback=28, horizon=14)
    model.forecast(sales, horizon=14)          # DataFrame: store, date, sales, intervals
    forecasting.backtest(model, sales).overall  # MAE, RMSE, MASE, sMAPE vs naive forecasts
    model.save("sales.safetensors")            # everything above travels in the file

Modules: :mod:`~rnnlab.datasets.files.long_format` (reading), :mod:`.calendar`, :mod:`.fill`,
:mod:`.panel` (regular series), :mod:`.prepare` (training windows and the
:mod:`.spec`), :mod:`.windows` (model inputs, direct and recursive forecasts), :mod:`.rolling`,
:mod:`.backtest`, :mod:`.metrics`, :mod:`.intervals`, :mod:`.predict`, :mod:`.plot`,
:mod:`.sales` (a synthetic shop-sales table for examples and tests).
"""

from __future__ import annotations

from typing import Any

from rnnlab.forecasting.backtest import BacktestResult, backtest
from rnnlab.forecasting.fill import DEFAULT_FILL, FILL_POLICIES
from rnnlab.forecasting.intervals import DEFAULT_LEVELS, calibrate
from rnnlab.forecasting.predict import forecast
from rnnlab.forecasting.prepare import prepare
from rnnlab.forecasting.spec import ForecastSpec


def fit(data: Any, *, cell: str = "gru", hidden_size: int = 32, num_layers: int = 1,
        epochs: int = 100, batch_size: int = 32, learning_rate: float | None = 0.005,
        patience: int | None = 20, seed: int = 0, levels: Any = DEFAULT_LEVELS,
        verbose: bool = False, **options: Any) -> Any:
    """Prepare ``data``, train a model on it, remember the data and calibrate its intervals.

    Args:
        data: a path or DataFrame (long format).
        cell, hidden_size, num_layers, seed: the model (:func:`rnnlab.build`).
        epochs, batch_size, learning_rate, patience, verbose: training
            (:class:`rnnlab.TrainingOptions`; the weights of the best validation epoch are
            kept, and gradients are clipped at norm 1).
        levels: prediction-interval levels in per cent (calibrated on the validation part).
        **options: :func:`prepare`'s (id, time, target, covariates, future_covariates,
            lookback, horizon, strategy, fill, scale, …).

    Returns:
        the trained :class:`rnnlab.Sequential`; ``model.forecast(data, horizon=…)`` forecasts.

    Example:
        >>> from rnnlab.forecasting.sales import make_sales
        >>> sales = make_sales(stores=2, days=200, seed=1)
        >>> model = fit(sales, id="store", time="date", target="sales", fill="interpolate",
        ...             lookback=14, horizon=7, epochs=2, hidden_size=8)
        >>> model.forecast(sales).shape
        (14, 7)
    """
    import rnnlab

    dataset = prepare(data, **options)
    model = rnnlab.build(cell, input_size=dataset.input_size, hidden_size=hidden_size,
                         output_size=dataset.output_size, task="regress",
                         num_layers=num_layers, seed=seed)
    has_val = len(dataset.val[0]) > 0
    rnnlab.train(model, *dataset.train, rnnlab.TrainingOptions(
        max_epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
        validation_data=dataset.val if has_val else None, patience=patience,
        gradient_clip=1.0, seed=seed, verbose=verbose))
    model.remember_data(dataset)
    if has_val and levels:
        calibrate(model, data, levels=levels)
    return model


def __getattr__(name: str) -> Any:
    # Imported on first use, so that ``python -m rnnlab.forecasting.sales`` runs the module
    # once rather than after importing it as part of this package.
    if name == "make_sales":
        from rnnlab.forecasting.sales import make_sales

        return make_sales
    raise AttributeError(f"module 'rnnlab.forecasting' has no attribute {name!r}")


__all__ = [
    "DEFAULT_FILL",
    "DEFAULT_LEVELS",
    "FILL_POLICIES",
    "BacktestResult",
    "ForecastSpec",
    "backtest",
    "calibrate",
    "fit",
    "forecast",
    "make_sales",
    "prepare",
]
