"""Padding variable-length sequences into one array, and batching them by length.

rnnlab's engines take right-padded batches plus the true ``lengths`` (outputs past a
sequence's end are ignored), so padding goes after the data by default.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError


def pad_sequences(sequences: Any, max_length: int | None = None, *, value: float = 0,
                  dtype: Any = None, padding: str = "post",
                  truncating: str = "pre") -> tuple[np.ndarray, np.ndarray]:
    """Stack sequences of different lengths into one array, with their lengths.

    Args:
        sequences: list of ``(time,)`` (token ids) or ``(time, features)`` arrays.
        max_length: length of the result; longer sequences are truncated (default: longest).
        value: fill value (0, the ``<pad>`` id of rnnlab's tokenisers).
        dtype: result dtype (default: that of the first sequence).
        padding: ``"post"`` puts the fill after the data, ``"pre"`` before.
        truncating: ``"pre"`` drops steps from the start, ``"post"`` from the end.

    Returns:
        ``padded`` ``(n, T)`` or ``(n, T, features)`` and ``lengths`` ``(n,)`` int64
        (after truncation).

    Example:
        >>> padded, lengths = pad_sequences([np.array([1, 2, 3]), np.array([4])])
        >>> padded.tolist(), lengths.tolist()
        ([[1, 2, 3], [4, 0, 0]], [3, 1])
    """
    if isinstance(sequences, np.ndarray) and sequences.ndim >= 2 and sequences.dtype != object:
        sequences = list(sequences)
    arrays = [np.asarray(s) for s in sequences]
    if not arrays:
        raise DataError("pad_sequences: no sequences to pad")
    if padding not in ("post", "pre") or truncating not in ("post", "pre"):
        raise DataError(f"padding and truncating must be 'pre' or 'post', got {padding!r} and "
                        f"{truncating!r}")
    tail = arrays[0].shape[1:]
    for i, array in enumerate(arrays):
        if array.ndim not in (1, 2) or array.shape[1:] != tail:
            raise DataError(f"pad_sequences: sequence {i} has shape {array.shape}; every "
                            f"sequence must be (time,) or (time, {tail[0] if tail else 'F'}) "
                            f"like the first")
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    if max_length is None:
        max_length = int(lengths.max())
    elif not isinstance(max_length, (int, np.integer)) or max_length < 1:
        raise DataError(f"max_length must be a positive integer, got {max_length!r}")
    lengths = np.minimum(lengths, max_length)
    out = np.full((len(arrays), max_length, *tail), value,
                  dtype=dtype or arrays[0].dtype)
    for i, (array, length) in enumerate(zip(arrays, lengths, strict=True)):
        if length == 0:
            continue
        kept = array[-length:] if truncating == "pre" else array[:length]
        if padding == "post":
            out[i, :length] = kept
        else:
            out[i, max_length - length:] = kept
    return out, lengths


def unpad(padded: np.ndarray, lengths: Any) -> list[np.ndarray]:
    """The inverse of right padding: a list of ``padded[i, :lengths[i]]``.

    Example:
        >>> [a.tolist() for a in unpad(np.array([[1, 2], [3, 0]]), [2, 1])]
        [[1, 2], [3]]
    """
    lengths = np.asarray(lengths)
    if lengths.shape != (padded.shape[0],):
        raise DataError(f"lengths must have shape ({padded.shape[0]},), got {lengths.shape}")
    if np.any(lengths < 0) or np.any(lengths > padded.shape[1]):
        raise DataError(f"lengths must lie in 0…{padded.shape[1]}")
    return [padded[i, :int(n)] for i, n in enumerate(lengths)]


def bucket_by_length(lengths: Any, batch_size: int, *, shuffle: bool = True,
                     seed: int = 0) -> list[np.ndarray]:
    """Group sequence indices into batches of similar length, to waste little on padding.

    Sequences are sorted by length (ties in random order), cut into batches of ``batch_size``
    (the last may be smaller), and the batch order is shuffled when ``shuffle`` is set, so that
    training does not see short sequences first.

    Example:
        >>> batches = bucket_by_length([5, 1, 4, 2], batch_size=2, shuffle=False)
        >>> [b.tolist() for b in batches]
        [[1, 3], [2, 0]]
    """
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or lengths.size == 0:
        raise DataError("bucket_by_length: lengths must be a non-empty 1-D sequence")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise DataError(f"batch_size must be a positive integer, got {batch_size!r}")
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(lengths.size) if shuffle else np.arange(lengths.size)
    order = shuffled[np.argsort(lengths[shuffled], kind="stable")]
    batches = [order[i:i + batch_size] for i in range(0, order.size, batch_size)]
    if shuffle:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches
