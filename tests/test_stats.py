"""Dashboard and API figures: counted by the database, over every row."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from claims import stats
from claims.models import Article, Claim, Feed, Verdict
from tests.factories import ArticleFactory, ClaimFactory, FeedFactory, rating

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


def a_desk_of_every_status(alice, erin) -> None:
    """Claims of each status and several categories, flagged at several ages."""
    from claims import workflow
    from tests.factories import reviewed_claim

    now = timezone.now()
    for age, category in [
        (timedelta(minutes=5), Claim.Category.HEDGED),
        (3 * HOUR, Claim.Category.HEDGED),
        (2 * 24 * HOUR, Claim.Category.DISPUTED),
        (30 * 24 * HOUR, Claim.Category.ATTRIBUTED),
        # Ten minutes short of the bound: the count comes seconds later on a busy machine.
        (7 * 24 * HOUR - timedelta(minutes=10), Claim.Category.ATTRIBUTED),
    ]:
        claim = ClaimFactory(category=category)
        Claim.objects.filter(pk=claim.pk).update(created_at=now - age)
    ClaimFactory(status=Claim.Status.DISMISSED, category=Claim.Category.HEDGED)
    ClaimFactory(status=Claim.Status.IN_REVIEW, assignee=alice, category=Claim.Category.DISPUTED)
    reviewed_claim(alice)  # attributed
    workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)


def test_the_figures_count_each_status_category_and_age(client, alice, erin):
    a_desk_of_every_status(alice, erin)

    client.force_login(erin)
    dashboard = client.get(reverse("dashboard")).context
    assert [(value, n) for value, _, n in dashboard["statuses"]] == [
        ("new", 5),
        ("in_review", 1),
        ("reviewed", 1),
        ("published", 1),
        ("dismissed", 1),
    ]
    assert dashboard["total"] == 9
    assert dict(dashboard["categories"]) == {
        "unverifiable": 0,
        "hedged": 2,
        "attributed": 3,
        "anonymous-source": 0,
        "disputed": 2,
    }
    assert dashboard["open_total"] == 7
    assert dashboard["backlog"] == [
        ("< 1 hour", 1),
        ("1–24 hours", 1),
        ("1–7 days", 2),
        ("> 7 days", 1),
    ]
    assert dashboard["backlog_total"] == 5
    assert dashboard["published_total"] == 1 and dashboard["ttv_count"] == 2

    api = APIClient()
    api.force_authenticate(alice)
    figures = api.get("/api/v1/stats/").json()
    assert figures["claims_by_status"] == {
        "new": 5,
        "in_review": 1,
        "reviewed": 1,
        "published": 1,
        "dismissed": 1,
    }
    assert figures["claims_by_category"] == {"hedged": 3, "attributed": 4, "disputed": 2}
    assert figures["backlog"]["new"] == 5
    assert sum(day["count"] for day in figures["published_per_day"]) == 1


def claim_counts_in(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "claims_claim"' in q["sql"] and "COUNT(" in q["sql"]]


def test_the_figures_are_counted_again_only_when_a_claim_comes_in_or_changes(client, alice, erin):
    # Counting them took 1-2 s over 1,000,000 claims, on every load of the dashboard.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims import workflow

    a_desk_of_every_status(alice, erin)
    client.force_login(erin)
    api = APIClient()
    api.force_authenticate(alice)

    def statuses() -> dict:
        return {value: n for value, _, n in client.get(reverse("dashboard")).context["statuses"]}

    assert statuses()["new"] == 5
    assert api.get("/api/v1/stats/").json()["claims_by_status"]["new"] == 5
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dashboard"))
        assert api.get("/api/v1/stats/").json()["claims_by_status"]["new"] == 5
    assert not claim_counts_in(queries)
    # The time with its zone, as every clock time on the desk (FACTCHECK_TIME_ZONE).
    assert re.search(r"Figures as of \d\d:\d\d:\d\d UTC:", page.content.decode())

    taken = workflow.claim_take_next(reviewer=alice)
    assert (statuses()["new"], statuses()["in_review"]) == (4, 2)
    workflow.claim_dismiss(claim=taken, actor=alice, reason="Not check-worthy.")
    assert statuses()["dismissed"] == 2
    figures = api.get("/api/v1/stats/").json()
    assert figures["claims_by_status"]["dismissed"] == 2 and figures["backlog"]["new"] == 4

    ClaimFactory()  # a claim flagged meanwhile
    assert statuses()["new"] == 5
    assert api.get("/api/v1/stats/").json()["claims_by_status"]["new"] == 5


def test_a_change_the_figures_do_not_see_shows_once_they_are_old_enough(
    client, alice, erin, monkeypatch
):
    a_desk_of_every_status(alice, erin)
    client.force_login(erin)
    categories = lambda: dict(client.get(reverse("dashboard")).context["categories"])  # noqa: E731
    assert categories()["unverifiable"] == 0
    # The admin changes a claim's category: no claim comes in and none changes state.
    Claim.objects.filter(category=Claim.Category.HEDGED).update(category="unverifiable")
    assert categories()["unverifiable"] == 0
    monkeypatch.setattr(stats, "FIGURES_MAX_AGE", timedelta(0))
    assert categories()["unverifiable"] == 2


def test_the_time_to_verdict_counts_each_claims_first_verdict_once(client, alice):
    # A correction published 20 days after the claim was flagged counted as a second
    # verdict that took 20 days: one claim checked in an hour had a median of 10 days.
    flagged = timezone.now() - timedelta(days=25)
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    Claim.objects.filter(pk=claim.pk).update(created_at=flagged)
    for took, note in [(HOUR, ""), (20 * 24 * HOUR, "The agency corrected its figure.")]:
        Verdict.objects.create(
            claim=claim,
            rating=rating("false"),
            summary="Records show otherwise.",
            reviewer=alice,
            correction_note=note,
            submitted_at=flagged + took,
            published_at=flagged + took,
        )

    api = APIClient()
    api.force_authenticate(alice)
    assert api.get("/api/v1/stats/").json()["median_time_to_verdict_seconds"] == 3600
    client.force_login(alice)
    dashboard = client.get(reverse("dashboard")).context
    assert dashboard["ttv_median"] == 1 and dashboard["ttv_count"] == 1


def test_the_api_counts_verdicts_per_day_over_30_whole_days_in_utc(alice):
    # The period began 30 days before this moment: its first day was counted from noon
    # (a day of its own, 1 March, with half its verdicts), and days without one were left
    # out, where the dashboard shows them as 0.
    now = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    claims = [ClaimFactory(status=Claim.Status.PUBLISHED) for _ in range(3)]
    for claim, published in zip(
        claims, ["2026-03-01T16:00Z", "2026-03-02T01:00Z", "2026-03-02T08:00Z"], strict=True
    ):
        Verdict.objects.create(
            claim=claim,
            rating=rating("false"),
            summary="Records show otherwise.",
            reviewer=alice,
            submitted_at=published,
            published_at=published,
        )
    api = APIClient()
    api.force_authenticate(alice)
    with mock.patch("django.utils.timezone.now", return_value=now):
        per_day = api.get("/api/v1/stats/").json()["published_per_day"]
    assert len(per_day) == 30
    assert per_day[0] == {"day": "2026-03-02", "count": 2}
    assert per_day[1] == {"day": "2026-03-03", "count": 0}
    assert per_day[-1] == {"day": "2026-03-31", "count": 0}


def test_articles_are_counted_by_status_and_by_feed(db):
    busy = FeedFactory(title="Busy wire")
    FeedFactory(title="Quiet wire")
    ArticleFactory.create_batch(2, feed=busy, status=Article.Status.PROCESSED)
    ArticleFactory(feed=busy, status=Article.Status.FAILED)
    ArticleFactory(status=Article.Status.FAILED)  # of no feed
    assert stats.articles_by_status() == {"processed": 2, "failed": 2}
    feeds = Feed.objects.annotate(
        article_count=stats.feed_articles(),
        failed_count=stats.feed_articles(status=Article.Status.FAILED),
    )
    counted = {feed.title: (feed.article_count, feed.failed_count) for feed in feeds}
    assert counted == {"Busy wire": (3, 1), "Quiet wire": (0, 0)}


def plans_of(queries, table: str) -> str:
    """The plans, with sequential scans off (a table this small is read whole otherwise,
    whatever the query), of the captured SELECTs that read ``table``."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads a table this small whole, whatever the query")
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries:
            if query["sql"].startswith("SELECT") and f'"{table}"' in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert plans, f"no query read {table}"
    return "\n".join(plans)


