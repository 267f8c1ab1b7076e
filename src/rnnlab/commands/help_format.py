"""How the ``rnnlab`` command lists its options in ``--help``.

On/off flags are listed without a value type (``--bidirectional``, not ``--bidirectional
<bool>``; some typer versions show a type for every option), and the commands that take
``-p KEY=VALUE`` also list every key (:class:`~rnnlab.commands.param_help.ParamHelpCommand`).
"""

from __future__ import annotations

from typing import Any

import typer
import typer.core

from rnnlab.commands.param_help import ParamHelpCommand


class _PlainFlags:
    """Lists on/off flags without a value type: ``--bidirectional``, not ``--bidirectional
    <bool>`` (some typer versions show a type for every option)."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False):
                param.metavar = ""
        return params


class PlainCommand(_PlainFlags, typer.core.TyperCommand):
    pass


class PlainGroup(_PlainFlags, typer.core.TyperGroup):
    pass


class PlainParamCommand(_PlainFlags, ParamHelpCommand):
    pass


def use_plain_flags(app: typer.Typer) -> None:
    """Give every command the flag listing of :class:`_PlainFlags` (called before each run, so
    commands registered anywhere get it)."""
    for info in app.registered_commands:
        if info.cls in (None, typer.core.TyperCommand):
            info.cls = PlainCommand
        elif info.cls is ParamHelpCommand:   # its -p key list, and plain flags too
            info.cls = PlainParamCommand
