"""Hand-written BPTT against central finite differences, float64, relative error < 1e-6."""

import itertools

import numpy as np
import pytest

from recurrent_cases import make_problem
from rnnlab.reference import Dense, gradient_check, mean_squared_error, softmax_cross_entropy

TOLERANCE = 1e-6

CASES = list(itertools.product(["rnn", "lstm", "gru"], [1, 3], [False, True], [False, True]))


@pytest.mark.parametrize(("cell", "num_layers", "bidirectional", "variable_lengths"), CASES,
                         ids=[f"{c}-L{n}-{'bi' if b else 'uni'}-{'var' if v else 'eq'}"
                              for c, n, b, v in CASES])
def test_recurrent_gradients_match_finite_differences(cell, num_layers, bidirectional,
                                                      variable_lengths):
    problem = make_problem(cell, num_layers=num_layers, bidirectional=bidirectional,
                           variable_lengths=variable_lengths)
    model = problem.model
    dx = problem.backward()
    analytic = {"x": dx, "h0": model.grad_h0, **model.grads}
    arrays = {"x": problem.x, "h0": problem.states[0], **model.params}
    if cell == "lstm":
        analytic["c0"] = model.grad_c0
        arrays["c0"] = problem.states[1]
    assert set(model.grads) == set(model.state_dict())
    errors = gradient_check(problem.loss, arrays, analytic)
    worst = max(errors, key=errors.get)
    assert errors[worst] < TOLERANCE, f"{worst}: relative error {errors[worst]:.2e}"


def test_relu_rnn_gradients_match_finite_differences():
    problem = make_problem("rnn", num_layers=2, bidirectional=True, variable_lengths=True,
                           nonlinearity="relu", seed=3)
    dx = problem.backward()
    model = problem.model
    errors = gradient_check(problem.loss, {"x": problem.x, "h0": problem.states[0],
                                           **model.params},
                            {"x": dx, "h0": model.grad_h0, **model.grads})
    assert max(errors.values()) < TOLERANCE


def test_dense_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    layer = Dense(4, 3, seed=0, dtype=np.float64)
    layer.params["bias"][:] = rng.standard_normal(3)
    x = rng.standard_normal((2, 5, 4))
    r = rng.standard_normal((2, 5, 3))

    def loss():
        return float(np.sum(layer.forward(x) * r))

    loss()
    dx = layer.backward(r)
    errors = gradient_check(loss, {"x": x, **layer.params}, {"x": dx, **layer.grads})
    assert max(errors.values()) < TOLERANCE


def test_softmax_cross_entropy_gradient_with_ignored_targets():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((3, 4, 5))
    targets = rng.integers(0, 5, (3, 4))
    targets[0, 1] = -100
    _, grad = softmax_cross_entropy(logits, targets)
    errors = gradient_check(lambda: softmax_cross_entropy(logits, targets)[0],
                            {"logits": logits}, {"logits": grad})
    assert errors["logits"] < TOLERANCE
    assert np.all(grad[0, 1] == 0)


def test_mean_squared_error_gradient():
    rng = np.random.default_rng(2)
    predictions, targets = rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    _, grad = mean_squared_error(predictions, targets)
    errors = gradient_check(lambda: mean_squared_error(predictions, targets)[0],
                            {"p": predictions}, {"p": grad})
    assert errors["p"] < TOLERANCE


def test_gradient_check_detects_a_wrong_gradient():
    """The checker itself must be able to fail."""
    w = np.array([0.5, -1.5, 2.0])
    errors = gradient_check(lambda: float(np.sum(w ** 2)), {"w": w}, {"w": 2 * w + 1e-3})
    assert errors["w"] > TOLERANCE
