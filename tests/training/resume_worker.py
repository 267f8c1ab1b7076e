"""Run by test_checkpoint_resume.py in a subprocess, which SIGKILLs it in the middle of epoch 2.

Usage: python resume_worker.py CHECKPOINT_DIR MARKER_FILE
"""

import sys
import time
from pathlib import Path

import torch
from training_cases import resume_problem

import rnnlab


class MarkThenWait(rnnlab.Callback):
    """After two batches of the second epoch, say so and wait to be killed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def on_batch_end(self, state):
        if state.epoch == 1 and state.iteration == 5 + 2:   # 5 batches per epoch
            self.marker.write_text("mid-epoch")
            time.sleep(120)


if __name__ == "__main__":
    torch.set_num_threads(1)
    model, X, y, options = resume_problem(sys.argv[1])
    rnnlab.train(model, X, y, options, callbacks=MarkThenWait(Path(sys.argv[2])))
