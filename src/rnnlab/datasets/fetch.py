"""Finding a text corpus on this machine, or downloading it once with a checksum.

Text corpora are never copied into rnnlab. A corpus file is looked up, in order:

1. in the folder ``$RNNLAB_DATA``, laid out like the original distributions
   (``tinyshakespeare/input.txt``, ``nltk_data/corpora/sentence_polarity.zip``, …);
2. in the cache, ``$RNNLAB_CACHE`` or else ``~/.cache/rnnlab``, same layout;
3. downloaded from its public original into the cache — written to a temporary file,
   checked against its sha256, and only then moved into place, so an interrupted or tampered
   download never poses as the real file.

Offline and absent, :class:`DataNotFoundError` says where to put the file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from rnnlab.datasets.errors import DataError, DataNotFoundError

DOWNLOAD_TIMEOUT_S = 60
# Module-level so tests can replace it and never touch the network.
urlopen = urllib.request.urlopen


@dataclass(frozen=True)
class RemoteFile:
    """A corpus file: where it lives relative to the data folder, its origin and checksum."""

    relative_path: str
    url: str
    sha256: str
    size: int


_NLTK = ("https://raw.githubusercontent.com/nltk/nltk_data/"
         "5db857e6f7df11eabb5e5665836db9ec8df07e28/packages/corpora/")
FILES = {
    "shakespeare": RemoteFile(
        "tinyshakespeare/input.txt",
        "https://raw.githubusercontent.com/karpathy/char-rnn/"
        "6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e/data/tinyshakespeare/input.txt",
        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed", 1_115_394),
    "polarity": RemoteFile(
        "nltk_data/corpora/sentence_polarity.zip", _NLTK + "sentence_polarity.zip",
        "6e1ed4405b65c7eabf1d199a7f7c437091ac21da0ea7467b410a74062574566b", 490_256),
    "movie_reviews": RemoteFile(
        "nltk_data/corpora/movie_reviews.zip", _NLTK + "movie_reviews.zip",
        "a41211ae685019137410268134db6a1a14428c89b671eb83056151a878539008", 4_004_848),
}


def data_dir() -> Path | None:
    """``$RNNLAB_DATA`` as a path, or ``None`` when unset.

    Example:
        >>> isinstance(data_dir(), (Path, type(None)))
        True
    """
    value = os.environ.get("RNNLAB_DATA")
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """``$RNNLAB_CACHE``, else ``~/.cache/rnnlab``.

    Example:
        >>> isinstance(cache_dir(), Path)
        True
    """
    value = os.environ.get("RNNLAB_CACHE")
    return Path(value).expanduser() if value else Path.home() / ".cache" / "rnnlab"


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks.

    Example:
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile() as handle:
        ...     sha256_of(Path(handle.name))[:12]
        'e3b0c44298fc'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(remote: RemoteFile, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".download-")
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out, urlopen(remote.url,
                                                     timeout=DOWNLOAD_TIMEOUT_S) as response:
            for block in iter(lambda: response.read(1 << 16), b""):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != remote.sha256:
            raise DataError(f"{remote.url}: the download does not match its sha256 checksum "
                            f"(got {digest.hexdigest()[:12]}…, expected {remote.sha256[:12]}…); "
                            f"it was discarded")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def locate(name: str, *, download: bool = True) -> Path:
    """Path of corpus ``name`` (a key of :data:`FILES`), downloading it into the cache if
    needed and allowed.

    Example:
        >>> locate("polarity", download=False)  # doctest: +SKIP
        PosixPath('/work/shared/data/nltk_data/corpora/sentence_polarity.zip')
    """
    remote = FILES[name]
    folder = data_dir()
    if folder is not None and (folder / remote.relative_path).is_file():
        return folder / remote.relative_path
    cached = cache_dir() / remote.relative_path
    if cached.is_file():
        if sha256_of(cached) == remote.sha256:
            return cached
        cached.unlink()  # a stale or damaged copy; fetch it again below
    where = (f"$RNNLAB_DATA ({folder})" if folder is not None else "$RNNLAB_DATA (unset)")
    advice = (f"download {remote.url} and put it at {cached}, or set RNNLAB_DATA to a folder "
              f"that holds {remote.relative_path}")
    if not download:
        raise DataNotFoundError(f"{name}: {remote.relative_path} is not in {where} or the cache "
                                f"and downloading is off; {advice}")
    try:
        _download(remote, cached)
    except DataError:
        raise
    except Exception as error:  # URLError, timeouts, refused connections, disk full, …
        reason = getattr(error, "reason", None) or error
        raise DataNotFoundError(f"{name}: {remote.relative_path} is not in {where} or the cache, "
                                f"and the download failed ({reason}); {advice}") from None
    return cached
