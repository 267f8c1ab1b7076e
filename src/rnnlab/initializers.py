"""Parameter initialisation shared by both engines, so the same seed gives the same weights.

The scheme is the one DESIGN.md fixes for fair comparisons (and Keras' default for recurrent
layers), applied gate block by gate block:

* input weights, each ``(H, I)`` gate block: Glorot-uniform, ``U(-a, a)`` with
  ``a = sqrt(6 / (I + H))``;
* recurrent weights, each ``(H, H)`` gate block: a random orthogonal matrix (QR of a Gaussian,
  signs fixed so the distribution is uniform over orthogonal matrices), which keeps the norm of
  the hidden state under repeated multiplication at initialisation;
* biases zero, except the LSTM forget gate: ``forget_bias`` (default 1, Gers et al. 2000;
  Jozefowicz et al. 2015), or with ``chrono=T_max`` the "chrono" initialisation of Tallec &
  Ollivier (2018): ``b_f ~ log(U(1, T_max - 1))`` and ``b_i = -b_f``.

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


def orthogonal(rng: np.random.Generator, size: int) -> np.ndarray:
    """A ``(size, size)`` orthogonal matrix drawn uniformly (Haar measure)."""
    q, r = np.linalg.qr(rng.standard_normal((size, size)))
    # Without this sign fix QR's convention biases the distribution (Mezzadri 2007).
    return q * np.sign(np.diag(r))


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
    if chrono is not None:
        if spec.cell != "lstm":
            raise ValueError("chrono initialisation applies to the LSTM forget gate only")
        if isinstance(chrono, bool) or not isinstance(chrono, int) or chrono < 3:
            raise ValueError(f"chrono must be the longest expected dependency (an int >= 3), "
                             f"got {chrono!r}")
    rng = np.random.default_rng(seed)
    hidden = spec.hidden_size
    params: dict[str, np.ndarray] = {}
    for layer, direction in spec.directions():
        s = spec.suffix(layer, direction)
        fan_in = spec.layer_input_size(layer)
        params[f"weight_ih_{s}"] = np.concatenate(
            [glorot_uniform(rng, hidden, fan_in) for _ in range(spec.gates)]
        )
        params[f"weight_hh_{s}"] = np.concatenate(
            [orthogonal(rng, hidden) for _ in range(spec.gates)]
        )
        bias_ih = np.zeros(spec.gates * hidden)
        bias_hh = np.zeros(spec.gates * hidden)
        if spec.cell == "lstm":
            forget = slice(hidden, 2 * hidden)  # gate order i, f, g, o
            if chrono is not None:
                b_f = np.log(rng.uniform(1.0, chrono - 1.0, size=hidden))
                bias_ih[forget] = b_f
                bias_ih[:hidden] = -b_f
            else:
                bias_ih[forget] = forget_bias
        params[f"bias_ih_{s}"] = bias_ih
        params[f"bias_hh_{s}"] = bias_hh
    return {k: v.astype(dtype) for k, v in params.items()}
