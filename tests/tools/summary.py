"""Print one summary line for JUnit XML reports and exit 1 when any test failed, erred or was skipped.

python3 tests/tools/summary.py sdk.xml plugin.xml
-> summary: 370 passed, 0 failed, 0 skipped (sdk: 115, plugin: 255)
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path


def counts(report: Path) -> tuple[int, int, int, int]:
    """(tests, failed, errors, skipped) of one JUnit XML report; a missing report counts as one error."""
    if not report.exists():
        return 0, 0, 1, 0
    root = ElementTree.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = [0, 0, 0, 0]
    for suite in suites:
        for index, key in enumerate(("tests", "failures", "errors", "skipped")):
            total[index] += int(suite.get(key, "0"))
    return total[0], total[1], total[2], total[3]


def main(paths: list[str]) -> int:
    """Print the summary line; 0 only when every test of every report passed."""
    per_report = {Path(path).stem: counts(Path(path)) for path in paths}
    tests = sum(c[0] for c in per_report.values())
    failed = sum(c[1] + c[2] for c in per_report.values())
    skipped = sum(c[3] for c in per_report.values())
    passed = tests - failed - skipped
    parts = ", ".join(f"{name}: {c[0]}" for name, c in per_report.items())
    print(f"summary: {passed} passed, {failed} failed, {skipped} skipped ({parts})")
    return 0 if failed == 0 and skipped == 0 and tests > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
