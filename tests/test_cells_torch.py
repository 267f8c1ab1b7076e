"""The torch engine's forms of the new cells and options against the reference engine, and the
projected LSTM against ``torch.nn.LSTM(proj_size=…)`` itself.

Outputs, final states and every gradient (input, initial states, parameters) agree to < 1e-10
relative in float64 and < 1e-5 in float32, with stacked bidirectional layers and variable
lengths; the same seed gives the same weights in both engines.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from recurrent_cases import NEW_CELLS, autograd_run, make_problem, packed_forward, relative_error
from rnnlab import cells
from rnnlab.convert import to_reference, to_torch
from rnnlab.torch import module_for

TOLERANCE = {np.float64: 1e-10, np.float32: 1e-5}


def assert_same(problem, forward, parameters, dtype):
    y_ref, final_ref = problem.forward()
    finals_ref = final_ref if isinstance(final_ref, tuple) else (final_ref,)
    dx = problem.backward()
    y, finals, grads = autograd_run(forward, parameters, problem, dtype)
    tol = TOLERANCE[dtype]
    assert relative_error(y_ref, y) < tol
    for ours, theirs in zip(finals_ref, finals, strict=True):
        assert relative_error(ours, theirs) < tol
    assert relative_error(dx, grads["x"]) < tol
    model = problem.model
    assert relative_error(model.grad_h0, grads["state0"]) < tol
    if model.spec.has_cell_state:
        assert relative_error(model.grad_c0, grads["state1"]) < tol
    assert set(model.grads) == {k for k in grads if not k.startswith(("x", "state"))}
    for key, grad in model.grads.items():
        assert relative_error(grad, grads[key]) < tol, key


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("variant", list(NEW_CELLS))
def test_torch_engine_matches_the_reference_engine(variant, dtype):
    cell, options = NEW_CELLS[variant]
    problem = make_problem(cell, num_layers=2, bidirectional=True, variable_lengths=True,
                           batch=4, steps=6, dtype=dtype, seed=3, **options)
    module = to_torch(problem.model)
    assert module.spec == problem.model.spec
    assert_same(problem, module, dict(module.named_parameters()), dtype)
    back = to_reference(module)
    for key, value in problem.model.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[key], value)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
def test_projected_lstm_matches_torch_nn_lstm(dtype):
    """The outside implementation: torch.nn.LSTM(proj_size=P), packed for variable lengths."""
    problem = make_problem("lstm", num_layers=2, bidirectional=True, variable_lengths=True,
                           batch=5, steps=7, hidden=6, dtype=dtype, seed=4, proj_size=3)
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    reference = torch.nn.LSTM(3, 6, 2, batch_first=True, bidirectional=True, proj_size=3,
                              dtype=tdtype)
    reference.load_state_dict({k: torch.from_numpy(v)
                               for k, v in problem.model.state_dict().items()})
    packed = packed_forward(reference)
    assert_same(problem, packed, dict(reference.named_parameters()), dtype)
    tolerance = 1e-9 if dtype == np.float64 else 1e-6        # absolute, the bounds
    hx = tuple(torch.from_numpy(s) for s in problem.states)
    y, _ = problem.forward()
    y_fast, _ = to_torch(problem.model)(torch.from_numpy(problem.x), hx, problem.lengths)
    y_torch, _ = packed(torch.from_numpy(problem.x), hx, problem.lengths)
    assert np.abs(y - y_torch.detach().numpy()).max() <= tolerance
    assert np.abs(y_fast.detach().numpy() - y_torch.detach().numpy()).max() <= tolerance


def test_plain_projected_torch_lstm_converts_to_reference():
    module = torch.nn.LSTM(3, 5, batch_first=True, proj_size=2, dtype=torch.float64)
    model = to_reference(module)
    x = np.random.default_rng(0).standard_normal((2, 4, 3))
    assert model.spec.proj_size == 2
    assert relative_error(model.forward(x)[0], module(torch.from_numpy(x))[0].detach()) < 1e-12


@pytest.mark.parametrize("cell", ["minlstm", "mingru"])
def test_parallel_and_sequential_torch_scans_agree_in_float32(cell):
    """Outputs and final states to 1e-6; gradients to 1e-5 of their largest value (float32
    sums over T·B terms)."""
    rng = np.random.default_rng(1)
    x = torch.from_numpy(rng.standard_normal((4, 512, 3)).astype(np.float32))
    lengths = np.array([512, 3, 400, 511])
    results = []
    for scan in ("parallel", "sequential"):
        module = cells.cell(cell).torch_factory()(3, 8, 2, True, seed=0, scan=scan)
        xg = x.clone().requires_grad_()
        y, h_n = module(xg, None, lengths)
        (y.sum() + h_n.sum()).backward()
        results.append(((y.detach(), h_n.detach()), (xg.grad, module.weight_ih_l0.grad)))
    (outputs, grads), (outputs_seq, grads_seq) = results
    for parallel, sequential in zip(outputs, outputs_seq, strict=True):
        assert float((parallel - sequential).abs().max()) <= 1e-6
    for parallel, sequential in zip(grads, grads_seq, strict=True):
        assert float((parallel - sequential).abs().max()) <= 1e-5 * float(sequential.abs().max())


@pytest.mark.parametrize("name", ["gru", "lstm", "indrnn", "minlstm", "mingru", "gru-chrono",
                                  "lstm-chrono"])
def test_same_seed_same_weights_in_both_engines(name):
    options = {"gru": {"reset_after": False}, "lstm": {"peepholes": True}}.get(name, {})
    chrono = {"chrono": 40} if name.endswith("chrono") else {}
    slow = cells.cell(name).reference_class()(3, 4, 2, True, seed=9, **options, **chrono)
    fast = module_for(slow.spec, seed=9, **chrono)
    for key, value in slow.state_dict().items():
        np.testing.assert_array_equal(value, fast.state_dict()[key].numpy())


def test_dropout_between_stacked_layers_only_while_training():
    module = module_for(cells.cell("indrnn").reference_class()(3, 16, 3).spec, seed=0)
    module.dropout = 0.5
    x = torch.randn(2, 5, 3)
    module.eval()
    first, second = module(x)[0], module(x)[0]
    assert torch.equal(first, second)
    module.train()
    assert not torch.equal(module(x)[0], first)


def test_bad_initial_state_of_a_projected_lstm_is_refused_clearly():
    module = module_for(cells.cell("lstm").reference_class()(3, 5, proj_size=2,
                                                            peepholes=True).spec)
    h0, c0 = torch.zeros(1, 2, 5), torch.zeros(1, 2, 5)
    with pytest.raises(ValueError, match=r"h0 has shape \(1, 2, 5\), expected .*proj_size"):
        module(torch.zeros(2, 4, 3), (h0, c0))
