"""Gradient flow through time: the traced ‖∂L/∂h_t‖ equal torch autograd's, and a vanilla RNN
with small recurrent weights shows them vanishing with distance from the loss."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnlab
from rnnlab.inspect import trace

CELLS = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}


def autograd_norms(model, X, lengths, y=None):
    """‖∂L/∂h_t‖ ``(B, T)`` per stacked layer, by a step-by-step torch loop with retain_grad:
    an independent implementation of the model (one unidirectional recurrent layer, Dense,
    optional Softmax) and of its loss."""
    layer = model.layers[1]
    cell, hidden = layer.cell, layer.hidden_size
    p = {k: torch.tensor(v) for k, v in model.params.items()}
    x = torch.tensor(np.asarray(X, dtype=np.float64))
    batch, steps = x.shape[:2]
    mask = torch.tensor(np.arange(steps)[None, :] < lengths[:, None])[:, :, None]
    states_by_layer, inputs = [], x
    for k in range(layer.num_layers):
        step = CELLS[cell](inputs.shape[-1], hidden, dtype=torch.float64)
        with torch.no_grad():
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(step, name).copy_(p[f"1.{name}_l{k}"])
        h = torch.zeros(batch, hidden, dtype=torch.float64)
        c = torch.zeros_like(h)
        states, outputs = [], []
        for t in range(steps):
            if cell == "lstm":
                h_new, c_new = step(inputs[:, t], (h, c))
                c = torch.where(mask[:, t], c_new, c)
            else:
                h_new = step(inputs[:, t], h)
            h = torch.where(mask[:, t], h_new, h)
            h.retain_grad()
            states.append(h)
            outputs.append(h * mask[:, t])
        states_by_layer.append(states)
        inputs = torch.stack(outputs, dim=1)
    features = h if layer.output == "last" else inputs
    out = features @ p["2.weight"].T + p["2.bias"]
    if y is None:
        last = out if out.ndim == 2 else out[torch.arange(batch), torch.tensor(lengths - 1)]
        loss = 0.5 * (last * last).sum() / batch
    elif model.is_classifier:
        loss = torch.nn.functional.cross_entropy(out, torch.tensor(y))
    else:
        loss = torch.nn.functional.mse_loss(out[:, 0], torch.tensor(y, dtype=torch.float64))
    loss.backward()
    return float(loss.detach()), [torch.stack([s.grad.norm(dim=-1) for s in states], dim=1).numpy()
                         for states in states_by_layer]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_gradient_norms_match_torch_autograd(cell):
    model = rnnlab.build(cell, input_size=2, hidden_size=3, output_size=2, task="classify",
                         num_layers=2, seed=4)
    lengths = np.array([5, 2, 4])
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 5, 2))
    X[np.arange(5)[None, :] >= lengths[:, None]] = 0.0
    y = np.array([1, 0, 1])
    t = trace(model, [X[b, :n] for b, n in enumerate(lengths)], y)
    loss, expected = autograd_norms(model, X, lengths, y)
    assert t.loss == pytest.approx(loss, abs=1e-12)
    valid = np.arange(5)[None, :] < lengths[:, None]
    for k in range(2):
        got = t[f"1.{cell}_l{k}"].grad_hidden
        np.testing.assert_allclose(got[valid], expected[k][valid], rtol=1e-9, atol=1e-14)
        assert np.all(np.isnan(got[~valid]))


def test_output_norm_loss_on_a_sequence_model_matches_autograd():
    model = rnnlab.Sequential([rnnlab.layers.SequenceInput(2),
                               rnnlab.layers.LSTM(3, output="sequence"),
                               rnnlab.layers.Dense(2)], seed=1)
    X = np.random.default_rng(2).standard_normal((2, 6, 2))
    t = trace(model, X)
    loss, expected = autograd_norms(model, X, np.array([6, 6]))
    assert t.loss_kind == "output_norm" and t.loss == pytest.approx(loss, abs=1e-12)
    np.testing.assert_allclose(t["1.lstm_l0"].grad_hidden, expected[0], rtol=1e-9)


def test_lstm_cell_gradient_matches_a_finite_difference():
    # ∂L/∂c_t is checked by nudging c_t along a direction and rerunning the remaining steps.
    model = rnnlab.build("lstm", input_size=1, hidden_size=2, output_size=1, task="regress",
                         seed=0)
    X = np.random.default_rng(3).standard_normal((1, 4, 1))
    t = trace(model, X)
    layer = t["1.lstm_l0"]
    p = model.params
    w_ih, w_hh = p["1.weight_ih_l0"], p["1.weight_hh_l0"]
    b = p["1.bias_ih_l0"] + p["1.bias_hh_l0"]

    def loss_from(step, h, c):
        for s in range(step + 1, 4):
            a = w_ih @ X[0, s] + w_hh @ h + b
            i, f, g, o = np.split(a, 4)
            c = 1 / (1 + np.exp(-f)) * c + 1 / (1 + np.exp(-i)) * np.tanh(g)
            h = 1 / (1 + np.exp(-o)) * np.tanh(c)
        out = p["2.weight"] @ h + p["2.bias"]
        return 0.5 * float(out @ out)

    step = 1
    c = layer.cell_state[0, step]
    h_of = lambda c: layer.gates["o"][0, step] * np.tanh(c)  # noqa: E731
    eps = 1e-6
    grad = np.array([(loss_from(step, h_of(c + eps * e), c + eps * e)
                      - loss_from(step, h_of(c - eps * e), c - eps * e)) / (2 * eps)
                     for e in np.eye(2)])
    assert loss_from(step, h_of(c), c) == pytest.approx(t.loss, abs=1e-12)
    assert layer.grad_cell[0, step] == pytest.approx(np.linalg.norm(grad), rel=1e-6)


def test_vanilla_rnn_gradient_vanishes_with_distance():
    steps = 60
    model = rnnlab.build("rnn", input_size=1, hidden_size=8, output_size=1, task="regress",
                         seed=0)
    weights = model.get_weights()
    weights["1.weight_hh_l0"] = weights["1.weight_hh_l0"] * 0.3   # spectral norm 0.3
    model.set_weights(weights)
    X = np.random.default_rng(0).standard_normal((4, steps, 1))
    t = trace(model, X, np.ones(4))
    distance, norms, counts = t.gradient_flow(relative=False)
    assert distance.tolist() == list(range(steps)) and counts.tolist() == [4] * steps
    assert np.all(np.isfinite(norms)) and np.all(norms > 0)
    # ‖W_hh‖ = 0.3 and |tanh'| ≤ 1: each step back shrinks the gradient at least 0.3-fold.
    assert np.all(norms[1:] <= 0.3 * norms[:-1] * (1 + 1e-9))
    assert norms[50] < 1e-20 * norms[0]
    # Tiny values, far below float32's range, still agree with autograd's.
    _, expected = autograd_norms(model, X, np.full(4, steps), np.ones(4))
    np.testing.assert_allclose(t["1.rnn_l0"].grad_hidden, expected[0], rtol=1e-8, atol=1e-300)
