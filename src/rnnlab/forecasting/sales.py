"""A synthetic shop-sales table in long format, for examples, tests and the README — made up
from its own seed, never anyone's real data.

Columns ``date`` (day first, ``13/02/2022``), ``store`` (``S01``, ``S02``…), ``temperature``
(°C, a past covariate: known only once measured), ``promo`` (0/1, a future covariate: promotions
are planned ahead) and ``sales`` (units sold), one row per store and day, rows sorted by date.
Daily sales of store ``s`` on day ``d``::

    sales = level_s · (1 + 0.05 · years) · week[weekday] · (1 + 0.12 · sin(2π (doy − 80) / 365.25))
            · (1 + 0.012 · (temperature − 15)) · (1.35 if promo else 1) · (0.9 the day after one)
            · exp(ε),  ε ~ N(0, 0.08²)

rounded to whole units. Temperature follows the seasons plus AR(1) weather noise; promotions
start on about one day in 25 and last 3–7 days.

Imperfections, as a real export has them (``gaps=True``): store S02 has no rows for the 11 days
after 2022-05-03, and three ``sales`` cells are empty. After the last day, ``future`` rows per
store carry the date and the planned ``promo`` with ``sales`` and ``temperature`` empty: the
forecast rows.

    python -m rnnlab.forecasting.sales sales.csv [--stores 3] [--days 730] [--seed 12]
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

WEEK = np.array([0.85, 0.9, 0.95, 1.0, 1.15, 1.35, 1.2])   # Monday … Sunday
LEVELS = (120.0, 80.0, 200.0, 150.0, 60.0, 100.0)
HOLE_AFTER = "2022-05-03"
HOLE_DAYS = 11


def make_sales(*, stores: int = 3, days: int = 730, start: str = "2022-01-01",
               future: int = 14, seed: int = 12, gaps: bool = True) -> Any:
    """The table as a ``pandas.DataFrame`` (dates as day-first text, as in a CSV export).

    Example:
        >>> frame = make_sales(stores=2, days=60, future=7)
        >>> frame.columns.tolist(), len(frame), int(frame["sales"].isna().sum())
        (['date', 'store', 'temperature', 'promo', 'sales'], 134, 17)
    """
    import pandas as pd

    if not 1 <= stores <= 99:
        raise ValueError(f"stores must be between 1 and 99, got {stores}")
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days + future, freq="D")
    doy = dates.day_of_year.to_numpy()
    years = np.arange(days + future) / 365.25
    weather = np.zeros(days + future)
    for d in range(1, days + future):
        weather[d] = 0.7 * weather[d - 1] + rng.normal(0, 1.8)
    climate = 12 + 9 * np.sin(2 * np.pi * (doy - 110) / 365.25) + weather
    frames = []
    for s in range(stores):
        level = LEVELS[s % len(LEVELS)] * (1 + 0.1 * (s // len(LEVELS)))
        temperature = climate + rng.normal(0, 0.6, days + future) + 0.5 * (s % 3)
        promo = np.zeros(days + future, dtype=np.int64)
        d = 0
        while d < days + future:
            if rng.random() < 1 / 25:
                length = int(rng.integers(3, 8))
                promo[d:d + length] = 1
                d += length + 3
            else:
                d += 1
        after = np.r_[0, promo[:-1]] * (1 - promo)
        mean = (level * (1 + 0.05 * years) * WEEK[dates.day_of_week.to_numpy()]
                * (1 + 0.12 * np.sin(2 * np.pi * (doy - 80) / 365.25))
                * (1 + 0.012 * (temperature - 15)) * np.where(promo == 1, 1.35, 1.0)
                * np.where(after == 1, 0.9, 1.0))
        sales = np.round(mean * np.exp(rng.normal(0, 0.08, days + future))).astype(float)
        frame = pd.DataFrame({"date": dates, "store": f"S{s + 1:02d}",
                              "temperature": np.round(temperature, 1), "promo": promo,
                              "sales": sales})
        frame.loc[days:, ["sales", "temperature"]] = np.nan
        if gaps and s == 1:
            hole = (frame["date"] > HOLE_AFTER) & (frame["date"] <= pd.Timestamp(HOLE_AFTER)
                                                   + pd.Timedelta(days=HOLE_DAYS))
            frame = frame[~hole]
        frames.append(frame)
    table = pd.concat(frames).sort_values(["date", "store"], kind="stable")
    table = table.reset_index(drop=True)
    if gaps:
        history = np.flatnonzero(table["sales"].notna().to_numpy())
        inner = history[(history > len(history) // 10) & (history < len(history) * 9 // 10)]
        table.loc[rng.choice(inner, size=min(3, len(inner)), replace=False), "sales"] = np.nan
    table["date"] = table["date"].dt.strftime("%d/%m/%Y")
    return table


def main(argv: list[str] | None = None) -> None:
    """Write the table as CSV (see the module docstring)."""
    parser = argparse.ArgumentParser(description="Write a synthetic shop-sales CSV (several "
                                                 "stores, covariates, gaps, day-first dates).")
    parser.add_argument("out", help="CSV file to write, e.g. sales.csv")
    parser.add_argument("--stores", type=int, default=3)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--future", type=int, default=14,
                        help="forecast rows per store after the last day (sales empty)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    table = make_sales(stores=args.stores, days=args.days, future=args.future, seed=args.seed)
    table.to_csv(args.out, index=False)
    print(f"wrote {args.out}: {args.stores} stores × {args.days} days, {args.future} forecast "
          f"rows per store")


if __name__ == "__main__":
    main()
