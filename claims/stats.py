"""Figures for the dashboard and the API's stats/, counted by the database.

Durations are worked out in SQL, so a median or a histogram covers every row however many
there are, without loading them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, DurationField, F, Q, QuerySet, Value
from django.db.models.expressions import ExpressionWrapper

from claims.models import Claim, Verdict


def time_to_verdict(verdicts: QuerySet[Verdict], until: str) -> QuerySet[Verdict]:
    """``verdicts`` that reached ``until`` ("submitted_at", "published_at"), each annotated
    with ``took``: the time from the claim being flagged to then."""
    took = ExpressionWrapper(F(until) - F("claim__created_at"), output_field=DurationField())
    return verdicts.filter(**{f"{until}__isnull": False}).annotate(took=took)


def backlog(now: datetime) -> QuerySet[Claim]:
    """Claims waiting in the queue, each annotated with ``took``: how long it has waited."""
    waited = Value(now, output_field=DateTimeField()) - F("created_at")
    return Claim.objects.filter(status=Claim.Status.NEW).annotate(
        took=ExpressionWrapper(waited, output_field=DurationField())
    )


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
