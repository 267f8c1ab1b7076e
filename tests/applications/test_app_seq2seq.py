"""Encoder–decoder date normalisation: the data, the model's masking, decoding, and learning."""

import datetime as dt

import pytest
import torch

from rnnlab import seq2seq
from rnnlab.seq2seq.data import FORMATS


def test_every_format_writes_the_same_date_and_the_target_is_iso():
    date = dt.date(2021, 3, 3)
    written = {name: fmt(date) for name, fmt in FORMATS.items()}
    assert written["d month yyyy"] == "3 March 2021"
    assert written["mon d, yyyy"] == "Mar 3, 2021"
    assert written["dd/mm/yy"] == "03/03/21"
    assert written["weekday, dth of month yyyy"] == "Wednesday, 3rd of March 2021"
    vocab = seq2seq.Vocabulary()
    for text in written.values():
        assert vocab.decode(vocab.encode(text)) == text
    pairs = seq2seq.make_pairs(500, "all", seed=4)
    assert all(dt.date.fromisoformat(t) for _, t in pairs)
    assert pairs == seq2seq.make_pairs(500, "all", seed=4)
    with pytest.raises(ValueError, match="unknown date formats"):
        seq2seq.make_pairs(3, ["dd-mm"])


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("attention", [None, "bahdanau", "luong"])
def test_padding_changes_nothing(cell, attention):
    """A source decodes to the same logits alone and in a batch beside a longer one."""
    vocab = seq2seq.Vocabulary()
    model = seq2seq.Seq2Seq(len(vocab), cell=cell, hidden_size=8, attention=attention).eval()
    sources, targets = ["1 May 1999", "Wednesday, 3rd of March 2021"], ["1999-05-01"] * 2
    src, lengths = vocab.batch(sources)
    tgt, _ = vocab.batch(targets)
    decoder_input = torch.cat([torch.ones(2, 1, dtype=torch.long),
                               torch.from_numpy(tgt)[:, :-1]], dim=1)
    with torch.no_grad():
        both = model(torch.from_numpy(src), torch.from_numpy(lengths), decoder_input)
        alone_src, alone_len = vocab.batch(sources[:1])
        alone = model(torch.from_numpy(alone_src), torch.from_numpy(alone_len),
                      decoder_input[:1])
    torch.testing.assert_close(both[:1], alone, rtol=1e-5, atol=1e-6)


def test_attention_ignores_padding():
    attention = seq2seq.Attention("bahdanau", 4)
    keys = torch.randn(2, 5, 4)
    mask = torch.tensor([[True] * 5, [True, True, False, False, False]])
    _, weights = attention(torch.randn(2, 4), keys, mask)
    assert torch.all(weights[1, 2:] == 0)
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(2))


@pytest.fixture(scope="module")
def trained():
    torch.set_num_threads(1)
    vocab = seq2seq.Vocabulary()
    model = seq2seq.Seq2Seq(len(vocab), cell="gru", hidden_size=64, attention="bahdanau")
    seq2seq.fit(model, vocab, seq2seq.make_pairs(2000, "easy", seed=0), epochs=6)
    return model, vocab


def test_learns_the_easy_formats(trained):
    model, vocab = trained
    test = seq2seq.make_pairs(100, "easy", seed=99)
    outputs = seq2seq.greedy_decode(model, vocab, [s for s, _ in test])
    # Chance is 1 in 36,525 dates.
    assert seq2seq.exact_match(outputs, [t for _, t in test]) > 0.6


def test_beam_of_one_is_greedy_and_wider_beams_rank_their_outputs(trained):
    model, vocab = trained
    sources = [s for s, _ in seq2seq.make_pairs(40, "all", seed=7)]
    greedy = seq2seq.greedy_decode(model, vocab, sources)
    assert seq2seq.beam_search(model, vocab, sources, beam_size=1) == greedy
    ranked = seq2seq.beam_decode(model, vocab, sources[0], beam_size=4)
    assert 1 <= len(ranked) <= 4
    scores = [score for _, score in ranked]
    assert scores == sorted(scores, reverse=True) and all(s <= 0 for s in scores)


def test_seq2seq_example_runs_end_to_end(example, capsys):
    summary = example("seq2seq_dates").main(
        ["--formats", "easy", "--train-size", "2000", "--epochs", "6", "--hidden", "48",
         "--learning-rate", "0.005", "--test-size", "25", "--beam", "3", "--attention", "luong",
         "--cell", "lstm"])
    out = capsys.readouterr().out
    assert "exact match" in out and "beam 3" in out
    assert summary["easy_greedy"] > 0.3, summary["easy_greedy"]
    assert summary["losses"][-1] < summary["losses"][0] / 3
