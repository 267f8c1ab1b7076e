"""Shared fixtures for the worked applications (``examples/``), run end to end on small settings.

* one torch thread per test: the models are small, and on a busy 2-core machine torch's thread
  pool spends far longer waiting for a core than computing;
* no network: a test that needs a text corpus reads the copy in ``$RNNLAB_DATA`` (or the
  repository's sibling ``shared/data``) and skips, saying why, when it is not there;
* ``example(name)`` imports ``examples/name.py`` as a module.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
import torch

from rnnlab.datasets import fetch

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"
CORPORA = {"polarity": "nltk_data/corpora/sentence_polarity.zip",
           "shakespeare": "tinyshakespeare/input.txt"}


@pytest.fixture(autouse=True)
def _one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _no_network(url: str, timeout: float = 0) -> None:
    raise OSError(f"tests never use the network (tried {url})")


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setattr(fetch, "urlopen", _no_network)
    monkeypatch.setenv("RNNLAB_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def corpus(monkeypatch: pytest.MonkeyPatch):
    """``corpus("polarity")`` points ``RNNLAB_DATA`` at a folder holding it, or skips."""

    def need(name: str) -> Path:
        folder = Path(os.environ.get("RNNLAB_DATA") or SHARED_DATA)
        if not (folder / CORPORA[name]).is_file():
            pytest.skip(f"{CORPORA[name]} not found under {folder}; set RNNLAB_DATA to a copy "
                        f"of shared/data to run this test")
        monkeypatch.setenv("RNNLAB_DATA", str(folder))
        return folder

    return need


@pytest.fixture(scope="session")
def example():
    """``example("sentiment")`` → the module ``examples/sentiment.py``."""

    def load(name: str):
        spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module   # dataclasses look their module up while defined
        spec.loader.exec_module(module)
        return module

    return load