def test_articles_by_status_are_read_from_the_status_index(alice):
    # COUNT("id") read every article for its id (31-56 ms over 50,000 articles): COUNT(*)
    # is answered from article_status_created alone (7-11 ms).
    ArticleFactory()
    api = APIClient()
    api.force_authenticate(alice)
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/stats/").json()["articles_by_status"] == {"processed": 1}
    plan = plans_of(queries, "claims_article")
    assert "Index Only Scan using article_status_created" in plan


def test_a_feeds_articles_are_counted_through_the_feed_index(client, alice):
    # A join counted them in one pass over every article (60-120 ms over 50,000 articles).
    ArticleFactory(feed=FeedFactory())
    client.force_login(alice)
    for page in ("feeds", "dashboard"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(page)).status_code == 200
        plan = plans_of([q for q in queries if '"claims_feed"' in q["sql"]], "claims_article")
        # Each count looks the feed's articles up, none reads them all.
        counts = 2 if page == "feeds" else 1
        assert plan.count("Index Cond: (feed_id = claims_feed.id)") == counts, plan


def test_articles_published_after_a_time_are_counted_through_its_index(alice):
    # The API's published_after/_before counted every article (37-45 ms over 50,000).
    ArticleFactory(published_at=timezone.now())
    api = APIClient()
    api.force_authenticate(alice)
    with CaptureQueriesContext(connection) as queries:
        listed = api.get("/api/v1/articles/", {"published_after": "2026-01-01T00:00:00Z"})
    assert listed.json()["count"] == 1
    counts = [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert "article_published" in plans_of(counts, "claims_article")
