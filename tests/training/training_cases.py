"""Small data sets and helpers shared by the training tests (kept tiny: the suite must be fast)."""

from __future__ import annotations

import numpy as np

import rnnlab


def quiet(**settings) -> rnnlab.TrainingOptions:
    """Options for tests: silent, few epochs, small batches unless told otherwise."""
    settings.setdefault("verbose", False)
    settings.setdefault("max_epochs", 2)
    settings.setdefault("batch_size", 8)
    return rnnlab.TrainingOptions(**settings)


def sign_task(n: int = 48, steps: int = 6, features: int = 3, seed: int = 0):
    """Classify whether the first feature sums to a positive number: ``(n, steps, features)``,
    labels 0/1."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, steps, features))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(np.int64)
    return X, y


def sum_task(n: int = 48, steps: int = 6, features: int = 2, seed: int = 0):
    """Regress the sum of all inputs: targets ``(n,)``."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, steps, features))
    return X, X.sum(axis=(1, 2)) / steps


def small_classifier(cell: str = "gru", features: int = 3, classes: int = 2, hidden: int = 6,
                     **kwargs) -> rnnlab.Sequential:
    return rnnlab.build(cell, input_size=features, hidden_size=hidden, output_size=classes,
                        task="classify", **kwargs)


def resume_problem(checkpoint_dir, engine: str = "torch"):
    """The run the resume tests interrupt: dropout, a schedule with memory, validation and
    early-stopping state all have to come back for the weights to match bit for bit."""
    X, y = sign_task(n=48, seed=2)
    model = rnnlab.build("lstm", input_size=3, hidden_size=6, output_size=2, task="classify",
                         num_layers=2, dropout=0.2, seed=5)
    options = rnnlab.TrainingOptions(max_epochs=4, batch_size=8, learning_rate=0.01,
                                     schedule="plateau", validation_data=0.25, patience=10,
                                     checkpoint_dir=checkpoint_dir, engine=engine, seed=3,
                                     verbose=False)
    return model, X, y, options
