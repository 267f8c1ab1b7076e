"""Read gate activations and states out of the reference engine's scan caches after a forward.

The reference engine keeps, per recurrent layer and direction, a
:class:`~rnnlab.reference.recurrent.ScanCache` for its hand-written backward pass: ``acts`` — the
gate activations after the forward scan, gate-major and time-major ``(G, T, B, H)`` (the RNN's is
``(T, B, H)``, its candidate state) — and ``states`` — ``hs`` (and the LSTM's ``cs``), each
``(T+1, B, H)`` with the initial state at index 0. Gate names and ranges come from the cell's
registration (:mod:`rnnlab.cells`). This module only *reads* those arrays (through each
one-layer stack's ``_cache``, right after the forward) and copies them into the public
batch-first layout; nothing in the engine changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from rnnlab.engines.reference_nodes import RecurrentNode
from rnnlab.inspect.trace import LayerTrace
from rnnlab.reference.recurrent import ScanCache


def recurrent_scans(engine: Any) -> Iterator[tuple[int, RecurrentNode, int, Any, int, ScanCache]]:
    """``(model layer index, node, stacked k, stack, direction, scan cache)`` for every scan of
    the last forward of ``engine`` (a :class:`~rnnlab.engines.reference.ReferenceEngine`)."""
    for index, node in engine.nodes:
        if not isinstance(node, RecurrentNode):
            continue
        for k, stack in enumerate(node.stacks):
            if stack._cache is None:
                raise RuntimeError("the reference stack has no cache: run a forward first")
            # Each node stack is a one-layer RecurrentStack, so its cache has one layer entry.
            for direction, scan in enumerate(stack._cache[0].scans):
                yield index, node, k, stack, direction, scan


def layer_name(index: int, cell: str, k: int, direction: int) -> str:
    """``(1, "lstm", 0, 1)`` → ``"1.lstm_l0_reverse"``."""
    return f"{index}.{cell}_l{k}" + ("_reverse" if direction else "")


def to_public(time_major: np.ndarray, direction: int, valid: np.ndarray) -> np.ndarray:
    """``(T, B, H)`` scan array (time-flipped for the reverse direction) → a float64
    ``(B, T, H)`` copy in input order with NaN where ``valid`` ``(B, T)`` is False."""
    array = time_major[::-1] if direction == 1 else time_major
    out = np.array(array.transpose(1, 0, 2), dtype=np.float64)
    out[~valid] = np.nan
    return out


def capture_layers(engine: Any, lengths: np.ndarray) -> list[LayerTrace]:
    """A :class:`LayerTrace` (gates and states, no gradients yet) for every recurrent scan."""
    traces = []
    for index, node, k, stack, direction, scan in recurrent_scans(engine):
        cell, info = node.layer.cell, stack.spec.info
        steps = scan.states[0].shape[0] - 1
        valid = np.arange(steps)[None, :] < lengths[:, None]
        gates = {gate.name: to_public(scan.acts[j], direction, valid)
                 for j, gate in enumerate(info.gates)}
        kinds = {gate.name: gate.kind for gate in info.gates}
        if not gates:
            kinds["h"] = info.hidden(stack.spec)
        hidden = to_public(scan.states[0][1:], direction, valid)
        cell_state = (to_public(scan.states[1][1:], direction, valid)
                      if len(scan.states) == 2 else None)
        traces.append(LayerTrace(name=layer_name(index, cell, k, direction), cell=cell,
                                 layer=index, stacked=k, direction=direction, gates=gates,
                                 hidden=hidden, kinds=kinds, cell_state=cell_state))
    return traces
