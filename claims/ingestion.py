"""The ingestion pipeline: fetch → extract → store → detect, each step a function.

Every path is idempotent: the same URL or the same text twice is one article, and running
detection again adds no duplicate claims. Failures land on the article (status "failed"
and a reason) or on the feed (last error), never as lost input.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import unescape as unescape_html
from operator import attrgetter
from urllib.parse import unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import trafilatura
from celery import current_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import strip_tags
from feedparser.datetimes.rfc822 import timezone_names as FEEDPARSER_ZONES  # hours
from lxml.etree import strip_tags as strip_elements
from lxml.html import tostring
from trafilatura.utils import load_html

from claims import detection, workflow
from claims.claimreview import newsroom_date
from claims.fetching import (
    CONTROL_CHARACTERS,
    FetchError,
    check_url,
    fetch,
    has_credentials,
    has_usable_port,
    invisible_characters,
    normalised_url,
    remembered_host_checks,
)
from claims.lexicon import current_lexicon
from claims.models import Article, Claim, Feed, FeedEntry, IngestionJob, ReviewEvent, Verdict

log = logging.getLogger(__name__)

MAX_FEED_BACKOFF_MINUTES = 24 * 60

#: The database connection lost mid-way (a restart, a failover, a pooler restart): a
#: failure of the moment, not of the article or the feed entry being stored.
CONNECTION_LOST = (OperationalError, InterfaceError)


class IngestionError(Exception):
    """Input we cannot turn into an article (no text found, bad bulk line…); ``field``
    names the input at fault when it is not the article's body ("url")."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def field_at_fault(exc: Exception, body: str) -> str:
    """The form or API field an IngestionError or FetchError is about: the URL's, or else
    the article's body (`body`: "text", "html" or "file")."""
    if isinstance(exc, FetchError):
        return "url"
    return getattr(exc, "field", None) or body


# --- extract ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str = ""
    byline: str = ""
    site_name: str = ""
    published_at: datetime | None = None
    language: str = ""
    url: str = ""


# HTML takes a reference without its semicolon ("&#12 ") and with leading zeros too.
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
_BYTES_REFERENCE = re.compile(_CHARACTER_REFERENCE.pattern.encode())


def _unreadable(match: re.Match) -> bool:
    """A reference to a character no text holds: a control character other than tab and
    line breaks, a surrogate, a non-character, or past Unicode's last."""
    hexadecimal, decimal = match.group(1), match.group(2)
    digits = hexadecimal if hexadecimal is not None else decimal
    if isinstance(digits, bytes):
        digits = digits.decode("ascii")
    digits = digits.lstrip("0") or "0"
    if len(digits) > 8:  # past U+10FFFF either way (and int() refuses thousands of digits)
        return True
    code = int(digits, 16 if hexadecimal is not None else 10)
    return (
        (code < 32 and code not in (9, 10, 13))
        or code == 0x7F
        or 0xD800 <= code <= 0xDFFF
        or code in (0xFFFE, 0xFFFF)
        or code > 0x10FFFF
    )


def without_bad_references(markup):
    """HTML or XML (str or bytes) without references to characters no text holds
    ("&#12;", "&#xD800;"): one of them lost a whole page's text in extraction, or made
    a whole feed unreadable."""
    pattern = _BYTES_REFERENCE if isinstance(markup, bytes) else _CHARACTER_REFERENCE
    empty = b"" if isinstance(markup, bytes) else ""
    return pattern.sub(lambda m: empty if _unreadable(m) else m.group(0), markup)


#: Inline elements (links, bold, spans…) a page may hold before they are taken out, their
#: text kept, ahead of extraction: trafilatura's time grows with the square of their number
#: (12,000 links in one paragraph took 5 s of CPU, 40,000 over two minutes, which held a
#: worker or a request that long). The most any of the 181 real pages of the evaluation set
#: holds is 860.
MAX_INLINE_ELEMENTS = 5_000
# Not <time>: its datetime attribute gives the publication date.
_INLINE_TAGS = (
    "a", "abbr", "b", "cite", "code", "del", "em", "font", "i", "ins", "mark", "q", "s",
    "small", "span", "strong", "sub", "sup", "u",
)  # fmt: skip
_INLINE_OPENING = re.compile(rf"<(?:{'|'.join(_INLINE_TAGS)})[\s/>]", re.IGNORECASE)


def without_inline_flood(html: str) -> str:
    """The page with its inline elements taken out (their text kept) when it has more than
    MAX_INLINE_ELEMENTS of them; otherwise the page as it is."""
    if html.count("<") <= MAX_INLINE_ELEMENTS:  # the usual case: no need to look closer
        return html
    if sum(1 for _ in _INLINE_OPENING.finditer(html)) <= MAX_INLINE_ELEMENTS:
        return html
    tree = load_html(html)
    if tree is None:
        return html
    _drop_link_lists(tree)
    strip_elements(tree, *_INLINE_TAGS)
    # Written out and read again, as trafilatura will: strip_tags leaves the pieces of text
    # side by side, as many text nodes as there were elements, and their number is the cost.
    return tostring(tree, encoding="unicode")


#: An element with this many links, whose text is mostly theirs, is a list of links.
LINK_LIST_LINKS = 50


#: What a link sits in within a list of links: an item, a span, formatting.
_LINK_WRAPPERS = frozenset(["li", "span", "b", "strong", "em", "i", "small", "font"])


def _drop_link_lists(tree) -> None:
    """Remove the lists of links (tag clouds, "related" lists, as <div><a>, <ul><li><a> or
    <div><span><a>): with the links taken out, trafilatura could no longer tell them from
    text by their share of link text."""
    links: Counter = Counter()
    linked: Counter = Counter()
    for link in tree.iter("a"):
        holder = link.getparent()
        while holder is not None and holder.tag in _LINK_WRAPPERS:
            holder = holder.getparent()
        links[holder] += 1
        linked[holder] += len(link.text_content().strip())
    for holder, count in links.items():
        if count < LINK_LIST_LINKS or holder is None or holder.getparent() is None:
            continue
        if linked[holder] >= 0.8 * len(holder.text_content().strip()):
            holder.drop_tree()  # its tail, the text after it, stays


#: The latest date htmldate may find in a page: none it could read (see extract_html).
PAGE_DATE_BOUND = datetime(9999, 12, 31)


def extract_html(html: str, url: str | None = None) -> Extracted:
    """Pull the main text and metadata out of an HTML page with trafilatura."""
    html = without_inline_flood(without_bad_references(html))
    # Parsed here to read its language, and handed to trafilatura as it is (it reads a
    # copy): parsing the page twice took 10% longer than extraction alone, the copy 3%.
    tree = load_html(html)
    if tree is None:
        raise IngestionError("No article text could be extracted from the page.")
    language = page_language(tree)
    # fast: no fallback extractors, and a date search limited to the usual places. On
    # the evaluation pages this is both quicker and at least as accurate (see README).
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        fast=True,
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            # The time and offset too, where the page gives them (the default is the day).
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
            # No bound of htmldate's own: it drops a date past the end of the machine's day
            # (2 December in Tokyo while it is 1 December in UTC), and turns one further
            # ahead into the first of its month. parse_published drops what is more than
            # PUBLISHED_AHEAD ahead. A fixed value also keeps htmldate's caches warm.
            "max_date": PAGE_DATE_BOUND,
        },
    )
    if document is None:
        raise IngestionError("No article text could be extracted from the page.")
    data = document.as_dict()
    text = clean_text(data.get("text") or "")
    if not text:
        raise IngestionError("No article text could be extracted from the page.")
    if len(text) < 300 and _NEEDS_JAVASCRIPT.search(text):
        # Its <noscript> notice is all the page has without a browser: not the article.
        raise IngestionError(
            f"The page shows its text only with JavaScript (all it says is {text[:120]!r}); "
            "submit the article's text or saved HTML instead."
        )
    data = {
        key: _storable(value) if isinstance(value, str) else value for key, value in data.items()
    }
    canonical = data.get("url") or ""
    return Extracted(
        text=text,
        title=(data.get("title") or "")[:1000],
        byline=(data.get("author") or "")[:500],
        site_name=(data.get("sitename") or "")[:300],
        published_at=parse_published(_page_date(data.get("date"))),
        language=language,
        url=canonical if _publishable(canonical) else "",
    )


#: Codes pages still give for a language ISO 639 renamed: Hebrew, Indonesian, Yiddish.
_OLD_LANGUAGE_CODES = {"iw": "he", "in": "id", "ji": "yi"}
#: A language tag ("de", "de-AT", "pt_BR", "zh-Hant-TW"): its primary subtag is the group.
_LANGUAGE_TAG = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*", re.IGNORECASE)
#: Tags that name no one language: undetermined, several, no linguistic content.
_NO_LANGUAGE = frozenset(["und", "mul", "zxx", "mis"])


def page_language(tree) -> str:
    """The language a page names, as its primary subtag ("de" for "de-AT"), or "" when it
    names none. trafilatura gives one only when asked to keep one language."""
    content_language, locale = None, None
    for meta in tree.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "content-language":
            content_language = content_language or meta.get("content")
        elif meta.get("property") == "og:locale":
            locale = locale or meta.get("content")
    # A Content-Language <meta> is written on purpose (the first language it lists is
    # taken); <html lang> and og:locale are often a site template's: two German pages of
    # the evaluation set say lang="en" and content-language "de".
    named = [content_language, tree.get("lang"), tree.get("xml:lang"), locale]
    for value in named:
        tag = _LANGUAGE_TAG.fullmatch((value or "").split(",")[0].strip())
        if tag and tag.group(1).lower() not in _NO_LANGUAGE:
            primary = tag.group(1).lower()
            return _OLD_LANGUAGE_CODES.get(primary, primary)
    return ""


def _page_date(found: str | None) -> str | None:
    """The date htmldate found, as a day alone when the page gave no time: htmldate gives
    "2026-03-05" as midnight with no offset ("2026-03-05T00:00:00"), which is no moment."""
    if found and found.endswith("T00:00:00"):
        return found.removesuffix("T00:00:00")
    return found


def _publishable(url: str) -> bool:
    """An address we keep for an article and publish with its reviews: http(s), not too
    long, and with no user name or password in it."""
    if not url.startswith(("http://", "https://")) or len(url) > MAX_URL_LENGTH:
        return False
    try:
        return not has_credentials(url)
    except ValueError:  # "http://[::1", as a page may name itself
        return False


# The notices pages show without a browser: asking to switch JavaScript on, or saying the
# page does not work without it ("this portal requires JavaScript" in a news brief is not).
_NEEDS_JAVASCRIPT = re.compile(
    r"\b(enable|turn on|switch on|activate)\b.{0,30}\b(javascript|js)\b"
    r"|\b(javascript|js) (is |must be )?(required|needed|disabled|turned off|enabled|not enabled)\b"
    r"|\b(requires?|needs?) (javascript|js)\b.{0,20}\b(to )?(run|view|work|load|use|continue)"
    r"|without (javascript|js)( enabled)?\b",
    re.IGNORECASE,
)


