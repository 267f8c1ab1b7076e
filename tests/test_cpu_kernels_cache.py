"""A cold numba cache: two processes compiling the same kernels at once both get them right.

Study workers are fresh processes; on a new machine the first two compile the scans together
and write the same cache files. numba writes each file under a temporary name and renames it,
so neither sees a half-written file. This runs two such processes on an empty cache folder
and checks both against ``torch.nn``, then a third that loads what they left.
"""

import os
import subprocess
import sys

import pytest

_CHILD = """
import torch
from rnnlab import torch as fast
torch.set_num_threads(1)
layer = fast.RNN(2, 3, seed=0, dtype="float32")
x = torch.randn(4, 5, 2, generator=torch.Generator().manual_seed(0))
errors = []
for choice in ("rnnlab", "torch"):
    layer.kernels = choice
    layer.zero_grad()
    y, h = layer(x)
    (y.sum() + h.sum()).backward()
    errors.append((y.detach().clone(), layer.weight_hh_l0.grad.clone()))
(a, ga), (b, gb) = errors
assert torch.allclose(a, b, atol=1e-6) and torch.allclose(ga, gb, atol=1e-5)
print("ok")
"""


@pytest.mark.slow
def test_two_processes_compiling_into_an_empty_cache_both_succeed(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    children = [subprocess.Popen([sys.executable, "-c", _CHILD], env=env, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)]
    for child in children:
        out, err = child.communicate(timeout=600)
        assert child.returncode == 0, err[-2000:]
        assert out.strip() == "ok"
    assert any((tmp_path / "numba").rglob("*.nbi")), "nothing was cached"
    again = subprocess.run([sys.executable, "-c", _CHILD], env=env, text=True,
                           capture_output=True, timeout=600)
    assert again.returncode == 0 and again.stdout.strip() == "ok", again.stderr[-2000:]
