"""Option values of the ``rnnlab`` command: comma-separated lists and ``-p KEY=VALUE``."""

from __future__ import annotations

from typing import Any

import typer


def split_list(text: str | None) -> list[str] | None:
    """``"rnn, lstm,,gru"`` → ``["rnn", "lstm", "gru"]``; ``None`` stays ``None`` (not given)."""
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def numbers(text: str | None, name: str, kind: type = int) -> list[Any] | None:
    """``"10,60"`` → ``[10, 60]`` (``kind`` converts each part); anything else is a usage error
    naming ``--name``."""
    parts = split_list(text)
    if parts is None:
        return None
    try:
        return [kind(part) for part in parts]
    except ValueError:
        what = "integers" if kind is int else "numbers"
        raise typer.BadParameter(f"{name} must be comma-separated {what}, got {text!r}",
                                 param_hint=f"--{name}") from None


def param_value(text: str) -> Any:
    """One ``-p`` value: an int, a float, True/False, None, or the text itself."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            continue
    return text


def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``["n_train=500", "covariates=a,b", "covariates=c"]`` → ``{"n_train": 500,
    "covariates": ["a", "b", "c"]}``: a comma makes a list, and a repeated key adds to it."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise typer.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--param")
        # A value of commas alone (delimiter=,) is a value, not an empty list.
        parsed: Any = ([param_value(part.strip()) for part in value.split(",") if part.strip()]
                       if "," in value and value.strip(", ") else param_value(value))
        if key in out:
            before = out[key] if isinstance(out[key], list) else [out[key]]
            out[key] = before + (parsed if isinstance(parsed, list) else [parsed])
        else:
            out[key] = parsed
    return out
