"""predict / classify / evaluate, and the inputs they accept (arrays, ragged lists, pandas)."""

import numpy as np
import pandas as pd
import pytest
from training_cases import quiet, sign_task, small_classifier, sum_task

import rnnlab
from rnnlab import layers as L


def test_string_labels_are_remembered_and_given_back():
    X, y = sign_task(n=32)
    names = np.where(y == 1, "up", "down")
    model = small_classifier()
    rnnlab.train(model, X, names, quiet(max_epochs=1))
    assert model.classes == ["down", "up"]
    labels = model.classify(X)
    assert set(labels.tolist()) <= {"down", "up"}
    probabilities = model.predict(X)
    assert probabilities.shape == (32, 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_array_equal(labels, np.array(["down", "up"])[probabilities.argmax(1)])


def test_integer_labels_that_fit_keep_their_unit():
    X, y = sign_task(n=16)
    model = small_classifier(classes=4)
    rnnlab.train(model, X, y + 2, quiet(max_epochs=1))      # labels 2 and 3 only
    assert model.classes == [0, 1, 2, 3]


def test_classification_evaluation_matches_its_definitions():
    X, y = sign_task(n=40)
    model = small_classifier(hidden=8)
    rnnlab.train(model, X, y, quiet(max_epochs=5, learning_rate=0.02))
    result = model.evaluate(X, y)
    predicted = model.classify(X)
    matrix = result["confusion_matrix"]
    for true in (0, 1):
        for guess in (0, 1):
            assert matrix[true, guess] == np.sum((y == true) & (predicted == guess))
    assert result["accuracy"] == pytest.approx(np.mean(predicted == y))
    tp = matrix[1, 1]
    precision, recall = tp / matrix[:, 1].sum(), tp / matrix[1].sum()
    assert result["precision"][1] == pytest.approx(precision)
    assert result["recall"][1] == pytest.approx(recall)
    assert result["f1"][1] == pytest.approx(2 * precision * recall / (precision + recall))
    probabilities = model.predict(X)
    assert result["loss"] == pytest.approx(-np.mean(np.log(probabilities[np.arange(40), y])),
                                           rel=1e-5)


def test_regression_evaluation_matches_its_definitions():
    X, y = sum_task(n=40)
    model = rnnlab.build("lstm", input_size=2, hidden_size=6, output_size=1, task="regress")
    rnnlab.train(model, X, y, quiet(max_epochs=3, learning_rate=0.01))
    result = model.evaluate(X, y)
    error = model.predict(X) - y
    assert result["mse"] == pytest.approx(np.mean(error ** 2))
    assert result["rmse"] == pytest.approx(np.sqrt(np.mean(error ** 2)))
    assert result["mae"] == pytest.approx(np.mean(np.abs(error)))
    assert result["r2"] == pytest.approx(1 - np.mean(error ** 2) / np.var(y))


def test_language_model_reports_loss_and_perplexity():
    rng = np.random.default_rng(0)
    X = [rng.integers(0, 5, n) for n in rng.integers(3, 9, 24)]
    y = [np.roll(x, -1) for x in X]
    model = rnnlab.build("gru", input_size=4, hidden_size=6, output_size=5, task="sequence",
                         vocab_size=5)
    history = rnnlab.train(model, X, y, quiet(max_epochs=2))
    assert "perplexity" in history.metrics
    result = model.evaluate(X, y)
    assert result["perplexity"] == pytest.approx(np.exp(result["loss"]))
    outputs = model.predict(X)
    assert isinstance(outputs, list) and outputs[3].shape == (len(X[3]), 5)
    assert [len(labels) for labels in model.classify(X)] == [len(x) for x in X]


def test_ragged_feature_sequences_are_padded_and_bucketed():
    rng = np.random.default_rng(1)
    X = [rng.standard_normal((n, 2)) for n in rng.integers(1, 30, 40)]
    y = np.array([x[:, 0].sum() > 0 for x in X]).astype(int)
    model = rnnlab.build("lstm", input_size=2, hidden_size=5, output_size=2, task="classify")
    rnnlab.train(model, X, y, quiet(max_epochs=1))
    one_by_one = np.concatenate([model.predict([x]) for x in X[:5]])
    np.testing.assert_allclose(model.predict(X)[:5], one_by_one, rtol=1e-5, atol=1e-6)


def test_pandas_wide_and_long_frames():
    rng = np.random.default_rng(2)
    wide = pd.DataFrame(rng.standard_normal((20, 6)), columns=[f"t{i}" for i in range(6)])
    y = pd.Series((wide.sum(axis=1) > 0).astype(int))
    model = rnnlab.build("rnn", input_size=1, hidden_size=4, output_size=2, task="classify")
    rnnlab.train(model, wide, y, quiet(max_epochs=1))
    np.testing.assert_allclose(model.predict(wide), model.predict(wide.to_numpy()[:, :, None]))
    index = pd.MultiIndex.from_tuples([(s, t) for s in range(5) for t in range(s + 2)])
    long = pd.DataFrame(rng.standard_normal((len(index), 2)), index=index, columns=["a", "b"])
    model = rnnlab.build("gru", input_size=2, hidden_size=3, output_size=1, task="regress")
    rnnlab.train(model, long, np.arange(5.0), quiet(max_epochs=1))
    first = long.loc[0].to_numpy()[None]
    assert model.predict(long)[0] == pytest.approx(model.predict(first)[0], rel=1e-5)


def test_multi_output_regression_and_per_step_values():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((16, 4, 2))
    model = rnnlab.Sequential([L.SequenceInput(2), L.GRU(3, output="sequence"), L.Dense(2)])
    rnnlab.train(model, X, X.cumsum(axis=1), quiet(max_epochs=1))
    assert model.task == "sequence" and model.predict(X).shape == (16, 4, 2)
    scores = model.evaluate(X, X.cumsum(axis=1))
    assert set(scores) == {"loss", "mse", "rmse", "mae", "r2"}
