"""Sentence boundaries, found lazily around the places that need them.

Every line is its own unit (headlines, bylines and list items carry no full stop), and
within a line the sentences come from ``sentencex`` (Wikimedia's rule-based segmenter,
compiled Rust, no model download; see docs/detection.md for why). Only the lines that
contain a cue are ever split, so the cost of splitting grows with the number of cues, not
with the size of the text.
"""

from __future__ import annotations

from bisect import bisect_right

from sentencex import segment

from .model import Span

_LANGUAGE = "en"


class SentenceIndex:
    """The sentences of one text, split one line at a time on demand."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: dict[int, tuple[list[int], list[Span]]] = {}

    def line_at(self, position: int) -> Span:
        """Return the span of the line containing ``position`` (newline excluded)."""
        text = self.text
        start = text.rfind("\n", 0, position) + 1
        end = text.find("\n", position)
        return Span(start, len(text) if end < 0 else end)

    def sentences_in_line(self, line_start: int) -> list[Span]:
        """Return the sentences of the line that starts at ``line_start``."""
        return self._split_line(line_start)[1]

    def sentence_at(self, position: int) -> Span | None:
        """Return the sentence containing ``position``, or None if it falls between two."""
        line = self.line_at(position)
        starts, spans = self._split_line(line.start)
        index = bisect_right(starts, position) - 1
        if index >= 0 and position < spans[index].end:
            return spans[index]
        return None

    def sentences_before(self, position: int, lines: int) -> list[Span]:
        """Return the sentences of up to ``lines`` non-blank lines before ``position``."""
        text = self.text
        found: list[list[Span]] = []
        line_start = self.line_at(position).start
        while line_start > 0 and len(found) < lines:
            previous = self.line_at(line_start - 1)
            line_start = previous.start
            if text[previous.start : previous.end].strip():
                found.append(self.sentences_in_line(previous.start))
        return [span for group in reversed(found) for span in group]

    def _split_line(self, line_start: int) -> tuple[list[int], list[Span]]:
        cached = self._lines.get(line_start)
        if cached is None:
            line = self.line_at(line_start)
            spans = split_sentences(self.text, line.start, line.end)
            cached = ([s.start for s in spans], spans)
            self._lines[line_start] = cached
        return cached


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Split ``text[start:end]`` (one line) into sentence spans, whitespace trimmed."""
    chunk = text[start:end]
    pieces = list(segment(_LANGUAGE, chunk)) if chunk.strip() else []
    if "".join(pieces) != chunk:  # never trust offsets we cannot reproduce
        pieces = [chunk]
    spans = []
    position = start
    for piece in pieces:
        span = _trim(text, position, position + len(piece))
        if span is not None:
            spans.append(span)
        position += len(piece)
    return spans


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if start < end else None
