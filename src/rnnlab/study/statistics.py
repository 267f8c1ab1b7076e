"""The study's statistics over seeds: intervals, paired tests, equivalence, Holm, power.

Every rule the verdicts use reads the numbers made here, with the constants below (each one is
named in the report):

* **interval of a mean** over ``n`` seeds: Student's ``t`` interval
  ``mean ± t_{0.975, n−1} · s / √n``, intersected with the range the quantity can take (an
  accuracy lies in [0, 1], a skill is at most 1, a loss is never negative). The true mean always
  lies in that range, so cutting the interval to it never lowers the coverage below 95 %. We
  use this rather than a bootstrap over seeds because with 3–5 seeds a percentile or BCa
  bootstrap covers the mean far less often than it claims (its resamples only ever see the few
  values that were drawn). ``n < 2`` gives no interval.
* **paired test** of cell ``a`` against cell ``b`` over the seeds both ran (the same seed means
  the same data and batch order): Student's one-sample t-test of the differences ``a − b``.
* **Holm correction** over the pairs of one setting (task, length): ``p`` values of the ``m``
  pairs sorted, ``p_(i)·(m − i + 1)``, made monotone and capped at 1. "Significantly better"
  always means a Holm-adjusted ``p <`` :data:`ALPHA` and a positive difference.
* **equivalence** (two one-sided tests, TOST): two cells are practically equivalent when the
  ``1 − 2α`` (90 %) interval of the mean paired difference lies strictly inside
  ``±`` :data:`EQUIVALENCE_MARGIN` skill.
* **smallest detectable difference** of a setting: the mean paired difference that a two-sided
  paired t-test at level :data:`ALPHA` detects with probability :data:`POWER`, for the setting's
  number of seeds and its seed-to-seed spread of differences (exact, from the noncentral t).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

#: Significance level of every test the verdicts read.
ALPHA = 0.05
#: Coverage of the intervals of means.
CONFIDENCE = 0.95
#: Largest mean skill difference two cells may have and still count as practically equivalent.
EQUIVALENCE_MARGIN = 0.05
#: Power at which the smallest detectable difference is stated.
POWER = 0.8

INTERVAL_METHOD = ("Student t interval over seeds, mean ± t₀.₉₇₅,ₙ₋₁·s/√n, cut to the range "
                   "the quantity can take (coverage stays ≥ 95 %)")


def _special():
    # scipy.special's distribution functions are the ones scipy.stats.t and scipy.stats.nct
    # call, without scipy.stats itself: importing that takes ~0.8 s, which every study paid
    # after its last run (its summary is the first user). Imported on first use, because
    # study workers import this package and never call these functions.
    from scipy import special

    return special


def finite(values: Iterable[float | None]) -> np.ndarray:
    """The finite values as a float array (``None`` and NaN dropped)."""
    return np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)


@dataclass(frozen=True)
class Stat:
    """A mean over seeds and its interval ``[low, high]`` (NaN when ``n < 2``)."""

    mean: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Iterable[float | None], bounds: tuple[float, float] = (-math.inf,
                                                                                math.inf),
           confidence: float = CONFIDENCE) -> Stat:
        """Mean and t interval of the finite ``values``, cut to ``bounds``.

        Example:
            >>> s = Stat.of([0.9, 1.0, 1.0], bounds=(0.0, 1.0))   # t interval [0.82, 1.11]
            >>> round(s.mean, 3), round(s.low, 3), s.high, s.n
            (0.967, 0.823, 1.0, 3)
        """
        data = finite(values)
        n = int(data.size)
        if n == 0:
            return cls(math.nan, math.nan, math.nan, 0)
        mean = float(data.mean())
        if n < 2:
            return cls(mean, math.nan, math.nan, n)
        t = float(_special().stdtrit(n - 1, 0.5 + confidence / 2))   # t quantile
        half = t * float(data.std(ddof=1)) / math.sqrt(n)
        low, high = max(mean - half, bounds[0]), min(mean + half, bounds[1])
        return cls(mean, low, high, n)

    @property
    def has_interval(self) -> bool:
        return self.n >= 2 and math.isfinite(self.low) and math.isfinite(self.high)

    def text(self, digits: int = 3) -> str:
        """``0.912 [0.881, 0.943]``; a zero-width interval says so instead of ``± 0.000``.

        Example:
            >>> Stat(0.000213, 0.000201, 0.000225, 5).text()
            '2.13e-04 [2.01e-04, 2.25e-04]'
            >>> Stat(1.0, 1.0, 1.0, 3).text(), Stat(0.5, math.nan, math.nan, 1).text()
            ('1.000 (equal on all 3 seeds)', '0.500 (1 seed, no interval)')
        """
        if not math.isfinite(self.mean):
            return "–"
        if self.n < 2:
            return f"{number(self.mean, digits)} (1 seed, no interval)"
        if self.high == self.low:
            return f"{number(self.mean, digits)} (equal on all {self.n} seeds)"
        return interval_text(self.mean, self.low, self.high, digits)


def interval_text(value: float, low: float, high: float, digits: int = 3) -> str:
    """``value [low, high]`` with one number of decimals for all three (see :func:`decimals`).

    Example:
        >>> interval_text(0.0004, -0.000296, 0.00106), interval_text(0.0004, -0.0003, 0.0009)
        ('0.000400 [-0.000296, 0.001060]', '4.00e-04 [-3.00e-04, 9.00e-04]')
    """
    if not all(v is not None and math.isfinite(v) for v in (value, low, high)):
        return number(value, digits)
    if 0 < max(abs(value), abs(low), abs(high)) < TINY:
        return " ".join([f"{value:.{digits - 1}e}", f"[{low:.{digits - 1}e},",
                         f"{high:.{digits - 1}e}]"])
    places = decimals(value, digits, high - low)
    return f"{value:.{places}f} [{low:.{places}f}, {high:.{places}f}]"


#: Below this magnitude numbers print in scientific notation (an MSE of 2e-05, not 0.0000).
TINY = 1e-3


def decimals(value: float, digits: int = 3, width: float | None = None) -> int:
    """Decimals that show ``value`` with ``digits`` significant figures when it is small (an
    MSE of 0.002 never prints as ``0.00``), at least ``digits`` otherwise, and enough to show
    ``width`` (an interval's) with two significant figures.

    Example:
        >>> decimals(0.5), decimals(0.00213), decimals(0.91234, width=0.004)
        (3, 5, 4)
    """
    places = digits
    if value != 0 and math.isfinite(value) and abs(value) < 10 ** -(digits - 1):
        places = digits - 1 - math.floor(math.log10(abs(value)))
    if width is not None and math.isfinite(width) and width > 0:
        places = max(places, 1 - math.floor(math.log10(width)))
    return min(places, 10)


def number(value: float, digits: int = 3, width: float | None = None) -> str:
    """``value`` with :func:`decimals` places (scientific below :data:`TINY`); ``–`` for a
    missing value.

    Example:
        >>> number(0.5), number(0.000213), number(0.91234, width=0.004), number(-6.1)
        ('0.500', '2.13e-04', '0.9123', '-6.100')
    """
    if value is None or not math.isfinite(value):
        return "–"
    if 0 < abs(value) < TINY:
        return f"{value:.{digits - 1}e}"
    return f"{value:.{decimals(value, digits, width)}f}"


@dataclass(frozen=True)
class PairedTest:
    """Paired comparison of ``a − b`` over shared seeds.

    ``low``/``high``: the 95 % t interval of the mean difference; ``low90``/``high90``: the
    90 % one that the equivalence test reads; ``sd``: the differences' standard deviation.
    """

    difference: float
    low: float
    high: float
    low90: float
    high90: float
    p: float
    n: int
    sd: float

    def equivalent(self, margin: float = EQUIVALENCE_MARGIN) -> bool:
        """TOST at level ``α`` (see :func:`equivalent`)."""
        return self.n >= 2 and equivalent(self.low90, self.high90, margin)


def equivalent(low90: float, high90: float, margin: float = EQUIVALENCE_MARGIN) -> bool:
    """The equivalence rule, the one place it is written: two one-sided tests at level ``α``
    pass when the ``1 − 2α`` interval ``[low90, high90]`` of the mean difference lies strictly
    inside ``±margin``.

    Example:
        >>> equivalent(-0.01, 0.03), equivalent(-0.01, 0.05), equivalent(float("nan"), 0.0)
        (True, False, False)
    """
    return (math.isfinite(low90) and math.isfinite(high90)
            and -margin < low90 and high90 < margin)


def paired_test(a: dict[int, float], b: dict[int, float]) -> PairedTest:
    """Paired t-test of ``a − b`` over the seeds where both are finite.

    A difference that is the same on every seed has no spread: ``p = 0`` (``1`` if it is zero)
    and a zero-width interval.

    Example:
        >>> t = paired_test({0: 0.9, 1: 0.8, 2: 0.85}, {0: 0.1, 1: 0.2, 2: 0.0})
        >>> round(t.difference, 3), t.p < 0.05, t.n
        (0.75, True, 3)
    """
    seeds = sorted(s for s in set(a) & set(b)
                   if a[s] is not None and b[s] is not None
                   and math.isfinite(a[s]) and math.isfinite(b[s]))
    diffs = np.array([a[s] - b[s] for s in seeds], dtype=float)
    n = int(diffs.size)
    nan = math.nan
    if n == 0:
        return PairedTest(nan, nan, nan, nan, nan, nan, 0, nan)
    mean = float(diffs.mean())
    if n < 2:
        return PairedTest(mean, nan, nan, nan, nan, nan, n, nan)
    sd = float(diffs.std(ddof=1))
    if sd == 0.0:
        return PairedTest(mean, mean, mean, mean, mean, 1.0 if mean == 0 else 0.0, n, 0.0)
    special = _special()
    scale = sd / math.sqrt(n)
    t95 = float(special.stdtrit(n - 1, 0.975)) * scale
    t90 = float(special.stdtrit(n - 1, 1 - ALPHA)) * scale
    p = float(2 * special.stdtr(n - 1, -abs(mean) / scale))   # 2·P(T > |t|)
    return PairedTest(mean, mean - t95, mean + t95, mean - t90, mean + t90, p, n, sd)


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p values; NaN stays NaN and does not count as a test.

    Example:
        >>> [round(p, 3) for p in holm([0.01, 0.04, 0.03])]
        [0.03, 0.06, 0.06]
    """
    order = sorted((p, i) for i, p in enumerate(pvalues) if p is not None and math.isfinite(p))
    m = len(order)
    adjusted = [math.nan] * len(pvalues)
    running = 0.0
    for rank, (p, index) in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted


def min_detectable_difference(sd: float, n: int, alpha: float = ALPHA,
                              power: float = POWER) -> float:
    """Smallest mean paired difference a two-sided t-test at ``alpha`` finds with ``power``.

    Solves ``P(|T| > t_{1−α/2, n−1}) = power`` for ``T`` noncentral t with ``n − 1`` degrees
    of freedom and noncentrality ``δ √n / sd``. NaN for ``n < 2``; 0 when ``sd = 0``.

    Example:
        >>> round(min_detectable_difference(0.02, 5), 4)   # (2.78 + 0.94)·0.02/√5 ≈ 0.0331
        0.0336
    """
    if n < 2 or sd is None or not math.isfinite(sd):
        return math.nan
    if sd == 0:
        return 0.0
    special = _special()
    from scipy.optimize import brentq

    df = n - 1
    critical = float(special.stdtrit(df, 1 - alpha / 2))

    def shortfall(effect: float) -> float:
        nc = effect * math.sqrt(n)
        # P(T < −c) and P(T > c) for T noncentral t(df, nc); the upper tail as P(−T < −c),
        # −T being noncentral t(df, −nc), which is computed directly instead of as 1 − cdf.
        lower = float(special.nctdtr(df, nc, -critical))
        upper = float(special.nctdtr(df, -nc, -critical))
        # For a positive effect the lower tail is tiny; scipy returns NaN where it underflows.
        return upper + (lower if math.isfinite(lower) else 0.0) - power

    upper = 1.0
    while shortfall(upper) < 0:
        upper *= 2
    return float(brentq(shortfall, 0.0, upper, xtol=1e-10)) * sd
