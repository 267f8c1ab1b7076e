"""``rnnlab forecast`` and ``rnnlab backtest``, and what ``train``, ``evaluate`` and ``predict``
do differently for a forecasting model (one trained on a table through
:mod:`rnnlab.forecasting`).

Everything here reads the model's own description (``model.data_info["forecast"]``) and the raw
table, and reports in the data's own units — saying so — with dates:

* ``train`` prints what was filled per series, calibrates the prediction intervals on the
  validation part and prints the test backtest beside the naive forecasts;
* ``forecast`` writes one row per series and future step (ids, timestamps, forecast,
  intervals) and can plot them;
* ``backtest`` (and ``evaluate --backtest``) scores rolling-origin forecasts, per series and
  overall, against the naive and seasonal-naive forecasts;
* ``evaluate`` of a forecasting model is the backtest of one split, ``predict`` writes that
  split's dated forecasts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rnnlab.commands.common import console, load_model
from rnnlab.commands.inspect_export import CommandError


def is_forecasting(record_or_dataset: Any) -> bool:
    """True for a forecasting model's data description or a dataset with a forecast spec."""
    info = record_or_dataset if isinstance(record_or_dataset, dict) else getattr(
        record_or_dataset, "info", {})
    return isinstance(info, dict) and info.get("forecast") is not None


def _units(spec: Any) -> str:
    return ", ".join(spec.roles.targets)


def print_notes(dataset: Any, out: Any) -> None:
    """One line per series on what was filled, and reading decisions (day-first dates)."""
    for line in dataset.info.get("notes", []):
        out.print(f"  {line}", highlight=False, markup=False)


def _scores_table(result: Any, title: str) -> Any:
    from rich.table import Table

    from rnnlab.forecasting.backtest import format_scores

    rows = format_scores(result)
    table = Table(title=title)
    for i, name in enumerate(rows[0]):
        table.add_column(name, justify="left" if i < 2 else "right", no_wrap=i < 2)
    for row in rows[1:]:
        table.add_row(*row, end_section=row[1] == "seasonal naive")
    return table


def _print_backtest(result: Any, spec: Any, what: str, out: Any) -> None:
    out.print(_scores_table(result, f"{what}: {result.origins} origins × {result.horizon} "
                                    f"steps, in original units ({_units(spec)}); MASE scaled "
                                    f"by the training part's seasonal-naive error (season "
                                    f"{result.season})"))
    if result.skipped:
        out.print(f"not backtested (no origin leaves room for the lookback and horizon): "
                  f"{', '.join(result.skipped)}", highlight=False)
    skill = result.skill()
    best = min(("naive", "seasonal naive"), key=lambda m: result.overall[m]["MASE"])
    out.print(f"overall MASE {result.overall['model']['MASE']:.3f} vs {best} "
              f"{result.overall[best]['MASE']:.3f}: skill {skill:.3f} (1 − MASE / the better "
              f"naive forecast's)", highlight=False)


def after_training(model: Any, dataset: Any, data: str, out: Any) -> None:
    """``train``'s forecasting step: remember the data, calibrate intervals, report the test
    backtest in original units."""
    from rnnlab import forecasting
    from rnnlab.forecasting.spec import ForecastSpec

    model.remember_data(dataset)
    spec = ForecastSpec.of_model(model)
    if spec.ratios[1] > 0:
        intervals = forecasting.calibrate(model, data)
        covered = ", ".join(f"{level} %: {100 * value:.1f} %" for level, value
                            in intervals["test_coverage"].items())
        out.print(f"prediction intervals: conformal, from {intervals['calibration_forecasts']} "
                  f"validation forecasts; share of held-out test values inside them: "
                  f"{covered or 'no test part'}", highlight=False)
    dataset.info["forecast"] = model.data_info["forecast"]   # what the model file keeps
    if spec.ratios[2] > 0:
        result = forecasting.backtest(model, data)
        _print_backtest(result, spec, "test backtest", out)


