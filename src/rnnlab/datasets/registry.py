"""The catalogue of named datasets behind :func:`load`, :func:`names` and :func:`describe`.

Every built-in dataset is a function decorated with :func:`register`; its keyword-only
parameters and their defaults *are* the dataset's parameters, so ``describe`` and the parameter
check in ``load`` can never drift from the code.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rnnlab.datasets.dataset import TASKS, Dataset
from rnnlab.datasets.errors import DataError

KINDS = ("synthetic", "real", "text", "files")


@dataclass(frozen=True)
class DatasetSpec:
    """What the catalogue knows about one named dataset.

    Attributes:
        name: the name ``load`` takes.
        kind: ``"synthetic"`` (generated), ``"real"`` (ships with rnnlab or scikit-learn),
            ``"text"`` (a corpus read from ``$RNNLAB_DATA`` or downloaded once) or ``"files"``
            (read only from files the user has, e.g. MNIST; never downloaded).
        task: ``"classify"``, ``"regress"`` or ``"sequence"``.
        summary: one line for ``rnnlab datasets``.
        defaults: every parameter and its default value.
        builder: the function that makes the dataset.
        available: for ``"files"`` datasets, a function telling whether the files are here.

    Example:
        >>> from rnnlab.datasets import spec
        >>> spec("adding").takes_length, spec("adding").defaults["length"]
        (True, 50)
    """

    name: str
    kind: str
    task: str
    summary: str
    builder: Callable[..., Dataset] = field(repr=False)
    defaults: dict[str, Any] = field(default_factory=dict)
    available: Callable[[], bool] | None = field(default=None, repr=False)

    @property
    def takes_length(self) -> bool:
        """True when the dataset has a sequence-length knob ``length`` (a sweep can vary it)."""
        return "length" in self.defaults


_REGISTRY: dict[str, DatasetSpec] = {}


def register(name: str, *, kind: str, task: str, summary: str,
             available: Callable[[], bool] | None = None) -> Callable:
    """Decorator adding a dataset builder to the catalogue under ``name``."""
    if kind not in KINDS or task not in TASKS:
        raise ValueError(f"register({name!r}): bad kind {kind!r} or task {task!r}")

    def decorate(builder: Callable[..., Dataset]) -> Callable[..., Dataset]:
        defaults = {}
        for parameter in inspect.signature(builder).parameters.values():
            if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
                raise TypeError(f"{builder.__name__}: dataset parameters must be keyword-only")
            defaults[parameter.name] = parameter.default
        _REGISTRY[name] = DatasetSpec(name, kind, task, summary, builder, defaults, available)
        return builder

    return decorate


def names(kind: str | None = None) -> list[str]:
    """Names of the built-in datasets, optionally only those of one ``kind``.

    Example:
        >>> from rnnlab.datasets import names
        >>> names("synthetic")[:4]
        ['adding', 'adding_bai18', 'adding_hs97', 'copy']
    """
    if kind is not None and kind not in KINDS:
        raise DataError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return sorted(n for n, s in _REGISTRY.items() if kind is None or s.kind == kind)


def spec(name: str) -> DatasetSpec:
    """The catalogue entry for ``name``; an unknown name lists the known ones.

    Example:
        >>> from rnnlab.datasets import spec
        >>> spec("digits").task
        'classify'
    """
    if not isinstance(name, str) or name not in _REGISTRY:
        close = difflib.get_close_matches(str(name), list(_REGISTRY), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise DataError(f"unknown dataset {name!r}{hint}; known datasets: "
                        f"{', '.join(names())}")
    return _REGISTRY[name]


def takes_length(name: str) -> bool:
    """True when dataset ``name`` has a ``length`` parameter that a study can sweep.

    Example:
        >>> from rnnlab.datasets import takes_length
        >>> takes_length("copy"), takes_length("digits")
        (True, False)
    """
    return spec(name).takes_length


def available_offline(name: str) -> bool:
    """True when dataset ``name`` can be built now without the network: always for generated
    and bundled data; for a text corpus, when its file is in ``$RNNLAB_DATA`` or the cache; for
    data read from the user's files (MNIST), when they are in ``$RNNLAB_DATA``.

    Example:
        >>> from rnnlab.datasets import available_offline
        >>> available_offline("japanese_vowels")
        True
    """
    entry = spec(name)
    if entry.kind == "files":
        return entry.available is not None and entry.available()
    if entry.kind != "text":
        return True
    from rnnlab.datasets.fetch import locate  # the text corpora are the only downloads

    try:
        locate(name, download=False)
    except DataError:
        return False
    return True


def describe(name: str) -> str:
    """A few lines describing dataset ``name``: summary, task, kind and parameters.

    Example:
        >>> from rnnlab.datasets import describe
        >>> print(describe("adding").splitlines()[0])
        adding — regress, synthetic: sum of the two marked values among T uniform ones (H&S 1997)
    """
    entry = spec(name)
    parameters = ", ".join(f"{key}={value!r}" for key, value in entry.defaults.items())
    lines = [f"{entry.name} — {entry.task}, {entry.kind}: {entry.summary}",
             f"  parameters: {parameters or '(none)'}"]
    doc = inspect.getdoc(entry.builder) or ""
    first_paragraph = doc.split("\n\n")[0].replace("\n", " ").replace("``", "").strip()
    if first_paragraph:
        lines.append(f"  {first_paragraph}")
    return "\n".join(lines)


def load(name: str, **params: Any) -> Dataset:
    """Build the named dataset; unknown parameters are refused with the valid ones listed.

    Example:
        >>> from rnnlab.datasets import load
        >>> ds = load("copy", length=5, n_train=4, n_val=2, n_test=2, seed=1)
        >>> ds.train[0].shape, ds.train[1].shape
        ((4, 25, 10), (4, 25))
    """
    entry = spec(name)
    unknown = [key for key in params if key not in entry.defaults]
    if unknown:
        valid = ", ".join(entry.defaults) or "none"
        if unknown[0] == "length":
            raise DataError(f"{name} has no length parameter (takes_length({name!r}) is False); "
                            f"valid parameters: {valid}")
        close = difflib.get_close_matches(unknown[0], list(entry.defaults), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise DataError(f"{name} takes no parameter {unknown[0]!r}{hint}; valid parameters: "
                        f"{valid}")
    resolved = {**entry.defaults, **params}
    dataset = entry.builder(**resolved)
    dataset.name = name
    dataset.params = dict(resolved)
    return dataset
