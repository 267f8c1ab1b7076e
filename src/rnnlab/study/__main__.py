"""``python -m rnnlab.study [options]`` = ``rnnlab compare`` (default: the quick suite into
``rnnlab-quick/``), for ``make demo`` and for machines where the console script is not on PATH.
"""

from __future__ import annotations

import sys

from rnnlab.cli import main

if __name__ == "__main__":
    args = sys.argv[1:] or ["--suite", "quick", "--out", "rnnlab-quick"]
    sys.exit(main(["compare", *args]))
