"""Figures for the dashboard and the API's stats/, counted by the database.

Durations are worked out in SQL, so a median or a histogram covers every row however many
there are, without loading them. Counting every claim takes a second or two over a million
of them, so the figures are kept (in the cache) until a claim comes in or changes state.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import Coalesce
from redis.exceptions import RedisError

from claims.models import Article, Claim, ReviewEvent, Verdict

log = logging.getLogger(__name__)

#: How old kept figures may get. They are counted again sooner when a claim comes in or
#: changes state (every change of state writes a review event); this bounds the changes
#: that do neither: a deleted article, detection run again on claims nobody touched.
FIGURES_MAX_AGE = timedelta(seconds=30)


def kept(name: str, count: Callable[[datetime], dict], now: datetime) -> tuple[dict, datetime]:
    """Return ``count(now)`` and ``now``; or, when no claim has come in or changed state
    since ``count`` last ran (within FIGURES_MAX_AGE), what it returned then and when."""
    # The newest claim and event: two lookups in their primary keys, against a second of
    # counting. A change still uncommitted when they are read waits for the age bound.
    marks = (
        Claim.objects.aggregate(newest=Max("id"))["newest"],
        ReviewEvent.objects.aggregate(newest=Max("id"))["newest"],
    )
    key = f"figures:{name}"
    try:
        last = cache.get(key)
    except (RedisError, OSError):  # an unreachable cache (CACHE_URL): count every time
        log.warning("Figures %r counted afresh: the cache is unreachable", name)
        return count(now), now
    if last and last["marks"] == marks and now - last["counted_at"] < FIGURES_MAX_AGE:
        return last["figures"], last["counted_at"]
    figures = count(now)
    try:
        cache.set(
            key,
            {"marks": marks, "counted_at": now, "figures": figures},
            FIGURES_MAX_AGE.total_seconds(),
        )
    except (RedisError, OSError):
        log.warning("Figures %r not kept: the cache is unreachable", name)
    return figures, now


def claim_counts() -> dict[tuple[str, str], int]:
    """How many claims there are of each status and category, in one pass over the table
    (counting by status and by category apart read every claim twice)."""
    rows = Claim.objects.order_by().values_list("status", "category").annotate(n=Count("id"))
    return {(status, category): n for status, category, n in rows}


def articles_by_status() -> dict[str, int]:
    """How many articles there are of each status. COUNT(*), not of a column, so that
    PostgreSQL reads the statuses from their index and not the article table (31-56 ms
    over 50,000 articles, 7-11 ms)."""
    return dict(Article.objects.order_by().values_list("status").annotate(n=Count("*")))


def feed_articles(**filters) -> Coalesce:
    """A feed's articles (those matching ``filters``), counted for each feed apart through
    the index of the article's feed: a join counted them in one pass over every article
    (60-120 ms over 50,000), where the feeds and the dashboard show a handful of feeds."""
    counted = (
        Article.objects.filter(feed=OuterRef("pk"), **filters)
        .order_by()
        .values("feed")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def by_status(counts: dict[tuple[str, str], int]) -> dict[str, int]:
    """Claims per status, of the statuses there are, from ``claim_counts()``."""
    totals = Counter()
    for (status, _), n in counts.items():
        totals[status] += n
    return dict(totals)


def by_category(counts: dict[tuple[str, str], int], statuses=None) -> dict[str, int]:
    """Claims per category (of ``statuses`` only, when given) from ``claim_counts()``."""
    totals = Counter()
    for (status, category), n in counts.items():
        if statuses is None or status in statuses:
            totals[category] += n
    return dict(totals)


def time_to_verdict(verdicts: QuerySet[Verdict], until: str) -> QuerySet[Verdict]:
    """``verdicts`` that are their claim's first to reach ``until`` ("submitted_at",
    "published_at"), each annotated with ``took``: the time from the claim being flagged
    to then.

    A claim counts once: a correction (a verdict published again after a reopen) is no
    second time to verdict, and timed from the flagging it would read as weeks.
    """
    took = ExpressionWrapper(F(until) - F("claim__created_at"), output_field=DurationField())
    earlier = Verdict.objects.filter(claim=OuterRef("claim"), **{f"{until}__lt": OuterRef(until)})
    return (
        verdicts.filter(**{f"{until}__isnull": False}).filter(~Exists(earlier)).annotate(took=took)
    )


def backlog(now: datetime) -> QuerySet[Claim]:
    """Claims waiting in the queue, each annotated with ``took``: how long it has waited."""
    waited = Value(now, output_field=DateTimeField()) - F("created_at")
    return Claim.objects.filter(status=Claim.Status.NEW).annotate(
        took=ExpressionWrapper(waited, output_field=DurationField())
    )


def backlog_by_age(
    now: datetime, buckets: list[tuple[str, timedelta | None]], waiting: int
) -> list[tuple[str, int]]:
    """``histogram(backlog(now), buckets)`` when ``waiting`` claims wait in all. Only the
    claims younger than the last bucket's lower bound are read (through the created_at
    index); the last, unbounded bucket holds the rest of ``waiting``."""
    *bounded, (last, _) = buckets
    youngest = backlog(now).filter(created_at__gt=now - bounded[-1][1])
    counts = histogram(youngest, bounded)
    return [*counts, (last, waiting - sum(n for _, n in counts))]


def oldest_waiting() -> datetime | None:
    """When the claim that has waited longest in the queue was flagged."""
    waiting = Claim.objects.filter(status=Claim.Status.NEW).order_by("created_at")
    return waiting.values_list("created_at", flat=True).first()


def median(annotated: QuerySet) -> timedelta | None:
    """The median ``took`` of an annotated queryset (None when it is empty): the middle row,
    or the mean of the two middle ones, as ``statistics.median`` gives."""
    count = annotated.count()
    if not count:
        return None
    ordered = annotated.order_by("took").values_list("took", flat=True)
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return sum(middle, timedelta()) / len(middle)


def histogram(
    annotated: QuerySet, buckets: list[tuple[str, timedelta | None]]
) -> list[tuple[str, int]]:
    """How many rows of an annotated queryset fall in each bucket of ``took``, in one query.

    Each bucket is a name and its upper bound (None for the last, unbounded one); a bucket
    starts where the one before it ends.
    """
    counts, lower = {}, None
    for index, (_, upper) in enumerate(buckets):
        inside = Q()
        if lower is not None:
            inside &= Q(took__gte=lower)
        if upper is not None:
            inside &= Q(took__lt=upper)
        counts[f"bucket_{index}"] = Count("pk", filter=inside)
        lower = upper
    totals = annotated.aggregate(**counts)
    return [(name, totals[f"bucket_{index}"]) for index, (name, _) in enumerate(buckets)]
