"""Template helpers of the dashboard: highlighted article text and small SVG charts.

Article text is untrusted. Every piece of it goes through `escape`; markup is built with
`format_html`, or in `highlight` (thousands of claims on a page) with f-strings whose every
value goes through `html.escape`, so a `<script>` in an article stays text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape as _html_escape

from django import template
from django.conf import settings
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timeuntil

from claims import workflow

register = template.Library()

WHY = {
    "unverifiable": "the outlet says it could not verify it",
    "hedged": "hedged wording (allegedly, purportedly, reportedly…) marks it as unconfirmed",
    "attributed": "it rests on what a named source said, not on a checked fact",
    "anonymous-source": "it rests on an unnamed source",
    "disputed": "another party disputes or denies it",
}


def cue_reason(cue: dict, notes: dict[str, str] | None = None) -> str:
    """Why a cue flags its sentence, with the lexicon's note on that cue when it has one."""
    why = WHY.get(cue.get("category", ""), "a cue of the detection lexicon")
    note = (notes or {}).get(str(cue.get("text", "")).lower())
    return f"flagged because {why}. {note}" if note else f"flagged because {why}"


def cue_title(cue: dict, notes: dict[str, str] | None = None) -> str:
    return f"{cue.get('category', '')}: “{cue.get('text', '')}” — {cue_reason(cue, notes)}"


def _escape(value) -> str:
    return _html_escape(str(value))


