"""Run by test_training_faults.py in a subprocess that SIGKILLs itself at a chosen moment.

Usage: python kill_worker.py CHECKPOINT_DIR batch N   — killed right after optimiser step N
       python kill_worker.py CHECKPOINT_DIR write N   — killed while writing checkpoint N, its
                                                        temporary file half written
"""

import os
import signal
import sys

import torch
from training_cases import resume_problem

import rnnlab


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class KillAtStep(rnnlab.Callback):
    def __init__(self, step: int) -> None:
        self.step = step

    def on_batch_end(self, state):
        if state.iteration == self.step:
            die()


def kill_in_write(write: int) -> None:
    """Make the ``write``-th atomic file write die between writing and renaming its temporary
    file, with the temporary file cut to half its length as if the disk write were torn."""
    real_replace, calls = os.replace, [0]

    def replace(source, target):
        calls[0] += 1
        if calls[0] == write:
            os.truncate(source, os.path.getsize(source) // 2)
            die()
        real_replace(source, target)

    os.replace = replace   # this process exists only to die: patching os itself is fine


if __name__ == "__main__":
    torch.set_num_threads(1)
    folder, mode, point = sys.argv[1], sys.argv[2], int(sys.argv[3])
    model, X, y, options = resume_problem(folder)
    callbacks = []
    if mode == "batch":
        callbacks.append(KillAtStep(point))
    else:
        kill_in_write(point)
    rnnlab.train(model, X, y, options, callbacks=callbacks)
    sys.exit(3)   # never reached when the kill point lies inside the run
