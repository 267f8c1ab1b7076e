"""TensorBoard logging for :func:`rnnlab.train`: a Keras-style callback writing event files
through ``torch.utils.tensorboard``.

``TrainingOptions(log_dir="runs/gru")`` (or ``rnnlab train --log-dir``) adds one; so does passing
``rnnlab.callbacks.TensorBoard("runs/gru")`` in ``callbacks=``. The layout is Keras's, so that
TensorBoard draws the training and validation curves of a run on one chart::

    log_dir/train/       epoch_loss, epoch_<metric>, epoch_learning_rate, epoch_gradient_norm
                         (at step = epoch, counted from 1), batch_loss, batch_gradient_norm
                         (at step = optimiser step)
    log_dir/validation/  epoch_loss, epoch_<metric>            (epochs that were validated)

``<metric>`` is ``accuracy`` for classifiers, ``rmse`` for regressors, and also ``perplexity``
for next-token models. The gradient norm is the global L2 norm ``‖∇θ‖₂`` over every parameter
of the gradient the optimiser step used — after clipping when ``gradient_clip`` is set, so
a clipped run shows at most the clip value — and ``epoch_gradient_norm`` is its mean over the
epoch's steps. Read the files with ``tensorboard --logdir runs``.
"""

from __future__ import annotations

import importlib.util
import math
import os
from pathlib import Path
from typing import Any

from rnnlab.training.callbacks import Callback, TrainingState

#: Epoch entries that are bookkeeping rather than curves.
_NOT_LOGGED = ("epoch", "epoch_time")


def check_tensorboard_installed() -> None:
    """Raise ``ValueError`` naming the missing package when TensorBoard is not installed."""
    if importlib.util.find_spec("tensorboard") is None:
        raise ValueError("TensorBoard logging (log_dir) needs the tensorboard package; "
                         "install it with pip install 'rnnlab[tensorboard]'")


class TensorBoard(Callback):
    """Write losses, metrics, the learning rate and the gradient norm as TensorBoard events.

    Args:
        log_dir: folder for this run's events (created); give each run its own folder and
            point ``tensorboard --logdir`` at their parent to compare runs.
        batch_scalars: also write ``batch_loss`` and ``batch_gradient_norm`` at every
            optimiser step (``False``: epoch curves only).

    Example:
        >>> import numpy as np, rnnlab, tempfile
        >>> X = np.random.default_rng(0).standard_normal((16, 4, 2))
        >>> model = rnnlab.build("gru", input_size=2, hidden_size=4, output_size=1,
        ...                      task="regress")
        >>> logs = tempfile.mkdtemp()
        >>> _ = rnnlab.train(model, X, X.sum(axis=(1, 2)), rnnlab.TrainingOptions(
        ...     max_epochs=2, verbose=False), callbacks=[TensorBoard(logs)])
        >>> sorted(p.name for p in Path(logs).iterdir())
        ['train']
    """

    def __init__(self, log_dir: str | os.PathLike, *, batch_scalars: bool = True) -> None:
        check_tensorboard_installed()
        self.log_dir = Path(log_dir)
        self.batch_scalars = batch_scalars
        self._writers: dict[str, Any] = {}
        self._norms: list[float] = []

    def _writer(self, part: str) -> Any:
        if part not in self._writers:
            from torch.utils.tensorboard import SummaryWriter

            self._writers[part] = SummaryWriter(str(self.log_dir / part))
        return self._writers[part]

    def on_train_begin(self, state: TrainingState) -> None:
        self._norms = []

    def on_batch_end(self, state: TrainingState) -> None:
        # The loop calls this after the optimiser step; the gradients of that step are still
        # in the engine. Clipping at an infinite norm changes nothing and returns ‖∇θ‖₂.
        norm = float(state.engine.clip(math.inf))
        self._norms.append(norm)
        if self.batch_scalars:
            writer = self._writer("train")
            writer.add_scalar("batch_loss", state.logs["loss"], state.iteration)
            writer.add_scalar("batch_gradient_norm", norm, state.iteration)

    def on_epoch_end(self, state: TrainingState) -> None:
        logs, epoch = state.logs, state.epoch
        for name, value in logs.items():
            if name in _NOT_LOGGED or value is None or not math.isfinite(value):
                continue   # NaN: an epoch without validation
            part, tag = ("validation", name[4:]) if name.startswith("val_") else ("train", name)
            self._writer(part).add_scalar(f"epoch_{tag}", value, epoch)
        if self._norms:
            self._writer("train").add_scalar("epoch_gradient_norm",
                                             sum(self._norms) / len(self._norms), epoch)
        self._norms = []
        for writer in self._writers.values():
            writer.flush()   # a run that stops with an error keeps every finished epoch

    def on_train_end(self, state: TrainingState) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}


def option_callbacks(options: Any) -> list[Callback]:
    """The callbacks that :class:`~rnnlab.TrainingOptions` settings ask for (``log_dir``)."""
    log_dir = getattr(options, "log_dir", None)
    return [] if log_dir is None else [TensorBoard(log_dir)]
