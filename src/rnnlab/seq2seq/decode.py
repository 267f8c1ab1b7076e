"""Decoding a trained :class:`~rnnlab.seq2seq.model.Seq2Seq`: greedy and beam search, and the
exact-match accuracy they are scored by.

* **Greedy**: at each step take the most probable token and feed it back, until ``<eos>``.
* **Beam search** (width ``k``): keep the ``k`` partial outputs with the highest total
  log-probability ``Σ_t log p(y_t | y_<t, x)``; at each step extend each by every token, keep the
  best ``k`` of the ``k·V`` extensions; an output ending in ``<eos>`` is finished and waits.
  Search stops when the best finished output scores at least as well as every unfinished one
  (log-probabilities only fall as an output grows, so none of those can overtake it), or at
  ``max_length``. With ``k = 1`` it takes exactly the greedy path.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from rnnlab.seq2seq.data import Vocabulary
from rnnlab.seq2seq.model import Seq2Seq


def _source(vocab: Vocabulary, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    ids, lengths = vocab.batch(texts)
    return torch.from_numpy(ids), torch.from_numpy(lengths)


def _select(state, index: torch.Tensor):
    """Rows ``index`` of a decoder state (GRU ``h`` or LSTM ``(h, c)``, batch on axis 1)."""
    if isinstance(state, tuple):
        return tuple(s[:, index] for s in state)
    return state[:, index]


@torch.no_grad()
def greedy_decode(model: Seq2Seq, vocab: Vocabulary, texts: Sequence[str],
                  max_length: int = 20) -> list[str]:
    """The greedy output for each source text, decoded as one batch.

    Example:
        >>> model = Seq2Seq(len(Vocabulary()), hidden_size=8)
        >>> len(greedy_decode(model, Vocabulary(), ["3 March 2021", "03/03/21"]))
        2
    """
    model.eval()
    src, lengths = _source(vocab, texts)
    keys, mask, state = model.encode(src, lengths)
    token = torch.full((len(texts),), vocab.SOS, dtype=torch.long)
    outputs = []
    for _ in range(max_length):
        logits, state, _ = model.step(token, state, keys, mask)
        # log_softmax then argmax, as beam search ranks: the two agree at width 1.
        token = torch.log_softmax(logits, dim=-1).argmax(dim=-1)
        outputs.append(token)
        if bool((torch.stack(outputs, dim=1) == vocab.EOS).any(dim=1).all()):
            break
    ids = torch.stack(outputs, dim=1).tolist()
    return [vocab.decode(row) for row in ids]


@torch.no_grad()
def beam_decode(model: Seq2Seq, vocab: Vocabulary, text: str, beam_size: int = 5,
                max_length: int = 20) -> list[tuple[str, float]]:
    """Beam search for one source text: up to ``beam_size`` ``(output, log-probability)``
    pairs, best first.

    Example:
        >>> model = Seq2Seq(len(Vocabulary()), hidden_size=8)
        >>> len(beam_decode(model, Vocabulary(), "3 March 2021", beam_size=3)) <= 3
        True
    """
    if isinstance(beam_size, bool) or not isinstance(beam_size, int) or beam_size < 1:
        raise ValueError(f"beam_size must be a positive integer, got {beam_size!r}")
    model.eval()
    src, lengths = _source(vocab, [text])
    keys, mask, state = model.encode(src, lengths)
    # The live beams run as one batch: row b is beam b.
    scores = torch.zeros(1)
    tokens: list[list[int]] = [[]]
    last = torch.tensor([vocab.SOS])
    finished: list[tuple[list[int], float]] = []
    for _ in range(max_length):
        rows = len(tokens)
        logits, state, _ = model.step(last, state, keys.expand(rows, -1, -1),
                                      mask.expand(rows, -1))
        total = scores[:, None] + torch.log_softmax(logits, dim=-1)        # (rows, V)
        best, flat = total.flatten().topk(min(beam_size, total.numel()))
        beam, token = flat // total.shape[1], flat % total.shape[1]
        keep = []
        for score, b, t in zip(best.tolist(), beam.tolist(), token.tolist(), strict=True):
            if t == vocab.EOS:
                finished.append((tokens[b], score))
            else:
                keep.append((score, b, t))
        # Stop once no live beam can beat the best finished output (scores only fall).
        if not keep or (finished and max(s for _, s in finished) >= keep[0][0]):
            break
        index = torch.tensor([b for _, b, _ in keep])
        tokens = [tokens[b] + [t] for _, b, t in keep]
        scores = torch.tensor([s for s, _, _ in keep])
        last = torch.tensor([t for _, _, t in keep])
        state = _select(state, index)
    else:
        finished += [(tok, float(s)) for tok, s in zip(tokens, scores.tolist(), strict=True)]
    finished.sort(key=lambda item: -item[1])
    return [(vocab.decode(ids), score) for ids, score in finished[:beam_size]]


def beam_search(model: Seq2Seq, vocab: Vocabulary, texts: Sequence[str], beam_size: int = 5,
                max_length: int = 20) -> list[str]:
    """The best beam-search output for each source text."""
    return [beam_decode(model, vocab, text, beam_size, max_length)[0][0] for text in texts]


def exact_match(predicted: Sequence[str], expected: Sequence[str]) -> float:
    """Share of outputs equal to their target, character for character.

    Example:
        >>> exact_match(["2021-03-03", "2021-03-04"], ["2021-03-03", "2021-03-03"])
        0.5
    """
    if len(predicted) != len(expected):
        raise ValueError(f"{len(predicted)} outputs but {len(expected)} targets")
    return float(np.mean([p == e for p, e in zip(predicted, expected, strict=True)]))
