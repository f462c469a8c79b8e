"""The background side over a long run: what a big bulk file does to beat's work."""

from __future__ import annotations

import time

import pytest

from claims import ingestion, tasks
from claims.models import Article, Feed
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_feeds_are_polled_while_a_bulk_backlog_waits(workers, server, allow_private):
    # A bulk file of thousands of articles queued ahead of beat's ticks held every feed
    # poll (and every lease expiry, every sweep) until the last article was done: an
    # archive of 20,000 articles stopped the feeds for most of an hour.
    workers(concurrency=1)
    page = server.fixture("/article.html")

    def slow(handler):
        time.sleep(1)
        return page

    server.routes["/slow.html"] = slow
    backlog = [
        ingestion.submit_url(server.url(f"slow.html?copy={n}")).article.pk for n in range(30)
    ]
    for article_id in backlog:
        tasks.process_article.delay(article_id)
    wait_for(lambda: server.hits("/slow.html?copy=0"), what="the backlog to start")

    feed = Feed.objects.create(url=server.url("feed.xml"), poll_interval=1)
    tasks.poll_due_feeds.delay()  # what beat sends every tick

    wait_for(
        lambda: Feed.objects.filter(pk=feed.pk, last_polled_at__isnull=False).exists(),
        timeout=8,
        what="the feed to be polled with 30 s of articles queued before it",
    )
    assert Article.objects.filter(pk__in=backlog, status="pending").count() > 15


def test_each_message_goes_to_one_queue(workers, server, allow_private):
    import redis
    from django.conf import settings

    workers(concurrency=1)
    broker = redis.Redis.from_url(settings.REDIS_URL)
    bindings = {member.split(b"\x06\x16")[0] for member in broker.smembers("_kombu.binding.celery")}
    assert bindings == {b"celery", b"schedule"}  # one routing key per queue

    article = ingestion.submit_url(server.url("article.html")).article
    tasks.process_article.delay(article.pk)
    wait_for(lambda: Article.objects.filter(pk=article.pk, status="processed").exists())
    time.sleep(2)  # a copy in the other queue would be taken by now
    assert server.hits("/article.html") == 1
