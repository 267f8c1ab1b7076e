"""rnnlab's fused CPU kernels against ``torch.nn``, and how a layer chooses between them.

Both implementations get the same weights, inputs and initial states; outputs, final states
and every gradient (inputs, initial states, parameters) must agree to the parity tolerances
(< 1e-10 relative in float64, < 1e-5 in float32). Variable lengths mean ``torch.nn`` on
``pack_padded_sequence``, as ``rnnlab.torch`` has always run them.
"""

import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from recurrent_cases import relative_error
from rnnlab import torch as fast
from rnnlab.torch import cpu_kernels
from rnnlab.torch.cpu_kernels import kernel_for, products, use_kernels

TOLERANCE = {torch.float64: 1e-10, torch.float32: 1e-5}


@pytest.fixture(autouse=True, params=[True, False], ids=["mkl-products", "scan-blas-products"])
def sequence_products(request, monkeypatch):
    """Every test runs twice: the whole-sequence products in torch (what Intel processors get)
    and on the scans' BLAS (every other vendor), whichever this machine is."""
    monkeypatch.setattr(products, "ON_TORCH", request.param)
    return request.param
CELLS = {"rnn": fast.RNN, "relu": fast.RNN, "gru": fast.GRU, "lstm": fast.LSTM}


def make_layer(cell, input_size=3, hidden=5, num_layers=1, bidirectional=False,
               dtype=torch.float64, seed=0):
    extra = {"nonlinearity": "relu"} if cell == "relu" else {}
    layer = CELLS[cell](input_size, hidden, num_layers, bidirectional, dtype=dtype, seed=seed,
                        **extra)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():   # random biases too, so that a bias routed to the wrong gate shows
        for parameter in layer.parameters():
            parameter.copy_(torch.rand(parameter.shape, generator=generator,
                                       dtype=dtype) - 0.5)
    return layer


def make_inputs(layer, batch, steps, variable_lengths, seed=1):
    generator = torch.Generator().manual_seed(seed)
    dtype = next(layer.parameters()).dtype
    x = torch.randn(batch, steps, layer.input_size, generator=generator, dtype=dtype)
    shape = (layer.num_layers * (2 if layer.bidirectional else 1), batch, layer.hidden_size)
    states = [0.5 * torch.randn(shape, generator=generator, dtype=dtype)
              for _ in range(2 if layer.cell == "lstm" else 1)]
    lengths = None
    if variable_lengths:   # unsorted, with the shortest (1) and the longest (steps) possible
        lengths = np.array([steps, 1, *torch.randint(1, steps + 1, (batch,),
                                                     generator=generator).tolist()][:batch])
    return x, states, lengths


def run(layer, x, states, lengths, choice):
    """Forward and backward of a loss touching every output; returns outputs and gradients."""
    x = x.detach().clone().requires_grad_()
    states = [s.detach().clone().requires_grad_() for s in states]
    layer.kernels = choice
    layer.zero_grad()
    h0 = None if not states else tuple(states) if len(states) == 2 else states[0]
    y, final = layer(x, h0, lengths)
    finals = final if isinstance(final, tuple) else (final,)
    generator = torch.Generator().manual_seed(2)
    loss = (y * torch.randn(y.shape, generator=generator, dtype=y.dtype)).sum()
    for value in finals:
        loss = loss + (value * torch.randn(value.shape, generator=generator,
                                           dtype=y.dtype)).sum()
    loss.backward()
    results = {"y": y, **{f"final{k}": v for k, v in enumerate(finals)}, "x": x.grad,
               **{f"state{k}": s.grad for k, s in enumerate(states)}}
    results.update({name: p.grad.clone() for name, p in layer.named_parameters()})
    return {k: v.detach().numpy() for k, v in results.items()}


def assert_matches_torch_nn(layer, x, states, lengths):
    ours = run(layer, x, states, lengths, "rnnlab")
    theirs = run(layer, x, states, lengths, "torch")
    tolerance = TOLERANCE[x.dtype]
    assert ours.keys() == theirs.keys()
    for key, value in ours.items():
        assert value.shape == theirs[key].shape, key
        assert relative_error(value, theirs[key]) < tolerance, key


