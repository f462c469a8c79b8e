"""Compare sentence splitters from PyPI on the cases claim detection cares about.

    python bench/sentence_splitters.py

Prints, per splitter, the share of hand-written cases split exactly right (abbreviations,
quotes spanning sentences, headline-like lines without a full stop) and its speed on a
generated 1 MB news corpus. "raw" feeds the whole case to the splitter; "+lines" first cuts
the text at line breaks, as claims.detection.sentences does, then splits each line.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from detection_corpus import corpus  # noqa: E402

Splitter = Callable[[str], list[str]]

CASES: list[tuple[str, str, list[str]]] = [
    (
        "abbreviations",
        "The U.S. Army said Gen. Milley would attend. He declined to comment.",
        ["The U.S. Army said Gen. Milley would attend.", "He declined to comment."],
    ),
    (
        "abbreviations",
        "Dr. Bello arrived at 9 a.m. on Monday. The talks began an hour later.",
        ["Dr. Bello arrived at 9 a.m. on Monday.", "The talks began an hour later."],
    ),
    (
        "abbreviations",
        "Sen. Warren and Rep. Cole met in Washington, D.C. on Friday.",
        ["Sen. Warren and Rep. Cole met in Washington, D.C. on Friday."],
    ),
    (
        "abbreviations",
        "Sanctions by the U.S. hit the firm. Its shares fell 4.5% in New York.",
        ["Sanctions by the U.S. hit the firm.", "Its shares fell 4.5% in New York."],
    ),
    (
        "abbreviations",
        "The plane landed at 10:30 p.m. Officials said no one was hurt.",
        ["The plane landed at 10:30 p.m.", "Officials said no one was hurt."],
    ),
    (
        "abbreviations",
        "Mr. Smith, of St. Louis, told the Associated Press he was leaving. No reason was given.",
        [
            "Mr. Smith, of St. Louis, told the Associated Press he was leaving.",
            "No reason was given.",
        ],
    ),
    (
        "abbreviations",
        "The No. 2 official at the U.N. resigned. A successor, Lt. Col. Ruiz, was named.",
        ["The No. 2 official at the U.N. resigned.", "A successor, Lt. Col. Ruiz, was named."],
    ),
    (
        "quotes",
        '"We will not leave. This is our home," the mayor said. Shelling resumed at dawn.',
        ['"We will not leave. This is our home," the mayor said.', "Shelling resumed at dawn."],
    ),
    (
        "quotes",
        "“It is over. We lost,” said the spokesman. The group did not elaborate.",
        ["“It is over. We lost,” said the spokesman.", "The group did not elaborate."],
    ),
    (
        "quotes",
        'She said: "The border is closed." Trucks waited for hours.',
        ['She said: "The border is closed."', "Trucks waited for hours."],
    ),
    (
        "quotes",
        "“Are you serious?” he asked. “Yes,” she replied.",
        ["“Are you serious?” he asked.", "“Yes,” she replied."],
    ),
    (
        "quotes",
        "The minister called it “a disgrace.” Parliament will vote on Tuesday.",
        ["The minister called it “a disgrace.”", "Parliament will vote on Tuesday."],
    ),
    (
        "headlines",
        "Ukraine war latest\nKyiv says drones hit Russian oil depot\nThe strike was overnight.",
        [
            "Ukraine war latest",
            "Kyiv says drones hit Russian oil depot",
            "The strike was overnight.",
        ],
    ),
    (
        "headlines",
        "Related\nFlu shots safe for toddlers, FDA says\nRecall widens for baby formula",
        ["Related", "Flu shots safe for toddlers, FDA says", "Recall widens for baby formula"],
    ),
    (
        "headlines",
        "What we know about the ceasefire\n\nThe ceasefire began at noon. It held overnight.",
        [
            "What we know about the ceasefire",
            "The ceasefire began at noon.",
            "It held overnight.",
        ],
    ),
    (
        "headlines",
        "By Maria Alvarez\nUpdated 5:02 PM EST\nOfficials said the road would reopen.",
        ["By Maria Alvarez", "Updated 5:02 PM EST", "Officials said the road would reopen."],
    ),
]


def _syntok() -> Splitter:
    from syntok import segmenter

    def split(text: str) -> list[str]:
        out = []
        for paragraph in segmenter.analyze(text):
            for sentence in paragraph:
                start = sentence[0].offset
                end = sentence[-1].offset + len(sentence[-1].value)
                out.append(text[start:end])
        return out

    return split


def _pysbd() -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    return segmenter.segment


def _nupunkt() -> Splitter:
    import nupunkt

    return lambda text: [text[a:b] for a, b in nupunkt.sent_spans(text)]


def _sentencex() -> Splitter:
    from sentencex import segment

    return lambda text: list(segment("en", text))


def _spacy() -> Splitter:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return lambda text: [s.text for s in nlp(text).sents]


SPLITTERS: dict[str, Callable[[], Splitter]] = {
    "syntok": _syntok,
    "sentencex": _sentencex,
    "nupunkt": _nupunkt,
    "pysbd": _pysbd,
    "spacy-sentencizer": _spacy,
}


def by_lines(split: Splitter) -> Splitter:
    """Cut at line breaks first, then split each non-blank line."""
    return lambda text: [s for line in text.splitlines() if line.strip() for s in split(line)]


def _norm(sentences: list[str]) -> list[str]:
    return [s.strip() for s in sentences if s.strip()]


def accuracy(split: Splitter, category: str) -> tuple[int, int]:
    cases = [c for c in CASES if c[0] == category]
    right = sum(_norm(split(text)) == expected for _, text, expected in cases)
    return right, len(cases)


def main() -> None:
    text = corpus(1_000_000, seed=7)
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    megabytes = len(text.encode()) / 1e6
    categories = ["abbreviations", "quotes", "headlines"]
    header = f"{'splitter':<18}" + "".join(f"{c:>15}" for c in categories)
    print(header + f"{'headlines+lines':>17}{'total+lines':>13}{'MB/s':>8}")
    for name, factory in SPLITTERS.items():
        try:
            split = factory()
        except ImportError:
            print(f"{name:<18} (not installed)")
            continue
        cells, total_right = [], 0
        for category in categories:
            right, n = accuracy(split, category)
            cells.append(f"{right}/{n}")
        lined = by_lines(split)
        h_right, h_n = accuracy(lined, "headlines")
        total_right = sum(accuracy(lined, c)[0] for c in categories)
        began = time.perf_counter()
        for p in paragraphs:
            split(p)
        speed = megabytes / (time.perf_counter() - began)
        print(
            f"{name:<18}"
            + "".join(f"{c:>15}" for c in cells)
            + f"{f'{h_right}/{h_n}':>17}{f'{total_right}/{len(CASES)}':>13}{speed:>8.2f}"
        )


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    main()
