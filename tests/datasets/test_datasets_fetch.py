"""Finding corpora: $RNNLAB_DATA, the cache, a checked download — never the real network."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from rnnlab.datasets import DataError, DataNotFoundError, available_offline, fetch, load

TEXT = b"To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n"


class FakeResponse(io.BytesIO):
    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


@pytest.fixture
def fake_corpus(monkeypatch: pytest.MonkeyPatch) -> fetch.RemoteFile:
    """Point 'shakespeare' at a small fake original with a known checksum."""
    remote = fetch.RemoteFile("tinyshakespeare/input.txt", "https://example.invalid/input.txt",
                              hashlib.sha256(TEXT).hexdigest(), len(TEXT))
    monkeypatch.setitem(fetch.FILES, "shakespeare", remote)
    monkeypatch.delenv("RNNLAB_DATA", raising=False)
    return remote


def test_offline_and_absent_says_where_to_put_the_file(fake_corpus, tmp_path) -> None:
    with pytest.raises(DataNotFoundError) as caught:
        load("shakespeare")
    message = str(caught.value)
    assert "tinyshakespeare/input.txt is not in $RNNLAB_DATA (unset)" in message
    assert "the download failed" in message and "tests never use the network" in message
    assert "put it at" in message and str(fetch.cache_dir()) in message
    assert isinstance(caught.value, FileNotFoundError) and isinstance(caught.value, ValueError)
    assert "\n" not in message


def test_download_off_is_refused_clearly(fake_corpus) -> None:
    with pytest.raises(DataNotFoundError, match="downloading is off; download https://example"):
        load("shakespeare", download=False)


def test_download_is_checked_cached_and_not_repeated(fake_corpus, monkeypatch) -> None:
    calls: list[str] = []

    def opener(url: str, timeout: float) -> FakeResponse:
        calls.append(url)
        return FakeResponse(TEXT)

    monkeypatch.setattr(fetch, "urlopen", opener)
    ds = load("shakespeare", length=8, ratios=(0.8, 0.1, 0.1))
    cached = fetch.cache_dir() / "tinyshakespeare/input.txt"
    assert cached.read_bytes() == TEXT and calls == [fake_corpus.url]
    assert ds.tokenizer.decode(ds.train[0][0]) == TEXT.decode()[:8]
    load("shakespeare", length=8, ratios=(0.8, 0.1, 0.1))
    assert len(calls) == 1  # the second load reads the cache
    assert not [p for p in cached.parent.iterdir() if p.name.startswith(".download-")]


def test_a_download_with_the_wrong_checksum_is_discarded(fake_corpus, monkeypatch) -> None:
    monkeypatch.setattr(fetch, "urlopen", lambda url, timeout: FakeResponse(b"tampered"))
    with pytest.raises(DataError, match="does not match its sha256 checksum"):
        load("shakespeare")
    folder = fetch.cache_dir() / "tinyshakespeare"
    assert not folder.exists() or not any(folder.iterdir())  # nothing left behind


def test_a_damaged_cached_copy_is_fetched_again(fake_corpus, monkeypatch) -> None:
    cached = fetch.cache_dir() / "tinyshakespeare/input.txt"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"half a fi")
    monkeypatch.setattr(fetch, "urlopen", lambda url, timeout: FakeResponse(TEXT))
    assert fetch.locate("shakespeare") == cached and cached.read_bytes() == TEXT


def test_available_offline(fake_corpus, monkeypatch, tmp_path: Path) -> None:
    assert available_offline("adding") and available_offline("airline")
    assert not available_offline("shakespeare")
    (tmp_path / "tinyshakespeare").mkdir()
    (tmp_path / "tinyshakespeare/input.txt").write_bytes(TEXT)
    monkeypatch.setenv("RNNLAB_DATA", str(tmp_path))
    assert available_offline("shakespeare")


def test_the_data_folder_comes_first(fake_corpus, monkeypatch, tmp_path: Path) -> None:
    (tmp_path / "tinyshakespeare").mkdir()
    (tmp_path / "tinyshakespeare/input.txt").write_bytes(TEXT)
    monkeypatch.setenv("RNNLAB_DATA", str(tmp_path))
    assert fetch.locate("shakespeare", download=False) == tmp_path / "tinyshakespeare/input.txt"


def test_an_unreachable_url_fails_cleanly(fake_corpus, monkeypatch) -> None:
    import urllib.request

    # The real opener against a closed port on this machine: no traffic leaves it.
    remote = fetch.RemoteFile(fake_corpus.relative_path, "http://127.0.0.1:9/input.txt",
                              fake_corpus.sha256, fake_corpus.size)
    monkeypatch.setitem(fetch.FILES, "shakespeare", remote)
    for variable in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(fetch, "urlopen", urllib.request.urlopen)
    monkeypatch.setattr(fetch, "DOWNLOAD_TIMEOUT_S", 2)
    with pytest.raises(DataNotFoundError, match="the download failed"):
        fetch.locate("shakespeare")


def test_a_corrupt_zip_in_the_data_folder_is_named(monkeypatch, tmp_path: Path) -> None:
    target = tmp_path / "nltk_data/corpora/sentence_polarity.zip"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setenv("RNNLAB_DATA", str(tmp_path))
    with pytest.raises(DataError, match=r"sentence_polarity.zip: not a valid zip file"):
        load("polarity")


def test_the_checksums_are_those_of_the_shared_copies(corpus_folder) -> None:
    for name, remote in fetch.FILES.items():
        folder = corpus_folder(remote.relative_path)
        path = folder / remote.relative_path
        assert fetch.sha256_of(path) == remote.sha256, name
        assert path.stat().st_size == remote.size
