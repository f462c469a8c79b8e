"""Score the detector against PolNeAR's attribution annotations.

    python bench/detection_external.py ../shared/eval/polnear_test.jsonl [-v]

- recall: of the *speech* attributions (the cue contains a verb of communication from the
  fixed list below, or "according to"), the share whose cue a flag overlaps;
- precision: of all flags, the share that overlap the cue or content of any annotated
  attribution (speech or not);
- speaker: of the flags that overlap a speech attribution's cue, the share whose speaker
  matches one of those attributions' sources: the two spans overlap, or the speaker's
  last word (its head) is one of the source's words. A flag with no speaker is a miss;
  attributions without an annotated source are left out.

The verb list is the ordinary vocabulary of reported speech, fixed before tuning and not
derived from the detector's lexicon.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims.detection import Flag, detect  # noqa: E402

_IRREGULAR = {
    "say": "say says said saying",
    "tell": "tell tells told telling",
    "write": "write writes wrote written writing",
    "speak": "speak speaks spoke spoken speaking",
    "deny": "deny denies denied denying",
    "reply": "reply replies replied replying",
    "testify": "testify testifies testified testifying",
    "admit": "admit admits admitted admitting",
}
_REGULAR = [
    "state",
    "claim",
    "add",
    "note",
    "announce",
    "report",
    "argue",
    "explain",
    "warn",
    "acknowledge",
    "assert",
    "confirm",
    "tweet",
    "post",
    "declare",
    "insist",
    "accuse",
    "ask",
    "respond",
    "recall",
    "mention",
    "emphasize",
    "emphasise",
    "stress",
    "suggest",
    "comment",
    "remark",
    "concede",
    "contend",
    "predict",
    "promise",
    "vow",
    "pledge",
    "urge",
    "call",
    "cite",
    "quote",
    "describe",
    "allege",
    "complain",
    "criticize",
    "criticise",
    "reveal",
    "disclose",
]


def _forms(verb: str) -> set[str]:
    stem = verb[:-1] if verb.endswith("e") else verb
    plural = verb + ("es" if verb.endswith(("s", "sh", "ch")) else "s")
    return {verb, plural, stem + "ed", stem + "ing"}


SPEECH_VERBS = frozenset(
    {form for forms in _IRREGULAR.values() for form in forms.split()}
    | {form for verb in _REGULAR for form in _forms(verb)}
)
_WORD = re.compile(r"[a-z]+")


def is_speech(attribution: dict) -> bool:
    cue = attribution.get("cue_text", "").lower()
    return "according to" in cue or any(w in SPEECH_VERBS for w in _WORD.findall(cue))


def overlaps(start: int, end: int, ranges: list[list[int]]) -> bool:
    return any(start < b and a < end for a, b in ranges)


def speaker_matches(flag: Flag, text: str, attribution: dict) -> bool:
    if flag.speaker is None:
        return False
    if overlaps(flag.speaker.start, flag.speaker.end, attribution["source"]):
        return True
    source_words = set(_WORD.findall(attribution.get("source_text", "").lower()))
    head = _WORD.findall(flag.speaker.text.lower())
    return bool(head) and head[-1] in source_words


def main(path: Path, verbose: bool = False) -> None:
    articles = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    speech_total = speech_found = flags_total = flags_right = 0
    speaker_total = speaker_right = 0
    seconds = 0.0
    for article in articles:
        text = article["text"]
        began = time.perf_counter()
        flags = detect(text)
        seconds += time.perf_counter() - began
        attributions = article["attributions"]
        speech = [a for a in attributions if is_speech(a)]
        for attribution in speech:
            speech_total += 1
            hit = any(overlaps(f.start, f.end, attribution["cue"]) for f in flags)
            speech_found += hit
            if verbose and not hit:
                print(f"  MISSED {attribution['cue_text']!r}: {_context(text, attribution)}")
        for flag in flags:
            flags_total += 1
            right = any(
                overlaps(flag.start, flag.end, a["cue"] + a["content"]) for a in attributions
            )
            flags_right += right
            if verbose and not right:
                print(f"  EXTRA {flag.category}: {flag.text}")
            said = [
                a for a in speech if a.get("source") and overlaps(flag.start, flag.end, a["cue"])
            ]
            if said:
                speaker_total += 1
                matched = any(speaker_matches(flag, text, a) for a in said)
                speaker_right += matched
                if verbose and not matched:
                    sources = [a.get("source_text") for a in said]
                    speaker = flag.speaker.text if flag.speaker else None
                    print(f"  SPEAKER {speaker!r} vs {sources}: {flag.text}")
    megabytes = sum(len(a["text"].encode()) for a in articles) / 1e6
    print(f"{path.name}: {len(articles)} articles, {speech_total} speech attributions")
    print(f"recall    {speech_found / speech_total:.3f} ({speech_found}/{speech_total})")
    print(f"precision {flags_right / flags_total:.3f} ({flags_right}/{flags_total})")
    print(f"speaker   {speaker_right / speaker_total:.3f} ({speaker_right}/{speaker_total})")
    print(f"time      {seconds:.2f} s for {megabytes:.2f} MB")


def _context(text: str, attribution: dict) -> str:
    start, end = attribution["cue"][0]
    return text[max(0, start - 100) : end + 60].replace("\n", " ")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a PolNeAR split (JSON lines)")
    parser.add_argument("-v", action="store_true", help="print each miss and wrong flag")
    args = parser.parse_args()
    main(args.path, verbose=args.v)
