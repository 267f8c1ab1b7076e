"""Turn what a user hands in as ``X`` into one right-padded array plus lengths, checking it.

Accepted forms (batch first, as everywhere in rnnlab):

* a NumPy array ``(batch, time, features)``; for a model that starts with an ``Embedding``,
  integer token ids ``(batch, time)``;
* a list of arrays of different lengths, each ``(time_i, features)`` (or ``(time_i,)`` for
  token ids, or for a one-feature model) — padded here, lengths remembered;
* a pandas DataFrame: one row per sequence and one column per time step (one feature per
  step), or a long table whose row index has two levels ``(sequence, time)`` and whose columns
  are the features.

Every check raises ``ValueError`` with one sentence naming what is wrong with ``X``.
:func:`check_float_range` is the one check that depends on the arithmetic the values meet:
a value finite in float64 but beyond float32's ±3.4e38 would become infinity (and the
outputs NaN) in a float32 model, so such a model refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnlab.datasets.transforms.padding import pad_sequences


@dataclass
class Sequences:
    """A checked batch: ``values`` ``(n, T, F)`` floats or ``(n, T)`` int64 token ids,
    right-padded with zeros; ``lengths`` ``(n,)``; ``ragged`` when given as a list of different
    lengths (predictions for sequence outputs then come back as a list too)."""

    values: np.ndarray
    lengths: np.ndarray
    ragged: bool

    def __len__(self) -> int:
        return int(self.values.shape[0])


def _from_pandas(X: Any) -> Any:
    """A DataFrame becomes an array (wide) or a list of per-sequence arrays (long)."""
    import pandas as pd

    if isinstance(X, pd.Series):
        return list(X.to_numpy()) if X.dtype == object else X.to_numpy()
    if isinstance(X.index, pd.MultiIndex) and X.index.nlevels >= 2:
        _check_numeric_columns(X)
        return [group.to_numpy() for _, group in X.groupby(level=0, sort=False)]
    _check_numeric_columns(X)
    return X.to_numpy()[:, :, None]


def _check_numeric_columns(frame: Any) -> None:
    for column in frame.columns:
        if frame[column].dtype.kind not in "biuf":
            raise ValueError(f"X column {column!r} holds {frame[column].dtype} values; rnnlab "
                             f"needs numbers: encode categories as numbers, or tokenise text and "
                             f"use an Embedding layer")


def _text_error(dtype: Any) -> ValueError:
    return ValueError(f"X holds text (dtype {dtype}), but every step must be numbers; encode "
                      f"categories as numbers, or tokenise text and start the model with an "
                      f"Embedding layer")


def _as_numeric(array: np.ndarray, where: str) -> np.ndarray:
    if array.dtype.kind in "USO":
        if array.dtype.kind == "O":
            try:
                return array.astype(np.float64)
            except (TypeError, ValueError):
                raise _text_error(array.dtype) from None
        raise _text_error(array.dtype)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{where} has dtype {array.dtype}; expected numbers")
    return array


def as_sequences(X: Any, *, tokens: bool, features: int | None, vocab_size: int | None = None,
                 name: str = "X") -> Sequences:
    """Check ``X`` and return it padded, with lengths.

    Args:
        X: see the module docstring.
        tokens: the model reads integer token ids (its first layer is an ``Embedding``).
        features: features per step the model expects (``None`` to accept any).
        vocab_size: for token input, ids must lie in ``0 .. vocab_size - 1``.

    Example:
        >>> s = as_sequences([np.ones((3, 2)), np.ones((1, 2))], tokens=False, features=2)
        >>> s.values.shape, s.lengths.tolist(), s.ragged
        ((2, 3, 2), [3, 1], True)
    """
    if hasattr(X, "iloc"):
        X = _from_pandas(X)
    elif hasattr(X, "detach") and hasattr(X, "numpy"):  # a torch tensor, without importing torch
        X = X.detach().cpu().numpy()
    if isinstance(X, np.ndarray) and X.dtype != object:
        values, lengths, ragged = _from_array(X, tokens, features, name)
    else:
        values, lengths, ragged = _from_list(X, tokens, features, name)
    if not tokens and not np.all(np.isfinite(values)):
        seq, step, feature = (int(i[0]) for i in np.nonzero(~np.isfinite(values)))
        raise ValueError(f"{name} contains NaN or infinite values (the first at sequence {seq}, "
                         f"step {step}, feature {feature}); drop or impute them first")
    if tokens:
        values = _check_tokens(values, lengths, vocab_size, name)
    return Sequences(values=values, lengths=lengths, ragged=ragged)


def _reshape_advice(X: np.ndarray, tokens: bool, features: int | None, name: str) -> str:
    """How to make a 1-D ``X`` into what the model reads, for its number of features.

    Example:
        >>> _reshape_advice(np.zeros(12), False, 12, "x")
        'x.reshape(1, -1, 12) for one sequence of 1 step of 12 features'
        >>> _reshape_advice(np.zeros(30), False, 1, "X")
        'X.reshape(1, -1, 1) for one sequence of 30 steps of one feature'
    """
    if tokens:
        return f"{name}[None] for one sequence of token ids"
    if not features or features == 1:
        steps = X.size
        return (f"{name}.reshape(1, -1, 1) for one sequence of {steps} step"
                f"{'s' if steps != 1 else ''} of one feature")
    if X.size % features == 0:
        steps = X.size // features
        return (f"{name}.reshape(1, -1, {features}) for one sequence of {steps} step"
                f"{'s' if steps != 1 else ''} of {features} features")
    return (f"an array (batch, time, {features}): {X.size} values are not a whole number of "
            f"steps of {features} features")


def _from_array(X: np.ndarray, tokens: bool, features: int | None,
                name: str) -> tuple[np.ndarray, np.ndarray, bool]:
    X = _as_numeric(X, name)
    expected = "(batch, time)" if tokens else f"(batch, time, features={features})"
    if X.ndim == 1:
        raise ValueError(f"{name} is 1-D with shape {X.shape}, but it must be {expected}; "
                         f"use {_reshape_advice(X, tokens, features, name)}")
    if X.ndim != (2 if tokens else 3):
        advice = "" if tokens or X.ndim != 2 else (
            "; for one feature per step use X[..., None], for one sequence X[None]")
        raise ValueError(f"{name} has shape {X.shape}, but it must be {expected}{advice}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} holds no sequences (shape {X.shape}); give at least one")
    if X.shape[1] == 0:
        raise ValueError(f"{name} has sequences of length 0 (shape {X.shape}); every sequence "
                         f"needs at least one step")
    if not tokens:
        _check_features(X.shape[-1], features, name)
    lengths = np.full(X.shape[0], X.shape[1], dtype=np.int64)
    # A copy: later steps normalise and zero padding in place, never in the caller's array.
    dtype = None if tokens or X.dtype in (np.float32, np.float64) else np.float64
    return np.array(X, dtype=dtype), lengths, False


def _from_list(X: Any, tokens: bool, features: int | None,
               name: str) -> tuple[np.ndarray, np.ndarray, bool]:
    if isinstance(X, str | bytes) or not hasattr(X, "__len__"):
        raise ValueError(f"{name} must be an array or a list of sequences, "
                         f"got {type(X).__name__}")
    items = [np.asarray(x) for x in X]
    if not items:
        raise ValueError(f"{name} holds no sequences; give at least one")
    arrays = []
    for i, item in enumerate(items):
        item = _as_numeric(item, f"{name}[{i}]")
        if not tokens and item.ndim == 1 and features == 1:
            item = item[:, None]
        wanted = 1 if tokens else 2
        if item.ndim != wanted:
            shape = "(time,)" if tokens else f"(time, features={features})"
            raise ValueError(f"{name}[{i}] has shape {item.shape}, but every sequence must be "
                             f"{shape}")
        if item.shape[0] == 0:
            raise ValueError(f"{name}[{i}] has length 0; every sequence needs at least one step")
        if not tokens:
            _check_features(item.shape[1], features, f"{name}[{i}]")
            if arrays and item.shape[1] != arrays[0].shape[1]:
                raise ValueError(f"{name}[{i}] has {item.shape[1]} features per step but "
                                 f"{name}[0] has {arrays[0].shape[1]}; all must match")
        arrays.append(item)
    dtype = np.int64 if tokens else np.float64
    if tokens and any(a.dtype.kind == "f" for a in arrays):
        dtype = np.float64  # checked and converted to ids by _check_tokens
    values, lengths = pad_sequences(arrays, dtype=dtype)
    return values, lengths, bool(np.any(lengths != lengths[0]))


def _check_features(got: int, features: int | None, name: str) -> None:
    if features is not None and got != features:
        raise ValueError(f"{name} has {got} features per step, but the model expects {features} "
                         f"(its SequenceInput({features})); give data shaped like the training "
                         f"data")


def _check_tokens(values: np.ndarray, lengths: np.ndarray, vocab_size: int | None,
                  name: str) -> np.ndarray:
    if values.dtype.kind == "f":
        if not np.all(np.isfinite(values)) or np.any(values != np.round(values)):
            raise ValueError(f"{name} must hold integer token ids for the Embedding layer, "
                             f"got non-integer values (dtype {values.dtype})")
    values = values.astype(np.int64)
    valid = np.arange(values.shape[1])[None, :] < lengths[:, None]
    used = values[valid]
    if used.size and (used.min() < 0 or (vocab_size is not None and used.max() >= vocab_size)):
        bad = int(used.min()) if used.min() < 0 else int(used.max())
        raise ValueError(f"{name} holds token id {bad}, outside the Embedding's vocabulary "
                         f"0..{(vocab_size or 0) - 1}")
    values[~valid] = 0
    return values


FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_float_range(sequences: Sequences, dtype: str, name: str = "X", *,
                      normalized: bool = False) -> None:
    """Refuse values that the cast to ``dtype`` would turn into ±infinity.

    Only ``"float32"`` has a range to check (±3.4e38); token ids and float64 pass unchanged.
    ``normalized`` says the values are after the model's input normalisation (for the message).

    Example:
        >>> s = as_sequences(np.full((1, 2, 1), 1e39), tokens=False, features=1)
        >>> check_float_range(s, "float64")
        >>> try:
        ...     check_float_range(s, "float32")
        ... except ValueError as error:
        ...     print(str(error)[:64])
        X holds 1e+39 at sequence 0, step 0, feature 0, beyond float32's
    """
    values = sequences.values
    if dtype != "float32" or values.dtype.kind != "f":
        return
    with np.errstate(invalid="ignore"):
        beyond = np.abs(values) > FLOAT32_MAX
    if not beyond.any():
        return
    seq, step, feature = (int(i[0]) for i in np.nonzero(beyond))
    after = " after the input normalisation" if normalized else ""
    raise ValueError(f"{name} holds {values[seq, step, feature]:g}{after} at sequence {seq}, "
                     f"step {step}, feature {feature}, beyond float32's range (±3.4e38) that "
                     f"this model computes in; rescale the inputs (e.g. SequenceInput(..., "
                     f"normalization='zscore')) or use dtype='float64'")
