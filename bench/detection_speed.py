"""Speed of detect() beside a spaCy baseline, measured in the same run on the same text.

    python bench/detection_speed.py [--mb 5] [--repeat 3]

The corpus (bench/detection_corpus.py) is at least 5 MB of news-like articles in which
about 30% of sentences carry a cue. The baseline is what one would write with spaCy:
``spacy.blank("en")`` + the rule-based "sentencizer" + a PhraseMatcher (on LOWER) over the
same cue phrases as our lexicon, run with ``nlp.pipe`` over the paragraphs, collecting the
sentences that contain a match. It finds no speakers and computes no scores, so it does
less work than detect(). Both rates use the same sentence count (the sentencizer's) and
CPU seconds (time.process_time), the best of ``--repeat`` runs each.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from detection_corpus import corpus  # noqa: E402

from claims.detection import DEFAULT_ENTRIES, detect  # noqa: E402


def spacy_baseline(paragraphs: list[str]) -> tuple[int, int]:
    """Return (sentences, flagged sentences) found by the spaCy pipeline."""
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    phrases = [e.text for e in DEFAULT_ENTRIES if "..." not in e.text and "{" not in e.text]
    matcher.add("CUE", list(nlp.tokenizer.pipe(phrases)))
    sentences = flagged = 0
    for doc in nlp.pipe(paragraphs, batch_size=256):
        sentences += sum(1 for _ in doc.sents)
        flagged += len({doc[start].sent.start for _, start, _ in matcher(doc)})
    return sentences, flagged


def best_of(repeat: int, run) -> tuple[float, object]:
    """Return the best CPU time of ``repeat`` runs (steadier than wall time on a shared
    machine; both contenders are single-threaded) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        began = time.process_time()
        result = run()
        best = min(best, time.process_time() - began)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=5.0, help="corpus size in MB")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    args = parser.parse_args()
    text = corpus(int(args.mb * 1_000_000))
    megabytes = len(text.encode()) / 1e6
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    print(f"corpus: {megabytes:.2f} MB, {len(paragraphs)} paragraphs")

    ours, flags = best_of(args.repeat, lambda: detect(text))
    theirs, (sentences, flagged) = best_of(args.repeat, lambda: spacy_baseline(paragraphs))
    print(
        f"sentences (spaCy sentencizer): {sentences}, flagged by spaCy: {flagged}, "
        f"flagged by detect(): {len(flags)} ({len(flags) / sentences:.0%})"
    )
    for name, seconds in (("detect()", ours), ("spaCy baseline", theirs)):
        print(
            f"{name:<15} {seconds:7.3f} s  {sentences / seconds:>10,.0f} sentences/s  "
            f"{megabytes / seconds:7.2f} MB/s"
        )
    print(f"ratio: {theirs / ours:.1f}x faster than the spaCy baseline")


if __name__ == "__main__":
    main()
