"""The statistics the verdicts read: intervals inside the metric's range, paired tests, Holm,
equivalence (TOST) and the smallest detectable difference — each against scipy or by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from rnnlab.study.metrics import score_bounds, skill_bounds
from rnnlab.study.statistics import (
    ALPHA,
    EQUIVALENCE_MARGIN,
    POWER,
    Stat,
    holm,
    min_detectable_difference,
    paired_test,
)


def test_interval_is_the_t_interval_over_seeds():
    values = [0.2, 0.5, 0.9, 0.4]
    s = Stat.of(values)
    half = stats.t.ppf(0.975, 3) * np.std(values, ddof=1) / 2
    assert (s.mean, s.n) == (pytest.approx(0.5), 4)
    assert (s.low, s.high) == (pytest.approx(0.5 - half), pytest.approx(0.5 + half))


@pytest.mark.parametrize(("values", "metric"), [
    ([1.0, 1.0, 0.89], "accuracy"),      # the 0.963 ± 0.115 would reach 1.078
    ([0.0002, 0.00021, 0.00001], "mse"),  # and an MSE interval would go negative
])
def test_intervals_stay_inside_the_metric_range(values, metric):
    low, high = score_bounds(metric)
    s = Stat.of(values, (low, high))
    assert low <= s.low <= s.mean <= s.high <= high
    plain = Stat.of(values)
    assert plain.low < low or plain.high > high  # the uncut interval would have left it


def test_skill_intervals_stay_at_or_below_perfect():
    s = Stat.of([1.0, 0.99, 0.6], skill_bounds("accuracy", 0.5))
    assert s.high == 1.0 and s.low >= -1.0
    assert skill_bounds("mse", 1 / 6) == (-math.inf, 1.0)


def _coverage(draws: np.ndarray, true_mean: float, bounds=(-math.inf, math.inf)) -> float:
    hits = [(s.low <= true_mean <= s.high) for s in (Stat.of(row, bounds) for row in draws)]
    return float(np.mean(hits))


def _bootstrap_coverage(draws: np.ndarray, true_mean: float) -> float:
    """Coverage of the exact percentile bootstrap over seeds (all n^n resamples)."""
    n = draws.shape[1]
    picks = np.array(np.meshgrid(*[range(n)] * n)).reshape(n, -1).T     # (n^n, n)
    means = draws[:, picks].mean(axis=2)                                   # (studies, n^n)
    low, high = np.percentile(means, [2.5, 97.5], axis=1)
    return float(np.mean((low <= true_mean) & (true_mean <= high)))


def test_cutting_to_the_range_never_lowers_the_coverage_and_beats_the_bootstrap():
    rng = np.random.default_rng(0)
    # Accuracy-like values piled up near 1, three seeds: the t interval overshoots 1 and is
    # cut there; the true mean is inside [0, 1], so the cut never loses it.
    skewed = rng.beta(19, 1, size=(2000, 3))
    cut = _coverage(skewed, 0.95, (0.0, 1.0))
    assert cut == _coverage(skewed, 0.95)
    assert cut > _bootstrap_coverage(skewed, 0.95) + 0.1
    normal = rng.normal(0.5, 0.1, size=(2000, 3))
    assert _coverage(normal, 0.5) == pytest.approx(0.95, abs=0.02)
    assert _bootstrap_coverage(normal, 0.5) < 0.85  # why the report does not bootstrap


def test_text_never_prints_a_zero_width_interval_as_plus_minus_zero():
    assert Stat.of([0.0002, 0.00021, 0.00022], (0, math.inf)).text() == \
        "2.10e-04 [1.85e-04, 2.35e-04]"
    assert Stat.of([0.002, 0.0021, 0.0022], (0, math.inf)).text() == "0.00210 [0.00185, 0.00235]"
    assert "equal on all 3 seeds" in Stat.of([1.0, 1.0, 1.0], (0, 1)).text()
    assert "1 seed, no interval" in Stat.of([0.7]).text()
    for values in ([0.5, 0.5000001, 0.4999999], [1e-6, 2e-6, 1.5e-6]):
        assert "0.000]" not in Stat.of(values).text()
        assert "±" not in Stat.of(values).text()


def test_paired_test_matches_scipy_on_shared_seeds_only():
    t = paired_test({0: 1.0, 1: 2.0, 2: 3.5, 9: 100.0}, {0: 0.0, 1: 1.5, 2: 1.0})
    reference = stats.ttest_rel([1.0, 2.0, 3.5], [0.0, 1.5, 1.0])
    assert t.n == 3 and t.difference == pytest.approx(np.mean([1.0, 0.5, 2.5]))
    assert t.p == pytest.approx(reference.pvalue)
    interval = reference.confidence_interval(0.95)
    assert (t.low, t.high) == (pytest.approx(interval.low), pytest.approx(interval.high))
    interval90 = reference.confidence_interval(0.90)
    assert (t.low90, t.high90) == (pytest.approx(interval90.low), pytest.approx(interval90.high))


def test_equivalence_needs_the_90_percent_interval_inside_the_margin():
    close = paired_test({i: 0.9 + 0.001 * i for i in range(5)},
                        {i: 0.9 + 0.001 * (4 - i) for i in range(5)})
    assert close.equivalent()
    noisy = paired_test({0: 0.9, 1: 0.5, 2: 0.95}, {0: 0.92, 1: 0.9, 2: 0.6})
    assert not noisy.equivalent() and noisy.p > ALPHA  # neither equal nor different
    far = paired_test({i: 0.9 + 0.001 * i for i in range(5)}, {i: 0.5 for i in range(5)})
    assert not far.equivalent() and far.p < ALPHA
    # The margin is the boundary: the same differences pass a wider margin only.
    edge = paired_test({i: 0.948 + 0.001 * i for i in range(5)},
                       {i: 0.9 + 0.001 * (4 - i) for i in range(5)})
    assert edge.high90 > EQUIVALENCE_MARGIN > edge.low90 > -EQUIVALENCE_MARGIN
    assert not edge.equivalent() and edge.equivalent(margin=edge.high90 + 1e-9)


def test_holm_adjusts_step_down_and_stays_monotone():
    # Sorted p = 0.01, 0.03, 0.04 → 3·0.01, max(0.03, 2·0.03), max(0.06, 1·0.04).
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    adjusted = holm([float("nan"), 0.02])
    assert math.isnan(adjusted[0]) and adjusted[1] == pytest.approx(0.02)


def test_smallest_detectable_difference_has_the_stated_power():
    sd, n = 0.03, 5
    delta = min_detectable_difference(sd, n)
    critical = stats.t.ppf(1 - ALPHA / 2, n - 1)
    nc = delta * math.sqrt(n) / sd
    power = stats.nct.sf(critical, n - 1, nc) + stats.nct.cdf(-critical, n - 1, nc)
    assert power == pytest.approx(POWER, abs=1e-6)
    # …and a simulation of paired t-tests agrees.
    rng = np.random.default_rng(1)
    diffs = rng.normal(delta, sd, size=(20000, n))
    t = diffs.mean(axis=1) / (diffs.std(axis=1, ddof=1) / math.sqrt(n))
    assert np.mean(np.abs(t) > critical) == pytest.approx(POWER, abs=0.015)
    assert min_detectable_difference(sd, 10) < delta  # more seeds detect smaller differences
    assert math.isnan(min_detectable_difference(sd, 1))


@pytest.mark.parametrize("n", [2, 3, 5, 10, 30])
@pytest.mark.parametrize("power", [0.5, 0.8, 0.95])
def test_smallest_detectable_difference_is_scipy_stats_power_solved_exactly(n, power):
    # The module computes the noncentral t's tails with scipy.special (scipy.stats takes
    # ~0.8 s to import); the same equation written with scipy.stats must have the same root.
    from scipy.optimize import brentq

    critical = stats.t.ppf(1 - ALPHA / 2, n - 1)

    def shortfall(effect):
        nc = effect * math.sqrt(n)
        lower = stats.nct.cdf(-critical, n - 1, nc)   # NaN where it underflows
        return stats.nct.sf(critical, n - 1, nc) + np.nan_to_num(lower) - power

    upper = 1.0
    while shortfall(upper) < 0:
        upper *= 2
    for sd in (1e-4, 0.02, 3.0):
        expected = brentq(shortfall, 0.0, upper, xtol=1e-10) * sd
        assert min_detectable_difference(sd, n, power=power) == pytest.approx(expected,
                                                                              rel=1e-12)


def test_the_statistics_do_not_import_scipy_stats():
    # What keeps a study's summary quick: scipy.stats is not needed for any of its numbers.
    import subprocess
    import sys

    code = ("import sys\n"
            "from rnnlab.study.statistics import Stat, min_detectable_difference, paired_test\n"
            "Stat.of([0.1, 0.2, 0.4]); paired_test({0: 1.0, 1: 2.0}, {0: 0.5, 1: 0.7})\n"
            "min_detectable_difference(0.02, 5)\n"
            "print('scipy.stats' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
