"""Checkpoints: everything a run needs to continue exactly where its last epoch ended.

After every epoch the loop writes ``checkpoint_dir/checkpoint.safetensors`` (atomically, see
:mod:`rnnlab.serialization`) holding

* tensors: the weights (``model/…``), the optimiser state (``optimizer/…``), the engine's random
  state (``rng/…``) and the best weights so far (``best/…``);
* JSON: epoch, iteration, the batch-order generator's state, history, early-stopping and
  schedule state, plus what identifies the run — model config, the trajectory-deciding options
  and a hash of the training data — so that a checkpoint never resumes a different run.

On CPU, a run resumed from it ends with bit-identical weights to one never interrupted: every
source of randomness and every accumulator is restored, and a killed epoch is redone from its
start.

A process killed while writing leaves its temporary file ``.checkpoint.safetensors.<pid>.tmp``
behind (the rename that would have replaced the checkpoint never happened, so the previous
checkpoint is intact). The next :class:`Checkpointer` on that folder deletes such files when
their process no longer runs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.serialization import CHECKPOINT_FORMAT, read_file, write_file

FILENAME = "checkpoint.safetensors"
_TEMPORARY = re.compile(r"\." + re.escape(FILENAME) + r"\.(\d+)\.tmp")


def _process_runs(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (it may belong to another user)."""
    try:
        os.kill(pid, 0)   # signal 0: only asks whether the process exists
    except (ProcessLookupError, OverflowError):   # no such process, or no possible pid
        return False
    except PermissionError:   # another user's process
        return True
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the half-written checkpoints that killed processes left in ``folder``; returns
    their paths. A file whose writer still runs (or is this process) is left alone."""
    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        match = _TEMPORARY.fullmatch(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or _process_runs(pid):
            continue
        try:
            path.unlink()
        except FileNotFoundError:   # another process cleaned it first
            continue
        removed.append(path)
    return removed


def _split(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    return {k[len(prefix) + 1:]: v for k, v in arrays.items() if k.startswith(prefix + "/")}


class Checkpointer:
    """Writes and restores the checkpoint of one run.

    Example:
        >>> import tempfile
        >>> Checkpointer(tempfile.mkdtemp(), identity={}).exists()
        False
    """

    def __init__(self, folder: str | os.PathLike, identity: dict[str, Any]) -> None:
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise ValueError(f"checkpoint_dir {self.folder} is a file; give a folder")
        self.path = self.folder / FILENAME
        self.identity = identity
        remove_stale_temporaries(self.folder)

    def exists(self) -> bool:
        return self.path.is_file()

    def save(self, run: Any, engine: Any, schedule: Any) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        optimizer_arrays, optimizer_extra = engine.optimizer_state()
        rng_arrays, rng_extra = engine.rng_state()
        arrays = {f"model/{k}": v for k, v in engine.state_dict().items()}
        arrays.update({f"optimizer/{k}": v for k, v in optimizer_arrays.items()})
        arrays.update({f"rng/{k}": v for k, v in rng_arrays.items()})
        if run.best_weights is not None:
            arrays.update({f"best/{k}": v for k, v in run.best_weights.items()})
        header = {
            "identity": self.identity,
            "run": run.to_dict(),
            "optimizer": optimizer_extra,
            "rng": rng_extra,
            "schedule": None if schedule is None else schedule.state_dict(),
        }
        write_file(self.path, arrays, header, CHECKPOINT_FORMAT)

    def restore(self, run: Any, engine: Any, schedule: Any) -> None:
        """Load the checkpoint into ``run``, ``engine`` and ``schedule``."""
        arrays, document = read_file(self.path, CHECKPOINT_FORMAT)
        theirs = document.get("identity", {})
        for key, what in (("model", "model"), ("options", "training options"),
                          ("data", "training data")):
            if theirs.get(key) != self.identity.get(key):
                raise ValueError(f"the checkpoint in {self.folder} belongs to a run with a "
                                 f"different {what}; resume with the same {what}, or use a new "
                                 f"checkpoint_dir (or resume=False) to start afresh")
        engine.load_state_dict(_split(arrays, "model"))
        engine.load_optimizer_state(_split(arrays, "optimizer"), document["optimizer"])
        engine.set_rng_state(_split(arrays, "rng"), document["rng"])
        best = _split(arrays, "best")
        run.load_dict(document["run"], best or None)
        if schedule is not None and document.get("schedule") is not None:
            schedule.load_state_dict(document["schedule"])
