"""Transforms between raw data and what a recurrent network takes.

* :mod:`~rnnlab.datasets.transforms.split` — train/val/test splits (random, stratified, block);
* :mod:`~rnnlab.datasets.transforms.scalers` — z-score and min-max scaling, fitted on training
  data only and stored as JSON;
* :mod:`~rnnlab.datasets.transforms.tokenizers` — character and word tokenisers;
* :mod:`~rnnlab.datasets.transforms.padding` — padding with lengths, length bucketing;
* :mod:`~rnnlab.datasets.transforms.windows` — forecasting windows.
"""

from rnnlab.datasets.transforms.padding import bucket_by_length, pad_sequences, unpad
from rnnlab.datasets.transforms.scalers import (
    MinMaxScaler,
    StandardScaler,
    make_scaler,
    scaler_from_dict,
)
from rnnlab.datasets.transforms.split import split_arrays, split_indices, take
from rnnlab.datasets.transforms.tokenizers import (
    CharTokenizer,
    WordTokenizer,
    tokenizer_from_dict,
)
from rnnlab.datasets.transforms.windows import make_windows, window_times

__all__ = [
    "CharTokenizer",
    "MinMaxScaler",
    "StandardScaler",
    "WordTokenizer",
    "bucket_by_length",
    "make_scaler",
    "make_windows",
    "pad_sequences",
    "scaler_from_dict",
    "split_arrays",
    "split_indices",
    "take",
    "tokenizer_from_dict",
    "unpad",
    "window_times",
]