SHAPES = {"typical": (4, 9, 3, 5), "batch1": (1, 6, 2, 3), "time1": (3, 1, 2, 3),
          "hidden1": (3, 6, 2, 1)}


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("cell", list(CELLS))
def test_one_layer_matches_torch_nn(cell, shape, dtype):
    batch, steps, inputs, hidden = SHAPES[shape]
    layer = make_layer(cell, inputs, hidden, dtype=dtype)
    assert_matches_torch_nn(layer, *make_inputs(layer, batch, steps, False))


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("cell", list(CELLS))
def test_three_bidirectional_layers_with_variable_lengths_match_packed_torch_nn(cell, dtype):
    layer = make_layer(cell, num_layers=3, bidirectional=True, dtype=dtype, seed=7)
    assert_matches_torch_nn(layer, *make_inputs(layer, 5, 8, True, seed=7))


@pytest.mark.parametrize("cell", list(CELLS))
def test_variable_lengths_without_initial_state_and_larger_sizes_match(cell):
    layer = make_layer(cell, input_size=7, hidden=33, num_layers=2, dtype=torch.float32)
    x, _, lengths = make_inputs(layer, 19, 13, True)
    ours = run(layer, x, [], lengths, "rnnlab")
    theirs = run(layer, x, [], lengths, "torch")
    for key, value in ours.items():
        assert relative_error(value, theirs[key]) < 1e-5, key


def output_gradient_losses():
    """Losses whose ``dL/dy`` reaches the layer in each layout the backward scans read:
    batch-first (read in place), time-major, and expanded from a scalar (copied)."""
    weights = torch.Generator().manual_seed(3)

    def batch_first(y):
        return (y * torch.randn(y.shape, generator=weights, dtype=y.dtype)).sum()

    def time_major(y):
        steps_first = y.transpose(0, 1)
        return (steps_first * torch.randn(steps_first.shape, generator=weights,
                                          dtype=y.dtype)).sum()

    return {"batch-first": batch_first, "time-major": time_major,
            "expanded": lambda y: y.sum()}


@pytest.mark.parametrize("layout", list(output_gradient_losses()))
@pytest.mark.parametrize("cell", list(CELLS))
def test_every_layout_of_the_output_gradient_gives_torch_nns_gradients(cell, layout):
    layer = make_layer(cell, input_size=3, hidden=6, seed=4)
    x, states, lengths = make_inputs(layer, 5, 7, True, seed=4)
    gradients = {}
    for choice in ("rnnlab", "torch"):
        layer.kernels = choice
        layer.zero_grad()
        inputs = x.detach().clone().requires_grad_()
        h0 = [s.detach().clone().requires_grad_() for s in states]
        y, _ = layer(inputs, tuple(h0) if len(h0) == 2 else h0[0], lengths)
        output_gradient_losses()[layout](y).backward()
        gradients[choice] = [inputs.grad, *(s.grad for s in h0),
                             *(p.grad.clone() for p in layer.parameters())]
    for ours, theirs in zip(*gradients.values(), strict=True):
        assert relative_error(ours.numpy(), theirs.numpy()) < 1e-10


def test_a_batch_first_output_gradient_is_read_in_place_not_copied():
    from rnnlab.torch.cpu_kernels.layer import _output_gradient

    batch_first = torch.randn(4, 6, 5)
    array, is_batch_first = _output_gradient(batch_first.transpose(0, 1))
    assert is_batch_first and np.shares_memory(array, batch_first.numpy())
    time_major = torch.randn(6, 4, 5)
    array, is_batch_first = _output_gradient(time_major)
    assert not is_batch_first and np.shares_memory(array, time_major.numpy())
    one_direction = torch.randn(4, 6, 10).transpose(0, 1)[:, :, 5:]   # of two: copied
    array, is_batch_first = _output_gradient(one_direction)
    assert not is_batch_first and array.flags.c_contiguous
    np.testing.assert_array_equal(array, one_direction.numpy())


