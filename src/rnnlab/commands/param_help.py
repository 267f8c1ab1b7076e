"""Every key ``-p KEY=VALUE`` accepts, listed at the end of a command's ``--help``.

The keys come from the code itself — each built-in dataset's parameters (its registry entry)
and each file loader's keyword parameters — so the list cannot drift from what is accepted. It
is built only when help is shown (importing the datasets costs a few tenths of a second that
other commands should not pay): :class:`ParamHelpCommand` is the typer command class that
appends it.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer.core

SYNTAX = ("Keys for -p/--param KEY=VALUE (numbers, true/false and none are converted; "
          "a comma makes a list, -p covariates=temperature,humidity; repeating a key adds to "
          "its list):")


def _keywords(function: Any) -> list[str]:
    return [name for name, p in inspect.signature(function).parameters.items()
            if p.kind is inspect.Parameter.KEYWORD_ONLY]


def file_loaders() -> list[tuple[str, Any]]:
    """``(what the file is, its loader)`` for every kind of user file."""
    from rnnlab.datasets import files

    return [("series table (CSV/TSV/Parquet, --task forecast)", files.load_timeseries),
            ("labelled texts (CSV/TSV/Parquet or a folder per class, --task classify)",
             files.load_text_classification),
            ("plain text (.txt, --task sequence)", files.load_text),
            ("arrays (.npy/.npz)", files.load_arrays),
            ("UEA/UCR .ts", files.load_ts)]


def param_keys() -> dict[str, list[str]]:
    """``{dataset or file kind: [keys]}`` for every built-in dataset and file loader.

    Example:
        >>> keys = param_keys()
        >>> "lookback" in keys["airline"], "future_covariates" in keys[
        ...     "series table (CSV/TSV/Parquet, --task forecast)"]
        (True, True)
    """
    from rnnlab import datasets

    keys = {name: [k for k in datasets.spec(name).defaults if k != "seed"]
            for name in datasets.names()}
    keys.update({what: _keywords(loader) for what, loader in file_loaders()})
    return keys


def param_keys_text() -> str:
    """The keys as help text: one paragraph per dataset or file kind."""
    lines = [SYNTAX]
    for what, keys in param_keys().items():
        lines.append(f"{what}: {', '.join(keys) if keys else '(none)'}")
    return "\n\n".join(lines)


class ParamHelpCommand(typer.core.TyperCommand):
    """A typer command whose help ends with :func:`param_keys_text`."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        base = getattr(self, "_base_epilog", None)
        if base is None:
            base = self._base_epilog = self.epilog or ""
        self.epilog = f"{base}\n\n{param_keys_text()}" if base else param_keys_text()
        return super().format_help(ctx, formatter)
