"""Inspection of the new cells and options: their gates (names and ranges from the registry),
predictions equal to ``model.predict``, and ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ equal to torch autograd's
(an independent step-by-step run of the torch engine's form)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnlab
from rnnlab import cells
from rnnlab.inspect import trace
from rnnlab.torch import module_for

CASES = [("gru", {"reset_after": False}), ("lstm", {"peepholes": True}),
         ("lstm", {"proj_size": 2, "peepholes": True}), ("indrnn", {}), ("minlstm", {}),
         ("mingru", {})]
IDS = ["gru-reset-before", "lstm-peepholes", "lstm-peepholes-proj", "indrnn", "minlstm",
       "mingru"]


def lstm_step(p, x, state, keep):
    """The LSTM step written out in torch so that ``c_t`` is the node ``h_t`` is computed from:
    its gradient is then the total ∂L/∂c_t (through h_t and through step t+1)."""
    h, c = state
    a_i, a_f, a_g, a_o = (x @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T
                          + p["bias_hh"]).chunk(4, dim=-1)
    if "weight_ci" in p:
        a_i, a_f = a_i + p["weight_ci"] * c, a_f + p["weight_cf"] * c
    c_t = torch.where(keep, torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g), c)
    o = torch.sigmoid(a_o + p["weight_co"] * c_t if "weight_co" in p else a_o)
    h_new = o * torch.tanh(c_t)
    if "weight_hr" in p:
        h_new = h_new @ p["weight_hr"].T
    return torch.where(keep, h_new, h), c_t


def autograd_norms(model, X, lengths, y):
    """Per stacked layer, the norms ``(B, T)`` of the gradient with respect to each state
    (h, and c for the LSTM), by a step-by-step torch run in which every state is a graph node
    with retain_grad: the LSTM's step written out here, the other cells' torch-engine modules
    run one step per call."""
    layer = model.layers[1]
    x = torch.tensor(np.asarray(X, dtype=np.float64))
    batch, steps = x.shape[:2]
    mask = torch.tensor(np.arange(steps)[None, :] < lengths[:, None])[:, :, None]
    inputs, recorded = x, []
    for k in range(layer.num_layers):
        spec = layer.spec(inputs.shape[-1])
        own = {name[2:].replace(f"_l{k}", "_l0"): torch.tensor(value, requires_grad=True)
               for name, value in model.params.items()
               if name.startswith("1.") and name.endswith(f"_l{k}")}
        one = module_for(type(spec)(spec.cell, inputs.shape[-1], spec.hidden_size,
                                    **spec.options), dtype=torch.float64)
        one.load_state_dict({n: v.detach() for n, v in own.items()})
        state = tuple(torch.zeros(shape[1:], dtype=torch.float64) for shape in
                      one.spec.state_shapes(batch))
        states, outputs = [], []
        for t in range(steps):
            if spec.has_cell_state:
                state = lstm_step({n[:-3]: v for n, v in own.items()}, inputs[:, t], state,
                                  mask[:, t])
            else:
                _, new = one(inputs[:, t:t + 1], state[0][None], validate=False)
                state = (torch.where(mask[:, t], new[0], state[0]),)
            for s in state:
                s.retain_grad()
            states.append(state)
            outputs.append(state[0] * mask[:, t])
        recorded.append(states)
        inputs = torch.stack(outputs, dim=1)
    out = state[0] @ torch.tensor(model.params["2.weight"]).T + torch.tensor(
        model.params["2.bias"])
    torch.nn.functional.cross_entropy(out, torch.tensor(y)).backward()
    return [tuple(torch.stack([s[j].grad.norm(dim=-1) for s in states], dim=1).numpy()
                  for j in range(len(states[0]))) for states in recorded]


@pytest.mark.parametrize(("cell", "options"), CASES, ids=IDS)
def test_trace_of_new_cells_gates_and_gradient_flow(cell, options, tmp_path):
    model = rnnlab.build(cell, input_size=2, hidden_size=4, output_size=2, task="classify",
                         num_layers=2, seed=3, **options)
    lengths = np.array([6, 2, 5])
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 6, 2))
    X[np.arange(6)[None, :] >= lengths[:, None]] = 0.0
    y = np.array([1, 0, 1])
    ragged = [X[b, :n] for b, n in enumerate(lengths)]
    t = trace(model, ragged, y)
    np.testing.assert_allclose(t.predictions, model.predict(ragged), atol=1e-6)
    expected = autograd_norms(model, X, lengths, y)
    valid = np.arange(6)[None, :] < lengths[:, None]
    gate_names = [g.name for g in cells.cell(cell).gates]
    for k in range(2):
        layer = t[f"1.{cell}_l{k}"]
        assert list(layer.gates) == gate_names
        for name, kind in ((g.name, g.kind) for g in cells.cell(cell).gates):
            if kind == "sigmoid":
                assert np.nanmin(layer.gates[name]) >= 0 and np.nanmax(layer.gates[name]) <= 1
        np.testing.assert_allclose(layer.grad_hidden[valid], expected[k][0][valid],
                                   rtol=1e-9, atol=1e-14)
        if model.layers[1].spec(2).has_cell_state:
            np.testing.assert_allclose(layer.grad_cell[valid], expected[k][1][valid],
                                       rtol=1e-9, atol=1e-14)
    saturation = t.saturation()["1." + cell + "_l0"]
    assert set(saturation) == {g.name for g in cells.cell(cell).gates if g.kind != "linear"} \
        or (not gate_names and set(saturation) <= {"h"})
    if cell == "mingru":             # its unbounded candidate is drawn on the data's range
        assert any(p.name.endswith("gate_h_tilde.png") for p in t.plot(tmp_path))
