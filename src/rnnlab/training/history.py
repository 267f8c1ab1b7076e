"""``History``: what happened during training, per iteration and per epoch.

Per-epoch lists have one entry per completed epoch and line up with each other; ``val_loss``
(and ``metrics["val_…"]``) hold NaN for epochs without validation. The metric is
``"accuracy"`` for classifiers and ``"rmse"`` for regressors; per-step classifiers also record
``"perplexity"`` (``e^loss``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class History:
    """Example:
        >>> h = History(metric_name="accuracy")
        >>> h.add_epoch(loss=0.7, metric=0.5, val_loss=0.8, val_metric=0.4, seconds=1.2,
        ...             learning_rate=1e-3, iteration=10)
        >>> h.epochs, h.val_loss, h.metrics["val_accuracy"]
        (1, [0.8], [0.4])
    """

    metric_name: str = "accuracy"
    iteration_loss: list[float] = field(default_factory=list)
    iteration_metric: list[float] = field(default_factory=list)
    epoch_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    epoch_time: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    epoch_iteration: list[int] = field(default_factory=list)   # iterations done at epoch end
    best_epoch: int | None = None          # 1-based epoch whose weights were kept
    stop_reason: str = ""   # max_epochs | early_stopping | callback | interrupted | diverged
    plot_path: str | None = None

    @property
    def epochs(self) -> int:
        """Epochs completed."""
        return len(self.epoch_loss)

    @property
    def iterations(self) -> int:
        return len(self.iteration_loss)

    def add_iteration(self, loss: float, metric: float) -> None:
        self.iteration_loss.append(loss)
        self.iteration_metric.append(metric)

    def add_epoch(self, *, loss: float, metric: float, val_loss: float, val_metric: float,
                  seconds: float, learning_rate: float, iteration: int,
                  extra: dict[str, float] | None = None) -> None:
        self.epoch_loss.append(loss)
        self.val_loss.append(val_loss)
        self.metrics.setdefault(self.metric_name, []).append(metric)
        self.metrics.setdefault(f"val_{self.metric_name}", []).append(val_metric)
        for name, value in (extra or {}).items():
            self.metrics.setdefault(name, []).append(value)
        self.epoch_time.append(seconds)
        self.learning_rate.append(learning_rate)
        self.epoch_iteration.append(iteration)

    def last(self) -> dict[str, float]:
        """The latest epoch's numbers: ``loss``, ``val_loss``, metrics, time, rate."""
        if not self.epochs:
            return {}
        out = {"epoch": self.epochs, "loss": self.epoch_loss[-1], "val_loss": self.val_loss[-1],
               "epoch_time": self.epoch_time[-1], "learning_rate": self.learning_rate[-1]}
        out.update({name: values[-1] for name, values in self.metrics.items()})
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> History:
        return cls(**state)

    def to_dataframe(self) -> Any:
        """One row per epoch (pandas): loss, val_loss, metrics, time, learning rate."""
        import pandas as pd

        columns = {"epoch": list(range(1, self.epochs + 1)), "loss": self.epoch_loss,
                   "val_loss": self.val_loss, **self.metrics, "epoch_time": self.epoch_time,
                   "learning_rate": self.learning_rate}
        return pd.DataFrame(columns).set_index("epoch")

    def plot(self, path: str) -> str:
        """Write the training-progress figure (loss and metric against iteration) as PNG."""
        from rnnlab.training.plot import plot_training_progress

        self.plot_path = plot_training_progress(self, path)
        return self.plot_path

    def __repr__(self) -> str:
        latest = self.last()
        if not latest:
            return "History(no epochs)"
        shown = ", ".join(f"{k}={v:.4g}" for k, v in latest.items()
                          if k != "epoch" and not (isinstance(v, float) and math.isnan(v)))
        return f"History({self.epochs} epochs, {self.iterations} iterations, {shown})"
