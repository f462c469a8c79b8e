"""Sentence boundaries of long lines: sentencex never sees more than a stretch at once."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.detection import detect, sentences
from claims.detection.sentences import MAX_STRETCH, split_sentences


@pytest.fixture
def segment_calls(monkeypatch):
    calls: list[int] = []
    real = sentences.segment

    def counting(language, chunk):
        calls.append(len(chunk))
        return real(language, chunk)

    monkeypatch.setattr(sentences, "segment", counting)
    return calls


def test_a_line_of_a_million_quotation_marks_is_cut_into_stretches(segment_calls):
    # sentencex's time grows with the square of open quotes in one call: minutes for this.
    text = "“" * 500_000 + " the spokesman said " + "“" * 499_980
    flags = detect(text)
    assert max(segment_calls) <= MAX_STRETCH
    assert [flag.speaker.text for flag in flags] == ["the spokesman"]


def test_a_long_paragraph_is_cut_after_sentence_ends():
    text = " ".join(f"Sentence number {n} ends here." for n in range(300))
    starts, ends = split_sentences(text, 0, len(text))
    found = [text[a:b] for a, b in zip(starts, ends, strict=True)]
    assert found == [f"Sentence number {n} ends here." for n in range(300)]


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab. “"”!?'), min_size=0, max_size=9_000))
def test_stretches_cover_the_line_in_order(line):
    pieces = list(sentences._stretches(line, 0, len(line)))
    assert pieces[0][0] == 0 and pieces[-1][1] == len(line)
    assert all(a < b <= a + MAX_STRETCH for a, b in pieces) or line == ""
    assert all(pieces[i][1] == pieces[i + 1][0] for i in range(len(pieces) - 1))
    starts, ends = split_sentences(line, 0, len(line))
    assert all(
        line[a:b].strip() == line[a:b] and line[a:b] for a, b in zip(starts, ends, strict=True)
    )
