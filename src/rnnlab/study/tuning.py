"""Equal tuning budget per cell: each cell's learning rate is searched before the final runs.

A shared learning rate favours whichever cell it happens to suit (Greff et al. 2017 found the
learning rate by far the most important hyperparameter of an LSTM), so ``tune="lr"`` gives
every cell the same search:

1. **trials**: for every setting (task, length) and cell, one run per learning rate of the grid
   (:func:`learning_rate_grid`) and trial seed. Every cell gets the same rates and seeds, hence
   the same number of trials and the same budget per trial (the study's, or ``tune_epochs``
   epochs of it when that is set: a shorter trial ranks the rates at a fraction of the cost,
   as the first rung of successive halving does). Trial seeds are
   ``TRIAL_SEED_BASE + k`` (:mod:`rnnlab.study.config`), distinct from every final seed, so
   neither the trials' data (a generated task draws its data from the seed) nor their
   initialisation is a final run's. A trial is scored on the **validation split only**; it
   never evaluates the test split, and takes none of the extra measurements.
2. **choice** (:func:`choose_rates`): the rate with the highest mean validation skill over the
   trial seeds; a trial that diverged or failed counts as the worst score, and ties go to the
   smaller rate. When no trial of a cell finished with a finite skill, the cell keeps the
   study's shared rate and the report says so.
3. **final runs** at each cell's chosen rate, with the study's seeds.

Trials are ordinary runs (:class:`~rnnlab.study.grid.RunConfig` with ``role="trial"``): they
have keys, are stored in the results database, are skipped when already done (a killed study
resumes), and run on any executor, Ray included. The choice is a pure function of the stored
trials, so a resumed study chooses the same rates and finds its finished final runs again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from rnnlab.study.config import TRIAL_SEED_BASE, StudyConfig
from rnnlab.study.grid import RunConfig, Setting, make_run, settings_of

#: The default grid: the study's learning rate times ``10^(k/2)`` for these ``k`` (half-decade
#: steps from a tenth of it to ten times it), rounded to 3 significant figures.
GRID_HALF_DECADES = (-2, -1, 0, 1, 2)


def _round(value: float, figures: int = 3) -> float:
    return float(f"{value:.{figures}g}")


def learning_rate_grid(config: StudyConfig) -> tuple[float, ...]:
    """The learning rates every cell tries, in increasing order.

    Example:
        >>> learning_rate_grid(StudyConfig(tasks=(), learning_rate=0.01))
        (0.001, 0.00316, 0.01, 0.0316, 0.1)
    """
    if config.tune_grid:
        return tuple(sorted(float(rate) for rate in config.tune_grid))
    return tuple(_round(config.learning_rate * 10 ** (k / 2)) for k in GRID_HALF_DECADES)


def trial_seeds(config: StudyConfig) -> tuple[int, ...]:
    """Seeds of the trials, ``TRIAL_SEED_BASE + k`` for ``k < tune_seeds``."""
    return tuple(TRIAL_SEED_BASE + k for k in range(config.tune_seeds))


def trial_runs(config: StudyConfig, settings: list[Setting] | None = None) -> list[RunConfig]:
    """Every trial of the study (none without ``tune``), in order (setting, rate, seed, cell)."""
    if config.tune is None:
        return []
    runs = []
    budget = {} if config.tune_epochs is None else {"epochs": config.tune_epochs}
    for setting in settings if settings is not None else settings_of(config):
        for rate in learning_rate_grid(config):
            for seed in trial_seeds(config):
                for cell in config.cells:
                    runs.append(make_run(config, setting, cell, seed, learning_rate=rate,
                                         role="trial", measure=False, **budget))
    return runs


@dataclass
class Choice:
    """The learning rate chosen for one (task, length, cell), and the trials behind it.

    ``scores`` maps each rate of the grid to the mean validation skill of its finished trials
    (NaN when none finished with a finite skill); ``tuned`` is False when the cell fell back to
    the study's shared rate.
    """

    task: str
    length: int | None
    cell: str
    rate: float
    tuned: bool
    scores: dict[float, float] = field(default_factory=dict)
    trials: int = 0
    finished: int = 0


def choose_rates(config: StudyConfig, expected: list[RunConfig],
                 rows: list[dict[str, Any]]) -> dict[tuple[str, int | None, str], Choice]:
    """Each cell's rate from its trials (rule in the module docstring).

    ``expected`` are the study's trial runs; ``rows`` any ``runs`` rows of the database (only
    finished rows whose key is an expected trial are read).

    Example:
        >>> from rnnlab.study.config import TaskSpec
        >>> config = StudyConfig(tasks=(TaskSpec("adding", (5,)),), cells=("gru",),
        ...                      tune="lr", tune_grid=(0.01, 0.1))
        >>> runs = [RunConfig("gru", 4, 1, "adding", 5, 1_000_000, learning_rate=r,
        ...                   role="trial") for r in (0.01, 0.1)]
        >>> rows = [{"key": runs[0].key, "val_skill": 0.5}, {"key": runs[1].key,
        ...                                                   "val_skill": 0.9}]
        >>> choose_rates(config, runs, rows)["adding", 5, "gru"].rate
        0.1
    """
    done = {row["key"]: row.get("val_skill") for row in rows}
    by_setting: dict[tuple[str, int | None, str], list[RunConfig]] = {}
    for run in expected:
        by_setting.setdefault(run.setting, []).append(run)
    choices = {}
    for (task, length, cell), runs in by_setting.items():
        per_rate: dict[float, list[float]] = {}
        finished = 0
        for run in runs:
            per_rate.setdefault(run.learning_rate, [])
            if run.key in done:
                finished += 1
                value = done[run.key]
                per_rate[run.learning_rate].append(
                    value if value is not None and math.isfinite(value) else -math.inf)
        scores = {rate: (sum(v) / len(v) if v and all(math.isfinite(x) for x in v)
                         else math.nan) for rate, v in sorted(per_rate.items())}
        # A rate with a diverged or failed trial ranks below every finite one.
        ranked = [(score, -rate) for rate, score in scores.items() if math.isfinite(score)]
        if ranked:
            rate = -max(ranked)[1]
            choices[task, length, cell] = Choice(task, length, cell, rate, True, scores,
                                                 len(runs), finished)
        else:
            choices[task, length, cell] = Choice(task, length, cell, config.learning_rate,
                                                 False, scores, len(runs), finished)
    return choices
