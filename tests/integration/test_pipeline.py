"""The pipeline end to end on real parts: PostgreSQL, Redis, a Celery worker, HTTP."""

from __future__ import annotations

import json
import time

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


def test_a_bulk_file_uploaded_on_the_desk_goes_through_the_worker(
    worker, server, allow_private, client, alice
):
    # 2,500 URL lines held the request for 100 s, past a proxy's 60 s: the request now
    # stores the file on its job and a worker submits the lines.
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from claims.models import IngestionJob

    lines = [json.dumps({"url": server.url(f"article.html?copy={n}")}) for n in range(40)]
    upload = SimpleUploadedFile("wire.jsonl", "\n".join([*lines, "not json"]).encode())
    client.force_login(alice)
    started = time.monotonic()
    response = client.post(reverse("article-add"), {"source": "file", "file": upload})
    assert response.status_code == 302 and time.monotonic() - started < 5
    job = IngestionJob.objects.get()
    assert response["Location"].endswith(f"job={job.pk}") and job.total == 41

    job = wait_for(
        lambda: IngestionJob.objects.filter(pk=job.pk, finished_at__isnull=False).first(),
        what="the worker to ingest the file and process its articles",
    )
    assert job.done + job.duplicates == 40 and job.failed == 1 and job.lines == ""
    assert Article.objects.count() == 40
    assert all(server.hits(f"/article.html?copy={n}") == 1 for n in range(40))

    # The message again (a redelivery): one set of articles, the same counts.
    IngestionJob.objects.filter(pk=job.pk).update(lines="\n".join(lines), finished_at=None)
    tasks.ingest_bulk_file.delay(job.pk)
    wait_for(
        lambda: IngestionJob.objects.filter(pk=job.pk, lines="").exists(),
        what="the second delivery to end",
    )
    job.refresh_from_db()
    assert Article.objects.count() == 40 and job.done + job.duplicates + job.failed == 41
