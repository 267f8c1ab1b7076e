"""The reference engine's cells beyond the textbook three, and the textbook steps of all of them.

* Hand-written BPTT of every new cell and option against central finite differences in float64
  (relative error < 1e-6), one-layer and stacked bidirectional with variable lengths.
* Every fast scan against a loop over its cell's textbook step (forward outputs and every
  gradient), and the minLSTM/minGRU parallel scan against the sequential loop in float32
  (≤ 1e-6) at long sequences.
"""

from __future__ import annotations

import numpy as np
import pytest

from recurrent_cases import NEW_CELLS, make_problem, relative_error
from rnnlab import cells
from rnnlab.reference import gradient_check, stepping
from rnnlab.reference.linear_scan import parallel_scan, parallel_scan_backward
from rnnlab.reference.recurrent import RecurrentStack

TOLERANCE = 1e-6

VARIANTS = {**NEW_CELLS, "minlstm-sequential": ("minlstm", {"scan": "sequential"}),
            "mingru-sequential": ("mingru", {"scan": "sequential"})}
SHAPES = {"L1-uni-eq": dict(), "L2-bi-var": dict(num_layers=2, bidirectional=True,
                                                    variable_lengths=True, steps=4)}
#: Entries checked per array of the stacked case, at random (the one-layer case checks every
#: entry, so a gate block with a wrong gradient cannot hide; the stacked one adds directions,
#: layers and padding).
SAMPLES = {"L1-uni-eq": None, "L2-bi-var": 10}


def check_gradients(problem, samples: int | None) -> None:
    model = problem.model
    dx = problem.backward()
    analytic = {"x": dx, "h0": model.grad_h0, **model.grads}
    arrays = {"x": problem.x, "h0": problem.states[0], **model.params}
    if model.spec.has_cell_state:
        analytic["c0"], arrays["c0"] = model.grad_c0, problem.states[1]
    assert set(model.grads) == set(model.state_dict())
    errors = gradient_check(problem.loss, arrays, analytic, samples=samples)
    worst = max(errors, key=errors.get)
    assert errors[worst] < TOLERANCE, f"{worst}: relative error {errors[worst]:.2e}"


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_new_cells_and_options_match_finite_differences(variant, shape):
    cell, options = VARIANTS[variant]
    check_gradients(make_problem(cell, seed=2, **SHAPES[shape], **options), SAMPLES[shape])


def run_and_collect(problem) -> dict[str, np.ndarray]:
    model = problem.model
    y, _ = problem.forward()
    dx = problem.backward()
    return {"y": y, "x": dx, "h0": model.grad_h0, **model.grads,
            **({"c0": model.grad_c0} if model.spec.has_cell_state else {})}


def scan_and_step_loop(problem):
    """Outputs and gradients of the stack's own scan, then of a loop over its textbook step."""
    model = problem.model
    fast = run_and_collect(problem)
    step = model.step_cell()
    model._forward_direction = lambda inputs, suffix, state0, mask, buffer: \
        stepping.forward_direction(model, step, inputs, suffix, state0, mask)
    model._backward_direction = lambda cache, inputs, dy, dstate_n, suffix, buffer: \
        stepping.backward_direction(model, step, cache, dy, dstate_n, suffix)
    return fast, run_and_collect(problem)


@pytest.mark.parametrize(("cell", "options"), [("rnn", {}), ("rnn", {"nonlinearity": "relu"}),
                                               ("gru", {}), ("lstm", {}), ("minlstm", {}),
                                               ("mingru", {})])
def test_fast_scans_equal_a_loop_over_the_textbook_step(cell, options):
    problem = make_problem(cell, num_layers=2, bidirectional=True, variable_lengths=True,
                           batch=4, steps=7, seed=5, **options)
    fast, stepped = scan_and_step_loop(problem)
    assert set(fast) == set(stepped)
    for key in fast:
        assert relative_error(fast[key], stepped[key]) < 1e-12, key


def test_every_registered_cell_has_a_textbook_step():
    for name in cells.names(variants=False):
        stack_class = cells.cell(name).reference_class()
        assert issubclass(stack_class, RecurrentStack)
        step = stack_class(2, 3).step_cell()
        assert [g.name for g in cells.cell(name).gates] == list(step.gates)


@pytest.mark.parametrize("cell", ["minlstm", "mingru"])
def test_parallel_and_sequential_scans_agree_in_float32_on_long_sequences(cell):
    """Outputs and final states to 1e-6; gradients, float32 sums over T·B = 2560 terms, to
    1e-5 of their largest value."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 512, 3)).astype(np.float32)
    lengths = np.array([512, 1, 300, 511, 17])
    results = []
    for scan in ("parallel", "sequential"):
        model = cells.cell(cell).reference_class()(3, 8, 2, True, seed=1, scan=scan)
        y, h_n = model.forward(x, None, lengths)
        dx = model.backward(np.ones_like(y))
        results.append(((y, h_n), (dx, model.grads["weight_ih_l1_reverse"])))
    (outputs, grads), (outputs_seq, grads_seq) = results
    for parallel, sequential in zip(outputs, outputs_seq, strict=True):
        assert np.abs(sequential).max() < 10
        np.testing.assert_allclose(parallel, sequential, rtol=0, atol=1e-6)
    for parallel, sequential in zip(grads, grads_seq, strict=True):
        np.testing.assert_allclose(parallel, sequential, rtol=0,
                                   atol=1e-5 * float(np.abs(sequential).max()))


def test_parallel_scan_and_its_backward_by_hand():
    rng = np.random.default_rng(3)
    a, b, h0 = rng.uniform(0, 1, (9, 2)), rng.standard_normal((9, 2)), rng.standard_normal(2)
    expected, h = [], h0
    for t in range(9):
        h = a[t] * h + b[t]
        expected.append(h)
    np.testing.assert_allclose(parallel_scan(a, b, h0), np.array(expected), atol=1e-12)
    weights = rng.standard_normal((9, 2))

    def loss():
        return float(np.sum(parallel_scan(a, b, h0) * weights))

    hs = parallel_scan(a, b, h0)
    da, db, dh0 = parallel_scan_backward(a, np.concatenate([h0[None], hs[:-1]]), weights)
    errors = gradient_check(loss, {"a": a, "b": b, "h0": h0}, {"a": da, "b": db, "h0": dh0})
    assert max(errors.values()) < TOLERANCE


def test_scan_option_is_checked():
    with pytest.raises(ValueError, match="scan must be 'parallel' or 'sequential'"):
        cells.cell("minlstm").reference_class()(2, 3, scan="blelloch")
