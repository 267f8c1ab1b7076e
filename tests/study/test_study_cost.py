"""Intrinsic cost from the model description: multiply–adds, activation memory, kernels; and
cost verdicts that do not depend on the engine that ran the study."""

from __future__ import annotations

import pytest

from rnnlab import cells
from rnnlab.recurrent_spec import RecurrentSpec
from rnnlab.study import build_config, run_study
from rnnlab.study.cost import (
    CELL_COSTS,
    activation_floats,
    gated_cells,
    kernel_name,
    macs_per_sequence,
    macs_per_step,
)


def test_every_registered_cell_has_a_cost_row_and_the_gated_ones_are_the_cells_with_gates():
    assert set(CELL_COSTS) == set(cells.names(variants=False))
    assert gated_cells(cells.names()) == ["lstm", "gru", "minlstm", "mingru", "lstm-chrono",
                                          "gru-chrono"]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru", "indrnn", "minlstm", "mingru"])
@pytest.mark.parametrize("layers", [1, 2])
def test_multiply_adds_per_step_are_one_per_recurrent_weight_plus_the_gate_products(cell,
                                                                                    layers):
    # Every weight of the stack multiplies one input or state per step (biases add only).
    spec = RecurrentSpec(cell, 3, 7, layers)
    weights = 0
    for name, shape in spec.parameter_shapes().items():
        if name.startswith("weight"):
            count = 1
            for n in shape:
                count *= n
            weights += count
    products = CELL_COSTS[cell].products * 7 * layers
    assert macs_per_step(cell, 3, 7, layers) == weights + products


def test_a_variant_costs_what_its_cell_costs():
    assert macs_per_step("lstm-chrono", 2, 16) == macs_per_step("lstm", 2, 16)
    assert activation_floats("gru-chrono", 2, 5, 3, 4) == activation_floats("gru", 2, 5, 3, 4)


def test_a_sequence_costs_its_steps_plus_the_head():
    per_step = macs_per_step("gru", 2, 19)
    assert macs_per_sequence("gru", 2, 19, 1, steps=40) == 40 * per_step + 19
    assert macs_per_sequence("gru", 2, 19, 5, steps=40, head_per_step=True) == \
        40 * per_step + 40 * 19 * 5


def test_activation_memory_counts_what_backpropagation_keeps():
    # LSTM, one layer, batch 2, 3 steps: per step and sequence the input (I = 4) and
    # i, f, g, o, c, tanh c, h (7 H, H = 5).
    assert activation_floats("lstm", 4, 5, steps=3, batch_size=2) == 2 * 3 * (4 + 7 * 5)
    # A second layer reads H features and keeps as much again.
    assert activation_floats("rnn", 4, 5, 3, 2, num_layers=2) == 2 * 3 * ((4 + 5) + (5 + 5))


def test_kernels_are_named_per_engine_and_cell():
    import torch

    onednn = torch.backends.mkldnn.is_available()
    assert kernel_name("torch", "lstm") == ("oneDNN fused LSTM" if onednn
                                            else "ATen generic loop")
    assert kernel_name("torch", "lstm", "float64") == "ATen generic loop"
    assert kernel_name("torch", "gru") == kernel_name("torch", "rnn") == \
        "rnnlab fused CPU scan (numba)"
    from rnnlab.torch.cpu_kernels import use_kernels

    with use_kernels("torch"):   # the torch.nn path names torch's own kernels
        assert kernel_name("torch", "gru") == "ATen generic loop"
    assert kernel_name("torch", "lstm", ragged=True) == "rnnlab fused CPU scan (numba)"
    with use_kernels("rnnlab"):
        assert kernel_name("torch", "lstm") == "rnnlab fused CPU scan (numba)"
    assert kernel_name("torch", "gru", device="cuda") == "cuDNN"
    assert kernel_name("reference", "lstm") == "NumPy (rnnlab reference scan)"
    assert kernel_name("torch", "mingru") == "torch operations (rnnlab's torch form)"


@pytest.mark.slow
def test_the_quick_suites_cost_verdicts_are_the_same_on_both_engines(tmp_path):
    # The quick suite's sizes (hidden 16 matched by parameters, T = 10 and 40), trained
    # briefly: its cost claims read multiply–adds and parameters, never measured time, so
    # the reference engine and torch's kernels must give the same verdicts and evidence.
    cost_claims = ("rnn_fast", "gru_smaller")
    found = {}
    for engine in ("torch", "reference"):
        config = build_config(suite="quick", engine=engine, seeds=2, epochs=1, measure=False,
                              params={"n_train": 64, "n_val": 16, "n_test": 16})
        result = run_study(config, tmp_path / engine, workers=1, progress=False)
        assert result.failed == 0
        claims = {c.id: c for c in result.claims}
        found[engine] = {
            "claims": {i: (claims[i].verdict, claims[i].evidence) for i in cost_claims},
            "costs": {(g.task, g.length, g.cell): (g.macs_per_step, g.macs_per_sequence,
                                                   g.activation_bytes, g.num_parameters)
                      for g in result.analysis.groups},
            "kernels": {g.kernel for g in result.analysis.groups}}
    assert found["torch"]["claims"] == found["reference"]["claims"]
    assert found["torch"]["costs"] == found["reference"]["costs"]
    assert found["torch"]["kernels"] != found["reference"]["kernels"]  # yet measured apart
