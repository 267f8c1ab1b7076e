"""The quick suite's wall time, and its results against the ``torch.nn`` kernels.

**Wall time** (issue 13: ≤ 20 s on two workers, median of three rounds): the quick suite's 18
runs (3 cells × 2 lengths × 3 seeds, adding problem, 2,000 training sequences, each run pinned
to one torch and one BLAS thread) from an empty folder, without the report, on a 2-process
pool whose start-up is included. Every study runs in a fresh Python process, as ``rnnlab
compare`` would, after a throwaway ``import torch, scipy.stats`` has put the libraries in the
OS file cache, and after one earlier study has filled numba's cache (a cold cache costs a
one-time compilation, measured and printed separately with ``--cold``).

**Same results** (issue 13: the results table as before, identical where the arithmetic is
unchanged, within the seeds' noise elsewhere): one more study with ``RNNLAB_KERNELS=torch``
(``torch.nn`` for every cell: the arithmetic before the change) is compared run by run. Rule:
LSTM runs (still ``torch.nn``'s arithmetic) must have identical test scores; for GRU and RNN,
each (cell, length)'s mean test score over the seeds may differ from the baseline's by at most
the larger of the two seed standard deviations.

**Speed-up** (issue 5, ``--speedup``): 1- and 2-worker studies alternate, and the median of
the rounds' ratios is compared with the target ``time(2 workers) ≤ 0.6 × time(1 worker)``.

Run with ``python -m benchmarks study_speedup`` (``--rounds N``, ``--speedup``, ``--cold``).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile

#: One study in a fresh interpreter; prints its wall seconds and failure count as JSON.
_STUDY = """
import json, sys, time
from rnnlab.study import build_config, run_study
if __name__ == "__main__":
    config = build_config(suite=sys.argv[1])
    start = time.perf_counter()
    result = run_study(config, sys.argv[3], workers=int(sys.argv[2]), progress=False,
                       report=False)
    print(json.dumps({"seconds": time.perf_counter() - start, "failed": result.failed}))
"""


def measure(workers: int, suite: str, out: str, environment: dict[str, str] | None = None
            ) -> float:
    """Wall seconds of one whole study with ``workers`` processes, written to ``out``.

    Each study runs in a new Python process, as ``rnnlab compare`` does: in this one, a second
    study would find torch already imported and warmed up (several seconds that the pool's
    fresh workers always pay).
    """
    env = {**os.environ, **(environment or {})}
    # Read the libraries into the OS file cache first: on these VMs a cold import of torch
    # and scipy can take 15 s instead of 3, and the disk's state would decide the figure.
    subprocess.run([sys.executable, "-c", "import torch, scipy.stats, numba, rnnlab.study.runner"],
                   check=True, env=env)
    with tempfile.TemporaryDirectory() as folder:
        script = os.path.join(folder, "study.py")
        with open(script, "w") as handle:
            handle.write(_STUDY)
        done = subprocess.run([sys.executable, script, suite, str(workers), out], check=True,
                              capture_output=True, text=True, env=env)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["failed"]:
        raise RuntimeError(f"{figures['failed']} runs failed with {workers} worker(s)")
    return figures["seconds"]


def test_scores(folder: str) -> dict[tuple[str, int, int], float]:
    with sqlite3.connect(os.path.join(folder, "results.sqlite")) as db:
        rows = db.execute("SELECT cell, length, seed, test_score FROM runs").fetchall()
    return {(cell, length, seed): score for cell, length, seed, score in rows}


def compare_results(new: dict, old: dict) -> tuple[list[str], bool]:
    """Markdown rows comparing the two results tables by the rule in the module docstring."""
    rows, ok = [], True
    for cell, length in sorted({(c, n) for c, n, _ in old}):
        seeds = sorted(s for c, n, s in old if (c, n) == (cell, length))
        a = [new[(cell, length, s)] for s in seeds]
        b = [old[(cell, length, s)] for s in seeds]
        if cell == "lstm":
            same = a == b
            verdict = "identical" if same else "DIFFERENT (should be identical)"
        else:
            noise = max(statistics.stdev(a), statistics.stdev(b))
            same = abs(statistics.mean(a) - statistics.mean(b)) <= noise
            verdict = f"{'within' if same else 'OUTSIDE'} the seeds' noise (±{noise:.2g})"
        ok &= same
        rows.append(f"| {cell} | {length} | {statistics.mean(a):.4g} | {statistics.mean(b):.4g} "
                    f"| {verdict} |")
    return rows, ok


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="benchmarks.study_speedup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", default="quick")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--speedup", action="store_true",
                        help="also alternate 1-worker studies (issue 5's ratio)")
    parser.add_argument("--cold", action="store_true",
                        help="first time one study with an empty numba cache")
    args, _ = parser.parse_known_args(argv)
    figures: dict = {"suite": args.suite}
    with tempfile.TemporaryDirectory() as scratch:
        if args.cold:
            cache = os.path.join(scratch, "numba-cache")
            seconds = measure(2, args.suite, os.path.join(scratch, "cold"),
                              {"NUMBA_CACHE_DIR": cache})
            figures["cold_cache_seconds"] = round(seconds, 1)
            print(f"cold numba cache: 2 workers {seconds:.1f} s (compiles the kernels once)")
        measure(2, args.suite, os.path.join(scratch, "warm-up"))   # fills numba's cache
        twos, ones = [], []
        for round_number in range(1, max(1, args.rounds) + 1):
            if args.speedup:
                ones.append(measure(1, args.suite, os.path.join(scratch, f"one-{round_number}")))
            twos.append(measure(2, args.suite, os.path.join(scratch, f"two-{round_number}")))
            line = f"round {round_number}: 2 workers {twos[-1]:.1f} s"
            if args.speedup:
                line += f", 1 worker {ones[-1]:.1f} s (ratio {twos[-1] / ones[-1]:.2f})"
            print(line, flush=True)
        two = statistics.median(twos)
        figures.update(rounds=len(twos), seconds_2_workers=round(two, 1),
                       range_2_workers=[round(min(twos), 1), round(max(twos), 1)])
        verdict = "meets" if two <= 20 else "misses"
        print(f"quick suite on 2 workers, median of {len(twos)} rounds: {two:.1f} s "
              f"[{min(twos):.1f}–{max(twos):.1f}] ({verdict} the ≤ 20 s target)")
        if args.speedup:
            ratio = statistics.median(b / a for a, b in zip(ones, twos, strict=True))
            figures["ratio_2_to_1"] = round(ratio, 3)
            print(f"speed-up: median ratio 2 workers / 1 worker {ratio:.2f} "
                  f"({'meets' if ratio <= 0.6 else 'misses'} the ≤ 0.60 target)")
        baseline = os.path.join(scratch, "torch-nn")
        old_seconds = measure(2, args.suite, baseline, {"RNNLAB_KERNELS": "torch"})
        figures["seconds_torch_nn_kernels"] = round(old_seconds, 1)
        print(f"same study on torch.nn's kernels (the arithmetic before): {old_seconds:.1f} s "
              f"(ratio new/old {two / old_seconds:.2f}, one round)")
        rows, same = compare_results(test_scores(os.path.join(scratch, "two-1")),
                                     test_scores(baseline))
        figures["same_results"] = same
        print("| cell | length | mean test score | on torch.nn | verdict |")
        print("|---|---|---:|---:|---|")
        for row in rows:
            print(row)
    return figures


if __name__ == "__main__":
    main()
