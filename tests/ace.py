"""DAISY Ace's verdict on an EPUB, from the report.json it writes: `python tests/ace.py REPORT EPUB`.

Ace exits 0 even when it finds violations, so `make check` reads the report:
every violation on a line, and a failure if there is any.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent / ".tools"
ACE, ACE_CHROMIUM = TOOLS / "node_modules/.bin/ace-cli", TOOLS / "chromium"


def run(epub: Path, out: Path) -> dict:
    """Ace's report on `epub` (written to `out`)."""
    assert ACE.exists() and ACE_CHROMIUM.exists(), "DAISY Ace or Chromium is missing: `make check` installs both"
    done = subprocess.run([str(ACE), "-s", "-f", "-o", str(out), str(epub)], capture_output=True, text=True,
                          env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(ACE_CHROMIUM)}, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((out / "report.json").read_text())


def violations(report: dict) -> list[str]:
    """Each violation as "file | impact | rule | description"."""
    return [
        " | ".join((checked["earl:testSubject"]["url"], found["earl:test"]["earl:impact"],
                    found["earl:test"]["dct:title"], found["earl:result"]["dct:description"]))
        for checked in report["assertions"]
        for found in checked["assertions"]
    ]


def main(argv: list[str]) -> int:
    report_path, epub = argv
    report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    found = violations(report)
    print(f"DAISY Ace, {epub}: {len(found)} violations", *found, sep="\n  ")
    return 1 if found or report["earl:result"]["earl:outcome"] != "pass" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
