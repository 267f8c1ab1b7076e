"""What the plots show: whole-number ticks on time and epoch axes, layers named as a reader says
them, the kept epoch marked, and gradient flow measured from each sequence's own last step with
the number of sequences behind every point."""

from __future__ import annotations

import matplotlib.figure
import numpy as np
import pytest

import rnnlab
from rnnlab.inspect import trace
from rnnlab.inspect.gradients import flow_by_distance


@pytest.fixture
def figures(monkeypatch):
    """Every figure saved while the test runs, inspected just before it is written."""
    seen: list[dict] = []
    save = matplotlib.figure.Figure.savefig

    def recording(figure, path, *args, **kwargs):
        figure.canvas.draw()
        seen.append({"path": str(path), "title": figure._suptitle.get_text()
                     if figure._suptitle else "",
                     "axes": [{"title": a.get_title(), "xlabel": a.get_xlabel(),
                               "xticks": [t for t in a.get_xticks()
                                          if a.get_xlim()[0] <= t <= a.get_xlim()[1]],
                               "yticks": list(a.get_yticks()),
                               "legend": [t.get_text() for t in a.get_legend().get_texts()]
                               if a.get_legend() else [],
                               "lines": [line.get_label() for line in a.get_lines()],
                               "children": a.child_axes}
                              for a in figure.axes]})
        return save(figure, path, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", recording)
    return seen


def whole(values) -> bool:
    return all(float(v).is_integer() for v in values)


def test_heatmaps_have_whole_time_steps_and_readable_layer_names(tmp_path, figures):
    model = rnnlab.build("lstm", input_size=2, hidden_size=3, output_size=2, task="classify",
                         num_layers=2)
    X = [np.random.default_rng(i).standard_normal((n, 2)) for i, n in enumerate((2, 5, 4))]
    trace(model, X, [0, 1, 0]).plot(tmp_path, sample=0)    # 2 steps: default ticks are halves
    heatmaps = [f for f in figures if "gate" in f["path"] or "state" in f["path"]
                or "hidden" in f["path"]]
    assert len(heatmaps) == 2 * 6
    for figure in heatmaps:
        main = figure["axes"][0]
        assert main["xticks"] and whole(main["xticks"]), (figure["path"], main["xticks"])
        assert whole(main["yticks"]), (figure["path"], main["yticks"])     # 3 units
        assert "lstm_l" not in main["title"] and "LSTM layer" in main["title"]
    titles = {f["axes"][0]["title"] for f in heatmaps}
    assert "forget gate f — LSTM layer 2, sequence 0" in titles


def test_gradient_flow_is_relative_to_each_sequences_last_step():
    """Short sequences with large gradients, long ones with small: the raw mean drops where the
    short ones end; each sequence measured from its own last step decays at its true rate."""
    lengths = np.array([4, 4, 4, 10])
    decay, steps = 0.9, 10
    distance = np.full((4, steps), np.nan)
    grads = np.full((4, steps), np.nan)
    for b, n in enumerate(lengths):
        d = np.arange(n)[::-1]                       # forward scan: d = len − 1 − t
        distance[b, :n] = d
        grads[b, :n] = (100.0 if n == 4 else 1.0) * decay ** d
    dist, ratios, counts = flow_by_distance(grads, distance)
    np.testing.assert_allclose(ratios, decay ** dist)
    assert counts.tolist() == [4] * 4 + [1] * 6
    _, raw, _ = flow_by_distance(grads, distance, relative=False)
    assert raw[4] < raw[3] / 50                     # the artefact the relative curve removes


def test_trace_gradient_flow_matches_a_loop_over_sequences():
    model = rnnlab.build("gru", input_size=2, hidden_size=4, output_size=2, task="classify",
                         seed=2)
    lengths = [7, 3, 5, 1, 7]
    X = [np.random.default_rng(i).standard_normal((n, 2)) for i, n in enumerate(lengths)]
    t = trace(model, X, [0, 1, 1, 0, 1])
    distance, ratios, counts = t.gradient_flow()
    g = t["1.gru_l0"].grad_hidden
    for d in distance:
        reach = [b for b, n in enumerate(lengths) if n > d]
        expected = np.mean([g[b, lengths[b] - 1 - d] / g[b, lengths[b] - 1] for b in reach])
        assert counts[d] == len(reach)
        assert ratios[d] == pytest.approx(expected, rel=1e-12)


def test_gradient_flow_plot_shows_the_count(tmp_path, figures):
    model = rnnlab.build("rnn", input_size=2, hidden_size=3, output_size=1, task="regress")
    X = [np.random.default_rng(i).standard_normal((n, 2)) for i, n in enumerate((6, 2, 4))]
    trace(model, X, [0.5, 1.0, 0.0]).plot(tmp_path)
    flow = next(f for f in figures if f["path"].endswith("gradient_flow.png"))
    top, below = flow["axes"]
    assert top["legend"] == ["RNN layer 1"]
    assert "sequences that reach each distance" in top["title"]
    assert below["lines"] and whole(below["xticks"])


def test_training_progress_marks_the_kept_epoch_with_whole_epoch_ticks(tmp_path, figures):
    X = np.random.default_rng(0).standard_normal((40, 5, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    model = rnnlab.build("gru", input_size=2, hidden_size=4, output_size=2, task="classify")
    history = rnnlab.train(model, X, y, rnnlab.TrainingOptions(
        max_epochs=3, batch_size=16, validation_data=0.25, verbose=False))
    history.plot(tmp_path / "progress.png")
    loss, metric = figures[-1]["axes"][:2]
    for panel in (loss, metric):
        assert f"kept: epoch {history.best_epoch}" in panel["legend"]
        assert whole(panel["xticks"])
    epoch_axis = loss["children"][0]
    assert epoch_axis.get_xlabel() == "epoch"
    assert [t.get_text() for t in epoch_axis.get_xticklabels()] == ["1", "2", "3"]
