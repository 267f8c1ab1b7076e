"""Everything a forecasting model needs to go from raw data to forecasts in the data's units.

A :class:`ForecastSpec` is made when the training data is prepared
(:func:`rnnlab.forecasting.prepare`), stored as ``model.data_info["forecast"]`` (JSON, written
into the model file by ``model.save``) and read back from it: a loaded model forecasts raw data
exactly as the model that was trained. Every entry is required — a description with one missing
is refused, never guessed.

==================  ==========================================================================
``roles``           id, time, target, past covariate and future covariate columns
``calendar``        calendar features generated from the dates (future covariates)
``time_kind``       ``datetime``, ``number`` or ``index``; ``dayfirst``, ``time_format``
``freq``            the series' frequency; ``season`` (seasonal naive and MASE)
``lookback``        input steps; ``horizon`` steps forecast; ``strategy`` ``direct``
                    (one model output per step ahead) or ``recursive`` (one step, fed back)
``stride``, ``ratios``  training windows and the chronological split of each series
``fill``            the missing-value policy; ``scale`` ``zscore``/``minmax``/``window``/None
``features``        the model's input features, in order
``series``          per series: id, label, its scaler (fitted on its training part only), the
                    last training and validation times, and its MASE scale
``intervals``       conformal prediction intervals (:mod:`rnnlab.forecasting.intervals`) or
                    ``None`` before calibration
==================  ==========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from rnnlab.datasets.errors import DataError
from rnnlab.datasets.files.long_format import Roles, read_long
from rnnlab.datasets.transforms.scalers import scaler_from_dict
from rnnlab.forecasting.calendar import Frequency, calendar_columns, parse_time
from rnnlab.forecasting.panel import Series, build_panel

SPEC_FORMAT = 1
STRATEGIES = ("direct", "recursive")
SCALES = ("zscore", "minmax", "window", None)
#: Smallest window standard deviation (in units of the series' training standard deviation)
#: that ``scale="window"`` divides by: a flat window must not blow up to huge inputs.
WINDOW_STD_FLOOR = 0.05


@dataclass(frozen=True)
class SeriesEntry:
    """What the model knows about one training series (see the module docstring)."""

    id: tuple[str, ...]
    label: str
    scaler: dict[str, Any] | None
    train_end: Any
    val_end: Any
    mase_scale: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": list(self.id), "label": self.label, "scaler": self.scaler,
                "train_end": self.train_end, "val_end": self.val_end,
                "mase_scale": list(self.mase_scale)}

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> SeriesEntry:
        _require(state, [f.name for f in fields(cls)], "a series entry")
        return cls(tuple(state["id"]), state["label"], state["scaler"], state["train_end"],
                   state["val_end"], tuple(float(v) for v in state["mase_scale"]))


def _require(state: Any, keys: list[str], what: str) -> None:
    if not isinstance(state, dict):
        raise DataError(f"the model's forecasting description is damaged: {what} is not a "
                        f"JSON object")
    for key in keys:
        if key not in state:
            raise DataError(f"the model's forecasting description lacks {key!r} in {what}; "
                            f"the file was damaged or written by another program — retrain "
                            f"the model")


@dataclass(frozen=True)
class ForecastSpec:
    """The forecasting description of one model (see the module docstring)."""

    roles: Roles
    calendar: tuple[str, ...]
    time_kind: str
    dayfirst: bool | None
    time_format: str | None
    freq: Frequency
    season: int
    lookback: int
    horizon: int
    strategy: str
    stride: int
    ratios: tuple[float, float, float]
    fill: str
    scale: str | None
    features: tuple[str, ...]
    series: tuple[SeriesEntry, ...]
    intervals: dict[str, Any] | None = None
    format: int = field(default=SPEC_FORMAT)

    # ------------------------------------------------------------------ shapes
    @property
    def k(self) -> int:
        """Number of targets."""
        return len(self.roles.targets)

    @property
    def scaled_columns(self) -> list[str]:
        """Columns a series scaler covers: targets, past covariates, future covariates."""
        return [*self.roles.targets, *self.roles.covariates, *self.roles.future_covariates]

    @property
    def future_width(self) -> int:
        """Known-ahead inputs per step: future covariates and calendar features."""
        return len(self.roles.future_covariates) + 2 * len(self.calendar)

    @property
    def model_horizon(self) -> int:
        """Steps one model call predicts: ``horizon`` (direct) or 1 (recursive)."""
        return self.horizon if self.strategy == "direct" else 1

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        return {"format": self.format, "roles": self.roles.to_dict(),
                "calendar": list(self.calendar), "time_kind": self.time_kind,
                "dayfirst": self.dayfirst, "time_format": self.time_format,
                "freq": self.freq.to_dict(), "season": self.season, "lookback": self.lookback,
                "horizon": self.horizon, "strategy": self.strategy, "stride": self.stride,
                "ratios": list(self.ratios), "fill": self.fill, "scale": self.scale,
                "features": list(self.features),
                "series": [entry.to_dict() for entry in self.series],
                "intervals": self.intervals}

    @classmethod
    def from_dict(cls, state: Any) -> ForecastSpec:
        """Read :meth:`to_dict` output; every key is required."""
        _require(state, [f.name for f in fields(cls)], "the forecasting description")
        if state["format"] != SPEC_FORMAT:
            raise DataError(f"the model's forecasting description has format "
                            f"{state['format']!r}; this rnnlab reads format {SPEC_FORMAT}")
        _require(state["roles"], ["id", "time", "targets", "covariates", "future_covariates"],
                 "roles")
        _require(state["freq"], ["kind", "alias", "step"], "freq")
        return cls(Roles.from_dict(state["roles"]), tuple(state["calendar"]),
                   state["time_kind"], state["dayfirst"], state["time_format"],
                   Frequency.from_dict(state["freq"]), int(state["season"]),
                   int(state["lookback"]), int(state["horizon"]), state["strategy"],
                   int(state["stride"]), tuple(float(r) for r in state["ratios"]),
                   state["fill"], state["scale"], tuple(state["features"]),
                   tuple(SeriesEntry.from_dict(s) for s in state["series"]),
                   state["intervals"], state["format"])

    @classmethod
    def of_model(cls, model: Any) -> ForecastSpec:
        """The spec a model remembers, or a ValueError saying it has none."""
        state = (getattr(model, "data_info", None) or {}).get("forecast")
        if state is None:
            raise DataError("this model has no forecasting description: it was not trained on "
                            "data prepared by rnnlab.forecasting.prepare (or `rnnlab train "
                            "--task forecast`), so it cannot read a table; pass arrays to "
                            "model.forecast(history, steps) instead")
        return cls.from_dict(state)

    def with_intervals(self, intervals: dict[str, Any] | None) -> ForecastSpec:
        return replace(self, intervals=intervals)

    # ------------------------------------------------------------------ series
    def entry(self, key: tuple[str, ...], where: str) -> SeriesEntry:
        """The training entry of series ``key``; a series the model never saw is refused."""
        for entry in self.series:
            if entry.id == key:
                return entry
        known = ", ".join(e.label for e in self.series[:5]) + (
            ", …" if len(self.series) > 5 else "")
        name = ", ".join(f"{c}={v}" for c, v in zip(self.roles.id, key, strict=False)) or "it"
        raise DataError(f"{where}: series {name} was not in the training data (the model knows "
                        f"{known}); a model only scales and forecasts series it was trained on")

    def read(self, source: Any, *, fill: str | None = None, future: Any = None,
             ) -> tuple[list[Series], str]:
        """Raw data → regular, filled :class:`Series` with this model's roles and calendar.

        ``future`` (a path or DataFrame with id, time and future covariate columns) supplies
        forecast rows; it replaces those found in ``source``. Returns the series and the name
        of the source for messages.
        """
        table = read_long(source, id=list(self.roles.id) or None, time=self.roles.time,
                          target=list(self.roles.targets), covariates=list(
                              self.roles.covariates),
                          future_covariates=list(self.roles.future_covariates),
                          dayfirst=self.dayfirst, time_format=self.time_format)
        if table.time_kind != self.time_kind and self.time_kind != "index":
            raise DataError(f"{table.where}: the time column holds {table.time_kind} values but "
                            f"the model was trained on {self.time_kind} times")
        series, _ = build_panel(table, policy=fill or self.fill, calendar=self.calendar,
                                freq=self.freq)
        if future is not None:
            self._attach_future(series, future)
        return series, table.where

    def _attach_future(self, series: list[Series], future: Any) -> None:
        from rnnlab.forecasting.panel import _forecast_rows

        table = read_long(future, id=list(self.roles.id) or None, time=self.roles.time,
                          target=[], covariates=[],
                          future_covariates=list(self.roles.future_covariates),
                          dayfirst=self.dayfirst, time_format=self.time_format)
        for one in series:
            raw = table.find(one.key)
            if raw is None:
                continue
            # Rows up to the end of the history are not forecast rows (a calendar of covariates
            # may cover the past too).
            raw.observed = int(np.searchsorted(raw.times, one.times[-1], side="right"))
            times, values, rows = _forecast_rows(raw, table, self.freq, one.times[-1])
            one.future_times, one.future_values, one.future_rows = times, values, rows

    # ------------------------------------------------------------------ scaling
    def scaler_of(self, entry: SeriesEntry) -> Any:
        return None if entry.scaler is None else scaler_from_dict(entry.scaler)

    def scaled(self, series: Series, entry: SeriesEntry) -> np.ndarray:
        """``(n, features without the flag)`` model-unit values of a series' history: its
        scaled columns then its calendar features."""
        scaler = self.scaler_of(entry)
        values = series.values if scaler is None else (series.values - scaler.offset) / \
            scaler.scale
        return np.concatenate([values, series.calendar], axis=1)

    def scaled_future(self, series: Series, entry: SeriesEntry, steps: int,
                      where: str) -> np.ndarray:
        """``(steps, future_width)`` model-unit future covariates of the ``steps`` after the
        end of the history; a step without them is refused naming row and column."""
        from rnnlab.forecasting.calendar import calendar_features, format_time

        f = len(self.roles.future_covariates)
        times = self.freq.after(series.times[-1], steps)
        given = len(series.future_times)
        values = np.full((steps, f), np.nan)
        values[:min(given, steps)] = series.future_values[:steps]
        if f:
            for step in range(steps):
                empty = np.flatnonzero(np.isnan(values[step]))
                if not empty.size:
                    continue
                name = self.roles.future_covariates[empty[0]]
                when = format_time(times[step], self.time_kind)
                prefix = f"{where}: {series.label}" if self.roles.id else where
                if step >= given:
                    raise DataError(f"{prefix}: future covariate {name!r} is missing for "
                                    f"{when}, step {step + 1} of the {steps} the model reads (the "
                                    f"data has {given} forecast row{'s' if given != 1 else ''} "
                                    f"after {format_time(series.times[-1], self.time_kind)}); "
                                    f"add rows with the target empty and the future covariates "
                                    f"filled, or pass future=FILE (--future)")
                raise DataError(f"{prefix}, row {series.future_rows[step]}, column {name!r} is "
                                f"empty in the forecast period ({when}); future covariates "
                                f"must be given for every step forecast")
        scaler = self.scaler_of(entry)
        if scaler is not None and f:
            start = len(self.scaled_columns) - f
            values = (values - scaler.offset[start:]) / scaler.scale[start:]
        return np.concatenate([values, calendar_features(times, list(self.calendar), where)],
                              axis=1)

    def target_units(self, entry: SeriesEntry) -> tuple[np.ndarray, np.ndarray]:
        """``(offset, scale)`` ``(k,)`` that map a target from series units to the data's."""
        scaler = self.scaler_of(entry)
        if scaler is None:
            return np.zeros(self.k), np.ones(self.k)
        return scaler.offset[:self.k], scaler.scale[:self.k]

    def split_index(self, series: Series, entry: SeriesEntry) -> tuple[int, int]:
        """Positions where the validation and test parts of ``series`` begin (by time)."""
        times = series.times
        train_end = parse_time(entry.train_end, self.time_kind)
        val_end = parse_time(entry.val_end, self.time_kind)
        return (int(np.searchsorted(times, train_end, side="right")),
                int(np.searchsorted(times, val_end, side="right")))


def feature_names(roles: Roles, calendar: tuple[str, ...]) -> tuple[str, ...]:
    """The model's input features in order: targets, past covariates, future covariates,
    calendar features and, with any future input, the ``is_future`` flag."""
    names = [*roles.targets, *roles.covariates, *roles.future_covariates,
             *calendar_columns(calendar)]
    if roles.future_covariates or calendar:
        names.append("is_future")
    return tuple(names)
