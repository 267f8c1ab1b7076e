"""``python -m benchmarks [NAME ...] [--flags]`` — run the named benchmarks (all by default).

Names are any of :data:`BENCHMARKS`; every other argument is passed on to each benchmark's
``main(argv)`` (for example ``python -m benchmarks study_speedup --rounds 2``).
"""

import importlib
import sys

BENCHMARKS = ["kernels", "training_overhead", "study_speedup", "engines", "scan_forms",
              "stacked_seeds"]


def main() -> None:
    args = sys.argv[1:]
    names = [a for a in args if a in BENCHMARKS] or BENCHMARKS
    rest = [a for a in args if a not in BENCHMARKS]
    for name in names:
        importlib.import_module(f"benchmarks.{name}").main(rest)


if __name__ == "__main__":
    main()
