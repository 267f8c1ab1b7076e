"""TensorBoard logging: ``TrainingOptions(log_dir=…)`` and ``rnnlab.callbacks.TensorBoard`` write
event files that TensorBoard's own reader gives back with the numbers of the run's History."""

from __future__ import annotations

import numpy as np
import pytest
from training_cases import quiet, sign_task, small_classifier, sum_task

import rnnlab
import rnnlab.callbacks

reader = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator",
                             reason="TensorBoard logging needs the tensorboard package (dev extra)")


def scalars(folder) -> dict[str, list[tuple[int, float]]]:
    """Every scalar series in one TensorBoard run folder, read by TensorBoard itself."""
    events = reader.EventAccumulator(str(folder))
    events.Reload()
    return {tag: [(e.step, e.value) for e in events.Scalars(tag)]
            for tag in events.Tags()["scalars"]}


def test_log_dir_writes_losses_metrics_rate_and_gradient_norm(tmp_path):
    X, y = sign_task(n=40)
    history = rnnlab.train(small_classifier(), X, y, quiet(
        max_epochs=3, validation_data=0.25, schedule="cosine", learning_rate=0.01,
        log_dir=tmp_path))
    train, val = scalars(tmp_path / "train"), scalars(tmp_path / "validation")
    assert {"epoch_loss", "epoch_accuracy", "epoch_learning_rate", "epoch_gradient_norm",
            "batch_loss", "batch_gradient_norm"} <= set(train)
    assert set(val) == {"epoch_loss", "epoch_accuracy"}
    assert [s for s, _ in train["epoch_loss"]] == [1, 2, 3]
    np.testing.assert_allclose([v for _, v in train["epoch_loss"]], history.epoch_loss,
                               rtol=1e-6)
    np.testing.assert_allclose([v for _, v in val["epoch_loss"]], history.val_loss, rtol=1e-6)
    np.testing.assert_allclose([v for _, v in val["epoch_accuracy"]],
                               history.metrics["val_accuracy"], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in train["epoch_learning_rate"]],
                               history.learning_rate, rtol=1e-6)
    assert [s for s, _ in train["batch_loss"]] == list(range(1, history.iterations + 1))
    np.testing.assert_allclose([v for _, v in train["batch_loss"]], history.iteration_loss,
                               rtol=1e-6)
    norms = np.array([v for _, v in train["batch_gradient_norm"]])
    assert norms.shape == (history.iterations,) and np.all(norms > 0)
    per_epoch = np.split(norms, np.cumsum(np.diff([0, *history.epoch_iteration]))[:-1])
    np.testing.assert_allclose([v for _, v in train["epoch_gradient_norm"]],
                               [chunk.mean() for chunk in per_epoch], rtol=1e-5)


def test_gradient_norm_is_the_one_the_step_used(tmp_path):
    """Both engines compute gradients independently; their logged norms agree, and with
    clipping on, every logged norm is the clip value."""
    X, y = sum_task(n=16)
    logged = {}
    for engine in ("torch", "reference"):
        model = rnnlab.build("lstm", input_size=2, hidden_size=4, output_size=1,
                             task="regress", seed=1)
        board = rnnlab.callbacks.TensorBoard(tmp_path / engine)
        rnnlab.train(model, X, y, quiet(max_epochs=2, batch_size=8, engine=engine,
                                        dtype="float64"), callbacks=[board])
        logged[engine] = [v for _, v in scalars(tmp_path / engine / "train")[
            "batch_gradient_norm"]]
    assert len(logged["torch"]) == 4
    np.testing.assert_allclose(logged["torch"], logged["reference"], rtol=1e-5)
    board = rnnlab.callbacks.TensorBoard(tmp_path / "clipped")
    rnnlab.train(rnnlab.build("gru", input_size=2, hidden_size=4, output_size=1,
                              task="regress"), X, y,
                 quiet(max_epochs=2, gradient_clip=1e-3), callbacks=[board])
    clipped = [v for _, v in scalars(tmp_path / "clipped" / "train")["batch_gradient_norm"]]
    np.testing.assert_allclose(clipped, 1e-3, rtol=1e-3)


def test_epoch_curves_only(tmp_path):
    X, y = sum_task(n=16)
    board = rnnlab.callbacks.TensorBoard(tmp_path, batch_scalars=False)
    rnnlab.train(rnnlab.build("rnn", input_size=2, hidden_size=3, output_size=1,
                              task="regress"), X, y, quiet(), callbacks=[board])
    assert set(scalars(tmp_path / "train")) == {"epoch_loss", "epoch_rmse",
                                                 "epoch_learning_rate", "epoch_gradient_norm"}


def test_log_dir_is_checked(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="log_dir must be None or a folder path"):
        rnnlab.TrainingOptions(log_dir=3)
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "tensorboard" else real(name, *a))
    with pytest.raises(ValueError, match=r"pip install 'rnnlab\[tensorboard\]'"):
        rnnlab.TrainingOptions(log_dir=tmp_path)