@pytest.mark.parametrize("cell", list(CELLS))
def test_gradcheck_through_two_bidirectional_layers_with_lengths(cell):
    layer = make_layer(cell, input_size=2, hidden=3, num_layers=2, bidirectional=True)
    layer.kernels = "rnnlab"
    x, states, _ = make_inputs(layer, 3, 4, False)
    lengths = np.array([4, 1, 3])
    names = [name for name, _ in layer.named_parameters()]

    def function(x, *tensors):
        state = tensors[:len(states)]
        parameters = dict(zip(names, tensors[len(states):], strict=True))
        y, final = torch.func.functional_call(
            layer, parameters, (x, state if len(state) == 2 else state[0], lengths))
        return (y, *(final if isinstance(final, tuple) else (final,)))

    inputs = (x.requires_grad_(), *(s.requires_grad_() for s in states),
              *(p.detach().clone().requires_grad_() for p in layer.parameters()))
    assert torch.autograd.gradcheck(function, inputs, eps=1e-6, atol=1e-7)


def test_dropout_between_layers_is_torch_dropout_on_each_layer_output_in_training_only():
    layer = make_layer("gru", num_layers=2, dtype=torch.float64)
    layer.dropout = 0.5
    layer.kernels = "rnnlab"
    x, _, _ = make_inputs(layer, 4, 6, False)
    first, second = make_layer("gru", dtype=torch.float64), make_layer(
        "gru", input_size=5, dtype=torch.float64)
    with torch.no_grad():
        for name, parameter in layer.named_parameters():
            target = first if name.endswith("l0") else second
            getattr(target, name.replace("l1", "l0")).copy_(parameter)
    for part in (first, second):
        part.kernels = "rnnlab"

    layer.train()
    torch.manual_seed(3)
    y, _ = layer(x)
    torch.manual_seed(3)
    middle, _ = first(x)
    # The stack works time-major: the mask is drawn over a (T, B, H) tensor.
    dropped = F.dropout(middle.transpose(0, 1).contiguous(), 0.5, training=True).transpose(0, 1)
    expected, _ = second(dropped)
    np.testing.assert_allclose(y.detach(), expected.detach(), rtol=1e-12)

    layer.eval()
    y_eval, _ = layer(x)
    y_plain, _ = second(first(x)[0])
    np.testing.assert_allclose(y_eval.detach(), y_plain.detach(), rtol=1e-12)


