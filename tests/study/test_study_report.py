"""The report: Markdown, self-contained HTML with embedded plots, and report.json (validated
against its schema), checked in a browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from study_fakes import fake_execute

from rnnlab.study import StudyConfig, TaskSpec, render_report, run_study
from rnnlab.study.report import json_report
from rnnlab.study.report.plots import _pyplot, label_points

CONFIG = StudyConfig(tasks=(TaskSpec("adding", (5, 30), {"n_train": 16, "n_val": 8,
                                                         "n_test": 8}),),
                     seeds=(0, 1, 2), epochs=3, name="report test")
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser")
                 if Path(p).exists()), None)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    return run_study(CONFIG, folder, workers=1, progress=False, function=fake_execute)


def test_report_files_are_written(study):
    names = {path.name for path in study.reports.values()}
    assert {"report.md", "report.html", "report.json", "skill_vs_length_adding.png",
            "gradient_flow.png", "learning_curves.png", "cost.png"} <= names
    assert "lr_sensitivity.png" not in names  # a shared rate has nothing to plot
    for path in study.reports.values():
        assert path.stat().st_size > 0


def test_markdown_holds_recommendation_claims_rules_and_intervals(study):
    text = (study.out / "report.md").read_text()
    for heading in ("## Recommendation", "Textbook claims, checked", "Pairwise comparisons",
                    "hidden sizes chosen", "Memory horizon", "What these seeds can detect",
                    "## How the verdicts are reached", "Holm", "TOST"):
        assert heading in text
    assert re.search(r"\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]", text)
    assert "± 0.0000" not in text and "peak RSS" not in text
    # A shared learning rate is said so, in the headline and on every trained claim.
    assert "one shared learning rate (0.01) for every cell, not tuned" in text
    assert "| shared rate |" in text and "| analytic |" in text


def test_cost_table_names_the_kernel_and_reads_multiply_adds(study):
    text = (study.out / "report.md").read_text()
    assert "multiply–adds per step" in text and "activation memory per training step" in text
    assert "torch CPU: fake kernel" in text


def test_report_json_follows_its_schema_and_holds_the_listed_keys(study):
    document = json.loads((study.out / "report.json").read_text())
    jsonschema.validate(document, json_report.schema())
    assert set(document) >= {"settings", "groups", "pairs", "claims", "recommendation"}
    settings = document["settings"]
    assert {"cells", "seeds", "budget", "tuning", "engine", "device"} <= set(settings)
    group = document["groups"][0]
    assert {"task", "length", "cell", "hidden_size", "parameters", "learning_rate", "seeds",
            "test_metric", "skill", "solved"} <= set(group)
    assert {"mean", "low", "high"} <= set(group["skill"]) <= set(group["test_metric"]) | {"n"}
    assert {"difference", "p", "p_adjusted"} <= set(document["pairs"][0])
    assert {"id", "text", "verdict", "rule", "evidence"} <= set(document["claims"][0])
    assert {"task", "cell", "top_group", "confidence", "text"} <= set(
        document["recommendation"][0])


def test_a_report_json_that_breaks_the_schema_is_caught(study):
    document = json.loads((study.out / "report.json").read_text())
    document["groups"][0]["skill"]["mean"] = "high"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json_report.schema())


def test_html_is_self_contained(study):
    page = (study.out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 4
    assert "<script" not in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert all(source.startswith("data:") for source in sources)


def test_report_rerenders_from_the_database_alone(study, tmp_path):
    again = render_report(study.database, tmp_path)
    assert (tmp_path / "report.html").exists() and (tmp_path / "report.json").exists()
    assert [c.verdict for c in again.claims] == [c.verdict for c in study.claims]


def test_cost_labels_do_not_overlap_even_for_coincident_points():
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    rng = np.random.default_rng(0)
    xs = list(1000 + rng.normal(0, 5, 9))  # nine points almost on top of each other
    ys = list(0.9 + rng.normal(0, 0.003, 9))
    ax.scatter(xs, ys)
    ax.set_ylim(0, 1.05)
    fig.tight_layout()
    notes = label_points(ax, xs, ys, [f"cell {i} T=40" for i in range(9)])
    renderer = fig.canvas.get_renderer()
    from matplotlib.text import Text

    boxes = []
    for note in notes:
        note.update_positions(renderer)
        boxes.append(Text.get_window_extent(note, renderer))
    frame = ax.get_window_extent(renderer)
    for i, box in enumerate(boxes):
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1
        assert not any(box.overlaps(other) for other in boxes[i + 1:])
    plt.close(fig)


def test_data_without_lengths_gets_no_skill_vs_length_plot(tmp_path):
    config = StudyConfig(tasks=(TaskSpec("digits", None, {}),), seeds=(0, 1), epochs=1)
    result = run_study(config, tmp_path, workers=1, progress=False, function=fake_execute)
    names = {path.name for path in result.reports.values()}
    assert "skill_digits.png" in names
    assert not any(name.startswith("skill_vs_length") for name in names)
    assert "skill vs length" not in (tmp_path / "report.md").read_text()


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (Debian package "
                                             "'chromium'); the browser check is skipped")
def test_html_renders_in_headless_chromium(study, tmp_path):
    shot = tmp_path / "report.png"
    page = (study.out / "report.html").resolve()
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
         # A closed network refuses Chromium's own connections: keep it from making them.
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--v=0", f"--screenshot={shot}", "--window-size=1400,3000", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    console_errors = [line for line in done.stderr.splitlines()
                      if "CONSOLE" in line and ("Error" in line or "ERROR" in line)]
    assert not console_errors, console_errors
    # The plots rendered: the screenshot has plenty of non-white pixels with plot colours.
    from matplotlib import image

    pixels = image.imread(shot)[..., :3]
    blue = ((pixels[..., 2] > 0.6) & (pixels[..., 0] < 0.3)).sum()
    red = ((pixels[..., 0] > 0.7) & (pixels[..., 1] < 0.3)).sum()
    assert blue > 200 and red > 200
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists()
