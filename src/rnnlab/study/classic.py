"""The classic suite at two scales, and what the paper-scale one costs before it runs.

``rnnlab compare --suite classic`` (:func:`laptop`) runs every published row that fits in
about 30 minutes on a quiet 2-core machine — the H&S tasks at the paper's lengths with about
the paper's number of training sequences, the Bai et al. tasks at their lengths with a small
budget, digits for MNIST — so the verdicts in :mod:`rnnlab.study.reproduction` are computed,
not assumed. ``--scale paper`` (:func:`paper_parts`) runs every row with the papers' sizes,
lengths, trial counts and budgets, for a Ray cluster or a GPU. One study cannot hold both the
papers' 93-weight nets and their 70K-parameter ones (a study matches cells to one hidden size),
so the paper scale is three studies, each in its own folder under ``--out``.

Budgets are set per task through the training-set size: every task of a study trains for the
same number of epochs, so a task's training sequences are ``epochs × n_train``. For H&S the
budget is about the paper's mean sequences until success at laptop scale and two to three times
it at paper scale (runs stop where the paper's criterion holds).

The cost of a plan (:func:`plan`) is a model, not a measurement of the run: seconds per
optimiser step = time steps per sequence × a per-time-step cost for a batch of 32, measured for
each cell and width on this machine (:data:`STEP_COST_US`, re-measure with
``python -m rnnlab.study.classic calibrate``). Validation, success checks and worker start-up
come on top; runs that meet the paper's criterion stop early. For the laptop suite with its
tuning trials the plan says 0.3 hours on 2 cores, and the run took 18.5 minutes (2026-12-02).
The GPU figure assumes :data:`GPU_STEP_US` per time step (cuDNN at these sizes is bound by
kernel launches, not by width) — a rough figure, not measured here (no GPU in this session).
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.study.config import StudyConfig, TaskSpec, validate
from rnnlab.study.grid import RunConfig, expand

SCALES = ("laptop", "paper")
EPOCHS_LAPTOP = 20
EPOCHS_HS97 = 100

#: Microseconds per time step of one training step (forward, backward, Adam) on a batch of 32,
#: by cell, hidden size and whether the batch's lengths differ (packed sequences). Measured
#: with ``python -m rnnlab.study.classic calibrate`` on the 2-core VM (one torch thread, the
#: engine's default kernels: rnnlab's for GRU, RNN and ragged LSTM batches, oneDNN for the
#: others), nothing else running, 2026-12-02 — in a slow phase of the VM (NumPy's matmul at
#: about half its quiet rate): the medians of 3 repeats. Re-measure there.
STEP_COST_US = {
    ("rnn", False): {4: 28.0, 24: 36.0, 57: 68.0, 130: 214.0},
    ("rnn", True): {4: 21.0, 24: 41.0, 57: 73.0, 130: 209.0},
    ("lstm", False): {4: 47.0, 24: 66.0, 57: 232.0, 130: 505.0},
    ("lstm", True): {4: 42.0, 24: 99.0, 57: 228.0, 130: 689.0},
    ("gru", False): {4: 39.0, 24: 76.0, 57: 158.0, 130: 503.0},
    ("gru", True): {4: 48.0, 24: 84.0, 57: 191.0, 130: 532.0},
}
#: Assumed microseconds per time step of a training step on one GPU (cuDNN, batch 32).
GPU_STEP_US = 25.0
BATCH = 32


def laptop() -> StudyConfig:
    """The classic suite sized for ~30 minutes on a quiet 2-core machine (two workers):
    ``rnnlab compare --suite classic``, which tunes each cell's learning rate (105 trials at the
    final runs' budget, then 63 final runs), took 18.5 minutes on 2026-12-02.

    H&S 1997 at the paper's lengths: adding T = 100 with 74,000 training sequences (the
    paper's mean until success), temporal order 6a with 40,000 (31,390), the embedded Reber
    grammar with 40,000 presentations of its 256 strings (8,440–39,740). Bai et al. 2018 at
    T = 600 and T = 1000 with a small budget (16,000 and 9,600 sequences), and 8 × 8 digits
    pixel by pixel for sequential and permuted MNIST. 3 seeds, LSTM hidden size 24, Adam 0.005
    (at 0.01 the LSTM did not learn task 6a within 80,000 sequences; at 0.005 it did within
    12,000), 20 epochs.
    """
    hs_eval = {"n_val": 2000, "n_test": 2560}
    return StudyConfig(
        name="classic long-time-lag experiments (laptop scale)",
        tasks=(TaskSpec("reber_hs97", None, {"strings": 256, "n_train": 2000, "n_val": 256,
                                             "n_test": 256}),
               TaskSpec("adding_hs97", (100,), {"n_train": 3700, **hs_eval}),
               TaskSpec("temporal_order_6a", (100,), {"n_train": 2000, **hs_eval}),
               TaskSpec("digits_sequential"),
               TaskSpec("digits_permuted"),
               TaskSpec("adding_bai18", (600,), {"n_train": 800, "n_val": 200, "n_test": 1000}),
               TaskSpec("copy_bai18", (1000,), {"n_train": 480, "n_val": 100, "n_test": 500})),
        seeds=(0, 1, 2), hidden_size=24, epochs=EPOCHS_LAPTOP, learning_rate=0.005,
        batch_size=BATCH, measure=False)


@dataclass(frozen=True)
class Part:
    """One study of the paper-scale suite: a folder name, its configuration and its purpose."""

    name: str
    config: StudyConfig
    purpose: str


def _hs_budget(sequences: int) -> dict[str, int]:
    """An H&S task's training-set size for ``sequences`` over :data:`EPOCHS_HS97` epochs."""
    return {"n_train": sequences // EPOCHS_HS97, "n_val": 2000, "n_test": 2560}


def paper_parts(mnist: bool | None = None) -> list[Part]:
    """The paper-scale suite: three studies (see the module docstring).

    ``mnist`` — run sequential/permuted MNIST (your files in ``$RNNLAB_DATA/mnist``) rather than
    the digits stand-in; ``None`` decides by whether the files are there.
    """
    if mnist is None:
        from rnnlab.datasets import available_offline

        mnist = available_offline("mnist_sequential")
    hs97 = StudyConfig(
        name="classic, paper scale: Hochreiter & Schmidhuber 1997",
        tasks=(TaskSpec("reber_hs97", None, {"strings": 256, **_hs_budget(200_000),
                                             "n_val": 256, "n_test": 256}),
               TaskSpec("adding_hs97", (100,), _hs_budget(200_000)),
               TaskSpec("adding_hs97", (500,), _hs_budget(500_000)),
               TaskSpec("adding_hs97", (1000,), _hs_budget(2_000_000)),
               TaskSpec("temporal_order_6a", (100,), _hs_budget(100_000)),
               TaskSpec("temporal_order_6b", (100,), _hs_budget(1_200_000))),
        seeds=tuple(range(10)), hidden_size=4, epochs=EPOCHS_HS97, learning_rate=0.005,
        batch_size=BATCH, measure=False)
    images = ("mnist_sequential", "mnist_permuted") if mnist else \
        ("digits_sequential", "digits_permuted")
    large = StudyConfig(
        name="classic, paper scale: Bai et al. 2018, ≈ 70K parameters",
        tasks=(TaskSpec("adding_bai18", (600,), {"n_train": 50_000, "n_val": 1000,
                                                 "n_test": 1000}),
               *(TaskSpec(name) for name in images)),
        seeds=tuple(range(5)), hidden_size=130, epochs=10, learning_rate=0.001,
        batch_size=BATCH, measure=False)
    small = StudyConfig(
        name="classic, paper scale: Bai et al. 2018 copy memory, ≈ 16K parameters",
        tasks=(TaskSpec("copy_bai18", (1000,), {"n_train": 10_000, "n_val": 1000,
                                                "n_test": 1000}),),
        seeds=tuple(range(5)), hidden_size=57, epochs=50, learning_rate=0.001,
        batch_size=BATCH, measure=False)
    return [Part("hs97", validate(hs97), "H&S 1997 Tables 1, 7, 9: the papers' lengths, "
                                         "10 trials, ≈ 100–300-weight nets (LSTM H = 4)"),
            Part("bai18-70k", validate(large), "Bai et al. 2018 Table 1: adding T = 600 and "
                                               + ("MNIST" if mnist else "the digits stand-in")
                                               + " at ≈ 70K parameters (LSTM H = 130)"),
            Part("bai18-16k", validate(small), "Bai et al. 2018 Table 1: copy memory "
                                               "T = 1000 at ≈ 16K parameters (LSTM H = 57)")]


# --------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class PlannedRun:
    """One run of a plan with its budget and estimated cost."""

    part: str
    run: RunConfig
    steps: int
    time_steps: float
    ragged: bool

    @property
    def seconds_here(self) -> float:
        return self.steps * self.time_steps * step_cost_us(self.run.cell, self.run.hidden_size,
                                                           self.ragged) * 1e-6

    @property
    def seconds_gpu(self) -> float:
        return self.steps * self.time_steps * GPU_STEP_US * 1e-6


@dataclass(frozen=True)
class Plan:
    """Every run of a suite and what it costs, before anything runs."""

    runs: list[PlannedRun]
    cores: int = 2

    @property
    def steps(self) -> int:
        return sum(r.steps for r in self.runs)

    @property
    def cpu_hours(self) -> float:
        return sum(r.seconds_here for r in self.runs) / 3600

    @property
    def gpu_hours(self) -> float:
        return sum(r.seconds_gpu for r in self.runs) / 3600

    def text(self) -> str:
        """The run list by task and cell, and the stated cost: runs × steps, hours on this
        machine, a rough GPU figure."""
        lines = []
        groups: dict[tuple, list[PlannedRun]] = {}
        for r in self.runs:
            groups.setdefault((r.part, r.run.task, r.run.length, r.run.cell, r.run.role),
                              []).append(r)
        for (part, task, length, cell, role), mine in groups.items():
            first = mine[0]
            what = "learning-rate trials" if role == "trial" else "seeds"
            lines.append(f"  {part} · {task}" + (f" T={length}" if length else "")
                         + f" · {cell} H={first.run.hidden_size} "
                           f"({first.run.expected_parameters:,} parameters) · {len(mine)} {what} "
                           f"× {first.steps:,} steps of {first.run.batch_size} sequences")
        for part in dict.fromkeys(r.part for r in self.runs):
            mine = [r for r in self.runs if r.part == part]
            tasks = dict.fromkeys((r.run.task, r.run.length) for r in mine)
            lines.append(f"{part}: {len(mine)} runs, {sum(r.steps for r in mine):,} optimiser "
                         f"steps, {sum(r.seconds_here for r in mine) / 3600:,.1f} CPU-hours "
                         f"here, ≈ {sum(r.seconds_gpu for r in mine) / 3600:,.1f} GPU-hours ("
                         + ", ".join(f"{t}" + (f" T={n}" if n else "") for t, n in tasks)
                         + ")")
        lines.append(f"total: {len(self.runs)} runs × their steps = {self.steps:,} optimiser "
                     f"steps; ≈ {self.cpu_hours:,.1f} CPU-hours here, "
                     f"{self.cpu_hours / self.cores:,.1f} hours on this {self.cores}-core "
                     f"machine, ≈ {self.gpu_hours:,.1f} hours on one GPU (rough: "
                     f"{GPU_STEP_US:g} µs per time step assumed); the training steps alone: "
                     f"runs stop early where the paper's success criterion holds, and "
                     f"validation, success checks and worker start-up add to it")
        return "\n".join(lines)


def step_cost_us(cell: str, hidden_size: int, ragged: bool) -> float:
    """Microseconds per time step of one training step here, interpolated in the hidden size.

    Example:
        >>> step_cost_us("lstm", 24, False) == STEP_COST_US["lstm", False][24]
        True
    """
    table = STEP_COST_US[cell, ragged]
    sizes = sorted(table)
    return float(np.interp(hidden_size, sizes, [table[s] for s in sizes]))


_SHRINK = {"n_train": 8, "n_val": 4, "n_test": 4}


def _probe(task: TaskSpec) -> TaskSpec:
    """The task with tiny splits: the same input and output sizes, cheap to generate."""
    from rnnlab import datasets

    defaults = datasets.spec(task.name).defaults
    params = {**task.params, **{k: v for k, v in _SHRINK.items() if k in defaults}}
    if "strings" in defaults:
        params["strings"] = min(params.get("strings", 8), 8)
    return replace(task, params=params)


def _mean_length(task: TaskSpec, length: int | None) -> tuple[float, bool]:
    from rnnlab.study.data import load_dataset

    params = dict(_probe(task).params, seed=0, **({"length": length} if length else {}))
    if "n_train" in params:
        params["n_train"] = 64
    X = load_dataset(task.name, params).train[0]
    lengths = np.array([len(x) for x in X]) if not isinstance(X, np.ndarray) else \
        np.full(len(X), X.shape[1])
    return float(lengths.mean()), bool(lengths.min() != lengths.max())


def plan(parts: list[tuple[str, StudyConfig]] | list[Part], cores: int = 2) -> Plan:
    """Every run of ``parts`` with its step budget and cost — loading only tiny probes.

    The runs are the learning-rate trials (:func:`rnnlab.study.tuning.trial_runs`, when the
    configuration tunes) and the final runs :func:`rnnlab.study.grid.expand` makes, with the
    same keys (the splits' sizes do not change a task's input and output sizes, so the probe
    runs are turned back into the real ones).
    """
    from rnnlab.study.tuning import trial_runs

    runs: list[PlannedRun] = []
    for item in parts:
        name, config = (item.name, item.config) if isinstance(item, Part) else item
        by_task = {(task.name, n): task for task in config.tasks
                   for n in (task.lengths or (None,))}
        probes = replace(config, tasks=tuple(_probe(t) for t in config.tasks))
        shapes = {key: _mean_length(task, key[1]) for key, task in by_task.items()}
        for probe_run in trial_runs(probes) + expand(probes):
            task = by_task[probe_run.task, probe_run.length]
            params = dict(task.params, seed=probe_run.seed)
            if probe_run.length is not None:
                params["length"] = probe_run.length
            run = replace(probe_run, task_params=params)
            n_train = _training_size(task)
            steps = (probe_run.epochs or 1) * math.ceil(n_train / config.batch_size)
            if config.steps is not None:
                steps = min(steps, config.steps)
            mean, ragged = shapes[probe_run.task, probe_run.length]
            runs.append(PlannedRun(name, run, steps, mean, ragged))
    return Plan(runs, cores)


def _training_size(task: TaskSpec) -> int:
    from rnnlab import datasets

    if "n_train" in task.params:
        return int(task.params["n_train"])
    defaults = datasets.spec(task.name).defaults
    if "n_train" in defaults:
        return int(defaults["n_train"])
    sizes = {"digits_sequential": 1259, "digits_permuted": 1259, "mnist_sequential": 54_000,
             "mnist_permuted": 54_000}
    return sizes[task.name]


# --------------------------------------------------------------------------- running it
def run_paper_scale(out: str | Path, **run_options: Any) -> list[Any]:
    """Run the paper-scale suite: each part into ``out/<part>``, resumable as any study.

    ``run_options`` go to :func:`rnnlab.study.api.run_study` (``workers``, ``executor``,
    ``address``, ``progress``, ``console``). Returns the parts' results.
    """
    from rnnlab.study.api import run_study

    folder = Path(out)
    return [run_study(part.config, folder / part.name, **run_options) for part in paper_parts()]


def calibrate(repeats: int = 3, steps: int = 10) -> dict[tuple[str, bool], dict[int, float]]:
    """Measure :data:`STEP_COST_US` on this machine (one torch thread, batch 32, T ≈ 100)."""
    import torch

    import rnnlab

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    fixed = rng.standard_normal((BATCH * steps, 100, 2)).astype(np.float32)
    ragged = [x[: rng.integers(100, 111)] for x in
              rng.standard_normal((BATCH * steps, 110, 2)).astype(np.float32)]
    y = rng.standard_normal((BATCH * steps, 1)).astype(np.float32)
    table: dict[tuple[str, bool], dict[int, float]] = {}
    for cell in ("rnn", "lstm", "gru"):
        for is_ragged, X in ((False, fixed), (True, ragged)):
            mean_steps = float(np.mean([len(x) for x in X]))
            for hidden in (4, 24, 57, 130):
                model = rnnlab.build(cell, input_size=2, hidden_size=hidden, output_size=1,
                                     task="regress", seed=0)
                options = rnnlab.TrainingOptions(max_epochs=1, batch_size=BATCH,
                                                 verbose=False, device="cpu")
                rnnlab.train(model, X[:BATCH], y[:BATCH], options)   # warm up
                times = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    rnnlab.train(model, X, y, options)
                    times.append((time.perf_counter() - start) / steps / mean_steps * 1e6)
                table.setdefault((cell, is_ragged), {})[hidden] = round(float(np.median(times)))
    return table


if __name__ == "__main__":  # pragma: no cover - a measuring tool, run by hand
    if sys.argv[1:] == ["calibrate"]:
        for key, row in calibrate().items():
            print(key, row)
    else:
        print(plan(paper_parts()).text())