def _join(parts: Iterable[SafeString | str]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str  # "cue" or "speaker"
    category: str = ""
    title: str = ""


def _plain(text: str, base: int, start: int, end: int, speaker: _Span | None) -> str:
    """Escape text[start:end] (article offsets), wrapping the part that names the speaker."""
    if speaker is None or speaker.end <= start or speaker.start >= end:
        return _escape(text[start - base : end - base])
    s, e = max(speaker.start, start), min(speaker.end, end)
    return (
        f"{_escape(text[start - base : s - base])}"
        f'<span class="speaker" title="{_escape(speaker.title)}">'
        f"{_escape(text[s - base : e - base])}</span>"
        f"{_escape(text[e - base : end - base])}"
    )


def _inner(text: str, base: int, start: int, end: int, spans: Sequence[_Span]) -> str:
    """Escape text[start:end] (article offsets), wrapping each cue and the speaker.

    Cues win where they overlap the speaker; a cue overlapping an earlier cue is left out.
    """
    speaker = next((span for span in spans if span.kind == "speaker"), None)
    parts: list[str] = []
    pos = start
    for span in sorted((s for s in spans if s.kind == "cue"), key=lambda s: (s.start, -s.end)):
        s, e = max(span.start, pos), min(span.end, end)
        if s >= e or span.start < pos:
            continue
        category = _escape(span.category)
        parts.append(_plain(text, base, pos, s, speaker))
        parts.append(
            f'<span class="cue cue-{category}" title="{_escape(span.title)}" '
            f'data-category="{category}">{_escape(text[s - base : e - base])}</span>'
        )
        pos = e
    parts.append(_plain(text, base, pos, end, speaker))
    return "".join(parts)


def claim_spans(claim, notes: dict[str, str] | None = None) -> list[_Span]:
    # Cues are the detector's JSON; a malformed one (edited by hand) is left out rather
    # than taking the review and article pages down with it.
    cues = claim.cues if isinstance(claim.cues, list) else []
    spans = [
        _Span(c["start"], c["end"], "cue", str(c.get("category", "")), cue_title(c, notes))
        for c in cues
        if isinstance(c, dict) and type(c.get("start")) is int and type(c.get("end")) is int
    ]
    if claim.speaker_start is not None and claim.speaker_end is not None:
        spans.append(
            _Span(claim.speaker_start, claim.speaker_end, "speaker", title="Speaker / source")
        )
    return spans


def highlight(
    text: str,
    claims: Sequence,
    *,
    base: int = 0,
    current_id: int | None = None,
    link: bool = True,
    notes: dict[str, str] | None = None,
) -> SafeString:
    """Return `text` (which starts at article offset `base`) escaped, each claim marked.

    A claim is a <mark> (a link to its review page when `link`), its cue spans inside it.
    Claims overlapping an earlier one are left out rather than nesting marks.
    """
    end_of_text = base + len(text)
    # Plain escaping and one join: format_html for each piece of each claim took seconds
    # on an article with thousands of claims.
    parts: list[str] = []
    pos = base
    for claim in sorted(claims, key=lambda c: (c.start, c.end)):
        start, end = max(claim.start, pos), min(claim.end, end_of_text)
        if start >= end or claim.start < pos:
            continue
        parts.append(_escape(text[pos - base : start - base]))
        category = _escape(claim.category)
        status = _escape(claim.get_status_display().lower())
        # The colours say status and category; a screen reader hears them in words.
        inner = (
            f'<span class="visually-hidden">Flagged claim ({category}, {status}): </span>'
            f"{_inner(text, base, start, end, claim_spans(claim, notes))}"
        )
        classes = _escape(f"claim claim-{claim.status} claim-cat-{claim.category}")
        if claim.pk == current_id:
            classes += " current"
        if link and claim.pk != current_id:
            href = _escape(reverse("claim-review", args=[claim.pk]))
            parts.append(
                f'<a class="{classes}" id="claim-{_escape(claim.pk)}" href="{href}" '
                f'title="{category} · {status} · score {claim.score:.2f}">{inner}</a>'
            )
        else:
            parts.append(f'<mark class="{classes}" id="claim-{_escape(claim.pk)}">{inner}</mark>')
        pos = end
    parts.append(_escape(text[pos - base :]))
    return mark_safe("".join(parts))  # every piece of text is escaped above


_BOUNDARY = re.compile(r"(?<=[.!?…\"”’])\s+|\n+")


def context_window(text: str, start: int, end: int, sentences: int = 2) -> tuple[int, int]:
    """Return (from, to) offsets taking about `sentences` sentences either side of a span."""
    cuts = [m.end() for m in _BOUNDARY.finditer(text)]
    before = [c for c in cuts if c <= start]
    after = [m.start() for m in _BOUNDARY.finditer(text) if m.start() >= end]
    lo = before[-(sentences + 1)] if len(before) > sentences else 0
    hi = after[sentences] if len(after) > sentences else len(text)
    # Never more than ~1,200 characters either side, whatever the punctuation.
    return max(lo, start - 1200), min(hi, end + 1200)


# --- charts -------------------------------------------------------------------------------


def bar_chart(
    data: Sequence[tuple[str, int | float]],
    *,
    label: str,
    width: int = 560,
    height: int = 160,
    unit: str = "",
    tick_every: int = 1,
) -> SafeString:
    """A vertical bar chart as inline SVG, one <title> per bar for a tooltip, and its
    figures in a table that opens under it (a keyboard reaches no tooltip). A `unit` is
    a noun after each figure ("verdict"), plural but for 1."""
    # Room for labels of 14 units (the stylesheet's), the last one centred on its bar.
    pad_left, pad_right, pad_bottom, pad_top = 34, 18, 26, 12
    n = max(1, len(data))
    top = max([v for _, v in data] + [1])
    plot_w, plot_h = width - pad_left - pad_right, height - pad_bottom - pad_top
    step = plot_w / n
    bar_w = max(2.0, step * 0.72)
    bars = []
    for i, (name, value) in enumerate(data):
        h = plot_h * value / top
        x = pad_left + i * step + (step - bar_w) / 2
        y = pad_top + plot_h - h
        bars.append(
            format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}" rx="2">'
                "<title>{}: {}</title></rect>",
                f"{x:.1f}",
                f"{y:.1f}",
                f"{bar_w:.1f}",
                f"{max(h, 0.5 if value else 0):.1f}",
                name,
                _figure(value, unit),
            )
        )
        if i % tick_every == 0 or i == n - 1:
            bars.append(
                format_html(
                    '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + bar_w / 2:.1f}",
                    height - 7,
                    name,
                )
            )
    grid = format_html(
        '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">0</text>',
        pad_left,
        pad_top + plot_h,
        width - pad_right,
        pad_top + plot_h,
        pad_left - 4,
        pad_top + 10,
        f"{top:g}",
        pad_left - 4,
        pad_top + plot_h,
    )
    # The bars' figures as a table too: neither a keyboard nor a screen reader reaches
    # the SVG's <title>s.
    rows = format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td></tr>',
        ((name, _figure(value, unit)) for name, value in data),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMidYMid meet">{}{}</svg>'
        '<details class="figures"><summary>Figures<span class="visually-hidden">: {}</span>'
        "</summary><table><caption>{}</caption>{}</table></details>",
        width,
        height,
        label,
        grid,
        _join(bars),
        label,
        label,
        rows,
    )


def _figure(value: int | float, unit: str) -> str:
    return f"{value} {unit}{pluralize(value)}" if unit else f"{value}"


@register.simple_tag
def max_reason() -> int:
    """The longest reason the workflow takes, for the reason fields' maxlength."""
    return workflow.MAX_REASON


@register.simple_tag
def svg_bars(data, label: str, unit: str = "", tick_every: int = 1):
    return bar_chart(data, label=label, unit=unit, tick_every=tick_every)


@register.simple_tag
def rating_chip(rating, size: str = "") -> SafeString:
    """A rating's label on its colour, the text in whichever of black or white reads."""
    return format_html(
        '<span class="rating{}" style="background: {}; color: {}">{}</span>',
        f" {size}" if size else "",
        rating.colour,
        rating.ink,
        rating.label,
    )


@register.filter
def percent_of(value, total) -> int:
    try:
        return round(100 * float(value) / float(total)) if total else 0
    except (TypeError, ValueError):
        return 0


