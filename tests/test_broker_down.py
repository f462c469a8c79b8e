"""With the broker unreachable, submissions are kept (pending, with a note) and answered
normally: no error page, nothing lost. Celery runs as in production here (not eagerly),
against a Redis address nobody listens on, or one that never answers."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import pytest
from django.urls import reverse

from claims import tasks
from claims.models import Article, Feed, IngestionJob
from tests.api.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(username="eddie", role="editor")


@contextmanager
def broker_at(url: str):
    from factcheck.celery import app

    names = ("task_always_eager", "broker_url", "broker_connection_max_retries")
    saved = {name: app.conf[name] for name in names}
    app.conf.update(task_always_eager=False, broker_url=url, broker_connection_max_retries=1)
    forget_connections(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        forget_connections(app)  # they were made for the unreachable address


def forget_connections(app) -> None:
    # As Celery does after a fork: the next message opens a connection to the broker_url.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    with broker_at("redis://127.0.0.1:1/0"):  # port 1: connection refused at once
        yield


@pytest.fixture
def silent_broker():
    """A broker that takes connections and never answers, as a frozen Redis (SIGSTOP) or
    one cut off by the network after the connection was made."""
    listener = socket.create_server(("127.0.0.1", 0))
    # Closing the listener resets the connections waiting on it: a client without time
    # limits is let go after a minute, so the test fails on the time rather than hangs.
    release = threading.Timer(60, listener.close)
    release.start()
    try:
        with broker_at(f"redis://127.0.0.1:{listener.getsockname()[1]}/0"):
            yield
    finally:
        release.cancel()
        listener.close()


def test_an_article_submitted_while_the_broker_is_down_is_kept_pending(
    broker_down, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(
            "/api/v1/articles/", {"url": "https://news.example.org/2026/11/dam"}, format="json"
        )

    assert response.status_code == 202, response.content[:300]
    article = Article.objects.get(pk=response.data["id"])
    assert article.status == Article.Status.PENDING
    assert article.error == tasks.QUEUE_DOWN


def test_a_broker_that_never_answers_costs_a_submission_seconds_not_minutes(
    silent_broker, editor, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(
            "/api/v1/articles/", {"url": "https://news.example.org/2026/11/dam"}, format="json"
        )

    assert time.monotonic() - started < 10
    assert response.status_code == 202, response.content[:300]
    article = Article.objects.get(pk=response.data["id"])
    assert article.status == Article.Status.PENDING and article.error == tasks.QUEUE_DOWN


def test_the_dashboard_keeps_an_article_added_while_the_broker_is_down(
    broker_down, client, alice, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("article-add"),
            {"source": "text", "title": "Dam", "text": "The minister said the dam was safe."},
        )

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.PENDING and article.error == tasks.QUEUE_DOWN


def test_a_poll_asked_for_while_the_broker_is_down_shows_why_on_the_feed(
    broker_down, editor, django_capture_on_commit_callbacks
):
    feed = Feed.objects.create(url="https://news.example.org/feed.xml")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(f"/api/v1/feeds/{feed.pk}/poll/")

    assert response.status_code == 202
    feed.refresh_from_db()
    assert feed.last_error == tasks.QUEUE_DOWN
    job = IngestionJob.objects.get(pk=response.json()["job"])  # closed, saying why
    assert job.finished_at is not None and job.errors == [{"reason": tasks.QUEUE_DOWN}]
