"""Checks at the boundary of every public call, shared by both engines.

Each check raises ``ValueError`` with one sentence that names the argument, what was received
and what was expected, so that bad input never surfaces as a traceback from deep inside NumPy or
torch, and never gives a silently wrong answer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rnnlab.recurrent_spec import RecurrentSpec


def check_sequence_input(shape: Sequence[int], all_finite: bool, spec: RecurrentSpec,
                         name: str = "x") -> None:
    """``x`` must be ``(batch, time, input_size)`` with batch, time ≥ 1 and finite values."""
    shape = tuple(shape)
    if len(shape) != 3:
        raise ValueError(
            f"{name} must have 3 dimensions (batch, time, features={spec.input_size}), "
            f"got shape {shape}"
        )
    batch, time, features = shape
    if features != spec.input_size:
        raise ValueError(
            f"{name} has {features} features per step (shape {shape}), "
            f"expected input_size={spec.input_size}"
        )
    if batch < 1 or time < 1:
        raise ValueError(f"{name} must hold at least one sequence of at least one step, "
                         f"got shape {shape}")
    if not all_finite:
        raise ValueError(f"{name} contains NaN or infinite values; clean or impute them first")


def check_lengths(lengths: object, batch: int, time: int) -> np.ndarray:
    """Return ``lengths`` as an int64 array of shape ``(batch,)`` with values in ``1..time``."""
    try:
        array = np.asarray(lengths)
    except Exception as error:  # e.g. ragged nested lists
        raise ValueError(f"lengths must be a 1-D sequence of integers, got {lengths!r}") from error
    if array.ndim != 1 or array.shape[0] != batch:
        raise ValueError(
            f"lengths must hold one integer per sequence, shape ({batch},), got shape {array.shape}"
        )
    if array.dtype.kind not in "iu":
        whole = array.dtype.kind == "f" and np.all(np.isfinite(array))
        if whole and np.all(array == np.round(array)):
            array = array.astype(np.int64)
        else:
            raise ValueError(f"lengths must be integers, got dtype {array.dtype}")
    bad = np.flatnonzero((array < 1) | (array > time))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"lengths[{i}] = {int(array[i])} is out of range: every length must be between 1 "
            f"and the number of time steps ({time})"
        )
    return array.astype(np.int64)


def check_state(shape: Sequence[int] | None, all_finite: bool, spec: RecurrentSpec, batch: int,
                name: str) -> None:
    """An initial state must be ``(D * num_layers, batch, size)`` and finite: ``size`` is the
    hidden state's for ``h0`` (``proj_size`` for a projected LSTM) and ``hidden_size`` for
    ``c0``."""
    shapes = dict(zip(spec.state_names(), spec.state_shapes(batch), strict=True))
    expected = shapes.get(name, shapes["h0"])
    if tuple(shape) != expected:
        size = "hidden_size" if name == "c0" or not spec.proj_size else "proj_size"
        raise ValueError(
            f"{name} has shape {tuple(shape)}, expected (D*num_layers, batch, {size}) = "
            f"{expected}"
        )
    if not all_finite:
        raise ValueError(f"{name} contains NaN or infinite values")


def check_output_gradient(shape: Sequence[int], expected: Sequence[int], name: str) -> None:
    if tuple(shape) != tuple(expected):
        raise ValueError(f"{name} has shape {tuple(shape)}, expected {tuple(expected)} "
                         f"(the shape of the matching forward output)")
