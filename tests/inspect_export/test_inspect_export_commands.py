"""The inspect and export command functions: files written, and every bad input one clear
CommandError (a ValueError: rnnlab.cli.main prints it as one line and exits with code 2)."""

from __future__ import annotations

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

import rnnlab
from rnnlab.commands.inspect_export import CommandError, export_command, inspect_command


@pytest.fixture
def files(tmp_path):
    model = rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=2, task="classify")
    model.save(tmp_path / "model.safetensors")
    X = np.random.default_rng(0).standard_normal((6, 5, 2))
    np.savez(tmp_path / "data.npz", X=X, y=np.array([0, 1, 0, 1, 1, 0]),
             lengths=np.array([5, 3, 5, 2, 4, 1]))
    return tmp_path


def test_inspect_writes_arrays_and_plots(files, capsys):
    code = inspect_command(files / "model.safetensors", files / "data.npz", files / "out",
                           samples=4, sample=1)
    assert code == 0
    names = {p.name for p in (files / "out").iterdir()}
    assert {"trace.npz", "1.lstm_l0_gate_f.png", "gradient_flow.png"} <= names
    with np.load(files / "out" / "trace.npz", allow_pickle=False) as data:
        assert data["lengths"].tolist() == [5, 3, 5, 2]
    text = capsys.readouterr().out
    assert "gate saturation" in text and "model loss" in text


def test_export_onnx_and_keras(files):
    pytest.importorskip("onnxruntime")
    assert export_command(files / "model.safetensors", files / "m.onnx") == 0
    assert (files / "m.onnx").is_file()
    assert export_command(files / "model.safetensors", files / "w.npz", "keras") == 0
    with np.load(files / "w.npz") as data:
        assert data["1.lstm_l0/kernel"].shape == (2, 12)
        assert data["1.lstm_l0/bias"].shape == (12,)


@pytest.mark.parametrize(("call", "message"), [
    (lambda d: inspect_command(d / "nope.safetensors", d / "data.npz", d / "o"),
     "model file .* does not exist"),
    (lambda d: inspect_command(d / "model.safetensors", d / "nope.npz", d / "o"),
     "data file .* does not exist"),
    (lambda d: inspect_command(d / "model.safetensors", d / "data.csv", d / "o"),
     "not a NumPy file"),
    (lambda d: inspect_command(d / "model.safetensors", d / "wide.npz", d / "o"),
     "features"),
    (lambda d: inspect_command(d / "model.safetensors", d / "objects.npy", d / "o"),
     "holds Python objects, which rnnlab never unpickles"),
    (lambda d: inspect_command(d / "data.npz", d / "data.npz", d / "o"), "data.npz"),
    (lambda d: inspect_command(d / "model.safetensors", d / "data.npz", d / "o", sample=99),
     "--sample must index"),
    (lambda d: export_command(d / "model.safetensors", d / "m.tf", "tensorflow"),
     "unknown export format"),
    (lambda d: export_command(d / "model.safetensors", d / "no" / "m.onnx"),
     "does not exist"),
])
def test_bad_input_is_one_line(files, call, message):
    (files / "data.csv").write_text("a,b\n1,2\n")
    np.savez(files / "wide.npz", X=np.zeros((2, 4, 7)))
    np.save(files / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match=message) as caught:
        call(files)
    assert "\n" not in str(caught.value)


def test_command_error_is_a_value_error():
    assert issubclass(CommandError, ValueError)


def test_the_functions_register_as_typer_commands(files):
    app = typer.Typer()
    app.command("inspect")(inspect_command)
    app.command("export")(export_command)
    runner = CliRunner()
    assert "rnnlab inspect model.safetensors" in runner.invoke(app, ["inspect", "--help"]).output
    result = runner.invoke(app, ["export", str(files / "model.safetensors"),
                                 str(files / "w.npz"), "--format", "keras"])
    assert result.exit_code == 0, result.output


def test_dynamo_export_of_an_rnn_is_a_one_line_refusal_with_exit_code_2(tmp_path, capsys):
    from rnnlab.cli import main

    rnnlab.build("rnn", input_size=2, hidden_size=3, output_size=2,
                 task="classify").save(tmp_path / "rnn.safetensors")
    code = main(["export", str(tmp_path / "rnn.safetensors"), str(tmp_path / "rnn.onnx"),
                 "--exporter", "dynamo"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [
        "rnnlab: layer 1 is an RNN, and torch's dynamo exporter fixes the time axis of nn.RNN "
        "to the example's length, so the file would reject every other length; use "
        "exporter='native' (the default) or 'legacy'"]
    assert not (tmp_path / "rnn.onnx").exists()
