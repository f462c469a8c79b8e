"""The detector against the hand-labelled sentences in tests/data/detection_labelled.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.detection import detect

LABELLED = Path(__file__).resolve().parents[1] / "data" / "detection_labelled.jsonl"


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[bool, bool]]:
    """Return (labelled as a claim, flagged) for every sentence of the set."""
    if not LABELLED.exists():
        pytest.skip(f"{LABELLED} is missing")
    rows = [json.loads(line) for line in LABELLED.read_text().splitlines() if line.strip()]
    assert len(rows) >= 200
    return [(row["category"] is not None, bool(detect(row["text"]))) for row in rows]


def test_it_reaches_the_precision_target_on_the_labelled_set(outcomes):
    flagged = [claim for claim, hit in outcomes if hit]
    assert sum(flagged) / len(flagged) >= 0.90


def test_it_reaches_the_recall_target_on_the_labelled_set(outcomes):
    found = [hit for claim, hit in outcomes if claim]
    assert sum(found) / len(found) >= 0.90
