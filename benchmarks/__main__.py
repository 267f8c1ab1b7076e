"""``python -m benchmarks [NAME ...] [--flags]`` — run the named benchmarks (all by default).

Names are any of :data:`BENCHMARKS` and come first; every argument from the first flag on is
passed on to each benchmark's ``main(argv)`` (for example ``python -m benchmarks study_speedup
--rounds 2``). An unknown name is refused with one line and exit code 2 (rather than running
every benchmark with the name passed on as an argument).
"""

import importlib
import sys

BENCHMARKS = ["kernels", "training_overhead", "study_speedup", "engines", "scan_forms",
              "stacked_seeds"]


def split_arguments(args: list[str]) -> tuple[list[str], list[str]]:
    """``(names, rest)``: the leading arguments before the first flag are benchmark names.

    Raises:
        SystemExit: with code 2 and one line naming the unknown benchmark and the known ones.
    """
    count = next((i for i, a in enumerate(args) if a.startswith("-")), len(args))
    names, rest = args[:count], args[count:]
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"python -m benchmarks: no benchmark named {unknown[0]!r}; expected any of "
              f"{', '.join(BENCHMARKS)} (flags after the names)", file=sys.stderr)
        raise SystemExit(2)
    return names or BENCHMARKS, rest


def main() -> None:
    names, rest = split_arguments(sys.argv[1:])
    for name in names:
        importlib.import_module(f"benchmarks.{name}").main(rest)


if __name__ == "__main__":
    main()
