"""No lost work: killed workers, transient failures, volume and beat, on real services."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from claims import detection, ingestion, tasks
from claims.models import Article, Claim, Feed
from tests.http_server import FIXTURES, Answer
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

# Short limits so a dead worker's message comes back within seconds in the test; the
# production defaults keep the same ordering (visibility > time limit > retry delay).
FAST_RECOVERY = {
    "FACTCHECK_VISIBILITY_TIMEOUT": "12",
    "FACTCHECK_TASK_TIME_LIMIT": "10",
    "FACTCHECK_TASK_SOFT_TIME_LIMIT": "8",
    "FACTCHECK_RETRY_MAX_DELAY": "2",
}


def slow_article(server, seconds: float) -> threading.Event:
    """Serve article.html slowly at /slow.html; the event is set once a request arrives."""
    arrived = threading.Event()
    page = server.fixture("/article.html")

    def answer(handler):
        arrived.set()
        time.sleep(seconds)
        return page

    server.routes["/slow.html"] = answer
    return arrived


def assert_processed_once(article_id: int) -> Article:
    article = wait_for(
        lambda: Article.objects.filter(pk=article_id, status="processed").first(),
        timeout=90,
        what="the article to be processed after the crash",
    )
    assert Article.objects.count() == 1
    assert Claim.objects.filter(article=article).count() == len(detection.detect(article.text))
    return article


def test_it_redelivers_the_task_of_a_killed_child(workers, server, allow_private):
    worker = workers(concurrency=1)
    arrived = slow_article(server, seconds=3)
    article = ingestion.submit_url(server.url("slow.html")).article
    tasks.process_article.delay(article.pk)

    assert arrived.wait(30), "the worker never fetched the page"
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)

    article = assert_processed_once(article.pk)
    assert article.attempts == 2
    assert server.hits("/slow.html") == 2


def test_it_recovers_the_task_of_a_killed_worker(workers, server, allow_private):
    first = workers(concurrency=1, **FAST_RECOVERY)
    arrived = slow_article(server, seconds=3)
    article = ingestion.submit_url(server.url("slow.html")).article
    tasks.process_article.delay(article.pk)

    assert arrived.wait(30), "the worker never fetched the page"
    first.kill_all()
    assert Article.objects.get(pk=article.pk).status == "pending"

    workers(concurrency=1, **FAST_RECOVERY)
    article = assert_processed_once(article.pk)
    assert article.attempts == 2


def test_it_retries_503_and_fails_404_at_once(workers, server, allow_private):
    workers(concurrency=2, FACTCHECK_RETRY_MAX_DELAY="1", FACTCHECK_VISIBILITY_TIMEOUT="200")
    page = server.fixture("/article.html")
    answers = [Answer(503, b"busy"), Answer(503, b"busy"), page]
    server.routes["/flaky.html"] = lambda handler: answers.pop(0) if answers else page
    flaky = ingestion.submit_url(server.url("flaky.html")).article
    missing = ingestion.submit_url(server.url("missing.html")).article
    tasks.process_article.delay(flaky.pk)
    tasks.process_article.delay(missing.pk)

    flaky = wait_for(
        lambda: Article.objects.filter(pk=flaky.pk, status="processed").first(),
        what="the flaky page to succeed on retry",
    )
    assert flaky.attempts == 3
    missing = wait_for(
        lambda: Article.objects.filter(pk=missing.pk, status="failed").first(),
        what="the missing page to fail",
    )
    assert missing.attempts == 1 and "HTTP 404" in missing.error
    assert server.hits("/missing.html") == 1


def test_it_gives_up_after_the_last_retry(workers, server, allow_private):
    workers(concurrency=1, FACTCHECK_RETRY_MAX_DELAY="1", FACTCHECK_VISIBILITY_TIMEOUT="200")
    server.routes["/down.html"] = Answer(503, b"down")
    article = ingestion.submit_url(server.url("down.html")).article
    tasks.process_article.delay(article.pk)

    article = wait_for(
        lambda: Article.objects.filter(pk=article.pk, status="failed").first(),
        what="the page that stays down to fail after its retries",
    )
    assert "HTTP 503" in article.error
    assert article.attempts == tasks.MAX_RETRIES + 1
    assert server.hits("/down.html") == tasks.MAX_RETRIES + 1


def test_a_worker_reconnects_after_losing_its_database_connection(workers, server, allow_private):
    workers(concurrency=1)
    first = ingestion.submit_url(server.url("article.html")).article
    tasks.process_article.delay(first.pk)
    wait_for(lambda: Article.objects.filter(pk=first.pk, status="processed").exists())

    # As after a PostgreSQL restart or failover: the worker's kept connection is gone.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1

    server.routes["/second.html"] = server.fixture("/feed/story-1.html")
    second = ingestion.submit_url(server.url("second.html")).article
    tasks.process_article.delay(second.pk)
    second = wait_for(
        lambda: Article.objects.filter(pk=second.pk).exclude(status="pending").first(),
        what="the next article after the connection was lost",
    )
    assert second.status == "processed", second.error
    assert second.attempts == 1


def test_it_ingests_200_articles_without_losing_or_repeating_one(workers, server, allow_private):
    workers(concurrency=2)
    template = (FIXTURES / "feed" / "story-1.html").read_text()
    for number in range(200):
        body = template.replace("kestrel-bay-rail-strike", f"rail-strike-{number}").replace(
            "</article>", f"<p>The mayor said dispatch {number} was filed.</p></article>"
        )
        server.routes[f"/bulk/{number}.html"] = Answer(
            200, body.encode(), {"Content-Type": "text/html; charset=utf-8"}
        )
    ids = [ingestion.submit_url(server.url(f"bulk/{n}.html")).article.pk for n in range(200)]
    sessions_before = database_sessions()
    for article_id in ids:
        tasks.process_article.delay(article_id)

    wait_for(
        lambda: Article.objects.filter(status="processed").count() == 200,
        timeout=180,
        what="200 processed articles",
    )
    assert Article.objects.count() == 200
    assert Article.objects.exclude(attempts=1).count() == 0
    assert all(server.hits(f"/bulk/{n}.html") == 1 for n in range(200))
    assert Claim.objects.values("article").distinct().count() == 200
    # The worker keeps its connections between tasks (Celery alone would open one per task).
    assert database_sessions() - sessions_before < 20


def database_sessions() -> int:
    """Sessions opened on the test database so far (PostgreSQL's statistics)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_beat_and_worker_poll_a_feed_conditionally(workers, beat, server, allow_private):
    workers(concurrency=2)
    version = {"etag": '"v1"', "file": "feed.xml"}
    rss = (FIXTURES / "feed.xml").read_text()
    first_two = rss[: rss.rfind("<item>")] + "</channel></rss>"

    def feed(handler):
        if handler.headers.get("If-None-Match") == version["etag"]:
            return Answer(304, b"")
        body = first_two if version["etag"] == '"v1"' else rss
        return Answer(
            200,
            body.replace("{base}", server.base).encode(),
            {"Content-Type": "application/rss+xml", "ETag": version["etag"]},
        )

    server.routes["/live.xml"] = feed
    record = Feed.objects.create(url=server.url("live.xml"), poll_interval=1)

    def poll_saved(since):
        """Wait until a poll after `since` has saved the feed: until then, a next_poll_at
        set here would be overwritten by the poll's own (a minute on), and the next poll
        would come after the wait gave up."""
        return wait_for(
            lambda: (
                Feed.objects.filter(pk=record.pk, last_polled_at__gt=since)
                .values_list("last_polled_at", flat=True)
                .first()
            ),
            what="the poll to be saved",
        )

    wait_for(
        lambda: Article.objects.filter(feed=record, status="processed").count() == 2,
        what="beat to poll the feed and the worker to ingest two entries",
    )
    first = poll_saved(record.created_at - timedelta(days=1))

    # The next poll (its interval has passed) asks conditionally and gets 304.
    Feed.objects.filter(pk=record.pk).update(next_poll_at=timezone.now())
    wait_for(lambda: server.hits("/live.xml") >= 2, what="a second poll")
    second = [headers for path, headers in server.requests if path == "/live.xml"][1]
    assert second.get("If-None-Match") == '"v1"'
    poll_saved(first)

    # A new entry appears; the next poll picks it up.
    version["etag"] = '"v2"'
    Feed.objects.filter(pk=record.pk).update(next_poll_at=timezone.now())
    wait_for(
        lambda: Article.objects.filter(feed=record, status="processed").count() == 3,
        what="the new entry to be ingested",
    )
    assert Article.objects.filter(feed=record).count() == 3


def test_the_workers_own_time_limit_stops_a_task_and_the_article_says_which(
    workers, server, allow_private
):
    # The limits came from the sender's settings (this process: 180/120 s), and the worker
    # set to 4/2 s let the task run on; the reason quoted the settings of the process
    # writing it.
    workers(concurrency=1, FACTCHECK_TASK_TIME_LIMIT="4", FACTCHECK_TASK_SOFT_TIME_LIMIT="2")
    slow_article(server, seconds=6)
    article = ingestion.submit_url(server.url("slow.html")).article
    tasks.process_article.delay(article.pk)
    article = wait_for(
        lambda: Article.objects.filter(pk=article.pk, status="failed").first(),
        timeout=30,
        what="the article to fail at the worker's time limit",
    )
    assert "took longer than 2 s, the time limit of a background task" in article.error


def test_a_bulk_file_whose_worker_is_killed_mid_batch_is_counted_once(workers):
    # Lines commit in batches with their counts and the position: the killed child's
    # batch under way is undone, and the message delivered again goes on from its start.
    from claims.models import IngestionJob

    worker = workers(concurrency=1)
    lines = [
        f'{{"text": "Story {n}. The minister said the plant would close."}}'
        if n % 1000 == 0
        else "not json"
        for n in range(60_000)  # failing lines go fast: long enough to be killed mid-file
    ]
    job = IngestionJob.objects.create(
        kind="bulk", source="wire.jsonl", total=len(lines), lines="\n".join(lines)
    )
    tasks.ingest_bulk_file.delay(job.pk)
    wait_for(
        lambda: IngestionJob.objects.filter(pk=job.pk, lines_handled__gte=2000).exists(),
        what="the worker to commit its first batches",
    )
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)
    at_kill = IngestionJob.objects.get(pk=job.pk)
    assert 0 < at_kill.lines_handled < len(lines)

    job = wait_for(
        lambda: IngestionJob.objects.filter(pk=job.pk, finished_at__isnull=False).first(),
        timeout=90,
        what="the file to be read again from the killed batch and its articles processed",
    )
    assert job.lines == "" and job.lines_handled == len(lines)
    assert (job.done, job.duplicates, job.failed) == (60, 0, 59_940)
    assert Article.objects.count() == 60 and len(job.errors) == 100


def test_a_line_that_breaks_its_batch_transaction_leaves_the_others_counted_once(
    postgres, monkeypatch
):
    # On PostgreSQL a failed statement leaves the whole transaction unusable: the batch
    # is done again without the line, then the line alone, which fails by itself.
    from django.db import connection

    from claims.models import IngestionJob

    submit = ingestion._submit_bulk_line

    def line_3_breaks(number, line):
        if number == 3:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")
        return submit(number, line)

    monkeypatch.setattr(ingestion, "_submit_bulk_line", line_3_breaks)
    lines = [f'{{"text": "Story {n}. The mayor said the dam was safe."}}' for n in range(5)]
    job = IngestionJob.objects.create(kind="bulk", total=5, lines="\n".join(lines))
    ingestion.ingest_jsonl(lines, job=job, process=lambda article: None, resume=True)
    job.refresh_from_db()
    assert Article.objects.count() == 4 and job.lines_handled == 5
    assert job.failed == 1 and job.errors[0]["line"] == 3
    assert "division by zero" in job.errors[0]["reason"]
