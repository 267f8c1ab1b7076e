"""NumPy optimisers follow torch.optim step for step; clipping matches clip_grad_norm_."""

import numpy as np
import pytest
import torch

from rnnlab.reference import SGD, Adam, RMSprop, clip_grad_norm

CASES = [
    (SGD, torch.optim.SGD, {"lr": 0.1}),
    (SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
    (Adam, torch.optim.Adam, {"lr": 0.01}),
    (Adam, torch.optim.Adam, {"lr": 0.01, "weight_decay": 0.1}),
    (RMSprop, torch.optim.RMSprop, {"lr": 0.01}),
]


@pytest.mark.parametrize(("ours", "theirs", "kwargs"), CASES)
def test_optimizer_matches_torch(ours, theirs, kwargs):
    rng = np.random.default_rng(0)
    start = {"w": rng.standard_normal((3, 4)), "b": rng.standard_normal(4)}
    params = {k: v.copy() for k, v in start.items()}
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in start.items()}
    optimizer = ours(params, **kwargs)
    reference = theirs(list(tensors.values()), **kwargs)
    for _ in range(5):
        grads = {k: rng.standard_normal(v.shape) for k, v in start.items()}
        optimizer.step(grads)
        for k, t in tensors.items():
            t.grad = torch.tensor(grads[k])
        reference.step()
    for k in params:
        np.testing.assert_allclose(params[k], tensors[k].detach().numpy(), rtol=1e-12, atol=1e-14)


def test_optimizer_state_round_trip_continues_identically():
    rng = np.random.default_rng(1)
    grads = [{"w": rng.standard_normal(3)} for _ in range(4)]
    straight = {"w": np.ones(3)}
    opt = Adam(straight, lr=0.1)
    for g in grads:
        opt.step(g)
    resumed = {"w": np.ones(3)}
    first = Adam(resumed, lr=0.1)
    for g in grads[:2]:
        first.step(g)
    second = Adam(resumed, lr=0.1)
    second.load_state_dict(first.state_dict())
    for g in grads[2:]:
        second.step(g)
    np.testing.assert_array_equal(straight["w"], resumed["w"])


def test_clip_grad_norm_matches_torch():
    rng = np.random.default_rng(2)
    grads = {"a": rng.standard_normal((3, 3)) * 5, "b": rng.standard_normal(3) * 5}
    tensors = [torch.zeros(v.shape, dtype=torch.float64, requires_grad=True)
               for v in grads.values()]
    for t, g in zip(tensors, grads.values(), strict=True):
        t.grad = torch.tensor(g)
    expected_norm = torch.nn.utils.clip_grad_norm_(tensors, 1.0)
    norm = clip_grad_norm(grads, 1.0)
    assert norm == pytest.approx(float(expected_norm))
    for t, g in zip(tensors, grads.values(), strict=True):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("lr", [0, -1.0, float("nan")])
def test_learning_rate_must_be_positive(lr):
    with pytest.raises(ValueError, match="learning rate must be a positive number"):
        SGD({"w": np.zeros(2)}, lr=lr)
