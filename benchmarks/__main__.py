"""``python -m benchmarks [engines ...]`` — run the named benchmarks (all by default)."""

import importlib
import sys

BENCHMARKS = ["engines", "training_overhead", "study_speedup"]


def main() -> None:
    names = [a for a in sys.argv[1:] if not a.startswith("-")] or BENCHMARKS
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
    flags = [a for a in sys.argv[1:] if a.startswith("-")]
    for name in names:
        importlib.import_module(f"benchmarks.{name}").main(flags)


if __name__ == "__main__":
    main()
