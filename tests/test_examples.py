"""The examples run end to end and actually learn (small settings)."""

import importlib.util
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load_example(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses defined in an example look their module up here
    spec.loader.exec_module(module)
    return module


def test_reference_lstm_example_learns(capsys):
    test_mse = load_example("reference_lstm").main(epochs=3, n_train=600)
    out = capsys.readouterr().out
    assert "epoch  3" in out and "predicted" in out
    assert test_mse < 0.02  # predicting the mean scores about 0.5
