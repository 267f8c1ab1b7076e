"""Images read pixel by pixel: sequential and permuted digits, and MNIST from your own files.

Sequential MNIST (Le, Jaitly & Hinton 2015; Table 1 of Bai, Kolter & Koltun 2018) feeds a
28 × 28 image to the network one pixel per step, 784 steps; the *permuted* variant first
shuffles the pixel positions with one fixed random permutation, the same for every image, which
spreads the strokes over the whole sequence.

MNIST cannot be downloaded here, so ``digits_sequential`` and ``digits_permuted`` read
scikit-learn's 8 × 8 digits the same way, **64 steps**: a small stand-in for the paper's task
(shorter lags, 1,797 images), not a reproduction of it. ``mnist_sequential`` and
``mnist_permuted`` read the real MNIST from files you already have — the four IDX files
(``train-images-idx3-ubyte`` … ``t10k-labels-idx1-ubyte``, optionally ``.gz``) or Keras's
``mnist.npz`` (``x_train``, ``y_train``, ``x_test``, ``y_test``) — from ``path``, else from
``$RNNLAB_DATA/mnist``. rnnlab never downloads MNIST and never unpickles a file.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.datasets._checks import check_float, check_int
from rnnlab.datasets.baselines import classification_baseline
from rnnlab.datasets.dataset import Dataset
from rnnlab.datasets.errors import DataError, DataNotFoundError
from rnnlab.datasets.fetch import data_dir
from rnnlab.datasets.real import digits
from rnnlab.datasets.registry import register
from rnnlab.datasets.transforms.split import split_indices

MNIST_SOURCE = "MNIST (LeCun, Cortes & Burges), read from the user's files"
IDX_FILES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
             "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}


def permutation(steps: int, seed: int) -> np.ndarray:
    """The fixed pixel order of the permuted task: one random permutation of ``steps``.

    Example:
        >>> sorted(permutation(5, 0).tolist())
        [0, 1, 2, 3, 4]
    """
    return np.random.default_rng(seed).permutation(steps)


def _permuted(dataset: Dataset, order: np.ndarray, name: str, note: str) -> Dataset:
    splits = [(X[:, order], y) for X, y in (dataset.train, dataset.val, dataset.test)]
    info = {**{k: v for k, v in dataset.info.items() if k != "shapes"},
            "description": dataset.info["description"] + note}
    return Dataset(name=name, task="classify", train=splits[0], val=splits[1], test=splits[2],
                   baseline=dataset.baseline, info=info, classes=dataset.classes)


STAND_IN = (" — a small stand-in for sequential MNIST (784 steps), not the paper's task")


@register("digits_sequential", kind="real", task="classify",
          summary="scikit-learn's 8×8 digits pixel by pixel (64 steps), a small stand-in for "
                  "sequential MNIST")
def digits_sequential(*, ratios: Any = (0.7, 0.15, 0.15), seed: int = 0) -> Dataset:
    """Digits read one pixel per step, in raster order: X ``(n, 64, 1)``; y ``(n,)`` int64.

    The 8 × 8 images of :func:`rnnlab.datasets.real.digits` with ``pixels=True``: a stand-in
    for sequential MNIST with 64 instead of 784 steps.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("digits_sequential").train[0].shape
        (1259, 64, 1)
    """
    base = digits(pixels=True, ratios=ratios, seed=seed)
    base.info["description"] += STAND_IN
    return Dataset(name="digits_sequential", task="classify", train=base.train, val=base.val,
                   test=base.test, baseline=base.baseline,
                   info={k: v for k, v in base.info.items() if k != "shapes"},
                   classes=base.classes)


@register("digits_permuted", kind="real", task="classify",
          summary="scikit-learn's 8×8 digits, pixels in one fixed random order (64 steps), a "
                  "small stand-in for permuted MNIST")
def digits_permuted(*, ratios: Any = (0.7, 0.15, 0.15), seed: int = 0,
                    permutation_seed: int = 0) -> Dataset:
    """Digits read pixel by pixel in one fixed random order (the same for every image, split
    and run seed; ``permutation_seed`` picks it). X ``(n, 64, 1)``; y ``(n,)`` int64.

    Example:
        >>> from rnnlab.datasets import load
        >>> a, b = load("digits_permuted", seed=0), load("digits_permuted", seed=1)
        >>> a.info["permutation"] == b.info["permutation"]
        True
    """
    permutation_seed = check_int("digits_permuted", "permutation_seed", permutation_seed,
                                 minimum=0)
    order = permutation(64, permutation_seed)
    dataset = _permuted(digits(pixels=True, ratios=ratios, seed=seed), order, "digits_permuted",
                        f", pixels permuted (permutation seed {permutation_seed})"
                        + STAND_IN.replace("sequential", "permuted"))
    dataset.info["permutation"] = order.tolist()
    return dataset


# --------------------------------------------------------------------------- MNIST files
def _read_idx(path: Path, dims: int) -> np.ndarray:
    """An IDX file of unsigned bytes with ``dims`` dimensions (3 images, 1 labels)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            raw = handle.read()
    except (OSError, EOFError) as error:
        raise DataError(f"{path}: cannot read the IDX file ({error})") from None
    header = 4 + 4 * dims
    if len(raw) < header or raw[:2] != b"\x00\x00" or raw[2] != 0x08 or raw[3] != dims:
        raise DataError(f"{path}: not an IDX file of unsigned bytes with {dims} dimension(s) "
                        f"(magic 0x0000080{dims} expected)")
    shape = tuple(int.from_bytes(raw[4 + 4 * k: 8 + 4 * k], "big") for k in range(dims))
    body = np.frombuffer(raw, dtype=np.uint8, offset=header)
    if body.size != int(np.prod(shape)):
        raise DataError(f"{path}: the header promises {int(np.prod(shape))} bytes of data "
                        f"{shape}, the file holds {body.size}")
    return body.reshape(shape)


