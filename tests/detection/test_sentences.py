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


def test_an_opening_quote_at_a_cut_stays_with_its_sentence(monkeypatch):
    quote = "“It is false,” he told reporters."
    line = "The council met. " * 116 + "Officials disagreed. " + quote + " The council met." * 100
    assert MAX_STRETCH - 20 < line.index("“") < MAX_STRETCH
    stretched = split_sentences(line, 0, len(line))
    monkeypatch.setattr(sentences, "MAX_STRETCH", 10**9)
    assert stretched == split_sentences(line, 0, len(line))
    assert any(line[a:b] == quote for a, b in zip(*stretched, strict=True))


def test_a_long_paragraph_is_cut_only_where_sentencex_ends_a_sentence(monkeypatch):
    # A cut after the last full stop of a stretch once fell after "U.S." and made two
    # claims of "…according to U.S. officials who spoke…".
    claim = "Funds were cut, according to U.S. officials who spoke on condition of anonymity."
    line = "The council met. " * 115 + claim + " The council met again." * 100
    assert 1_000 < line.index("U.S. ") < MAX_STRETCH - 5
    stretched = split_sentences(line, 0, len(line))
    monkeypatch.setattr(sentences, "MAX_STRETCH", 10**9)
    assert stretched == split_sentences(line, 0, len(line))
    monkeypatch.undo()
    [flag] = detect(line)
    assert flag.text == claim and flag.speaker.text == "U.S. officials"


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab. “"”!?'), min_size=0, max_size=9_000))
def test_sentences_of_a_long_line_are_in_order_exact_and_cover_it(line):
    starts, ends = split_sentences(line, 0, len(line))
    pairs = list(zip(starts, ends, strict=True))
    assert all(line[a:b] and line[a:b].strip() == line[a:b] for a, b in pairs)
    bounds = [n for pair in pairs for n in pair]
    assert bounds == sorted(bounds)
    assert "".join(line[a:b] for a, b in pairs).replace(" ", "") == line.replace(" ", "")


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u3000"])
def test_a_letter_before_a_wide_space_and_a_full_stop_is_split_without_a_crash(space):
    # sentencex panics on a one-letter word, a space of more than one UTF-8 byte and a
    # full stop ("Plan B\u00a0."); the panic is no Exception and would stop an ingestion.
    text = f"They chose plan B{space}. The minister said it would fail."
    flags = detect(text)
    assert [flag.text for flag in flags] == ["The minister said it would fail."]


def test_any_other_panic_of_the_splitter_leaves_the_stretch_whole(monkeypatch):
    # Another input may make sentencex panic where the no-break spaces did; a panic
    # (pyo3's PanicException, a BaseException) must not stop an article's ingestion.
    class PanicException(BaseException):
        pass

    def panics(language, text):
        raise PanicException("byte index is not a char boundary")

    monkeypatch.setattr(sentences, "segment", panics)
    text = "The mayor said so. Officials denied it."
    assert split_sentences(text, 0, len(text)) == ([0], [len(text)])
    assert [flag.text for flag in detect(text)] == [text]
