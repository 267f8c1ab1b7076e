"""``rnnlab compare --suite modern``: the seven cells run through the real study pipeline
(workers, store, analysis, report) at a tiny budget, parameter-matched, and the report names
every cell with its hidden size and parameter count."""

from __future__ import annotations

from rnnlab import cells
from rnnlab.cli import main
from rnnlab.study import open_store
from rnnlab.study.matching import num_parameters
from rnnlab.study.suites import MODERN_CELLS, suite

TINY = ["--task", "adding", "--lengths", "12", "--seeds", "1", "--steps", "2",
        "--param", "n_train=32", "--param", "n_val=16", "--param", "n_test=16",
        "--workers", "1", "--no-progress"]


def test_modern_suite_runs_and_reports_every_cell_parameter_matched(tmp_path, capsys):
    assert suite("modern").cells == MODERN_CELLS
    code = main(["compare", "--suite", "modern", "--out", str(tmp_path), *TINY])
    out = capsys.readouterr().out
    assert code == 0, out
    with open_store(tmp_path, create=False) as store:
        runs = {row["cell"]: row for row in store.runs(status=None)}
    assert set(runs) == set(MODERN_CELLS)
    budget = num_parameters("lstm", 2, 32, 1)
    assert runs["lstm"]["num_parameters"] == runs["lstm-chrono"]["num_parameters"] == budget
    for name, row in runs.items():
        assert row["status"] == "done", (name, row)
        hidden = row["hidden_size"]
        # The closest budget a hidden size can reach: one unit more or less is no closer.
        gap = abs(row["num_parameters"] - budget)
        for other in (hidden - 1, hidden + 1):
            assert gap <= abs(num_parameters(name, 2, other, 1) - budget), name
    report = (tmp_path / "report.md").read_text()
    for name in MODERN_CELLS:
        display = cells.display_name(name)
        assert display in report, display
        assert f"{display} H={runs[name]['hidden_size']} ({runs[name]['num_parameters']} params)" \
            in report