def _find_idx(folder: Path, stem: str) -> Path | None:
    # Both the original names and the dotted ones of some mirrors (train-images.idx3-ubyte).
    for name in (stem, stem.replace("-idx", ".idx")):
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def read_mnist(path: str | Path | None = None) -> dict[str, np.ndarray]:
    """MNIST's four arrays from IDX files or an ``.npz``: ``x_train`` ``(60000, 28, 28)``
    uint8, ``y_train`` ``(60000,)``, ``x_test``, ``y_test``.

    ``path`` is a folder holding the IDX files (or ``mnist.npz``), or the ``.npz`` itself;
    ``None`` means ``$RNNLAB_DATA/mnist``.
    """
    if path is None:
        root = data_dir()
        if root is None:
            raise DataNotFoundError("mnist: no path given and RNNLAB_DATA is unset; pass "
                                    "path=<folder with the MNIST IDX files or mnist.npz> "
                                    "(rnnlab does not download MNIST)")
        path = root / "mnist"
    source = Path(path).expanduser()
    if source.is_dir() and (source / "mnist.npz").is_file():
        source = source / "mnist.npz"
    if source.is_file():
        if source.suffix != ".npz":
            raise DataError(f"{source}: expected a folder of MNIST IDX files or an .npz file")
        try:
            with np.load(source, allow_pickle=False) as archive:
                arrays = {key: np.asarray(archive[key]) for key in IDX_FILES
                          if key in archive.files}
        except (OSError, ValueError) as error:
            raise DataError(f"{source}: cannot read it as an .npz archive ({error})") from None
        missing = [key for key in IDX_FILES if key not in arrays]
        if missing:
            raise DataError(f"{source}: the archive has no {missing[0]!r} array (expected "
                            f"x_train, y_train, x_test, y_test)")
    elif source.is_dir():
        found = {key: _find_idx(source, stem) for key, stem in IDX_FILES.items()}
        for key, stem in IDX_FILES.items():
            if found[key] is None:
                raise DataNotFoundError(f"mnist: {source} has no {stem} (or {stem}.gz); put the "
                                        f"four MNIST IDX files or mnist.npz there")
        arrays = {key: _read_idx(file, 3 if key.startswith("x") else 1)
                  for key, file in found.items()}
    else:
        raise DataNotFoundError(f"mnist: {source} does not exist; pass path=<folder with the "
                                f"MNIST IDX files or mnist.npz> (rnnlab does not download MNIST)")
    for part in ("train", "test"):
        images, labels = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise DataError(f"{source}: x_{part} must be (n, rows, cols) and y_{part} (n,) with "
                            f"the same n, got {images.shape} and {labels.shape}")
        if labels.size and (labels.min() < 0 or labels.max() > 9):
            raise DataError(f"{source}: y_{part} holds labels outside 0–9")
    return arrays


