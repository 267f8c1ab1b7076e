"""Bad input gets one clear sentence naming what is wrong — one test each."""

import numpy as np
import pytest
from training_cases import quiet, sign_task, small_classifier, sum_task

import rnnlab


def _train(X, y, **settings):
    return rnnlab.train(small_classifier(), X, y, quiet(**settings))


def test_nan_or_inf_values():
    X, y = sign_task(n=8)
    X[3, 2, 1] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN or infinite values \(the first at "
                                         r"sequence 3, step 2, feature 1\)"):
        _train(X, y)
    X[3, 2, 1] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        _train(X, y)


def test_empty_dataset():
    with pytest.raises(ValueError, match="X holds no sequences"):
        _train(np.zeros((0, 5, 3)), np.zeros(0))
    with pytest.raises(ValueError, match="X holds no sequences"):
        _train([], [])


def test_sequences_of_length_zero():
    with pytest.raises(ValueError, match=r"X\[1\] has length 0"):
        _train([np.ones((4, 3)), np.ones((0, 3))], [0, 1])
    with pytest.raises(ValueError, match="sequences of length 0"):
        _train(np.zeros((2, 0, 3)), [0, 1])


def test_fewer_labels_than_sequences():
    X, y = sign_task(n=10)
    with pytest.raises(ValueError, match="y holds 9 labels but X holds 10 sequences"):
        _train(X, y[:9])


def test_an_unseen_label_at_evaluate_time():
    X, y = sign_task(n=10)
    model = small_classifier()
    rnnlab.train(model, X, np.where(y == 1, "up", "down"), quiet(max_epochs=1))
    with pytest.raises(ValueError, match="label 'sideways', which the model did not see in "
                                         "training"):
        model.evaluate(X[:2], ["up", "sideways"])


def test_feature_count_differing_from_training():
    X, y = sign_task(n=10)
    model = small_classifier()
    rnnlab.train(model, X, y, quiet(max_epochs=1))
    with pytest.raises(ValueError, match=r"X has 5 features per step, but the model expects 3 "
                                         r"\(its SequenceInput\(3\)\)"):
        model.predict(np.zeros((2, 4, 5)))


def test_one_dimensional_input():
    # 6 values for a 3-feature model: one sequence of 2 steps, not 6 steps of one feature
    with pytest.raises(ValueError, match=r"X is 1-D with shape \(6,\).*reshape\(1, -1, 3\)"):
        _train(np.arange(6.0), [0])


def test_string_features():
    X = np.array([[["a", "b", "c"]] * 4] * 2)
    with pytest.raises(ValueError, match=r"X holds text.*Embedding"):
        _train(X, [0, 1])
    import pandas as pd
    frame = pd.DataFrame({"t0": [1.0, 2.0], "t1": ["x", "y"]})
    model = rnnlab.build("gru", input_size=1, hidden_size=2, output_size=2, task="classify")
    with pytest.raises(ValueError, match=r"X column 't1' holds (str|object) values.*needs numbers"):
        rnnlab.train(model, frame, [0, 1], quiet())


def test_a_class_with_one_example_in_a_stratified_split():
    X, _ = sign_task(n=10)
    y = np.array(["a"] * 5 + ["b"] * 4 + ["c"])
    model = small_classifier(classes=3)
    with pytest.raises(ValueError, match="class 'c' has only 1 example; a stratified split "
                                         "needs at least 2 per class"):
        rnnlab.train(model, X, y, quiet(validation_data=0.2))
    assert model.classes is None          # nothing was learnt from the refused data


@pytest.mark.parametrize("size", [0, -4])
def test_batch_size_not_positive(size):
    with pytest.raises(ValueError, match=f"batch_size must be a positive integer, got {size}"):
        rnnlab.TrainingOptions(batch_size=size)


@pytest.mark.parametrize("rate", [0, -0.1, float("nan")])
def test_learning_rate_not_positive(rate):
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        rnnlab.TrainingOptions(learning_rate=rate)


def test_a_loss_that_becomes_nan():
    X, y = sum_task(n=16)
    model = rnnlab.build("gru", input_size=2, hidden_size=4, output_size=1, task="regress")
    with pytest.raises(rnnlab.TrainingDivergedError,
                       match=r"lower learning_rate.*gradient_clip.*scaling the inputs"):
        rnnlab.train(model, X * 1e20, y * 1e38, quiet(optimizer="sgd", learning_rate=10.0))


@pytest.mark.parametrize("settings, message", [
    (dict(optimizer="adagrad"), "optimizer must be one of"),
    (dict(engine="jax"), "engine must be 'torch' or 'reference'"),
    (dict(engine="reference", device="cuda"), "reference engine runs on the CPU only"),
    (dict(dtype="float16"), "dtype must be 'float32' or 'float64'"),
    (dict(validation_data=1.5), "between 0 and 1"),
    (dict(schedule="step"), "schedule must be"),
    (dict(gradient_clip=0), "gradient_clip must be None or a positive number"),
    (dict(patience=0), "patience must be None or a positive integer"),
    (dict(plots="loss"), "plots must be None or 'training-progress'"),
])
def test_other_bad_options(settings, message):
    with pytest.raises(ValueError, match=message):
        rnnlab.TrainingOptions(**settings)


