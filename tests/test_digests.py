"""The reference books' outputs are the bytes recorded in tests/digests.json (see tests/digests.py)."""

import json

from digests import RECORD, build, differences

from conftest import ROOT


def test_outputs_are_the_recorded_bytes(tmp_path):
    expected = json.loads(RECORD.read_text(encoding="utf-8"))
    got = build(ROOT, tmp_path)
    assert len(got) == 10  # five outputs of each of the two books
    # A deliberate design change records its new digests: .venv/bin/python tests/digests.py --record
    assert differences(expected, got) == []
