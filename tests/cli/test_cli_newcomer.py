"""What a newcomer meets on the command line: readable help (no stray " ." where rich ate a
"[default: …]", no ``<bool>`` on flags, ``--prime``'s default in words), and ``train``'s
``--patience``, ``--plot`` and ``--log-dir``, ``compare --log-dir`` with one run per folder."""

from __future__ import annotations

import re

import pytest
from test_cli_commands import assert_bad_input, run

import rnnlab
from rnnlab.cli import app, main

# Every registered command, so that a new one is checked too.
COMMANDS = tuple(info.name or info.callback.__name__ for info in app.registered_commands)


def help_text(capsys, monkeypatch, *command: str) -> str:
    monkeypatch.setenv("COLUMNS", "250")      # one line per option: nothing wraps mid-phrase
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    return out


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_stray_dots_or_bool_types(capsys, monkeypatch, command):
    out = help_text(capsys, monkeypatch, command)
    assert not re.search(r"\s\.(\s|$|\[)", out), [
        line for line in out.splitlines() if re.search(r"\s\.(\s|$|\[)", line)]
    assert "<bool>" not in out
    assert "[default: ]" not in out and not re.search(r"\[default:\s*$", out, re.M)


def test_top_level_help_and_defaults_in_words(capsys, monkeypatch):
    assert "<bool>" not in help_text(capsys, monkeypatch)
    generate = help_text(capsys, monkeypatch, "generate")
    assert "[default: (a new line)]" in generate
    compare = help_text(capsys, monkeypatch, "compare")
    assert "Cells to compare. [default: (rnn,lstm,gru)]" in compare
    train = help_text(capsys, monkeypatch, "train")
    for option in ("--patience", "--plot", "--log-dir"):
        assert option in train


def test_train_patience_plot_and_log_dir(capsys, work, monkeypatch):
    seen = {}
    real_train = rnnlab.train

    def spy(model, X, y, options, **kwargs):
        seen["options"] = options
        seen["history"] = real_train(model, X, y, options, **kwargs)
        return seen["history"]

    monkeypatch.setattr(rnnlab, "train", spy)
    plot, logs = work / "plots" / "progress.png", work / "tb"
    code, out, err = run(capsys, "train", "adding", "-p", "length=5", "-p", "n_train=64",
                         "-p", "n_val=16", "-p", "n_test=16", "--hidden", "4", "--epochs", "12",
                         "--lr", "0.05", "--patience", "1", "--plot", plot, "--log-dir", logs,
                         "--no-progress", "--out", work / "patient.safetensors")
    assert code == 0, err
    options, history = seen["options"], seen["history"]
    assert options.patience == 1 and str(options.log_dir) == str(logs)
    assert plot.read_bytes()[:4] == b"\x89PNG" and f"training progress plot: {plot}" in out
    assert list((logs / "train").glob("events.out.tfevents.*"))
    if history.stop_reason == "early_stopping":
        assert f"kept epoch {history.best_epoch}" in out


@pytest.mark.parametrize("args, says", [
    (["--patience", "0"], "--patience must be a positive"),
    (["--plot", "progress.pdf"], "must name a .png file"),
])
def test_train_refuses_bad_patience_and_plot(capsys, work, args, says):
    assert_bad_input(capsys, "train", "adding", *args, "--epochs", "1",
                     "--out", work / "never.safetensors", says=says)


def test_compare_log_dir_writes_one_folder_per_run(capsys, tmp_path):
    reader = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    logs = tmp_path / "tb"
    code = main(["compare", "--task", "adding", "--lengths", "4", "-p", "n_train=16",
                 "-p", "n_val=8", "-p", "n_test=8", "--cells", "rnn,gru", "--seeds", "1",
                 "--epochs", "2", "-j", "1", "--no-progress", "--out", str(tmp_path / "study"),
                 "--log-dir", str(logs)])
    capsys.readouterr()
    assert code == 0
    folders = sorted(p.name for p in logs.iterdir())
    assert len(folders) == 2 and {f.split("-")[2] for f in folders} == {"rnn", "gru"}
    for folder in folders:
        events = reader.EventAccumulator(str(logs / folder / "train"))
        events.Reload()
        assert [e.step for e in events.Scalars("epoch_loss")] == [1, 2]
