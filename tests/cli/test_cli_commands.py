"""The ``rnnlab`` commands datasets, train, evaluate, predict and generate: one happy path each
on tiny settings, and every command's bad input → one ``rnnlab:`` line, exit code 2."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnlab import cells
from rnnlab.cli import main

CONSOLE_SCRIPT = Path(sys.executable).with_name("rnnlab")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_bad_input(capsys, *args: str, says: str | None = None) -> str:
    code, out, err = run(capsys, *args)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rnnlab: "), err
    assert "Traceback" not in out + err
    if says is not None:
        assert says in lines[0], lines[0]
    return lines[0]


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


# ----------------------------------------------------------------------------- happy paths
def test_datasets_lists_and_describes(capsys):
    code, out, _ = run(capsys, "datasets")
    assert code == 0 and "adding" in out and "sunspots" in out
    code, out, _ = run(capsys, "datasets", "adding")
    assert code == 0
    for word in ("regress", "length", "n_train", "baseline", "licence"):
        assert word in out


def test_train_evaluate_predict_adding(capsys, adding_model, work):
    code, out, _ = run(capsys, "evaluate", adding_model, "adding")
    assert code == 0
    for metric in ("mse", "rmse", "mae", "r2"):
        assert metric in out
    predictions = work / "predictions.csv"
    code, _, _ = run(capsys, "predict", adding_model, "adding", "--out", predictions)
    assert code == 0
    rows = read_csv(predictions)
    assert len(rows) == 16 and set(rows[0]) == {"index", "prediction", "target"}
    inputs = work / "inputs.npz"
    np.savez(inputs, X=np.zeros((3, 5, 2), np.float32))
    code, _, _ = run(capsys, "predict", adding_model, inputs, "--out", predictions)
    assert code == 0 and len(read_csv(predictions)) == 3
    table = work / "inputs.csv"
    table.write_text("t0a,t0b,t1a,t1b\n0.1,0,0.5,1\n0.2,1,0.3,0\n")
    code, _, _ = run(capsys, "predict", adding_model, table, "--out", predictions)
    assert code == 0 and [r["index"] for r in read_csv(predictions)] == ["0", "1"]


def test_classifier_metrics_table(capsys, work):
    path = work / "recall.safetensors"
    code, out, _ = run(capsys, "train", "recall", "-p", "length=4", "-p", "n_train=48",
                       "-p", "n_val=8", "-p", "n_test=16", "--cell", "rnn", "--hidden", "4",
                       "--epochs", "1", "--no-progress", "--out", path)
    assert code == 0 and path.is_file()
    code, out, _ = run(capsys, "evaluate", path, "recall")
    assert code == 0
    for word in ("accuracy", "precision", "recall", "confusion matrix"):
        assert word in out
    predictions = work / "recall.csv"
    assert run(capsys, "predict", path, "recall", "--out", predictions)[0] == 0
    row = read_csv(predictions)[0]
    assert "prediction" in row and "target" in row and any(k.startswith("p_") for k in row)


def test_generate_streams_text(capsys, char_model):
    code, out, err = run(capsys, "generate", char_model, "--prime", "ROMEO", "--length", "40",
                         "--temperature", "0.8", "--top-k", "5", "--seed", "0")
    assert code == 0, err
    assert out.startswith("ROMEO") and len(out.rstrip("\n")) >= 40
    again = run(capsys, "generate", char_model, "--prime", "ROMEO", "--length", "40",
                "--top-k", "5", "--seed", "0")[1]
    assert again == out


def test_char_model_evaluates_on_its_corpus(capsys, char_model, corpus):
    code, out, _ = run(capsys, "evaluate", char_model, corpus)
    assert code == 0 and "perplexity" in out


def test_console_script_reports_bad_input():
    script = CONSOLE_SCRIPT if CONSOLE_SCRIPT.exists() else Path("/work/main/.venv/bin/rnnlab")
    done = subprocess.run([str(script), "train", "adding", "--cell", "transformer"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"rnnlab: unknown cell 'transformer'; expected one of {', '.join(cells.names())}"]
    assert "Traceback" not in done.stdout + done.stderr


# ----------------------------------------------------------------------------- bad input
def test_datasets_unknown_name(capsys):
    assert_bad_input(capsys, "datasets", "addin", says="did you mean 'adding'")


@pytest.mark.parametrize("args, says", [
    (["adding", "--cell", "transformer"], "unknown cell 'transformer'"),
    (["no_such_data.csv"], "does not exist"),
    (["addin"], "unknown dataset"),
    (["adding", "--task", "classify"], "regress task"),
    (["adding", "--task", "translate"], "unknown task"),
    (["adding", "--engine", "jax"], "unknown engine"),
    (["adding", "-p", "nope=1"], "nope"),
    (["adding", "-p", "length"], "KEY=VALUE"),
    (["adding", "--val", "1.5"], "--val"),
])
def test_train_bad_input(capsys, work, args, says):
    assert_bad_input(capsys, "train", *args, "--epochs", "1", "--out", work / "never.safetensors",
                     says=says)
    assert not (work / "never.safetensors").exists()


def test_train_wrong_format(capsys, work):
    weird = work / "data.xyz"
    weird.write_text("1,2,3\n")
    assert_bad_input(capsys, "train", weird, "--out", work / "never.safetensors",
                     says="unknown file type")


def test_evaluate_bad_input(capsys, adding_model, work):
    assert_bad_input(capsys, "evaluate", work / "missing.safetensors", "adding",
                     says="does not exist")
    not_a_model = work / "model.csv"
    not_a_model.write_text("a,b\n1,2\n")
    assert_bad_input(capsys, "evaluate", not_a_model, "adding")
    assert_bad_input(capsys, "evaluate", adding_model, "addin", says="unknown dataset")
    # recall has 1 feature per step, the model reads 2
    assert_bad_input(capsys, "evaluate", adding_model, "recall", "-p", "length=4",
                     says="expects 2 features per step")
    assert_bad_input(capsys, "evaluate", adding_model, "adding", "--split", "holdout",
                     says="unknown split")


def test_predict_bad_input(capsys, adding_model, work):
    out = work / "never.csv"
    assert_bad_input(capsys, "predict", adding_model, work / "missing.npy", "--out", out,
                     says="does not exist")
    wrong = work / "three.npy"
    np.save(wrong, np.zeros((2, 5, 3), np.float32))
    assert_bad_input(capsys, "predict", adding_model, wrong, "--out", out,
                     says="expects (n, time, 2)")
    garbage = work / "garbage.npz"
    garbage.write_bytes(b"not a zip file at all")
    assert_bad_input(capsys, "predict", adding_model, garbage, "--out", out)
    odd = work / "odd.csv"
    odd.write_text("1,2,3\n")
    assert_bad_input(capsys, "predict", adding_model, odd, "--out", out, says="multiple")
    text = work / "words.csv"
    text.write_text("a,b\nx,y\n")
    assert_bad_input(capsys, "predict", adding_model, text, "--out", out, says="not a number")
    assert_bad_input(capsys, "predict", adding_model, "adding", "--out", out, "-p", "bad",
                     says="KEY=VALUE")
    assert not out.exists()


def test_generate_bad_input(capsys, adding_model, char_model, work):
    assert_bad_input(capsys, "generate", work / "missing.safetensors", says="does not exist")
    assert_bad_input(capsys, "generate", adding_model, says="no tokenizer")
    assert_bad_input(capsys, "generate", char_model, "--prime", "ROMEO@",
                     says="cannot be encoded")
    assert_bad_input(capsys, "generate", char_model, "--temperature", "-1",
                     says="temperature")
    assert_bad_input(capsys, "generate", char_model, "--top-k", "0", says="top-k")


def test_every_command_help_ends_with_an_example(capsys):
    for command in ("datasets", "train", "evaluate", "predict", "generate"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0
        assert "Example" in out and f"rnnlab {command}" in out.split("Example")[-1]
