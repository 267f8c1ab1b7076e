"""The command-line options that describe a table of series (``--id``, ``--time``, ``--target``,
``--covariates``, ``--future-covariates``, ``--calendar``, ``--fill``, ``--dayfirst``,
``--time-format``), shared by ``rnnlab train`` and turned into loader parameters here.

Each list option takes a comma-separated list, or repeats (``--id store --id region``).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

PANEL = "Forecasting a table of series (see also -p lookback=…, horizon=…, strategy=…)"

IdOption = Annotated[list[str] | None, typer.Option(
    "--id", help="Column(s) naming each series of a long-format table (repeat or "
                 "comma-separate).", rich_help_panel=PANEL)]
TimeOption = Annotated[str | None, typer.Option(
    "--time", help="The time column.", show_default="one named date, time, month, year…",
    rich_help_panel=PANEL)]
TargetOption = Annotated[list[str] | None, typer.Option(
    "--target", help="Column(s) to forecast.", show_default="every column without another role",
    rich_help_panel=PANEL)]
CovariatesOption = Annotated[list[str] | None, typer.Option(
    "--covariates", help="Past covariates: inputs known up to the present only.",
    rich_help_panel=PANEL)]
FutureCovariatesOption = Annotated[list[str] | None, typer.Option(
    "--future-covariates", help="Covariates known ahead (promotions, holidays); the forecast "
                                "period's come from rows with the target empty.",
    rich_help_panel=PANEL)]
CalendarOption = Annotated[list[str] | None, typer.Option(
    "--calendar", help="Calendar features from the dates: dayofweek, month, dayofyear, hour.",
    rich_help_panel=PANEL)]
FillOption = Annotated[str | None, typer.Option(
    "--fill", help="Holes and empty cells: refuse (the default: each is an error), "
                   "interpolate, ffill or zero.", rich_help_panel=PANEL)]
DayfirstOption = Annotated[bool | None, typer.Option(
    "--dayfirst/--monthfirst", help="Read dates such as 03/02/2022 day first (3 February) or "
                                    "month first.",
    show_default="whichever reads every date in order", rich_help_panel=PANEL)]
TimeFormatOption = Annotated[str | None, typer.Option(
    "--time-format", help="strftime format of the dates, e.g. %d/%m/%Y or %Y%m%d.",
    rich_help_panel=PANEL)]


def _names(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    names = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return names or None


def forecast_params(*, id: list[str] | None = None, time: str | None = None,
                    target: list[str] | None = None, covariates: list[str] | None = None,
                    future_covariates: list[str] | None = None,
                    calendar: list[str] | None = None, fill: str | None = None,
                    dayfirst: bool | None = None, time_format: str | None = None) -> dict:
    """The loader parameters the options above set (only those given).

    Example:
        >>> forecast_params(id=["store"], covariates=["temperature,humidity"], fill="zero")
        {'id': ['store'], 'covariates': ['temperature', 'humidity'], 'fill': 'zero'}
    """
    given = {"id": _names(id), "time": time, "target": _names(target),
             "covariates": _names(covariates), "future_covariates": _names(future_covariates),
             "calendar": _names(calendar), "fill": fill, "dayfirst": dayfirst,
             "time_format": time_format}
    return {key: value for key, value in given.items() if value is not None}


def merge_params(params: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """``-p`` parameters with the options added; the same key given both ways is refused."""
    from rnnlab.commands.inspect_export import CommandError

    for key, value in options.items():
        if key in params and params[key] != value:
            flag = "--" + key.replace("_", "-")
            raise CommandError(f"{key} is given twice ({flag} and -p {key}=…); give it once")
    return {**params, **options}
