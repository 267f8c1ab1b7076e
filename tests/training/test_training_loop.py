"""The training loop: history, reproducibility, validation, early stopping, best weights,
schedules, callbacks, Ctrl-C, divergence, progress view and plot."""

import math

import numpy as np
import pytest
from training_cases import quiet, sign_task, small_classifier, sum_task

import rnnlab


def test_history_records_iterations_epochs_metrics_and_times():
    X, y = sign_task(n=40)
    model = small_classifier()
    history = rnnlab.train(model, X, y, quiet(max_epochs=3, batch_size=8,
                                              validation_data=0.25))
    per_epoch = math.ceil(30 / 8)
    assert len(history.iteration_loss) == len(history.iteration_metric) == 3 * per_epoch
    assert len(history.epoch_loss) == len(history.val_loss) == len(history.epoch_time) == 3
    assert set(history.metrics) == {"accuracy", "val_accuracy"}
    assert all(len(v) == 3 for v in history.metrics.values())
    assert all(t > 0 for t in history.epoch_time)
    assert history.learning_rate == [1e-3] * 3
    assert history.stop_reason == "max_epochs" and history.epochs == 3
    assert all(0 <= a <= 1 for a in history.metrics["val_accuracy"])
    frame = history.to_dataframe()
    assert list(frame.index) == [1, 2, 3] and "val_accuracy" in frame


def test_training_is_a_function_of_the_seeds():
    X, y = sign_task()
    runs = []
    for seed in (0, 0, 1):
        model = small_classifier(cell="lstm")
        runs.append(rnnlab.train(model, X, y, quiet(seed=seed)).iteration_loss)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]          # another batch order


def test_training_lowers_the_loss_and_regression_reports_rmse():
    X, y = sum_task(n=64)
    model = rnnlab.build("gru", input_size=2, hidden_size=8, output_size=1, task="regress")
    history = rnnlab.train(model, X, y, quiet(max_epochs=15, learning_rate=0.01))
    assert history.epoch_loss[-1] < 0.5 * history.epoch_loss[0]
    assert history.metrics["rmse"][-1] == pytest.approx(math.sqrt(history.epoch_loss[-1]))
    assert model.predict(X).shape == (64,)     # targets were given as (n,)


def test_stratified_validation_fraction_keeps_class_shares():
    X, y = sign_task(n=40)
    y = np.array([0] * 30 + [1] * 10)
    seen = {}

    def record(state):
        seen["count"] = state.history.val_loss

    model = small_classifier()
    rnnlab.train(model, X, y, quiet(max_epochs=1, validation_data=0.2), callbacks=record)
    from rnnlab.training.data import prepare_training_data
    data = prepare_training_data(small_classifier(), X, y, quiet(validation_data=0.2))
    assert np.bincount(data.val_targets).tolist() == [6, 2]
    assert np.bincount(data.train_targets).tolist() == [24, 8]


def test_early_stopping_stops_after_patience_without_improvement():
    X, y = sign_task(n=16)
    model = small_classifier()
    # A learning rate far below float32 resolution leaves the weights, hence the loss, unchanged.
    history = rnnlab.train(model, X, y, quiet(max_epochs=10, learning_rate=1e-30, patience=2,
                                              shuffle=False))
    assert history.stop_reason == "early_stopping"
    assert history.epochs == 3 and history.best_epoch == 1


def test_restore_best_keeps_the_weights_of_the_lowest_validation_loss():
    X, y = sign_task(n=48)
    Xv, yv = sign_task(n=16, seed=5)
    snapshots = []
    model = small_classifier(hidden=4)
    history = rnnlab.train(model, X, y,
                           quiet(max_epochs=6, learning_rate=0.05, validation_data=(Xv, yv)),
                           callbacks=lambda state: snapshots.append(state.weights()))
    best = int(np.argmin(history.val_loss))
    assert history.best_epoch == best + 1
    for name, value in snapshots[best].items():
        np.testing.assert_array_equal(model.params[name], value)
    last = small_classifier(hidden=4)
    rnnlab.train(last, X, y, quiet(max_epochs=6, learning_rate=0.05, validation_data=(Xv, yv),
                                   restore_best=False))
    for name, value in snapshots[-1].items():
        np.testing.assert_array_equal(last.params[name], value)


@pytest.mark.parametrize("schedule, expected", [
    (rnnlab.schedules.Piecewise(drop_factor=0.5, period=1), [0.01, 0.005, 0.0025]),
    ("cosine", [0.01, 0.0075, 0.0025]),
    (None, [0.01, 0.01, 0.01]),
])
def test_schedules_set_the_rate_of_each_epoch(schedule, expected):
    X, y = sign_task(n=16)
    history = rnnlab.train(small_classifier(), X, y,
                           quiet(max_epochs=3, learning_rate=0.01, schedule=schedule))
    assert history.learning_rate == pytest.approx(expected)


def test_plateau_schedule_reduces_the_rate_when_the_loss_stalls():
    X, y = sign_task(n=16)
    schedule = rnnlab.schedules.Plateau(factor=0.5, patience=1)
    history = rnnlab.train(small_classifier(), X, y,
                           quiet(max_epochs=4, learning_rate=1e-30, schedule=schedule,
                                 shuffle=False))
    assert history.learning_rate == pytest.approx([1e-30, 1e-30, 5e-31, 2.5e-31])


