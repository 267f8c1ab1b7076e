"""Every example in the datasets package's docstrings runs and prints what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import rnnlab.datasets

MODULES = sorted(info.name for info in pkgutil.walk_packages(rnnlab.datasets.__path__,
                                                             "rnnlab.datasets."))


@pytest.mark.parametrize("name", ["rnnlab.datasets", *MODULES])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} example(s) failed in {name}"
