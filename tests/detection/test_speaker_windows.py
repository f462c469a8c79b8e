"""The speaker rules' token windows: reused pieces equal a fresh tokenisation."""

from __future__ import annotations

import re
from itertools import permutations

from hypothesis import given, settings
from hypothesis import strategies as st

from claims.detection.model import Span
from claims.detection.speakers import _NARROW, _REACH, _TOKEN, _WINDOW, _Attribution, _tokens

WORDS = ["said", "the", "minister,", "“We", "won’t", "U.S.", "''", "—", "(D-Mo.)", "\t", "\n"]
sentences = st.lists(st.sampled_from(WORDS) | st.text(max_size=8), min_size=1, max_size=400)


def tokenise(text: str, start: int, end: int) -> list[tuple]:
    """The plain way, as the rules were first written: one Match per token."""
    tokens = []
    for match in re.finditer(_TOKEN, text[:end]):
        word = match.group()
        if match.start() >= start:
            is_word = word[0].isalnum() or word[0] == "_"
            tokens.append((word, word.lower(), match.start(), match.end(), is_word))
    return tokens


def window(text: str, sentence: Span, verb: Span, width: int) -> list[tuple]:
    start = sentence.start
    if verb.start - start > width:
        start = max(start, text.find(" ", verb.start - width, verb.start))
    return tokenise(text, start, verb.start)


@settings(max_examples=300, deadline=None)
@given(sentences, st.integers(min_value=0))
def test_windows_in_any_order_match_a_fresh_tokenisation(words, where):
    text = " ".join(words) + " said it."
    sentence = Span(0, len(text))
    verb_start = where % (len(text) - 8) if where % 3 else len(text) - 8
    verb = Span(verb_start, verb_start + 1)
    assert [tuple(t) for t in _tokens(text, 0, verb.start)] == tokenise(text, 0, verb.start)
    for order in permutations([_NARROW, _WINDOW, None]):
        attribution = _Attribution(text, sentence, verb)
        for width in order:
            expected = window(text, sentence, verb, _REACH if width is None else width)
            assert [tuple(t) for t in attribution.before(width)] == expected
