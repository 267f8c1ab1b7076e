"""``rnnlab.callbacks`` and ``rnnlab.schedules`` are modules of their own: ``import
rnnlab.callbacks`` works in a fresh interpreter, not only the attribute on ``rnnlab``."""

from __future__ import annotations

import subprocess
import sys


def test_callbacks_and_schedules_import_as_modules():
    code = ("import rnnlab.callbacks, rnnlab.schedules, rnnlab\n"
            "from rnnlab.callbacks import Callback, TensorBoard, TrainingState\n"
            "from rnnlab.schedules import Cosine, Piecewise, Plateau, Schedule\n"
            "assert rnnlab.callbacks.Callback is rnnlab.Callback\n"
            "assert issubclass(TensorBoard, Callback) and issubclass(Plateau, Schedule)\n"
            "print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
