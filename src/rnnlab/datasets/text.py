"""From raw text to a :class:`Dataset`: text classification and language modelling.

Both the bundled corpora (``polarity``, ``movie_reviews``, ``shakespeare``) and the user's own
files go through these two functions, so they behave the same way.

* **Classification** — X: a list of ``(time,)`` int64 token-id arrays (lengths differ; at most
  ``max_length``), y: ``(n,)`` class indices. Stratified split; the word vocabulary is fitted on
  the training texts only (val/test words it has not seen map to ``<unk>``), so nothing about
  held-out texts leaks into the model's input coding.
* **Language modelling** — the text is split chronologically (train, then val, then test),
  each part is cut into chunks of ``length + 1`` ids, and X = ``chunk[:-1]``, y = ``chunk[1:]``
  (both ``(n, length)`` int64): predict every next token.

Baseline for both: the training frequencies of the classes (or tokens), scored on the test
split (see :mod:`~rnnlab.datasets.baselines`): accuracy and cross-entropy for classification,
cross-entropy (nats per token) for language modelling.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.datasets._checks import check_choice, check_int, check_ratios
from rnnlab.datasets.baselines import classification_baseline, sequence_baseline
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError
from rnnlab.datasets.transforms.split import split_indices, take
from rnnlab.datasets.transforms.tokenizers import CharTokenizer, WordTokenizer


def sorted_labels(labels: Any) -> list[str]:
    """Distinct labels, in numeric order when all of them are integers, else alphabetical.

    Example:
        >>> sorted_labels(["10", "9", "10"]), sorted_labels(["pos", "neg"])
        (['9', '10'], ['neg', 'pos'])
    """
    distinct = sorted(set(labels))
    try:
        return sorted(distinct, key=int)
    except ValueError:
        return distinct


def _check_known(name: str, tokenizer: Any, texts: list[str]) -> None:
    """Refuse, in one sentence, tokens a fitted tokenizer without ``<unk>`` cannot encode."""
    if tokenizer.oov_id is not None:
        return
    unknown = sorted({t for text in texts for t in tokenizer.tokens(text)} - set(tokenizer.index))
    if unknown:
        shown = ", ".join(map(repr, unknown[:5])) + (", …" if len(unknown) > 5 else "")
        raise DataError(f"{name}: holds {len(unknown)} {tokenizer.level}s the model's "
                        f"tokenizer has no id for ({shown}); it only reads the "
                        f"{tokenizer.level}s of the text it was trained on")


def _vocab_size(owner: str, vocab_size: Any) -> int | None:
    return None if vocab_size is None else check_int(owner, "vocab_size", vocab_size, minimum=3)


def text_classification_dataset(name: str, texts: list[str], labels: list[str], *,
                                level: str = "word", vocab_size: int | None = 20000,
                                max_length: int | None = 200, ratios: Any = (0.8, 0.1, 0.1),
                                seed: int = 0, info: dict[str, Any] | None = None,
                                tokenizer: Any = None) -> Dataset:
    """Tokenise labelled texts into a classification dataset (stratified split).

    ``tokenizer``: an already fitted tokenizer (a trained model's, ``model.tokenizer``) to
    encode with instead of fitting one on the training texts; ``level``, ``vocab_size`` and
    ``max_length`` are then the tokenizer's own, and texts of one class only are accepted
    (data for a trained model to score, not to train on).

    Example:
        >>> texts = ["good film", "bad film", "great fun", "awful mess"] * 5
        >>> labels = ["pos", "neg", "pos", "neg"] * 5
        >>> ds = text_classification_dataset("toy", texts, labels, ratios=(0.6, 0.2, 0.2))
        >>> ds.classes, ds.train[0][0].dtype, len(ds.train[0])
        (['neg', 'pos'], dtype('int64'), 12)
    """
    check_choice(name, "level", level, ("word", "char"))
    vocab_size = _vocab_size(name, vocab_size)
    if max_length is not None:
        max_length = check_int(name, "max_length", max_length, minimum=1)
    ratios = check_ratios(name, ratios)
    seed = check_int(name, "seed", seed, minimum=0)
    if len(texts) != len(labels):
        raise DataError(f"{name}: {len(texts)} texts but {len(labels)} labels")
    classes = sorted_labels(labels)
    if len(classes) < 2 and tokenizer is None:   # with a model's tokenizer: data to score
        found = f"every text has the label {classes[0]!r}" if classes else "there are no texts"
        raise DataError(f"{name}: {found}; a classifier needs at least two classes")
    code = {label: i for i, label in enumerate(classes)}
    y = np.array([code[label] for label in labels], dtype=np.int64)
    parts = split_indices(len(texts), ratios, method="stratified", labels=y, seed=seed)
    if tokenizer is None:
        if level == "word":
            tokenizer = WordTokenizer(vocab_size, max_length=max_length)
        else:
            tokenizer = CharTokenizer(oov_token="<unk>", pad_token="<pad>",
                                      max_length=max_length)
        tokenizer.fit(take(texts, parts[0]))
    level = tokenizer.level
    _check_known(name, tokenizer, texts)
    encoded = tokenizer.encode_batch(texts)
    empty = [i for i, ids in enumerate(encoded) if len(ids) == 0]
    if empty:
        raise DataError(f"{name}: text {empty[0] + 1} has no {level}s; remove empty texts")
    splits = [(take(encoded, i), y[i]) for i in parts]
    info = dict(info or {})
    info.setdefault("level", level)
    return Dataset(name=name, task="classify", train=splits[0], val=splits[1], test=splits[2],
                   baseline=classification_baseline(splits[0][1], splits[2][1], len(classes)),
                   info=info, classes=classes, tokenizer=tokenizer)


def _chunks(ids: np.ndarray, length: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    count = 0 if len(ids) < length + 1 else (len(ids) - length - 1) // stride + 1
    starts = np.arange(count) * stride
    window = starts[:, None] + np.arange(length)[None, :]
    return ids[window], ids[window + 1]


def language_model_dataset(name: str, text: str, *, level: str = "char", length: int = 100,
                           stride: int | None = None, vocab_size: int | None = None,
                           ratios: Any = (0.9, 0.05, 0.05),
                           info: dict[str, Any] | None = None,
                           tokenizer: Any = None) -> Dataset:
    """Next-token prediction chunks from one long text, split chronologically.

    ``level="char"``: the vocabulary is every character of the text (a character set says
    nothing a model could exploit about held-out text, and it keeps ids stable across
    splits). ``level="word"``: the ``vocab_size`` most frequent words of the training part,
    plus ``<unk>``. ``tokenizer``: an already fitted tokenizer (a trained model's) to encode
    with instead; ``level`` is then the tokenizer's.

    Example:
        >>> ds = language_model_dataset("toy", "abcabcabc" * 20, length=8)
        >>> ds.vocab, ds.train[0].shape, ds.train[1][0, :3].tolist()
        (['a', 'b', 'c'], (20, 8), [1, 2, 0])
    """
    check_choice(name, "level", level, ("char", "word"))
    length = check_int(name, "length", length, minimum=1)
    stride = length if stride is None else check_int(name, "stride", stride, minimum=1)
    vocab_size = _vocab_size(name, vocab_size)
    ratios = check_ratios(name, ratios)
    fitted = tokenizer is not None
    if fitted:
        level = tokenizer.level
        _check_known(name, tokenizer, [text])
    elif level == "char":
        tokenizer = CharTokenizer().fit(text)
    else:
        tokenizer = WordTokenizer(vocab_size, pad_token=None)
    tokens: list[str] = tokenizer.tokens(text)
    parts = split_indices(max(len(tokens), 1), ratios, method="block")
    bounds = [0, len(parts[0]), len(parts[0]) + len(parts[1]), len(tokens)]
    if level == "word" and not fitted:
        tokenizer.fit(" ".join(tokens[:bounds[1]]))  # vocabulary from the training part only
    index, oov = tokenizer.index, tokenizer.oov_id
    ids = np.array([index.get(token, oov) for token in tokens], dtype=np.int64)
    splits = []
    for split, low, high, share in zip(("train", "validation", "test"), bounds[:-1], bounds[1:],
                                       ratios, strict=True):
        X, y = _chunks(ids[low:high], length, stride)
        if share > 0 and len(X) == 0:
            raise DataError(f"{name}: the {split} part has {high - low} {level}s, too few for "
                            f"one chunk of length={length} (+1); use a shorter length or more "
                            f"text")
        splits.append((X, y))
    info = dict(info or {})
    info.update({"level": level, "tokens": len(tokens), "stride": stride})
    return Dataset(name=name, task="sequence", train=splits[0], val=splits[1], test=splits[2],
                   baseline=sequence_baseline(splits[0][1], splits[2][1], len(tokenizer.vocab)),
                   info=info, classes=list(tokenizer.vocab), length=length, tokenizer=tokenizer)
