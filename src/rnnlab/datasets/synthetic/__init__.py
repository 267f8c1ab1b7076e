"""Generated long-time-lag tasks, each with a ``length`` knob and a closed-form baseline.

Importing this package registers them: ``adding``, ``copy``, ``reber``, ``temporal_order``,
``recall``, ``sine`` and ``mackey_glass``. Each module also exposes ``generate(rng, n, …)`` for
drawing sequences directly.
"""

from rnnlab.datasets.synthetic import (
    adding,
    copy_memory,
    mackey_glass,
    reber,
    recall,
    sine,
    temporal_order,
)

__all__ = ["adding", "copy_memory", "mackey_glass", "reber", "recall", "sine", "temporal_order"]
