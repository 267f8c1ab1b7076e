"""Streaming (predict_and_update_state) equals the whole-sequence forward; closed-loop forecast."""

import numpy as np
import pytest
from training_cases import quiet

import rnnlab
from rnnlab import layers as L

CELLS = {"rnn": L.RNN, "gru": L.GRU, "lstm": L.LSTM}


@pytest.mark.parametrize("engine", ["reference", "torch"])
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_step_by_step_equals_the_whole_sequence(cell, engine):
    layer = CELLS[cell]
    X = np.random.default_rng(0).standard_normal((3, 9, 2))
    per_step = rnnlab.Sequential([L.SequenceInput(2), layer(4, num_layers=2, output="sequence"),
                                  layer(3, output="sequence"), L.Dense(2)], seed=1)
    last = rnnlab.Sequential([L.SequenceInput(2), layer(4, num_layers=2, output="sequence"),
                              layer(3, output="last"), L.Dense(3), L.Softmax()], seed=1)
    for model in (per_step, last):
        model.to(engine, dtype="float64")
        whole = model.predict(X)
        model.reset_state()
        steps = [model.predict_and_update_state(X[:, t]) for t in range(9)]
        if model.output_mode == "sequence":
            np.testing.assert_allclose(np.stack(steps, axis=1), whole, rtol=1e-10, atol=1e-12)
        else:
            np.testing.assert_allclose(steps[-1], whole, rtol=1e-10, atol=1e-12)
        model.reset_state()                              # chunks of uneven size, too
        chunks = [model.predict_and_update_state(X[:, a:b]) for a, b in ((0, 4), (4, 5),
                                                                          (5, 9))]
        if model.output_mode == "sequence":
            np.testing.assert_allclose(np.concatenate(chunks, axis=1), whole, rtol=1e-10,
                                       atol=1e-12)
        else:
            np.testing.assert_allclose(chunks[-1], whole, rtol=1e-10, atol=1e-12)


def test_streaming_refuses_bidirectional_layers_and_a_changed_batch():
    model = rnnlab.build("gru", input_size=1, hidden_size=2, output_size=1, task="regress",
                         bidirectional=True)
    with pytest.raises(ValueError, match=r"bidirectional GRU.*cannot be fed one step"):
        model.predict_and_update_state(np.zeros((2, 1)))
    model = rnnlab.build("gru", input_size=1, hidden_size=2, output_size=1, task="regress")
    model.predict_and_update_state(np.zeros((2, 1)))
    with pytest.raises(ValueError, match="reset_state"):
        model.predict_and_update_state(np.zeros((3, 1)))
    model.reset_state()
    assert model.predict_and_update_state(np.zeros((3, 1))).shape == (3, 1)


def test_closed_loop_forecast_continues_a_sine_wave():
    t = np.arange(400) * 0.2
    series = np.sin(t)
    X = np.stack([series[i:i + 30] for i in range(0, 340, 2)])[:, :, None]
    y = np.stack([series[i + 1:i + 31] for i in range(0, 340, 2)])[:, :, None]
    model = rnnlab.Sequential([L.SequenceInput(1), L.GRU(16, output="sequence"), L.Dense(1)])
    rnnlab.train(model, X, y, quiet(max_epochs=30, batch_size=16, learning_rate=0.02))
    forecast = model.forecast(series[:100], steps=10)
    assert forecast.shape == (10,)
    assert np.max(np.abs(forecast[:5] - series[100:105])) < 0.15
    # the same through streaming by hand
    model.reset_state()
    out = model.predict_and_update_state(series[None, :100, None])
    assert out[0, -1, 0] == pytest.approx(forecast[0])


def test_window_models_forecast_by_sliding_the_window():
    model = rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=2, task="regress")
    history = np.random.default_rng(0).standard_normal((4, 6, 2))
    forecast = model.forecast(history, steps=3)
    assert forecast.shape == (4, 3, 2)
    np.testing.assert_allclose(forecast[:, 0], model.predict(history))
    window = np.concatenate([history[:, 1:], forecast[:, :1]], axis=1)
    np.testing.assert_allclose(forecast[:, 1], model.predict(window))
    with pytest.raises(ValueError, match="as many outputs as input features"):
        rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=1,
                     task="regress").forecast(history, 2)
