"""Parallel speed-up of ``rnnlab compare``: the quick suite's wall time on 2 workers vs 1.

Target (issue 5): ``time(2 workers) ≤ 0.6 × time(1 worker)`` on a 2-core machine. Both runs
start from an empty output folder and skip the report, so the ratio measures the executor: the
same 18 runs (3 cells × 2 lengths × 3 seeds), each pinned to one torch thread, run one after
another in this process (1 worker) or on a 2-process pool (2 workers; the pool's start-up is
included in its time). The two are interleaved for ``--rounds`` rounds (default 3) and the
medians compared.

Run with ``python -m benchmarks study_speedup`` or ``python benchmarks/study_speedup.py``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time


def measure(workers: int, suite: str) -> float:
    """Wall seconds of one whole study with ``workers`` processes."""
    from rnnlab.study import build_config, run_study

    config = build_config(suite=suite)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        result = run_study(config, out, workers=workers, progress=False, report=False)
        seconds = time.perf_counter() - start
    if result.failed:
        raise RuntimeError(f"{result.failed} runs failed with {workers} worker(s)")
    return seconds


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="benchmarks.study_speedup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", default="quick")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternate 1- and 2-worker studies this many times and report "
                             "the median of each (a shared machine's speed drifts between "
                             "minutes, so the two are interleaved rather than run in blocks)")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args, _ = parser.parse_known_args(argv)
    ones, twos = [], []
    for round_number in range(1, max(1, args.rounds) + 1):
        ones.append(measure(1, args.suite))
        twos.append(measure(2, args.suite))
        if not args.json:
            print(f"round {round_number}: 1 worker {ones[-1]:.1f} s, 2 workers {twos[-1]:.1f} s "
                  f"(ratio {twos[-1] / ones[-1]:.2f})", flush=True)
    one, two = statistics.median(ones), statistics.median(twos)
    figures = {"suite": args.suite, "rounds": len(ones), "seconds_1_worker": round(one, 1),
               "seconds_2_workers": round(two, 1), "ratio": round(two / one, 3),
               "target": 0.6}
    if args.json:
        print(json.dumps(figures))
    else:
        verdict = "meets" if two / one <= 0.6 else "misses"
        print(f"study speed-up ({args.suite} suite, median of {len(ones)} rounds): "
              f"1 worker {one:.1f} s, 2 workers {two:.1f} s "
              f"→ ratio {two / one:.2f} ({verdict} the ≤ 0.60 target)")
    return figures


if __name__ == "__main__":
    main()
