"""The in-place activations must be right on the strided gate slices the scans hand them."""

import numpy as np
import pytest

from rnnlab.reference.activations import sigmoid_, sigmoid_grad_, tanh_grad_


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("hidden", [1, 2, 7])
def test_sigmoid_in_place_on_gate_slices(hidden, dtype):
    a = np.random.default_rng(0).standard_normal((5, 4 * hidden)).astype(dtype)
    expected = a.copy()
    for block in (slice(0, hidden), slice(3 * hidden, 4 * hidden)):
        expected[:, block] = 1 / (1 + np.exp(-a[:, block].astype(np.float64)))
        sigmoid_(a[:, block])
    np.testing.assert_allclose(a, expected, rtol=1e-6)


def test_sigmoid_saturates_without_nan():
    with np.errstate(over="ignore"):
        a = sigmoid_(np.array([-1000.0, 0.0, 1000.0], dtype=np.float32))
    np.testing.assert_array_equal(a, [0.0, 0.5, 1.0])


def test_activation_gradients():
    s = np.array([0.2, 0.5, 0.9])
    grad = np.ones(3)
    np.testing.assert_allclose(sigmoid_grad_(grad, s, np.empty(3)), s * (1 - s))
    grad = np.full(3, 2.0)
    np.testing.assert_allclose(tanh_grad_(grad, s, np.empty(3)), 2 * (1 - s * s))
