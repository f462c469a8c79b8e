"""The detector against our hand-labelled sentence sets (tests/data/).

detection_labelled.jsonl was used while building the detector; detection_heldout.jsonl was
written afterwards by someone who had not seen the detector or that set, and was not used
for tuning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.detection import detect

DATA = Path(__file__).resolve().parents[1] / "data"
SETS = {"labelled": ("detection_labelled.jsonl", 200), "heldout": ("detection_heldout.jsonl", 150)}


@pytest.fixture(scope="module", params=sorted(SETS))
def outcomes(request) -> list[tuple[bool, bool]]:
    """Return (labelled as a claim, flagged) for every sentence of the set."""
    name, size = SETS[request.param]
    rows = [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]
    assert len(rows) >= size
    return [(row["category"] is not None, bool(detect(row["text"]))) for row in rows]


def test_it_reaches_the_precision_target(outcomes):
    flagged = [claim for claim, hit in outcomes if hit]
    assert sum(flagged) / len(flagged) >= 0.90


def test_it_reaches_the_recall_target(outcomes):
    found = [hit for claim, hit in outcomes if claim]
    assert sum(found) / len(found) >= 0.90
