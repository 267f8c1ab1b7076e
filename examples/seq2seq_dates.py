"""Sequence to sequence: an encoder–decoder learns to rewrite dates written nine different ways
("3 March 2021", "Mar 3, 2021", "03/03/21", "Wednesday, 3rd of March 2021", …) as "2021-03-03".

    python examples/seq2seq_dates.py [--cell gru|lstm] [--attention bahdanau|luong|none]
        [--train-size 20000] [--epochs 10] [--beam 5]

The pairs are generated (:mod:`rnnlab.seq2seq.data`): dates drawn uniformly from 1950–2049,
each written in a format drawn uniformly from ``--formats`` (``all`` by default: four easy
formats and five hard ones). Training, validation and test pairs come from different seeds.
The model (:mod:`rnnlab.seq2seq.model`, torch only) reads the source one character at a time
and writes the ISO date one character at a time, trained with teacher forcing; it is scored
by **exact match** (the whole output right, character for character) with greedy decoding and
with beam search. Guessing scores 0: there are 36,525 possible answers.
"""

from __future__ import annotations

import argparse
import time

import torch

from rnnlab import seq2seq
from rnnlab.seq2seq.data import FORMATS


def per_format(model, vocab, names: list[str], n: int, seed: int, beam: int) -> list[dict]:
    """Greedy and beam exact match on ``n`` fresh pairs of each format."""
    rows = []
    for k, name in enumerate(names):
        pairs = seq2seq.make_pairs(n, [name], seed=seed + k)
        sources, targets = [s for s, _ in pairs], [t for _, t in pairs]
        greedy = seq2seq.greedy_decode(model, vocab, sources)
        beamed = seq2seq.beam_search(model, vocab, sources, beam_size=beam)
        wrong = [(s, g, t) for s, g, t in zip(sources, greedy, targets, strict=True) if g != t]
        rows.append({"format": name, "easy": name in seq2seq.EASY,
                     "greedy": seq2seq.exact_match(greedy, targets),
                     "beam": seq2seq.exact_match(beamed, targets), "wrong": wrong})
    return rows


def main(argv: list[str] | None = None) -> dict:
    """Train, score every format; return the exact-match figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cell", choices=["gru", "lstm"], default="gru",
                        help="encoder and decoder cell (default: %(default)s)")
    parser.add_argument("--attention", choices=["bahdanau", "luong", "none"],
                        default="bahdanau", help="decoder attention (default: %(default)s)")
    parser.add_argument("--formats", choices=["easy", "hard", "all"], default="all",
                        help="date formats to learn: the four easy, the five hard, or all"
                             " (default: %(default)s)")
    parser.add_argument("--train-size", type=int, default=20000,
                        help="generated training pairs (default: %(default)s)")
    parser.add_argument("--test-size", type=int, default=200, help="test pairs per format")
    parser.add_argument("--epochs", type=int, default=10,
                        help="passes over the training pairs (default: %(default)s)")
    parser.add_argument("--hidden", type=int, default=128,
                        help="hidden units of encoder and decoder (default: %(default)s)")
    parser.add_argument("--embedding", type=int, default=32,
                        help="width of the character embedding (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=64,
                        help="pairs per optimiser step (default: %(default)s)")
    parser.add_argument("--learning-rate", type=float, default=0.003,
                        help="Adam's learning rate (default: %(default)s)")
    parser.add_argument("--beam", type=int, default=5,
                        help="beam width of the beam-search decoder (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="data, initial weights and batch order (default: %(default)s)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)   # a small model on a busy CPU: more threads mostly wait
    vocab = seq2seq.Vocabulary()
    names = list({"easy": seq2seq.EASY, "hard": seq2seq.HARD, "all": FORMATS}[args.formats])
    train = seq2seq.make_pairs(args.train_size, names, seed=args.seed)
    attention = None if args.attention == "none" else args.attention
    model = seq2seq.Seq2Seq(len(vocab), cell=args.cell, embedding_size=args.embedding,
                            hidden_size=args.hidden, attention=attention, seed=args.seed)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{args.cell} encoder–decoder, attention {args.attention}, {parameters:,} parameters; "
          f"{len(train):,} training pairs in {len(names)} formats, e.g. "
          f"{train[0][0]!r} → {train[0][1]!r}")
    start = time.perf_counter()
    losses = seq2seq.fit(model, vocab, train, epochs=args.epochs, batch_size=args.batch_size,
                         learning_rate=args.learning_rate, seed=args.seed,
                         on_epoch=lambda e, loss, s: print(f"  epoch {e}: loss {loss:.4f} "
                                                           f"nats/char  {s:.1f}s"))
    seconds = time.perf_counter() - start
    # Test pairs come from seeds the training pairs never used.
    rows = per_format(model, vocab, names, args.test_size, seed=10_000 + args.seed,
                      beam=args.beam)
    print(f"\nexact match on {args.test_size} fresh dates per format "
          f"(trained {seconds:.0f}s):")
    print(f"  {'format':<36}{'greedy':>8}{f'beam {args.beam}':>8}")
    for row in rows:
        group = "easy" if row["easy"] else "hard"
        print(f"  {row['format'] + f' ({group})':<36}{row['greedy']:>8.3f}{row['beam']:>8.3f}")
    summary = {"seconds": seconds, "losses": losses, "rows": rows, "model": model,
               "vocab": vocab}
    for group in ("easy", "hard"):
        chosen = [r for r in rows if r["easy"] == (group == "easy")]
        if chosen:
            summary[f"{group}_greedy"] = sum(r["greedy"] for r in chosen) / len(chosen)
            summary[f"{group}_beam"] = sum(r["beam"] for r in chosen) / len(chosen)
            print(f"  {'mean over ' + group + ' formats':<36}{summary[f'{group}_greedy']:>8.3f}"
                  f"{summary[f'{group}_beam']:>8.3f}")
    wrong = [w for r in rows for w in r["wrong"]][:5]
    if wrong:
        print("\nsome greedy mistakes (source → output, expected):")
        for source, output, target in wrong:
            print(f"  {source!r} → {output!r}, expected {target!r}")
    return summary


if __name__ == "__main__":
    main()
