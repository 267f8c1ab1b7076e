"""Parameter initialisation shared by both engines, so the same seed gives the same weights.

The scheme is the one DESIGN.md fixes for fair comparisons (and Keras' default for recurrent
layers), applied gate block by gate block, for every cell in :mod:`rnnlab.cells`:

* input weights ``weight_ih``, each ``(H, I)`` gate block: Glorot-uniform, ``U(-a, a)`` with
  ``a = sqrt(6 / (I + H))``;
* recurrent matrices ``weight_hh``, each ``(H, S)`` gate block, and the LSTM projection
  ``weight_hr`` ``(P, H)``: random orthogonal (QR of a Gaussian, signs fixed so the
  distribution is uniform; semi-orthogonal when not square), which keeps the norm of the state
  under repeated multiplication at initialisation;
* IndRNN's element-wise recurrent weights ``u`` (``weight_hh`` of shape ``(H,)``): ``U(0, 1)``,
  every unit a leaky memory that neither grows nor flips sign (rnnlab's choice: Li et al. 2018
  constrain ``|u|`` but leave the initial distribution open);
* LSTM peephole weights ``weight_c{i,f,o}``: zero, so a peephole LSTM starts as the plain LSTM
  with the same other weights;
* biases zero, except the LSTM forget gate: ``forget_bias`` (default 1, Gers et al. 2000;
  Jozefowicz et al. 2015), or, with ``chrono=T_max`` (LSTM and GRU), the chrono initialisation
  of Tallec & Ollivier (2018): the gate that keeps the old state (LSTM ``f``; GRU ``z``, since
  torch's GRU keeps ``z ⊙ h``) gets ``b ~ log(U(1, T_max − 1))``, so its characteristic memory
  ``1 / (1 − σ(b)) = 1 + e^b`` lies between 2 and ``T_max`` steps, and the LSTM input gate gets
  ``−b`` (the GRU's writing gate is ``1 − z``, already coupled).

Everything is drawn in float64 from one ``numpy.random.Generator`` in ``torch.nn`` parameter
order, then cast, so both engines (and both dtypes) start from the same numbers.
"""

from __future__ import annotations

import numpy as np

from rnnlab.recurrent_spec import RecurrentSpec


def glorot_uniform(rng: np.random.Generator, fan_out: int, fan_in: int) -> np.ndarray:
    """A ``(fan_out, fan_in)`` matrix, entries ``U(-a, a)``, ``a = sqrt(6/(fan_in+fan_out))``."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_out, fan_in))


def orthogonal(rng: np.random.Generator, size: int, columns: int | None = None) -> np.ndarray:
    """A ``(size, columns)`` matrix with orthonormal rows or columns (whichever are fewer),
    drawn uniformly (Haar measure); square by default."""
    columns = size if columns is None else columns
    q, r = np.linalg.qr(rng.standard_normal((max(size, columns), min(size, columns))))
    # Without this sign fix QR's convention biases the distribution (Mezzadri 2007).
    q = q * np.sign(np.diag(r))
    return q if size >= columns else q.T


def check_chrono(spec: RecurrentSpec, chrono: object) -> None:
    """Raise ``ValueError`` unless ``chrono`` is a usable longest dependency for ``spec``."""
    if chrono is None:
        return
    if spec.info.chrono is None:
        raise ValueError(f"chrono initialisation applies to the LSTM and GRU only, not to "
                         f"{spec.cell!r}")
    if isinstance(chrono, bool) or not isinstance(chrono, int) or chrono < 3:
        raise ValueError(f"chrono must be the longest expected dependency (an int >= 3), "
                         f"got {chrono!r}")


def initial_parameters(
    spec: RecurrentSpec,
    seed: int | None = None,
    *,
    forget_bias: float = 1.0,
    chrono: int | None = None,
    dtype: np.dtype | type = np.float32,
) -> dict[str, np.ndarray]:
    """Fresh parameters for ``spec``, keyed and shaped like ``torch.nn`` ``state_dict()``.

    Example:
        >>> from rnnlab.recurrent_spec import RecurrentSpec
        >>> p = initial_parameters(RecurrentSpec("lstm", 3, 5), seed=0)
        >>> p["weight_ih_l0"].shape, float(p["bias_ih_l0"][5])   # forget gate starts at 1
        ((20, 3), 1.0)
    """
    check_chrono(spec, chrono)
    rng = np.random.default_rng(seed)
    hidden, blocks, info = spec.hidden_size, spec.gates, spec.info
    params: dict[str, np.ndarray] = {}
    for layer, direction in spec.directions():
        s = spec.suffix(layer, direction)
        for stem, shape in spec.layer_parameter_shapes(layer).items():
            if stem == "weight_ih":
                value = np.concatenate([glorot_uniform(rng, hidden, shape[1])
                                        for _ in range(blocks)])
            elif stem == "weight_hh" and len(shape) == 1:
                value = rng.uniform(0.0, 1.0, size=shape)
            elif stem == "weight_hh":
                value = np.concatenate([orthogonal(rng, hidden, shape[1])
                                        for _ in range(blocks)])
            elif stem == "weight_hr":
                value = orthogonal(rng, *shape)
            else:  # biases and peephole weights
                value = np.zeros(shape)
                if stem == "bias_ih":
                    _gate_biases(value, rng, info, hidden, forget_bias, chrono)
            params[f"{stem}_{s}"] = value
    return {k: v.astype(dtype) for k, v in params.items()}


def _gate_biases(bias: np.ndarray, rng: np.random.Generator, info, hidden: int,
                 forget_bias: float, chrono: int | None) -> None:
    """Write the forget-gate or chrono biases into ``bias_ih`` in place."""
    def block(name: str) -> slice:
        start = info.gate_index(name) * hidden
        return slice(start, start + hidden)

    if chrono is not None:
        keep, write = info.chrono
        b = np.log(rng.uniform(1.0, chrono - 1.0, size=hidden))
        bias[block(keep)] = b
        if write is not None:
            bias[block(write)] = -b
    elif info.forget_gate is not None:
        bias[block(info.forget_gate)] = forget_bias
