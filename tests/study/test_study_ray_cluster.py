"""``rnnlab compare --executor ray --address HOST:PORT`` against a real Ray cluster: one started
here with ``ray start --head`` on free loopback ports (and stopped after), not ``ray.init()``
inside the test process. The cluster's results equal the local executor's, run for run.

The cluster gets its own temp folder and its own authentication token file (Ray's token auth
is on by default; ``~/.ray/auth_token`` may belong to someone else's cluster on a shared
machine), and is stopped by signalling its own process group — never ``ray stop``, which stops
every Ray process of the user.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from rnnlab.cli import main
from rnnlab.study import open_store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                       reason="Ray is not installed (optional extra: pip install 'rnnlab[ray]')"),
]

STUDY = ["compare", "--task", "adding", "--lengths", "4", "-p", "n_train=32", "-p", "n_val=8",
         "-p", "n_test=8", "--cells", "gru", "--seeds", "2", "--epochs", "2",
         "--no-progress"]
COLUMNS = ("cell", "length", "seed", "hidden_size", "num_parameters", "val_score",
           "test_score", "test_skill", "epochs_run")
START_SECONDS = 120


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the cluster's process group (``ray start --block`` then stops what it
    started), SIGKILL for whatever is left after a short grace period (Ray would otherwise
    drain for 30 s; nothing of this cluster needs to survive)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        pass
    except ProcessLookupError:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def ray_cluster():
    """``(address, environment)`` of a one-node Ray cluster on 127.0.0.1."""
    ray = shutil.which("ray", path=str(Path(sys.executable).parent))
    if ray is None:
        pytest.skip("the ray command is not installed beside this Python")
    folder = Path(tempfile.mkdtemp(prefix="rnnlab-ray-", dir="/tmp"))  # short: socket paths
    token = folder / "auth_token"
    token.write_text(secrets.token_hex(32))
    env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token),
           "RAY_USAGE_STATS_ENABLED": "0"}
    gcs, *others = free_ports(8)
    names = ("--node-manager-port", "--object-manager-port", "--ray-client-server-port",
             "--dashboard-agent-listen-port", "--dashboard-agent-grpc-port",
             "--runtime-env-agent-port", "--metrics-export-port")
    ports = [item for name, port in zip(names, others, strict=True) for item in (name, str(port))]
    log = folder / "ray-start.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [ray, "start", "--head", "--block", "--node-ip-address", "127.0.0.1",
             "--port", str(gcs), *ports, "--num-cpus", "2", "--include-dashboard", "false",
             "--object-store-memory", str(100 * 1024 * 1024), "--temp-dir", str(folder / "t"),
             "--disable-usage-stats"],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + START_SECONDS
        while "Ray runtime started" not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace").strip().splitlines()[-3:]
                pytest.skip(f"ray start --head could not start a cluster: {' / '.join(tail)}")
            time.sleep(0.5)
        yield f"127.0.0.1:{gcs}", env
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def metrics(folder: Path) -> dict[str, tuple]:
    with open_store(folder) as store:
        return {r["key"]: tuple(r[c] for c in COLUMNS) for r in store.runs("done")}


@pytest.mark.timeout(600)
def test_compare_on_a_ray_cluster_equals_the_local_executor(ray_cluster, tmp_path, capsys):
    address, env = ray_cluster
    assert main([*STUDY, "-j", "1", "--out", str(tmp_path / "local")]) == 0
    capsys.readouterr()
    done = subprocess.run(
        [sys.executable, "-m", "rnnlab.cli", *STUDY, "--executor", "ray", "--address", address,
         "--out", str(tmp_path / "cluster")],
        capture_output=True, text=True, env=env, timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 runs done now" in done.stdout
    local, cluster = metrics(tmp_path / "local"), metrics(tmp_path / "cluster")
    assert len(local) == 2 and cluster == local