def test_callbacks_see_every_batch_and_can_stop_training():
    X, y = sign_task(n=24)

    class Counter(rnnlab.Callback):
        def __init__(self):
            self.batches, self.began, self.ended = 0, False, False

        def on_train_begin(self, state):
            self.began = True

        def on_batch_end(self, state):
            self.batches += 1
            assert "loss" in state.logs

        def on_train_end(self, state):
            self.ended = True

    def stop_after_two(state):
        if state.epoch == 2:
            state.stop_training = True

    counter = Counter()
    history = rnnlab.train(small_classifier(), X, y, quiet(max_epochs=5, batch_size=8),
                           callbacks=[counter, stop_after_two])
    assert history.stop_reason == "callback" and history.epochs == 2
    assert counter.batches == 6 and counter.began and counter.ended


def test_ctrl_c_stops_cleanly_and_keeps_the_best_model_so_far():
    X, y = sign_task(n=24)
    snapshots = []

    class Interrupt(rnnlab.Callback):
        def on_epoch_end(self, state):
            snapshots.append(state.weights())

        def on_batch_end(self, state):
            if state.iteration == 5:        # in the middle of the second epoch
                raise KeyboardInterrupt

    model = small_classifier()
    history = rnnlab.train(model, X, y, quiet(max_epochs=5), callbacks=Interrupt())
    assert history.stop_reason == "interrupted" and history.epochs == 1
    assert history.best_epoch == 1
    for name, value in snapshots[0].items():
        np.testing.assert_array_equal(model.params[name], value)
    assert model.predict(X).shape == (24, 2)


def test_a_loss_that_becomes_nan_stops_with_advice_and_finite_weights():
    X, y = sum_task(n=32)
    model = rnnlab.build("rnn", input_size=2, hidden_size=8, output_size=1, task="regress")
    with pytest.raises(rnnlab.TrainingDivergedError,
                       match=r"loss became (nan|inf).*lower learning_rate.*gradient_clip.*"
                             r"normalization='zscore'") as caught:
        rnnlab.train(model, X * 1e3, y * 1e30, quiet(max_epochs=5, optimizer="sgd",
                                                       learning_rate=1e3))
    assert caught.value.history.stop_reason == "diverged"
    assert all(np.all(np.isfinite(v)) for v in model.params.values())


def test_l2_shrinks_weights_and_clipping_bounds_each_step():
    X, y = sign_task(n=32)
    norms = {}
    for l2 in (0.0, 1.0):
        model = small_classifier()
        rnnlab.train(model, X, y, quiet(max_epochs=3, learning_rate=0.01, l2=l2))
        norms[l2] = np.linalg.norm(model.params["1.weight_hh_l0"])
    assert norms[1.0] < norms[0.0]
    start = small_classifier().get_weights()
    model = small_classifier()
    rnnlab.train(model, X, y, quiet(max_epochs=1, batch_size=32, optimizer="sgd",
                                    learning_rate=1.0, gradient_clip=1e-3))
    moved = np.sqrt(sum(np.sum((model.params[k] - start[k]) ** 2) for k in start))
    assert moved <= 1e-3 * (1 + 1e-4)       # one SGD step of a gradient with norm ≤ 1e-3


def test_verbose_run_prints_epoch_lines_and_writes_the_progress_plot(tmp_path, capsys,
                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, y = sign_task(n=16)
    history = rnnlab.train(small_classifier(), X, y,
                           quiet(max_epochs=2, verbose=True, validation_data=0.25,
                                 plots="training-progress"))
    out = capsys.readouterr().out
    assert "epoch 1/2" in out and "val_accuracy" in out and "training-progress.png" in out
    png = tmp_path / "training-progress.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert history.plot_path == str(png)


def test_zscore_statistics_come_from_the_training_data_and_stay():
    X, y = sign_task(n=32)
    X = X * 5.0 + 3.0
    model = rnnlab.build("gru", input_size=3, hidden_size=4, output_size=2, task="classify",
                         normalization="zscore")
    rnnlab.train(model, X, y, quiet(max_epochs=1))
    np.testing.assert_allclose(model.normalization["mean"], X.reshape(-1, 3).mean(axis=0))
    np.testing.assert_allclose(model.normalization["std"], X.reshape(-1, 3).std(axis=0))
    before = model.normalization["mean"].copy()
    rnnlab.train(model, X + 100.0, y, quiet(max_epochs=1))      # fine-tuning keeps them
    np.testing.assert_array_equal(model.normalization["mean"], before)


@pytest.mark.parametrize("engine", ["torch", "reference"])
def test_dropout_models_train_and_repeat_on_both_engines(engine):
    X, y = sign_task(n=24)
    losses = []
    for _ in range(2):
        model = rnnlab.build("lstm", input_size=3, hidden_size=4, output_size=2,
                             task="classify", num_layers=2, dropout=0.3)
        losses.append(rnnlab.train(model, X, y, quiet(engine=engine)).iteration_loss)
    assert losses[0] == losses[1]
    model_eval = model.predict(X)
    np.testing.assert_array_equal(model_eval, model.predict(X))    # no dropout when predicting


def test_a_batch_callback_can_stop_training_mid_epoch():
    X = np.random.default_rng(0).standard_normal((64, 4, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    model = rnnlab.build("rnn", input_size=2, hidden_size=4, output_size=2, task="classify")

    class StopAfterThree(rnnlab.Callback):
        def on_batch_end(self, state):
            if state.iteration >= 3:
                state.stop_training = True

    history = rnnlab.train(model, X, y, rnnlab.TrainingOptions(max_epochs=5, batch_size=8,
                                                               verbose=False),
                           callbacks=[StopAfterThree()])
    assert len(history.iteration_loss) == 3
    assert history.stop_reason == "callback" and history.epochs == 1
