"""Sequence-to-sequence transduction with an encoder–decoder (GRU or LSTM, optional Bahdanau or
Luong attention), on ``torch.nn`` only.

>>> from rnnlab import seq2seq
>>> vocab = seq2seq.Vocabulary()
>>> pairs = seq2seq.make_pairs(4, "easy", seed=0)           # ("3 March 2021", "2021-03-03")…
>>> model = seq2seq.Seq2Seq(len(vocab), cell="gru", hidden_size=16, attention="bahdanau")
>>> losses = seq2seq.fit(model, vocab, pairs, epochs=1)
>>> outputs = seq2seq.greedy_decode(model, vocab, [s for s, _ in pairs])
>>> 0.0 <= seq2seq.exact_match(outputs, [t for _, t in pairs]) <= 1.0
True

* :mod:`~rnnlab.seq2seq.data` — the date-normalisation task and the character vocabulary;
* :mod:`~rnnlab.seq2seq.model` — encoder, attention, decoder;
* :mod:`~rnnlab.seq2seq.train` — teacher-forced training;
* :mod:`~rnnlab.seq2seq.decode` — greedy and beam-search decoding, exact-match accuracy.
"""

from rnnlab.seq2seq.data import EASY, FORMATS, HARD, Vocabulary, make_pairs
from rnnlab.seq2seq.decode import beam_decode, beam_search, exact_match, greedy_decode
from rnnlab.seq2seq.model import Attention, Seq2Seq
from rnnlab.seq2seq.train import fit

__all__ = [
    "EASY",
    "FORMATS",
    "HARD",
    "Attention",
    "Seq2Seq",
    "Vocabulary",
    "beam_decode",
    "beam_search",
    "exact_match",
    "fit",
    "greedy_decode",
    "make_pairs",
]
