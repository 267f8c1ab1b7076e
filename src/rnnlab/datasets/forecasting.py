"""From one multivariate series to a forecasting :class:`Dataset`, without leakage.

Steps, in this order:

1. Split the *timeline* into three blocks (MATLAB's ``divideblock``): the first
   ``≈ r_train · N`` steps for training, then validation, then test.
2. Fit the scaler on the training block only.
3. Cut windows (see :mod:`~rnnlab.datasets.transforms.windows`): a split's windows have their
   targets inside its block; inputs may reach back into earlier blocks, never forward.

Scores stated besides the learn-nothing baseline (``info``, test split, scaled units):
``persistence_mse`` repeats the last observed value; ``seasonal_naive_mse`` (with ``season``)
repeats the value one season earlier.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from rnnlab.datasets._checks import check_int, check_ratios
from rnnlab.datasets.baselines import regression_baseline
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError
from rnnlab.datasets.transforms.scalers import make_scaler
from rnnlab.datasets.transforms.split import split_indices
from rnnlab.datasets.transforms.windows import make_windows


def _naive_scores(X: np.ndarray, y: np.ndarray, targets: list[int], horizon: int,
                  season: int | None) -> dict[str, float]:
    scores: dict[str, float] = {}
    if len(y) == 0:
        return scores
    last = np.tile(X[:, -1, targets], (1, horizon))
    scores["persistence_mse"] = float(np.mean((y.astype(np.float64) - last) ** 2))
    lookback = X.shape[1]
    if season is not None and horizon <= season <= lookback:
        steps = [lookback - season + h for h in range(horizon)]
        seasonal = X[:, steps][:, :, targets].reshape(len(y), -1)
        scores["seasonal_naive_mse"] = float(np.mean((y.astype(np.float64) - seasonal) ** 2))
    return scores


def check_float32(name: str, scaled: np.ndarray, columns: Any) -> None:
    """Refuse scaled ``(time, features)`` values beyond float32's range, naming step and
    column (a training part that is almost constant scales the rest far out)."""
    with np.errstate(invalid="ignore"):
        beyond = ~(np.abs(scaled) <= np.finfo(np.float32).max)
    if beyond.any():
        step, column = (int(i) for i in np.argwhere(beyond)[0])
        raise DataError(f"{name}: step {step + 1}, column {columns[column]!r} overflows "
                        f"float32 once scaled with the training part's statistics (the "
                        f"training part is almost constant); use scale=None or more data")


def forecast_dataset(name: str, series: np.ndarray, *, columns: list[str], targets: list[int],
                     lookback: int, horizon: int = 1, stride: int = 1,
                     ratios: Any = (0.7, 0.15, 0.15), scale: str | None = "zscore",
                     info: dict[str, Any] | None = None, season: int | None = None,
                     times: Any = None) -> Dataset:
    """Windows of ``series`` ``(time, features)`` for forecasting ``targets`` (column indices).

    X ``(n, lookback, features)`` float32 (targets and covariates, scaled); y
    ``(n, horizon · len(targets))`` float32; ``ds.unscale(y)`` maps back to original units.

    Example:
        >>> series = np.sin(np.arange(200) / 5.0)[:, None]
        >>> ds = forecast_dataset("wave", series, columns=["x"], targets=[0], lookback=10)
        >>> ds.train[0].shape, ds.train[1].shape
        ((130, 10, 1), (130, 1))
    """
    lookback = check_int(name, "lookback", lookback, minimum=1)
    horizon = check_int(name, "horizon", horizon, minimum=1)
    stride = check_int(name, "stride", stride, minimum=1)
    ratios = check_ratios(name, ratios)
    if scale is not None:
        make_scaler(scale)  # validates the name before any work
    series = np.asarray(series, dtype=np.float64)
    if series.ndim != 2 or series.shape[0] < 2 or series.shape[1] < 1:
        raise DataError(f"{name}: a series needs at least 2 time steps and 1 feature as (time, "
                        f"features), got shape {series.shape}")
    n_steps = series.shape[0]
    train_part, val_part, _ = split_indices(n_steps, ratios, method="block")
    bounds = [0, len(train_part), len(train_part) + len(val_part), n_steps]
    if bounds[1] < lookback + horizon:
        raise DataError(f"{name}: {n_steps} time steps leave {bounds[1]} for training, too few "
                        f"for lookback={lookback} and horizon={horizon} (need at least "
                        f"{lookback + horizon}); use a shorter lookback or more data")
    for split, (low, high), share in (("validation", bounds[1:3], ratios[1]),
                                      ("test", bounds[2:4], ratios[2])):
        if share > 0 and high - low < horizon:
            raise DataError(f"{name}: the {split} part has {high - low} time steps, fewer than "
                            f"horizon={horizon}; use more data, a larger {split} ratio or a "
                            f"shorter horizon")
    scaler = target_scaler = None
    scaled = series
    if scale is not None:
        scaler = make_scaler(scale).fit(series[:bounds[1]])  # training block only
        target_scaler = scaler.subset(targets)
        scaled = (series - scaler.offset) / scaler.scale  # float64: overflow is checked next
        check_float32(name, scaled, columns)
    splits = []
    for low, high in itertools.pairwise(bounds):
        X, y, _ = make_windows(scaled, lookback, horizon, stride, targets=targets, start=low,
                               stop=high)
        splits.append((X.astype(np.float32), y.astype(np.float32)))
    info = dict(info or {})
    info.update({"columns": list(columns), "targets": [columns[i] for i in targets],
                 "lookback": lookback, "horizon": horizon, "stride": stride,
                 "split_steps": {"train": bounds[1], "val": bounds[2] - bounds[1],
                                 "test": n_steps - bounds[2]},
                 "scale": scale})
    if times is not None:
        times = list(times)
        info["split_times"] = {
            "train_from": str(times[0]),
            "val_from": str(times[bounds[1]]) if bounds[1] < n_steps else None,
            "test_from": str(times[bounds[2]]) if bounds[2] < n_steps else None}
    info.update(_naive_scores(*splits[2], targets, horizon, season))
    return Dataset(name=name, task="regress", train=splits[0], val=splits[1], test=splits[2],
                   baseline=regression_baseline(splits[0][1], splits[2][1]), info=info,
                   scaler=scaler, target_scaler=target_scaler)
