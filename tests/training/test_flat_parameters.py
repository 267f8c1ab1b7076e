"""The torch engine's one-buffer parameters change the speed of a step, never its numbers."""

import numpy as np
import pytest
import torch
from training_cases import quiet, sign_task, small_classifier

import rnnlab
import rnnlab.engines.torch_engine as torch_engine
from rnnlab.engines import create_engine


def _train(monkeypatch, cell, flat, **settings):
    if not flat:
        monkeypatch.setattr(torch_engine, "FlatParameters", lambda parameters: None)
    X, y = sign_task(n=40, steps=5)
    model = small_classifier(cell, seed=1, num_layers=2)
    history = rnnlab.train(model, X, y, quiet(engine="torch", max_epochs=3, **settings))
    monkeypatch.undo()
    return np.array(history.iteration_loss), model.params


@pytest.mark.parametrize("optimizer, clip, l2", [("adam", 0.3, 0.0), ("rmsprop", None, 1e-3),
                                                  ("sgdm", 1.0, 1e-4)])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_one_buffer_trains_to_the_same_numbers_as_one_tensor_per_parameter(
        monkeypatch, cell, optimizer, clip, l2):
    settings = dict(optimizer=optimizer, gradient_clip=clip, l2=l2, learning_rate=0.05)
    flat_losses, flat_params = _train(monkeypatch, cell, True, **settings)
    plain_losses, plain_params = _train(monkeypatch, cell, False, **settings)
    np.testing.assert_array_equal(flat_losses, plain_losses)
    for name, value in plain_params.items():
        np.testing.assert_array_equal(flat_params[name], value)


def test_optimizer_state_is_saved_per_parameter_and_restores_the_same_continuation():
    X, y = sign_task(n=32, steps=4)
    model = small_classifier("gru", seed=2)
    first = create_engine(model, "torch", "float32", "cpu")
    first.set_optimizer("adam", 0.01)
    data = first.dataset(X.astype(np.float32), np.full(len(X), 4), y)
    batch = first.batch(data, np.arange(8))
    for _ in range(3):
        first.forward_backward(batch)
        first.step()
    arrays, extra = first.optimizer_state()
    names = [name for name, _ in first.network.named_parameters()]
    assert {key.split(".")[0] for key in arrays} == {str(i) for i in range(len(names))}
    assert extra["param_groups"][0]["params"] == list(range(len(names)))
    for index, (_, parameter) in enumerate(first.network.named_parameters()):
        assert tuple(extra["shapes"][f"{index}.exp_avg"]) == tuple(parameter.shape)

    second = create_engine(model, "torch", "float32", "cpu")
    second.set_optimizer("adam", 0.01)
    second.load_state_dict(first.state_dict())
    second.load_optimizer_state(arrays, extra)
    for engine in (first, second):
        engine.forward_backward(batch)
        engine.step()
    for key, value in first.state_dict().items():
        np.testing.assert_array_equal(second.state_dict()[key], value)


def test_a_gradient_replaced_outside_the_engine_is_refused():
    X, y = sign_task(n=16, steps=4)
    engine = create_engine(small_classifier("rnn"), "torch", "float32", "cpu")
    engine.set_optimizer("sgd", 0.1)
    batch = engine.batch(engine.dataset(X.astype(np.float32), np.full(16, 4), y), np.arange(8))
    parameter = next(engine.network.parameters())
    parameter.grad = torch.zeros_like(parameter)
    with pytest.raises(RuntimeError, match="gradient was replaced outside the engine"):
        engine.forward_backward(batch)
