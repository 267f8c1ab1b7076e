"""Datasets and tasks for recurrent networks: generated, bundled, downloaded, or your own.

>>> from rnnlab import datasets
>>> ds = datasets.load("adding", length=100, n_train=500)
>>> (X_train, y_train), (X_val, y_val) = ds.train, ds.val
>>> X_train.shape, y_train.shape, ds.task, ds.baseline
((500, 100, 2), (500, 1), 'regress', {'mse': 0.16666666666666666})

What exists — :func:`names`, :func:`describe`, :func:`takes_length`, :func:`spec`,
:func:`available_offline`:

* synthetic long-time-lag tasks with a ``length`` knob and a stated baseline: ``adding``,
  ``copy``, ``reber``, ``temporal_order``, ``recall``, ``sine``, ``mackey_glass``, and the
  classic papers' own definitions: ``adding_hs97``, ``reber_hs97``, ``temporal_order_6a``,
  ``temporal_order_6b`` (Hochreiter & Schmidhuber 1997), ``adding_bai18``, ``copy_bai18``
  (Bai, Kolter & Koltun 2018);
* real data that needs no network: ``digits``, ``sunspots``, ``airline``, ``co2``, ``nile``,
  ``japanese_vowels``, and digits pixel by pixel (``digits_sequential``, ``digits_permuted``,
  a small stand-in for sequential MNIST);
* MNIST pixel by pixel from your own files (``mnist_sequential``, ``mnist_permuted``);
* text corpora read from ``$RNNLAB_DATA`` or downloaded once with a checksum:
  ``shakespeare``, ``polarity``, ``movie_reviews``.

Your own files: :func:`from_file` (CSV/TSV/Parquet series or labelled texts, folders of
``.txt`` per class, plain text, ``.npy``/``.npz``, UEA ``.ts``); :func:`whole_file` reads one
whole and in order, for a trained model to score or predict.

Layout of every :class:`Dataset` (batch first): X is ``(n, time, features)`` float32, or a
list of ``(time, features)`` arrays when lengths differ; text X holds int64 token ids
``(n, time)`` (or a list of ``(time,)``). y is ``(n,)`` int64 classes (``classify``),
``(n, outputs)`` float32 (``regress``) or ``(n, time)`` int64 per-step symbols (``sequence``,
-1 = no target). Bad input raises :class:`DataError` (a ``ValueError``) in one sentence.
"""

from rnnlab.datasets import corpora, pixels, real, synthetic  # noqa: F401  (registers them)
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError, DataNotFoundError
from rnnlab.datasets.files import (
    from_file,
    load_arrays,
    load_text,
    load_text_classification,
    load_timeseries,
    load_ts,
    read_ts,
    whole_file,
)
from rnnlab.datasets.registry import (
    DatasetSpec,
    available_offline,
    describe,
    load,
    names,
    spec,
    takes_length,
)
from rnnlab.datasets.transforms import (
    CharTokenizer,
    MinMaxScaler,
    StandardScaler,
    WordTokenizer,
    bucket_by_length,
    make_scaler,
    make_windows,
    pad_sequences,
    scaler_from_dict,
    split_arrays,
    split_indices,
    tokenizer_from_dict,
    unpad,
)

__all__ = [
    "CharTokenizer",
    "DataError",
    "DataNotFoundError",
    "Dataset",
    "DatasetSpec",
    "MinMaxScaler",
    "StandardScaler",
    "WordTokenizer",
    "available_offline",
    "bucket_by_length",
    "describe",
    "from_file",
    "load",
    "load_arrays",
    "load_text",
    "load_text_classification",
    "load_timeseries",
    "load_ts",
    "make_scaler",
    "make_windows",
    "names",
    "pad_sequences",
    "read_ts",
    "scaler_from_dict",
    "spec",
    "split_arrays",
    "split_indices",
    "takes_length",
    "tokenizer_from_dict",
    "unpad",
    "whole_file",
]
