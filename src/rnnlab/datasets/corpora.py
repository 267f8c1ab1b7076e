"""Text corpora read from ``$RNNLAB_DATA`` or a one-time download (never shipped).

* ``shakespeare`` — Karpathy's tiny-shakespeare (1,115,394 characters, 65 distinct):
  character-level language modelling.
* ``polarity`` — Pang & Lee sentence polarity v1.0: 5,331 positive and 5,331 negative
  movie-review snippets; word-level sentiment classification.
* ``movie_reviews`` — Pang & Lee polarity v2.0: 1,000 positive and 1,000 negative full
  reviews (about 700 words each); word-level sentiment classification of long texts.

File locations and downloads: :mod:`~rnnlab.datasets.fetch`. Layout of X and y:
:mod:`~rnnlab.datasets.text`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError
from rnnlab.datasets.fetch import locate
from rnnlab.datasets.files._read import decode, read_text
from rnnlab.datasets.registry import register
from rnnlab.datasets.text import language_model_dataset, text_classification_dataset

POLARITY_LICENCE = "CC BY 4.0, Copyright (C) 2005 Bo Pang and Lillian Lee"
REVIEWS_LICENCE = "CC BY 4.0, Copyright (C) 2004 Bo Pang and Lillian Lee"


def read_zip(path: Path, wanted: Any) -> dict[str, str]:
    """UTF-8 texts of the members of zip ``path`` for which ``wanted(member_name)`` is true.

    Example:
        >>> read_zip(Path("absent.zip"), lambda name: True)
        Traceback (most recent call last):
        ...
        rnnlab.datasets.errors.DataError: absent.zip: no such file
    """
    where = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/") and wanted(n)]
            return {name: decode(archive.read(name), f"{where}:{name}") for name in names}
    except FileNotFoundError:
        raise DataError(f"{where}: no such file") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError):
        raise DataError(f"{where}: not a valid zip file") from None


@register("shakespeare", kind="text", task="sequence",
          summary="tiny-shakespeare, character-level language modelling")
def shakespeare(*, length: int = 100, stride: int | None = None,
                ratios: Any = (0.9, 0.05, 0.05), download: bool = True) -> Dataset:
    """Predict the next character of Shakespeare: chunks of ``length`` characters.

    The text is split chronologically (90/5/5 %). X and y ``(n, length)`` int64 character
    ids, y shifted one step ahead; ``ds.tokenizer.decode(ids)`` gives the text back. The
    vocabulary is the 65 characters of the corpus.

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("shakespeare", length=64)  # doctest: +SKIP
        >>> ds.vocab_size, ds.tokenizer.decode(ds.train[0][0][:14])  # doctest: +SKIP
        (65, 'First Citizen:')
    """
    path = locate("shakespeare", download=download)
    info = {
        "description": "tiny-shakespeare (1,115,394 characters), character level",
        "source": "Karpathy, char-rnn, data/tinyshakespeare/input.txt (commit 6f9487a)",
        "licence": "MIT (char-rnn); Shakespeare's text is in the public domain",
        "path": str(path),
    }
    return language_model_dataset("shakespeare", read_text(path), level="char", length=length,
                                  stride=stride, ratios=ratios, info=info)


@register("polarity", kind="text", task="classify",
          summary="Pang & Lee sentence polarity v1.0: 10,662 review snippets, pos/neg")
def polarity(*, vocab_size: int | None = 20000, max_length: int | None = 60,
             level: str = "word", ratios: Any = (0.8, 0.1, 0.1), seed: int = 0,
             download: bool = True) -> Dataset:
    """Sentiment of one-sentence movie-review snippets: 5,331 positive, 5,331 negative.

    Stratified split; vocabulary from the training texts. X is a list of ``(time,)`` int64
    token-id arrays (at most ``max_length``), y ``(n,)`` int64 with classes ``neg``, ``pos``.

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("polarity")  # doctest: +SKIP
        >>> sum(ds.sizes().values()), ds.classes  # doctest: +SKIP
        (10662, ['neg', 'pos'])
    """
    path = locate("polarity", download=download)
    members = read_zip(path, lambda name: name.endswith((".pos", ".neg")))
    texts: list[str] = []
    labels: list[str] = []
    for label in ("neg", "pos"):
        member = f"sentence_polarity/rt-polarity.{label}"
        if member not in members:
            raise DataError(f"{path}: has no {member}; expected NLTK's sentence_polarity.zip")
        lines = [line for line in members[member].split("\n") if line.strip()]
        texts += lines
        labels += [label] * len(lines)
    info = {
        "description": "Pang & Lee sentence polarity v1.0: movie-review snippets, pos/neg",
        "source": "Pang & Lee (ACL 2005), NLTK data sentence_polarity.zip",
        "licence": POLARITY_LICENCE,
        "path": str(path),
    }
    return text_classification_dataset("polarity", texts, labels, level=level,
                                        vocab_size=vocab_size, max_length=max_length,
                                        ratios=ratios, seed=seed, info=info)


@register("movie_reviews", kind="text", task="classify",
          summary="Pang & Lee polarity v2.0: 2,000 full movie reviews, pos/neg")
def movie_reviews(*, vocab_size: int | None = 30000, max_length: int | None = 400,
                  level: str = "word", ratios: Any = (0.8, 0.1, 0.1), seed: int = 0,
                  download: bool = True) -> Dataset:
    """Sentiment of full movie reviews: 1,000 positive, 1,000 negative.

    Reviews are long (≈ 700 words); ``max_length`` keeps the *last* tokens, where reviewers
    tend to sum up. X is a list of ``(time,)`` int64 arrays; y ``(n,)`` int64.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("movie_reviews").sizes()  # doctest: +SKIP
        {'train': 1600, 'val': 200, 'test': 200}
    """
    path = locate("movie_reviews", download=download)
    members = read_zip(path, lambda name: name.endswith(".txt"))
    texts: list[str] = []
    labels: list[str] = []
    for name in sorted(members):
        parts = name.split("/")
        if len(parts) == 3 and parts[1] in ("pos", "neg"):
            texts.append(members[name].replace("\n", " "))
            labels.append(parts[1])
    if not texts:
        raise DataError(f"{path}: holds no pos/*.txt or neg/*.txt reviews; expected NLTK's "
                        f"movie_reviews.zip")
    info = {
        "description": "Pang & Lee polarity v2.0: 2,000 full movie reviews, pos/neg",
        "source": "Pang & Lee (ACL 2004), NLTK data movie_reviews.zip",
        "licence": REVIEWS_LICENCE,
        "path": str(path),
    }
    return text_classification_dataset("movie_reviews", texts, labels, level=level,
                                        vocab_size=vocab_size, max_length=max_length,
                                        ratios=ratios, seed=seed, info=info)
