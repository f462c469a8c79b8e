"""Page chrome in plain text: the lines of a scraped page that are not the article.

Two kinds of chrome are recognised, line by line:

- single lines: "Advertisement", "Read more", share/subscribe/sign-up prompts, view
  counters ("veryGood! (3341)"), "View Date:" stamps, tag lists ("- In: - Ukraine"),
  "X contributed to this report" and "Reporting by …" credits, copyright lines;
  comment headers ("thelastchargersfan says:", and "Guy Hence says:" where three or more
  make a thread), page titles with the site's name after a bar ("… |
  Fox News") or a comment count, privacy and cookie notices, menu items ("Latest News &
  Rumors", "See tweets :") and video credits ("Adriana Diaz reports.");
- link lists: a heading such as "Related", "Ranking", "Recommendation", "More from …" or
  "Most read", and the headline-like lines under it. A tight list ends at the first blank
  line; a list whose items are separated by blank lines ends at the first line that reads
  like a normal paragraph (it ends with a full stop or is long).

The outlet's own notes ("Correction: …", "Editor's note: …", "Clarification: …") are no
chrome: they stay in the stored text for the reviewer to read, but they are the outlet
speaking, not a claim to check, so detection skips them too. It skips a title with the
site's name after a dash ("… - Los Angeles Times"), which is kept because lists of dates
or products in an article look the same ("August 8 – Tinley Park").

Ingestion stores :func:`strip_chrome` of plain-text input; :func:`detect` skips the spans
:func:`find_chrome` returns (notes included), keeping offsets into the original text.
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
      | (?:additional[ \t])?reporting[ \t]by\b.* | editing[ \t]by\b.* | writing[ \t]by\b.*
      | (?:copyright|©)[ \t].* | all[ \t]rights[ \t]reserved\.?
    )[ \t]*\r?\Z""",
    re.IGNORECASE | re.VERBOSE,
)

# Lines that are chrome by their shape, matched with case as written:
# - comment headers: a handle or a name, then "says:" and nothing after ("thelastchargersfan
#   says:", "Guy Hence says:"), or any short name with a date and time ("Gary M on September
#   17, 2018 at 8:50 pm said:"); not "He said:" or "The minister says:", which open a quote;
# - a page title with the site's name after a bar or dash ("… | Fox News", "… - CNN 16
#   comments") or a link with its comment count ("… Surfaces 16 comments");
# - a notice about the site's privacy or cookie policy ("We have updated our privacy policy…");
# - menu items: "Latest News & Rumors", "See tweets :", a video's credit "Adriana Diaz reports.".
_NAME_WORD = r"[A-Z][\w.'’-]*"
_NOT_COMMENTERS = (
    r"(?!(?:The|A|An|He|She|It|They|We|I|You|This|That|One|President|Prime|Minister|Sen|"
    r"Senator|Rep|Gov|Governor|Mayor|Dr|Mr|Mrs|Ms|Judge|Police|Officials?)\b)"
)
_SHAPED_CHROME = re.compile(
    rf"""^{_BULLET}(?:
        [a-z0-9_][\w.-]*[ \t]+says:
      | [^\n.!?:"“”]{{1,40}}?[ \t]on[ \t][A-Z][^\n]{{3,30}}?[ \t]at[ \t]\d{{1,2}}:\d\d
            (?:[ \t]?[ap]\.?m\.?)?[ \t]+(?:says|said|wrote):
      | [^\n]*?[^\s.!?…:;,"“”'‘’][ \t]+\|[ \t]+{_NAME_WORD}(?:[ \t]+[\w&.'’-]+){{0,3}}
            (?:[ \t]+\d{{1,5}}[ \t]+comments?)?
      | [^\n]*?[^\s.!?…:;,"“”'‘’][ \t]+\d{{1,5}}[ \t]+comments?
      | (?:Your[ \t]privacy[ \t]is[ \t]important[ \t]to[ \t]us\.[ \t]+)?
            We(?:[ \t]have|['’]ve)[ \t]updated[ \t]our[ \t](?:privacy|cookie)[ \t]
            (?:policy|notice|statement)\b.*
      | (?:This[ \t](?:site|website)|We)[ \t]uses?[ \t]cookies\b.*
      | {_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}[ \t]+&[ \t]+{_NAME_WORD}
      | See[ \t](?:the[ \t])?(?:tweets?|posts?|photos?|videos?)[ \t]*:?
      | {_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}[ \t]+reports\.
    )[ \t]*\r?\Z""",
    re.VERBOSE,
)

# A comment header signed with a name ("Guy Hence says:"): the same shape as a speaker
# before a quote ("Elizabeth Warren says:"), so chrome only where the text has a thread of
# them (COMMENT_THREAD or more).
_NAMED_COMMENTER = re.compile(
    rf"^{_BULLET}{_NOT_COMMENTERS}{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}[ \t]+says:[ \t]*\r?\Z"
)
COMMENT_THREAD = 3

# A title with the site's name after a dash ("… - Los Angeles Times", "… – TechCrunch"): the
# same shape as a list of dates or products in an article ("August 8 – Tinley Park"), so
# it is only skipped by detection, like the outlet's notes, and stays in the stored text.
_TITLE_WITH_SITE = re.compile(
    rf"""[^\n]*?[^\s.!?…:;,"“”'‘’][ \t]+[-–—][ \t]+{_NAME_WORD}(?:[ \t]+[A-Z&][\w.'’-]*){{0,3}}
    (?:[ \t]+\d{{1,5}}[ \t]+comments?)?[ \t]*\r?\Z""",
    re.VERBOSE,
)

