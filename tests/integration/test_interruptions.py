"""Interruptions that are nobody's fault, with a real worker on PostgreSQL and Redis: the
database connection lost mid-task (a restart, a failover) and a task's time limit."""

from __future__ import annotations

import hashlib
import threading
import time

import psycopg
import pytest
from django.db import connection

from claims import ingestion, tasks
from claims.models import Article, Feed
from tests.http_server import FIXTURES, Answer
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

STORY = (FIXTURES / "feed" / "story-1.html").read_text()


def serve_feed(server, path: str, count: int, prefix: str) -> None:
    """A feed of `count` entries, each linking to a page of its own; 304 to its ETag."""
    for n in range(count):
        body = STORY.replace("kestrel-bay-rail-strike", f"{prefix}-{n}").replace(
            "</article>", f"<p>The mayor said dispatch {prefix} {n} was filed.</p></article>"
        )
        server.routes[f"/{prefix}/{n}.html"] = Answer(
            200, body.encode(), {"Content-Type": "text/html; charset=utf-8"}
        )
    items = "".join(
        f"<item><title>Story {n}</title><link>{server.base}/{prefix}/{n}.html</link>"
        f"<guid>{prefix}-{n}</guid></item>"
        for n in range(count)
    )
    rss = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    )

    def route(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return Answer(304, b"", {"ETag": '"v1"'})
        return Answer(200, rss.encode(), {"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    server.routes[path] = route


def cut_worker_connections() -> None:
    """End every other session of the database, as a restart or a failover does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def test_an_article_whose_connection_is_lost_mid_fetch_is_retried(workers, server, allow_private):
    # It was failed for good: "Unexpected error while processing: OperationalError(…)".
    workers(concurrency=1)
    arrived = threading.Event()
    page = server.fixture("/article.html")

    def slow(handler):
        arrived.set()
        time.sleep(3)
        return page

    server.routes["/slow.html"] = slow
    article = ingestion.submit_url(server.url("slow.html")).article
    tasks.process_article.delay(article.pk)
    assert arrived.wait(30)
    cut_worker_connections()  # the database is back at once; the page is still coming
    article = wait_for(
        lambda: Article.objects.filter(pk=article.pk).exclude(status="pending").first(),
        what="the article to be finished",
    )
    assert article.status == "processed", article.error
    assert article.attempts == 2


def test_a_poll_whose_connection_is_lost_leaves_the_rest_to_the_next_poll(
    workers, server, allow_private
):
    # The entry being stored was skipped as a bad one, the ETag kept, and the next poll's
    # 304 lost it for good.
    workers(concurrency=1)
    serve_feed(server, "/blip.xml", 300, prefix="b")
    feed = Feed.objects.create(url=server.url("blip.xml"))
    tasks.poll_feed.delay(feed.pk)
    wait_for(lambda: Article.objects.count() >= 50, interval=0.01, what="the poll under way")
    cut_worker_connections()
    feed = wait_for(
        lambda: Feed.objects.filter(pk=feed.pk, last_polled_at__isnull=False).first(),
        what="the poll to end",
    )
    assert "the poll stopped at" in feed.last_error and feed.etag == ""
    tasks.poll_feed.delay(feed.pk)  # as beat does a minute later
    wait_for(lambda: Article.objects.count() == 300, what="every entry")
    feed = wait_for(lambda: Feed.objects.filter(pk=feed.pk, etag='"v1"').first())
    assert feed.last_error == ""


def hold_url_lock(url: str) -> psycopg.Connection:
    """Another session holding ingestion's lock on `url`: the poll waits at that entry."""
    settings = connection.settings_dict
    held = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
    )
    key = int.from_bytes(hashlib.sha256(url.encode()).digest()[:4], "big", signed=True)
    held.execute("BEGIN")
    held.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ingestion._URL_LOCKS, key])
    return held


def test_a_poll_past_its_time_limit_stops_and_the_next_poll_goes_on(workers, server, allow_private):
    # SoftTimeLimitExceeded was taken for a bad entry: skipped, and lost behind the ETag.
    workers(concurrency=1)
    serve_feed(server, "/held.xml", 20, prefix="h")
    feed = Feed.objects.create(url=server.url("held.xml"))
    held = hold_url_lock(server.url("h/5.html"))
    # A limit asked for in one call travels in its message (else the worker's own apply).
    tasks.poll_feed.apply_async((feed.pk,), soft_time_limit=2, time_limit=6)
    feed = wait_for(
        lambda: Feed.objects.filter(pk=feed.pk, last_polled_at__isnull=False).first(),
        what="the poll to end",
    )
    held.close()
    assert "the poll stopped at" in feed.last_error and "h/5.html" in feed.last_error
    assert "took longer than 2 s" in feed.last_error  # the limit it had, not the settings'
    tasks.poll_feed.delay(feed.pk)
    wait_for(lambda: Article.objects.count() == 20, what="every entry")
