"""``rnnlab datasets``: the built-in datasets as a table, or one of them in detail."""

from __future__ import annotations

from typing import Any

from rnnlab.commands.common import console


def datasets_command(name: str | None = None) -> None:
    """Print every built-in dataset (no ``name``) or the details of one."""
    from rich.table import Table

    from rnnlab import datasets

    out = console()
    if name is None:
        table = Table(title="built-in datasets (rnnlab datasets NAME for details)")
        for column in ("name", "kind", "task", "length", "offline", "summary"):
            table.add_column(column)
        for entry_name in datasets.names():
            entry = datasets.spec(entry_name)
            length = entry.defaults.get("length", "–")
            table.add_row(entry_name, entry.kind, entry.task,
                          "varies" if length is None else str(length),
                          "yes" if datasets.available_offline(entry_name) else
                          "download" if entry.kind == "text" else "needs your files",
                          entry.summary)
        out.print(table)
        return
    entry = datasets.spec(name)          # an unknown name raises DataError with a hint
    out.print(f"[bold]{entry.name}[/] — {entry.summary}")
    for line in datasets.describe(name).splitlines()[2:]:
        out.print(line.strip())
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("task", entry.task)
    table.add_row("kind", entry.kind)
    table.add_row("takes length", "yes" if entry.takes_length else "no")
    table.add_row("offline", "yes" if datasets.available_offline(name) else
                  "no — downloaded once on first use (or put the file in $RNNLAB_DATA)"
                  if entry.kind == "text" else
                  "no — reads only your own files (-p path=…, or $RNNLAB_DATA)")
    for key, value in entry.defaults.items():
        table.add_row(f"  -p {key}=", repr(value))
    info = _info(name, entry)
    for key in ("baseline", "source", "licence"):
        if info.get(key):
            table.add_row(key, str(info[key]))
    out.print(table)


def _info(name: str, entry: Any) -> dict[str, Any]:
    """Baseline, source and licence: read from a small instance of the dataset when it can be
    built offline (synthetic tasks are shrunk to a few sequences to stay fast)."""
    from rnnlab import datasets

    if not datasets.available_offline(name):
        return {}
    small = {key: value for key, value in {"n_train": 8, "n_val": 4, "n_test": 4}.items()
             if key in entry.defaults}
    try:
        dataset = datasets.load(name, **small)
    except Exception:  # details are a courtesy; the listing must not fail on them
        return {}
    baseline = ", ".join(f"{k} {v:.4g}" for k, v in dataset.baseline.items())
    formula = dataset.info.get("baseline_formula")
    if formula:
        baseline += f" ({formula})"
    return {"baseline": baseline, "source": dataset.info.get("source"),
            "licence": dataset.info.get("licence") or dataset.info.get("license")}
