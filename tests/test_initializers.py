"""Initialisation: the scheme DESIGN.md fixes, identical in both engines for one seed."""

import numpy as np
import pytest

from rnnlab import reference
from rnnlab import torch as fast
from rnnlab.initializers import initial_parameters
from rnnlab.recurrent_spec import RecurrentSpec


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_same_seed_same_weights_in_both_engines(cell):
    slow = getattr(reference, cell.upper())(5, 6, num_layers=2, bidirectional=True, seed=11)
    quick = getattr(fast, cell.upper())(5, 6, num_layers=2, bidirectional=True, seed=11)
    for key, value in slow.state_dict().items():
        np.testing.assert_array_equal(value, quick.state_dict()[key].numpy())
    other = getattr(reference, cell.upper())(5, 6, num_layers=2, bidirectional=True, seed=12)
    assert not np.array_equal(other.params["weight_hh_l0"], slow.params["weight_hh_l0"])


def test_recurrent_blocks_are_orthogonal_and_input_blocks_glorot():
    spec = RecurrentSpec("lstm", 7, 9)
    params = initial_parameters(spec, seed=0, dtype=np.float64)
    for block in np.split(params["weight_hh_l0"], 4):
        np.testing.assert_allclose(block @ block.T, np.eye(9), atol=1e-12)
    limit = np.sqrt(6 / (7 + 9))
    assert np.abs(params["weight_ih_l0"]).max() <= limit
    assert np.abs(params["weight_ih_l0"]).max() > 0.8 * limit


def test_lstm_forget_bias_and_zero_other_biases():
    params = initial_parameters(RecurrentSpec("lstm", 2, 3), seed=0, forget_bias=2.0)
    b = params["bias_ih_l0"]
    np.testing.assert_array_equal(b[3:6], 2.0)
    np.testing.assert_array_equal(np.delete(b, range(3, 6)), 0.0)
    np.testing.assert_array_equal(params["bias_hh_l0"], 0.0)


def test_chrono_initialisation():
    params = initial_parameters(RecurrentSpec("lstm", 2, 500), seed=0, chrono=100)
    b = params["bias_ih_l0"]
    forget, inputs = b[500:1000], b[:500]
    assert forget.min() >= 0.0 and forget.max() <= np.log(99) + 1e-6
    assert forget.max() > np.log(99) - 0.1          # the range is used, up to log(T_max − 1)
    np.testing.assert_array_equal(inputs, -forget)
    with pytest.raises(ValueError, match="LSTM and GRU only"):
        initial_parameters(RecurrentSpec("rnn", 2, 3), chrono=10)
    with pytest.raises(ValueError, match="int >= 3"):
        initial_parameters(RecurrentSpec("lstm", 2, 3), chrono=2)


def test_chrono_initialisation_of_the_gru_update_gate():
    """torch's GRU keeps z ⊙ h_{t-1}: z is the gate whose bias sets the memory."""
    params = initial_parameters(RecurrentSpec("gru", 2, 400), seed=0, chrono=50)
    b = params["bias_ih_l0"]
    reset, update, candidate = np.split(b, 3)
    assert update.min() >= 0.0 and update.max() <= np.log(49) + 1e-6
    assert update.max() > np.log(49) - 0.2
    assert not np.any(reset) and not np.any(candidate)
    memory = 1.0 + np.exp(update)                   # 1 / (1 − σ(b)): steps a unit remembers
    assert 2.0 - 1e-4 <= memory.min() and memory.max() <= 50.0 + 1e-4   # [2, T_max]


def test_parameter_counts_follow_gate_ratio():
    counts = {c: RecurrentSpec(c, 10, 20).num_parameters() for c in ("rnn", "gru", "lstm")}
    assert counts["gru"] == 3 * counts["rnn"] and counts["lstm"] == 4 * counts["rnn"]
    assert counts["rnn"] == 20 * 10 + 20 * 20 + 2 * 20
