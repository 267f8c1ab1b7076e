"""scikit-learn estimators: ``RNNClassifier`` and ``RNNRegressor``.

They wrap :func:`rnnlab.build` and :func:`rnnlab.train` in the ``fit``/``predict``/``score``
API, with every setting a constructor parameter, so rnnlab models drop into ``Pipeline``,
``cross_val_score`` and ``GridSearchCV`` (``cell`` is a parameter like any other).

``X`` may be ``(n, time, features)``, a list of sequences, or — because most scikit-learn
transformers work on tables — a 2-D ``(n, time * features)`` array that is read as sequences of
``features_per_step`` numbers per step (default 1: each row is one univariate series).

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
from sklearn.utils.validation import check_is_fitted


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

    def _sequences(self, X: Any) -> Any:
        """2-D tables become ``(n, time, features_per_step)``; anything else passes through."""
        if hasattr(X, "iloc"):
            X = X.to_numpy()
        if isinstance(X, np.ndarray) and X.dtype != object and X.ndim == 2:
            step = self.features_per_step
            if X.shape[1] % step:
                raise ValueError(f"X has {X.shape[1]} columns, which is not a multiple of "
                                 f"features_per_step={step}")
            return X.reshape(X.shape[0], X.shape[1] // step, step)
        return X

    def _output_size(self, y: Any) -> int:
        raise NotImplementedError

    def fit(self, X: Any, y: Any) -> _RNNEstimator:
        """Build a fresh model from the parameters and train it on ``(X, y)``."""
        from rnnlab.models.build import build
        from rnnlab.training.loop import train
        from rnnlab.training.options import TrainingOptions

        X = self._sequences(X)
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
        self.n_features_in_ = input_size
        return self

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict(self._sequences(X))


class RNNClassifier(ClassifierMixin, _RNNEstimator):
    """A sequence classifier: ``SequenceInput → RNN/LSTM/GRU → Dense → Softmax``.

    Attributes (after ``fit``): ``classes_``, ``model_`` (the :class:`rnnlab.Sequential`),
    ``history_``.

    Example:
        >>> import numpy as np
        >>> X = np.random.default_rng(0).standard_normal((30, 5, 2))
        >>> y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
        >>> clf = RNNClassifier(cell="gru", hidden_size=8, max_epochs=3).fit(X, y)
        >>> clf.classes_.tolist(), clf.predict(X[:2]).shape
        (['down', 'up'], (2,))
    """

    _task = "classify"

    def _output_size(self, y: Any) -> int:
        return int(np.unique(np.asarray(y)).size)

    def fit(self, X: Any, y: Any) -> RNNClassifier:
        super().fit(X, y)
        self.classes_ = np.asarray(self.model_.classes)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Class labels, as given in ``fit``."""
        check_is_fitted(self, "model_")
        return self.model_.classify(self._sequences(X))

    def predict_proba(self, X: Any) -> np.ndarray:
        """``(n, classes)`` probabilities, columns in the order of ``classes_``."""
        check_is_fitted(self, "model_")
        return self.model_.predict(self._sequences(X))


class RNNRegressor(RegressorMixin, _RNNEstimator):
    """A sequence regressor: ``SequenceInput → RNN/LSTM/GRU → Dense``; ``score`` is R².

    Example:
        >>> import numpy as np
        >>> X = np.random.default_rng(0).standard_normal((30, 5, 2))
        >>> reg = RNNRegressor(cell="rnn", hidden_size=8, max_epochs=2).fit(X, X.sum(axis=(1, 2)))
        >>> reg.predict(X[:3]).shape
        (3,)
    """

    _task = "regress"

    def _output_size(self, y: Any) -> int:
        y = np.asarray(y)
        return 1 if y.ndim == 1 else int(y.shape[1])
