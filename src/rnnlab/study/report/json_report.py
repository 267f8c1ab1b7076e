"""``report.json``: the report's numbers in machine-readable form (keys in the README).

The file follows ``report_schema.json`` (beside this module) and holds everything the verdicts
read, so :func:`rnnlab.study.check.check_report` can apply the rules again. NaN and infinity
are written as ``null``.
"""

from __future__ import annotations

import json
import math
import statistics as pystats
from importlib import resources
from typing import Any

from rnnlab.study.analysis import Analysis, Group
from rnnlab.study.config import budget_text
from rnnlab.study.cost import TRAINING_FACTOR
from rnnlab.study.metrics import LOWER_IS_BETTER
from rnnlab.study.recommend import COST_TIE, MIN_SEEDS_HIGH
from rnnlab.study.statistics import (
    ALPHA,
    CONFIDENCE,
    EQUIVALENCE_MARGIN,
    INTERVAL_METHOD,
    POWER,
    Stat,
)
from rnnlab.study.tuning import learning_rate_grid, trial_seeds

FORMAT = "rnnlab-study-report"
VERSION = 1


def schema() -> dict[str, Any]:
    """The JSON schema of ``report.json``."""
    text = resources.files("rnnlab.study.report").joinpath("report_schema.json").read_text(
        encoding="utf-8")
    return json.loads(text)


def _clean(value: Any) -> Any:
    """JSON-ready: NaN/inf → None, tuples → lists, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _stat(s: Stat) -> dict[str, Any]:
    return {"mean": s.mean, "low": s.low, "high": s.high, "n": s.n}


def _spread(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"median": None, "min": None, "max": None}
    return {"median": pystats.median(values), "min": min(values), "max": max(values)}


def _group(g: Group, a: Analysis, config: Any, tuned: set[tuple]) -> dict[str, Any]:
    return {
        "task": g.task, "length": g.length, "cell": g.cell, "hidden_size": g.hidden_size,
        "parameters": g.num_parameters, "learning_rate": g.learning_rate,
        "tuned": (g.task, g.length, g.cell) in tuned, "seeds": g.seeds, "metric": g.metric,
        "lower_is_better": LOWER_IS_BETTER.get(g.metric, True), "baseline": g.baseline,
        "test_metric": _stat(g.score), "skill": _stat(g.skill),
        "skill_by_seed": {str(seed): value for seed, value in sorted(g.skill_by_seed.items())},
        "solved": g.solved(a.threshold),
        "cost": {
            "macs_per_step": g.macs_per_step, "macs_per_sequence": g.macs_per_sequence,
            "training_macs_per_batch": TRAINING_FACTOR * g.macs_per_sequence * config.batch_size,
            "activation_bytes": g.activation_bytes,
            "time_per_epoch_s": _spread(g.times_per_epoch),
            "latency_ms_per_step": _spread(g.latencies_ms),
            "engine": g.engine, "device": "cpu", "kernel": g.kernel},
        "steps_to_threshold": {"median": g.median_steps_to_threshold,
                               "reached": len(g.steps_to_threshold), "seeds": len(g.seeds)},
        "gradient_decay_decades": g.gradient_decay.mean,
    }


def build(result: Any) -> dict[str, Any]:
    """The ``report.json`` document of a :class:`~rnnlab.study.api.StudyResult`."""
    a, c = result.analysis, result.config
    tuned = {key for key, choice in result.tuning.items() if choice.tuned}
    tuning = {"mode": "lr" if c.tune else "shared",
              "grid": list(learning_rate_grid(c)) if c.tune else [],
              "trial_seeds": list(trial_seeds(c)) if c.tune else [],
              "trials_per_cell": len(learning_rate_grid(c)) * c.tune_seeds if c.tune else 0,
              "trial_epochs": (c.tune_epochs or c.epochs) if c.tune else None}
    document = {
        "format": FORMAT, "version": VERSION,
        "settings": {
            "name": c.name, "cells": list(c.cells), "seeds": list(c.seeds),
            "match": c.match, "hidden_size": c.hidden_size, "num_layers": c.num_layers,
            "optimizer": c.optimizer, "shared_learning_rate": c.learning_rate,
            "schedule": c.schedule, "batch_size": c.batch_size, "gradient_clip": c.gradient_clip,
            "budget": {"epochs": c.epochs, "steps": c.steps, "seconds": c.seconds,
                       "text": budget_text(c.epochs, c.steps, c.seconds)},
            "tuning": tuning, "engine": c.engine, "device": "cpu", "dtype": c.dtype,
            "threshold": a.threshold, "alpha": ALPHA, "confidence": CONFIDENCE,
            "equivalence_margin": EQUIVALENCE_MARGIN, "power": POWER, "cost_tie": COST_TIE,
            "min_seeds_high": MIN_SEEDS_HIGH, "interval_method": INTERVAL_METHOD,
            "finished_runs": sum(len(g.seeds) for g in a.groups), "failed_runs": a.failed},
        "groups": [_group(g, a, c, tuned) for g in a.groups],
        "pairs": [{"task": p.task, "length": p.length, "a": p.a, "b": p.b,
                   "difference": p.difference, "low": p.test.low, "high": p.test.high,
                   "low90": p.test.low90, "high90": p.test.high90, "p": p.p,
                   "p_adjusted": p.p_adjusted, "equivalent": p.test.equivalent(), "n": p.n}
                  for p in a.comparisons],
        "statistics": [{"task": s.task, "length": s.length, "seeds": s.seeds,
                        "spread": s.spread, "detectable_difference": s.detectable}
                       for s in a.setting_stats],
        "tuning": [{"task": ch.task, "length": ch.length, "cell": ch.cell,
                    "chosen_rate": ch.rate, "tuned": ch.tuned, "trials": ch.trials,
                    "finished": ch.finished,
                    "scores": [{"learning_rate": r, "validation_skill": v}
                               for r, v in ch.scores.items()]}
                   for ch in result.tuning.values()],
        "claims": [{"id": cl.id, "text": cl.text, "verdict": cl.verdict, "rule": cl.rule,
                    "basis": cl.basis, "summary": cl.summary, "evidence": cl.evidence}
                   for cl in result.claims],
        "recommendation": [{"task": r.task, "length": r.length, "cell": r.cell,
                            "top_group": r.top_group, "eligible": r.eligible,
                            "candidates": r.candidates,
                            "cost_ties": r.ties, "confidence": r.confidence, "text": r.text}
                           for r in result.recommendations],
    }
    return _clean(document)


def render(result: Any) -> str:
    """``report.json`` as text."""
    return json.dumps(build(result), indent=1, allow_nan=False) + "\n"