def _read_model(model_path: Path) -> tuple[Any, Any]:
    from rnnlab.forecasting.spec import ForecastSpec

    model, record = load_model(model_path)
    if not is_forecasting(record):
        raise CommandError(f"{model_path} is not a forecasting model (it was not trained with "
                           f"--task forecast on a table); use `rnnlab predict` instead")
    return model, ForecastSpec.of_model(model)


def forecast_command(model_path: Path, data: Path, *, horizon: int | None = None,
                     out: Path | None = None, plot: Path | None = None,
                     future: Path | None = None, fill: str | None = None,
                     levels: list[float] | None = None) -> Any:
    """Forecast every series of ``data`` past its end; write CSV and/or a PNG; returns the
    DataFrame."""
    from rnnlab.forecasting.predict import check_horizon, forecast

    model, spec = _read_model(model_path)
    horizon = check_horizon(spec, horizon)
    if out is not None and Path(out).is_dir():
        raise CommandError(f"--out {out} is a folder; give a file name such as forecasts.csv")
    frame = forecast(model, str(data), horizon, future=None if future is None else str(future),
                     fill=fill, levels=levels or None)
    screen = console()
    count = len(frame) // horizon if horizon else 0
    screen.print(f"forecast of {_units(spec)} for {count} series × {horizon} steps past the end, "
                 f"in original units ({spec.strategy} strategy)", highlight=False)
    bands = [c for c in frame.columns if "_lo_" in c or "_hi_" in c]
    if bands and frame[bands].isna().to_numpy().any():
        calibrated = len(spec.intervals["quantiles"][next(iter(spec.intervals["quantiles"]))])
        screen.print(f"intervals are calibrated for {calibrated} steps ahead; those of later "
                     f"steps are left empty", highlight=False)
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(out, index=False, float_format="%.8g")
        screen.print(f"wrote {out}")
    else:
        screen.print(frame.to_string(index=False, max_rows=40), highlight=False, markup=False)
    if plot is not None:
        from rnnlab.forecasting.plot import plot_forecast

        series, _ = spec.read(str(data), fill=fill)
        screen.print(f"plot: {plot_forecast(series, frame, spec, plot)}")
    return frame


def backtest_command(model_path: Path, data: Path, *, part: str = "test",
                     horizon: int | None = None, stride: int = 1, season: int | None = None,
                     start: str | None = None, out: Path | None = None) -> Any:
    """Print a rolling-origin backtest; write its forecasts as CSV; returns the result."""
    from rnnlab.forecasting.backtest import backtest

    model, spec = _read_model(model_path)
    if out is not None and Path(out).is_dir():
        raise CommandError(f"--out {out} is a folder; give a file name such as backtest.csv")
    result = backtest(model, str(data), part=part, horizon=horizon, stride=stride,
                      season=season, start=start)
    screen = console()
    what = f"backtest from {start}" if start else f"{part} backtest"
    _print_backtest(result, spec, what, screen)
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        result.forecasts.to_csv(out, index=False, float_format="%.8g")
        screen.print(f"wrote {len(result.forecasts)} forecasts to {out}")
    return result


def _no_params(params: dict[str, Any] | None, command: str) -> None:
    if params:
        raise CommandError(f"a forecasting model reads tables with the column roles, lookback "
                           f"and fill policy it was trained with, so -p "
                           f"{next(iter(params))}=… does not apply to `rnnlab {command}`; see "
                           f"`rnnlab backtest --help` for what can change")


def evaluate_forecaster(model_path: Path, data: str, split: str,
                        params: dict[str, Any] | None = None) -> Any:
    """``evaluate`` of a forecasting model: the backtest of ``split`` (``train`` included)."""
    _no_params(params, "evaluate")
    return backtest_command(model_path, Path(data), part=split)


def predict_forecaster(model_path: Path, data: str, out: Path, split: str,
                       params: dict[str, Any] | None = None) -> Path:
    """``predict`` of a forecasting model: the dated forecasts of ``split`` as CSV."""
    _no_params(params, "predict")
    backtest_command(model_path, Path(data), part=split, out=out)
    return Path(out)
