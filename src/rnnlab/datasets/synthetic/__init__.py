"""Generated long-time-lag tasks, each with a ``length`` knob and a closed-form baseline.

Importing this package registers them: ``adding``, ``copy``, ``reber``, ``temporal_order``,
``recall``, ``sine`` and ``mackey_glass``, and the classic papers' definitions in
:mod:`.hochreiter1997` and :mod:`.bai2018`. Each module also exposes ``generate(rng, n, …)`` for
drawing sequences directly.
"""

from rnnlab.datasets.synthetic import (
    adding,
    bai2018,
    copy_memory,
    hochreiter1997,
    mackey_glass,
    reber,
    recall,
    sine,
    temporal_order,
)

__all__ = ["adding", "bai2018", "copy_memory", "hochreiter1997", "mackey_glass", "reber",
           "recall", "sine", "temporal_order"]
