"""Measurements beyond accuracy, taken on a model built by ``rnnlab.build``.

* :func:`gradient_flow` — ``g(d) = mean_b ‖∂ℓ_b/∂h_{T−d}‖₂`` for distance ``d = 0 … T−1`` from
  the last step, where ``ℓ_b`` is sample ``b``'s loss at the last step and ``h_t`` the top
  recurrent layer's output. A vanishing gradient shows as ``g(d)`` falling exponentially in ``d``.
* :func:`noisy_inputs` — test inputs plus Gaussian noise of ``noise_std`` times each feature's
  training standard deviation (robustness).
* :func:`latency_per_step` — median wall time of ``model.predict`` on one sequence, divided by
  its length (inference latency per step, milliseconds).

Gradient flow needs gradients with respect to hidden states, which the training loop does not
expose, so it rebuilds the recurrent layer and head on :mod:`rnnlab.torch` from
``model.get_weights()`` (PyTorch layout, so the weights load unchanged) and runs one
forward/backward pass. Nothing here changes the model.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np


def _layer_weights(model: Any, kind: type) -> tuple[int, Any, dict[str, np.ndarray]]:
    """Index, layer and weights (prefix stripped) of the first layer of type ``kind``."""
    weights = model.get_weights()
    for index, layer in enumerate(model.layers):
        if isinstance(layer, kind):
            prefix = f"{index}."
            own = {k[len(prefix):]: v for k, v in weights.items() if k.startswith(prefix)}
            return index, layer, own
    raise ValueError(f"model has no {kind.__name__} layer")


def gradient_flow(model: Any, X: np.ndarray, y: np.ndarray, task: str,
                  max_batch: int = 64) -> list[float]:
    """``g(d)`` for ``d = 0 … T−1`` (see the module docstring); ``X`` must be a padded array.

    Args:
        model: an ``rnnlab.Sequential`` made by ``rnnlab.build`` (one recurrent stack).
        X: ``(n, T, features)`` float, or ``(n, T)`` token ids for text models.
        y: targets as in the dataset: ``(n,)`` classes, ``(n, k)`` values or ``(n, T)`` symbols.
        task: ``"classify"``, ``"regress"`` or ``"sequence"``.

    Returns:
        a list of ``T`` floats; entry ``d`` is the gradient norm ``d`` steps before the loss.
    """
    import torch

    from rnnlab import layers as L
    from rnnlab.torch import module_for

    X, y = X[:max_batch], y[:max_batch]
    _, recurrent, rweights = _layer_weights(model, L.Recurrent)
    _, _, dense = _layer_weights(model, L.Dense)
    inputs = torch.as_tensor(np.asarray(X))
    if model.tokens:
        _, _, embedding = _layer_weights(model, L.Embedding)
        inputs = torch.nn.functional.embedding(inputs.long(),
                                               torch.as_tensor(embedding["weight"]).double())
    inputs = inputs.double()
    stack = module_for(recurrent.spec(inputs.shape[-1]), dtype="float64")
    if recurrent.bidirectional:
        raise ValueError("gradient flow is measured for one-direction stacks only")
    stack.load_state_dict({k: torch.as_tensor(v).double() for k, v in rweights.items()})
    # One step per call: a fused scan gains nothing there, and torch.nn spares each study
    # worker compiling rnnlab's float64 kernels (about as long as the float32 ones).
    stack.kernels = "torch"
    # Step by step, so that every h_t is a node of the graph: a whole-sequence call computes
    # the recurrence inside one fused op, and its output sequence is not on the path to h_T.
    state, tops = None, []
    for t in range(inputs.shape[1]):
        _, state = stack(inputs[:, t:t + 1], state, validate=False)
        hidden = state[0] if isinstance(state, tuple) else state  # (layers, batch, H)
        hidden.retain_grad()
        tops.append(hidden)
    last = tops[-1][-1] @ torch.as_tensor(dense["weight"]).double().T
    last = last + torch.as_tensor(dense["bias"]).double()
    if task == "regress":
        target = torch.as_tensor(np.asarray(y, dtype=np.float64).reshape(len(X), -1))
        loss = ((last - target) ** 2).sum()
    else:
        labels = np.asarray(y)
        labels = labels[:, -1] if task == "sequence" else labels
        loss = torch.nn.functional.cross_entropy(last, torch.as_tensor(labels).long(),
                                                 ignore_index=-1, reduction="sum")
    loss.backward()
    norms = [float(h.grad[-1].norm(dim=-1).mean()) for h in tops]  # top layer, mean over batch
    return norms[::-1]


def noisy_inputs(X: np.ndarray, X_train: np.ndarray, noise_std: float,
                 seed: int) -> np.ndarray:
    """``X`` plus ``N(0, (noise_std·σ_f)²)`` noise, ``σ_f`` each feature's training std.

    Example:
        >>> X = np.zeros((2, 3, 1), np.float32)
        >>> noisy_inputs(X, np.ones((4, 3, 1)), 0.5, 0).shape
        (2, 3, 1)
    """
    sigma = np.asarray(X_train, dtype=np.float64).reshape(-1, X.shape[-1]).std(axis=0)
    sigma = np.where(sigma > 0, sigma, 1.0)
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(X.shape) * noise_std * sigma
    return (X + noise).astype(X.dtype)


def latency_per_step(model: Any, x: Any, repeats: int = 5) -> float:
    """Median milliseconds per time step of ``model.predict`` on one sequence ``x[None]``."""
    batch = x[None] if isinstance(x, np.ndarray) else [x]
    steps = len(x)
    model.predict(batch)  # warm up: engine construction is not inference
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(batch)
        times.append(time.perf_counter() - start)
    return 1000.0 * float(np.median(times)) / steps
