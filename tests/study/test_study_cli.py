"""``rnnlab compare`` / ``rnnlab report``: bad input gives one line and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rnnlab.cli import main
from rnnlab.study import open_store

TINY = ["--param", "n_train=16", "--param", "n_val=8", "--param", "n_test=8", "--epochs", "1",
        "--seeds", "1", "--no-progress"]


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line(code: int, err: str, fragment: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("rnnlab: ") and fragment in lines[0]
    assert "Traceback" not in err


def test_unknown_cell(capsys, tmp_path):
    code, _, err = run_cli(capsys, "compare", "--cells", "rnn,lstn", "-o", str(tmp_path), *TINY)
    assert_one_line(code, err, "unknown cell 'lstn'")


def test_unknown_task(capsys, tmp_path):
    code, _, err = run_cli(capsys, "compare", "--task", "addng", "-o", str(tmp_path), *TINY)
    assert_one_line(code, err, "unknown task 'addng'")


def test_length_on_a_task_without_one(capsys, tmp_path):
    code, _, err = run_cli(capsys, "compare", "--task", "digits", "--lengths", "10", "-o",
                           str(tmp_path))
    assert_one_line(code, err, "no sequence length")


def test_user_file_that_does_not_fit_the_task(capsys, tmp_path):
    data = tmp_path / "reviews.csv"
    data.write_text("text,label\ngreat film,pos\nawful film,neg\n")
    code, _, err = run_cli(capsys, "compare", "--data", str(data), "--data-task", "forecast",
                           "-o", str(tmp_path / "out"), *TINY)
    assert_one_line(code, err, "reviews.csv")


def test_output_folder_that_is_a_file(capsys, tmp_path):
    target = tmp_path / "out"
    target.write_text("not a folder")
    code, _, err = run_cli(capsys, "compare", "--task", "adding", "-o", str(target), *TINY)
    assert_one_line(code, err, "is a file")


def test_database_from_an_incompatible_version(capsys, tmp_path):
    with open_store(tmp_path) as store:
        store.set_meta("schema_version", "0")
    code, _, err = run_cli(capsys, "compare", "--task", "adding", "-o", str(tmp_path), *TINY)
    assert_one_line(code, err, "incompatible rnnlab")
    code, _, err = run_cli(capsys, "report", str(tmp_path))
    assert_one_line(code, err, "incompatible rnnlab")


def test_malformed_option_value_is_a_usage_error(capsys, tmp_path):
    code, _, err = run_cli(capsys, "compare", "--seeds", "many", "-o", str(tmp_path))
    assert code == 2 and "Traceback" not in err and err.startswith("rnnlab: ")


def test_report_without_a_database(capsys, tmp_path):
    code, _, err = run_cli(capsys, "report", str(tmp_path))
    assert_one_line(code, err, "no results database")


@pytest.mark.parametrize("command", ["compare", "report"])
def test_help_shows_a_working_example(command):
    done = subprocess.run([sys.executable, "-m", "rnnlab.cli", command, "--help"],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0
    assert f"rnnlab {command} " in done.stdout


def test_debug_shows_the_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "rnnlab.cli", "compare", "--cells", "xyz",
                           "--debug", "-o", str(tmp_path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0 and "Traceback" in done.stderr
