"""scikit-learn estimators: ``RNNClassifier`` and ``RNNRegressor``.

They wrap :func:`rnnlab.build` and :func:`rnnlab.train` in the ``fit``/``predict``/``score``
API, with every setting a constructor parameter, so rnnlab models drop into ``Pipeline``,
``cross_val_score`` and ``GridSearchCV`` (``cell`` is a parameter like any other). They pass
scikit-learn's own ``check_estimator``, but for the checks listed (with the reason each cannot
apply to sequence input) in ``tests/training/test_sklearn_checks.py``.

``X`` may be

* a 2-D table ``(n, time * features_per_step)`` — what scikit-learn transformers produce — read
  as sequences of ``features_per_step`` numbers per step (default 1: each row is one univariate
  series). This is scikit-learn's world: ``n_features_in_`` is its number of columns (and
  ``feature_names_in_`` a DataFrame's column names), and ``predict`` refuses a table with
  another number of columns, as every scikit-learn estimator does;
* sequences: ``(n, time, features)``, or a list of ``(time_i, features)`` arrays of different
  lengths. ``predict`` then takes any length; ``n_features_in_`` is not set (it has no
  meaning for sequences of varying length), and ``n_features_per_step_`` says what each step
  must hold.

Input is checked at the boundary with scikit-learn's own validation (sparse matrices, complex
numbers, empty data, array-likes with only ``__array__``, labels that are not classes), then by
rnnlab (NaN, shapes).

Example:
    >>> import numpy as np
    >>> from sklearn.model_selection import cross_val_score
    >>> X = np.random.default_rng(0).standard_normal((40, 6))
    >>> y = (X.sum(axis=1) > 0).astype(int)
    >>> scores = cross_val_score(RNNClassifier(cell="gru", hidden_size=8, max_epochs=2), X, y,
    ...                          cv=2)
    >>> scores.shape
    (2,)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

#: Attributes scikit-learn's validation sets from a 2-D table; a fit on sequences clears them.
TABLE_ATTRIBUTES = ("n_features_in_", "feature_names_in_")


def _is_sparse(X: Any) -> bool:
    from scipy import sparse

    return sparse.issparse(X)


class _RNNEstimator(BaseEstimator):
    _task = ""

    def __init__(self, cell: str = "lstm", hidden_size: int = 32, num_layers: int = 1,
                 bidirectional: bool = False, dropout: float = 0.0,
                 features_per_step: int = 1, normalization: str = "zscore",
                 optimizer: str = "adam", learning_rate: float | None = None,
                 max_epochs: int = 30, batch_size: int = 32, gradient_clip: float | None = None,
                 l2: float = 0.0, validation_fraction: float | None = None,
                 patience: int | None = None, engine: str = "torch", dtype: str = "float32",
                 device: str = "auto", seed: int = 0, verbose: bool = False) -> None:
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.features_per_step = features_per_step
        self.normalization = normalization
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.gradient_clip = gradient_clip
        self.l2 = l2
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.engine = engine
        self.dtype = dtype
        self.device = device
        self.seed = seed
        self.verbose = verbose

    # ------------------------------------------------------------------ input
    def _sequences(self, X: Any, *, reset: bool) -> Any:
        """Check ``X`` and return what the model reads: ``(n, time, features)`` or a list of
        ``(time_i, features)`` sequences (see the module docstring)."""
        name = type(self).__name__
        if _is_sparse(X):
            raise TypeError(f"{name} does not accept sparse input: a recurrent network reads "
                            f"dense sequences; convert with X.toarray()")
        if hasattr(X, "index") and getattr(X.index, "nlevels", 1) >= 2:
            self._forget_table(reset)
            return X                                # a long (sequence, time) table: rnnlab's
        if isinstance(X, list | tuple) and _ragged(X):
            self._forget_table(reset)
            sequences = [check_array(x, ensure_2d=False, dtype="numeric",
                                     ensure_all_finite=False, input_name="X") for x in X]
            if not sequences:
                raise ValueError(f"{name} got an empty list of sequences")
            return sequences
        if not hasattr(X, "iloc") and not isinstance(X, np.ndarray):
            X = np.asarray(X) if hasattr(X, "__array__") or isinstance(X, list | tuple) else X
        if getattr(X, "ndim", 2) == 2:
            table = validate_data(self, X, reset=reset, dtype="numeric",
                                  ensure_all_finite=False)
            step = self.features_per_step
            if table.shape[1] % step:
                raise ValueError(f"X has {table.shape[1]} columns, which is not a multiple of "
                                 f"features_per_step={step}")
            return table.reshape(table.shape[0], table.shape[1] // step, step)
        if getattr(X, "ndim", 0) == 1:
            raise ValueError(f"Expected a 2-D table (n, time) or sequences (n, time, features), "
                             f"got a 1-D array of shape {X.shape}. Reshape your data: "
                             f"X.reshape(1, -1) for one sequence, X.reshape(-1, 1) for "
                             f"sequences of one step")
        self._forget_table(reset)
        return check_array(X, allow_nd=True, dtype="numeric", ensure_all_finite=False,
                           input_name="X")

    def _forget_table(self, reset: bool) -> None:
        if reset:
            for attribute in TABLE_ATTRIBUTES:
                self.__dict__.pop(attribute, None)

    def _targets(self, y: Any) -> Any:
        raise NotImplementedError

    def _output_size(self, y: Any) -> int:
        raise NotImplementedError

    # ------------------------------------------------------------------ fit / predict
    def fit(self, X: Any, y: Any) -> _RNNEstimator:
        """Build a fresh model from the parameters and train it on ``(X, y)``."""
        from rnnlab.models.build import build
        from rnnlab.training.loop import train
        from rnnlab.training.options import TrainingOptions

        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y "
                             f"is None")
        X = self._sequences(X, reset=True)
        y = self._targets(y)
        check_consistent_length(X, y)
        first = np.asarray(X[0])             # one sequence: (time, features) or (time,)
        input_size = int(first.shape[-1]) if first.ndim == 2 else 1
        self.model_ = build(self.cell, input_size=input_size, hidden_size=self.hidden_size,
                            output_size=self._output_size(y), task=self._task,
                            num_layers=self.num_layers, bidirectional=self.bidirectional,
                            dropout=self.dropout, normalization=self.normalization,
                            seed=self.seed)
        options = TrainingOptions(
            optimizer=self.optimizer, learning_rate=self.learning_rate,
            max_epochs=self.max_epochs, batch_size=self.batch_size,
            gradient_clip=self.gradient_clip, l2=self.l2,
            validation_data=self.validation_fraction, patience=self.patience,
            engine=self.engine, dtype=self.dtype, device=self.device, seed=self.seed,
            verbose=self.verbose)
        self.history_ = train(self.model_, X, y, options)
        self.n_features_per_step_ = input_size
        return self

    def _predict_input(self, X: Any) -> Any:
        check_is_fitted(self, "model_")
        return self._sequences(X, reset=False)

    def predict(self, X: Any) -> np.ndarray:
        X = self._predict_input(X)
        return self.model_.predict(X)


def _ragged(X: list | tuple) -> bool:
    """A list of sequences whose shapes differ (NumPy cannot stack them)."""
    shapes = {np.shape(x) for x in X}
    return len(shapes) > 1 and all(len(shape) >= 1 for shape in shapes)


class RNNClassifier(ClassifierMixin, _RNNEstimator):
    """A sequence classifier: ``SequenceInput → RNN/LSTM/GRU → Dense → Softmax``.

    Attributes (after ``fit``): ``classes_``, ``model_`` (the :class:`rnnlab.Sequential`),
    ``history_``, ``n_features_per_step_`` (features the network reads per step), and for a
    2-D table ``n_features_in_`` (its columns: time steps × ``features_per_step``) and, for a
    DataFrame, ``feature_names_in_``.

    Example:
        >>> import numpy as np
        >>> X = np.random.default_rng(0).standard_normal((30, 5, 2))
        >>> y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
        >>> clf = RNNClassifier(cell="gru", hidden_size=8, max_epochs=3).fit(X, y)
        >>> clf.classes_.tolist(), clf.predict(X[:2]).shape
        (['down', 'up'], (2,))
    """

    _task = "classify"

    def _targets(self, y: Any) -> np.ndarray:
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)    # "Unknown label type: continuous" for real values
        return y

    def _output_size(self, y: Any) -> int:
        return int(np.unique(np.asarray(y)).size)

    def fit(self, X: Any, y: Any) -> RNNClassifier:
        super().fit(X, y)
        self.classes_ = np.asarray(self.model_.classes)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Class labels, as given in ``fit``."""
        X = self._predict_input(X)
        return self.model_.classify(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """``(n, classes)`` probabilities, columns in the order of ``classes_``."""
        X = self._predict_input(X)
        return self.model_.predict(X)


class RNNRegressor(RegressorMixin, _RNNEstimator):
    """A sequence regressor: ``SequenceInput → RNN/LSTM/GRU → Dense``; ``score`` is R².

    Attributes (after ``fit``): as :class:`RNNClassifier`, without ``classes_``.

    Example:
        >>> import numpy as np
        >>> X = np.random.default_rng(0).standard_normal((30, 5, 2))
        >>> reg = RNNRegressor(cell="rnn", hidden_size=8, max_epochs=2).fit(X, X.sum(axis=(1, 2)))
        >>> reg.predict(X[:3]).shape
        (3,)
    """

    _task = "regress"

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True      # y (n, k): one output unit per column
        return tags

    def _targets(self, y: Any) -> np.ndarray:
        return check_array(y, ensure_2d=False, dtype="numeric", input_name="y")

    def _output_size(self, y: Any) -> int:
        y = np.asarray(y)
        return 1 if y.ndim == 1 else int(y.shape[1])
