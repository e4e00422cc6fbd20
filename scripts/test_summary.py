#!/usr/bin/env python3
"""Close `make test`: one table of the stages (time, result) and the test counts over all pytest runs.

Reads test-artifacts/stages.tsv (written by scripts/stage.sh) and test-artifacts/junit-*.xml (written by
pytest). Exits non-zero when any stage failed, so that `make test` and CI fail even though the Makefile
lets the check stages run on after a failure. Standard library only.
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def stages(folder: Path) -> list[tuple[str, float, int]]:
    """(name, seconds, exit code) of each stage, in the order they ran."""
    path = folder / "stages.tsv"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        name, seconds, code = line.split("\t")
        rows.append((name, float(seconds), int(code)))
    return rows


def counts(junit: Path) -> dict[str, int]:
    """passed/failed/skipped of one pytest JUnit report (errors count as failed)."""
    root = ET.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for suite in suites:
        tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        total["passed"] += tests - skipped - failed
        total["failed"] += failed
        total["skipped"] += skipped
    return total


def main(argv: list[str]) -> int:
    """Print the stage table and the totals; the exit code says whether every stage passed."""
    folder = Path(argv[1] if len(argv) > 1 else "test-artifacts")
    rows = stages(folder)
    print("\n=== make test: stages")
    for name, seconds, code in rows:
        print(f"  {name:<18} {seconds:8.1f}s  {'ok' if code == 0 else f'FAILED (exit {code})'}")
    print(f"  {'total':<18} {sum(r[1] for r in rows):8.1f}s")
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for junit in sorted(folder.glob("junit-*.xml")):
        run = counts(junit)
        print(
            f"  {junit.stem.removeprefix('junit-'):<18} {run['passed']} passed, {run['failed']} failed, "
            f"{run['skipped']} skipped"
        )
        total = {key: total[key] + run[key] for key in total}
    failed_stages = [name for name, _, code in rows if code != 0]
    if failed_stages:
        print(f"=== failed stages: {', '.join(failed_stages)}")
    print(f"{total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return 1 if failed_stages or not rows else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
