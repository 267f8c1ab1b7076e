"""``generate``: sample text from a trained next-token model, one token at a time.

The model is a per-step token classifier — ``Embedding → RNN/LSTM/GRU(output="sequence") →
Dense(vocab) → Softmax``, as ``rnnlab.build(..., task="sequence", vocab_size=V)`` makes and a
language-modelling dataset (``datasets.load("shakespeare")``) trains. Generation runs on the
model's streaming state (:meth:`~rnnlab.Sequential.predict_and_update_state`): the priming text is
read once, then every sampled token is fed back as the next input, so each step costs one step of
the network however long the text grows.

Sampling from the model's next-token probabilities ``p``:

* **temperature** ``τ``: sample from ``p_i^(1/τ) / Σ_j p_j^(1/τ)`` (that is, ``softmax(logits /
  τ)``). ``τ < 1`` sharpens towards the most likely tokens, ``τ > 1`` flattens towards uniform,
  ``τ = 0`` always takes the most likely one (greedy).
* **top-k**: only the ``k`` most probable tokens may be drawn (the rest get probability 0).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


class _Vocabulary:
    """Text ↔ ids through a tokeniser (``encode``/``decode``) or a plain list of tokens."""

    def __init__(self, tokenizer: Any) -> None:
        if hasattr(tokenizer, "encode") and hasattr(tokenizer, "vocab"):
            self.tokens = list(tokenizer.vocab)
            self.encode = lambda text: np.asarray(tokenizer.encode(text), dtype=np.int64)
            # Word tokenisers join with spaces; characters are joined as they are.
            self.separator = " " if getattr(tokenizer, "level", "char") == "word" else ""
        elif isinstance(tokenizer, Sequence) and not isinstance(tokenizer, str) and all(
                isinstance(token, str) for token in tokenizer):
            self.tokens = list(tokenizer)
            index = {token: i for i, token in enumerate(self.tokens)}
            if any(len(token) != 1 for token in self.tokens):
                raise ValueError("a vocabulary given as a list must hold single characters; "
                                 "pass the tokenizer for word-level models")
            self.encode = lambda text: self._encode_chars(text, index)
            self.separator = ""
        else:
            raise ValueError(f"tokenizer must be a tokenizer with encode() and vocab (such as "
                             f"dataset.tokenizer) or a list of characters, got "
                             f"{type(tokenizer).__name__}")

    @staticmethod
    def _encode_chars(text: str, index: dict[str, int]) -> np.ndarray:
        unknown = sorted({c for c in text if c not in index})
        if unknown:
            raise ValueError(f"prime holds characters the model has no id for: {unknown!r}")
        return np.array([index[c] for c in text], dtype=np.int64)


def _check(model: Any, vocabulary: _Vocabulary, length: Any, temperature: Any,
           top_k: Any) -> None:
    from rnnlab.models.sequential import Sequential

    if not isinstance(model, Sequential):
        raise ValueError(f"model must be an rnnlab.Sequential, got {type(model).__name__}")
    if not (model.tokens and model.is_classifier and model.output_mode == "sequence"):
        raise ValueError("generate() needs a next-token model: Embedding first, a recurrent "
                         "layer with output='sequence', then Dense(vocab) and Softmax (e.g. "
                         "rnnlab.build(cell, task='sequence', vocab_size=V, ...))")
    if model.output_units != len(vocabulary.tokens) or model.vocab_size != len(
            vocabulary.tokens):
        raise ValueError(f"the model reads {model.vocab_size} and predicts "
                         f"{model.output_units} token ids but the tokenizer has "
                         f"{len(vocabulary.tokens)}; use the tokenizer it was trained with")
    if isinstance(length, bool) or not isinstance(length, numbers.Integral) or length < 0:
        raise ValueError(f"length must be a non-negative integer, got {length!r}")
    if (isinstance(temperature, bool) or not isinstance(temperature, numbers.Real)
            or not 0 <= temperature < float("inf")):
        raise ValueError(f"temperature must be a number ≥ 0 (0: always the most likely "
                         f"token), got {temperature!r}")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral)
                              or top_k < 1):
        raise ValueError(f"top_k must be None or a positive integer, got {top_k!r}")


def sample(probabilities: np.ndarray, temperature: float = 1.0, top_k: int | None = None,
           rng: np.random.Generator | None = None) -> int:
    """Draw one token id from next-token ``probabilities`` ``(vocab,)``.

    Example:
        >>> p = np.array([0.1, 0.6, 0.3])
        >>> sample(p, temperature=0)            # greedy
        1
        >>> sample(p, top_k=1, rng=np.random.default_rng(0))
        1
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(p))
    # Work in log space: p^(1/τ) underflows for small τ long before log p / τ does.
    logits = np.log(np.maximum(p, 1e-300)) / temperature
    if top_k is not None and top_k < len(p):
        cutoff = np.partition(logits, -top_k)[-top_k]
        logits = np.where(logits >= cutoff, logits, -np.inf)
    weights = np.exp(logits - logits.max())
    rng = np.random.default_rng() if rng is None else rng
    return int(rng.choice(len(p), p=weights / weights.sum()))


