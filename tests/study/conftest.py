"""Every study report a test here writes is read back by ``check_report``: a verdict that does
not follow from its evidence fails the test that produced it."""

from __future__ import annotations

import pytest

import rnnlab.study.report as report_module
from rnnlab.study import check_report


@pytest.fixture(autouse=True)
def checked_reports(monkeypatch):
    write = report_module.write_report

    def write_and_check(result):
        paths = write(result)
        check_report(paths["json"])
        return paths

    monkeypatch.setattr(report_module, "write_report", write_and_check)
