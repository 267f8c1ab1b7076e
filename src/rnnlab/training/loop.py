"""``rnnlab.train``: the one training loop, the same for both engines.

The loop owns the schedule of a run — epochs, batch order, validation, early stopping, keeping
the best weights, learning-rate schedules, L2, gradient clipping, callbacks, checkpoints and
the progress view; the engine (:mod:`rnnlab.engines`) only runs a batch forward and backward and
takes the optimiser step. One iteration is::

    loss, ∇θ = engine.forward_backward(batch)       # mean loss over the batch's targets
    ∇W += λ W                                        # l2, weights only
    ∇θ *= min(1, c / ‖∇θ‖₂)                          # gradient_clip c, global norm
    θ ← optimiser(θ, ∇θ, η_epoch)

Training is a pure function of (model, data, options): the model's seed fixes the initial
weights, ``options.seed`` the batch order and dropout masks, and with ``checkpoint_dir`` and
``resume=True`` an interrupted run continues to the same final weights.

Divergence stops training with :class:`~rnnlab.TrainingDivergedError` (the model keeps its best
weights so far), by two stated rules, the first as Keras's ``TerminateOnNaN``:

* a batch's loss is NaN or infinite;
* *runaway*: an epoch's mean training loss exceeds :data:`DIVERGENCE_FACTOR` times the loss
  the model had when this training began (its mean loss over up to
  :data:`REFERENCE_SEQUENCES` training sequences spread evenly over the data, measured once,
  before the first step). Healthy training stays near or below that starting loss; a learning
  rate far too large sends the loss (and the weights) up by many orders of magnitude while it
  stays finite, which the first rule alone never notices.

Ctrl-C ends training after the current batch with ``history.stop_reason == "interrupted"``
and the best weights so far; the caller decides what an interrupted run means (a study never
stores one as finished).
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.engines import create_engine
from rnnlab.training.batching import epoch_batches, should_bucket
from rnnlab.training.callbacks import TrainingState, as_callbacks
from rnnlab.training.checkpoint import Checkpointer
from rnnlab.training.data import prepare_training_data
from rnnlab.training.errors import TrainingDivergedError
from rnnlab.training.history import History
from rnnlab.training.options import TrainingOptions
from rnnlab.training.progress import make_progress
from rnnlab.training.schedules import make_schedule
from rnnlab.training.state import RunState
from rnnlab.training.tensorboard import option_callbacks

EVAL_BATCH = 256
PLOT_NAME = "training-progress.png"
#: An epoch whose mean training loss exceeds this many times the starting loss has diverged.
DIVERGENCE_FACTOR = 1000.0
#: Sequences (spread evenly over the training data) on which the starting loss is measured.
REFERENCE_SEQUENCES = 64


def train(model: Any, X: Any, y: Any = None, options: TrainingOptions | None = None, *,
          callbacks: Any = None, resume: bool = False) -> History:
    """Train ``model`` on ``(X, y)`` in place and return the :class:`~rnnlab.History`.

    Args:
        model: an :class:`rnnlab.Sequential` (e.g. from :func:`rnnlab.build`).
        X: ``(batch, time, features)`` array, a list of ``(time_i, features)`` arrays, a pandas
            DataFrame, or token ids for a model starting with an ``Embedding`` — or a
            :class:`rnnlab.datasets.Dataset` (``rnnlab.train(model, data, options)``): its
            train split is used and the model remembers its description (tokenizer, class
            names, scalers; :meth:`~rnnlab.Sequential.remember_data`), so the saved model can
            read and write text on its own, as a Keras model keeps its preprocessing layers.
        y: class labels (integers or strings), values, or per-step targets — see
            :mod:`rnnlab.targets`.
        options: :class:`rnnlab.TrainingOptions` (defaults when omitted).
        callbacks: :class:`rnnlab.Callback` objects or functions called after every epoch with
            the :class:`~rnnlab.training.callbacks.TrainingState`.
        resume: continue from the checkpoint in ``options.checkpoint_dir`` if there is one
            (start afresh otherwise); a finished run returns at once.

    Returns:
        the history: ``iteration_loss``, ``epoch_loss``, ``val_loss``, ``metrics``,
        ``epoch_time``, ``learning_rate``, ``best_epoch``, ``stop_reason``.

    Raises:
        ValueError: bad data or options, with a sentence saying what is wrong.
        TrainingDivergedError: the loss became NaN or infinite, or an epoch's mean loss rose
            above :data:`DIVERGENCE_FACTOR` times the starting loss (the model keeps its best
            weights so far).

    Ctrl-C stops after the current batch and keeps the best model so far; the history then
    says ``stop_reason == "interrupted"``.

    Example:
        >>> import numpy as np, rnnlab
        >>> X = np.random.default_rng(0).standard_normal((32, 5, 2))
        >>> y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
        >>> model = rnnlab.build("gru", input_size=2, hidden_size=8, output_size=2,
        ...                      task="classify")
        >>> history = rnnlab.train(model, X, y, rnnlab.TrainingOptions(max_epochs=3,
        ...                        verbose=False))
        >>> history.epochs, len(history.iteration_loss)
        (3, 3)
    """
    from rnnlab.models.sequential import Sequential

    if not isinstance(model, Sequential):
        raise ValueError(f"model must be an rnnlab.Sequential (see rnnlab.build), got "
                         f"{type(model).__name__}")
    X, y, options = _from_dataset(model, X, y, options)
    options = TrainingOptions() if options is None else options
    if not isinstance(options, TrainingOptions):
        raise ValueError(f"options must be rnnlab.TrainingOptions, got {type(options).__name__}")
    if resume and options.checkpoint_dir is None:
        raise ValueError("resume=True needs options.checkpoint_dir, the folder that holds the "
                         "checkpoint to continue from")
    data = prepare_training_data(model, X, y, options)
    engine = _engine_for(model, options)
    engine.set_optimizer(options.optimizer, options.learning_rate)
    engine.seed(options.seed)
    run = RunState(rng=np.random.default_rng(options.seed),
                   history=History(metric_name="accuracy" if model.is_classifier else "rmse"))
    schedule = make_schedule(options.schedule)
    checkpointer = None
    if options.checkpoint_dir is not None:
        identity = {"model": {k: v for k, v in model.config().items()
                              if k not in ("engine", "dtype")},
                    "options": options.fingerprint(), "data": data.fingerprint()}
        checkpointer = Checkpointer(options.checkpoint_dir, json.loads(json.dumps(identity)))
        if resume and checkpointer.exists():
            checkpointer.restore(run, engine, schedule)
    loop = _Loop(model, options, engine, data, run, schedule, checkpointer,
                 as_callbacks(callbacks) + option_callbacks(options))
    return loop.run()


def _from_dataset(model: Any, X: Any, y: Any, options: Any) -> tuple[Any, Any, Any]:
    """``train(model, dataset, options)``: the dataset's train split, its description stored
    on the model; anything else passes through."""
    from rnnlab.datasets.dataset import Dataset

    if not isinstance(X, Dataset):
        return X, y, options
    if isinstance(y, TrainingOptions) and options is None:
        y, options = None, y          # train(model, dataset, options), positionally
    if y is not None:
        raise ValueError("given a Dataset, train() takes its targets from it: call "
                         "rnnlab.train(model, dataset, options), without y")
    model.remember_data(X)
    return (*X.train, options)


def _engine_for(model: Any, options: TrainingOptions) -> Any:
    """The model's cached engine when it matches the options and holds the model's current
    weights (building one costs more than an epoch of a small model), else a new one."""
    key = (options.engine, options.dtype, options.device, model._version)
    if model._runner is not None and model._runner_key == key:
        return model._runner
    return create_engine(model, options.engine, options.dtype, options.device)


class _Loop:
    """One run of the loop; see :func:`train`."""

    def __init__(self, model, options, engine, data, run, schedule, checkpointer,
                 callbacks) -> None:
        self.model, self.options, self.engine = model, options, engine
        self.run_state, self.schedule = run, schedule
        self.checkpointer, self.callbacks = checkpointer, callbacks
        self.train_data = data
        self.train_set = engine.dataset(data.train.values, data.train.lengths,
                                        data.train_targets)
        self.val_set = None if data.val is None else engine.dataset(
            data.val.values, data.val.lengths, data.val_targets)
        self.lengths = data.train.lengths
        self.bucket = should_bucket(self.lengths)
        self.classify = model.is_classifier
        self.perplexity = model.is_classifier and model.output_mode == "sequence"
        self.initial_weights = engine.state_dict()
        self.state = TrainingState(model=model, history=run.history, options=options,
                                   engine=engine, epoch=run.epoch, iteration=run.iteration)

    # ------------------------------------------------------------------ the run
    def run(self) -> History:
        run, options = self.run_state, self.options
        finished = run.stop_reason in ("early_stopping", "callback") \
            or run.epoch >= options.max_epochs
        if not finished:
            run.stop_reason = ""
        self.state.history = run.history
        for callback in self.callbacks:
            callback.on_train_begin(self.state)
        progress = make_progress(options.verbose and not finished, run.history.metric_name)
        per_epoch = math.ceil(self.lengths.shape[0] / options.batch_size)
        try:
            if not finished:
                if run.initial_loss is None:
                    run.initial_loss = self._starting_loss()
                progress.start(options.max_epochs * per_epoch, run.epoch * per_epoch, run.epoch,
                               options.max_epochs)
                while not run.stop_reason:
                    self._epoch(progress)
        except KeyboardInterrupt:
            run.stop_reason = "interrupted"
            progress.message("training interrupted: keeping the best model so far")
        finally:
            progress.close()
        self._finish()
        for callback in self.callbacks:
            callback.on_train_end(self.state)
        return run.history

    def _epoch(self, progress) -> None:
        run, options, engine, history = self.run_state, self.options, self.engine, \
            self.run_state.history
        epoch = run.epoch
        rate = options.learning_rate if self.schedule is None else self.schedule.rate(
            epoch, options.learning_rate, options.max_epochs)
        engine.set_learning_rate(rate)
        self.state.learning_rate = rate
        batches = epoch_batches(self.lengths, options.batch_size, options.shuffle, run.rng,
                                self.bucket)
        start = time.perf_counter()
        total_loss, total_count, total_correct = 0.0, 0, 0.0
        for indices in batches:
            result = engine.forward_backward(engine.batch(self.train_set, indices))
            if not math.isfinite(result.loss):
                run.history.add_iteration(result.loss, math.nan)
                self._diverged(result.loss, epoch, run.iteration + 1, rate,
                               f"the loss became {result.loss}")
            if options.l2:
                engine.add_l2(options.l2)
            if options.gradient_clip is not None:
                engine.clip(options.gradient_clip)
            engine.step()
            run.iteration += 1
            metric = (result.correct / result.count if self.classify
                      else math.sqrt(result.loss))
            history.add_iteration(result.loss, metric)
            total_loss += result.loss * result.count
            total_count += result.count
            total_correct += result.correct
            progress.advance(epoch, result.loss, metric)
            if self.callbacks:
                self._batch_callbacks(result.loss, metric)
                if self.state.stop_training:
                    # A stop asked for from a batch ends this epoch early; the partial epoch
                    # is recorded (and checkpointed) like a full one.
                    run.stop_reason = "callback"
                    break
        loss = total_loss / total_count
        metric = total_correct / total_count if self.classify else math.sqrt(loss)
        val_loss = val_metric = math.nan
        last = epoch + 1 == options.max_epochs
        if self.val_set is not None and ((epoch + 1) % options.validation_frequency == 0
                                         or last):
            summed, count, correct = engine.evaluate(self.val_set, EVAL_BATCH)
            val_loss = summed / count
            val_metric = correct / count if self.classify else math.sqrt(val_loss)
        extra = None
        if self.perplexity:
            extra = {"perplexity": math.exp(min(loss, 700.0)),
                     "val_perplexity": math.exp(min(val_loss, 700.0))}
        history.add_epoch(loss=loss, metric=metric, val_loss=val_loss, val_metric=val_metric,
                          seconds=time.perf_counter() - start, learning_rate=rate,
                          iteration=run.iteration, extra=extra)
        if run.initial_loss and loss > DIVERGENCE_FACTOR * run.initial_loss:
            self._diverged(loss, epoch, run.iteration, rate,
                           f"the epoch's mean loss {loss:.3g} is over {DIVERGENCE_FACTOR:g} times "
                           f"the starting loss {run.initial_loss:.3g}")
        run.epoch = epoch + 1
        self._after_epoch(val_loss if self.val_set is not None else loss, last)
        progress.epoch_end(history.last(), history.metric_name, options.max_epochs)

    def _batch_callbacks(self, loss: float, metric: float) -> None:
        self.state.iteration = self.run_state.iteration
        self.state.logs = {"loss": loss, self.run_state.history.metric_name: metric}
        for callback in self.callbacks:
            callback.on_batch_end(self.state)

    def _after_epoch(self, monitored: float, last: bool) -> None:
        """Best weights, early stopping, schedule, callbacks and the checkpoint."""
        run, options = self.run_state, self.options
        if not math.isnan(monitored):
            # Best weights are kept even without restore_best: a diverging run falls back on them.
            run.observe(monitored, run.epoch, self.engine.state_dict)
            if self.schedule is not None:
                self.schedule.observe(monitored)
            if options.patience is not None and run.wait >= options.patience:
                run.stop_reason = "early_stopping"
        self.state.epoch, self.state.iteration = run.epoch, run.iteration
        self.state.logs = run.history.last()
        self.state.stop_training = False
        for callback in self.callbacks:
            callback.on_epoch_end(self.state)
        if self.state.stop_training and not run.stop_reason:
            run.stop_reason = "callback"
        if last and not run.stop_reason:
            run.stop_reason = "max_epochs"
        if self.checkpointer is not None:
            self.checkpointer.save(run, self.engine, self.schedule)

    # ------------------------------------------------------------------ endings
    def _keep_best(self, always: bool) -> None:
        run = self.run_state
        if (always or self.options.restore_best) and run.best_weights is not None:
            self.engine.load_state_dict(run.best_weights)
            run.history.best_epoch = run.best_epoch
        else:
            run.history.best_epoch = run.epoch or None

    def _write_back(self) -> None:
        model, options = self.model, self.options
        model.set_weights(self.engine.state_dict())
        model.to(options.engine, dtype=options.dtype, device=options.device)
        # The training engine already holds these weights: reuse it for predictions.
        model._runner = self.engine
        model._runner_key = (model.engine, model.dtype, model.device, model._version)
        model._stream = None

    def _finish(self, always_best: bool = False) -> None:
        run, options = self.run_state, self.options
        self._keep_best(always_best)
        run.history.stop_reason = run.stop_reason
        self._write_back()
        if options.plots == "training-progress" and run.history.iterations:
            folder = Path(options.checkpoint_dir or ".").resolve()
            folder.mkdir(parents=True, exist_ok=True)
            run.history.plot(folder / PLOT_NAME)
            if options.verbose:
                print(f"training progress plot: {run.history.plot_path}")

    def _starting_loss(self) -> float:
        """Mean loss of the model as it is now on up to :data:`REFERENCE_SEQUENCES` training
        sequences spread evenly over the data (no dropout, no gradients, no randomness used)."""
        n = self.lengths.shape[0]
        rows = np.unique(np.linspace(0, n - 1, min(n, REFERENCE_SEQUENCES)).astype(np.int64))
        values, targets = self.train_data.train.values, self.train_data.train_targets
        sample = self.engine.dataset(values[rows], self.lengths[rows], targets[rows])
        summed, count, _ = self.engine.evaluate(sample, EVAL_BATCH)
        return summed / count if count else math.nan

    def _diverged(self, loss: float, epoch: int, iteration: int, rate: float,
                  reason: str) -> None:
        run = self.run_state
        run.stop_reason = "diverged"
        if run.best_weights is None:
            run.best_weights = self.initial_weights   # nothing better seen: start of the run
        self._finish(always_best=True)   # never leave the model with NaN or runaway weights
        raise TrainingDivergedError(
            f"training diverged at epoch {epoch + 1}, iteration {iteration}: {reason}, so "
            f"it stopped (the model keeps its best weights so far); try a lower learning_rate "
            f"(now {rate:g}), gradient_clip (e.g. 1.0), or scaling the inputs "
            f"(SequenceInput(..., normalization='zscore'))", run.history, epoch=epoch + 1,
            iteration=iteration, loss=loss, reason=reason)
