"""The pipeline end to end on real parts: PostgreSQL, Redis, a Celery worker, HTTP."""

from __future__ import annotations

import pytest
from django.db import connection

from claims import ingestion, tasks
from claims.models import Article, Claim, Feed
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_runs_on_postgresql(postgres):
    assert connection.vendor == "postgresql"


def test_it_ingests_a_page_through_the_worker(worker, server, allow_private):
    submitted = ingestion.submit_url(server.url("article.html"))
    tasks.process_article.delay(submitted.article.pk)

    article = wait_for(
        lambda: Article.objects.filter(pk=submitted.article.pk, status="processed").first(),
        what="the article to be processed by the worker",
    )
    # Its canonical link names news.example.org: served from another site, not believed.
    assert article.url == server.url("article.html")
    assert article.byline == "Priya Natarajan"
    claims = Claim.objects.filter(article=article)
    assert claims.exists()
    assert not claims.filter(text__icontains="officials say").exists()
    assert server.hits("/article.html") == 1

    # The same task again (a redelivery) changes nothing.
    count = claims.count()
    tasks.process_article.delay(article.pk)
    tasks.process_article.delay(article.pk)
    wait_for(lambda: Article.objects.get(pk=article.pk).attempts >= 1, what="attempts")
    assert Claim.objects.filter(article=article).count() == count
    assert Article.objects.count() == 1


def test_it_polls_a_feed_through_the_worker(worker, server, allow_private):
    feed = Feed.objects.create(url=server.url("feed.xml"))
    tasks.poll_feed.delay(feed.pk)

    wait_for(
        lambda: Article.objects.filter(feed=feed, status="processed").count() == 3,
        what="three feed articles to be processed",
    )
    feed.refresh_from_db()
    assert feed.title.startswith("Northwind Wire")
    assert feed.last_error == ""
    assert Claim.objects.filter(article__feed=feed).exists()
    for number in (1, 2, 3):
        assert server.hits(f"/feed/story-{number}.html") == 1
