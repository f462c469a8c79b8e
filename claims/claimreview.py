"""schema.org ClaimReview JSON-LD for published verdicts."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from claims.models import CLAIM_ARTICLE_BODY, Claim, Verdict

CLAIM_REVIEWED_MAX = 75


def newsroom_date(moment: datetime) -> date:
    """The day of ``moment`` in the newsroom's zone (FACTCHECK_TIME_ZONE), as its pages
    date it: a review published at 21:30 in New York is of that day, not the next (UTC's)."""
    return timezone.localdate(moment, timezone=ZoneInfo(settings.FACTCHECK_TIME_ZONE))


PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you"])
ORGANISATION = re.compile(
    r"\b(?:ministry|department|agency|police|army|military|government|council|office|"
    r"company|corporation|group|party|court|committee|commission|news|university|hospital|"
    r"authority|board|union|coalition|campaign|brigade|forces|service|bank|association|"
    r"institute|newspaper|network|administration|embassy|club)\b",
    re.IGNORECASE,
)


def short_wording(claim: Claim) -> str:
    """The editor's wording, or the sentence trimmed to under 75 characters at a word."""
    if claim.claim_reviewed:
        return claim.claim_reviewed[:CLAIM_REVIEWED_MAX]
    text = " ".join(claim.text.split())
    if len(text) < CLAIM_REVIEWED_MAX:
        return text
    cut = text[: CLAIM_REVIEWED_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:—-")
    return f"{cut}…"


def _author(claim: Claim) -> dict | None:
    """Who made the claim, when a name is known: not anonymous sources, not pronouns."""
    speaker = claim.speaker.strip()
    if not speaker or claim.category == Claim.Category.ANONYMOUS_SOURCE:
        return None
    if speaker.lower() in PRONOUNS:
        return None
    kind = "Organization" if ORGANISATION.search(speaker) else "Person"
    return {"@type": kind, "name": speaker}


def public_url(claim: Claim) -> str:
    return settings.FACTCHECK_PUBLIC_BASE_URL.rstrip("/") + reverse(
        "review-public", args=[claim.pk]
    )


def published_claims() -> QuerySet[Claim]:
    """Claims the public sees: with a published verdict (``ever_published``) and not
    dismissed since.

    A claim reopened for a correction stays public with its last published verdict until
    the correction is published.
    """
    return (
        Claim.objects.filter(ever_published=True)
        .exclude(status=Claim.Status.DISMISSED)
        .select_related("article")
        .defer(*CLAIM_ARTICLE_BODY)
        .prefetch_related(
            Prefetch(
                "verdicts",
                Verdict.objects.filter(published_at__isnull=False)
                .select_related("rating")
                .order_by("-published_at"),
                to_attr="published_verdicts",
            ),
        )
    )


def claim_review(claim: Claim, history: list[Verdict] | None = None) -> dict:
    """Return the ClaimReview of a claim's last published verdict.

    `history` is the claim's verdicts (any order); without it, the current verdict.
    """
    published = [v for v in (history or [claim.verdict]) if v and v.published_at is not None]
    if not published:
        raise ValueError(f"Claim {claim.pk} has no published verdict.")
    verdict = max(published, key=lambda v: v.published_at)
    rating = verdict.rating
    first_published = min(v.published_at for v in published)
    article = claim.article
    item = {
        "@type": "Claim",
        "appearance": [
            {"@type": "CreativeWork", "url": url}
            for url in [article.url or article.source_url]
            if url
        ],
    }
    # When the claim was made: its article's date. An undated article gives none (the
    # property is optional): the day it came in to the desk is a date no one wrote.
    if article.published_at:
        item["datePublished"] = newsroom_date(article.published_at).isoformat()
    author = _author(claim)
    if author:
        item["author"] = author
    review_rating = {
        "@type": "Rating",
        "alternateName": rating.alternate_name,
        "bestRating": rating.best_rating,
        "worstRating": rating.worst_rating,
    }
    # A label off the numeric scale (e.g. "Unverifiable") is given by its name alone.
    if rating.worst_rating <= rating.rating_value <= rating.best_rating:
        review_rating["ratingValue"] = rating.rating_value
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": public_url(claim),
        "claimReviewed": verdict.claim_reviewed or short_wording(claim),
        "reviewRating": review_rating,
        "itemReviewed": item,
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_ORGANIZATION_NAME,
            "url": settings.FACTCHECK_ORGANIZATION_URL,
        },
        "datePublished": newsroom_date(first_published).isoformat(),
        "reviewBody": verdict.summary,
        "citation": [
            {
                "@type": "CreativeWork",
                "url": source["url"],
                **({"name": source["title"]} if source.get("title") else {}),
                **(
                    {"publisher": {"@type": "Organization", "name": source["publisher"]}}
                    if source.get("publisher")
                    else {}
                ),
            }
            for source in verdict.citations
        ],
    }
    if verdict.published_at != first_published or verdict.correction_note:
        review["dateModified"] = verdict.published_at.isoformat()
        if verdict.correction_note:
            review["correction"] = {
                "@type": "CorrectionComment",
                "text": verdict.correction_note,
                "datePublished": newsroom_date(verdict.published_at).isoformat(),
            }
    return review
