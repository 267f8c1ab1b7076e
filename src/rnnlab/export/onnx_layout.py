r"""Recurrent weights to and from the layout of the **ONNX** ``LSTM``, ``GRU`` and ``RNN``
operators (opset ≥ 7), one layer at a time, both directions stacked on the first axis ``D``
(forward, then reverse — ``direction="bidirectional"``).

These converters see **weights only**. What a node computes also depends on its attributes
(``linear_before_reset``, ``activations``, ``clip``, ``input_forget`` …), which an array cannot
carry: converting the weights of a GRU node with ``linear_before_reset=0`` for a reset-after GRU
gives a different network without any error. :func:`rnnlab.import_onnx` reads whole nodes,
attributes included, and refuses what rnnlab cannot represent; use it for files, and these for
arrays whose meaning you know.

**LSTM** — gates **i, o, f, c** (PyTorch's i, f, g, o reordered); ``W`` ``(D, 4H, I)``,
``R`` ``(D, 4H, H)``, ``B`` ``(D, 8H)`` = ``[Wb, Rb]``; with the default activations
(f = σ, g = h = tanh) and no peepholes::

    i = σ(X Wᵢᵀ + H Rᵢᵀ + Wbᵢ + Rbᵢ)    f = σ(X W_fᵀ + H R_fᵀ + Wb_f + Rb_f)
    c̃ = tanh(X W_cᵀ + H R_cᵀ + Wb_c + Rb_c)
    C' = f ⊙ C + i ⊙ c̃                  o = σ(X W_oᵀ + H R_oᵀ + Wb_o + Rb_o)
    H' = o ⊙ tanh(C')

  with peepholes, ``P`` ``(D, 3H)`` = ``[P_i, P_o, P_f]`` adds ``P_i ⊙ C`` to ``i``, ``P_f ⊙ C``
  to ``f`` and ``P_o ⊙ C'`` to ``o`` — rnnlab's ``weight_ci``, ``weight_co``, ``weight_cf``.

**GRU** — gates **z, r, h** (PyTorch's r, z, n reordered); ``W`` ``(D, 3H, I)``, ``R``
``(D, 3H, H)``, ``B`` ``(D, 6H)``; PyTorch's GRU is the operator with
``linear_before_reset=1``::

    z = σ(X W_zᵀ + H R_zᵀ + Wb_z + Rb_z)     r = σ(X W_rᵀ + H R_rᵀ + Wb_r + Rb_r)
    ĥ = tanh(X W_hᵀ + r ⊙ (H R_hᵀ + Rb_h) + Wb_h)
    H' = (1 − z) ⊙ ĥ + z ⊙ H

  and rnnlab's ``reset_after=False`` GRU is the operator with ``linear_before_reset=0``
  (``ĥ = tanh(X W_hᵀ + (r ⊙ H) R_hᵀ + Rb_h + Wb_h)``), with the same ``W``, ``R``, ``B``.

**RNN** — ``W`` ``(D, H, I)``, ``R`` ``(D, H, H)``, ``B`` ``(D, 2H)``;
``H' = tanh(X Wᵀ + H Rᵀ + Wb + Rb)``.

Both biases are kept, so a round trip either way is exact (bit for bit).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from rnnlab.export.keras_layout import _blocks, _check_cell, _get, _inverse

# ONNX gate block j is PyTorch's block ONNX_FROM_TORCH[cell][j].
ONNX_FROM_TORCH = {"lstm": (0, 3, 1, 2),   # i, o, f, c  from  i, f, g, o
                   "gru": (1, 0, 2),       # z, r, h     from  r, z, n
                   "rnn": (0,)}
#: rnnlab's peephole vectors in the order of ONNX's ``P``.
PEEPHOLES = ("weight_ci", "weight_co", "weight_cf")


def to_onnx(cell: str, state: Mapping[str, np.ndarray], layer: int = 0,
            bidirectional: bool = False) -> dict[str, np.ndarray]:
    """PyTorch-layout weights of stacked layer ``layer`` → ONNX ``{"W", "R", "B"}``, and
    ``"P"`` when the LSTM weights include peepholes.

    Example:
        >>> from rnnlab import reference
        >>> onnx = to_onnx("lstm", reference.LSTM(3, 4, bidirectional=True).state_dict(),
        ...                bidirectional=True)
        >>> {k: v.shape for k, v in onnx.items()}
        {'W': (2, 16, 3), 'R': (2, 16, 4), 'B': (2, 32)}
    """
    _check_cell(cell)
    order = ONNX_FROM_TORCH[cell]
    suffixes = [f"l{layer}"] + ([f"l{layer}_reverse"] if bidirectional else [])
    W, R, B, P = [], [], [], []
    for s in suffixes:
        if f"weight_hr_{s}" in state:
            raise ValueError(f"the weights hold weight_hr_{s} (a projected LSTM), and ONNX's "
                             f"LSTM operator has no projection")
        W.append(_blocks(_get(state, f"weight_ih_{s}"), order, 0))
        R.append(_blocks(_get(state, f"weight_hh_{s}"), order, 0))
        B.append(np.concatenate([_blocks(_get(state, f"bias_ih_{s}"), order, 0),
                                 _blocks(_get(state, f"bias_hh_{s}"), order, 0)]))
        if cell == "lstm" and f"weight_ci_{s}" in state:
            P.append(np.concatenate([_get(state, f"{name}_{s}") for name in PEEPHOLES]))
    out = {"W": np.stack(W), "R": np.stack(R), "B": np.stack(B)}
    if P:
        out["P"] = np.stack(P)
    return out


def from_onnx(cell: str, W: np.ndarray, R: np.ndarray, B: np.ndarray | None = None,
              layer: int = 0, P: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """ONNX ``W``, ``R``, ``B`` (``B`` omitted = zeros, as in ONNX) and, for a peephole LSTM,
    ``P`` → PyTorch-layout weights of stacked layer ``layer``; ``D = 2`` gives the ``_reverse``
    keys too. Weights only: see the module docstring.

    Example:
        >>> import numpy as np
        >>> w = from_onnx("gru", np.zeros((1, 6, 3)), np.zeros((1, 6, 2)))
        >>> sorted(w)
        ['bias_hh_l0', 'bias_ih_l0', 'weight_hh_l0', 'weight_ih_l0']
    """
    _check_cell(cell)
    W, R = np.asarray(W), np.asarray(R)
    if W.ndim != 3 or R.ndim != 3 or W.shape[0] not in (1, 2) or R.shape[:2] != W.shape[:2]:
        raise ValueError(f"ONNX W must be (D, G·H, I) and R (D, G·H, H) with D = 1 or 2; got "
                         f"{W.shape} and {R.shape}")
    directions, rows, hidden = R.shape
    gates = len(ONNX_FROM_TORCH[cell])
    if rows != gates * hidden:
        raise ValueError(f"an ONNX {cell.upper()} needs {gates}·H rows in W and R; R has shape "
                         f"{R.shape}")
    B = np.zeros((directions, 2 * rows), W.dtype) if B is None else np.asarray(B)
    if B.shape != (directions, 2 * rows):
        raise ValueError(f"ONNX B must be ({directions}, {2 * rows}), got {B.shape}")
    if P is not None:
        P = np.asarray(P)
        if cell != "lstm" or P.shape != (directions, 3 * hidden):
            raise ValueError(f"ONNX P (peepholes) belongs to an LSTM and must be ({directions}, "
                             f"{3 * hidden}), got {P.shape} for a {cell.upper()}")
    back = _inverse(ONNX_FROM_TORCH[cell])
    out = {}
    for d in range(directions):
        s = f"l{layer}" + ("_reverse" if d else "")
        out[f"weight_ih_{s}"] = _blocks(W[d], back, 0)
        out[f"weight_hh_{s}"] = _blocks(R[d], back, 0)
        out[f"bias_ih_{s}"] = _blocks(B[d, :rows], back, 0)
        out[f"bias_hh_{s}"] = _blocks(B[d, rows:], back, 0)
        if P is not None:
            for name, values in zip(PEEPHOLES, np.split(P[d], 3), strict=True):
                out[f"{name}_{s}"] = values
    return out
