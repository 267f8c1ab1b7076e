"""Teacher-forced training of a :class:`~rnnlab.seq2seq.model.Seq2Seq` on (source, target)
text pairs.

Teacher forcing: at every output step the decoder is fed the *true* previous character, not its
own guess, so all steps of a batch learn at once and early mistakes do not derail the rest. The
loss is the mean cross-entropy over the target characters and the final ``<eos>`` (padding is
ignored). Adam, gradient norm clipped at 1, batches reshuffled every epoch from ``seed``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import nn

from rnnlab.seq2seq.data import Vocabulary
from rnnlab.seq2seq.model import Seq2Seq


def _batch(vocab: Vocabulary, pairs: Sequence[tuple[str, str]]) -> tuple[torch.Tensor, ...]:
    """Source ids and lengths, decoder input ``<sos> y_1 … y_n`` and target ``y_1 … y_n
    <eos>`` — all ``(B, ·)`` int64."""
    src, lengths = vocab.batch([s for s, _ in pairs])
    target, _ = vocab.batch([t for _, t in pairs], eos=True)
    decoder_input = np.concatenate([np.full((len(pairs), 1), vocab.SOS), target[:, :-1]], axis=1)
    # An <eos> fed as input only happens past the end of a shorter target: mask it as padding.
    decoder_input[decoder_input == vocab.EOS] = vocab.PAD
    return tuple(torch.from_numpy(a) for a in (src, lengths, decoder_input, target))


def fit(model: Seq2Seq, vocab: Vocabulary, pairs: Sequence[tuple[str, str]], *,
        epochs: int = 10, batch_size: int = 64, learning_rate: float = 0.003, seed: int = 0,
        on_epoch: Callable[[int, float, float], None] | None = None) -> list[float]:
    """Train ``model`` in place; return the mean training loss (nats per character) of each
    epoch. ``on_epoch(epoch, loss, seconds)`` is called after each one.

    Example:
        >>> from rnnlab.seq2seq.data import make_pairs
        >>> vocab = Vocabulary()
        >>> model = Seq2Seq(len(vocab), hidden_size=16)
        >>> losses = fit(model, vocab, make_pairs(64), epochs=2)
        >>> len(losses), losses[1] < losses[0]
        (2, True)
    """
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_fn = nn.CrossEntropyLoss(ignore_index=vocab.PAD)
    rng = np.random.default_rng(seed)
    losses = []
    for epoch in range(epochs):
        model.train()
        start, total, count = time.perf_counter(), 0.0, 0
        order = rng.permutation(len(pairs))
        for first in range(0, len(pairs), batch_size):
            chunk = [pairs[i] for i in order[first:first + batch_size]]
            src, lengths, decoder_input, target = _batch(vocab, chunk)
            logits = model(src, lengths, decoder_input)                 # (B, T, V)
            loss = loss_fn(logits.flatten(0, 1), target.flatten())
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total += loss.item() * len(chunk)
            count += len(chunk)
        losses.append(total / count)
        if on_epoch is not None:
            on_epoch(epoch + 1, losses[-1], time.perf_counter() - start)
    return losses
