"""The papers' success criteria: the per-sequence rules, the stopping rule, the training
callback that checks them (with an oracle engine), and what a run stores."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

import rnnlab
from rnnlab.datasets import load
from rnnlab.datasets.synthetic.reber import SYMBOLS, legal_next
from rnnlab.study.grid import RunConfig
from rnnlab.study.runner import execute
from rnnlab.study.success import CRITERIA, SuccessCheck, long_lag_right, success_check


def test_adding_rule_is_absolute_error_below_004_and_mean_below_001() -> None:
    rule = CRITERIA["adding_hs97"]
    targets = np.array([[0.5], [0.6], [0.7]])
    right, error = rule.score(targets + np.array([[0.039], [-0.039], [0.0]]), targets)
    assert right.tolist() == [True, True, True] and error == pytest.approx(0.026)
    assert not rule.solved(right, error)                       # mean |error| 0.026 ≥ 0.01
    right, error = rule.score(targets + np.array([[0.0], [0.0], [0.02]]), targets)
    assert rule.solved(right, error)
    right, error = rule.score(targets + np.array([[0.0], [0.0], [0.041]]), targets)
    assert right.tolist() == [True, True, False] and not rule.solved(right, error)


def test_order_rule_asks_every_output_within_03() -> None:
    rule = CRITERIA["temporal_order_6a"]
    sure = np.log(np.array([[0.8, 0.1, 0.05, 0.05], [0.65, 0.25, 0.05, 0.05]]))
    right, _ = rule.score(sure, np.array([0, 0]))
    assert right.tolist() == [True, False]        # 0.65 leaves an error of 0.35 > 0.3
    right, error = rule.score(np.log(np.array([[0.97, 0.01, 0.01, 0.01]])), np.array([0]))
    assert rule.solved(right, error) and error == pytest.approx(0.015)


def _string(text: str) -> np.ndarray:
    return np.array([SYMBOLS.index(s) for s in text])


def test_reber_rule_needs_the_possible_next_symbols_most_active() -> None:
    rule = CRITERIA["reber_hs97"]
    string = _string("BTBPVVETE")
    inputs = np.eye(7)[string[:-1]][None]
    targets = [string[1:]]
    good = np.where(legal_next(string), 2.0, 0.0)[None]
    assert rule.score(good, targets, inputs)[0].tolist() == [True]
    # Two possible symbols: both must beat every other output, not just the target.
    bad = good.copy()
    bad[0, 3, SYMBOLS.index("S")] = 3.0
    assert rule.score(bad, targets, inputs)[0].tolist() == [False]
    # The long-lag step (T after the inner E) predicted as P: wrong, and long-lag wrong.
    lag = good.copy()
    lag[0, 6, SYMBOLS.index("P")] = 5.0
    assert rule.score(lag, targets, inputs)[0].tolist() == [False]
    assert long_lag_right(lag, targets).tolist() == [False]
    assert long_lag_right(good, targets).tolist() == [True]


class OracleEngine:
    """Outputs of a net that has (or has not yet) learned the H&S adding problem."""

    def __init__(self) -> None:
        self.learned = False
        self.calls = 0

    def state_dict(self) -> dict:
        return {"learned": np.array(self.learned)}

    def outputs(self, values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        self.calls += 1
        if not self.learned:
            return np.full((len(values), 1), 0.5)
        marked = values[:, :, 1] == 1.0
        return 0.5 + (values[:, :, 0] * marked).sum(axis=1, keepdims=True) / 4.0


def test_the_callback_counts_sequences_and_stops_at_the_first_check_that_holds() -> None:
    ds = load("adding_hs97", length=30, n_train=100, n_val=300, n_test=50)
    model = rnnlab.build("lstm", input_size=2, hidden_size=2, output_size=1, task="regress")
    rule = replace(CRITERIA["adding_hs97"], check_every=64)
    check = SuccessCheck(rule, ds.val, n_train=100, batch_size=32)
    engine = OracleEngine()
    state = SimpleNamespace(engine=engine, model=model, stop_training=False)
    seen = []
    for epoch in range(3):
        for batch in range(4):                 # 32 + 32 + 32 + 4 sequences per epoch
            if epoch == 1 and batch == 2:
                engine.learned = True
            check.on_batch_end(state)
            seen.append(check.seen)
            if state.stop_training:
                break
        if state.stop_training:
            break
        check.on_epoch_end(state)
    assert seen == [32, 64, 96, 100, 132, 164, 196]
    # Checks at 64 and 132 fail on the first 256 sequences (one call each); 196 holds.
    assert check.success_after == 196 and check.checks == 3 and state.stop_training
    assert check.success_weights == {"learned": np.array(True)}
    # The passing check scores the first 256, then all 300 (in batches of 256 and 44).
    assert engine.calls == 2 + 1 + 2


def test_only_the_papers_tasks_have_a_criterion() -> None:
    ds = load("adding", length=10, n_train=8, n_val=4, n_test=4)
    assert success_check("adding", ds, 32) is None
    reber = load("reber_hs97", strings=8, n_train=40, n_val=4, n_test=4)
    check = success_check("reber_hs97", reber, 32)
    assert len(check.check[1]) == 12        # Reber: the distinct training and validation strings
    assert check.n_train == 40


@pytest.mark.parametrize(("task", "params"), [
    ("adding_hs97", {"length": 22, "n_train": 64, "n_val": 40, "n_test": 30}),
    ("reber_hs97", {"strings": 16, "n_train": 32, "n_val": 16, "n_test": 16})])
def test_a_run_stores_the_success_record(task: str, params: dict) -> None:
    length = params.pop("length", None)
    task_params = {**params, "seed": 0, **({"length": length} if length else {})}
    run = RunConfig("gru", 6, 1, task, length, 0, task_params, epochs=None, steps=3,
                    measure=False)
    success = execute(run.to_dict())["extra"]["success"]
    assert success["reached"] is False and success["sequences"] is None
    assert success["sequences_run"] == 3 * 32
    assert success["test_size"] == (30 if task == "adding_hs97" else 16)
    assert 0 <= success["test_wrong"] <= success["test_size"]
    assert ("long_lag_accuracy" in success) == (task == "reber_hs97")
