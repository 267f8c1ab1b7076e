"""Print how the tests that need a program from outside Python ended (CI's log shows them).

Usage: python .ci/outside_programs.py results.xml   (pytest's --junitxml output)
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree

WATCHED = {
    "test_html_renders_in_headless_chromium": "report in headless Chromium",
    "test_compare_on_a_ray_cluster_equals_the_local_executor": "study on a real Ray cluster",
}


def outcome(case: ElementTree.Element) -> str:
    for kind in ("failure", "error", "skipped"):
        found = case.find(kind)
        if found is not None:
            return f"{kind}: {found.get('message', '').strip()}"
    return "passed"


def main(path: str) -> int:
    cases = {case.get("name"): case for case in ElementTree.parse(path).iter("testcase")}
    for name, what in WATCHED.items():
        result = outcome(cases[name]) if name in cases else "not collected"
        print(f"ci: {what} ({name}): {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
