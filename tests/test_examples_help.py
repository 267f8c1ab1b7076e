"""``python examples/X.py --help`` describes the example in full and every option, and trains
nothing (``reference_lstm.py`` used to start training)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from test_examples import EXAMPLES, load_example

WITH_MAIN_ARGV = ["digits", "forecasting", "sentiment", "seq2seq_dates", "speech_vowels",
                  "text_generation"]


def first_paragraph(module) -> str:
    return " ".join(module.__doc__.strip().split("\n\n")[0].split())


def check_help(text: str, module) -> None:
    assert first_paragraph(module) in " ".join(text.split()), text[:400]
    options = text.split("options:")[1].splitlines()[1:]
    for i, line in enumerate(options):
        if not re.match(r"\s{2}-", line):
            continue
        spec_and_help = re.split(r"\s{2,}", line.strip(), maxsplit=1)
        follows = i + 1 < len(options) and re.match(r"\s{10,}\S", options[i + 1])
        assert len(spec_and_help) == 2 or follows, f"option without help: {line.strip()}"


@pytest.mark.parametrize("name", WITH_MAIN_ARGV)
def test_example_help_is_complete(name, capsys):
    module = load_example(name)
    with pytest.raises(SystemExit) as done:
        module.main(["--help"])
    assert done.value.code == 0
    check_help(capsys.readouterr().out, module)


def test_reference_lstm_help_trains_nothing():
    done = subprocess.run([sys.executable, str(EXAMPLES / "reference_lstm.py"), "--help"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "train MSE" not in done.stdout and "next value" not in done.stdout
    check_help(done.stdout, load_example("reference_lstm"))
