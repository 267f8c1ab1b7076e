"""The report: Markdown and self-contained HTML with embedded plots, checked in a browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from study_fakes import fake_execute

from rnnlab.study import StudyConfig, TaskSpec, render_report, run_study

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
    assert {"report.md", "report.html", "skill_vs_length_adding.png", "gradient_flow.png",
            "learning_curves.png", "cost.png"} <= names
    for path in study.reports.values():
        assert path.stat().st_size > 0


def test_markdown_holds_recommendation_claims_and_intervals(study):
    text = (study.out / "report.md").read_text()
    for heading in ("## Recommendation", "Textbook claims, checked", "Pairwise comparisons",
                    "hidden sizes chosen", "Memory horizon"):
        assert heading in text
    assert re.search(r"\d\.\d{3} ± \d\.\d{3}", text)


def test_html_is_self_contained(study):
    page = (study.out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 4
    assert "<script" not in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert all(source.startswith("data:") for source in sources)


def test_report_rerenders_from_the_database_alone(study, tmp_path):
    again = render_report(study.database, tmp_path)
    assert (tmp_path / "report.html").exists()
    assert [c.verdict for c in again.claims] == [c.verdict for c in study.claims]


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
