"""Character and word tokenisers: text ↔ integer ids, serialisable to plain JSON.

Ids index the vocabulary list. Special tokens come first: ``pad_token`` (id 0, when set) and
``oov_token`` (the id every unknown token maps to, when set). Without an ``oov_token``, an unknown
token is an error rather than silently dropped.

The word tokeniser lower-cases (by default) and splits text into words and single punctuation
marks with the pattern ``[\\w']+|[^\\w\\s]``; it keeps the ``vocab_size − specials`` most frequent
words of the texts it is fitted on (ties broken alphabetically, so the vocabulary is
reproducible). ``max_length`` truncates encoded sequences: ``truncate="pre"`` drops tokens from
the start and keeps the end (as Keras's ``pad_sequences`` does by default), ``"post"`` keeps the
start.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError

WORD_PATTERN = re.compile(r"[\w']+|[^\w\s]")


class _Tokenizer:
    level = ""

    def __init__(self, *, oov_token: str | None, pad_token: str | None, max_length: int | None,
                 truncate: str) -> None:
        if max_length is not None and (not isinstance(max_length, int) or max_length < 1):
            raise DataError(f"max_length must be a positive integer or None, got {max_length!r}")
        if truncate not in ("pre", "post"):
            raise DataError(f"truncate must be 'pre' or 'post', got {truncate!r}")
        if oov_token is not None and oov_token == pad_token:
            raise DataError("oov_token and pad_token must differ")
        self.oov_token, self.pad_token = oov_token, pad_token
        self.max_length, self.truncate = max_length, truncate
        self.vocab: list[str] = []
        self.index: dict[str, int] = {}

    @property
    def specials(self) -> list[str]:
        return [t for t in (self.pad_token, self.oov_token) if t is not None]

    @property
    def pad_id(self) -> int | None:
        """Id of the padding token, or ``None``."""
        return None if self.pad_token is None else self.index.get(self.pad_token)

    @property
    def oov_id(self) -> int | None:
        """Id unknown tokens map to, or ``None`` (unknown tokens are then an error)."""
        return None if self.oov_token is None else self.index.get(self.oov_token)

    def __len__(self) -> int:
        return len(self.vocab)

    def _set_vocab(self, tokens: Iterable[str]) -> None:
        vocab = list(self.specials)
        seen = set(vocab)
        for token in tokens:
            if token not in seen:
                vocab.append(token)
                seen.add(token)
        self.vocab = vocab
        self.index = {token: i for i, token in enumerate(vocab)}

    def tokens(self, text: str) -> list[str]:
        raise NotImplementedError

    def encode(self, text: str) -> np.ndarray:
        """Token ids of ``text``, shape ``(time,)`` int64, truncated to ``max_length``."""
        if not self.vocab:
            raise DataError(f"{type(self).__name__} has no vocabulary; call fit(texts) first")
        tokens = self.tokens(text)
        if self.max_length is not None and len(tokens) > self.max_length:
            tokens = (tokens[-self.max_length:] if self.truncate == "pre"
                      else tokens[:self.max_length])
        oov = self.oov_id
        ids = [self.index.get(token, -1) for token in tokens]
        if oov is not None:
            ids = [oov if i < 0 else i for i in ids]
        elif -1 in ids:
            unknown = tokens[ids.index(-1)]
            raise DataError(f"{self.level} {unknown!r} is not in the vocabulary and the "
                            f"tokeniser has no oov_token")
        return np.array(ids, dtype=np.int64)

    def encode_batch(self, texts: Iterable[str]) -> list[np.ndarray]:
        """:meth:`encode` for each text."""
        return [self.encode(text) for text in texts]

    def decode(self, ids: Sequence[int] | np.ndarray) -> str:
        """Text for ``ids``; padding ids are skipped."""
        pad = self.pad_id
        try:
            tokens = [self.vocab[int(i)] for i in np.asarray(ids).reshape(-1) if int(i) != pad]
        except IndexError:
            raise DataError(f"ids must lie in 0…{len(self.vocab) - 1}") from None
        return self._join(tokens)

    def _join(self, tokens: list[str]) -> str:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state: level, vocabulary and options."""
        return {"type": self.level, "vocab": list(self.vocab), "oov_token": self.oov_token,
                "pad_token": self.pad_token, "max_length": self.max_length,
                "truncate": self.truncate, **self._extra_state()}

    def _extra_state(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(vocab_size={len(self.vocab)})"


class CharTokenizer(_Tokenizer):
    """One id per character.

    Example:
        >>> tok = CharTokenizer().fit(["hello"])
        >>> tok.vocab, tok.encode("hole").tolist(), tok.decode([3, 1])
        (['e', 'h', 'l', 'o'], [1, 3, 2, 0], 'oh')
    """

    level = "char"

    def __init__(self, *, oov_token: str | None = None, pad_token: str | None = None,
                 max_length: int | None = None, truncate: str = "pre") -> None:
        super().__init__(oov_token=oov_token, pad_token=pad_token, max_length=max_length,
                         truncate=truncate)

    def fit(self, texts: str | Iterable[str]) -> CharTokenizer:
        """Vocabulary = specials, then every character seen, in code-point order."""
        chars: set[str] = set()
        for text in [texts] if isinstance(texts, str) else texts:
            chars.update(text)
        self._set_vocab(sorted(chars - set(self.specials)))
        return self

    def tokens(self, text: str) -> list[str]:
        return list(text)

    def _join(self, tokens: list[str]) -> str:
        return "".join(tokens)


class WordTokenizer(_Tokenizer):
    """One id per word or punctuation mark, keeping the most frequent ``vocab_size`` tokens.

    ``vocab_size`` counts the special tokens; ``None`` keeps every word seen ``min_count`` times.

    Example:
        >>> tok = WordTokenizer(vocab_size=4).fit(["a good film", "a bad film", "a film"])
        >>> tok.vocab
        ['<pad>', '<unk>', 'a', 'film']
        >>> tok.encode("A good film!").tolist()
        [2, 1, 3, 1]
    """

    level = "word"

    def __init__(self, vocab_size: int | None = None, *, oov_token: str | None = "<unk>",
                 pad_token: str | None = "<pad>", max_length: int | None = None,
                 truncate: str = "pre", lower: bool = True, min_count: int = 1) -> None:
        super().__init__(oov_token=oov_token, pad_token=pad_token, max_length=max_length,
                         truncate=truncate)
        specials = len(self.specials)
        if vocab_size is not None and (not isinstance(vocab_size, int)
                                       or vocab_size <= specials):
            raise DataError(f"vocab_size must be an integer above {specials} (the special "
                            f"tokens) or None, got {vocab_size!r}")
        if not isinstance(min_count, int) or min_count < 1:
            raise DataError(f"min_count must be a positive integer, got {min_count!r}")
        self.vocab_size, self.lower, self.min_count = vocab_size, bool(lower), min_count

    def tokens(self, text: str) -> list[str]:
        return WORD_PATTERN.findall(text.lower() if self.lower else text)

    def fit(self, texts: str | Iterable[str]) -> WordTokenizer:
        """Count tokens in ``texts`` and keep the most frequent ones."""
        counts: Counter[str] = Counter()
        for text in [texts] if isinstance(texts, str) else texts:
            counts.update(self.tokens(text))
        for special in self.specials:
            counts.pop(special, None)
        ranked = sorted((item for item in counts.items() if item[1] >= self.min_count),
                        key=lambda item: (-item[1], item[0]))
        keep = None if self.vocab_size is None else self.vocab_size - len(self.specials)
        self._set_vocab(word for word, _ in ranked[:keep])
        return self

    def _join(self, tokens: list[str]) -> str:
        return " ".join(tokens)

    def _extra_state(self) -> dict[str, Any]:
        return {"vocab_size": self.vocab_size, "lower": self.lower, "min_count": self.min_count}


def tokenizer_from_dict(state: dict[str, Any]) -> CharTokenizer | WordTokenizer:
    """Rebuild a tokeniser from :meth:`to_dict` output.

    Example:
        >>> tok = tokenizer_from_dict(CharTokenizer().fit("abc").to_dict())
        >>> tok.encode("cab").tolist()
        [2, 0, 1]
    """
    try:
        common = {"oov_token": state["oov_token"], "pad_token": state["pad_token"],
                  "max_length": state["max_length"], "truncate": state["truncate"]}
        if state["type"] == "char":
            tokenizer: CharTokenizer | WordTokenizer = CharTokenizer(**common)
        elif state["type"] == "word":
            tokenizer = WordTokenizer(state.get("vocab_size"), lower=state.get("lower", True),
                                      min_count=state.get("min_count", 1), **common)
        else:
            raise DataError(f"unknown tokenizer type {state['type']!r}; expected 'char' or "
                            f"'word'")
        vocab = [str(token) for token in state["vocab"]]
    except (KeyError, TypeError) as error:
        raise DataError(f"tokenizer state is malformed (missing or bad {error}); expected the "
                        f"output of to_dict()") from None
    if len(set(vocab)) != len(vocab) or vocab[:len(tokenizer.specials)] != tokenizer.specials:
        raise DataError("tokenizer state is malformed: the vocabulary must list the special "
                        "tokens first and no token twice")
    tokenizer.vocab = vocab
    tokenizer.index = {token: i for i, token in enumerate(vocab)}
    return tokenizer