def generate(model: Any, prime: str = "\n", length: int = 200, *, tokenizer: Any = None,
             temperature: float = 1.0, top_k: int | None = None, seed: int | None = None,
             stream: Callable[[str], Any] | None = None) -> str:
    """Continue ``prime`` with ``length`` tokens sampled from ``model``.

    Args:
        model: a trained next-token model (see the module docstring); its streaming state is
            reset before and after.
        prime: text to start from; it is read through the model first, so the continuation
            follows on from it. The default, a newline, starts a fresh line.
        length: tokens to generate (characters for a character model).
        tokenizer: the tokenizer the model was trained with (``dataset.tokenizer``), or the
            list of its characters (``dataset.vocab``). Defaults to ``model.tokenizer`` when
            the model carries one.
        temperature: ``τ`` ≥ 0 — below 1 safer and more repetitive, above 1 more surprising;
            0 is greedy.
        top_k: sample only among the ``k`` most likely tokens (``None``: all).
        seed: makes the sample reproducible (``None``: a fresh one every call).
        stream: called with the text of each token as soon as it is drawn, e.g.
            ``lambda s: print(s, end="", flush=True)``.

    Returns:
        the generated text, without the prime.

    Example:
        >>> import rnnlab
        >>> from rnnlab.generation import generate
        >>> model = rnnlab.build("gru", input_size=4, hidden_size=8, output_size=3,
        ...                      task="sequence", vocab_size=3)
        >>> text = generate(model, "ab", length=5, tokenizer=["a", "b", "c"], seed=0)
        >>> len(text), set(text) <= {"a", "b", "c"}
        (5, True)
    """
    if tokenizer is None:
        tokenizer = getattr(model, "tokenizer", None)
        if tokenizer is None:
            raise ValueError("generate() needs the tokenizer the model was trained with: train "
                             "with rnnlab.train(model, dataset, …) or call "
                             "model.remember_data(dataset), or pass tokenizer=dataset.tokenizer")
    vocabulary = _Vocabulary(tokenizer)
    _check(model, vocabulary, length, temperature, top_k)
    ids = vocabulary.encode(prime)
    if len(ids) == 0:
        raise ValueError(f"prime {prime!r} holds no tokens; give the model some text to start "
                         f"from")
    rng = np.random.default_rng(seed)
    pieces: list[str] = []
    model.reset_state()
    try:
        # One batch row; the prime in one chunk, then one token per call.
        probabilities = model.predict_and_update_state(ids[None, :])[0, -1]     # (vocab,)
        for step in range(length):
            token = sample(probabilities, temperature, top_k, rng)
            piece = vocabulary.tokens[token]
            if vocabulary.separator and (step > 0 or prime):
                piece = vocabulary.separator + piece
            pieces.append(piece)
            if stream is not None:
                stream(piece)
            if step + 1 < length:
                probabilities = model.predict_and_update_state(np.array([token]))[0]
    finally:
        model.reset_state()
    return "".join(pieces)
