"""Speaker recognition from speech features: UCI Japanese Vowels (9 speakers saying /ae/,
12 LPC-cepstrum channels per frame, 7–29 frames), classified by a vanilla RNN, an LSTM and a GRU.

    python examples/speech_vowels.py [--epochs 60] [--hidden 64] [--cells rnn lstm gru]

The data ships with rnnlab. The published split is kept: 270 training utterances (30 per
speaker; 20% of them, stratified by speaker, held out for validation) and 370 test utterances.
Utterances differ in length, so X is a list of ``(frames, 12)`` arrays; rnnlab pads each batch to
its longest utterance and the recurrent layers stop at each one's true end (packed sequences),
so the padding never reaches the prediction. The input layer z-scores each channel with
training statistics. Each model is

    SequenceInput(12, zscore) → RNN/LSTM/GRU(64, last) → Dense(9) → Softmax

and keeps the weights of the epoch with the lowest validation loss. Expect every cell above 90%
test accuracy (guessing the most common speaker scores 8%).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import rnnlab
from rnnlab import datasets


def run(cell: str, ds, args) -> dict:
    """Train one cell and score it on the 370 test utterances."""
    model = rnnlab.build(cell, input_size=12, hidden_size=args.hidden, output_size=9,
                         task="classify", normalization="zscore", seed=args.seed)
    options = rnnlab.TrainingOptions(learning_rate=args.learning_rate, max_epochs=args.epochs,
                                     batch_size=args.batch_size, validation_data=ds.val,
                                     patience=args.patience, gradient_clip=1.0, seed=args.seed,
                                     verbose=args.verbose)
    start = time.perf_counter()
    history = rnnlab.train(model, *ds.train, options)
    seconds = time.perf_counter() - start
    result = model.evaluate(*ds.test)
    return {"cell": cell, "parameters": model.num_parameters(), "accuracy": result["accuracy"],
            "macro_f1": result["macro_f1"], "best_epoch": history.best_epoch,
            "seconds": seconds, "result": result}


def main(argv: list[str] | None = None) -> list[dict]:
    """Train each cell in ``--cells``; return one row of scores per cell (the learn-nothing
    accuracy under ``row["baseline"]``)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", nargs="+", default=["rnn", "lstm", "gru"],
                        choices=["rnn", "lstm", "gru"], help="cells to train, one after another")
    parser.add_argument("--epochs", type=int, default=60,
                        help="at most this many passes over the training utterances"
                             " (default: %(default)s)")
    parser.add_argument("--patience", type=int, default=15,
                        help="stop after this many epochs without a lower validation loss"
                             " (default: %(default)s)")
    parser.add_argument("--hidden", type=int, default=64,
                        help="hidden units of every cell (default: %(default)s)")
    parser.add_argument("--learning-rate", type=float, default=0.005,
                        help="Adam's learning rate (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=16,
                        help="utterances per optimiser step (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="validation split, initial weights and batch order"
                             " (default: %(default)s)")
    parser.add_argument("--verbose", action="store_true", help="show the progress bar")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)   # models this small only wait for cores with more threads
    ds = datasets.load("japanese_vowels", seed=args.seed)
    lengths = ds.lengths("train")
    baseline = ds.baseline["accuracy"]
    print(f"japanese_vowels: {ds.sizes()} utterances of {lengths.min()}–{lengths.max()} frames "
          f"× 12 channels, 9 speakers; learn-nothing accuracy {baseline:.3f}")
    rows = [run(cell, ds, args) for cell in args.cells]
    print(f"\n{'cell':<6}{'params':>8}{'test acc':>10}{'macro F1':>10}{'best ep':>9}"
          f"{'time':>9}")
    for row in rows:
        row["baseline"] = baseline
        print(f"{row['cell']:<6}{row['parameters']:>8,}{row['accuracy']:>10.4f}"
              f"{row['macro_f1']:>10.4f}{row['best_epoch']:>9}{row['seconds']:>8.1f}s")
    best = max(rows, key=lambda r: r["accuracy"])
    print(f"\nconfusion matrix of the {best['cell']} (rows: true speaker, columns: predicted):")
    matrix = np.asarray(best["result"]["confusion_matrix"])
    print("     " + "".join(f"{c:>4}" for c in ds.classes))
    for label, line in zip(ds.classes, matrix, strict=True):
        print(f"  {label:>2} " + "".join(f"{v:>4}" for v in line))
    return rows


if __name__ == "__main__":
    main()
