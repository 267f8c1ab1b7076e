"""Parallel speed-up of ``rnnlab compare``: the quick suite's wall time on 2 workers vs 1.

Target (issue 5): ``time(2 workers) ≤ 0.6 × time(1 worker)`` on a 2-core machine. Both runs
start from an empty output folder and skip the report, so the ratio measures the executor: the
same 18 runs (3 cells × 2 lengths × 3 seeds), each pinned to one torch thread, run one after
another in the study's own process (1 worker) or on a 2-process pool (2 workers; the pool's
start-up is included in its time). Every study runs in a fresh Python process, as a user's
``rnnlab compare`` would (with its libraries in the OS file cache), timed from the call of
``run_study`` to its return. The two are interleaved for ``--rounds`` rounds (default 3) and
the median of the rounds' ratios is reported.

Run with ``python -m benchmarks study_speedup`` or ``python benchmarks/study_speedup.py``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

#: One study in a fresh interpreter; prints its wall seconds and failure count as JSON.
_STUDY = """
import json, sys, tempfile, time
from rnnlab.study import build_config, run_study
config = build_config(suite=sys.argv[1])
with tempfile.TemporaryDirectory() as out:
    start = time.perf_counter()
    result = run_study(config, out, workers=int(sys.argv[2]), progress=False, report=False)
    print(json.dumps({"seconds": time.perf_counter() - start, "failed": result.failed}))
"""


def measure(workers: int, suite: str) -> float:
    """Wall seconds of one whole study with ``workers`` processes.

    Each study runs in a new Python process, as ``rnnlab compare`` does: in this one, a second
    1-worker study would find torch already imported and warmed up (several seconds that the
    pool's fresh workers always pay), and the comparison would drift from round to round.
    """
    # Read the libraries into the OS file cache first: on these VMs a cold import of torch
    # and scipy can take 15 s instead of 3, and the disk's state would decide the ratio.
    subprocess.run([sys.executable, "-c", "import torch, scipy.stats, rnnlab.study.runner"],
                   check=True)
    done = subprocess.run([sys.executable, "-c", _STUDY, suite, str(workers)], check=True,
                          capture_output=True, text=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["failed"]:
        raise RuntimeError(f"{figures['failed']} runs failed with {workers} worker(s)")
    return figures["seconds"]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="benchmarks.study_speedup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", default="quick")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternate 1- and 2-worker studies this many times and report "
                             "the median of the rounds' ratios (a shared machine's speed "
                             "drifts between minutes; a round's two studies share its state)")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args, _ = parser.parse_known_args(argv)
    ones, twos = [], []
    for round_number in range(1, max(1, args.rounds) + 1):
        ones.append(measure(1, args.suite))
        twos.append(measure(2, args.suite))
        if not args.json:
            print(f"round {round_number}: 1 worker {ones[-1]:.1f} s, 2 workers {twos[-1]:.1f} s "
                  f"(ratio {twos[-1] / ones[-1]:.2f})", flush=True)
    # The ratio is the median of the per-round ratios: the two studies of a round ran minutes
    # apart on the same machine, so their ratio cancels most of the drift between rounds.
    one, two = statistics.median(ones), statistics.median(twos)
    ratio = statistics.median(b / a for a, b in zip(ones, twos, strict=True))
    figures = {"suite": args.suite, "rounds": len(ones), "seconds_1_worker": round(one, 1),
               "seconds_2_workers": round(two, 1), "ratio": round(ratio, 3), "target": 0.6}
    if args.json:
        print(json.dumps(figures))
    else:
        verdict = "meets" if ratio <= 0.6 else "misses"
        print(f"study speed-up ({args.suite} suite, medians of {len(ones)} rounds): "
              f"1 worker {one:.1f} s, 2 workers {two:.1f} s; median ratio {ratio:.2f} "
              f"({verdict} the ≤ 0.60 target)")
    return figures


if __name__ == "__main__":
    main()
