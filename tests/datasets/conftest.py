"""Shared fixtures for the dataset tests.

No test here may touch the network: every test runs with a private cache folder and a URL
opener that refuses to connect. Tests that need the text corpora read the copies in
``../shared/data`` (or ``$RNNLAB_DATA``) and skip, saying why, when they are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rnnlab.datasets import fetch

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def shared_data_folder() -> Path:
    """``$RNNLAB_DATA`` when set, else the repository's sibling ``shared/data``."""
    return Path(os.environ.get("RNNLAB_DATA") or SHARED_DATA)


def require_corpus(relative_path: str) -> Path:
    folder = shared_data_folder()
    if not (folder / relative_path).is_file():
        pytest.skip(f"{relative_path} not found under {folder}; set RNNLAB_DATA to a copy of "
                    f"shared/data to run this test")
    return folder


@pytest.fixture(scope="session")
def corpus_folder():
    """``corpus_folder("tinyshakespeare/input.txt")`` → the data folder holding it, or skip."""
    return require_corpus


def _no_network(url: str, timeout: float = 0) -> None:
    raise OSError(f"tests never use the network (tried {url})")


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setattr(fetch, "urlopen", _no_network)
    monkeypatch.setenv("RNNLAB_CACHE", str(tmp_path_factory.mktemp("cache")))
