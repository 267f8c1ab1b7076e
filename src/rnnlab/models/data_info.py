"""What a model remembers about the data it was trained on, so that its file alone is enough to
go from raw input to output in the user's units.

``model.data_info`` is a JSON-ready dict (or ``None``) that :meth:`Sequential.save` writes into the
model file and :func:`rnnlab.load` reads back. Its keys, all optional:

==================  ==========================================================================
``task``            the dataset's task (``classify``, ``regress``, ``sequence``)
``classes``         class names, index = output unit
``tokenizer``       the tokenizer's ``to_dict()`` state (text models read and write text)
``scaler``          the input scaler's ``to_dict()`` state, fitted on the training split only
``target_scaler``   the target scaler's state (targets come back in original units)
``source``, ``kind``, ``params``, ``file_task``
                    where the data came from (``rnnlab train`` reuses them in ``evaluate``)
``forecast``        a forecasting model's whole description — column roles, frequency, lookback,
                    horizon, strategy, fill policy, per-series scalers fitted on each series'
                    training part, prediction intervals (:mod:`rnnlab.forecasting.spec`)
==================  ==========================================================================

Other parts of rnnlab may add their own keys; anything stored must be JSON-ready.
"""

from __future__ import annotations

from typing import Any


def state_of(thing: Any) -> Any:
    """``thing.to_dict()`` for a tokenizer or scaler, ``None`` for ``None``."""
    return None if thing is None or not hasattr(thing, "to_dict") else thing.to_dict()


def describe_dataset(dataset: Any) -> dict[str, Any]:
    """The ``data_info`` entries a :class:`~rnnlab.datasets.Dataset` provides.

    Example:
        >>> from rnnlab import datasets
        >>> info = describe_dataset(datasets.load("adding", length=5, n_train=8))
        >>> info["task"], info["tokenizer"], info["classes"]
        ('regress', None, None)
    """
    classes = getattr(dataset, "classes", None)
    return {"task": dataset.task,
            "classes": None if classes is None else [str(c) for c in classes],
            "tokenizer": state_of(getattr(dataset, "tokenizer", None)),
            "scaler": state_of(getattr(dataset, "scaler", None)),
            "target_scaler": state_of(getattr(dataset, "target_scaler", None)),
            **({"forecast": dataset.info["forecast"]}
               if "forecast" in (getattr(dataset, "info", None) or {}) else {})}


class DataInfoMixin:
    """``data_info`` plus live views of the tokenizer and scalers it stores."""

    data_info: dict[str, Any] | None

    def remember_data(self, dataset: Any, **extra: Any) -> None:
        """Store ``dataset``'s tokenizer, scalers, class names and task (plus ``extra`` JSON-ready
        entries) in :attr:`data_info`, so that :meth:`save` writes them into the model file.

        Example:
            >>> import rnnlab
            >>> from rnnlab import datasets
            >>> data = datasets.load("adding", length=5, n_train=8)
            >>> model = rnnlab.build("gru", input_size=2, hidden_size=3, output_size=1,
            ...                      task="regress")
            >>> model.remember_data(data, note="demo")
            >>> model.data_info["task"], model.data_info["note"]
            ('regress', 'demo')
        """
        self.data_info = {**(self.data_info or {}), **describe_dataset(dataset), **extra}
        self._tokenizer_cache = None

    @property
    def tokenizer(self) -> Any:
        """The tokenizer stored in :attr:`data_info` (``None`` for numeric models)."""
        state = (self.data_info or {}).get("tokenizer")
        if not state:
            return None
        cached = getattr(self, "_tokenizer_cache", None)
        if cached is None or cached[0] is not state:
            from rnnlab.datasets import tokenizer_from_dict

            cached = (state, tokenizer_from_dict(state))
            self._tokenizer_cache = cached
        return cached[1]

    @tokenizer.setter
    def tokenizer(self, tokenizer: Any) -> None:
        if tokenizer is not None and not hasattr(tokenizer, "to_dict"):
            raise ValueError(f"model.tokenizer must be an rnnlab tokenizer (with to_dict()), "
                             f"got {type(tokenizer).__name__}")
        self.data_info = {**(self.data_info or {}), "tokenizer": state_of(tokenizer)}
        self._tokenizer_cache = None

    def _scaler(self, key: str) -> Any:
        state = (self.data_info or {}).get(key)
        if not state:
            return None
        from rnnlab.datasets.transforms.scalers import scaler_from_dict

        return scaler_from_dict(state)

    @property
    def scaler(self) -> Any:
        """The input scaler stored in :attr:`data_info`, or ``None``."""
        return self._scaler("scaler")

    @property
    def target_scaler(self) -> Any:
        """The target scaler stored in :attr:`data_info`, or ``None``."""
        return self._scaler("target_scaler")
