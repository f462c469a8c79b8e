"""Sentence boundaries, found lazily around the places that need them.

Every line is its own unit (headlines, bylines and list items carry no full stop), and
within a line the sentences come from ``sentencex`` (Wikimedia's rule-based segmenter,
compiled Rust, no model download; see docs/detection.md for why). Only the lines that
contain a cue are ever split, so the cost of splitting grows with the number of cues, not
with the size of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from sentencex import segment

_LANGUAGE = "en"
#: The longest stretch of a line handed to sentencex at once: its time grows with the
#: square of the open quotation marks in one call (a line of 1,000,000 “ took minutes).
MAX_STRETCH = 2_000
#: Sentences that end this close to a stretch's end are split again with the next one.
CUT_MARGIN = 100


Bounds = tuple[int, int]  # (start, end); plain tuples, as there are many of them


class SentenceIndex:
    """The sentences of one text, split one line at a time on demand."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Only the last line looked at is kept: hits come in text order, so each line is
        # split once and never needed again (and a text's worth of lists is not kept).
        self._line: Bounds = (-1, -1)
        self._sentences: tuple[list[int], list[int]] = ([], [])

    def line_at(self, position: int) -> Bounds:
        """Return the bounds of the line containing ``position`` (newline excluded)."""
        text = self.text
        end = text.find("\n", position)
        return text.rfind("\n", 0, position) + 1, len(text) if end < 0 else end

    def sentence_at(self, position: int) -> Bounds | None:
        """Return the sentence containing ``position``, or None if it falls between two."""
        line = self._line
        if not line[0] <= position < line[1]:
            line = self._line = self.line_at(position)
            self._sentences = split_sentences(self.text, *line)
        starts, ends = self._sentences
        index = bisect_right(starts, position) - 1
        if index >= 0 and position < ends[index]:
            return starts[index], ends[index]
        return None

    def paragraphs_back(self, position: int, count: int) -> int:
        """Return where the ``count``-th non-blank line before ``position`` starts."""
        text = self.text
        line_start = text.rfind("\n", 0, position) + 1
        found = 0
        while line_start > 0 and found < count:
            end = line_start - 1  # the newline that ends the line before
            line_start = text.rfind("\n", 0, end) + 1
            if line_start < end and not text[line_start:end].isspace():
                found += 1
        return line_start


def split_sentences(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """Split ``text[start:end]`` (one line) into sentences: their starts and their ends.

    Whitespace around each sentence is left out. A line longer than MAX_STRETCH goes to
    sentencex a stretch at a time: each stretch keeps the sentences sentencex ends inside
    it, and the next one starts where its last sentence starts (so an abbreviation such as
    "U.S." never becomes a cut); a stretch that is one sentence is cut at its last space.
    """
    starts: list[int] = []
    ends: list[int] = []
    position = start
    while position < end:
        stop = min(end, position + MAX_STRETCH)
        chunk = text[position:stop]
        pieces = _segment(chunk)
        if stop < end:  # the line goes on: its last piece may not be a whole sentence,
            pieces.pop()  # and where sentencex put the end before it may depend on what
            # follows (an opening quote): pieces ending close to the cut are redone too.
            while len(pieces) > 1 and sum(map(len, pieces)) > len(chunk) - CUT_MARGIN:
                pieces.pop()
            if not sum(map(len, pieces)):  # no sentence ends in the stretch
                space = chunk.rfind(" ", 1)
                pieces = [chunk[: space + 1]] if space > 0 else [chunk]
        for piece in pieces:
            body = piece.lstrip()
            if body:
                first = position + len(piece) - len(body)
                starts.append(first)
                ends.append(first + len(body.rstrip()))
            position += len(piece)
    return starts, ends


#: Spaces of more than one byte in UTF-8, given to sentencex as plain spaces: it panics on a
#: one-letter word, such a space and a full stop ("plan B\u00a0."). Same length, same offsets.
_WIDE_SPACES = {code: " " for code in range(0x80, 0x3001) if chr(code).isspace()}


def _segment(chunk: str) -> list[str]:
    if not chunk or chunk.isspace():
        return [chunk]
    try:
        pieces = list(
            segment(_LANGUAGE, chunk if chunk.isascii() else chunk.translate(_WIDE_SPACES))
        )
    except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException
        if type(exc).__name__ != "PanicException":
            raise
        return [chunk]  # one sentence, as when its offsets cannot be trusted
    if sum(map(len, pieces)) != len(chunk):  # never trust offsets we cannot reproduce
        return [chunk]
    return _mend(pieces) if len(pieces) > 1 else pieces


_QUOTE_ENDS = frozenset("\"”’'“")
_QUESTION_QUOTE = re.compile(r"[?!][\"”’']\s*$")
_OPENING_QUOTE = re.compile(r"\s([\"“])\s*$")
_ATTRIBUTION = re.compile(
    r"(?:[a-z]|[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}\s+"
    r"(?:said|says|asked|asks|added|adds|replied|wrote|told|responded|shouted|wondered)\b)"
    r"[^.!?]{0,80}\.\s*$"
)


# Titles sentencex does not know as abbreviations: it ends a sentence after '"…," Ms.'
# (when a sentence came before on the line) and leaves "Moore said." alone. None of them
# ends a sentence ("Jr.", "St." can, and sentencex already knows the common titles).
_TITLES = tuple(
    f"{before}{title}."
    for title in ("Ms", "Mmes", "Atty", "Amb", "Cdr", "Ald", "Gens")
    for before in " ("
)
# After "a.m."/"p.m." sentencex ends the sentence before any capital; a date, a day or a
# time zone goes on with the time ("from 10:30 p.m. Aug. 9 to…", "9 a.m. ET").
_TIMES = ("a.m.", "p.m.")
_ENDINGS = frozenset(end[-3:] for end in _TITLES + _TIMES)  # a cheap first check
_TIME_GOES_ON = re.compile(
    r"(?:(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.|January|February|March|April"
    r"|May|June|July|August|September|October|November|December)\s*\d"
    r"|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b(?!['’]s)"
    r"|(?:[ECMP][SD]?T|GMT|UTC|BST|CES?T)\b"
)


def _mend(pieces: list[str]) -> list[str]:
    """Undo the cuts sentencex makes after a title or a time that goes on (see _TITLES and
    _TIMES) and two around quotations: after a quoted question ('"Why wait?" Schiff
    asked.' is one sentence, not two) and before an opening quote mark left at the end
    of the sentence before ('…," he said. "We are sad…').
    The pieces still add up to the chunk."""
    mended = [pieces[0]]
    for piece in pieces[1:]:
        previous = mended[-1]
        body = previous.rstrip()
        if body[-3:] in _ENDINGS and _cut_too_soon(body, piece):
            mended[-1] = previous + piece
            continue
        if body[-1:] not in _QUOTE_ENDS:  # the usual case: nothing to mend
            mended.append(piece)
            continue
        tail = max(0, len(previous) - 8)  # both patterns end the piece: search its end only
        opening = _OPENING_QUOTE.search(previous, tail)
        if opening:  # the quote mark opens the next sentence
            mended[-1], piece = previous[: opening.start(1)], previous[opening.start(1) :] + piece
        elif _QUESTION_QUOTE.search(previous, tail) and _ATTRIBUTION.match(piece):
            mended[-1] = previous + piece
            continue
        mended.append(piece)
    return mended


def _cut_too_soon(body: str, piece: str) -> bool:
    if body.endswith(_TIMES):
        return _TIME_GOES_ON.match(piece) is not None
    return body.endswith(_TITLES) and piece[:1].isupper()
