"""Page chrome in plain text: the lines of a scraped page that are not the article.

Two kinds of chrome are recognised, line by line:

- single lines: "Advertisement", "Read more", share/subscribe/sign-up prompts, view
  counters ("veryGood! (3341)"), "View Date:" stamps, tag lists ("- In: - Ukraine"),
  "X contributed to this report" and "Reporting by …" credits, copyright lines;
- link lists: a heading such as "Related", "Ranking", "Recommendation", "More from …" or
  "Most read", and the headline-like lines under it. A tight list ends at the first blank
  line; a list whose items are separated by blank lines ends at the first line that reads
  like a normal paragraph (it ends with a full stop or is long).

Ingestion stores :func:`strip_chrome` of plain-text input; :func:`detect` skips the spans
:func:`find_chrome` returns, keeping offsets into the original text.
"""

from __future__ import annotations

import re

from .model import Span

_BULLET = r"[ \t]*(?:[-•*·▪►]+[ \t]*)?"

_CHROME_LINE = re.compile(
    rf"""^{_BULLET}(?:
        advertisement|advertising|sponsored(?:[ \t]content)?|paid[ \t]content
      | (?:read|see)[ \t]more\b.* | continue[ \t]reading\b.* | read[ \t]the[ \t]rest\b.*
      | click[ \t]here\b.* | skip[ \t]to[ \t](?:main[ \t])?content
      | share(?:[ \t](?:this|on|via|the|article|story)\b.*)? | tweet | email | print
      | copy[ \t]link | comments?(?:[ \t]\(\d+\))?
      | subscribe\b.* | sign[ \t]up\b.* | follow[ \t]us\b.* | log[ \t]?in[ \t]to\b.*
      | get[ \t](?:the|our)\b.{{0,60}}\bnewsletter\b.*
      | [\w-]+![ \t]*\(\d[\d,.]*\)
      | view[ \t]date:.*
      | in:(?:[ \t].*)?
      | [^\n]{{0,200}}?\bcontributed[ \t](?:to[ \t])?(?:this[ \t]|the[ \t])?report(?:ing)?
        (?:[ \t]from[ \t][^\n.]*)?\.?
      | (?:additional[ \t])?reporting[ \t]by\b.* | editing[ \t]by\b.* | writing[ \t]by\b.*
      | (?:copyright|©)[ \t].* | all[ \t]rights[ \t]reserved\.?
    )[ \t]*\r?$""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)

_LIST_HEADING = re.compile(
    rf"""^{_BULLET}(?:
        related(?:[ \t](?:stories|articles|coverage|content|links|news|reading|topics))?
      | rankings? | recommendations? | recommended(?:[ \t](?:for[ \t]you|stories|reading))?
      | more[ \t](?:from|on|in)\b[^\n]{{0,60}} | more[ \t](?:stories|news|headlines)
      | most[ \t](?:read|popular|viewed|shared|emailed) | trending(?:[ \t]now)?
      | also[ \t]read | see[ \t]also | read[ \t]next | up[ \t]next | top[ \t]stories
      | you[ \t]may[ \t]also[ \t]like | you[ \t]might[ \t]also[ \t]like | latest[ \t]news
      | in:
    )[ \t]*:?[ \t]*\r?$""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)

_PARAGRAPH_END = re.compile(r"[.!?…][\"'”’)\]]*[ \t]*\r?$")
_NUMBERED = re.compile(r"\d{1,2}[.)]\s")
_LIST_ITEM_MAX = 200


def find_chrome(text: str) -> list[Span]:
    """Return the spans of chrome lines in ``text``, sorted, newlines excluded."""
    spans = [Span(m.start(), _line_end(text, m.end())) for m in _CHROME_LINE.finditer(text)]
    for heading in _LIST_HEADING.finditer(text):
        spans.append(Span(heading.start(), _line_end(text, heading.end())))
        spans.extend(_list_items(text, heading.end()))
    spans.sort(key=lambda s: (s.start, s.end))
    return _dedupe(spans)


def strip_chrome(text: str) -> str:
    """Return ``text`` without its chrome lines, keeping paragraph breaks."""
    pieces = []
    position = 0
    for span in find_chrome(text):
        pieces.append(text[position : span.start])
        position = span.end + 1 if text.startswith("\n", span.end) else span.end
    pieces.append(text[position:])
    cleaned = "".join(pieces)
    cleaned = re.sub(r"\n(?:[ \t\r]*\n){2,}", "\n\n", cleaned)
    return cleaned.strip("\n")


def _list_items(text: str, position: int) -> list[Span]:
    """Return the headline-like lines that follow a list heading ending at ``position``."""
    items: list[Span] = []
    blank_separated: bool | None = None
    blank_run = 0
    while position < len(text):
        start = position + 1 if text.startswith("\n", position) else position
        if start >= len(text):
            break
        end = _line_end(text, start)
        line = text[start:end].strip()
        position = end
        if not line:
            blank_run += 1
            if blank_run > 1 or blank_separated is False:
                break
            continue
        if blank_separated is None:
            blank_separated = blank_run > 0
        elif blank_run and not blank_separated:
            break
        blank_run = 0
        if not _is_list_item(line):
            break
        items.append(Span(start, end))
    return items


def _is_list_item(line: str) -> bool:
    if len(line) > _LIST_ITEM_MAX:
        return False
    if line[0] in "-•*·▪►" or _NUMBERED.match(line):
        return True
    return not _PARAGRAPH_END.search(line)


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _dedupe(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in spans:
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
            continue
        merged.append(span)
    return merged
