"""Turn what a user hands in as ``y`` into the arrays the losses take, checking it.

* **Class labels** may be integers or strings (or anything NumPy can sort). The first training
  fixes ``classes``, the mapping from output unit to label, which the model remembers and saves:
  integer labels that all fit the output layer (``0 ≤ label < units``) map to themselves, so a
  class absent from one training set keeps its unit; any other labels are sorted and must number
  exactly ``units``.
* **Per-step labels** (tagging, language modelling) are ``(n, time)`` or a list of ``(time_i,)``
  arrays matching ``X``'s lengths; negative integer labels mark steps with no target (the
  datasets' ``-1``), and padding gets :data:`IGNORE`.
* **Regression targets** are ``(n,)``, ``(n, k)`` — or per step ``(n, time)``, ``(n, time, k)``
  or a list — as float64, with ``k`` equal to the output units.
"""

from __future__ import annotations

from typing import Any

import numpy as np

IGNORE = -100  # the class index losses skip (PyTorch's default ignore_index)


def _as_array(y: Any, name: str = "y") -> Any:
    if hasattr(y, "iloc"):  # pandas
        y = y.to_numpy()
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
    elif hasattr(y, "detach") and hasattr(y, "numpy"):
        y = y.detach().cpu().numpy()
    if y is None:
        raise ValueError(f"{name} is missing: training and evaluation need targets")
    return y


def _count_error(got: int, n: int, what: str) -> ValueError:
    return ValueError(f"y holds {got} {what} but X holds {n} sequences; give exactly one per "
                      f"sequence")


