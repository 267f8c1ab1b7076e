"""A comparison on the user's own file, end to end (tiny, one epoch)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.study import StudyError, build_config, run_study


def test_compare_on_a_user_npz_file(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 9, 3)).astype(np.float32)
    y = (X[:, 0, 0] > 0).astype(np.int64)  # the answer sits at the first step
    path = tmp_path / "signals.npz"
    np.savez(path, X=X, y=y)
    config = build_config(data=path, data_task="classify", seeds=2, epochs=1)
    result = run_study(config, tmp_path / "out", workers=1, progress=False, report=False)
    assert result.failed == 0 and result.ran == 6
    assert {g.metric for g in result.analysis.groups} == {"accuracy"}
    assert {g.task for g in result.analysis.groups} == {"signals"}
    assert "**signals**" in result.recommendation


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
