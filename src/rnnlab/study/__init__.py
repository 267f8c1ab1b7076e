"""The comparison study: RNN vs LSTM vs GRU, fair, resumable, parallel, with a report.

>>> from rnnlab.study import compare, StudyConfig, TaskSpec   # doctest: +SKIP
>>> result = compare("adding", lengths=[10, 60], seeds=3, out="study")   # doctest: +SKIP

Pipeline (one module per step): :mod:`.config` → :mod:`.grid` (runs and their keys, with
:mod:`.matching` for fair sizes) → :mod:`.store` (SQLite, resume) → :mod:`.executors` (serial,
process pool, Ray) running :mod:`.runner` (which calls ``rnnlab.train``) → :mod:`.analysis` →
:mod:`.claims` and :mod:`.recommend` → :mod:`.report` (Markdown, HTML, ``report.json``), which
:func:`check_report` reads back to confirm every verdict follows from its evidence. With
``tune="lr"``, :mod:`.tuning` runs each cell's learning-rate trials before the final runs;
:mod:`.statistics` and :mod:`.cost` hold the statistical methods and the intrinsic costs.
"""

from rnnlab.study.api import StudyResult, build_config, compare, render_report, run_study
from rnnlab.study.check import ReportCheckError, check_report
from rnnlab.study.config import StudyConfig, TaskSpec
from rnnlab.study.errors import IncompatibleStoreError, StudyError
from rnnlab.study.grid import RunConfig, expand
from rnnlab.study.store import open_store
from rnnlab.study.suites import SUITES, suite

__all__ = [
    "SUITES",
    "IncompatibleStoreError",
    "ReportCheckError",
    "RunConfig",
    "StudyConfig",
    "StudyError",
    "StudyResult",
    "TaskSpec",
    "build_config",
    "check_report",
    "compare",
    "expand",
    "open_store",
    "render_report",
    "run_study",
    "suite",
]