def _scalar(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _preview(values: list) -> str:
    shown = ", ".join(repr(v) for v in values[:6])
    return shown + (", …" if len(values) > 6 else "")


def fit_classes(labels: np.ndarray, units: int) -> list:
    """The label of each output unit, from the labels seen in training (see module docstring).

    Example:
        >>> fit_classes(np.array(["b", "a", "b"]), 2)
        ['a', 'b']
        >>> fit_classes(np.array([0, 2]), 3)      # integers that fit keep their unit
        [0, 1, 2]
    """
    try:
        unique = np.unique(labels)
    except TypeError:
        raise ValueError("y mixes label types (e.g. numbers and strings); use one type") from None
    if unique.dtype.kind == "f" and not np.all(np.isfinite(unique)):
        raise ValueError("y contains NaN or infinite labels; every sequence needs a label")
    if unique.dtype.kind in "iu" and unique.size and unique.min() >= 0 and unique.max() < units:
        return list(range(units))
    found = [_scalar(u) for u in unique]
    if len(found) != units:
        raise ValueError(f"y has {len(found)} classes ({_preview(found)}) but the output layer "
                         f"has {units} units; make the last Dense layer Dense({len(found)})")
    return found


def encode_labels(labels: np.ndarray, classes: list) -> np.ndarray:
    """Class indices ``(labels.shape)`` int64; an unknown label raises ``ValueError``."""
    if (labels.dtype.kind in "iu" and classes == list(range(len(classes)))):
        bad = (labels < 0) | (labels >= len(classes))
        if np.any(bad):
            _unseen(_scalar(labels[bad][0]), classes)
        return labels.astype(np.int64)
    lookup = {c: i for i, c in enumerate(classes)}
    flat = labels.reshape(-1)
    codes = np.empty(flat.shape, dtype=np.int64)
    for i, value in enumerate(flat):
        code = lookup.get(_scalar(value))
        if code is None:
            _unseen(_scalar(value), classes)
        codes[i] = code
    return codes.reshape(labels.shape)


def _unseen(value: Any, classes: list) -> None:
    raise ValueError(f"y holds label {value!r}, which the model did not see in training (it "
                     f"knows {_preview(classes)})")


def class_targets(y: Any, n: int, units: int, classes: list | None) -> tuple[np.ndarray, list]:
    """``(n,)`` class indices and the class list (fitted when ``classes`` is None)."""
    labels = np.asarray(_as_array(y))
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(f"y must hold one label per sequence, shape ({n},), got shape "
                         f"{labels.shape}")
    if labels.shape[0] != n:
        raise _count_error(labels.shape[0], n, "labels")
    if labels.dtype.kind == "f" and not np.all(np.isfinite(labels)):
        raise ValueError("y contains NaN or infinite labels; every sequence needs a label")
    if classes is None:
        classes = fit_classes(labels, units)
    return encode_labels(labels, classes), classes


def _per_step(y: Any, lengths: np.ndarray) -> list[np.ndarray]:
    """Split per-step targets into one array per sequence, checking lengths against ``X``."""
    y = _as_array(y)
    n = lengths.shape[0]
    items = list(y)
    if len(items) != n:
        raise _count_error(len(items), n, "target sequences")
    out = []
    padded = isinstance(y, np.ndarray) and y.dtype != object
    for i, item in enumerate(items):
        item = np.asarray(item)
        if item.ndim == 0:
            raise ValueError(f"y[{i}] is a single value, but this model predicts one target per "
                             f"step: give y[{i}] with {int(lengths[i])} steps")
        steps = item.shape[0]
        if (padded and steps < lengths[i]) or (not padded and steps != lengths[i]):
            raise ValueError(f"y[{i}] has {steps} steps but X[{i}] has {int(lengths[i])}; give "
                             f"one target per input step")
        out.append(item[: int(lengths[i])])
    return out


def sequence_class_targets(y: Any, lengths: np.ndarray, units: int,
                           classes: list | None) -> tuple[np.ndarray, list]:
    """``(n, T)`` class indices with :data:`IGNORE` on padding and on negative integer labels."""
    items = _per_step(y, lengths)
    flat = np.concatenate(items)
    if flat.ndim != 1:
        raise ValueError(f"per-step labels must be (time,) per sequence, got {items[0].shape}")
    keep = np.ones(flat.shape, dtype=bool) if flat.dtype.kind not in "iu" else flat >= 0
    if classes is None:
        classes = fit_classes(flat[keep], units)
    codes = np.full(flat.shape, IGNORE, dtype=np.int64)
    codes[keep] = encode_labels(flat[keep], classes)
    out = np.full((lengths.shape[0], int(lengths.max())), IGNORE, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    for i in range(lengths.shape[0]):
        out[i, : lengths[i]] = codes[offsets[i]: offsets[i + 1]]
    return out, classes


def _float_values(array: np.ndarray) -> np.ndarray:
    if array.dtype.kind not in "biuf":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"regression targets must be numbers, got dtype "
                             f"{array.dtype}") from None
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        row = int(np.nonzero(~np.isfinite(array))[0][0])
        raise ValueError(f"y contains NaN or infinite values (the first in row {row}); drop or "
                         f"impute them first")
    return array


def _check_units(k: int, units: int) -> None:
    if k != units:
        raise ValueError(f"y has {k} values per target but the output layer has {units} "
                         f"unit{'s' if units != 1 else ''}; make the last layer Dense({k})")


def regression_targets(y: Any, n: int, units: int) -> tuple[np.ndarray, int]:
    """``(n, k)`` float64 targets and the ``ndim`` the user gave (1 for ``(n,)``)."""
    values = _float_values(np.asarray(_as_array(y)))
    ndim = values.ndim
    if ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"y must be (n,) or (n, outputs), got shape {values.shape}")
    if values.shape[0] != n:
        raise _count_error(values.shape[0], n, "targets")
    _check_units(values.shape[1], units)
    return values, ndim


def sequence_regression_targets(y: Any, lengths: np.ndarray,
                                units: int) -> tuple[np.ndarray, int]:
    """``(n, T, k)`` float64 targets (zero on padding) and the per-sequence ``ndim`` given."""
    items = [_float_values(item) for item in _per_step(y, lengths)]
    ndim = items[0].ndim
    items = [item[:, None] if item.ndim == 1 else item for item in items]
    _check_units(items[0].shape[1], units)
    out = np.zeros((len(items), int(lengths.max()), units))
    for i, item in enumerate(items):
        if item.shape[1:] != (units,):
            raise ValueError(f"y[{i}] has shape {item.shape}; expected (time, {units})")
        out[i, : item.shape[0]] = item
    return out, ndim + 1
