"""Feature scaling fitted on training data only, and stored with the model as plain JSON.

Statistics are per feature, on the last axis, pooled over every sequence and time step:

* z-score: ``x' = (x − μ) / σ``;
* min-max: ``x' = a + (x − min) (b − a) / (max − min)`` into ``feature_range = (a, b)``.

A constant feature gets scale 1 instead of a division by zero; "constant" includes a spread
below float32's resolution of the values (``σ ≤ 1e-7 |μ|``), which is rounding noise that
scaling would only blow up.
Statistics are computed in float64 (so values up to float32's limit cannot overflow them);
transforms return float32, inverse transforms float64.

Fit on the training split only: statistics computed over validation or test data leak them
into training. :meth:`to_dict` gives lists of floats, :func:`scaler_from_dict` reads them back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError


def _pooled(X: Any) -> np.ndarray:
    """All time steps of ``X`` as a ``(steps, features)`` float64 array."""
    if isinstance(X, np.ndarray):
        array = X.astype(np.float64, copy=False)
        return array[:, None] if array.ndim == 1 else array.reshape(-1, array.shape[-1])
    parts = [np.asarray(x, dtype=np.float64) for x in X]
    if not parts:
        raise DataError("scaler: cannot fit on no data")
    return np.concatenate([p[:, None] if p.ndim == 1 else p.reshape(-1, p.shape[-1])
                           for p in parts])


def _apply(X: Any, function: Any, dtype: Any) -> Any:
    def one(array: np.ndarray) -> np.ndarray:
        result = function(array)
        with np.errstate(invalid="ignore"):
            if not np.all(np.abs(result) <= np.finfo(dtype).max):
                raise DataError(f"scaling gives values beyond {np.dtype(dtype).name}'s range "
                                f"(or NaN); the data lie far outside what the scaler was fitted "
                                f"on, or hold NaN")
        return result.astype(dtype)

    if isinstance(X, np.ndarray):
        return one(X.astype(np.float64, copy=False))
    return [one(np.asarray(x, dtype=np.float64)) for x in X]


class _Scaler:
    kind = ""

    def __init__(self) -> None:
        self.offset: np.ndarray | None = None
        self.scale: np.ndarray | None = None

    @property
    def num_features(self) -> int:
        self._check_fitted()
        return int(self.offset.shape[0])  # type: ignore[union-attr]

    def _check_fitted(self) -> None:
        if self.offset is None:
            raise DataError(f"{type(self).__name__} is not fitted yet; call fit(X_train) first")

    def fit(self, X: Any) -> _Scaler:
        """Learn per-feature statistics from ``X`` (array ``(..., features)`` or a list of
        ``(time, features)`` arrays); returns ``self``."""
        pooled = _pooled(X)
        if pooled.shape[0] == 0:
            raise DataError(f"{type(self).__name__}: cannot fit on no data")
        if not np.all(np.isfinite(pooled)):
            raise DataError(f"{type(self).__name__}: the data hold NaN or infinite values; "
                            f"clean them before scaling")
        self._fit(pooled)
        return self

    def _fit(self, pooled: np.ndarray) -> None:
        raise NotImplementedError

    def _check_features(self, X: Any) -> None:
        first = X if isinstance(X, np.ndarray) else (np.asarray(X[0]) if len(X) else None)
        if first is None:
            return
        features = 1 if first.ndim == 1 else first.shape[-1]
        if features != self.num_features:
            raise DataError(f"{type(self).__name__}: the data have {features} features, "
                            f"the scaler was fitted on {self.num_features}")

    def transform(self, X: Any) -> Any:
        """Scale ``X`` (same layout in and out, float32)."""
        self._check_fitted()
        self._check_features(X)
        return _apply(X, lambda a: (a - self.offset) / self.scale, np.float32)

    def inverse_transform(self, X: Any) -> Any:
        """Undo :meth:`transform` (float64)."""
        self._check_fitted()
        self._check_features(X)
        return _apply(X, lambda a: a * self.scale + self.offset, np.float64)

    def fit_transform(self, X: Any) -> Any:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def subset(self, features: list[int]) -> _Scaler:
        """A scaler for some of the features only (e.g. the forecast targets)."""
        self._check_fitted()
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.offset = self.offset[features].copy()  # type: ignore[index]
        other.scale = self.scale[features].copy()  # type: ignore[index]
        return other

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready statistics, e.g. ``{"type": "zscore", "mean": [...], "std": [...]}``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        state = "unfitted" if self.offset is None else f"{self.num_features} features"
        return f"{type(self).__name__}({state})"


class StandardScaler(_Scaler):
    """z-score scaling, ``x' = (x − μ) / σ`` per feature (population σ).

    Example:
        >>> scaler = StandardScaler().fit(np.array([[1.0], [3.0]]))
        >>> scaler.to_dict()
        {'type': 'zscore', 'mean': [2.0], 'std': [1.0]}
        >>> scaler.transform(np.array([[5.0]])).tolist()
        [[3.0]]
    """

    kind = "zscore"

    def _fit(self, pooled: np.ndarray) -> None:
        self.offset = pooled.mean(axis=0)
        std = np.sqrt(((pooled - self.offset) ** 2).mean(axis=0))
        self.scale = np.where(std > 1e-7 * np.abs(self.offset), std, 1.0)
        self.scale = np.where(self.scale > 0, self.scale, 1.0)

    def to_dict(self) -> dict[str, Any]:
        self._check_fitted()
        return {"type": self.kind, "mean": self.offset.tolist(),  # type: ignore[union-attr]
                "std": self.scale.tolist()}  # type: ignore[union-attr]


class MinMaxScaler(_Scaler):
    """Min-max scaling into ``feature_range`` (default ``(0, 1)``) per feature.

    Example:
        >>> scaler = MinMaxScaler().fit(np.array([[2.0], [6.0]]))
        >>> scaler.transform(np.array([[4.0]])).tolist()
        [[0.5]]
    """

    kind = "minmax"

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)) -> None:
        super().__init__()
        low, high = (float(v) for v in feature_range)
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise DataError(f"MinMaxScaler: feature_range must be (low, high) with low < high, "
                            f"got {feature_range!r}")
        self.feature_range = (low, high)
        self.minimum: np.ndarray | None = None
        self.maximum: np.ndarray | None = None

    def _fit(self, pooled: np.ndarray) -> None:
        low, high = self.feature_range
        self.minimum, self.maximum = pooled.min(axis=0), pooled.max(axis=0)
        span = self.maximum - self.minimum
        scale_of_values = np.maximum(np.abs(self.minimum), np.abs(self.maximum))
        # x' = low + (x − min) (high − low) / span  ⇔  x' = (x − offset) / scale
        self.scale = np.where((span > 0) & (span > 1e-7 * scale_of_values), span, 1.0)
        self.scale = self.scale / (high - low)
        self.offset = self.minimum - low * self.scale

    def to_dict(self) -> dict[str, Any]:
        self._check_fitted()
        return {"type": self.kind, "min": self.minimum.tolist(),  # type: ignore[union-attr]
                "max": self.maximum.tolist(),  # type: ignore[union-attr]
                "feature_range": list(self.feature_range)}


SCALERS = {"zscore": StandardScaler, "minmax": MinMaxScaler}


def make_scaler(kind: str) -> _Scaler:
    """A new, unfitted scaler by name: ``"zscore"`` or ``"minmax"``.

    Example:
        >>> make_scaler("minmax")
        MinMaxScaler(unfitted)
    """
    if kind not in SCALERS:
        raise DataError(f"scale must be one of {', '.join(map(repr, SCALERS))} or None, "
                        f"got {kind!r}")
    return SCALERS[kind]()


def scaler_from_dict(state: dict[str, Any]) -> _Scaler:
    """Rebuild a fitted scaler from :meth:`to_dict` output (e.g. read from a model's JSON).

    Example:
        >>> scaler_from_dict({"type": "zscore", "mean": [2.0], "std": [1.0]}).transform(
        ...     np.array([[3.0]])).tolist()
        [[1.0]]
    """
    try:
        kind = state["type"]
        if kind == "zscore":
            scaler: _Scaler = StandardScaler()
            scaler.offset = np.asarray(state["mean"], dtype=np.float64)
            scaler.scale = np.asarray(state["std"], dtype=np.float64)
        elif kind == "minmax":
            scaler = MinMaxScaler(tuple(state.get("feature_range", (0.0, 1.0))))
            scaler._fit(np.stack([np.asarray(state["min"], dtype=np.float64),
                                  np.asarray(state["max"], dtype=np.float64)]))
        else:
            raise DataError(f"unknown scaler type {kind!r}; expected 'zscore' or 'minmax'")
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, DataError):
            raise
        raise DataError(f"scaler state is malformed ({error}); expected the output of "
                        f"to_dict()") from None
    if (scaler.offset.ndim != 1 or scaler.offset.shape != scaler.scale.shape  # type: ignore
            or not np.all(np.isfinite(scaler.scale)) or np.any(scaler.scale == 0)):  # type: ignore
        raise DataError("scaler state is malformed: statistics must be equal-length lists of "
                        "finite numbers with non-zero scale")
    return scaler
