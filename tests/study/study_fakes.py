"""A stand-in for :func:`rnnlab.study.runner.execute` that trains nothing.

Store, executor, analysis and claims tests use it so that they run in milliseconds and can set
every metric exactly; the real runner is exercised by the resume, executor and report tests.
"""

from __future__ import annotations

import math
import zlib

from rnnlab.study.grid import RunConfig
from rnnlab.study.metrics import skill

#: Mean skill per (cell, long?) — the textbook picture, which tests then overturn in the DB.
SKILL = {("rnn", False): 0.95, ("lstm", False): 0.97, ("gru", False): 0.97,
         ("rnn", True): 0.02, ("lstm", True): 0.93, ("gru", True): 0.95}
#: The learning rate at which each cell's fake validation skill peaks.
BEST_RATE = {"rnn": 0.00316, "lstm": 0.01, "gru": 0.0316}


def fake_execute(fields: dict, report=None) -> dict:
    """Deterministic pseudo-results: a function of the run's cell, length, seed and rate.

    A trial (``role="trial"``) scores its validation skill only, highest at the cell's
    :data:`BEST_RATE`; a final run at another rate than its best loses a little skill.
    """
    run = RunConfig.from_dict(fields)
    wobble = (zlib.crc32(f"{run.cell}{run.length}{run.seed}".encode()) % 100) / 5000.0
    long = (run.length or 0) >= 20
    off_best = 0.1 * abs(math.log10(run.learning_rate / BEST_RATE[run.cell]))
    value = SKILL[run.cell, long] + wobble - (off_best if run.role == "trial" else 0.0)
    baseline = 1 / 6
    mse = (1.0 - value) * baseline
    trial = run.role == "trial"
    epochs = []
    for epoch in range(1, run.epochs + 1):
        row = {"epoch": epoch, "train_loss": mse, "val_loss": mse, "val_score": mse,
               "val_skill": value * epoch / run.epochs, "seconds": 0.01}
        epochs.append(row)
        if report is not None:
            report({"key": run.key, "epochs": run.epochs, "metric": "mse", **row})
    decay = {"rnn": 1e-4, "lstm": 0.3, "gru": 0.5}[run.cell]
    steps = run.length or 10
    flow = [decay ** (d / steps) for d in range(steps)]
    extra = {"input_size": 2, "output_size": 1, "steps_per_sequence": float(steps),
             "task_kind": "regress", "kernel": "fake kernel", "device": "cpu"}
    if not trial:
        extra.update({"gradient_flow_init": flow, "gradient_flow_trained": flow,
                      "noise": {"std": 0.5, "score": mse, "skill": value - 0.1},
                      "length_generalisation": {"length": 2 * steps, "score": mse,
                                                "skill": value - 0.2}})
    return {
        "num_parameters": run.expected_parameters, "metric": "mse", "baseline": baseline,
        "val_score": mse, "test_score": None if trial else mse, "val_skill": value,
        "test_skill": None if trial else skill(mse, baseline, "mse"), "wall_time": 0.1,
        "time_per_epoch": {"rnn": 0.01, "lstm": 0.02, "gru": 0.018}[run.cell] + wobble / 100,
        "peak_memory_mb": None, "latency_per_step_ms": None if trial else 0.01,
        "epochs_run": run.epochs, "steps_per_epoch": 4, "epochs": epochs, "extra": extra,
    }


def slow_fake_execute(fields: dict, report=None) -> dict:
    """:func:`fake_execute` that takes a tenth of a second, so a kill lands mid-study."""
    import time

    time.sleep(0.1)
    return fake_execute(fields, report)
