from __future__ import annotations

import string

from hypothesis import example, given, settings
from hypothesis import strategies as st

from claims.detection import detect, find_chrome, fingerprint, strip_chrome

NEWS_WORDS = [
    "said", "Said", "told", "according to", "allegedly", "purportedly", "could not be",
    "independently verified", "cannot independently verify", "sources said", "denied",
    "a person familiar with", "the minister", "Zelenskyy", "“", "”", '"', "'", ",", ".",
    "?", "!", "\n", "\r\n", "\n\n", " ", "U.S.", "Dr.", "a.m.", "Related", "- In: - ",
    "veryGood! (12)", "so-called", "that said,", "(", ")", "’s", "İ", "ß", "—", "\u2028",
    "\t", "quoted", "as saying", "who", "the group's claims",
]  # fmt: skip

news_like = st.lists(st.sampled_from(NEWS_WORDS) | st.text(max_size=6), max_size=60).map(" ".join)
texts = st.text() | news_like


@settings(max_examples=400, deadline=None)
@given(texts)
def test_it_keeps_every_offset_consistent_for_any_text(text):
    flags = detect(text)
    previous_end = -1
    for flag in flags:
        assert text[flag.start : flag.end] == flag.text
        assert 0 <= flag.start < flag.end <= len(text)
        assert flag.start >= previous_end
        previous_end = flag.end
        assert 0 < flag.score <= 1
        for cue in flag.cues:
            assert flag.start <= cue.start < cue.end <= flag.end
            assert text[cue.start : cue.end] == cue.text
        if flag.speaker is not None:
            assert text[flag.speaker.start : flag.speaker.end] == flag.speaker.text
            assert flag.start <= flag.speaker.start < flag.speaker.end <= flag.end
        for span in flag.covers:
            assert 0 <= span.start < span.end <= flag.start


@settings(max_examples=200, deadline=None)
@given(texts)
def test_it_finds_chrome_inside_the_text_and_strips_it(text):
    for span in find_chrome(text):
        assert 0 <= span.start <= span.end <= len(text)
        assert "\n" not in text[span.start : span.end]
    assert isinstance(strip_chrome(text), str)


ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


@settings(max_examples=200, deadline=None)
@given(st.text())
@example("ı")
def test_it_fingerprints_any_sentence_stably(sentence):
    # Case does not count. (Not upper().lower(): that turns a dotless "ı" into "i", a
    # different letter, which hypothesis found.)
    assert fingerprint(sentence) == fingerprint(sentence.translate(ASCII_UPPER))
    assert len(fingerprint(sentence)) == 40