def test_a_second_backward_with_retain_graph_gives_the_same_gradients():
    layer = make_layer("gru")
    layer.kernels = "rnnlab"
    x, states, _ = make_inputs(layer, 3, 5, False)
    y, h_n = layer(x, states[0])
    loss = y.sum() + h_n.square().sum()
    first = torch.autograd.grad(loss, list(layer.parameters()), retain_graph=True)
    second = torch.autograd.grad(loss, list(layer.parameters()))
    for a, b in zip(first, second, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.parametrize("cell", list(CELLS))
def test_nan_weights_give_nan_outputs_instead_of_numbers(cell):
    # The training loop stops on a NaN loss; the kernels must not turn NaN into numbers.
    layer = make_layer(cell, dtype=torch.float32)
    layer.kernels = "rnnlab"
    with torch.no_grad():
        layer.weight_hh_l0[0, 0] = float("nan")
    y, _ = layer(torch.ones(2, 4, 3))
    assert torch.isnan(y[:, 1:]).any()


def test_auto_uses_rnnlabs_kernels_for_gru_and_rnn_and_torch_nn_for_lstm():
    x = torch.zeros(2, 3, 3)
    assert kernel_for(make_layer("gru"), x) is not None
    assert kernel_for(make_layer("rnn"), x) is not None
    assert kernel_for(make_layer("lstm"), x) is None
    assert kernel_for(make_layer("lstm"), x, [3, 3]) is None   # equal lengths: oneDNN
    # Different lengths: torch.nn would pack the batch, which leaves oneDNN (≈13× slower).
    assert kernel_for(make_layer("lstm"), x, [3, 1]) is not None
    assert kernel_for(make_layer("lstm"), x, torch.tensor([2, 3])) is not None
    forced = make_layer("lstm")
    forced.kernels = "rnnlab"
    assert kernel_for(forced, x) is not None


@pytest.mark.filterwarnings("ignore:`torch.jit.trace:DeprecationWarning")
def test_the_torch_choice_and_tracing_run_torch_nn():
    layer = make_layer("gru")
    x = torch.zeros(2, 3, 3, dtype=torch.float64)
    with use_kernels("torch"):
        assert cpu_kernels.current() == "torch"
        assert kernel_for(layer, x) is None
    assert cpu_kernels.current() == "auto"
    with pytest.warns(torch.jit.TracerWarning):   # torch's own shape checks, while tracing
        traced = torch.jit.trace(layer, (x,), check_trace=False)
    assert "aten::gru" in str(traced.graph)


def test_forcing_the_kernels_where_they_cannot_run_says_why():
    layer = make_layer("gru")
    layer.kernels = "rnnlab"
    with pytest.raises(ValueError, match="kernels is 'rnnlab' but the input is on meta"):
        kernel_for(layer, torch.zeros(2, 3, 3, device="meta"))
    layer.kernels = "fastest"
    with pytest.raises(ValueError, match=r"RNNLAB_KERNELS\) must be one of 'auto', 'rnnlab'"):
        layer(torch.zeros(2, 3, 3, dtype=torch.float64))
    with pytest.raises(ValueError, match="use_kernels must be one of"):
        use_kernels("cuda")


def test_cell_variants_never_run_the_plain_cells_kernel():
    # A projected LSTM computes something else than the plain LSTM's kernel: "auto" gives it
    # to torch.nn, and forcing rnnlab's kernels says why they cannot run it.
    x = torch.zeros(2, 3, 3, dtype=torch.float64)
    projected = fast.LSTM(3, 4, proj_size=2, dtype="float64", seed=0)
    assert kernel_for(projected, x) is None
    projected.kernels = "rnnlab"
    with pytest.raises(ValueError, match=r"projection|proj_size"):
        kernel_for(projected, x)


def test_the_scans_blas_runs_on_one_thread_whatever_torch_uses():
    import scipy
    from threadpoolctl import threadpool_info

    from rnnlab.torch.cpu_kernels.jit import single_threaded_blas

    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        single_threaded_blas()
    finally:
        torch.set_num_threads(threads)
    home = os.path.dirname(scipy.__file__)      # wheels keep the library in scipy.libs
    own = [i for i in threadpool_info() if i["filepath"].startswith(home)]
    if not own:
        pytest.skip("SciPy shares its BLAS with NumPy here; the kernels leave it alone")
    assert {i["num_threads"] for i in own} == {1}


@pytest.mark.parametrize(("vendor", "setting", "on_torch"), [
    ("GenuineIntel", "", True), ("AuthenticAMD", "", False), ("", "", False),
    ("GenuineIntel", "scan-blas", False), ("AuthenticAMD", "torch", True)])
def test_the_sequence_products_go_to_mkl_on_intel_processors_only(monkeypatch, vendor, setting,
                                                                   on_torch):
    monkeypatch.setattr(products, "cpu_vendor", lambda: vendor)
    monkeypatch.setenv("RNNLAB_SEQUENCE_PRODUCTS", setting)
    assert products._on_torch() is on_torch


def test_a_misspelt_sequence_products_setting_is_refused(monkeypatch):
    monkeypatch.setenv("RNNLAB_SEQUENCE_PRODUCTS", "mkl")
    with pytest.raises(ValueError, match="RNNLAB_SEQUENCE_PRODUCTS must be 'torch' or"):
        products._on_torch()
