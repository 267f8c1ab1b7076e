"""The report's learning curves count epochs in whole numbers (no tick at epoch 2.5)."""

from __future__ import annotations

import matplotlib.figure
from study_fakes import fake_execute

from rnnlab.study import StudyConfig, TaskSpec, run_study


def test_learning_curves_have_whole_epoch_ticks(tmp_path, monkeypatch):
    ticks = {}
    save = matplotlib.figure.Figure.savefig

    def recording(figure, path, *args, **kwargs):
        figure.canvas.draw()
        ticks[str(path)] = [[t for t in axis.get_xticks()
                             if axis.get_xlim()[0] <= t <= axis.get_xlim()[1]]
                            for axis in figure.axes]
        return save(figure, path, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", recording)
    config = StudyConfig(tasks=(TaskSpec("adding", (5,), {"n_train": 16, "n_val": 8,
                                                          "n_test": 8}),),
                         seeds=(0, 1), epochs=3, name="ticks")
    run_study(config, tmp_path, workers=1, progress=False, function=fake_execute)
    curves = next(v for k, v in ticks.items() if k.endswith("learning_curves.png"))
    assert curves[0] and all(float(t).is_integer() for t in curves[0]), curves
