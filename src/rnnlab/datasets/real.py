"""Real data that needs no network: digits, sunspots, airline, CO₂, Nile, Japanese vowels.

``digits`` comes from scikit-learn (a dependency); the others ship with rnnlab in
``datasets/bundled/`` (see ``bundled/SOURCES.md`` for provenance and checksums).
:func:`series_frame` gives the four series as tables for :mod:`rnnlab.forecasting`.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np

from rnnlab.datasets._checks import check_float, check_int, check_ratios
from rnnlab.datasets.baselines import classification_baseline
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.files._read import read_csv
from rnnlab.datasets.files.ts_format import TsData, read_ts
from rnnlab.datasets.forecasting import forecast_dataset
from rnnlab.datasets.labelled import labelled_dataset
from rnnlab.datasets.registry import register
from rnnlab.datasets.transforms.split import split_indices, take


def _bundled(filename: str) -> Any:
    return resources.files("rnnlab.datasets").joinpath("bundled").joinpath(filename)


def _bundled_series(filename: str) -> tuple[list[str], np.ndarray]:
    with resources.as_file(_bundled(filename)) as path:
        table = read_csv(path)
    return table.times(0), table.numbers(1)


@register("digits", kind="real", task="classify",
          summary="scikit-learn's 8×8 handwritten digits, read one image row per step")
def digits(*, pixels: bool = False, ratios: Any = (0.7, 0.15, 0.15), seed: int = 0) -> Dataset:
    """Handwritten digits as sequences: 8 steps of 8 pixels, or 64 steps of 1 with ``pixels``.

    1,797 images of 0–9 (the UCI test set bundled with scikit-learn), pixel values 0–16
    divided by 16 (a fixed range, so no statistic of held-out data is used). Stratified split.
    X ``(n, 8, 8)`` or ``(n, 64, 1)`` float32; y ``(n,)`` int64.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("digits", pixels=True).train[0].shape
        (1259, 64, 1)
    """
    from sklearn.datasets import load_digits  # imported here: scikit-learn is slow to import

    ratios = check_ratios("digits", ratios)
    seed = check_int("digits", "seed", seed, minimum=0)
    bunch = load_digits()
    images = (bunch.images / 16.0).astype(np.float32)
    X = images.reshape(len(images), 64, 1) if pixels else images
    y = bunch.target.astype(np.int64)
    splits = [(X[i], y[i]) for i in split_indices(len(y), ratios, method="stratified",
                                                    labels=y, seed=seed)]
    info = {
        "description": "handwritten digits 0–9, " + ("64 pixels × 1" if pixels
                                                     else "8 rows × 8 pixels") + " per image",
        "source": "UCI Optical Recognition of Handwritten Digits (Alpaydin & Kaynak 1998), "
                  "test part, as bundled with scikit-learn (sklearn.datasets.load_digits)",
        "licence": "CC BY 4.0 (UCI Machine Learning Repository); scikit-learn is BSD-3-Clause",
    }
    return Dataset(name="digits", task="classify", train=splits[0], val=splits[1],
                   test=splits[2],
                   baseline=classification_baseline(splits[0][1], splits[2][1], 10), info=info,
                   classes=[str(d) for d in range(10)])


@register("sunspots", kind="real", task="regress",
          summary="yearly mean sunspot numbers 1700–2008, next-year forecast")
def sunspots(*, lookback: int = 20, horizon: int = 1, stride: int = 1,
             ratios: Any = (0.7, 0.15, 0.15), scale: str | None = "zscore") -> Dataset:
    """Forecast the yearly sunspot number from the previous ``lookback`` years.

    309 years, split chronologically (by default targets up to 1916 for training, 1917–1962
    for validation, 1963–2008 for test); z-scored with training statistics.
    X ``(n, lookback, 1)``; y ``(n, horizon)``.
    ``info["seasonal_naive_mse"]`` repeats the value of one ~11-year cycle earlier.

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("sunspots")
        >>> ds.train[0].shape, ds.info["split_times"]["test_from"]
        ((197, 20, 1), '1963')
    """
    years, values = _bundled_series("sunspots.csv")
    info = {
        "description": "yearly mean sunspot number, 1700–2008",
        "source": "statsmodels 0.15.0 (statsmodels.datasets.sunspots), from NOAA's National "
                  "Geophysical Data Center",
        "licence": "public domain (as stated by statsmodels)",
    }
    return forecast_dataset("sunspots", values[:, None], columns=["sunspots"], targets=[0],
                            lookback=lookback, horizon=horizon, stride=stride, ratios=ratios,
                            scale=scale, info=info, season=11, times=years)


@register("airline", kind="real", task="regress",
          summary="monthly airline passengers 1949–1960 (Box & Jenkins), next-month forecast")
def airline(*, lookback: int = 12, horizon: int = 1, stride: int = 1,
            ratios: Any = (0.7, 0.15, 0.15), scale: str | None = "zscore",
            log: bool = False) -> Dataset:
    """Forecast monthly international airline passengers (thousands) from ``lookback`` months.

    144 months, split chronologically; ``log=True`` forecasts ``ln(passengers)``, which
    turns the growing seasonal swings into constant ones. Scaled with training statistics.
    X ``(n, lookback, 1)``; y ``(n, horizon)``. ``info["seasonal_naive_mse"]`` is the score of
    repeating last year's value for the same month (season 12).

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("airline")
        >>> ds.sizes(), round(float(ds.unscale(ds.train[1])[0, 0]), 3)
        ({'train': 88, 'val': 22, 'test': 22}, 115.0)
    """
    months, values = _bundled_series("airline.csv")
    if log:
        values = np.log(values)
    info = {
        "description": "monthly international airline passengers (thousands), 1949–1960"
                       + (", natural log" if log else ""),
        "source": "Box, Jenkins & Reinsel (1976), Time Series Analysis, Series G (R's "
                  "AirPassengers); file from sktime 1.2.0 (sktime/datasets/data/Airline)",
        "licence": "published figures; sktime is BSD-3-Clause",
    }
    return forecast_dataset("airline", values[:, None], columns=["passengers"], targets=[0],
                            lookback=lookback, horizon=horizon, stride=stride, ratios=ratios,
                            scale=scale, info=info, season=12, times=months)


CO2_SOURCE = ("statsmodels 0.15.0 (statsmodels.datasets.co2): Keeling & Whorf (2004), "
              "atmospheric CO2 from continuous air samples at Mauna Loa Observatory, Hawaii, "
              "weekly, March 1958 – December 2001 (CDIAC, Oak Ridge National Laboratory)")
NILE_SOURCE = ("statsmodels 0.15.0 (statsmodels.datasets.nile): annual flow of the Nile at "
               "Aswan 1871–1970, first analysed by Cobb (1978), Biometrika 65(2)")


def _co2_monthly() -> tuple[np.ndarray, np.ndarray]:
    """Months (datetime64) and monthly means of the weekly CO₂ readings; a month without any
    reading is NaN (five of the 526)."""
    import pandas as pd

    with resources.as_file(_bundled("co2.csv")) as path:
        weekly = pd.read_csv(path, dtype={"date": str})
    weekly["date"] = pd.to_datetime(weekly["date"], format="%Y%m%d")
    monthly = weekly.set_index("date")["co2"].resample("MS").mean()
    return monthly.index.to_numpy(), monthly.to_numpy(dtype=np.float64, copy=True)


def series_frame(name: str) -> Any:
    """A bundled series as a ``pandas.DataFrame`` with a time and a value column, as a user's
    file would hold it: ``airline`` (month, passengers), ``sunspots`` (year, sunspots),
    ``co2`` (month, co2 — monthly means, NaN where a month had no reading) or ``nile``
    (year, volume).

    Example:
        >>> co2 = series_frame("co2")
        >>> len(co2), int(co2["co2"].isna().sum()), len(series_frame("nile"))
        (526, 5, 100)
    """
    import pandas as pd

    if name == "co2":
        months, values = _co2_monthly()
        return pd.DataFrame({"month": months, "co2": values})
    files = {"airline": ("airline.csv", "month"), "sunspots": ("sunspots.csv", "year"),
             "nile": ("nile.csv", "year")}
    if name not in files:
        raise ValueError(f"series_frame: unknown series {name!r}; expected one of airline, "
                         f"sunspots, co2, nile")
    filename, time = files[name]
    with resources.as_file(_bundled(filename)) as path:
        frame = pd.read_csv(path)
    if time == "month":
        frame[time] = pd.to_datetime(frame[time], format="%Y-%m")
    return frame


@register("co2", kind="real", task="regress",
          summary="monthly mean CO2 at Mauna Loa 1958–2001 (ppm), next-month forecast")
def co2(*, lookback: int = 24, horizon: int = 1, stride: int = 1,
        ratios: Any = (0.7, 0.15, 0.15), scale: str | None = "zscore") -> Dataset:
    """Forecast the monthly mean CO₂ concentration (ppm) from the previous ``lookback`` months.

    The bundled file holds statsmodels' weekly readings (2,284 weeks, 59 without a reading);
    each month is the mean of its readings, and the five months with none are interpolated
    linearly — 526 months, March 1958 to December 2001, split chronologically, scaled with
    training statistics. A steady rise plus a yearly cycle: the test years lie above every
    training value. X ``(n, lookback, 1)``; y ``(n, horizon)``.

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("co2")
        >>> ds.sizes(), ds.info["split_times"]["test_from"]
        ({'train': 344, 'val': 79, 'test': 79}, '1995-06')
    """
    months, values = _co2_monthly()
    gaps = np.isnan(values)
    values[gaps] = np.interp(np.flatnonzero(gaps), np.flatnonzero(~gaps), values[~gaps])
    info = {"description": "monthly mean atmospheric CO2 at Mauna Loa (ppm), 1958-03 to "
                           "2001-12; 5 months without readings interpolated",
            "source": CO2_SOURCE, "licence": "public domain (as stated by statsmodels)"}
    times = [str(m)[:7] for m in months]
    return forecast_dataset("co2", values[:, None], columns=["co2"], targets=[0],
                            lookback=lookback, horizon=horizon, stride=stride, ratios=ratios,
                            scale=scale, info=info, season=12, times=times)


@register("nile", kind="real", task="regress",
          summary="annual flow of the Nile at Aswan 1871–1970, next-year forecast")
def nile(*, lookback: int = 10, horizon: int = 1, stride: int = 1,
         ratios: Any = (0.7, 0.15, 0.15), scale: str | None = "zscore") -> Dataset:
    """Forecast the Nile's annual flow at Aswan (10⁸ m³) from the previous ``lookback`` years.

    100 years with a level shift near 1898 (the first Aswan dam) and no season: the naive
    forecast is hard to beat. X ``(n, lookback, 1)``; y ``(n, horizon)``.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("nile").sizes()
        {'train': 60, 'val': 15, 'test': 15}
    """
    years, values = _bundled_series("nile.csv")
    info = {"description": "annual flow of the Nile at Aswan (10^8 m^3), 1871–1970",
            "source": NILE_SOURCE, "licence": "public domain (as stated by statsmodels)"}
    return forecast_dataset("nile", values[:, None], columns=["volume"], targets=[0],
                            lookback=lookback, horizon=horizon, stride=stride, ratios=ratios,
                            scale=scale, info=info, times=years)


def _vowels(part: str) -> TsData:
    with resources.as_file(_bundled(f"JapaneseVowels_{part}.ts.gz")) as path:
        return read_ts(path)


@register("japanese_vowels", kind="real", task="classify",
          summary="UCI Japanese vowels: 9 speakers, 12 cepstrum channels, 7–29 frames")
def japanese_vowels(*, val_fraction: float = 0.2, seed: int = 0) -> Dataset:
    """Speaker recognition from utterances of /ae/: the published 270 / 370 train/test split.

    The validation split is carved from the 270 training series, stratified by speaker:
    ``val_fraction=0.2`` leaves 216 for training and 54 (6 per speaker) for validation;
    ``val_fraction=0`` keeps all 270 for training. Lengths vary, so X is a list of
    ``(time, 12)`` float32 arrays; y ``(n,)`` int64, class ``k`` is speaker ``k + 1``.

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("japanese_vowels")
        >>> ds.sizes(), ds.input_size, ds.num_classes
        ({'train': 216, 'val': 54, 'test': 370}, 12, 9)
    """
    val_fraction = check_float("japanese_vowels", "val_fraction", val_fraction, minimum=0.0,
                               maximum=0.9)
    seed = check_int("japanese_vowels", "seed", seed, minimum=0)
    train, test = _vowels("TRAIN"), _vowels("TEST")
    classes = train.class_labels or []
    code = {label: i for i, label in enumerate(classes)}
    y_train = np.array([code[label] for label in train.labels or []], dtype=np.int64)
    y_test = np.array([code[label] for label in test.labels or []], dtype=np.int64)
    keep, val, _ = split_indices(len(y_train), (1.0 - val_fraction, val_fraction, 0.0),
                                 method="stratified", labels=y_train, seed=seed)
    info = {
        "description": "Japanese vowels: 9 male speakers saying /ae/, 12 LPC cepstrum "
                       "coefficients per frame, 7–29 frames",
        "source": "UCI Machine Learning Repository, Japanese Vowels (Kudo, Toyama & Shimbo "
                  "1999), in the UEA .ts format from sktime 1.2.0",
        "licence": "sktime is BSD-3-Clause; the data file states no separate licence",
        "split": f"published 270/370 train/test; validation = {val_fraction:g} of the 270 "
                 f"training series, stratified by speaker (seed {seed})",
    }
    return labelled_dataset(
        "japanese_vowels", "classify",
        [(take(train.series, keep), y_train[keep]), (take(train.series, val), y_train[val]),
         (test.series, y_test)], classes=classes, info=info)
