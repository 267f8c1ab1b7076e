"""``rnnlab generate``: sample text from a character (or word) model, printed as it comes.

The model must be a next-token model whose file carries its tokenizer: one written by
``rnnlab train`` on a text corpus (a built-in one such as ``shakespeare`` or a ``.txt`` file), or
by ``model.save`` after ``rnnlab.train(model, dataset, …)`` or ``model.remember_data(dataset)``;
sampling is :func:`rnnlab.generation.generate`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rnnlab.commands.common import load_model
from rnnlab.commands.inspect_export import CommandError


def generate_command(model_path: Path, *, prime: str = "\n", length: int = 300,
                     temperature: float = 0.8, top_k: int | None = None,
                     seed: int | None = None) -> str:
    """Print ``prime`` and ``length`` sampled tokens, streaming; returns the generated text."""
    from rnnlab.generation import generate

    model, _ = load_model(model_path)
    if model.tokenizer is None:
        raise CommandError(f"{model_path} carries no tokenizer, so its ids cannot be turned "
                           f"into text; save a text model trained with rnnlab.train(model, "
                           f"dataset, …) or model.remember_data(dataset), or train one with "
                           f"`rnnlab train CORPUS --task sequence`")
    if length < 0:
        raise CommandError(f"--length must be 0 or more tokens, got {length}")
    if temperature < 0:
        raise CommandError(f"--temperature must be 0 (greedy) or more, got {temperature}")
    if top_k is not None and top_k < 1:
        raise CommandError(f"--top-k must be a positive integer, got {top_k}")
    try:
        model.tokenizer.encode(prime)
    except ValueError as error:
        raise CommandError(f"--prime {prime!r} cannot be encoded by the model's tokenizer "
                           f"({str(error).splitlines()[0]})") from None

    def stream(piece: str) -> None:
        sys.stdout.write(piece)
        sys.stdout.flush()

    sys.stdout.write(prime)
    text = generate(model, prime, length, temperature=temperature, top_k=top_k, seed=seed,
                    stream=stream)
    sys.stdout.write("\n")
    sys.stdout.flush()
    return text
