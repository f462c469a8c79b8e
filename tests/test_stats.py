"""Dashboard and API figures: counted by the database, over every row."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from claims import stats
from claims.models import Claim, Verdict
from tests.factories import ArticleFactory, ClaimFactory, rating

HOUR = timedelta(hours=1)


def verdicts_that_took(reviewer, durations: list[timedelta]) -> None:
    """Claims flagged five days ago with a verdict submitted and published after each
    duration, created in that order (the last ones are the newest verdicts)."""
    flagged = timezone.now() - timedelta(days=5)
    article = ArticleFactory()
    claims = Claim.objects.bulk_create(
        Claim(
            article=article,
            text="The mayor said the bridge would reopen.",
            start=index,
            end=index + 1,
            score=0.6,
            category=Claim.Category.ATTRIBUTED,
            fingerprint=f"fp{index}",
            status=Claim.Status.PUBLISHED,
        )
        for index in range(len(durations))
    )
    Claim.objects.filter(article=article).update(created_at=flagged)
    false = rating("false")
    Verdict.objects.bulk_create(
        Verdict(
            claim=claim,
            rating=false,
            summary="Records show otherwise.",
            reviewer=reviewer,
            submitted_at=flagged + took,
            published_at=flagged + took,
        )
        for claim, took in zip(claims, durations, strict=True)
    )


def test_the_median_time_to_verdict_counts_every_verdict(client, alice):
    # The dashboard read the newest 5,000 verdicts and the API the newest 10,000, so with
    # more of them the median was not that of the period it named.
    verdicts_that_took(alice, [50 * HOUR] * 5_002 + [HOUR] * 5_000)

    api = APIClient()
    api.force_authenticate(alice)
    figures = api.get("/api/v1/stats/").json()
    assert figures["median_time_to_verdict_seconds"] == 50 * 3600

    client.force_login(alice)
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.context["ttv_median"] == 50
    assert dashboard.context["ttv_count"] == 10_002
    assert dict(dashboard.context["ttv_series"]) == {
        "<1h": 0,
        "1–4h": 5_000,
        "4–24h": 0,
        "1–3d": 5_002,
        "3–7d": 0,
        ">7d": 0,
    }


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_ones(alice):
    verdicts_that_took(alice, [HOUR, 2 * HOUR, 4 * HOUR, 10 * HOUR])
    took = stats.time_to_verdict(Verdict.objects.all(), "published_at")
    assert stats.median(took) == 3 * HOUR
    assert stats.median(took.filter(took__gt=2 * HOUR)) == 7 * HOUR
    assert stats.median(took.none()) is None


def test_the_backlog_is_counted_by_age(client, alice, django_assert_max_num_queries):
    now = timezone.now()
    ages = [timedelta(minutes=5), 3 * HOUR, 23 * HOUR, 2 * 24 * HOUR, 30 * 24 * HOUR]
    for age in ages:
        claim = ClaimFactory()
        Claim.objects.filter(pk=claim.pk).update(created_at=now - age)
    ClaimFactory(status=Claim.Status.DISMISSED)  # not waiting

    assert stats.histogram(stats.backlog(now), [("day", 24 * HOUR), ("older", None)]) == [
        ("day", 3),
        ("older", 2),
    ]
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        dashboard = client.get(reverse("dashboard"))
    assert dashboard.context["backlog"] == [
        ("< 1 hour", 1),
        ("1–24 hours", 2),
        ("1–7 days", 1),
        ("> 7 days", 1),
    ]
    assert dashboard.context["backlog_total"] == 5
    assert dashboard.context["oldest"] == now - ages[-1]
