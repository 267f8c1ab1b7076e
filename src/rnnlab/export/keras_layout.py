r"""Recurrent weights to and from **Keras**'s layout (``keras.layers.LSTM``/``GRU``/``SimpleRNN``).

rnnlab stores PyTorch's layout (:mod:`rnnlab.recurrent_spec`): per layer and direction
``weight_ih`` ``(G·H, I)``, ``weight_hh`` ``(G·H, H)``, ``bias_ih`` and ``bias_hh`` ``(G·H,)``,
gate blocks stacked along the first axis. Keras stores the transposes, ``kernel`` ``(I, G·H)``
and ``recurrent_kernel`` ``(H, G·H)`` (``x @ kernel``), gate blocks along the last axis, and:

**LSTM** — gates **i, f, c, o** (PyTorch's i, f, g, o: the same order) and **one** bias
``(4H,)``; with Keras's default ``recurrent_activation="sigmoid"``::

    i = σ(x W_i + h U_i + b_i)     f = σ(x W_f + h U_f + b_f)
    c̃ = tanh(x W_c + h U_c + b_c)  o = σ(x W_o + h U_o + b_o)
    c' = f ⊙ c + i ⊙ c̃             h' = o ⊙ tanh(c')

  ``to_keras``: ``bias = b_ih + b_hh``; ``from_keras``: ``bias_ih = bias``, ``bias_hh = 0``.

**GRU** with ``reset_after=True`` (Keras's default, the cuDNN form, the same as PyTorch's) —
gates **z, r, h** (PyTorch's r, z, n reordered) and bias ``(2, 3H)`` = [input bias, recurrent
bias]::

    z = σ(x W_z + b_z + h U_z + b'_z)          r = σ(x W_r + b_r + h U_r + b'_r)
    ĥ = tanh(x W_h + b_h + r ⊙ (h U_h + b'_h))  h' = z ⊙ h + (1 − z) ⊙ ĥ

**GRU** with ``reset_after=False`` (rnnlab's ``GRU(reset_after=False)``) — the same gate
order, ``ĥ = tanh(x W_h + (r ⊙ h) U_h + b_h)`` and **one** bias ``(3H,)``, handled like the
LSTM's (``b_hn`` lies outside the reset there, so only ``b_ih + b_hh`` matters).

**SimpleRNN** — ``h' = tanh(x W + h U + b)``, one bias ``(H,)`` handled like the LSTM's.

These converters see **weights only**: they cannot know a Keras layer's activations
(``hard_sigmoid`` gates, a relu LSTM, a sigmoid SimpleRNN compute something else from the same
arrays), ``use_bias``, ``go_backwards`` or ``reset_after`` unless told. :func:`rnnlab.from_keras`
reads whole Keras layers and models, configuration included, and refuses what rnnlab cannot
represent; use it for Keras objects, and these for arrays whose meaning you know.

What a round trip keeps **exactly** (bit for bit):

* Keras → rnnlab → Keras: every array, for all three cells.
* rnnlab → Keras → rnnlab: every weight, and for the GRU both biases; for the LSTM and the
  SimpleRNN the *sum* ``bias_ih + bias_hh`` (the only thing the network computes with) — the
  split between the two is not stored by Keras, so it comes back as ``(b_ih + b_hh, 0)``.

Keras's ``Bidirectional`` wrapper holds a forward and a backward layer: convert the ``l{k}`` and
``l{k}_reverse`` suffixes separately. Stacked layers are separate Keras layers.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# Position of each Keras gate block in PyTorch's stacking (Keras order → PyTorch block index).
KERAS_FROM_TORCH = {"lstm": (0, 1, 2, 3),   # i, f, c(=g), o
                    "gru": (1, 0, 2),       # z, r, h(=n)  from  r, z, n
                    "rnn": (0,)}
GATES = {cell: len(order) for cell, order in KERAS_FROM_TORCH.items()}


def _blocks(array: np.ndarray, order: tuple[int, ...], axis: int) -> np.ndarray:
    """Reorder the equal gate blocks of ``array`` along ``axis`` (an exact copy)."""
    parts = np.split(np.asarray(array), len(order), axis=axis)
    return np.concatenate([parts[j] for j in order], axis=axis)


def _inverse(order: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(j) for j in np.argsort(order))


def _check_cell(cell: str) -> None:
    if cell not in KERAS_FROM_TORCH:
        raise ValueError(f"cell must be 'rnn', 'lstm' or 'gru', got {cell!r}")


def _get(state: Mapping[str, np.ndarray], key: str) -> np.ndarray:
    if key not in state:
        raise ValueError(f"the weights have no {key!r}; expected PyTorch names such as "
                         f"{', '.join(sorted(state)[:4])}")
    return np.asarray(state[key])


def to_keras(cell: str, state: Mapping[str, np.ndarray], suffix: str = "l0", *,
             reset_after: bool = True) -> dict[str, np.ndarray]:
    """One layer and direction of PyTorch-layout weights → Keras's ``{"kernel",
    "recurrent_kernel", "bias"}`` (the order of ``layer.get_weights()``).

    Args:
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        state: a ``state_dict`` with ``weight_ih_{suffix}`` etc.
        suffix: ``"l0"``, ``"l1_reverse"``, …
        reset_after: the GRU's (one bias ``(3H,)`` when False).

    Example:
        >>> from rnnlab import reference
        >>> keras = to_keras("gru", reference.GRU(3, 4, seed=0).state_dict())
        >>> {k: v.shape for k, v in keras.items()}
        {'kernel': (3, 12), 'recurrent_kernel': (4, 12), 'bias': (2, 12)}
    """
    _check_cell(cell)
    extra = [f"{stem}_{suffix}" for stem in ("weight_hr", "weight_ci", "weight_cf", "weight_co")
             if f"{stem}_{suffix}" in state]
    if extra:
        raise ValueError(f"the weights hold {', '.join(extra)} (a projected or peephole LSTM), "
                         f"which Keras's LSTM does not have")
    order = KERAS_FROM_TORCH[cell]
    w_ih, w_hh = _get(state, f"weight_ih_{suffix}"), _get(state, f"weight_hh_{suffix}")
    b_ih, b_hh = _get(state, f"bias_ih_{suffix}"), _get(state, f"bias_hh_{suffix}")
    kernel = _blocks(w_ih, order, axis=0).T.copy()
    recurrent = _blocks(w_hh, order, axis=0).T.copy()
    if cell == "gru" and reset_after:
        bias = np.stack([_blocks(b_ih, order, 0), _blocks(b_hh, order, 0)])
    else:
        bias = _blocks(b_ih + b_hh, order, 0)     # Keras has one bias: only the sum survives
    return {"kernel": kernel, "recurrent_kernel": recurrent, "bias": bias}


def from_keras(cell: str, weights: Mapping[str, np.ndarray] | list, suffix: str = "l0", *,
               reset_after: bool = True) -> dict[str, np.ndarray]:
    """Keras weights (a dict, or the list ``[kernel, recurrent_kernel, bias]`` that
    ``layer.get_weights()`` returns) → PyTorch-layout ``{weight_ih_{suffix}, …}``.

    The LSTM and SimpleRNN bias goes to ``bias_ih``; ``bias_hh`` is zero. A Keras GRU's
    ``reset_after`` must be given when it is False (bias ``(3H,)``), and the weights then belong
    in an rnnlab ``GRU(reset_after=False)``: the two GRUs compute different functions, so a bias
    shape that does not match ``reset_after`` is refused. Weights only: see the module
    docstring.

    Example:
        >>> import numpy as np
        >>> w = from_keras("lstm", [np.zeros((3, 8)), np.zeros((2, 8)), np.ones(8)])
        >>> w["weight_ih_l0"].shape, w["bias_hh_l0"].tolist() == [0.0] * 8
        ((8, 3), True)
    """
    _check_cell(cell)
    if isinstance(weights, list | tuple):
        if len(weights) != 3:
            raise ValueError(f"expected Keras weights [kernel, recurrent_kernel, bias], got "
                             f"{len(weights)} arrays")
        weights = dict(zip(("kernel", "recurrent_kernel", "bias"), weights, strict=True))
    kernel, recurrent = _get(weights, "kernel"), _get(weights, "recurrent_kernel")
    bias = _get(weights, "bias")
    gates, hidden = GATES[cell], recurrent.shape[0]
    if recurrent.shape != (hidden, gates * hidden) or kernel.ndim != 2 \
            or kernel.shape[1] != gates * hidden:
        raise ValueError(f"a Keras {cell.upper()} needs kernel (I, {gates}H) and recurrent_kernel"
                         f" (H, {gates}H); got {kernel.shape} and {recurrent.shape}")
    two_biases = cell == "gru" and reset_after
    expected = (2, gates * hidden) if two_biases else (gates * hidden,)
    if bias.shape != expected:
        hint = ""
        if cell == "gru":
            hint = (" (a GRU with reset_after=False has bias (3H,): pass reset_after=False and "
                    "load the weights into an rnnlab GRU(reset_after=False))" if reset_after
                    else " (a GRU with reset_after=True has bias (2, 3H))")
        raise ValueError(f"a Keras {cell.upper()} with {hidden} units needs bias {expected}, "
                         f"got {bias.shape}{hint}")
    back = _inverse(KERAS_FROM_TORCH[cell])
    if two_biases:
        b_ih, b_hh = _blocks(bias[0], back, 0), _blocks(bias[1], back, 0)
    else:
        b_ih, b_hh = _blocks(bias, back, 0), np.zeros_like(bias)
    return {f"weight_ih_{suffix}": _blocks(kernel.T, back, axis=0),
            f"weight_hh_{suffix}": _blocks(recurrent.T, back, axis=0),
            f"bias_ih_{suffix}": b_ih, f"bias_hh_{suffix}": b_hh}


# ---------------------------------------------------------------------- whole models
def _recurrent_units(model) -> list[tuple[str, int, str, str]]:
    """``(key, model layer index, cell, suffix)`` for every recurrent layer and direction;
    raises ``ValueError`` for a layer Keras has no equivalent of."""
    from rnnlab import layers as L

    units = []
    for index, layer in enumerate(model.layers):
        if isinstance(layer, L.Recurrent):
            if layer.cell not in KERAS_FROM_TORCH:
                raise ValueError(f"layer {index} is a {layer.kind}, which Keras has no layer "
                                 f"for; only RNN (SimpleRNN), LSTM and GRU convert")
            for option in ("peepholes", "proj_size"):
                if getattr(layer, option, False):
                    raise ValueError(f"layer {index} is an LSTM with {option}="
                                     f"{getattr(layer, option)!r}, which Keras's LSTM does not "
                                     f"have; it cannot be converted")
            for k in range(layer.num_layers):
                for reverse in range(layer.directions):
                    suffix = f"l{k}" + ("_reverse" if reverse else "")
                    units.append((f"{index}.{layer.cell}_{suffix}", index, layer.cell, suffix))
    return units


def model_to_keras(model) -> dict[str, dict[str, np.ndarray]]:
    """Every layer of an :class:`rnnlab.Sequential` in Keras's layout: recurrent layers under
    ``"{index}.{cell}_l{k}[_reverse]"`` (one Keras layer each), ``Dense`` under
    ``"{index}.dense"`` as ``{"kernel": (in, units), "bias"}`` and ``Embedding`` under
    ``"{index}.embedding"`` as ``{"embeddings": (vocab, dim)}``.

    Example:
        >>> import rnnlab
        >>> model = rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=1,
        ...                      task="regress")
        >>> sorted(model_to_keras(model))
        ['1.lstm_l0', '2.dense']
    """
    from rnnlab import layers as L

    params = model.params
    out: dict[str, dict[str, np.ndarray]] = {}
    for key, index, cell, suffix in _recurrent_units(model):
        own = {name.split(".", 1)[1]: value for name, value in params.items()
               if name.startswith(f"{index}.")}
        out[key] = to_keras(cell, own, suffix,
                            reset_after=getattr(model.layers[index], "reset_after", True))
    for index, layer in enumerate(model.layers):
        if isinstance(layer, L.Dense):
            out[f"{index}.dense"] = {"kernel": params[f"{index}.weight"].T.copy(),
                                     "bias": params[f"{index}.bias"].copy()}
        elif isinstance(layer, L.Embedding):
            out[f"{index}.embedding"] = {"embeddings": params[f"{index}.weight"].copy()}
    return out


def model_from_keras(model, weights: Mapping[str, Mapping[str, np.ndarray]]) -> None:
    """Load Keras-layout weights (keyed as :func:`model_to_keras` returns them) into ``model``
    in place; every layer must be given and every shape must fit."""
    from rnnlab import layers as L

    new = {}
    for key, index, cell, suffix in _recurrent_units(model):
        if key not in weights:
            raise ValueError(f"the Keras weights have no entry {key!r}; expected "
                             f"{', '.join(sorted(model_to_keras(model)))}")
        reset_after = getattr(model.layers[index], "reset_after", True)
        new.update({f"{index}.{name}": value for name, value in
                    from_keras(cell, weights[key], suffix, reset_after=reset_after).items()})
    for index, layer in enumerate(model.layers):
        if isinstance(layer, L.Dense):
            given = weights.get(f"{index}.dense")
            if given is None:
                raise ValueError(f"the Keras weights have no entry '{index}.dense'")
            new[f"{index}.weight"] = np.asarray(given["kernel"]).T
            new[f"{index}.bias"] = np.asarray(given["bias"])
        elif isinstance(layer, L.Embedding):
            given = weights.get(f"{index}.embedding")
            if given is None:
                raise ValueError(f"the Keras weights have no entry '{index}.embedding'")
            new[f"{index}.weight"] = np.asarray(given["embeddings"])
    model.set_weights(new)
