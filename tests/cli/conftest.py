"""Fixtures for the ``rnnlab`` command tests: one thread, and tiny models trained once."""

from __future__ import annotations

import random

import pytest

from rnnlab.cli import main

WORDS = "to be or not that is the question whether tis nobler in mind ROMEO JULIET".split()


@pytest.fixture(autouse=True, scope="session")
def one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="session")
def adding_model(work, one_thread):
    """A tiny regressor on the adding problem (2 features, 1 output)."""
    path = work / "tmp" / "model.safetensors"
    code = main(["train", "adding", "-p", "length=5", "-p", "n_train=64", "-p", "n_val=16",
                 "-p", "n_test=16", "--hidden", "8", "--epochs", "1", "--no-progress",
                 "--out", str(path)])
    assert code == 0 and path.is_file()
    return path


@pytest.fixture(scope="session")
def corpus(work):
    rng = random.Random(0)
    path = work / "tiny.txt"
    path.write_text("\n".join(" ".join(rng.choice(WORDS) for _ in range(8))
                              for _ in range(120)))
    return path


@pytest.fixture(scope="session")
def char_model(work, corpus, one_thread):
    """A tiny character-level GRU language model on a generated text file."""
    path = work / "char.safetensors"
    code = main(["train", str(corpus), "--task", "sequence", "-p", "length=20", "--cell", "gru",
                 "--hidden", "8", "--epochs", "1", "--no-progress", "--out", str(path)])
    assert code == 0 and path.is_file()
    return path
