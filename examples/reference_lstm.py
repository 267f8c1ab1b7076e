"""Train an LSTM with the NumPy reference engine alone — every step of the classic workflow in
plain sight: initialise, forward, loss, backward (through time), clip, update.

Task: each input is 30 noisy samples of a sine wave with a random frequency and phase; the
target is the next (noise-free) sample. A model that learns nothing predicts the mean, 0, for an
MSE of about 0.5; a working LSTM gets well below 0.01.

    python examples/reference_lstm.py [--epochs 15] [--n-train 2000] [--hidden 32] [--seed 0]

takes a few seconds on a laptop CPU.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from rnnlab import reference


def make_waves(n: int, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``x`` ``(n, steps, 1)`` noisy sine samples and ``y`` ``(n, 1)`` the next clean sample."""
    freq = rng.uniform(0.1, 0.5, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    t = np.arange(steps + 1)[None, :]
    clean = np.sin(freq * t + phase)
    x = clean[:, :steps] + 0.05 * rng.standard_normal((n, steps))
    return x[:, :, None].astype(np.float32), clean[:, steps:].astype(np.float32)


def main(epochs: int = 15, n_train: int = 2000, hidden: int = 32, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    x_train, y_train = make_waves(n_train, 30, rng)
    x_test, y_test = make_waves(500, 30, rng)

    # 1. initialise: an LSTM layer and a dense read-out of its last hidden state
    lstm = reference.LSTM(input_size=1, hidden_size=hidden, seed=seed)
    head = reference.Dense(hidden, 1, seed=seed + 1)
    params = {**{f"lstm.{k}": v for k, v in lstm.params.items()},
              **{f"head.{k}": v for k, v in head.params.items()}}
    optimizer = reference.Adam(params, lr=0.01)

    def predict(x: np.ndarray) -> np.ndarray:
        y, _ = lstm.forward(x)
        return head.forward(y[:, -1])          # (batch, 1) from the last step's h

    batch_size = 32
    for epoch in range(1, epochs + 1):
        start, losses = time.perf_counter(), []
        order = rng.permutation(n_train)
        for first in range(0, n_train, batch_size):
            rows = order[first:first + batch_size]
            # 2. forward and loss
            prediction = predict(x_train[rows])
            loss, d_prediction = reference.mean_squared_error(prediction, y_train[rows])
            # 3. backward: through the head, then through time (only the last step has a loss)
            d_last = head.backward(d_prediction)
            dy = np.zeros((len(rows), 30, hidden), dtype=np.float32)
            dy[:, -1] = d_last
            lstm.backward(dy)
            grads = {**{f"lstm.{k}": v for k, v in lstm.grads.items()},
                     **{f"head.{k}": v for k, v in head.grads.items()}}
            # 4. clip and update (the optimiser updates the arrays inside lstm and head)
            reference.clip_grad_norm(grads, 1.0)
            optimizer.step(grads)
            losses.append(loss)
        test_mse = float(np.mean((predict(x_test) - y_test) ** 2))
        print(f"epoch {epoch:2d}  train MSE {np.mean(losses):.5f}  test MSE {test_mse:.5f}  "
              f"({time.perf_counter() - start:.1f} s)")

    # 5. predict new data
    x_new, y_new = make_waves(5, 30, np.random.default_rng(seed + 100))
    for guess, truth in zip(predict(x_new)[:, 0], y_new[:, 0], strict=True):
        print(f"next value: predicted {guess:+.3f}, actual {truth:+.3f}")
    return test_mse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: ``--help`` describes it and trains nothing."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=15,
                        help="passes over the training waves (default: %(default)s)")
    parser.add_argument("--n-train", type=int, default=2000,
                        help="training sequences (default: %(default)s)")
    parser.add_argument("--hidden", type=int, default=32,
                        help="hidden units of the LSTM (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="data, initial weights and batch order (default: %(default)s)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    main(epochs=args.epochs, n_train=args.n_train, hidden=args.hidden, seed=args.seed)
