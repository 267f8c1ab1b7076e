"""Hand-made results: rows as the results database returns them, with every number chosen.

Tests of the rules build an :class:`~rnnlab.study.analysis.Analysis` from these (no training),
where the right verdict is known.
"""

from __future__ import annotations

import itertools
from typing import Any

from rnnlab.study.analysis import Analysis, analyse
from rnnlab.study.matching import matched_hidden_sizes, num_parameters

BASELINE = 1 / 6
HIDDEN = matched_hidden_sizes(("rnn", "lstm", "gru"), 2, 1, 16)
_keys = itertools.count()


def rows(skills: dict[tuple[str, int | None, str], list[float]], *,
         hidden: dict[str, int] | None = None, input_size: int = 2,
         measures: dict[tuple[str, int | None, str], dict[str, list[float]]] | None = None,
         time_per_epoch: dict[str, float] | None = None,
         learning_rate: float = 0.01) -> list[dict[str, Any]]:
    """Finished-run rows: seed ``i`` of group ``(task, length, cell)`` gets ``skills[..][i]``.

    ``measures`` may give per-seed ``noise``, ``long`` (skill at 2T) and ``decay`` (decades
    of gradient change) for a group; ``time_per_epoch`` a measured time per cell.
    """
    sizes = hidden or HIDDEN
    out = []
    for (task, length, cell), values in skills.items():
        extra_values = (measures or {}).get((task, length, cell), {})
        for seed, value in enumerate(values):
            steps = length or 10
            extra: dict[str, Any] = {"input_size": input_size, "output_size": 1,
                                     "steps_per_sequence": float(steps), "task_kind": "regress",
                                     "kernel": "hand-made"}
            if "noise" in extra_values:
                extra["noise"] = {"skill": extra_values["noise"][seed]}
            if "long" in extra_values:
                extra["length_generalisation"] = {"length": 2 * steps,
                                                  "skill": extra_values["long"][seed]}
            if "decay" in extra_values:
                extra["gradient_flow_trained"] = [1.0, 10 ** extra_values["decay"][seed]]
            out.append({
                "key": f"k{next(_keys)}", "cell": cell, "task": task, "length": length,
                "seed": seed, "hidden_size": sizes[cell], "status": "done",
                "num_parameters": num_parameters(cell, input_size, sizes[cell], 1),
                "metric": "mse", "baseline": BASELINE,
                "test_score": (1 - value) * BASELINE, "test_skill": value,
                "val_score": (1 - value) * BASELINE, "val_skill": value,
                "time_per_epoch": (time_per_epoch or {}).get(cell, 0.1),
                "latency_per_step_ms": 0.01, "steps_per_epoch": 10, "epochs_run": 5,
                "config": {"learning_rate": learning_rate, "num_layers": 1, "batch_size": 32,
                           "dtype": "float32", "engine": "torch"},
                "extra": extra})
    return out


def analysis(skills: dict[tuple[str, int | None, str], list[float]], threshold: float = 0.8,
             **options: Any) -> Analysis:
    """The analysis of :func:`rows`."""
    return analyse(rows(skills, **options), {}, threshold)


def spread(mean: float, sd: float, n: int = 5) -> list[float]:
    """``n`` values with exactly this mean and sample standard deviation.

    Example:
        >>> import numpy as np
        >>> v = spread(0.9, 0.01, 4)
        >>> round(float(np.mean(v)), 6), round(float(np.std(v, ddof=1)), 6)
        (0.9, 0.01)
    """
    import numpy as np

    base = np.arange(n, dtype=float) - (n - 1) / 2
    base = base / base.std(ddof=1)
    return [float(mean + sd * b) for b in base]
