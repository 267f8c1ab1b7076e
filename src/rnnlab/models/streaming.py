"""Streaming and closed-loop forecasting with a model trained on whole sequences.

``predict_and_update_state(x)`` runs a chunk of steps starting from the state the previous call
left (zeros after :meth:`reset_state`), like MATLAB's ``predictAndUpdateState``. Feeding a
sequence chunk by chunk therefore gives the same outputs as one forward pass over all of it:
for a per-step model, the concatenated outputs; for a last-output model, the prediction after the
final chunk. A bidirectional layer reads the future, so it cannot stream.

``forecast(history, steps)`` predicts ``steps`` values beyond ``history`` by feeding each
prediction back as the next input (closed loop); the model's outputs must be its next inputs.
A model trained on a table through :mod:`rnnlab.forecasting` (covariates, several series)
forecasts a DataFrame instead: ``model.forecast(frame, horizon=14)``.
"""

from __future__ import annotations

from os import PathLike
from typing import Any

import numpy as np

from rnnlab import metrics


class StreamingMixin:
    """``reset_state`` / ``predict_and_update_state`` / ``forecast`` for
    :class:`rnnlab.Sequential`."""

    def reset_state(self) -> None:
        """Forget the streaming state: the next chunk starts from zeros."""
        self._stream = None

    def _check_streamable(self) -> None:
        for layer in self.recurrent_layers:
            if layer.bidirectional:
                raise ValueError(f"a bidirectional {layer.kind} reads each sequence backwards "
                                 f"from its end, so it cannot be fed one step at a time; use "
                                 f"predict() on whole sequences")

    def _chunk(self, x: Any) -> tuple[np.ndarray, bool]:
        """``x`` as a ``(batch, steps, …)`` array, and whether it was a single step."""
        x = np.asarray(x)
        single = x.ndim == (1 if self.tokens else 2)
        if single:
            x = x[:, None]
        sequences = self.prepare(x, name="x")
        return sequences.values, single

    def predict_and_update_state(self, x: Any) -> np.ndarray:
        """Predict from a chunk of steps and keep the recurrent state for the next chunk.

        Args:
            x: ``(batch, steps, features)``, or ``(batch, features)`` for one step (token
                models: ``(batch, steps)`` or ``(batch,)``). The batch size must stay the same
                until :meth:`reset_state`.
        Returns:
            per-step models: ``(batch, steps, outputs)`` (``(batch, outputs)`` for one step);
            last-output models: ``(batch, outputs)``, the prediction given everything fed so
            far. Classifiers give probabilities.

        Example:
            >>> import rnnlab
            >>> model = rnnlab.build("lstm", input_size=1, hidden_size=3, output_size=1,
            ...                      task="regress")
            >>> model.reset_state()
            >>> model.predict_and_update_state(np.zeros((2, 1))).shape
            (2, 1)
        """
        self._check_streamable()
        values, single = self._chunk(x)
        runner = self.runner()
        state = None
        if self._stream is not None:
            owner, state, batch = self._stream
            if owner is not runner:
                state = None
            elif batch != values.shape[0]:
                raise ValueError(f"x holds {values.shape[0]} sequences but the streaming state "
                                 f"holds {batch}; call reset_state() before changing the batch")
        out, state = runner.stream(values, state)
        self._stream = (runner, state, values.shape[0])
        if self.is_classifier:
            out = metrics.softmax(out)
        if single and out.ndim == 3:
            out = out[:, 0]
        return out

    def forecast(self, history: Any, steps: int | None = None, *, horizon: int | None = None,
                 future: Any = None, fill: str | None = None, levels: Any = None) -> Any:
        """Predict ``steps`` values past ``history``, feeding each prediction back as input — or,
        for a model trained on a table (:mod:`rnnlab.forecasting`), forecast every series of a
        table past its end.

        Args:
            history: ``(batch, time, features)``, one series ``(time, features)``, or for a
                one-feature model a 1-D series ``(time,)``; for a model trained through
                :func:`rnnlab.forecasting.prepare`, a DataFrame or file in its training layout.
            steps, horizon: how many steps to predict (≥ 1; the same thing under two names —
                a table forecast defaults to the model's horizon).
            future, fill, levels: table forecasts only (see
                :func:`rnnlab.forecasting.forecast`): future covariates, missing-value policy,
                interval levels.
        Returns:
            predictions shaped like ``history`` with ``steps`` steps: ``(batch, steps,
            features)``, ``(steps, features)`` or ``(steps,)``; for a table, a DataFrame with
            the ids, future timestamps, forecasts in the data's units and intervals.

        A per-step model reads the history once and then one prediction at a time (its state
        carries the past); a last-output model slides a window the length of ``history``.

        Example:
            >>> import rnnlab
            >>> model = rnnlab.build("gru", input_size=1, hidden_size=4, output_size=1,
            ...                      task="regress")
            >>> model.forecast(np.sin(np.arange(20.0)), steps=5).shape
            (5,)
        """
        if steps is not None and horizon is not None and steps != horizon:
            raise ValueError(f"steps={steps} and horizon={horizon} disagree; give one of them")
        steps = horizon if steps is None else steps
        if hasattr(history, "columns") or isinstance(history, str | PathLike):
            from rnnlab.forecasting import forecast

            return forecast(self, history, steps, future=future, fill=fill, levels=levels)
        if steps is None:
            raise ValueError("forecast() needs the number of steps to predict (steps=…)")
        if self.is_classifier or self.tokens or self.output_units != self.features:
            raise ValueError(f"forecast() feeds each prediction back as the next input, so it "
                             f"needs a regression model with as many outputs as input features; "
                             f"this model reads {self.features} features and predicts "
                             f"{self.output_units} {'classes' if self.is_classifier else 'values'}")
        if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 1:
            raise ValueError(f"steps must be a positive integer, got {steps!r}")
        series = np.asarray(history, dtype=np.float64) if not hasattr(history, "iloc") \
            else history.to_numpy(dtype=np.float64)
        given = series.ndim
        if given == 1 and self.features == 1:
            series = series[None, :, None]
        elif given == 2:
            series = series[None]
        elif given != 3:
            raise ValueError(f"history must be (batch, time, features), (time, features) or, "
                             f"for one feature, (time,); got shape {series.shape}")
        predictions = (self._forecast_stateful(series, steps) if self.output_mode == "sequence"
                       else self._forecast_window(series, steps))
        if given == 1:
            return predictions[0, :, 0]
        return predictions[0] if given == 2 else predictions

    def _forecast_stateful(self, series: np.ndarray, steps: int) -> np.ndarray:
        self._check_streamable()
        runner = self.runner()
        out, state = runner.stream(self.prepare(series, name="history").values, None)
        predictions = [out[:, -1]]
        for _ in range(steps - 1):
            step = self.prepare(predictions[-1][:, None], name="history").values
            out, state = runner.stream(step, state)
            predictions.append(out[:, -1])
        return np.stack(predictions, axis=1)

    def _forecast_window(self, series: np.ndarray, steps: int) -> np.ndarray:
        window = series.copy()
        predictions = []
        for _ in range(steps):
            sequences = self.prepare(window, name="history")
            value = self.raw_outputs(sequences)                    # (batch, features)
            predictions.append(value)
            window = np.concatenate([window[:, 1:], value[:, None]], axis=1)
        return np.stack(predictions, axis=1)