# "Maria Alvarez contributed to this report." - searched only in lines that say "contribut".
_CREDIT_LINE = re.compile(
    r"[^\n]{0,200}?\bcontributed[ \t](?:to[ \t])?(?:this[ \t]|the[ \t])?report(?:ing)?"
    r"(?:[ \t]from[ \t][^\n.]*)?\.?[ \t]*\r?\Z",
    re.IGNORECASE,
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
    re.IGNORECASE | re.VERBOSE,
)

_PARAGRAPH_END = re.compile(r"[.!?…][\"'”’)\]]*[ \t]*\r?$")
_NUMBERED = re.compile(r"\d{1,2}[.)]\s")
_LIST_ITEM_MAX = 200
_CHROME_LINE_MAX = 300

# The outlet's own notes, which may run to a paragraph: "Correction added Nov. 18: …".
_NOTE_LINE = re.compile(
    rf"{_BULLET}(?:corrections?(?:[ \t](?:added|appended|made)\b[^:\n]{{0,40}})?"
    r"|editor['’]s[ \t]note|clarification):",
    re.IGNORECASE,
)
_NOTE_LINE_MAX = 1000
_NOTE_OPENINGS = frozenset("CcEe -•*·▪►\t")  # what a note line can start with (cheap test)
_HEADING_MAX = 80


def find_chrome(text: str, *, notes: bool = True) -> list[Span]:
    """Return the spans of chrome lines in ``text``, in order, newlines excluded; with
    ``notes``, the lines that stay in the stored text but are not searched too (the outlet's
    own notes, titles with the site's name after a dash)."""
    spans: list[Span] = []
    commenters: list[Span] = []  # named comment headers, chrome only in a thread
    headers = 0  # handles' comment headers ("harbourwatcher says:")
    listing: _LinkList | None = None
    end = -1
    for line in text.split("\n"):
        start = end + 1
        end = start + len(line)
        if listing is not None:
            verdict = listing.feed(line)
            if verdict == "item":
                spans.append(Span(start, end))
            if verdict != "end":
                continue
            listing = None
        if (
            notes
            and line[:1] in _NOTE_OPENINGS
            and len(line) <= _NOTE_LINE_MAX
            and _NOTE_LINE.match(line)
        ):
            spans.append(Span(start, end))
            continue
        if len(line) > _CHROME_LINE_MAX or not line or line.isspace():
            continue
        if len(line) <= _HEADING_MAX and _LIST_HEADING.match(line):
            spans.append(Span(start, end))
            listing = _LinkList()
        elif (
            _CHROME_LINE.match(line)
            or ("ontribut" in line.lower() and _CREDIT_LINE.match(line))
            or (_may_be_shaped(line) and _SHAPED_CHROME.match(line))
            or (notes and _may_have_site(line) and _TITLE_WITH_SITE.match(line))
        ):
            spans.append(Span(start, end))
            headers += line.rstrip().endswith("says:")  # a handle's comment header
        elif line.rstrip().endswith("says:") and _NAMED_COMMENTER.match(line):
            commenters.append(Span(start, end))
    # A thread counts the handles' headers too: three handles and two names are one thread.
    if commenters and len(commenters) + headers >= COMMENT_THREAD:
        spans = sorted(spans + commenters, key=lambda span: span.start)
    return spans


def _may_be_shaped(line: str) -> bool:
    """Whether ``line`` holds a word that every shape of _SHAPED_CHROME needs (its literal
    text, case as written). Most lines hold none, and these tests are several times cheaper
    than the pattern, whose lazy runs try every position of the line."""
    return (
        "says:" in line
        or "said:" in line
        or "wrote:" in line
        or "|" in line
        or "comment" in line
        or "updated" in line
        or "cookies" in line
        or "&" in line
        or "See" in line
        or "reports." in line
    )


def _may_have_site(line: str) -> bool:
    """Whether ``line`` has a dash with a space or a tab after it, as _TITLE_WITH_SITE needs."""
    return (
        "- " in line
        or "– " in line
        or "— " in line
        or "-\t" in line
        or "–\t" in line
        or "—\t" in line
    )


def strip_chrome(text: str) -> str:
    """Return ``text`` without its chrome lines, keeping paragraph breaks."""
    pieces = []
    position = 0
    for span in find_chrome(text, notes=False):
        pieces.append(text[position : span.start])
        position = span.end + 1 if text.startswith("\n", span.end) else span.end
    pieces.append(text[position:])
    cleaned = "".join(pieces)
    cleaned = re.sub(r"\n(?:[ \t\r]*\n){2,}", "\n\n", cleaned)
    return cleaned.strip("\n")


class _LinkList:
    """The lines under a list heading: which are items, and where the list ends."""

    def __init__(self) -> None:
        self.blank_separated: bool | None = None
        self.blank_run = 0

    def feed(self, line: str) -> str:
        """Return "item", "blank" (still inside the list) or "end" for the next line."""
        stripped = line.strip()
        if not stripped:
            self.blank_run += 1
            ends = self.blank_run > 1 or self.blank_separated is False
            return "end" if ends else "blank"
        if self.blank_separated is None:
            self.blank_separated = self.blank_run > 0
        self.blank_run = 0
        return "item" if _is_list_item(stripped) else "end"


def _is_list_item(line: str) -> bool:
    if len(line) > _LIST_ITEM_MAX:
        return False
    if line[0] in "-•*·▪►" or _NUMBERED.match(line):
        return True
    return not _PARAGRAPH_END.search(line)
