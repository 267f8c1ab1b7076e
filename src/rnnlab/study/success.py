"""The papers' own measure of "solved": a success criterion checked while training runs.

Hochreiter & Schmidhuber (1997) do not report a loss: they train until a *stopping criterion*
holds and report the number of training sequences that took ("success after") and, over
several trials, the share of trials that got there. This module states each criterion as a pure
function of a model's outputs and the targets, and checks it during training with a callback:

=====================  ===========================================  ===========================
task                   a sequence is right when (paper, Section)    success (stopping rule)
=====================  ===========================================  ===========================
``adding_hs97``        absolute error at the end < 0.04 (5.4)       every check sequence right
                                                                    and their mean absolute
                                                                    error < 0.01
``temporal_order_6a``  every output unit's absolute error < 0.3,    every check sequence right
``temporal_order_6b``  i.e. the true class's probability > 0.7      and the mean absolute error
                       (5.6)                                        of the outputs < 0.1
``reber_hs97``         at every step the outputs of the possible    every string of the training
                       next symbols are the most active (5.1)       and check sets right
=====================  ===========================================  ===========================

Protocol differences, stated wherever the results are: the paper learns on-line and tests its
stopping rule on "the 2000 most recent" training sequences; here training uses mini-batches and
the rule is tested on the validation split (2,000 sequences the net has not trained on, drawn
like the training ones) every ``check_every`` training sequences, so "success after" is known to
that resolution. The paper's "average error" is read as the mean absolute error (the paper does
not define it); softmax outputs stand in for the paper's sigmoid output units. After training,
the test split (2,560 sequences, as in the paper) is scored with the same rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnlab.metrics import softmax
from rnnlab.training.callbacks import Callback

#: Sequences scored before the rest of a check: a check that fails there costs little.
FIRST_STAGE = 256
EVAL_BATCH = 256


@dataclass(frozen=True)
class Criterion:
    """A paper's rule for "this sequence was processed correctly" and for "solved".

    Attributes:
        kind: ``"abs_error"`` (one regression output per sequence), ``"class_outputs"`` (one
            class per sequence) or ``"next_symbols"`` (the embedded Reber grammar).
        tolerance: the per-sequence error bound (0.04, 0.3); unused by ``next_symbols``.
        mean_below: the mean error the stopping rule also asks for, or ``None``.
        check_every: training sequences between two checks.
        source: where the paper states it.
        text: the rule in words, for reports.
    """

    kind: str
    tolerance: float
    mean_below: float | None
    check_every: int
    source: str
    text: str

    def score(self, outputs: np.ndarray, targets: Any, inputs: Any = None,
              ) -> tuple[np.ndarray, float]:
        """``(right, mean_error)``: a boolean per sequence and the mean error of the rule.

        ``outputs`` are the model's raw outputs — values ``(n, 1)``, logits ``(n, K)``, or
        per-step logits ``(n, T, K)``; ``targets`` the dataset's ``y``; ``inputs`` the
        dataset's ``X`` (``next_symbols`` reads the strings from it).

        Example:
            >>> rule = CRITERIA["adding_hs97"]
            >>> right, error = rule.score(np.array([[0.50], [0.70]]), np.array([[0.52], [0.6]]))
            >>> right.tolist(), round(error, 3)
            ([True, False], 0.06)
        """
        if self.kind == "abs_error":
            errors = np.abs(np.asarray(outputs, float)[:, 0] - np.asarray(targets, float)[:, 0])
            return errors < self.tolerance, float(errors.mean()) if errors.size else math.nan
        if self.kind == "class_outputs":
            probabilities = softmax(np.asarray(outputs, float))
            wanted = np.zeros_like(probabilities)
            wanted[np.arange(len(wanted)), np.asarray(targets, int)] = 1.0
            errors = np.abs(probabilities - wanted)
            return ((errors < self.tolerance).all(axis=1),
                    float(errors.mean()) if errors.size else math.nan)
        if self.kind == "next_symbols":
            right = np.array([_string_right(outputs[i], inputs[i], targets[i])
                              for i in range(len(targets))], dtype=bool)
            return right, float(1.0 - right.mean()) if right.size else math.nan
        raise ValueError(f"unknown criterion kind {self.kind!r}")

    def solved(self, right: np.ndarray, mean_error: float) -> bool:
        """The stopping rule: every sequence right, and the mean error low enough."""
        if right.size == 0 or not right.all():
            return False
        return self.mean_below is None or mean_error < self.mean_below


def _string_right(logits: np.ndarray, inputs: np.ndarray, targets: np.ndarray) -> bool:
    """At every step the possible next symbols hold the top outputs (H&S 1997, 5.1)."""
    from rnnlab.datasets.synthetic.reber import legal_next

    steps = len(targets)
    string = np.concatenate([np.asarray(inputs)[:steps].argmax(axis=-1), targets[-1:]])
    allowed = legal_next(string)
    scores = np.asarray(logits)[:steps]
    lowest_allowed = np.where(allowed, scores, np.inf).min(axis=1)
    highest_other = np.where(allowed, -np.inf, scores).max(axis=1)
    return bool(np.all(lowest_allowed > highest_other))


def long_lag_right(logits: Any, targets: Any) -> np.ndarray:
    """Per string: the two symbols after the embedded string (the repeated second symbol and
    the final E) are both the most active outputs — the long-lag part of the Reber task.

    Example:
        >>> logits = np.zeros((1, 4, 7)); logits[0, 2, 1] = logits[0, 3, 6] = 1.0
        >>> long_lag_right(logits, [np.array([1, 0, 1, 6])]).tolist()
        [True]
    """
    return np.array([bool(np.all(np.asarray(logits[i])[len(y) - 2:len(y)].argmax(axis=-1)
                                 == np.asarray(y)[-2:])) for i, y in enumerate(targets)],
                    dtype=bool)


_HS97 = "Hochreiter & Schmidhuber 1997"
_ADDING = Criterion("abs_error", 0.04, 0.01, 1000, f"{_HS97}, Section 5.4 (Table 7)",
                    "right when |error| < 0.04 at the sequence end; solved when all 2,000 check "
                    "sequences are right and their mean |error| < 0.01")
_ORDER = Criterion("class_outputs", 0.3, 0.1, 1000, f"{_HS97}, Section 5.6 (Table 9)",
                   "right when every output's |error| < 0.3 (true-class probability > 0.7); "
                   "solved when all 2,000 check sequences are right and the mean |error| < 0.1")
_REBER = Criterion("next_symbols", 0.0, None, 256, f"{_HS97}, Section 5.1 (Table 1)",
                   "right when at every step the possible next symbols are the most active "
                   "outputs; solved when every training and check string is right")

#: The criterion of each task that has one (by registered dataset name).
CRITERIA: dict[str, Criterion] = {"adding_hs97": _ADDING, "temporal_order_6a": _ORDER,
                                  "temporal_order_6b": _ORDER, "reber_hs97": _REBER}


def outputs_of(engine: Any, model: Any, X: Any) -> np.ndarray:
    """Raw outputs of the weights ``engine`` holds *now* (mid-training), for data ``X``:
    ``(n, K)`` or ``(n, T, K)``, in the model's input normalisation. Class outputs come back
    in label order (column ``j`` scores label ``j``), whatever labels training happened to see.
    """
    sequences = model.prepare(X)
    lengths = sequences.lengths
    per_step = model.output_mode == "sequence"
    n, steps = lengths.shape[0], sequences.values.shape[1]
    out = np.zeros((n, steps, model.output_units) if per_step else (n, model.output_units))
    order = np.argsort(lengths, kind="stable")   # similar lengths together pad less
    for start in range(0, n, EVAL_BATCH):
        rows = order[start:start + EVAL_BATCH]
        longest = int(lengths[rows].max())
        chunk = engine.outputs(sequences.values[rows, :longest], lengths[rows])
        if per_step:
            out[rows, :longest] = chunk
        else:
            out[rows] = chunk
    return _label_order(out, model)


def _label_order(out: np.ndarray, model: Any) -> np.ndarray:
    classes = model.classes if model.is_classifier else None
    if classes is None or list(classes) == list(range(len(classes))):
        return out
    labels = [int(c) for c in classes]
    full = np.full((*out.shape[:-1], max(labels) + 1), -np.inf)
    full[..., labels] = out
    return full


def _join(a: Any, b: Any) -> Any:
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape[1:] == b.shape[1:]:
        return np.concatenate([a, b])
    return list(a) + list(b)


class SuccessCheck(Callback):
    """Checks a :class:`Criterion` every ``criterion.check_every`` training sequences and stops
    training when it holds (as the paper does); :meth:`summary` says whether and when.

    ``check`` is the ``(X, y)`` the rule is tested on; ``n_train`` and ``batch_size`` let the
    callback count training sequences: exactly at each epoch's end, and to within one batch
    inside an epoch (an epoch has one short batch, which length bucketing may put anywhere).
    """

    def __init__(self, criterion: Criterion, check: tuple[Any, Any], n_train: int,
                 batch_size: int) -> None:
        self.criterion, self.check = criterion, check
        self.n_train, self.batch_size = n_train, batch_size
        self.seen = 0
        self.in_epoch = 0
        self.next_check = criterion.check_every
        self.success_after: int | None = None
        self.success_weights: dict[str, Any] | None = None
        self.checks = 0

    def on_batch_end(self, state: Any) -> None:
        step = min(self.batch_size, self.n_train - self.in_epoch)
        self.in_epoch += step
        self.seen += step
        if self.seen < self.next_check or self.success_after is not None:
            return
        self.next_check += self.criterion.check_every
        self.checks += 1
        if self._holds(state.engine, state.model):
            self.success_after = self.seen
            # Kept: the loop would otherwise end on the epoch of lowest validation loss.
            self.success_weights = state.engine.state_dict()
            state.stop_training = True

    def on_epoch_end(self, state: Any) -> None:
        self.in_epoch = 0

    def _holds(self, engine: Any, model: Any) -> bool:
        X, y = self.check
        # First a small share: most checks fail, and fail there, cheaply.
        sizes = [FIRST_STAGE, len(y)] if len(y) > FIRST_STAGE else [len(y)]
        for size in sizes:
            right, error = self.criterion.score(outputs_of(engine, model, X[:size]), y[:size],
                                                X[:size])
            if not self.criterion.solved(right, error):
                return False
        return True

    def restore_success_weights(self, model: Any) -> None:
        """Give ``model`` back the weights it met the rule with (if it met it)."""
        if self.success_weights is not None:
            model.set_weights(self.success_weights)

    def summary(self, model: Any, test: tuple[Any, Any]) -> dict[str, Any]:
        """What the run stores in ``extra["success"]``: whether the rule held during training,
        after how many training sequences, and the trained model's score on ``test``.

        A model that met the rule is first given back the weights it met it with (the paper
        stops training there), so every later score of the run is of those weights.
        """
        self.restore_success_weights(model)
        X, y = test
        outputs = outputs_of(model.runner(), model, X)
        right, error = self.criterion.score(outputs, y, X)
        result = {"reached": self.success_after is not None, "sequences": self.success_after,
                  "sequences_run": self.seen, "check_every": self.criterion.check_every,
                  "checks": self.checks, "check_size": len(self.check[1]),
                  "test_wrong": int((~right).sum()), "test_size": int(right.size),
                  "test_mean_error": error, "rule": self.criterion.text,
                  "source": self.criterion.source}
        if self.criterion.kind == "next_symbols":
            result["long_lag_accuracy"] = float(long_lag_right(outputs, y).mean())
        return result


def success_check(task: str, dataset: Any, batch_size: int) -> SuccessCheck | None:
    """The :class:`SuccessCheck` for a run of ``task`` on ``dataset``, or ``None`` when the
    task has no published success criterion. Reber's rule is tested on the distinct training
    strings and the validation strings together, the others' on the validation split."""
    criterion = CRITERIA.get(task)
    if criterion is None:
        return None
    (X, y), (X_val, y_val) = dataset.train, dataset.val
    if criterion.kind == "next_symbols":
        distinct = dataset.info.get("training_strings", len(y))   # the rest repeat them
        check = (_join(X[:distinct], X_val), _join(y[:distinct], y_val))
    else:
        check = (X_val, y_val)
    return SuccessCheck(criterion, check, len(y), batch_size)