EVENT_LABELS = {
    "take": "took the claim",
    "assign": "assigned the claim",
    "release": "released the claim",
    "bump": "changed the priority",
    "verdict": "set the verdict",
    "evidence_add": "added evidence",
    "evidence_remove": "removed evidence",
    "submit": "submitted for approval",
    "publish": "published the verdict",
    "send_back": "sent the verdict back to its reviewer",
    "dismiss": "dismissed the claim",
    "reopen": "reopened the claim",
    "restore": "put the claim back in the queue",
    "lease_expired": "lease expired — back to the queue",
    "renew": "kept the claim another lease period",
    "admin_edit": "edited the claim in the admin",
    "redetect": "detection run again",
}


@register.filter
def event_label(action: str) -> str:
    return EVENT_LABELS.get(action, action.replace("_", " "))


# Actions whose label says where the claim went. Others move it too at times (an edit
# of a submitted verdict or of its sources sends it back to review; an assignment takes
# it from the queue): the history says so under them.
MOVES_IN_LABEL = {
    "take",
    "release",
    "submit",
    "publish",
    "send_back",
    "dismiss",
    "reopen",
    "restore",
    "lease_expired",
}


@register.filter
def status_moved(event) -> str:
    """ "Reviewed → In Review" for an event that moved its claim without its label saying so."""
    moved = event.payload.get("status")
    if event.action in MOVES_IN_LABEL or not moved:
        return ""
    from claims.models import Claim

    labels = dict(Claim.Status.choices)
    return " → ".join(str(labels.get(status, status)) for status in moved)


@register.filter
def edited_fields(event) -> str:
    """ "Category: Attributed → Disputed; ClaimReview wording" for an admin's edit."""
    from claims.models import Claim

    said = []
    for name, change in event.payload.items():
        if name == "category":
            labels = dict(Claim.Category.choices)
            said.append("category: " + " → ".join(str(labels.get(c, c)) for c in change))
        elif name == "claim_reviewed":
            said.append(f"ClaimReview wording: “{change[1]}”" if change[1] else "wording cleared")
        elif name == "covers":
            said.append("the claims it covers")
    return "; ".join(said)


@register.filter
def detection_said(event) -> str:
    """What detection run again said of a claim ("category: Hedged → Disputed"), and
    whether the claim took it."""
    from claims.models import Claim

    payload = event.payload
    labels = dict(Claim.Category.choices)
    said = []
    if "flagged" in payload:
        said.append("no longer flags the sentence")
    if "score" in payload:
        said.append("score: " + " → ".join(f"{score:.2f}" for score in payload["score"]))
    if "category" in payload:
        said.append("category: " + " → ".join(str(labels.get(c, c)) for c in payload["category"]))
    if "cues" in payload:
        said.append("cues: " + " → ".join(", ".join(cues) or "none" for cues in payload["cues"]))
    if "speaker" in payload:
        said.append("speaker: " + " → ".join(s or "none" for s in payload["speaker"]))
    if not said:
        return "now agrees with the claim as it is"
    if payload.get("applied"):
        return "; ".join(said)
    return "; ".join(said) + " (not applied: the claim is left as it is)"


@register.filter
def label_in(value, labels: dict) -> str:
    """The label ``labels`` gives ``value`` (a rating's slug), else the value itself."""
    return labels.get(value, value) if isinstance(labels, dict) else value


@register.simple_tag
def user_role(user) -> str:
    from claims.workflow import role_of

    return role_of(user) or ""


@register.filter
def hours_human(hours) -> str:
    if hours is None:
        return "—"
    hours = float(hours)
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


@register.filter
def age(moment) -> str:
    """How long ago, in its largest unit: “just now”, “5 minutes”, “2 days”."""
    from django.utils import timezone
    from django.utils.timesince import timesince

    if not moment:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment, depth=1)} ago"


@register.filter
def seconds_until(moment) -> int:
    """Whole seconds from now until ``moment``, 0 once it has passed (a page's script
    counts them down: the browser's clock may be wrong, its stopwatch is not)."""
    if moment is None:
        return 0
    return max(0, int((moment - timezone.now()).total_seconds()))


@register.simple_tag
def lease_seconds() -> int:
    """How long a lease is, in seconds: the page warns of its end sooner than five minutes
    before when the lease itself is short."""
    return settings.FACTCHECK_LEASE_MINUTES * 60


@register.filter
def lease_note(expires_at) -> str:
    """How long a taken claim stays with its reviewer, or that it no longer does (the
    lease ran out: the minute's housekeeping, or the next Take next without a broker, puts
    it back in the queue; no other reviewer can take it before, and its reviewer's next
    save renews the lease)."""
    if expires_at is None:
        return ""
    if expires_at <= timezone.now():
        return "lease expired: it goes back to the queue shortly"
    return f"lease ends in {timeuntil(expires_at)}"
