"""A comparison on the user's own file, end to end (tiny, one or two epochs)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.study import StudyError, build_config, check_report, run_study
from rnnlab.study.api import DATA_SEEDS


def test_a_study_of_user_data_tunes_each_cell_and_runs_five_seeds_by_default(tmp_path):
    path = tmp_path / "x.npz"
    np.savez(path, X=np.zeros((40, 3, 1), np.float32), y=np.arange(40) % 2)
    config = build_config(data=path, data_task="classify")
    assert config.tune == "lr" and config.seeds == tuple(range(DATA_SEEDS)) == (0, 1, 2, 3, 4)
    assert build_config(data=path, data_task="classify", tune="none").tune is None
    assert build_config(tasks="adding").tune is None


def test_compare_on_a_user_npz_file(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 9, 3)).astype(np.float32)
    y = (X[:, 0, 0] > 0).astype(np.int64)  # the answer sits at the first step
    path = tmp_path / "signals.npz"
    np.savez(path, X=X, y=y)
    config = build_config(data=path, data_task="classify", seeds=2, epochs=1,
                          tune_grid=[0.003, 0.03])
    result = run_study(config, tmp_path / "out", workers=1, progress=False, report=False)
    assert result.failed == 0 and result.ran == 3 * 2 + 3 * 2  # trials, then final runs
    assert {g.metric for g in result.analysis.groups} == {"accuracy"}
    assert {g.task for g in result.analysis.groups} == {"signals"}
    assert "**signals**" in result.recommendation
    for g in result.analysis.groups:  # each cell trained at the rate its trials chose
        assert g.learning_rate == result.tuning["signals", None, g.cell].rate


@pytest.mark.slow
def test_compare_on_a_forecast_csv_end_to_end(tmp_path):
    # One store's daily sales with a weekly cycle, as in the report.
    days = np.arange(420)
    rng = np.random.default_rng(1)
    sales = 100 + 20 * np.sin(2 * np.pi * days / 7) + 0.05 * days + rng.normal(0, 3, days.size)
    path = tmp_path / "s01.csv"
    path.write_text("day,sales\n" + "".join(f"{d},{s:.2f}\n" for d, s in zip(days, sales,
                                                                            strict=True)))
    config = build_config(data=path, data_task="forecast", seeds=2, epochs=2,
                          params={"target": "sales", "lookback": 14},
                          tune_grid=[0.003, 0.03])
    result = run_study(config, tmp_path / "out", workers=1, progress=False)
    assert result.failed == 0 and result.config.tune == "lr"
    report = check_report(tmp_path / "out")
    (rec,) = report["recommendation"]
    assert rec["cell"] in rec["top_group"]
    assert {t["cell"] for t in report["tuning"]} == {"rnn", "lstm", "gru"}
    assert (tmp_path / "out" / "lr_sensitivity.png").exists()


def test_a_user_file_too_small_to_split_is_refused(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("text,label\ngood film,pos\nbad film,neg\n")
    config = build_config(data=path, data_task="classify", seeds=1, epochs=1)
    with pytest.raises(StudyError, match="split is empty"):
        run_study(config, tmp_path / "out", workers=1, progress=False, report=False)


def test_a_length_sweep_on_a_user_file_is_refused(tmp_path):
    path = tmp_path / "x.npz"
    np.savez(path, X=np.zeros((4, 3, 1), np.float32), y=np.zeros(4, np.int64))
    with pytest.raises(StudyError, match="length sweep needs a generated task"):
        build_config(data=path, lengths=[10])
