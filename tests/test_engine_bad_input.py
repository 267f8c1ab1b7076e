"""Bad input to either engine gets a ValueError that names the argument and what was expected."""

import numpy as np
import pytest
import torch

from rnnlab import reference
from rnnlab import torch as fast

ENGINES = {"reference": reference, "torch": fast}


def build(engine, cell="lstm", **kwargs):
    return getattr(ENGINES[engine], cell.upper())(3, 4, seed=0, **kwargs)


def run(engine, model, x, h0=None, lengths=None):
    if engine == "torch" and isinstance(x, np.ndarray):
        x = torch.from_numpy(x.astype(np.float32))
    return model.forward(x, h0, lengths)


X = np.zeros((2, 5, 3), np.float32)


@pytest.mark.parametrize("engine", list(ENGINES))
class TestInput:
    def test_wrong_rank(self, engine):
        with pytest.raises(ValueError, match=r"x must have 3 dimensions.*got shape \(5, 3\)"):
            run(engine, build(engine), X[0])

    def test_wrong_feature_size(self, engine):
        with pytest.raises(ValueError, match=r"x has 2 features.*expected input_size=3"):
            run(engine, build(engine), np.zeros((2, 5, 2), np.float32))

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test_nan_or_inf(self, engine, bad):
        x = X.copy()
        x[1, 2, 0] = bad
        with pytest.raises(ValueError, match="x contains NaN or infinite"):
            run(engine, build(engine), x)

    def test_empty_time_axis(self, engine):
        with pytest.raises(ValueError, match="at least one step"):
            run(engine, build(engine), np.zeros((2, 0, 3), np.float32))

    @pytest.mark.parametrize("lengths", [[5, 0], [6, 2], [-1, 3]])
    def test_lengths_out_of_range(self, engine, lengths):
        with pytest.raises(ValueError, match=r"lengths\[\d\] = -?\d+ is out of range.*1 and.*5"):
            run(engine, build(engine), X, lengths=lengths)

    def test_lengths_wrong_count(self, engine):
        with pytest.raises(ValueError, match=r"one integer per sequence, shape \(2,\)"):
            run(engine, build(engine), X, lengths=[5, 5, 5])

    def test_lengths_not_integers(self, engine):
        with pytest.raises(ValueError, match="lengths must be integers"):
            run(engine, build(engine), X, lengths=[2.5, 3])

    def test_unsorted_lengths_are_fine(self, engine):
        y, _ = run(engine, build(engine), X + 1, lengths=[2, 5])
        y = np.asarray(y.detach()) if engine == "torch" else y
        assert np.all(y[0, 2:] == 0) and np.all(y[1, 4] != 0)

    def test_state_shape(self, engine):
        model = build(engine, cell="gru")
        h0 = np.zeros((1, 3, 4), np.float32)
        h0 = torch.from_numpy(h0) if engine == "torch" else h0
        with pytest.raises(ValueError, match=r"h0 has shape \(1, 3, 4\), expected .*\(1, 2, 4\)"):
            run(engine, model, X, h0)

    def test_lstm_state_must_be_a_pair(self, engine):
        h0 = np.zeros((1, 2, 4), np.float32)
        h0 = torch.from_numpy(h0) if engine == "torch" else h0
        with pytest.raises(ValueError, match=r"pair \(h0, c0\)"):
            run(engine, build(engine), X, h0)

    def test_state_dict_missing_extra_and_misshaped(self, engine):
        model = build(engine)
        state = {k: np.asarray(v) for k, v in model.state_dict().items()}
        missing = dict(state)
        del missing["bias_hh_l0"]
        with pytest.raises(ValueError, match=r"missing keys \['bias_hh_l0'\]"):
            model.load_state_dict(missing)
        with pytest.raises(ValueError, match=r"unexpected keys \['weight_ih_l1'\]"):
            model.load_state_dict({**state, "weight_ih_l1": state["weight_ih_l0"]})
        wrong = {**state, "weight_hh_l0": np.zeros((16, 5))}
        message = r"'weight_hh_l0' has shape \(16, 5\), expected \(16, 4\)"
        with pytest.raises(ValueError, match=message):
            model.load_state_dict(wrong)


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("kwargs", "message"), [
    ({"hidden_size": 0}, "hidden_size must be a positive integer"),
    ({"num_layers": 1.5}, "num_layers must be a positive integer"),
    ({"nonlinearity": "sigmoid"}, "nonlinearity must be 'tanh' or 'relu'"),
])
def test_bad_constructor_arguments(engine, kwargs, message):
    args = {"input_size": 3, "hidden_size": 4, **kwargs}
    with pytest.raises(ValueError, match=message):
        ENGINES[engine].RNN(**args)


def test_reference_backward_checks_gradient_shapes():
    model = reference.GRU(3, 4, seed=0)
    y, h_n = model.forward(X)
    with pytest.raises(ValueError, match=r"dy has shape \(2, 5, 3\), expected \(2, 5, 4\)"):
        model.backward(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match="dc_n applies to the LSTM only"):
        model.backward(np.zeros_like(y), np.zeros_like(h_n), np.zeros_like(h_n))


def test_reference_backward_before_forward():
    with pytest.raises(RuntimeError, match="needs a forward"):
        reference.RNN(3, 4).backward(np.zeros((2, 5, 4)))


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_reference_second_backward_needs_a_new_forward(cell):
    # The LSTM's backward reuses the forward's arrays, so one forward serves one backward.
    model = getattr(reference, cell)(3, 4, seed=0)
    y, _ = model.forward(np.ones((2, 5, 3)))
    model.backward(np.ones_like(y))
    with pytest.raises(RuntimeError, match="run forward\\(\\) again"):
        model.backward(np.ones_like(y))
    model.forward(np.ones((2, 5, 3)))
    model.backward(np.ones_like(y))


def test_reference_rejects_non_numeric_input():
    with pytest.raises(ValueError, match="x must be a numeric array"):
        reference.RNN(3, 4).forward(np.array([[["a", "b", "c"]]]))
