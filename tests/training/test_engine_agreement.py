"""The two engines train the same model to the same numbers (float64, same seed, same order)."""

import numpy as np
import pytest
from training_cases import quiet

import rnnlab
from rnnlab import layers as L


def _losses(model_factory, X, y, engine, **settings):
    model = model_factory()
    history = rnnlab.train(model, X, y, quiet(engine=engine, dtype="float64", **settings))
    return np.array(history.iteration_loss), model


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_losses_agree_at_each_of_the_first_20_iterations(cell):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 7, 3))
    y = rng.integers(0, 3, 40)
    factory = lambda: rnnlab.build(cell, input_size=3, hidden_size=5, output_size=3,  # noqa: E731
                                   task="classify", num_layers=2)
    settings = dict(max_epochs=4, batch_size=8, learning_rate=0.01, gradient_clip=0.5, l2=1e-3)
    fast, fast_model = _losses(factory, X, y, "torch", **settings)
    slow, slow_model = _losses(factory, X, y, "reference", **settings)
    assert len(fast) == len(slow) == 20
    np.testing.assert_allclose(slow, fast, rtol=1e-6, atol=0)
    for name, value in fast_model.params.items():
        np.testing.assert_allclose(slow_model.params[name], value, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("optimizer", ["sgd", "sgdm", "rmsprop"])
def test_every_optimizer_follows_one_trajectory(optimizer):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((24, 5, 2))
    y = X.sum(axis=1)                                     # (24, 2) regression targets
    factory = lambda: rnnlab.build("gru", input_size=2, hidden_size=4, output_size=2,  # noqa: E731
                                   task="regress")
    settings = dict(max_epochs=3, optimizer=optimizer, learning_rate=0.01,
                    schedule="cosine")
    fast, _ = _losses(factory, X, y, "torch", **settings)
    slow, _ = _losses(factory, X, y, "reference", **settings)
    np.testing.assert_allclose(slow, fast, rtol=1e-6)


def test_variable_lengths_tokens_and_per_step_targets_agree():
    rng = np.random.default_rng(3)
    lengths = rng.integers(2, 9, 30)
    X = [rng.integers(0, 6, n) for n in lengths]
    y = [np.roll(x, -1) for x in X]                       # predict the next token
    factory = lambda: rnnlab.Sequential([  # noqa: E731
        L.Embedding(6, 3), L.LSTM(4, output="sequence", bidirectional=True),
        L.GRU(5, output="sequence"), L.Dense(6), L.Softmax()], seed=3)
    fast, _ = _losses(factory, X, y, "torch", max_epochs=2)
    slow, _ = _losses(factory, X, y, "reference", max_epochs=2)
    np.testing.assert_allclose(slow, fast, rtol=1e-6)


def test_per_step_regression_with_padding_agrees():
    rng = np.random.default_rng(4)
    X = [rng.standard_normal((n, 2)) for n in rng.integers(2, 8, 20)]
    y = [x.cumsum(axis=0) for x in X]
    factory = lambda: rnnlab.Sequential([  # noqa: E731
        L.SequenceInput(2, normalization="zscore"), L.RNN(4, output="sequence"),
        L.Dense(2)], seed=4)
    fast, _ = _losses(factory, X, y, "torch", max_epochs=2)
    slow, _ = _losses(factory, X, y, "reference", max_epochs=2)
    np.testing.assert_allclose(slow, fast, rtol=1e-6)
