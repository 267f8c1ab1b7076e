"""One run of a study: build the model, train it with ``rnnlab.train``, measure it.

:func:`execute` is a pure function of the run's configuration (up to timings): the same
``RunConfig`` gives the same numbers on the same machine, whichever executor calls it, in
whichever order. It trains through the public ``rnnlab.train`` — exactly what a user calls — and
returns a plain dict ready for :meth:`rnnlab.study.store.Store.save_result`.

A learning-rate trial (``role="trial"``, :mod:`rnnlab.study.tuning`) is trained the same way
but scored on the validation split only: its test split is never evaluated.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from rnnlab.forecasting.study import forecast_scoring
from rnnlab.study.cost import kernel_name
from rnnlab.study.data import load_dataset, sizes_of
from rnnlab.study.grid import RunConfig
from rnnlab.study.measurements import gradient_flow, latency_per_step, noisy_inputs
from rnnlab.study.metrics import choose_metric, score_from_evaluation, skill
from rnnlab.study.success import success_check
from rnnlab.training.callbacks import Callback

#: Embedding width used when the task's input is token ids.
EMBEDDING_DIM = 32
#: Epoch cap of a run whose only budget is wall time (the clock stops it long before).
UNBOUNDED_EPOCHS = 1_000_000


class BudgetStop(Callback):
    """A training callback that stops a run at its step or wall-time budget.

    Checked after every optimiser step, so a run stops mid-epoch (the partial epoch is
    validated and recorded like a full one). ``seconds`` counts from the start of training,
    validation included; ``steps`` counts optimiser steps.
    """

    def __init__(self, steps: int | None, seconds: float | None) -> None:
        self.steps, self.seconds = steps, seconds
        self.started = time.perf_counter()

    def on_train_begin(self, state: Any) -> None:
        self.started = time.perf_counter()

    def on_batch_end(self, state: Any) -> None:
        if self.steps is not None and state.iteration >= self.steps:
            state.stop_training = True
        if self.seconds is not None and time.perf_counter() - self.started >= self.seconds:
            state.stop_training = True


def max_epochs_of(run: RunConfig, steps_per_epoch: int) -> int:
    """The epoch limit handed to ``rnnlab.train``: the epoch budget, else enough epochs for the
    step budget, else :data:`UNBOUNDED_EPOCHS` (a wall-time budget alone).

    Example:
        >>> max_epochs_of(RunConfig("lstm", 8, 1, "adding", 10, 0, epochs=None, steps=45), 10)
        5
    """
    limits = []
    if run.epochs is not None:
        limits.append(run.epochs)
    if run.steps is not None:
        limits.append(math.ceil(run.steps / steps_per_epoch))
    return min(limits) if limits else UNBOUNDED_EPOCHS


def _mean_steps(X: Any) -> float:
    """Mean number of time steps per training sequence (padded arrays: their length)."""
    if isinstance(X, np.ndarray):
        return float(X.shape[1])
    return float(np.mean([len(x) for x in X])) if len(X) else math.nan


def _ragged(X: Any) -> bool:
    """Whether the training sequences differ in length (the kernel the LSTM gets depends on
    it; see :func:`rnnlab.study.cost.kernel_name`)."""
    if isinstance(X, np.ndarray):
        return False
    return len({len(x) for x in X}) > 1


def _time_per_epoch(history: Any, steps_per_epoch: int) -> float | None:
    """Median seconds per full epoch; an epoch cut short by a step or time budget counts
    scaled up to a full one (by its share of the epoch's steps), so budgets compare."""
    done = [0, *history.epoch_iteration]
    rates = [seconds * steps_per_epoch / (end - begin)
             for seconds, begin, end in zip(history.epoch_time, done, done[1:], strict=False)
             if end > begin]
    return float(np.median(rates)) if rates else None


def _val_score(logs: dict[str, float], metric: str) -> float:
    if metric in ("mse", "cross_entropy"):
        return float(logs.get("val_loss", math.nan))
    return float(logs.get(f"val_{metric}", math.nan))


def log_name(run: RunConfig) -> str:
    """The TensorBoard run folder of one study run: readable, and unique by its key.

    Example:
        >>> log_name(RunConfig("lstm", 16, 1, "adding", 10, 0)).startswith("adding-T10-lstm-h16-")
        True
    """
    length = "" if run.length is None else f"-T{run.length}"
    return f"{run.task}{length}-{run.cell}-h{run.hidden_size}-seed{run.seed}-{run.key}"


def execute(run_fields: dict[str, Any],
            report: Callable[[dict[str, Any]], None] | None = None, *,
            log_dir: str | None = None) -> dict[str, Any]:
    """Train and measure one run; ``report`` (optional) gets a dict after every epoch;
    ``log_dir`` (optional) gets the run's TensorBoard events in ``log_dir/<log_name(run)>``.

    Returns the result columns of the ``runs`` table, ``"epochs"`` (one dict per epoch) and
    ``"extra"``: the sizes the cost formulas need (input and output size, mean steps per
    sequence, the task kind), the kernel that ran, and the measurements (gradient flow at init
    and after training, robustness, length generalisation). A trial's test columns are None.
    """
    import rnnlab

    run = RunConfig.from_dict(run_fields)
    start = time.perf_counter()
    dataset = load_dataset(run.task, run.task_params, run.file, run.file_task)
    metric = choose_metric(dataset.task, dataset.baseline)
    baseline = float(dataset.baseline[metric])
    forecast = forecast_scoring(dataset, run.file)   # a forecasting table: backtest MASE
    if forecast is not None:
        metric, baseline = forecast.metric, forecast.baseline["test"]
    val_baseline = forecast.baseline["val"] if forecast is not None else baseline
    input_size, output_size = sizes_of(dataset)
    text = dataset.is_text
    (X, y), (X_val, y_val), (X_test, y_test) = dataset.train, dataset.val, dataset.test
    # Chrono variants take the longest dependency a sequence can hold: its number of steps.
    model = rnnlab.build(run.cell, input_size=EMBEDDING_DIM if text else input_size,
                         hidden_size=run.hidden_size, output_size=output_size,
                         task=dataset.task, num_layers=run.num_layers,
                         vocab_size=input_size if text else None, seed=run.seed,
                         max_dependency=max(max(map(len, X)), 3))
    # Sizes seen by the recurrent layer (the embedding width for text), for parameter claims.
    extra: dict[str, Any] = {"input_size": EMBEDDING_DIM if text else input_size,
                             "output_size": output_size, "steps_per_sequence": _mean_steps(X),
                             "task_kind": dataset.task,
                             "kernel": kernel_name(run.engine, run.cell, run.dtype, "cpu",
                                                   ragged=_ragged(X)),
                             "device": "cpu"}
    final = run.role != "trial"
    probe = isinstance(X_test, np.ndarray) and run.measure and final
    if probe:
        extra["gradient_flow_init"] = gradient_flow(model, X_test, y_test, dataset.task)

    epochs: list[dict[str, Any]] = []
    steps_per_epoch = math.ceil(len(X) / run.batch_size)
    max_epochs = max_epochs_of(run, steps_per_epoch)
    shown_epochs = None if max_epochs == UNBOUNDED_EPOCHS else max_epochs

    def record(state: Any) -> None:
        logs = state.logs
        score = _val_score(logs, metric)
        row = {"epoch": int(logs.get("epoch", state.epoch)), "train_loss": logs.get("loss"),
               "val_loss": logs.get("val_loss"), "val_score": score,
               "val_skill": skill(score, baseline, metric), "seconds": logs.get("epoch_time")}
        epochs.append(row)
        if report is not None:
            report({"key": run.key, "epochs": shown_epochs, "metric": metric, **row})

    options = rnnlab.TrainingOptions(
        optimizer=run.optimizer, learning_rate=run.learning_rate, schedule=run.schedule,
        max_epochs=max_epochs, batch_size=run.batch_size, gradient_clip=run.gradient_clip,
        validation_data=(X_val, y_val), seed=run.seed, engine=run.engine, dtype=run.dtype,
        device="cpu", verbose=False,
        log_dir=None if log_dir is None else os.path.join(log_dir, log_name(run)))
    callbacks: list[Any] = [record]
    if run.steps is not None or run.seconds is not None:
        callbacks.insert(0, BudgetStop(run.steps, run.seconds))
    # The paper's success criterion, where the task has one (it also stops training there).
    check = success_check(run.task, dataset, run.batch_size) if run.file is None else None
    if check is not None:
        callbacks.append(check)
    history = rnnlab.train(model, X, y, options, callbacks=callbacks)
    if history.stop_reason == "interrupted":
        # rnnlab.train keeps a Ctrl-C'd model for a user; for a study the run is unfinished.
        raise KeyboardInterrupt
    if check is not None:
        if final:
            extra["success"] = check.summary(model, dataset.test)
        else:   # a trial keeps the weights that met the rule too, but never reads the test split
            check.restore_success_weights(model)

    # A trial never looks at the test split: tuning must not see the data the verdicts read.
    if forecast is not None:
        test_score = forecast.score(model, "test") if final else None
        val_score = forecast.score(model, "val")
    else:
        test_score = (score_from_evaluation(model.evaluate(X_test, y_test), metric) if final
                      else None)
        val_score = score_from_evaluation(model.evaluate(X_val, y_val), metric)
    if probe:
        extra["gradient_flow_trained"] = gradient_flow(model, X_test, y_test, dataset.task)
    if probe and not text and forecast is None:  # noise on token ids would be meaningless
        noisy = noisy_inputs(X_test, X, run.noise_std, seed=run.seed + 7919)
        noisy_score = score_from_evaluation(model.evaluate(noisy, y_test), metric)
        extra["noise"] = {"std": run.noise_std, "score": noisy_score,
                          "skill": skill(noisy_score, baseline, metric)}
    if run.measure and final and run.length is not None and run.file is None:
        longer = load_dataset(run.task, {**run.task_params, "length": 2 * run.length})
        long_score = score_from_evaluation(model.evaluate(*longer.test), metric)
        # Skill against the longer task's own baseline (copy's depends on T).
        long_base = float(longer.baseline.get(metric, baseline))
        extra["length_generalisation"] = {"length": 2 * run.length, "score": long_score,
                                          "skill": skill(long_score, long_base, metric)}
    latency = latency_per_step(model, X_test[0]) if run.measure and final else None
    extra["best_epoch"] = history.best_epoch
    extra["steps_run"] = history.iterations
    return {
        "num_parameters": int(model.num_parameters()), "metric": metric, "baseline": baseline,
        "val_score": val_score, "test_score": test_score,
        "val_skill": skill(val_score, val_baseline, metric),
        "test_skill": skill(test_score, baseline, metric) if final else None,
        "wall_time": time.perf_counter() - start,
        "time_per_epoch": _time_per_epoch(history, steps_per_epoch),
        "peak_memory_mb": None, "latency_per_step_ms": latency,
        "epochs_run": history.epochs, "steps_per_epoch": steps_per_epoch,
        "epochs": epochs, "extra": extra,
    }