def test_targets_that_do_not_fit_the_output_layer():
    X, _ = sign_task(n=12)
    with pytest.raises(ValueError, match=r"y has 3 classes .* output layer has 2 units; make "
                                         r"the last Dense layer Dense\(3\)"):
        _train(X, np.array(["a", "b", "c"] * 4))
    model = rnnlab.build("gru", input_size=3, hidden_size=2, output_size=1, task="regress")
    with pytest.raises(ValueError, match="y has 2 values per target but the output layer has 1"):
        rnnlab.train(model, X, np.zeros((12, 2)), quiet())


def test_token_ids_outside_the_vocabulary():
    model = rnnlab.build("lstm", input_size=2, hidden_size=2, output_size=2, task="classify",
                         vocab_size=5)
    with pytest.raises(ValueError, match=r"token id 7, outside the Embedding's vocabulary 0..4"):
        model.predict(np.array([[1, 7]]))


@pytest.mark.parametrize("size", [-5, 0, 2.5, True, "8"])
def test_prediction_batch_size_that_is_not_a_positive_integer(size):
    model = small_classifier()
    X, y = sign_task(n=4)
    for call in (lambda: model.predict(X, batch_size=size),
                 lambda: model.classify(X, batch_size=size),
                 lambda: model.evaluate(X, y, batch_size=size)):
        with pytest.raises(ValueError, match="batch_size must be a positive integer"):
            call()
    assert model.predict(X, batch_size=np.int64(3)).shape == (4, 2)   # numpy integers do


def test_values_beyond_float32_range():
    X, y = sign_task(n=8)
    X[2, 4, 1] = 1e39   # finite in float64, infinite once cast to float32
    model = small_classifier()
    with pytest.raises(ValueError, match=r"X holds 1e\+39 at sequence 2, step 4, feature 1, "
                                         r"beyond float32's range"):
        model.predict(X)
    with pytest.raises(ValueError, match="beyond float32's range"):
        rnnlab.train(model, X, y, quiet())
    assert model.classes is None and model.normalization is None   # learned nothing
    zscored = rnnlab.Sequential([rnnlab.layers.SequenceInput(3, normalization="zscore"),
                                 rnnlab.layers.GRU(4), rnnlab.layers.Dense(2),
                                 rnnlab.layers.Softmax()])
    clean, _ = sign_task(n=8, seed=1)
    rnnlab.train(zscored, clean, y, quiet(max_epochs=1))
    with pytest.raises(ValueError, match="after the input normalisation"):
        zscored.predict(X)
    wide = model.to("torch", dtype="float64").predict(X)   # float64 has the range
    assert np.all(np.isfinite(wide))


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop"])
def test_a_runaway_loss_stops_training_with_the_rule_it_broke(optimizer, monkeypatch):
    from rnnlab.training import loop

    X, y = sign_task(n=32)
    model = small_classifier(seed=1)
    initial = model.get_weights()
    options = quiet(optimizer=optimizer, learning_rate=1e6, max_epochs=4)
    with pytest.raises(rnnlab.TrainingDivergedError,
                       match=r"diverged at epoch 1, iteration 4: the epoch's mean loss .* is "
                             r"over 1000 times the starting loss") as caught:
        rnnlab.train(model, X, y, options)
    assert caught.value.epoch == 1 and caught.value.loss > 1000 * 0.5
    assert caught.value.history.stop_reason == "diverged"
    for name, value in model.get_weights().items():   # no epoch was better: the start
        np.testing.assert_array_equal(value, initial[name].astype(np.float32))
    # The rule is what stops it: without it the run "finishes" with absurd losses.
    monkeypatch.setattr(loop, "DIVERGENCE_FACTOR", float("inf"))
    history = rnnlab.train(small_classifier(seed=1), X, y, options)
    assert history.stop_reason == "max_epochs" and min(history.epoch_loss) > 1e3


def test_healthy_training_keeps_well_below_the_divergence_rule():
    X, y = sum_task(n=64)
    model = rnnlab.build("lstm", input_size=2, hidden_size=8, output_size=1, task="regress")
    history = rnnlab.train(model, X, y, quiet(max_epochs=5, learning_rate=0.03))
    from rnnlab.training.loop import DIVERGENCE_FACTOR

    assert history.stop_reason == "max_epochs"
    assert max(history.epoch_loss) < DIVERGENCE_FACTOR / 100 * history.iteration_loss[0]


def test_measuring_the_starting_loss_leaves_the_trajectory_alone(monkeypatch):
    from rnnlab.training import loop

    def final_weights(engine):
        X, y = sign_task(n=24)
        model = rnnlab.build("lstm", input_size=3, hidden_size=4, output_size=2,
                             task="classify", dropout=0.3, num_layers=2, seed=2)
        rnnlab.train(model, X, y, quiet(max_epochs=2, engine=engine, validation_data=0.25))
        return model.get_weights()

    for engine in ("torch", "reference"):
        measured = final_weights(engine)
        with monkeypatch.context() as patch:
            patch.setattr(loop._Loop, "_starting_loss", lambda self: float("nan"))
            unmeasured = final_weights(engine)
        for name, value in measured.items():
            np.testing.assert_array_equal(value, unmeasured[name])