def mnist_present() -> bool:
    """True when ``$RNNLAB_DATA/mnist`` holds ``mnist.npz`` or the four IDX files."""
    root = data_dir()
    if root is None:
        return False
    folder = root / "mnist"
    return (folder / "mnist.npz").is_file() or all(
        _find_idx(folder, stem) is not None for stem in IDX_FILES.values())


def _mnist(name: str, path: Any, val_fraction: float, seed: int, permutation_seed: int | None,
           ) -> Dataset:
    val_fraction = check_float(name, "val_fraction", val_fraction, minimum=0.0, maximum=0.5)
    seed = check_int(name, "seed", seed, minimum=0)
    arrays = read_mnist(path)
    steps = int(np.prod(arrays["x_train"].shape[1:]))

    def flat(images: np.ndarray) -> np.ndarray:
        return (images.reshape(len(images), steps, 1) / 255.0).astype(np.float32)

    X, y = flat(arrays["x_train"]), arrays["y_train"].astype(np.int64)
    X_test, y_test = flat(arrays["x_test"]), arrays["y_test"].astype(np.int64)
    keep, val, _ = split_indices(len(y), (1.0 - val_fraction, val_fraction, 0.0),
                                 method="stratified", labels=y, seed=seed)
    order = None if permutation_seed is None else permutation(steps, permutation_seed)
    splits = [(X[keep], y[keep]), (X[val], y[val]), (X_test, y_test)]
    if order is not None:
        splits = [(part[:, order], labels) for part, labels in splits]
    info = {"description": f"MNIST pixel by pixel ({steps} steps)"
                           + ("" if order is None else
                              f", pixels permuted (permutation seed {permutation_seed})"),
            "source": MNIST_SOURCE, "licence": "as distributed with your copy of MNIST",
            "split": f"the standard 60,000/10,000 train/test split; validation = "
                     f"{val_fraction:g} of training, stratified (seed {seed})"}
    return Dataset(name=name, task="classify", train=splits[0], val=splits[1], test=splits[2],
                   baseline=classification_baseline(splits[0][1], splits[2][1], 10), info=info,
                   classes=[str(d) for d in range(10)])


@register("mnist_sequential", kind="files", task="classify", available=mnist_present,
          summary="sequential MNIST, 784 steps, from your own MNIST files (never downloaded)")
def mnist_sequential(*, path: Any = None, val_fraction: float = 0.1, seed: int = 0) -> Dataset:
    """Sequential MNIST (Bai et al. 2018, Table 1): X ``(n, 784, 1)`` in [0, 1]; y ``(n,)``.

    Example:
        >>> from rnnlab.datasets import load
        >>> load("mnist_sequential", path="/no/such/folder")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        rnnlab.datasets.errors.DataNotFoundError: mnist: /no/such/folder does not exist; ...
    """
    return _mnist("mnist_sequential", path, val_fraction, seed, None)


@register("mnist_permuted", kind="files", task="classify", available=mnist_present,
          summary="permuted MNIST, 784 steps in one fixed random order, from your own files")
def mnist_permuted(*, path: Any = None, val_fraction: float = 0.1, seed: int = 0,
                   permutation_seed: int = 0) -> Dataset:
    """Permuted MNIST (Bai et al. 2018, Table 1): the pixels of :func:`mnist_sequential` in one
    fixed random order (``permutation_seed``), the same for every image and run.

    Example:
        >>> permutation(784, 0)[:3].tolist() == permutation(784, 0)[:3].tolist()
        True
    """
    permutation_seed = check_int("mnist_permuted", "permutation_seed", permutation_seed,
                                 minimum=0)
    return _mnist("mnist_permuted", path, val_fraction, seed, permutation_seed)
