"""The outputs' fingerprints: what a change that means to keep the outputs keeps, byte for byte.

    .venv/bin/python tests/digests.py                 build, compare with tests/digests.json
    .venv/bin/python tests/digests.py --record        build, write tests/digests.json
    .venv/bin/python tests/digests.py --against REV   build here and at commit REV, compare the two

Every output (screen PDF, print PDF, EPUB, HTML) of the reference books is
built by the `cjkpress build` command of the tree being tested, from the same
sources. A deliberate change of design records the new digests in the same
commit; test_digests.py holds every other commit to them.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = Path(__file__).with_name("digests.json")
BOOKS = {  # name → source, from the repository's root
    "cyberspace-rule-of-law": "content/cyberspace-rule-of-law",
    "variants": "tests/papers/variants.txt",
}
FORMATS = "pdf,print,cover,epub,html"


def build(tree: Path, out: Path) -> dict[str, str]:
    """sha256 of every output of every book, built by the cjkpress of `tree` from this checkout's sources."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = str(tree)  # that tree's package, not the installed one
    digests = {}
    for name, source in BOOKS.items():
        run = subprocess.run([sys.executable, "-m", "cjkpress", "build", str(ROOT / source), "--out", str(out),
                              "--formats", FORMATS], cwd=tree, env=env, capture_output=True, text=True)
        if run.returncode:
            sys.exit(f"digests: building {source} with {tree} failed:\n{run.stderr}")
        for output in sorted(out.glob(f"{name}*.*")):
            digests[output.name] = hashlib.sha256(output.read_bytes()).hexdigest()
    return digests


def differences(expected: dict[str, str], got: dict[str, str]) -> list[str]:
    return [name for name in sorted(expected.keys() | got.keys()) if expected.get(name) != got.get(name)]


def main(argv: list[str]) -> int:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--record", action="store_true", help="write the digests to tests/digests.json")
    args.add_argument("--against", metavar="REV", help="compare with the outputs of commit REV")
    options = args.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        got = build(ROOT, Path(work) / "here")
        if options.against:
            tree = Path(work) / "tree"
            subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), options.against], cwd=ROOT, check=True)
            try:
                expected = build(tree, Path(work) / "there")
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)
        elif options.record:
            RECORD.write_text(json.dumps(got, indent=2) + "\n", encoding="utf-8")
            print(f"digests: recorded {len(got)} outputs in {RECORD.relative_to(ROOT)}")
            return 0
        else:
            expected = json.loads(RECORD.read_text(encoding="utf-8"))
    changed = differences(expected, got)
    for name in changed:
        print(f"digests: {name} differs ({expected.get(name, 'absent')[:12]} → {got.get(name, 'absent')[:12]})")
    print(f"digests: {len(got) - len(changed)} of {len(expected.keys() | got.keys())} outputs identical")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