def clean_text(text: str) -> str:
    """Normalise line ends and blank lines and drop page chrome, as detection sees it."""
    text = _storable(text).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    # Zero-width spaces (and BOMs mid-text) mean nothing, yet made a copy a different
    # text; the zero-width joiners stay (Persian, Indic scripts, emoji need them).
    text = text.replace("\u200b", "").replace("\ufeff", "")
    text = detection.strip_chrome(text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    paragraphs = [line for line in lines if line]
    return "\n\n".join(paragraphs)


# Control characters other than tabs, line and page breaks: a few happen in pasted text,
# many (one byte in nine of random data) only in a file that is not text.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def refuse_binary(text: str) -> None:
    """Refuse binary data (a PDF or a word-processor file sent as text): its bytes would
    decode into gibberish in which the detector still finds words like "said"."""
    found = len(_NOT_TEXT.findall(text))
    if found > max(8, len(text) // 100):
        raise IngestionError(
            f"This does not look like plain text ({found:,} control characters): it may be "
            "a PDF or a word-processor file. Send the article's text instead."
        )


#: Dropped from what is stored: NUL (PostgreSQL text cannot hold it), the other C0 and C1
#: control characters and DEL (in a terminal or a log viewer "Rated\b\b\b\b\bTrue"
#: reads as "True"), and direction overrides (U+202D/U+202E reverse how the text after them
#: reads, on the desk and the public page); none carries meaning in an article. Form feeds,
#: vertical tabs and NEL end a line.
_UNSTORABLE = {
    **dict.fromkeys(map(ord, CONTROL_CHARACTERS)),
    0x0B: "\n",
    0x0C: "\n",
    0x85: "\n",
    0x202D: None,
    0x202E: None,
}


_HAS_UNSTORABLE = re.compile("[" + re.escape("".join(map(chr, _UNSTORABLE))) + "]")


def _storable(text: str) -> str:
    """`text` without the characters in _UNSTORABLE. Most pages hold none: looking for one
    first costs 0.2 ms on a 170 KB page, where translating it costs 9 ms."""
    return text.translate(_UNSTORABLE) if _HAS_UNSTORABLE.search(text) else text


def content_hash(text: str) -> str:
    """The text's fingerprint for duplicates: spacing, case, zero-width spaces and BOMs
    aside (articles stored before clean_text dropped those still hold them)."""
    text = text.replace("\u200b", "").replace("\ufeff", "")
    normalised = re.sub(r"\s+", " ", text).strip().lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


#: A publication date further ahead of now than this is a mistake (a wrong time zone is
#: hours, not a day): dropped from pages, feeds and files, refused by the API.
PUBLISHED_AHEAD = timedelta(days=1)


#: Before this, a publication date is a mistake too ("0001-01-01", or feedparser reading
#: a "+1400" offset as the year 1400), which the ClaimReview would publish as it is.
EARLIEST_PUBLISHED = datetime(1800, 1, 1, tzinfo=UTC)


#: Dates that say "no date": the zero of Unix clocks, and of spreadsheets and some
#: databases (1900-01-01), which feeds and pages print when they have none. A moment
#: within 14 hours of either (midnight in any time zone) is taken for one.
PLACEHOLDER_DATES = (datetime(1970, 1, 1, tzinfo=UTC), datetime(1900, 1, 1, tzinfo=UTC))
_ANY_ZONE = timedelta(hours=14)


def too_far_ahead(moment: datetime) -> bool:
    """Whether a publication date is further ahead of now than PUBLISHED_AHEAD."""
    return moment > timezone.now() + PUBLISHED_AHEAD


def too_far_back(moment: datetime) -> bool:
    return moment < EARLIEST_PUBLISHED


def placeholder_date(moment: datetime) -> bool:
    """Whether a date is one written for want of a date (see PLACEHOLDER_DATES)."""
    return any(abs(moment - placeholder) <= _ANY_ZONE for placeholder in PLACEHOLDER_DATES)


def day_start(day: date) -> datetime:
    """The first moment of ``day`` in the newsroom's zone (FACTCHECK_TIME_ZONE), in UTC.

    Where the clock jumps over midnight (America/Santiago on 6 September 2026), the day
    starts at the hour it jumps to: a time in the gap is read with the offset before it.
    """
    zone = ZoneInfo(settings.FACTCHECK_TIME_ZONE)
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def parse_published(value: object) -> datetime | None:
    """The moment a date or date-time string (or datetime) names, or None if it names
    none we can store.

    A date without a time ("2026-03-05") is the start of that day in the newsroom's zone
    (see day_start): midnight UTC is the evening before in New York, and the desk, its
    pages and the ClaimReview would give the day before."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        value = value.strip()
        try:
            day = parse_date(value)
            moment = day_start(day) if day else parse_datetime(value)
            if moment is None and value[:1].isdigit():
                day = parse_date(value[:10])
                if day is None:
                    return None
                moment = day_start(day)
            elif moment is None:
                moment = rfc2822_moment(value)
        # Impossible (2024-02-30), not a date at all, or 0001-01-01 in a zone east of UTC.
        except (ValueError, TypeError, OverflowError):
            return None
    else:
        return None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)
        # Stored in UTC: 0001-01-01T00:00+14:00 is no moment there, and PostgreSQL refuses
        # an offset past ±15:59 (2020-01-01T00:00-23:45) that ISO 8601 allows.
        moment = moment.astimezone(UTC)
    except OverflowError:
        return None
    if too_far_ahead(moment) or too_far_back(moment) or placeholder_date(moment):
        return None
    return moment


#: Zone names that end RFC 822 dates ("09:00:00 CEST"), as minutes east of UTC: RFC 822's
#: own (UT, GMT, Z and the US zones) and feedparser's, and the names the tz database uses
#: today for one offset only. A name that stands for several (IST: India, Ireland or
#: Israel), or one not listed, is not guessed: such a date is dropped, as an unreadable one.
NAMED_ZONES = {
    **{"ut": 0, "utc": 0, "gmt": 0, "z": 0},
    **{"est": -300, "edt": -240, "cst": -360, "cdt": -300},
    **{"mst": -420, "mdt": -360, "pst": -480, "pdt": -420},
    **{"ast": -240, "adt": -180, "nst": -210, "ndt": -150},
    **{"akst": -540, "akdt": -480, "hst": -600, "hdt": -540},
    **{"wet": 0, "west": 60, "bst": 60, "cet": 60, "cest": 120, "met": 60, "mest": 120},
    **{"eet": 120, "eest": 180, "msk": 180, "idt": 180},
    **{"wat": 60, "cat": 120, "sast": 120, "eat": 180},
    **{"pkt": 300, "wib": 420, "wita": 480, "wit": 540, "hkt": 480, "jst": 540, "kst": 540},
    **{"awst": 480, "acst": 570, "acdt": 630, "aest": 600, "aedt": 660},
    **{"nzst": 720, "nzdt": 780},
}

#: The US and Canadian zones named without "standard" or "daylight" ("09:00 ET"): the time
#: the clocks there show, so standard time in winter and daylight time in summer.
GENERIC_ZONES = {
    "et": "America/New_York",
    "ct": "America/Chicago",
    "mt": "America/Denver",
    "pt": "America/Los_Angeles",
    "at": "America/Halifax",
}

# A name after a clock time, ending the date: "09:00:00 CEST", "09:00 PM", "09:00:00Z".
_ZONE_NAME = re.compile(r"\d:\d\d(?::\d\d)?\s*([A-Za-z]+)\s*$")


def zone_name(written: str) -> str:
    """The zone name ending a written date, in lower case ("cest"), or "" for none (an
    offset such as +0200, or no zone at all)."""
    match = _ZONE_NAME.search(written)
    return match.group(1).lower() if match else ""


def zone_offset(name: str, wall: datetime) -> timedelta:
    """The UTC offset a zone name stands for at the clock time ``wall`` (naive, as written);
    ValueError if neither NAMED_ZONES nor GENERIC_ZONES has it."""
    if name in GENERIC_ZONES:
        return ZoneInfo(GENERIC_ZONES[name]).utcoffset(wall)
    if name not in NAMED_ZONES:
        raise ValueError(f"The time zone {name.upper()} is not one we know for sure.")
    return timedelta(minutes=NAMED_ZONES[name])


_RFC2822_YEAR = re.compile(r"\b\d{1,2}\s+[A-Za-z]{3,}\.?\s+(\d+)\b")


def rfc2822_moment(value: str) -> datetime:
    """RSS's RFC 2822 form, "Tue, 05 Mar 2024 09:00:00 GMT", as feeds write it.

    Raises ValueError or TypeError for what is no such date, and for a year written in
    full below 100: the email module reads every year below 100 as two digits ("0001"
    became 2001)."""
    name = zone_name(value)
    moment = parsedate_to_datetime(value)
    written = _RFC2822_YEAR.search(value)
    if written and len(written.group(1)) > 2 and int(written.group(1)) != moment.year:
        raise ValueError(f"The year {written.group(1)} was read as {moment.year}.")
    if name:  # the email module reads a name it does not know as UTC
        wall = moment.replace(tzinfo=None)
        moment = (wall - zone_offset(name, wall)).replace(tzinfo=UTC)
    return moment


# --- store and detect ---------------------------------------------------------------------


def store_claims(
    article: Article,
    flags: list[detection.Flag] | None = None,
    *,
    covers_as_detected: frozenset[int] = frozenset(),
    covers_kept: frozenset[int] = frozenset(),
) -> int:
    """Store each flag (by default: run detection on the article's text) as a Claim, once.

    Claims already stored for the same span are kept (with their reviews); the count of
    the article's claims is returned. Each disclaimer gains links to the claims it covers;
    the links of the claims in ``covers_as_detected`` (ids) become what detection says,
    those of the claims in ``covers_kept`` (set by hand) stay as they are.
    """
    if flags is None:
        flags = detection.detect(article.text, current_lexicon())
    # Inside the caller's transaction when there is one (no savepoint to pay for).
    with transaction.atomic(savepoint=False):
        rows = article.claims.order_by().values_list("start", "end", "fingerprint")
        stored = {(start, end): fingerprint for start, end, fingerprint in rows}
        new = [_claim(article, flag) for flag in flags if (flag.start, flag.end) not in stored]
        workflow.prioritise_new_claims(article, new, held=frozenset(stored.values()))
        Claim.objects.bulk_create(new, ignore_conflicts=True)
        spans = set(stored) | {(claim.start, claim.end) for claim in new}
        links = set()
        if any(flag.covers for flag in flags):
            by_span = {(c.start, c.end): c.pk for c in article.claims.only("pk", "start", "end")}
            spans = set(by_span)
            for flag in flags:
                disclaimer = by_span.get((flag.start, flag.end))
                if disclaimer in covers_kept:
                    continue
                for span in flag.covers:
                    covered = by_span.get((span.start, span.end))
                    if disclaimer and covered and covered != disclaimer:
                        links.add((disclaimer, covered))
        through = Claim.covers.through
        through.objects.bulk_create(
            [through(from_claim_id=one, to_claim_id=other) for one, other in links],
            ignore_conflicts=True,
        )
        if covers_as_detected:
            present = through.objects.filter(from_claim_id__in=covers_as_detected)
            gone = [
                pk
                for pk, one, other in present.values_list("pk", "from_claim_id", "to_claim_id")
                if (one, other) not in links
            ]
            if gone:
                through.objects.filter(pk__in=gone).delete()
    return len(spans)


#: Why a claim with a history that detection run again no longer flags leaves the queue:
#: it is dismissed by the system (one nobody touched is deleted).
NO_LONGER_FLAGGED = "Detection no longer flags this sentence (the cue lexicon changed)."

#: What detection says of a claim: compared, and taken by claims waiting in the queue.
DETECTED_FIELDS = ("score", "category", "cues", "speaker", "speaker_start", "speaker_end")

#: Claims written back per UPDATE when detecting again: one statement for a whole big
#: article took PostgreSQL minutes to plan while it held the claims' row locks, and each
#: row's CASE is read through, so the time grows with the batch (2,000 changed claims:
#: 8.3 s in batches of 500, 3.1 s in batches of 100).
REDETECT_BATCH = 100


def redetect(article: Article) -> tuple[int, int]:
    """Detect again after the lexicon changed; return (claims now, claims that left the
    queue because their sentence is no longer flagged).

    Claims waiting in the queue (new, no assignee) follow the new detection: their score,
    category, cues and speaker, the claims a disclaimer covers, and their priority worked
    out again (an editor's bump, and a category or covers an admin set, are kept). One no
    longer flagged is deleted when nobody has touched it; one with a history is dismissed
    by the system (NO_LONGER_FLAGGED), unless someone put it back in the queue by hand or
    a verdict on it was published. Claims in review, reviewed, published or dismissed stay
    as they are: when detection now says something else of one, a "redetect" event
    records what, once, for its reviewers.
    """
    detected = detection.detect(article.text, current_lexicon())
    flags = {(f.start, f.end): f for f in detected}
    fingerprints = {detection.fingerprint(flag.text) for flag in detected}
    fingerprints |= set(article.claims.values_list("fingerprint", flat=True))
    with transaction.atomic():
        # The fingerprints' locks before any claim row's, in the order ingestion takes them:
        # the other way round, a wire copy being ingested and this could wait for each other.
        workflow.lock_fingerprints(fingerprints)
        # The claims are locked, then their history read in a statement of its own: since
        # it began, a reviewer may have taken one, or an editor bumped one; after waiting
        # for a row, PostgreSQL checks the row's own columns again, not a join, so an event
        # committed meanwhile would go unseen.
        claims = list(article.claims.select_for_update().order_by("pk"))
        written = attrgetter(*DETECTED_FIELDS, "priority")
        as_read = {claim.pk: written(claim) for claim in claims}
        history: dict[int, list[ReviewEvent]] = {}
        for event in ReviewEvent.objects.filter(claim__in=claims).order_by("created_at", "id"):
            history.setdefault(event.claim_id, []).append(event)
        published = (
            set(
                Verdict.objects.filter(
                    claim__in=list(history), published_at__isnull=False
                ).values_list("claim_id", flat=True)
            )
            if history
            else set()
        )
        stale, fresh, dismissed, reflagged, notes = [], [], [], [], {}
        covers_kept = set()
        for claim in claims:
            flag = flags.get((claim.start, claim.end))
            now = _claim(article, flag) if flag else None
            events = history.get(claim.pk, [])
            waiting = claim.status == Claim.Status.NEW and claim.assignee_id is None
            # A wording set in the admin before its edits were events is someone's work too.
            if waiting and not events and not claim.claim_reviewed:  # nobody touched it
                if now is None:
                    stale.append(claim)
                else:
                    _take_detected(claim, now)
                    fresh.append(claim)
                continue
            set_by_hand = {name for e in events if e.action == "admin_edit" for name in e.payload}
            if "covers" in set_by_hand:
                covers_kept.add(claim.pk)
            changes = _detection_changes(claim, now, keep=set_by_hand)
            if now is not None and _dismissed_by_detection(events):
                # Flagged again (a lexicon change undone): back in the queue, as it was.
                _take_detected(claim, now, keep=set_by_hand)
                fresh.append(claim)
                reflagged.append(claim)
                continue
            if waiting and claim.pk not in published:
                if now is not None:
                    _take_detected(claim, now, keep=set_by_hand)
                    fresh.append(claim)
                    if changes:
                        notes[claim.pk] = {"by": "system", "applied": True, **changes}
                    continue
                if not any(e.action == "restore" for e in events):
                    dismissed.append(claim)
                    continue
            # Kept as it is; its history says what detection says now, once.
            if changes != _last_noted(events):
                notes[claim.pk] = {"by": "system", "applied": False, **changes}
        workflow.unprioritise_removed_claims(article, stale)
        Claim.objects.filter(pk__in=[c.pk for c in stale]).delete()
        workflow.reprioritise(article, fresh)  # from the new score
        # Only the claims detection changed are written: most are the same after a change
        # to the lexicon, and rewriting them all locked a big article for minutes.
        changed = [claim for claim in fresh if written(claim) != as_read[claim.pk]]
        Claim.objects.bulk_update(
            changed, [*DETECTED_FIELDS, "priority"], batch_size=REDETECT_BATCH
        )
        workflow.dismiss_unflagged(dismissed, reason=NO_LONGER_FLAGGED)
        workflow.restore_reflagged(reflagged)
        workflow.note_detection(notes)
        total = store_claims(
            article,
            detected,
            # The links of claims that follow detection follow it too; the others only
            # gain the links detection finds (an admin's choice is left as it is).
            covers_as_detected=frozenset(c.pk for c in fresh) - covers_kept,
            covers_kept=frozenset(covers_kept),
        )
    return total, len(stale) + len(dismissed)


def _take_detected(claim: Claim, now: Claim, keep: set[str] = frozenset()) -> None:
    """Give ``claim`` what detection says of it now (``now``), but the fields in ``keep``."""
    for name in DETECTED_FIELDS:
        if name not in keep:
            setattr(claim, name, getattr(now, name))


def _dismissed_by_detection(events: list[ReviewEvent]) -> bool:
    """Whether the claim's last change of state was the system's dismissal for a sentence
    no longer flagged (not a person's dismissal, nor one undone since)."""
    moves = [e for e in events if "status" in e.payload]
    return bool(moves) and _detection_dismissal(moves[-1])


def _detection_dismissal(event: ReviewEvent) -> bool:
    """Whether ``event`` is the system's dismissal of a sentence detection no longer flags."""
    return (
        event.action == "dismiss"
        and event.payload.get("reason") == NO_LONGER_FLAGGED
        and event.payload.get("by") == "system"
    )


def _last_noted(events: list[ReviewEvent]) -> dict[str, list]:
    """The changes the last "redetect" event that left its claim as it was recorded ({}
    when the claim took what detection said since)."""
    for event in reversed(events):
        if event.action == "redetect":
            if event.payload.get("applied"):
                return {}
            return {k: v for k, v in event.payload.items() if k not in ("by", "applied")}
        if _detection_dismissal(event):
            return {"flagged": [True, False]}  # said so as it dismissed the claim
    return {}


def _detection_changes(claim: Claim, now: Claim | None, keep: set[str]) -> dict[str, list]:
    """What detection says now (``now``, or None: not flagged) that ``claim`` does not, as
    {field: [stored, detected]}; fields in ``keep`` (set by hand) are left out."""
    if now is None:
        return {"flagged": [True, False]}
    changes = {}
    if claim.score != now.score:
        changes["score"] = [claim.score, now.score]
    if claim.category != now.category and "category" not in keep:
        changes["category"] = [claim.category, now.category]
    cues = [[f"{c['text']} ({c['category']})" for c in found] for found in (claim.cues, now.cues)]
    if cues[0] != cues[1]:
        changes["cues"] = cues
    if claim.speaker != now.speaker:
        changes["speaker"] = [claim.speaker, now.speaker]
    return changes


def _claim(article: Article, flag: detection.Flag) -> Claim:
    return Claim(
        article=article,
        text=flag.text,
        start=flag.start,
        end=flag.end,
        score=round(flag.score, 4),
        category=flag.category,
        cues=[
            {"text": c.text, "start": c.start, "end": c.end, "category": c.category}
            for c in flag.cues
        ],
        speaker=flag.speaker.text[:300] if flag.speaker else "",
        speaker_start=flag.speaker.start if flag.speaker else None,
        speaker_end=flag.speaker.end if flag.speaker else None,
        fingerprint=detection.fingerprint(flag.text),
        priority=flag.score,
    )


# --- submit -------------------------------------------------------------------------------


@dataclass
class Submitted:
    """What a submission led to: the article, and whether it was already known."""

    article: Article
    created: bool

    @property
    def needs_processing(self) -> bool:
        """Whether the article is new or still waiting, so its processing is to be queued."""
        return self.created or self.article.status == Article.Status.PENDING


def submit_url(
    url: str,
    *,
    origin: str = Article.Origin.URL,
    feed: Feed | None = None,
    title: str = "",
    entry_text: str = "",
    published_at: datetime | None = None,
) -> Submitted:
    """Record an article to fetch from `url`, or return the one we already have."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise IngestionError(f"The URL is longer than {MAX_URL_LENGTH:,} characters.", field="url")
    check_url(url)
    _refuse_credentials(url)
    written, url = url, identity_url(url)
    # Also as written: an article stored before addresses were kept without their tags.
    addresses = {url, written}
    with transaction.atomic():
        _lock_url(url)
        # One query for both: the (newest) article fetched from `url`, else the one it is
        # the canonical address of (`url` is unique, so three rows always hold the answer).
        known = list(Article.objects.filter(Q(source_url__in=addresses) | Q(url__in=addresses))[:3])
        fetched = (a for a in known if a.source_url in addresses)
        existing = next(fetched, known[0] if known else None)
        if existing is not None:
            if existing.status == Article.Status.FAILED:
                _ask_again(existing)
            return Submitted(existing, created=False)
        article = Article.objects.create(
            source_url=url,
            origin=origin,
            feed=feed,
            title=_storable(title)[:1000],
            entry_text=_storable(entry_text),
            published_at=published_at,
        )
    return Submitted(article, created=True)


#: Query parameters that only say how a reader came (campaign tags, ad-click and newsletter
#: ids), besides every utm_…: an address is kept without them, so that one article linked
#: with other tags (each poll of a feed may change them) is one article. "ref" is not
#: among them: some sites use it for the page itself, and a feed's own "?ref=rss" does
#: not change from one poll to the next.
TRACKING_PARAMETERS = frozenset(
    ["fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid"]
    + ["mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "_ga", "_gl"]
)


def identity_url(url: str) -> str:
    """An article's address as it is kept and compared: written one way (normalised_url:
    no #fragment, which the server never sees) and without tracking parameters; the rest
    of the query stays as written, in its order."""
    url = normalised_url(url)
    base, _, query = url.partition("?")
    kept = [
        pair
        for pair in query.split("&")
        if pair and not _is_tracking(unquote(pair.split("=", 1)[0]).lower())
    ]
    return f"{base}?{'&'.join(kept)}" if kept else base


def _is_tracking(name: str) -> bool:
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


# The URL locks' key space (PostgreSQL's two-key advisory locks, apart from the one-key
# space of workflow.lock_fingerprints).
_URL_LOCKS = 1


def _lock_url(url: str) -> None:
    """On PostgreSQL, hold a lock on ``url`` until the transaction ends.

    Two requests submitting one new URL at once (a double click, two feeds carrying one
    link) would both find nothing and both create it; with the lock the second finds the
    first's article. A caller holds no other lock while it waits for this one.
    """
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(url.encode()).digest()[:4], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_URL_LOCKS, key])


def retry(article: Article) -> Article:
    """Put a failed article back in line to be processed again (its page was down, say).

    It leaves the job of the run that brought it in: that run's record says it failed.
    """
    updated = Article.objects.filter(pk=article.pk, status=Article.Status.FAILED).update(
        status=Article.Status.PENDING, error="", job=None, updated_at=timezone.now()
    )
    if not updated:
        raise IngestionError("Only a failed article can be tried again.")
    article.status, article.error, article.job = Article.Status.PENDING, "", None
    return article


def _ask_again(article: Article) -> None:
    """A failed article submitted again is a retry (unless someone else's request retried
    it a moment ago); the article is read back as it now is."""
    with suppress(IngestionError):
        retry(article)
    article.refresh_from_db(fields=["raw_html", "status", "error", "job"])


def submit_text(
    text: str,
    *,
    title: str = "",
    url: str = "",
    published_at: object = None,
    origin: str = Article.Origin.TEXT,
) -> Submitted:
    """Record pasted plain text as an article, or return the article with the same text."""
    url = checked_url(url)
    if len(text or "") > MAX_TEXT_CHARS:
        raise IngestionError(
            f"The text is too long for one article ({len(text):,} characters; at most "
            f"{MAX_TEXT_CHARS:,})."
        )
    refuse_binary(text or "")
    cleaned = clean_text(text or "")
    if not cleaned:
        raise IngestionError("The text is empty once page chrome is removed.")
    digest = content_hash(cleaned)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing is None and url:
        existing = Article.objects.filter(url=url).first()
    if existing is not None:
        return Submitted(existing, created=False)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                url=url or None,
                source_url=url,
                title=_storable(title or _first_line(cleaned))[:1000],
                published_at=parse_published(published_at),
                text=cleaned,
                content_hash=digest,
                origin=origin,
            )
    except IntegrityError:
        # Someone stored the same text (or URL) a moment ago.
        same = Q(content_hash=digest) | Q(url=url) if url else Q(content_hash=digest)
        return Submitted(Article.objects.get(same), created=False)
    return Submitted(article, created=True)


def submit_html(
    html: str,
    *,
    url: str = "",
    origin: str = Article.Origin.HTML,
    title: str = "",
    published_at: object = None,
) -> Submitted:
    """Record a pasted HTML page; extraction happens when the article is processed. A title
    or publication date given here wins over the page's own."""
    url = checked_url(url)
    html = _storable(html or "")
    if not html.strip():
        raise IngestionError("The HTML is empty.")
    size = len(html.encode("utf-8", "surrogatepass"))
    if size > settings.FACTCHECK_FETCH_MAX_BYTES:
        raise IngestionError(
            f"The HTML is too long for one page ({size:,} bytes; at most "
            f"{settings.FACTCHECK_FETCH_MAX_BYTES:,}, as for a fetched page)."
        )
    with transaction.atomic():
        if url:
            _lock_url(url)
            existing = (
                Article.objects.filter(url=url).first()
                or Article.objects.filter(source_url=url).first()
            )
            if existing is not None and existing.status == Article.Status.FAILED:
                # The page could not be fetched (a paywall, a block): its pasted HTML will do.
                Article.objects.filter(pk=existing.pk).update(raw_html=html)
                _ask_again(existing)
            if existing is not None:
                return Submitted(existing, created=False)
        article = Article.objects.create(
            source_url=url,
            raw_html=html,
            origin=origin,
            title=_storable(title)[:1000],
            published_at=parse_published(published_at),
        )
    return Submitted(article, created=True)


MAX_URL_LENGTH = 2000
# A long feature is ~100,000 characters; a text far beyond is not one article (an upload
# of 20 MB made 210,000 claims and a review page of 143 MB).
MAX_TEXT_CHARS = 1_000_000


def _refuse_credentials(url: str) -> None:
    """An article's address is kept, shown to the desk and published with its reviews:
    no user name or password in it."""
    if has_credentials(url):  # a URL that does not split was refused before
        raise IngestionError(
            "Leave the user name and password out of the address: it is kept with the "
            "article and published with its reviews.",
            field="url",
        )


def checked_url(url: str) -> str:
    """Return a URL given with pasted text or HTML (as identity_url keeps it), or raise: it
    is stored and shown as a link, so only http(s) and at most 2,000 characters (nothing is
    fetched)."""
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > MAX_URL_LENGTH:
        raise IngestionError(f"The URL is longer than {MAX_URL_LENGTH:,} characters.", field="url")
    if problem := invisible_characters(url):
        raise IngestionError(problem, field="url")
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1"
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise IngestionError(
            f"The URL must be an http or https address, not {url[:100]!r}.", field="url"
        )
    if not has_usable_port(parts):
        raise IngestionError(f"The URL {url[:100]!r} has an invalid port.", field="url")
    _refuse_credentials(url)
    return identity_url(url)


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0][:200]


# --- process ------------------------------------------------------------------------------


def process_article(article_id: int, *, final_attempt: bool = True) -> Article | None:
    """Fetch (if needed), extract, store and detect one article.

    Return the article, or None when it is gone. A transient fetch error is raised again
    for the caller to retry unless this is the final attempt; any other failure marks the
    article failed with its reason. The network and extraction run outside any
    transaction; everything the article gains is written in one.
    """
    article = Article.objects.filter(pk=article_id).first()
    # Only a pending article is processed: a message delivered twice finds it finished
    # (or failed, with its reason; `retry` puts it back to pending first).
    if article is None or article.status != Article.Status.PENDING:
        return article
    Article.objects.filter(pk=article.pk).update(attempts=F("attempts") + 1)
    article.attempts += 1
    try:
        return _process(article, final_attempt=final_attempt)
    except FetchError:
        raise  # transient: left pending for the caller's retry
    except CONNECTION_LOST as exc:
        if not final_attempt:
            raise  # left pending for the caller's retry, as a transient fetch error is
        _mark_failed(article, f"The database connection was lost while processing ({exc}).")
        raise
    except SoftTimeLimitExceeded:
        _mark_failed(article, f"Processing {_took_too_long()}.")
        raise
    except Exception as exc:
        # A bug must not leave the article pending for ever: record it, then let it surface.
        _mark_failed(article, f"Unexpected error while processing: {exc!r}")
        raise


def _took_too_long() -> str:
    # The limit the running task had: one its message asked for, else the worker's own
    # setting (the process writing this is that worker).
    limits = getattr(current_task, "request", None) and current_task.request.timelimit
    soft = (limits or (None, None))[1] or settings.CELERY_TASK_SOFT_TIME_LIMIT
    return f"took longer than {soft:,} s, the time limit of a background task"


def _process(article: Article, *, final_attempt: bool) -> Article:
    try:
        page = None if article.text else _fetch_and_extract(article)
    except FetchError as exc:
        if exc.transient and not final_attempt:
            pending = Article.objects.filter(pk=article.pk, status=Article.Status.PENDING)
            pending.update(error=str(exc))
            raise
        if article.entry_text:
            return _process_entry_text(
                article, reason=str(exc), note=f"The page could not be fetched ({exc})"
            )
        return _mark_failed(article, str(exc))
    except IngestionError as exc:
        if article.entry_text:  # a script or an empty page: the entry may say more
            return _process_entry_text(
                article,
                reason=str(exc),
                note=f"The page gave no article text ({str(exc).rstrip('.')})",
            )
        return _mark_failed(article, str(exc))
    if page is not None and article.entry_text:
        entry_text = _entry_text(article)
        if _entry_says_more(entry_text, page[0].text):
            return _process_entry_text(
                article,
                reason="",
                note=(
                    f"The page held {len(page[0].text):,} characters of text against the "
                    f"feed entry's {len(entry_text):,} (a paywall or script notice, perhaps)"
                ),
            )
    with transaction.atomic():
        if not _still_pending(article):
            return _as_it_is_now(article)
        if page is not None:
            # Stored with its status in one UPDATE; both roll back if detection fails.
            duplicate = _store_extracted(article, *page)
            if duplicate is not None:  # locked by _still_pending
                return _record_duplicate(article, *duplicate)
        else:
            _set_processed(article)
            article.save(update_fields=["status", "error", "note", "processed_at", "updated_at"])
        store_claims(article)
        _count_in_job(article, "done")
    return article


def _still_pending(article: Article) -> bool:
    """Lock the article's row for the caller's transaction and say whether it is still
    pending. Two deliveries of its message (a redelivery, the stale sweep, a second submit)
    can process it side by side: the first to get here finishes it, the other writes and
    counts nothing. The job is read under the lock too: a bulk line or a feed poll may
    have given the article one since it was read."""
    locked = (
        Article.objects.select_for_update()
        .filter(pk=article.pk)
        .values_list("status", "job_id")
        .first()
    )
    if locked is None or locked[0] != Article.Status.PENDING:
        return False
    article.job_id = locked[1]
    return True


def _as_it_is_now(article: Article) -> Article:
    """The article as another delivery of its message left it (or as it was, if deleted)."""
    return Article.objects.filter(pk=article.pk).first() or article


def _set_processed(article: Article, note: str = "") -> None:
    article.status = Article.Status.PROCESSED
    article.error = ""
    article.note = note
    article.processed_at = timezone.now()


def _count_in_job(article: Article, counter: str, reason: str = "") -> None:
    """Count a finished article towards the run (a feed poll or a bulk file) that brought
    it in, with the reason of a failure (for the first MAX_JOB_ERRORS)."""
    if article.job_id is None:
        return
    reasons = [{"article": article.pk, "reason": reason}] if reason else []
    _add_to_job(article.job_id, {counter: 1}, reasons)
    _finish_if_counted(article.job_id)


def _add_to_job(job_id: int, counts: dict[str, int], reasons: list[dict], **also) -> None:
    """Add counts, and the reasons of failures (the first MAX_JOB_ERRORS), to a job, with
    the other `also` changes, in one write."""
    with transaction.atomic():
        if changes := {**_job_changes(job_id, counts, reasons), **also}:
            IngestionJob.objects.filter(pk=job_id).update(**changes)


def _job_changes(job_id: int, counts: dict[str, int], reasons: list[dict]) -> dict:
    """The update that adds `counts` and `reasons` to a job. With reasons, the job's row is
    locked (workers finish a run's articles side by side) and only its errors are read,
    never the bulk file it may hold (up to 20 MB, read again for every failure)."""
    changes = {name: F(name) + count for name, count in counts.items()}
    if reasons:
        errors = (
            IngestionJob.objects.select_for_update().values_list("errors", flat=True).get(pk=job_id)
        )
        changes["errors"] = errors + reasons[: max(0, MAX_JOB_ERRORS - len(errors))]
    return changes


def _finish_if_counted(job_id: int) -> None:
    """Mark a job finished once every one of its items is counted."""
    IngestionJob.objects.filter(
        pk=job_id,
        finished_at__isnull=True,
        total__lte=F("done") + F("failed") + F("duplicates"),
    ).update(finished_at=timezone.now())


def _fetch_and_extract(article: Article) -> tuple[Extracted, str, str]:
    """Fetch the article's page (unless its HTML was given) and extract it; no writes."""
    html = article.raw_html
    final_url = article.source_url
    if not html:
        result = fetch(article.source_url)
        final_url = result.final_url
        if result.content_type and not _looks_like_html(result.content_type, result.content):
            if result.content_type.startswith("text/plain"):
                return _within_limit(_plain_page(result.text())), "", final_url
            raise IngestionError(
                f"{article.source_url} is {result.content_type}, not an HTML page."
            )
        html = result.text()
    return _within_limit(extract_html(html, url=final_url or None)), html, final_url


def _within_limit(extracted: Extracted) -> Extracted:
    """An extracted page held to the length pasted text is held to: a page of millions of
    characters took minutes to detect and render, as one article."""
    if len(extracted.text) > MAX_TEXT_CHARS:
        raise IngestionError(
            f"The page's text is too long for one article ({len(extracted.text):,} "
            f"characters; at most {MAX_TEXT_CHARS:,})."
        )
    return extracted


def _plain_page(content: str) -> Extracted:
    """A page served as plain text (a statement, a transcript) is the article itself; its
    first line is its title when it is short enough to be one."""
    text = clean_text(content)
    if not text:
        raise IngestionError("The page is empty.")
    first_line = text.split("\n", 1)[0].strip()
    return Extracted(text=text, title=first_line if len(first_line) <= 200 else "")


def _store_extracted(
    article: Article, extracted: Extracted, html: str, final_url: str
) -> tuple[Article, str] | None:
    """Fill the article from its page and save it as processed, or return (saving
    nothing) an existing article it is a copy of, and why.

    A page is a copy of an article with the same text, or of the article at its canonical
    URL when most of its paragraphs are that article's (the page changed a little since:
    a live page's "Updated 3 minutes ago", a correction). Not of any article at its
    canonical URL: many sites name their home page as every article's canonical URL, so
    an article whose canonical URL is taken by a different text keeps only the URL it was
    fetched from.
    """
    digest = content_hash(extracted.text)
    # The page's own address (checked on extraction), else where the fetch ended, if it fits.
    storable = identity_url(final_url) if final_url and _publishable(final_url) else None
    canonical = storable
    if extracted.url and final_url and same_site(extracted.url, final_url):
        canonical = identity_url(extracted.url)
    others = Article.objects.exclude(pk=article.pk).only("pk", "content_hash")
    # One look-up for both: the same text (a duplicate) and the same URL (taken).
    same = Q(content_hash=digest) | Q(url=canonical) if canonical else Q(content_hash=digest)
    matches = list(others.filter(same)[:2])
    duplicate = next((other for other in matches if other.content_hash == digest), None)
    if duplicate is not None:
        return duplicate, f"Same article as #{duplicate.pk}."
    if matches:
        taken = matches[0]
        if _same_story(extracted.text, taken.text):
            return taken, (
                f"Same article as #{taken.pk}, whose address ({canonical}) this page names "
                f"as its own; the page has changed since #{taken.pk} was ingested."
            )
        canonical = None
    article.url = canonical
    article.text = extracted.text
    article.content_hash = digest
    article.title = article.title or extracted.title  # a title given with it wins
    article.byline = extracted.byline
    article.site_name = extracted.site_name
    article.published_at = article.published_at or extracted.published_at
    article.language = extracted.language
    if not article.raw_html and article.origin != Article.Origin.HTML:
        article.raw_html = _storable(html) if _keep_raw_html() else ""
    _set_processed(article)
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # Another worker stored the same text or URL a moment ago.
        duplicate = others.filter(content_hash=digest).first()
        if duplicate is not None:
            return duplicate, f"Same article as #{duplicate.pk}."
        article.url = None
        with transaction.atomic():
            article.save()
    return None


#: A page is an earlier article changed a little when at least this share of its text is
#: in paragraphs of that article. Counted in characters, not paragraphs: two short wire
#: briefs with the same two standard lines at their foot share half their paragraphs.
SAME_STORY_SHARE = 0.7


def _same_story(text: str, other: str) -> bool:
    """Whether `text` is `other` with a few paragraphs changed, added or taken out."""
    paragraphs = set(text.split("\n\n"))
    shared = paragraphs & set(other.split("\n\n"))
    return sum(map(len, shared)) >= SAME_STORY_SHARE * sum(map(len, paragraphs))


def same_site(url: str, other: str) -> bool:
    """Whether two URLs are on one site: the same host name, give or take a "www.",
    "amp." or "m." in front (the copies a newsroom serves of one page).

    A page's canonical link is believed only within its own site: a page naming another
    site's address would otherwise take that address over (a later submission of it is
    answered with this page and the real one is never fetched). Host names, not
    registrable domains: a.blogspot.com and b.blogspot.com are different publishers.
    """

    def site(address: str) -> str:
        try:
            host = (urlsplit(address).hostname or "").lower()
        except ValueError:  # e.g. "http://[not-an-address"
            return ""
        # Only in front of a name that keeps a dot: "m.co" is a site, not a copy of "co".
        return _COPY_PREFIX.sub("", host) if host.count(".") >= 2 else host

    return site(url) != "" and site(url) == site(other)


_COPY_PREFIX = re.compile(r"^(www|amp|m|mobile)\.")


def _keep_raw_html() -> bool:
    return settings.FACTCHECK_RAW_HTML_RETENTION_DAYS > 0


def _looks_like_html(content_type: str, content: bytes) -> bool:
    if "html" in content_type or "xml" in content_type:
        return True
    return content_type.startswith("text/") and looks_like_html(content[:2048].decode("latin-1"))


# What pages have and plain text does not ("<Editor's note>" or "<Section 2>" is no tag):
# a document tag, a closing tag, or a tag with an attribute.
_HTML_TAG = re.compile(
    r"<(!doctype|html|head|body)[\s>]|</[a-z][a-z0-9]*\s*>|<[a-z][a-z0-9]*\s+[a-z-]+\s*=",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """Whether a text (a file, a page served as text/plain) is HTML, by its first tags."""
    return bool(_HTML_TAG.search(text[:2048]))


#: A feed entry's own text (many feeds carry the whole article in content:encoded) is read
#: instead of its page when the page gives less than this share of the entry's length (a
#: paywall notice, a script's "Opening https://…", a teaser) and the entry has at least
#: ENTRY_TEXT_MIN_CHARS characters: a summary of a line or two never replaces a page.
PAGE_SHARE_OF_ENTRY = 0.75
ENTRY_TEXT_MIN_CHARS = 200


def _entry_text(article: Article) -> str:
    return clean_text(_strip_tags(article.entry_text))


def _entry_says_more(entry_text: str, page_text: str) -> bool:
    """Whether a feed entry carries far more text than its page gave."""
    long_enough = ENTRY_TEXT_MIN_CHARS <= len(entry_text) <= MAX_TEXT_CHARS
    return long_enough and len(page_text) < PAGE_SHARE_OF_ENTRY * len(entry_text)


def _process_entry_text(article: Article, *, reason: str, note: str) -> Article:
    """Store a feed entry's own text as its article, with `note` saying why; an entry with
    no text fails with `reason` (else the page is read after all)."""
    text = _entry_text(article)
    digest = content_hash(text)
    if not text or len(text) > MAX_TEXT_CHARS:
        return _mark_failed(article, reason)
    duplicate = Article.objects.exclude(pk=article.pk).filter(content_hash=digest).first()
    if duplicate is not None:
        return _mark_duplicate(article, duplicate)
    article.text = text
    article.content_hash = digest
    _set_processed(article, f"{note}; the feed entry's text was used.")
    with transaction.atomic():
        if not _still_pending(article):
            return _as_it_is_now(article)
        article.save()
        store_claims(article)
        _count_in_job(article, "done")
    return article


def _strip_tags(html: str) -> str:
    if "<" not in html:
        return html
    text = trafilatura.extract(f"<html><body><div>{html}</div></body></html>") or ""
    return text or re.sub(r"<[^>]+>", " ", html)


def _mark_failed(article: Article, reason: str) -> Article:
    with transaction.atomic():  # counted with its status, or a redelivery would miss it
        if not _still_pending(article):
            return _as_it_is_now(article)
        log.warning("Article %s failed: %s", article.pk, reason)
        article.status = Article.Status.FAILED
        article.error = reason
        article.processed_at = None  # set in memory by a transaction that rolled back
        article.save(update_fields=["status", "error", "updated_at"])
        _count_in_job(article, "failed", reason)
    return article


def _mark_duplicate(article: Article, original: Article) -> Article:
    with transaction.atomic():
        if not _still_pending(article):
            return _as_it_is_now(article)
        return _record_duplicate(article, original)


def _record_duplicate(article: Article, original: Article, reason: str = "") -> Article:
    """Save the article as a duplicate of `original`; its row is locked by the caller."""
    article.status = Article.Status.DUPLICATE
    article.duplicate_of = original
    article.processed_at = None
    article.error = reason or f"Same article as #{original.pk}."
    article.save(update_fields=["status", "duplicate_of", "error", "updated_at"])
    _count_in_job(article, "duplicates")
    return article


# --- feeds --------------------------------------------------------------------------------


@dataclass
class FeedPoll:
    feed: Feed
    not_modified: bool = False
    submitted: list[Article] = field(default_factory=list)
    error: str = ""  # the feed could not be read
    skipped: str = ""  # entries that could not be taken (the feed itself is fine)
    waiting: int = 0  # entries left for the next poll (FACTCHECK_FEED_MAX_NEW_ENTRIES)
    interrupted: str = ""  # why the poll stopped before the end (the rest wait too)
    job: IngestionJob | None = None

    @property
    def own(self) -> list[Article]:
        """The articles of this poll's job; not those still waiting in an earlier run's."""
        return [a for a in self.submitted if self.job is not None and a.job_id == self.job.pk]


def poll_feed(feed: Feed, job: IngestionJob | None = None) -> FeedPoll:
    """Fetch a feed (conditionally) and submit an article for every entry not seen yet.

    Its new articles make a job: `job` (one made when the poll was asked for), or else a
    new one. A poll that takes no new article leaves `job` as it is, for the caller."""
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    now = timezone.now()
    try:
        result = fetch(feed.url, headers=headers)
        if result.not_modified:
            _feed_ok(feed, now)
            return FeedPoll(feed, not_modified=True)
        # After redirects, the errors below are of the last address: say which it was.
        where = feed.url
        if normalised_url(result.final_url or feed.url) != normalised_url(feed.url):
            where = f"{feed.url} redirected to {result.final_url}, which"
        if not result.content.strip():
            raise IngestionError(
                f"{where} answered HTTP 204 with no content."
                if result.status == 204
                else f"{where} answered with an empty body."
            )
        content = without_bad_references(result.content)
        try:
            parsed = feedparser.parse(content, response_headers=_feed_headers(result))
        except (ValueError, UnicodeError) as exc:
            raise IngestionError(f"{feed.url} could not be read as a feed ({exc}).") from exc
        # No version: feedparser found no RSS, Atom or RDF in it (a sign-in page in XHTML).
        # feedparser always sets bozo, entries and feed, the other keys only once it has
        # read something: read them with get(), their attributes raise AttributeError.
        if not parsed.get("version") or (not parsed.entries and (parsed.bozo or not parsed.feed)):
            problem = parsed.get("bozo_exception") or "no entries"
            if _web_page(result.content):  # the parser's "syntax error" says nothing
                problem = "it is a web page"
            raise IngestionError(f"{where} is not a readable RSS or Atom feed ({problem}).")
    except (FetchError, IngestionError) as exc:
        if getattr(exc, "status", None) == 410:
            _feed_gone(feed, now, str(exc))
        else:
            _feed_failed(feed, now, str(exc), retry_after=getattr(exc, "retry_after", None))
        return FeedPoll(feed, error=feed.last_error)
    except SoftTimeLimitExceeded:  # shown, and backed off, like any failing feed
        reason = f"The poll {_took_too_long()}."
        _feed_failed(feed, now, reason)
        return FeedPoll(feed, error=reason)
    except CONNECTION_LOST:  # nothing to record it in
        raise
    except Exception as exc:
        # A bug of ours, or of a library, on what this feed sent: recorded and backed off
        # too, or the feed would look never polled and beat would try it every minute.
        log.exception("Feed %s could not be read (%s)", feed.pk, feed.url)
        reason = f"{feed.url} could not be read: {type(exc).__name__}: {exc}"[:2000]
        _feed_failed(feed, now, reason)
        return FeedPoll(feed, error=reason)

    poll = FeedPoll(feed)
    skipped = []
    taken: set[int] = set()
    # Only articles made by this poll count towards the cap: entries failing again at the
    # top of the feed would otherwise use it up on every poll, and the rest never come.
    new = 0
    base = result.final_url or result.url
    _forget_shared_ids(parsed.entries, {feed.url, base, parsed.feed.get("link", "")})
    done = _entries_done(feed, parsed.entries, base)
    for position, entry in enumerate(parsed.entries):
        if new >= settings.FACTCHECK_FEED_MAX_NEW_ENTRIES:
            # A feed with thousands of new entries (an archive, a first poll) would hold a
            # worker, or a request in-process, past its time limit: the rest wait for the
            # next poll, which reads the whole feed again (no validators kept) a tick later.
            poll.waiting = len(parsed.entries) - position
            break
        if position in done:
            continue
        name = (entry.get("link") or entry.get("title") or "?")[:200]
        try:
            with transaction.atomic():
                submitted = _submit_entry(feed, entry, base=base)
        except (FetchError, IngestionError) as exc:  # a link or text we cannot take
            skipped.append(f"{name}: {exc}")
            continue
        except (*CONNECTION_LOST, SoftTimeLimitExceeded) as exc:
            # Not the entry's fault: the poll stops here, and the feed's validators are not
            # kept, so the next poll (a minute later) reads this entry and the rest again.
            if isinstance(exc, SoftTimeLimitExceeded):
                why = _took_too_long()
            else:  # the editors see the feed's note: the database's own words go to the log
                log.warning("Feed %s: the database connection was lost: %s", feed.pk, exc)
                why = "the database connection was lost"
            poll.interrupted = f"the poll stopped at {name} ({why}); the next poll goes on"
            break
        except Exception as exc:  # one bad entry never stops the others
            log.exception("Feed %s: an entry could not be stored", feed.pk)
            skipped.append(f"{name}: {exc}")
            continue
        # Two entries with one link are one article (counted, and processed, once).
        if submitted is not None and submitted.article.pk not in taken:
            taken.add(submitted.article.pk)
            poll.submitted.append(submitted.article)
            new += submitted.created
    if not poll.waiting and not poll.interrupted:
        feed.etag = _storable(result.headers.get("ETag", ""))[:500]
        feed.last_modified = _storable(result.headers.get("Last-Modified", ""))[:100]
    if not feed.title:
        feed.title = _storable(parsed.feed.get("title") or "")[:500]
    if result.moved and (moved_from := _follow_move(feed, result.final_url)):
        feed.last_error = (
            f"moved permanently from {moved_from} on {newsroom_date(now):%Y-%m-%d}; "
            "polled at its new address now"
        )
    _feed_ok(feed, now, again_now=bool(poll.waiting or poll.interrupted))
    notes = [feed.last_error] if feed.last_error else []  # a recent move's
    if poll.interrupted:
        notes.append(poll.interrupted)
    if poll.waiting:
        notes.append(
            f"{new:,} new entries taken; the {poll.waiting:,} after them wait for the "
            f"next poll (at most {settings.FACTCHECK_FEED_MAX_NEW_ENTRIES:,} per poll)"
        )
    if skipped:
        poll.skipped = f"{len(skipped)} entries skipped; first: {skipped[0]}"
        notes.append(poll.skipped)
    if notes:  # shown on the feed, which is not failing (failure_count stays 0)
        Feed.objects.filter(pk=feed.pk).update(last_error=_storable("; ".join(notes))[:2000])
    # The run is a job: its new articles count towards it as they are processed (one still
    # pending from an earlier run stays in that run's job).
    with transaction.atomic():  # two polls of one feed at once never share an article
        fresh = set(
            Article.objects.select_for_update()
            .filter(
                pk__in=[a.pk for a in poll.submitted],
                job__isnull=True,
                status=Article.Status.PENDING,  # not one another delivery finished meanwhile
            )
            .values_list("pk", flat=True)
        )
        if fresh and job is not None:
            IngestionJob.objects.filter(pk=job.pk).update(total=len(fresh))
            poll.job = job
        elif fresh:
            poll.job = IngestionJob.objects.create(
                kind=IngestionJob.Kind.FEED, source=feed.url, total=len(fresh)
            )
        if fresh:
            Article.objects.filter(pk__in=fresh).update(job=poll.job)
    for article in poll.submitted:
        if article.pk in fresh:
            article.job = poll.job
    return poll


# An HTML or XHTML document's start, after a byte-order mark, an XML declaration, comments.
_WEB_PAGE_START = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)


def _web_page(content: bytes) -> bool:
    """Whether what a feed's address answered is a web page (a home or sign-in page)."""
    return bool(_WEB_PAGE_START.match(content[:4096]))


def _follow_move(feed: Feed, new_url: str) -> str:
    """Keep the address a feed moved to for good, as feed readers do (the old one may
    stop redirecting one day); return the old address, or "" when the feed stays where it
    is: the same address, a move from HTTPS to plain HTTP, an address another feed has,
    or a feed an editor moved meanwhile."""
    old_url = feed.url
    new_url = normalised_url(new_url)
    if new_url == old_url or (old_url.startswith("https:") and new_url.startswith("http:")):
        return ""
    if len(new_url) > Feed._meta.get_field("url").max_length:
        return ""
    try:
        with transaction.atomic():
            moved = Feed.objects.filter(pk=feed.pk, url=old_url).update(url=new_url)
    except IntegrityError:  # another feed is at that address already
        return ""
    if not moved:
        return ""
    feed.url = new_url
    return old_url


def _feed_headers(result) -> dict[str, str]:
    """The headers feedparser reads: the content type (for the encoding). Not where the
    feed is: feedparser would read an RSS guid ("story-90210") against it and give the
    made-up address as the entry's link; _entry_link resolves real links itself."""
    return {k.lower(): v for k, v in result.headers.items() if k.lower() == "content-type"}


def _entry_link(entry, base: str) -> str:
    """An entry's address, relative links read against `base` (where the feed is), or ""
    when it has none.

    feedparser gives an RSS guid as the link of an entry that has no <link> (unless it
    says isPermaLink="false"): only an absolute http(s) guid is an address. A plain id
    ("tag:…", "urn:…", "story-90210") is not, and the entry is stored from its own text.
    """
    link = (entry.get("link") or "").strip()
    if entry.get("guidislink"):
        return link if link.lower().startswith(("http://", "https://")) else ""
    if not link:
        return ""
    try:
        return urljoin(base, link)
    except ValueError:  # "http://[::1": submit_url says what is wrong with it
        return link


def _submit_entry(feed: Feed, entry, base: str) -> Submitted | None:
    """Submit one feed entry: its link, or its own text when it has no link. Return the
    submission if its article is to be processed; raise IngestionError or FetchError for
    an entry we cannot take (the poll reports it on the feed)."""
    link = _entry_link(entry, base)
    title = _entry_title(entry)
    body = _entry_body(entry)
    published = _entry_date(entry)
    guid = _entry_guid(entry)
    digest = _entry_hash(title, body)
    if guid:
        seen = (
            FeedEntry.objects.filter(feed=feed, guid=guid)
            .select_related("article")
            .only("content_hash", "article__status", "article__error")
            .first()
        )
        # An entry whose article failed is submitted again (tried again, or at its new link).
        if seen is not None and seen.article.status != Article.Status.FAILED:
            return _entry_seen_again(seen, digest)
    if link:
        submitted = submit_url(
            link,
            origin=Article.Origin.FEED,
            feed=feed,
            title=title,
            entry_text=body,
            published_at=published,
        )
    elif body:
        submitted = submit_text(
            _strip_tags(body), title=title, published_at=published, origin=Article.Origin.FEED
        )
        if submitted.created:
            Article.objects.filter(pk=submitted.article.pk).update(feed=feed)
    else:
        raise IngestionError("the entry has neither a link nor any text")
    if guid:
        FeedEntry.objects.update_or_create(
            feed=feed, guid=guid, defaults={"article": submitted.article, "content_hash": digest}
        )
    if link:  # a known entry whose page failed before is tried again
        return submitted if submitted.needs_processing else None
    return submitted if submitted.created else None


def _entry_body(entry) -> str:
    """An entry's own text as the feed gives it (HTML or text): its content, else its
    summary."""
    body = entry["content"][0].get("value", "") if entry.get("content") else ""
    return body or entry.get("summary") or ""


#: Entries looked up in one query: well within the number of parameters SQLite and
#: PostgreSQL take in one statement.
LOOKUP_BATCH = 500

_DONE = (Article.Status.PROCESSED, Article.Status.DUPLICATE)


def _entries_done(feed: Feed, entries: list, base: str) -> set[int]:
    """The positions of the entries a poll passes by: their article is on the desk and
    done with (processed, or a duplicate), found by their id in this feed or by their
    link, two queries per LOOKUP_BATCH entries. A feed of thousands of known entries then
    costs little (each known entry cost a transaction and a URL lock). An entry whose
    article is pending or failed, whose title or text changed, or that has neither a
    known id nor a link, goes through _submit_entry as before."""
    done = set()
    for start in range(0, len(entries), LOOKUP_BATCH):
        batch = enumerate(entries[start : start + LOOKUP_BATCH], start)
        done |= _batch_done(feed, batch, base)
    return done


def _batch_done(feed: Feed, batch: Iterable, base: str) -> set[int]:
    keys = {}  # position: (guid, hash of its title and text, its addresses)
    for position, entry in batch:
        link = _entry_link(entry, base)
        # A link holding NUL is no address (PostgreSQL refuses the query): submit_url says so.
        addresses = [identity_url(link), link] if link and "\x00" not in link else []
        digest = _entry_hash(_entry_title(entry), _entry_body(entry))
        keys[position] = (_entry_guid(entry), digest, addresses)
    guids = {guid for guid, _, _ in keys.values() if guid}
    seen = {
        guid: (digest, status)
        for guid, digest, status in FeedEntry.objects.filter(feed=feed, guid__in=guids).values_list(
            "guid", "content_hash", "article__status"
        )
    }
    wanted = {address for _, _, addresses in keys.values() for address in addresses}
    at: dict[str, list[tuple[int, str]]] = {}  # address: [(article, status)…]
    if wanted:
        found = Article.objects.filter(Q(source_url__in=wanted) | Q(url__in=wanted))
        for pk, source_url, url, status in found.values_list("pk", "source_url", "url", "status"):
            for address in {source_url, url} & wanted:
                at.setdefault(address, []).append((pk, status))
    done, remember = set(), []
    for position, (guid, digest, addresses) in keys.items():
        if guid in seen:  # known by its id: done unless its article is not, or it changed
            last_digest, status = seen[guid]
            if last_digest == digest and status in _DONE:
                done.add(position)
            continue
        articles = [article for address in addresses for article in at.get(address, [])]
        if articles and all(status in _DONE for _, status in articles):
            done.add(position)
            if guid:  # an entry from before ids were kept: its id is kept now
                remember.append(
                    FeedEntry(feed=feed, guid=guid, article_id=articles[0][0], content_hash=digest)
                )
    FeedEntry.objects.bulk_create(remember, ignore_conflicts=True)
    return done


def _forget_shared_ids(entries: list, feed_addresses: set[str]) -> None:
    """Take no id for an entry whose id is no entry's own: one that other entries of the
    feed carry too, or the feed's or its site's address (feeds that give every item the
    site's address, or "0", as its guid). Taken as an identity, such an id made every
    story after the first "the entry seen before", and lost it."""
    counts = Counter(entry.get("id") for entry in entries)
    for entry in entries:
        guid = entry.get("id")
        if guid and (counts[guid] > 1 or guid in feed_addresses):
            entry["id"] = ""


def _entry_guid(entry) -> str:
    """An entry's id (RSS guid, Atom id) as written, or "" (none, or too long to keep)."""
    guid = _storable(entry.get("id") or "").strip()
    return guid if len(guid) <= FeedEntry._meta.get_field("guid").max_length else ""


def _entry_hash(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n{body}".encode("utf-8", "surrogatepass")).hexdigest()


ENTRY_CHANGED = "The feed entry has changed since this article was ingested"


def _entry_seen_again(seen: FeedEntry, digest: str) -> Submitted | None:
    """An entry of the feed seen before is its article, whatever its link or text now; a
    changed title or text adds no article and no claims, only a note on the article
    (one, dated with the last change). An article still pending is submitted again."""
    article = seen.article
    if digest != seen.content_hash:
        FeedEntry.objects.filter(pk=seen.pk).update(content_hash=digest)
        if article.status == Article.Status.PROCESSED:
            kept = article.note.split(ENTRY_CHANGED)[0].strip()
            note = (
                f"{ENTRY_CHANGED} (last on {newsroom_date(timezone.now()):%Y-%m-%d}); the article "
                "keeps the text it was ingested with."
            )
            Article.objects.filter(pk=article.pk).update(note=f"{kept} {note}".strip())
    if article.status == Article.Status.PENDING:
        return Submitted(article, created=False)
    return None


# A month or day written as 00 ("2024-03-00"), which feedparser rolls back into the day
# before ("2024-02-29"): a date no one wrote.
_ZERO_MONTH_OR_DAY = re.compile(r"\s*-?\d{4}(?:-00|-\d\d-00|00\d\d|\d\d00)(?:\D|$)")


#: Tags that RSS titles carry escaped as text ("&lt;b&gt;Bold&lt;/b&gt;"), by name, so that
#: "x < y and y > z" in a title stays.
_TITLE_TAG = re.compile(
    r"</?(?:a|abbr|b|br|cite|code|div|em|font|i|img|mark|p|q|script|small|span|strong|style"
    r"|sub|sup|u)\b[^<>]*>",
    re.IGNORECASE,
)


def _entry_title(entry) -> str:
    """An entry's title as text: without the tags RSS titles carry escaped (feedparser
    gives "&lt;b&gt;Bold&lt;/b&gt;" back as "<b>Bold</b>"), when the feed marks it as
    HTML with its tags dropped and its entities read, and without the " - Publisher" of
    an aggregator whose <source> names that publisher."""
    title = _TITLE_TAG.sub("", entry.get("title") or "")
    detail = dict.get(entry, "title_detail") or {}
    if detail.get("type") == "text/html" and ("<" in title or "&" in title):
        title = unescape_html(strip_tags(title))
    # An aggregator (Google News) ends its titles with " - Publisher" and names the
    # publisher in <source>: the publisher is not part of the headline.
    publisher = ((dict.get(entry, "source") or {}).get("title") or "").strip()
    if publisher:
        suffix = re.compile(rf"\s+[-\u2013\u2014|]\s+{re.escape(publisher)}\s*$", re.IGNORECASE)
        headline = suffix.sub("", title)
        title = headline if headline.strip() else title
    return title.strip()


# A clock time in a written date: "09:00", or ISO 8601's basic form "20260305T0900".
_CLOCK_TIME = re.compile(r"\d:\d\d|\dT\d")


def _entry_date(entry) -> datetime | None:
    """When a feed entry was published (else updated), or None when it gives no date we
    can store; a bad date drops the date, not the entry."""
    for key in ("published", "updated"):
        # Read as a plain dict: feedparser's get("updated…") falls back to "published…".
        stamp = dict.get(entry, f"{key}_parsed")
        written = dict.get(entry, key) or ""
        if not stamp or _ZERO_MONTH_OR_DAY.match(written):
            continue
        # feedparser's tuples are in UTC (mktime would read them in the local time zone).
        with suppress(ValueError, OverflowError, OSError):  # 0000-00-00 gives year -1
            if written and not _CLOCK_TIME.search(written):  # a day alone, put at 00:00 UTC
                return parse_published(day_start(date(*stamp[:3])))
            moment = datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC)
            if name := zone_name(written):
                # feedparser reads a zone name it does not know as UTC, hours off.
                read_as = timedelta(hours=FEEDPARSER_ZONES.get(name, 0))
                wall = (moment + read_as).replace(tzinfo=None)  # the clock time written
                moment -= zone_offset(name, wall) - read_as  # ValueError: not known for sure
            return parse_published(moment)
    return None


# Polling writes only what it owns: a feed paused or edited meanwhile keeps that change.
# A feed moved to another address meanwhile gets none of it (see _save_poll).
FEED_POLL_FIELDS = [
    "last_polled_at",
    "last_error",
    "failure_count",
    "next_poll_at",
    "etag",
    "last_modified",
    "title",
]


#: How long a feed's "moved permanently" note stays, through later polls: its editors may
#: have the old address elsewhere (a page, a newsletter), and not be on the desk that day.
#: An editor who changes the feed's address clears it (Feed.forget_polling).
MOVE_NOTE_DAYS = 7

_MOVE_NOTE = re.compile(
    r"moved permanently from \S+ on (\d{4}-\d\d-\d\d); polled at its new address now"
)


def _move_note(last_error: str, now: datetime) -> str:
    """The note of the feed's move in its last error, while under MOVE_NOTE_DAYS old."""
    match = _MOVE_NOTE.search(last_error)
    if match is None:
        return ""
    moved_on = datetime.fromisoformat(match.group(1)).date()
    return match.group(0) if newsroom_date(now) - moved_on < timedelta(days=MOVE_NOTE_DAYS) else ""


def _feed_ok(feed: Feed, now: datetime, *, again_now: bool = False) -> None:
    feed.last_polled_at = now
    feed.last_error = _move_note(feed.last_error, now)
    feed.failure_count = 0
    feed.next_poll_at = now if again_now else now + timedelta(minutes=feed.poll_interval)
    _save_poll(feed)


def _feed_failed(
    feed: Feed, now: datetime, reason: str, *, retry_after: datetime | None = None
) -> None:
    # Back off exponentially so a broken feed is not hammered, up to once a day.
    move_note = _move_note(feed.last_error, now)
    feed.failure_count += 1
    delay = min(feed.poll_interval * 2 ** min(feed.failure_count, 10), MAX_FEED_BACKOFF_MINUTES)
    feed.last_polled_at = now
    feed.last_error = reason
    feed.next_poll_at = now + timedelta(minutes=delay)
    if retry_after is not None and retry_after > feed.next_poll_at:
        # A 429 or 503 that asks for longer than the back-off is obeyed, for a day at
        # most: a server asking for a year would otherwise never be asked again.
        longest = now + timedelta(minutes=MAX_FEED_BACKOFF_MINUTES)
        feed.next_poll_at = min(retry_after, longest)
        capped = " (a day at most)" if retry_after > longest else ""
        feed.last_error = (
            f"{reason.rstrip('.')}; it asked not to be polled before {_desk_time(retry_after)} "
            f"(Retry-After): next poll at {_desk_time(feed.next_poll_at)}{capped}."
        )
    if move_note:
        feed.last_error = f"{feed.last_error.rstrip('.')}; {move_note}"
    _save_poll(feed)
    _log_failed_poll(feed, f"; next poll at {feed.next_poll_at.isoformat(timespec='seconds')}")


def _feed_gone(feed: Feed, now: datetime, reason: str) -> None:
    """Pause a feed that answered 410 Gone: removed for good, it is not worth a poll a day
    for ever. It is due as soon as an editor resumes it (the address may live again)."""
    feed.active = False
    feed.failure_count += 1
    feed.last_polled_at = now
    feed.last_error = (
        f"{reason.rstrip('.')}: the feed is gone, so it is paused; an editor can resume it."
    )
    feed.next_poll_at = now
    _save_poll(feed, "active")
    _log_failed_poll(feed)


def _log_failed_poll(feed: Feed, then: str = "") -> None:
    # One line, as for an article: the feed's page says the same to the desk.
    log.warning(
        "Feed %s failed (%d in a row): %s%s",
        feed.pk,
        feed.failure_count,
        " ".join(feed.last_error.split()).rstrip("."),
        then,
    )


def _desk_time(moment: datetime) -> str:
    """``moment`` as the desk writes clock times, with its zone named: "1 Dec 2026 14:19 EST".

    A feed's or an article's note is text, written by a task (in UTC) and read on the desk:
    its dates and times are the desk's (FACTCHECK_TIME_ZONE, days by newsroom_date), as the
    page around it shows them."""
    local = moment.astimezone(ZoneInfo(settings.FACTCHECK_TIME_ZONE))
    return f"{local.day} {local:%b %Y %H:%M} {local.tzname()}"


def _save_poll(feed: Feed, *also: str) -> None:
    """Write what a poll learnt (and the fields named in `also`), unless the feed moved to
    another address while it ran: the old address's validators and errors would be sent
    and shown for the new one."""
    fields = {name: getattr(feed, name) for name in [*FEED_POLL_FIELDS, *also]}
    Feed.objects.filter(pk=feed.pk, url=feed.url).update(**fields)


# --- bulk ---------------------------------------------------------------------------------


@dataclass
class BulkLine:
    number: int
    article: Article | None = None
    status: str = ""  # "ingested", "duplicate" or "failed"
    reason: str = ""


def submit_bulk_line(number: int, line: str, *, in_batch: bool = False) -> BulkLine:
    """Submit one line; a line that cannot be stored is a failed line.

    `in_batch`: the line shares its transaction with lines before it (a worker's run of
    a file). A database error then raises _Redo: the statement that failed may have left
    the transaction unusable, or broken a deadlock with another run that waits for a lock
    a line before it took.
    """
    try:
        if in_batch:
            return _submit_bulk_line(number, line)
        with transaction.atomic():  # its writes undone if it fails, the transaction usable
            return _submit_bulk_line(number, line)
    except SoftTimeLimitExceeded:  # the task's, not the line's: the line is done again later
        raise
    except Exception as exc:  # one bad line never stops the rest
        if in_batch and isinstance(exc, DatabaseError):
            raise _Redo(number) from exc
        log.exception("Bulk line %s could not be stored", number)
        return BulkLine(number, status="failed", reason=f"could not be stored ({exc})")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _submit_bulk_line(number: int, line: str) -> BulkLine:
    """Submit one JSONL line ({"url"} or {"text"/"html", "title"?, "url"?, "published_at"?})."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return BulkLine(
            number, status="failed", reason=f"not valid JSON ({exc.msg}, column {exc.colno})"
        )
    except RecursionError:  # "[[[[…": as the API's parser, a bad line, not a failure to store it
        return BulkLine(number, status="failed", reason="not valid JSON (nested too deeply)")
    if not isinstance(item, dict):
        return BulkLine(number, status="failed", reason="each line must be a JSON object")
    if item.get("text") and item.get("html"):  # as the API answers: which one is the article?
        return BulkLine(number, status="failed", reason='give "text" or "html", not both')
    for name in ("text", "html", "url", "title", "published_at"):
        if item.get(name) is not None and not isinstance(item[name], str):
            return BulkLine(number, status="failed", reason=f'"{name}" must be a string')
        surrogate = _SURROGATE.search(item.get(name) or "")
        if surrogate:  # a lone half of a UTF-16 pair ("\ud800"): no text can hold it
            code = f"U+{ord(surrogate.group()):04X}"
            return BulkLine(number, status="failed", reason=f'"{name}" holds a lone {code}')
    try:
        if item.get("text"):
            submitted = submit_text(
                item["text"],
                title=item.get("title") or "",
                url=item.get("url") or "",
                published_at=item.get("published_at"),
                origin=Article.Origin.BULK,
            )
        elif item.get("html"):
            submitted = submit_html(
                item["html"],
                url=item.get("url") or "",
                title=item.get("title") or "",
                published_at=item.get("published_at"),
                origin=Article.Origin.BULK,
            )
        elif item.get("url"):
            submitted = submit_url(item["url"], origin=Article.Origin.BULK)
        else:
            return BulkLine(number, status="failed", reason='needs "url", "text" or "html"')
    except (IngestionError, FetchError) as exc:
        return BulkLine(number, status="failed", reason=str(exc))
    if not submitted.needs_processing:
        return BulkLine(number, submitted.article, status="duplicate")
    return BulkLine(number, submitted.article, status="ingested")


MAX_JOB_ERRORS = 100


def ingest_jsonl(
    lines: Iterable[str],
    *,
    source: str = "",
    total: int = 0,
    job: IngestionJob | None = None,
    on_line: Callable[[BulkLine], None] | None = None,
    process: Callable[[Article], Article | None] | None = None,
    resume: bool = False,
    until: float | None = None,
) -> IngestionJob:
    """Ingest a JSONL stream line by line; one bad line never stops the rest.

    `process` turns a submitted article into a processed one (in-process by default).
    Progress is kept on `job`, or on a new IngestionJob row for `source` and `total`. An
    interrupted run (Ctrl-C) is marked finished, saying at which line it stopped.

    With `resume` (a worker's run of a file the desk queued; `lines` is then a list), the
    lines commit in batches together with their counts and the number of the last on the
    job, and the run begins after the job's last line handled: a task delivered twice, or
    queued again past its time limit, submits every line once. A stop, or the
    time.monotonic() moment `until`, leaves the job open for the next run.
    """
    process = process or (lambda article: process_article(article.pk))
    if job is None:
        job = IngestionJob.objects.create(kind=IngestionJob.Kind.BULK, source=source, total=total)
    with remembered_host_checks():  # its URL lines' hosts are looked up once a run
        if resume:
            _resume_lines(job, lines, on_line=on_line, process=process, until=until)
        else:
            _ingest_lines(job, lines, on_line=on_line, process=process)
    _finish_if_counted(job.pk)  # or later, by the last of its articles still queued
    job.refresh_from_db()
    return job


#: What each outcome of a line counts as on the job.
LINE_COUNTERS = {"ingested": "done", "duplicate": "duplicates", "failed": "failed"}
#: How often a bulk run writes its progress, in seconds (a row update per line made a
#: file of 100,000 short lines take a minute).
PROGRESS_EVERY = 1.0


def _ingest_lines(job: IngestionJob, lines, *, on_line, process) -> None:
    unwritten: Counter[str] = Counter()
    reasons: list[dict] = []
    reasons_kept = 0
    written_at = time.monotonic()
    handled = 0  # the number of the last line handled
    try:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                result, counted_by_article = _ingest_line(job, number, line, process)
                if not counted_by_article:
                    unwritten[LINE_COUNTERS[result.status]] += 1
                    if result.status == "failed" and reasons_kept < MAX_JOB_ERRORS:
                        reasons.append({"line": number, "reason": result.reason})
                        reasons_kept += 1
                if on_line:
                    on_line(result)
            handled = number
            if time.monotonic() - written_at >= PROGRESS_EVERY:
                _write_progress(job, unwritten, reasons, handled)
                written_at = time.monotonic()
        _write_progress(job, unwritten, reasons, handled)  # inside: a stop here closes it too
    except BaseException as exc:
        _write_progress(job, unwritten, reasons, handled)
        _close_interrupted(job, handled + 1, exc)
        raise


#: The most lines a worker's run commits in one transaction, with their counts and the
#: position; a batch also ends after PROGRESS_EVERY seconds. A commit per line (each
#: waiting for the disk) held a run to 70–150 lines a second (bench/bulk_speed.py).
BATCH_LINES = 100


class _TakenOver(Exception):
    """Another run of the same job handled these lines first."""


class _Redo(Exception):
    """A line failed on the database in a batch: the batch is done again without it."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def _resume_lines(job: IngestionJob, lines: Sequence[str], *, on_line, process, until) -> None:
    """Ingest the lines after the job's last one handled, in batches of up to BATCH_LINES
    lines or PROGRESS_EVERY seconds, each in a transaction of its own with the job's
    counts and position: a run that stops (killed, past its time, an error) loses its
    batch under way, which the next run does again from its first line. Two runs of one
    job (a message delivered again while the first still works) cannot both count a line:
    the position only moves on from where the run last left it, and the run that finds it
    moved stops, its batch undone.

    A line that fails on the database undoes its batch: the lines before it are done
    again as a batch, and it begins the next one, where a failure is its own (or it goes
    through: the other run it deadlocked with has gone on)."""
    handled = IngestionJob.objects.values_list("lines_handled", flat=True).get(pk=job.pk)
    before = None  # the line a batch stops before: the one that undid it
    while until is None or time.monotonic() < until:
        try:
            with transaction.atomic():  # the articles, their counts and the position, or none
                results = _ingest_batch(job, lines, handled, process, until, before=before)
                if not results:
                    return
                counts, reasons = _batch_counts(results)
                last = results[-1][0].number
                if not _add_line_to_job(job.pk, handled, last, counts, reasons):
                    raise _TakenOver
        except _Redo as redo:
            log.info("Bulk job %s: line %s failed in a batch; done again", job.pk, redo.number)
            before = redo.number
            continue
        except _TakenOver:
            log.info("Bulk job %s: lines to %s were handled by another run", job.pk, last)
            return
        handled, before = last, None
        if on_line:
            for result, _ in results:
                on_line(result)


def _ingest_batch(
    job: IngestionJob, lines: Sequence[str], handled: int, process, until, *, before=None
) -> list[tuple[BulkLine, bool]]:
    """Ingest the lines after line `handled` (and before line `before`) for one batch;
    return their results."""
    results = []
    started = time.monotonic()
    for number in range(handled + 1, len(lines) + 1 if before is None else before):
        line = lines[number - 1]
        if not line.strip():
            continue
        results.append(_ingest_line(job, number, line, process, in_batch=bool(results)))
        now = time.monotonic()
        if (
            len(results) >= BATCH_LINES
            or now - started >= PROGRESS_EVERY
            or (until is not None and now >= until)
        ):
            break
    return results


def _batch_counts(results: list[tuple[BulkLine, bool]]) -> tuple[Counter, list[dict]]:
    """What a batch's lines count on the job (those whose article counts itself, later,
    not), and the reasons of its failed lines."""
    counts: Counter[str] = Counter()
    reasons = []
    for result, counted_by_article in results:
        if not counted_by_article:
            counts[LINE_COUNTERS[result.status]] += 1
            if result.status == "failed":
                reasons.append({"line": result.number, "reason": result.reason})
    return counts, reasons


def _add_line_to_job(
    job_id: int, handled: int, number: int, counts: dict[str, int], reasons: list[dict]
) -> bool:
    """Count line `number` on the job, if its last line handled is still `handled`."""
    changes = _job_changes(job_id, counts, reasons)
    return bool(
        IngestionJob.objects.filter(pk=job_id, lines_handled=handled).update(
            lines_handled=number, progress_at=timezone.now(), **changes
        )
    )


def _ingest_line(
    job: IngestionJob, number: int, line: str, process, *, in_batch: bool = False
) -> tuple[BulkLine, bool]:
    """Submit one line and hand its article to `process`. Return the line's result and
    whether its article counts itself on the job once it is processed (in this process or
    by a worker later, see _count_in_job), rather than the line counting now."""
    result = submit_bulk_line(number, line, in_batch=in_batch)
    if result.status != "ingested" or result.article is None:
        return result, False
    article = result.article
    # The job is set before processing starts, so that the article counts towards it.
    if not _take_for_job(article, job):
        # Waiting in another run already, which counts it, or processed meanwhile.
        result.status = "duplicate"
        return result, False
    article.job = job
    try:
        processed = process(article)
    except Exception as exc:  # recorded (and counted) on the article by process_article
        log.exception("Bulk line %s failed while processing", number)
        result.status, result.reason = "failed", str(exc)
        return result, True
    if processed is not None:
        result.article = processed
        if processed.status == Article.Status.FAILED:
            result.status, result.reason = "failed", processed.error
        elif processed.status == Article.Status.DUPLICATE:
            result.status = "duplicate"
    return result, True


def _take_for_job(article: Article, job: IngestionJob) -> bool:
    """Give a pending article to `job`, unless a run still going has it. An article left
    pending by a run that stopped (its job is finished) is taken again: without beat
    nothing else would ever process it."""
    pending = Article.objects.filter(pk=article.pk, status=Article.Status.PENDING)
    # A new article (most lines) is held by no run: taken in one write.
    if pending.filter(job__isnull=True).update(job=job):
        return True
    held = pending.values_list("job_id", "job__finished_at").first()
    if held is None:
        return False
    held_by, finished_at = held
    if held_by is not None and finished_at is None:
        return False
    # Only if it is still held by the run just read: of two runs taking it, one gets it.
    return bool(pending.filter(job_id=held_by).update(job=job))


def _close_interrupted(job: IngestionJob, line: int, exc: BaseException) -> None:
    """Mark a run that stopped (Ctrl-C, a signal, an error) finished, with what it got
    through and, as the last of its errors, the line where it stopped and why."""
    if isinstance(exc, KeyboardInterrupt):
        why = str(exc) or "Ctrl-C"  # a signal handler's KeyboardInterrupt names its signal
    else:
        why = f"unexpected error: {exc!r}"
    with transaction.atomic():
        locked = IngestionJob.objects.select_for_update().only("errors").get(pk=job.pk)
        # Past MAX_JOB_ERRORS too: this one says why the rest of the file is missing.
        locked.errors = [*locked.errors, {"line": line, "reason": f"interrupted ({why})"}]
        locked.finished_at = timezone.now()
        locked.save(update_fields=["errors", "finished_at"])


def _write_progress(
    job: IngestionJob, unwritten: Counter, reasons: list[dict], handled: int
) -> None:
    """Add the counts and failure reasons gathered since the last write to the job, and
    the number of the last line handled (the job is no longer shown as queued)."""
    _add_to_job(
        job.pk,
        unwritten,
        reasons,
        lines_handled=Greatest("lines_handled", Value(handled)),
        progress_at=timezone.now(),
    )
    unwritten.clear()
    reasons.clear()
