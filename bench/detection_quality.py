"""Precision and recall of the detector on the hand-labelled sentence set.

    python bench/detection_quality.py [tests/data/detection_labelled.jsonl]

A sentence counts as flagged when detect() returns any flag for it; its predicted
category is that of the highest-scoring flag. "overall" scores flag vs no flag; the
per-category lines score the category too. Speakers are compared, for the labelled
positives that name one, exactly (case-insensitive) and by overlap of words.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims.detection import CATEGORIES, detect  # noqa: E402

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "tests/data/detection_labelled.jsonl"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def predict(text: str) -> tuple[str | None, str | None]:
    """Return the predicted category and speaker of one sentence."""
    flags = detect(text)
    if not flags:
        return None, None
    best = max(flags, key=lambda flag: flag.score)
    speaker = next((f.speaker.text for f in flags if f.speaker), None)
    return best.category, speaker


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def words(text: str | None) -> set[str]:
    return {w.strip(".,’'\"“”").lower() for w in (text or "").split()} - {""}


def main(path: Path = DEFAULT_PATH, verbose: bool = False) -> None:
    rows = load(path)
    predictions = [predict(row["text"]) for row in rows]
    pairs = list(zip(rows, predictions, strict=True))
    print(f"{len(rows)} sentences from {path}")
    print(f"{'category':<18}{'n':>5}{'precision':>11}{'recall':>9}{'f1':>7}")
    for category in CATEGORIES:
        tp = sum(r["category"] == category and p[0] == category for r, p in pairs)
        fp = sum(r["category"] != category and p[0] == category for r, p in pairs)
        fn = sum(r["category"] == category and p[0] != category for r, p in pairs)
        n = sum(r["category"] == category for r in rows)
        print(f"{category:<18}{n:>5}" + "{:>11.3f}{:>9.3f}{:>7.3f}".format(*prf(tp, fp, fn)))
    tp = sum(r["category"] is not None and p[0] is not None for r, p in pairs)
    fp = sum(r["category"] is None and p[0] is not None for r, p in pairs)
    fn = sum(r["category"] is not None and p[0] is None for r, p in pairs)
    precision, recall, f1 = prf(tp, fp, fn)
    print(f"{'overall (flag)':<18}{len(rows):>5}{precision:>11.3f}{recall:>9.3f}{f1:>7.3f}")
    found = [(r, p) for r, p in pairs if r["category"] and p[0]]
    right = sum(r["category"] == p[0] for r, p in found)
    print(f"category accuracy of true positives: {right}/{len(found)} = {right / len(found):.3f}")
    named = [(r, p) for r, p in pairs if r["speaker"] and p[0]]
    exact = sum((p[1] or "").lower() == r["speaker"].lower() for r, p in named)
    overlap = sum(bool(words(p[1]) & words(r["speaker"])) for r, p in named)
    print(
        f"speaker (flagged rows with a labelled speaker): exact {exact}/{len(named)} = "
        f"{exact / len(named):.3f}, word overlap {overlap}/{len(named)} = "
        f"{overlap / len(named):.3f}"
    )
    if verbose:
        for row, (category, speaker) in pairs:
            if row["category"] != category or (
                row["speaker"] and category and (speaker or "").lower() != row["speaker"].lower()
            ):
                print(
                    f"  gold={row['category']}/{row['speaker']} got={category}/{speaker}: "
                    f"{row['text']}"
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, nargs="?", default=DEFAULT_PATH, help="a labelled set")
    parser.add_argument("-v", action="store_true", help="print each wrong sentence")
    args = parser.parse_args()
    main(args.path, verbose=args.v)
