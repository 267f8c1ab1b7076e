"""The command line for forecasting: the README's commands end to end on a small sales table,
evaluate/predict of a forecasting model in original units with dates, ``-p`` lists, and
``--help`` listing every key."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pandas as pd
import pytest

from rnnlab.commands.option_values import parse_params as _params
from rnnlab.commands.param_help import param_keys

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_commands() -> list[str]:
    """The ``rnnlab …`` lines of the README's forecasting block (continuations joined)."""
    text = README.read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```bash\n(.*?)```", text, re.S)
                 if "rnnlab train sales.csv" in b)
    lines = block.replace("\\\n", " ").splitlines()
    return [line.split("  #")[0].strip() for line in lines if line.startswith("rnnlab ")]


@pytest.fixture(scope="module")
def trained(tmp_path_factory, sales):
    """The README's commands run in a folder holding the small table as sales.csv."""
    folder = tmp_path_factory.mktemp("readme")
    sales.to_csv(folder / "sales.csv", index=False)
    return folder


def test_the_readme_commands_go_from_csv_to_dated_forecasts_and_a_plot(trained, cli,
                                                                      monkeypatch) -> None:
    monkeypatch.chdir(trained)
    commands = readme_commands()
    assert [c.split()[1] for c in commands] == ["train", "backtest", "forecast"]
    outputs = []
    for command in commands:
        args = shlex.split(command)[1:]
        if args[0] == "train":      # small and quick; everything else exactly as written
            args += ["--epochs", "2", "--hidden", "8", "--no-progress"]
        code, out, err = cli(*args)
        assert code == 0, err
        outputs.append(" ".join(out.split()))
    train, backtest, forecast = outputs
    assert "store S02: 240 days; filled 11 days missing after 2022-05-03" in train
    assert "prediction intervals: conformal" in train and "in original units (sales)" in train
    assert "seasonal naive" in backtest and "overall" in backtest
    frame = pd.read_csv(trained / "forecasts.csv")
    assert frame.columns.tolist() == ["store", "date", "sales", "sales_lo_80", "sales_hi_80",
                                      "sales_lo_95", "sales_hi_95"]
    assert len(frame) == 3 * 14 and frame["date"].iloc[0] == "2022-08-29"
    assert frame.groupby("store")["date"].last().tolist() == ["2022-09-11"] * 3
    assert "in original units" in forecast
    assert (trained / "forecast.png").read_bytes()[:4] == b"\x89PNG"


def test_evaluate_and_predict_of_a_forecaster_are_dated_and_in_original_units(trained, cli,
                                                                             tmp_path) -> None:
    model, data = trained / "sales.safetensors", trained / "sales.csv"
    code, out, _ = cli("evaluate", model, data, "--split", "val")
    assert code == 0 and "val backtest" in out and "in original units (sales)" in " ".join(
        out.split())
    code, out, _ = cli("evaluate", model, data, "--backtest")
    assert code == 0 and "test backtest" in out
    code, _, _ = cli("predict", model, data, "--out", tmp_path / "p.csv")
    rows = pd.read_csv(tmp_path / "p.csv")
    assert code == 0 and {"store", "origin", "time", "step", "actual", "forecast",
                          "lo_80", "naive", "seasonal_naive"} <= set(rows.columns)
    assert rows["time"].min() > rows["origin"].min() and rows["step"].max() == 14


def test_forecasting_commands_refuse_in_one_line(trained, cli, tmp_path) -> None:
    model, data = trained / "sales.safetensors", trained / "sales.csv"
    code, _, err = cli("forecast", model, data, "--horizon", "15")
    assert code == 2 and err.strip() == ("rnnlab: the model was trained to forecast 14 steps "
                                         "directly; ask for at most 14, or train with a longer "
                                         "horizon or strategy='recursive'")
    damaged = pd.read_csv(data)
    damaged.loc[damaged.index[-2], "promo"] = None           # S02's last forecast row
    damaged.to_csv(tmp_path / "damaged.csv", index=False)
    code, _, err = cli("forecast", model, tmp_path / "damaged.csv")
    assert code == 2 and err.count("\n") == 1 and re.search(
        r"damaged\.csv: store S02, row \d+, column 'promo' is empty in the forecast period "
        r"\(2022-09-11\)", err)
    code, _, err = cli("evaluate", model, data, "-p", "fill=zero")
    assert code == 2 and "so -p fill=… does not apply to `rnnlab evaluate`" in err
    code, _, err = cli("backtest", model, data, "--part", "later")
    assert code == 2 and "part must be one of train, val, test, all" in err
    code, _, err = cli("train", data, "--task", "forecast", "--id", "store", "-p", "id=store",
                       "-p", "id=region", "--out", tmp_path / "x.safetensors")
    assert code == 2 and "id is given twice (--id and -p id=…)" in err


def test_p_takes_lists_and_repeated_keys_add_to_them() -> None:
    assert _params(["covariates=temperature,promo", "lookback=28", "scale=none",
                    "dayfirst=true", "delimiter=,"]) == {
        "covariates": ["temperature", "promo"], "lookback": 28, "scale": None,
        "dayfirst": True, "delimiter": ","}
    assert _params(["covariates=a", "covariates=b,c"]) == {"covariates": ["a", "b", "c"]}
    assert _params(["ratios=0.8,0.1,0.1"]) == {"ratios": [0.8, 0.1, 0.1]}


@pytest.mark.parametrize("command", ["train", "evaluate", "predict", "compare"])
def test_help_lists_every_key_of_every_task(cli, command) -> None:
    code, out, _ = cli(command, "--help")
    text = " ".join(out.replace("│", " ").split())
    assert code == 0 and "Keys for -p/--param KEY=VALUE" in text
    for what, keys in param_keys().items():
        assert f"{what}: {', '.join(keys)}" in text, what
