"""The reference engine against plain ``torch.nn.RNN/LSTM/GRU(batch_first=True)``.

Random weights are loaded into both; outputs, final states and every gradient (inputs, initial
states, parameters) must agree to < 1e-10 relative in float64 and < 1e-5 in float32. Variable
lengths are compared against ``pack_padded_sequence``.
"""

import numpy as np
import pytest
import torch

from recurrent_cases import TORCH_NN, autograd_run, make_problem, packed_forward, relative_error
from rnnlab import torch as fast
from rnnlab.convert import to_reference, to_torch

TOLERANCE = {np.float64: 1e-10, np.float32: 1e-5}

SHAPES = {
    "typical": dict(batch=4, steps=9, input_size=3, hidden=5),
    "batch1": dict(batch=1, steps=6, input_size=2, hidden=3),
    "time1": dict(batch=3, steps=1, input_size=2, hidden=3),
    "hidden1": dict(batch=3, steps=6, input_size=2, hidden=1),
}


def torch_reference_run(problem, dtype):
    """The same computation with torch.nn and autograd; returns outputs and gradients."""
    model = problem.model
    spec = model.spec
    kwargs = {"nonlinearity": spec.nonlinearity} if spec.cell == "rnn" else {}
    torch_dtype = torch.float64 if dtype == np.float64 else torch.float32
    module = TORCH_NN[spec.cell](spec.input_size, spec.hidden_size, spec.num_layers,
                                 batch_first=True, bidirectional=spec.bidirectional,
                                 dtype=torch_dtype, **kwargs)
    module.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    return autograd_run(packed_forward(module), dict(module.named_parameters()), problem, dtype)


def compare(problem, dtype):
    y_ref, final_ref = problem.forward()
    finals_ref = final_ref if isinstance(final_ref, tuple) else (final_ref,)
    dx = problem.backward()
    y_t, finals_t, grads_t = torch_reference_run(problem, dtype)
    tol = TOLERANCE[dtype]
    assert y_ref.dtype == dtype
    assert relative_error(y_ref, y_t) < tol
    for ours, theirs in zip(finals_ref, finals_t, strict=True):
        assert relative_error(ours, theirs) < tol
    assert relative_error(dx, grads_t["x"]) < tol
    assert relative_error(problem.model.grad_h0, grads_t["state0"]) < tol
    if problem.model.spec.cell == "lstm":
        assert relative_error(problem.model.grad_c0, grads_t["state1"]) < tol
    for key, grad in problem.model.grads.items():
        assert relative_error(grad, grads_t[key]) < tol, key


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_single_layer_matches_torch(cell, shape, dtype):
    problem = make_problem(cell, dtype=dtype, **SHAPES[shape])
    compare(problem, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_three_bidirectional_layers_with_variable_lengths_match_packed_torch(cell, dtype):
    problem = make_problem(cell, num_layers=3, bidirectional=True, variable_lengths=True,
                           batch=5, steps=8, dtype=dtype, seed=7)
    compare(problem, dtype)


def test_relu_rnn_matches_torch():
    problem = make_problem("rnn", num_layers=2, variable_lengths=True, nonlinearity="relu",
                           seed=4)
    compare(problem, np.float64)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_torch_engine_matches_reference_and_round_trips(cell):
    problem = make_problem(cell, num_layers=2, bidirectional=True, variable_lengths=True,
                           seed=5)
    engine = to_torch(problem.model)
    assert isinstance(engine, getattr(fast, cell.upper()))
    hx = problem.initial_state()
    hx = tuple(torch.from_numpy(s) for s in hx) if cell == "lstm" else torch.from_numpy(hx)
    y_fast, _ = engine(torch.from_numpy(problem.x), hx, lengths=problem.lengths)
    y_ref, _ = problem.forward()
    assert relative_error(y_ref, y_fast.detach().numpy()) < 1e-12
    back = to_reference(engine)
    for key, value in problem.model.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[key], value)


def test_plain_torch_module_converts_to_reference():
    module = torch.nn.GRU(3, 4, num_layers=2, batch_first=True, dtype=torch.float64)
    model = to_reference(module)
    x = np.random.default_rng(0).standard_normal((2, 5, 3))
    y_ref, _ = model.forward(x)
    y_torch, _ = module(torch.from_numpy(x))
    assert relative_error(y_ref, y_torch.detach().numpy()) < 1e-12


def test_converting_a_module_without_batch_first_is_refused():
    with pytest.raises(ValueError, match="batch_first"):
        to_reference(torch.nn.LSTM(3, 4))


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_backward_leaves_the_callers_arrays_unchanged(cell, batch):
    problem = make_problem(cell, bidirectional=True, batch=batch)
    problem.forward()
    model, shape = problem.model, problem.model.spec.state_shape(batch)
    rng = np.random.default_rng(1)
    dy = rng.standard_normal((batch, problem.x.shape[1], model.spec.output_size))
    finals = [rng.standard_normal(shape) for _ in range(2 if cell == "lstm" else 1)]
    originals = [a.copy() for a in (dy, *finals)]
    model.backward(dy, *finals)
    for before, after in zip(originals, (dy, *finals), strict=True):
        np.testing.assert_array_equal(after, before)
