"""Odd input found by probing every endpoint: each is a clear 4xx, never a 500."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Article, Claim
from tests.factories import ClaimFactory, FeedFactory

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"]


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/?created_after=",
        "/api/v1/claims/?created_before=",
        "/api/v1/claims/export.csv?created_after=",
        "/api/v1/articles/?published_after=",
        "/api/v1/articles/?created_before=",
    ],
)
def test_a_date_filter_out_of_range_is_a_400(api, path, moment):
    ClaimFactory()
    response = api.get(path + moment.replace("+", "%2B"))
    assert response.status_code == 400
    assert "out of range" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/?created_after=",
        "/api/v1/claims/export.csv?created_after=",
        "/api/v1/articles/?created_after=",
    ],
)
def test_a_date_filter_with_an_offset_past_what_postgresql_takes_is_read_in_utc(api, path):
    # ISO 8601 allows offsets to ±23:59, PostgreSQL to ±15:59: a 500 there (an empty
    # export), though SQLite answered.
    old, new = ClaimFactory(), ClaimFactory()
    Claim.objects.filter(pk=old.pk).update(created_at="2026-01-01T23:00:00Z")
    Claim.objects.filter(pk=new.pk).update(created_at="2026-01-02T00:30:00Z")
    Article.objects.filter(pk=old.article_id).update(created_at="2026-01-01T23:00:00Z")
    Article.objects.filter(pk=new.article_id).update(created_at="2026-01-02T00:30:00Z")
    response = api.get(path + "2026-01-01T00:00:00-23:45")  # 2026-01-01T23:45Z
    assert response.status_code == 200
    if path.startswith("/api/v1/claims/export.csv"):
        rows = b"".join(response.streaming_content).decode().splitlines()
        assert len(rows) == 2 and rows[1].startswith(f"{new.pk},")
    else:
        assert [item["id"] for item in response.json()["results"]] == [
            new.pk if "claims" in path else new.article_id
        ]


def test_a_cursor_with_an_offset_past_what_postgresql_takes_is_read_in_utc(api):
    ClaimFactory()
    cursor = base64.b64encode(b"p=2026-01-01 00:00:00-23:45").decode()
    response = api.get(f"/api/v1/claims/?ordering=created_at&cursor={cursor}")
    assert response.status_code == 200


def test_a_tampered_cursor_is_a_404(api):
    ClaimFactory()
    for position in ["o=1&p=abc", "o=1&p=", "p=0.5&o=0"]:
        cursor = base64.b64encode(position.encode()).decode()
        response = api.get(f"/api/v1/claims/?ordering=id&cursor={cursor}")
        assert response.status_code == 404, position
        assert response.json()["detail"] == "Invalid cursor"


@pytest.mark.parametrize(
    "position", ["p=9999-12-31T23:59:59-05:00", "r=1&p=0001-01-01T00:00:00%2B05:00"]
)
def test_a_cursor_with_a_moment_out_of_range_is_a_404(api, position):
    ClaimFactory()
    cursor = base64.b64encode(position.encode()).decode()
    response = api.get(f"/api/v1/claims/?ordering=created_at&cursor={cursor}")
    assert response.status_code == 404 and response.json()["detail"] == "Invalid cursor"


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/claims/?assignee={n}", None),
        ("/api/v1/claims/export.csv?assignee={n}", None),
        ("/api/v1/claims/bulk/", {"action": "assign", "ids": [1], "assignee": "{n}"}),
        ("/api/v1/claims/1/assign/", {"assignee": "{n}"}),
    ],
)
def test_a_number_of_thousands_of_digits_is_no_500(editor_api, path, body):
    ClaimFactory()
    n = "9" * 5000
    if body is None:
        response = editor_api.get(path.format(n=n))
    else:
        payload = {k: (n if v == "{n}" else v) for k, v in body.items()}
        response = editor_api.post(path, payload, format="json")
    assert response.status_code in (200, 400, 404), response.status_code


def test_a_cursor_from_another_ordering_is_a_404(api):
    for priority in (0.75, 0.5, 0.25):
        ClaimFactory(priority=priority)
    following = api.get("/api/v1/claims/?page_size=1").json()["next"]  # holds priority 0.75

    response = api.get(following + "&ordering=id")

    assert response.status_code == 404


def test_json_nested_too_deeply_is_a_400(api):
    claim = ClaimFactory()
    body = "[" * 100_000 + "]" * 100_000

    response = api.post(f"/api/v1/claims/{claim.pk}/assign/", body, content_type="application/json")

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize(
    "action, body",
    [
        ("evidence", b'{"url": "https://records.example.org/c", "stance": "\\ud800"}'),
        ("bulk", b'{"action": "\\udfff", "ids": [1]}'),
        ("dismiss", b'{"reason": "\\ud800x"}'),
    ],
)
def test_a_lone_surrogate_in_a_choice_is_a_400_naming_the_field(editor_api, editor, action, body):
    # The choice's error repeats what was sent, and a lone surrogate cannot be written out
    # as UTF-8: the answer was a 500.
    from claims import workflow

    claim = workflow.claim_assign(claim=ClaimFactory(), assignee=editor, actor=editor)
    path = "/api/v1/claims/bulk/" if action == "bulk" else f"/api/v1/claims/{claim.pk}/{action}/"
    editor_api.raise_request_exception = False

    response = editor_api.post(path, body, content_type="application/json")

    assert response.status_code == 400, response.content
    field = {"evidence": "stance", "bulk": "action", "dismiss": "reason"}[action]
    assert field in response.json()


def test_an_unknown_api_path_is_a_json_404(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_evidence_must_be_a_web_link_with_a_bounded_note(api):
    ClaimFactory()
    claim = api.post("/api/v1/claims/next/").json()
    url = f"/api/v1/claims/{claim['id']}/evidence/"
    ftp = api.post(url, {"url": "ftp://files.example.org/a", "stance": "context"}, format="json")
    assert ftp.status_code == 400 and "url" in ftp.json()
    long = {"url": "https://a.example.org", "stance": "context", "note": "x" * 5001}
    response = api.post(url, long, format="json")
    assert response.status_code == 400 and "note" in response.json()


def test_a_paused_feed_is_not_polled(editor_api):
    feed = FeedFactory(active=False)
    response = editor_api.post(f"/api/v1/feeds/{feed.pk}/poll/")
    assert response.status_code == 409
    assert "paused" in response.json()["detail"]


def test_a_text_too_long_for_one_article_is_a_400(api):
    text = "The mayor said the bridge would reopen. " * 30_000  # 1.2 million characters
    response = api.post("/api/v1/articles/", {"text": text}, format="json")
    assert response.status_code == 400
    assert "no more than 1000000 characters" in response.json()["text"][0]
    html = "<p>" + "x" * (5 * 1024 * 1024) + "</p>"
    response = api.post("/api/v1/articles/", {"html": html}, format="json")
    assert response.status_code == 400
    assert "html" in response.json()


def test_a_body_too_large_for_the_server_is_a_json_400(api):
    body = '{"text": "' + "x" * (16 * 1024 * 1024) + '"}'
    response = api.post("/api/v1/articles/", body, content_type="application/json")
    assert response.status_code == 400
    assert "Bad request" in response.json()["detail"]


def test_binary_data_sent_as_text_is_a_400(api):
    text = "".join(chr(1 + n % 31) for n in range(5_000)) + " The mayor said so."
    response = api.post("/api/v1/articles/", {"text": text}, format="json")
    assert response.status_code == 400
    assert "does not look like plain text" in response.json()["text"][0]


@pytest.mark.parametrize(
    "text",
    [
        "The mayor said the bridge would reopen.\fPage two: officials said so.\tEnd.",
        "Quote \x1b[1mbold\x1b[0m as pasted from a terminal. The mayor said so. " * 3,
        "Caf\ufffd owners said the rent doubled. " * 20,
    ],
)
def test_text_with_a_few_odd_characters_is_still_text(text):
    from claims import ingestion

    assert ingestion.submit_text(text).created


def test_a_text_too_long_for_one_article_is_refused_on_every_path(tmp_path):
    from claims import ingestion

    with pytest.raises(ingestion.IngestionError, match="too long"):
        ingestion.submit_text("x" * (ingestion.MAX_TEXT_CHARS + 1))
    line = json.dumps({"text": "x" * (ingestion.MAX_TEXT_CHARS + 1)})
    assert ingestion.ingest_jsonl([line]).failed == 1


@pytest.mark.django_db(transaction=True)  # the poll runs on commit, in-process
def test_a_poll_run_in_process_answers_with_what_it_did(editor_api, allow_private, server):
    from claims.models import Feed

    feed = Feed.objects.create(url=server.url("feed.xml"))
    response = editor_api.post(f"/api/v1/feeds/{feed.pk}/poll/")
    assert response.status_code == 202
    assert response.json()["last_polled_at"] is not None


@pytest.mark.django_db(transaction=True)  # the poll runs on commit, in-process
def test_a_poll_names_the_job_that_follows_it(editor_api, allow_private, server):
    # The 202 named no job: a client could not tell when the poll's articles were done.
    from claims.models import Feed

    feed = Feed.objects.create(url=server.url("feed.xml"))
    response = editor_api.post(f"/api/v1/feeds/{feed.pk}/poll/")
    assert response.status_code == 202
    body = response.json()
    assert body["id"] == feed.pk and body["last_polled_at"] is not None  # as before
    assert body["job_url"] == f"http://testserver/api/v1/jobs/{body['job']}/"
    job = editor_api.get(body["job_url"]).json()
    assert (job["kind"], job["source"], job["total"], job["done"]) == ("feed", feed.url, 3, 3)
    assert job["finished_at"] is not None
    # Nothing new on the next poll: its job is finished at once, with nothing in it.
    again = editor_api.post(f"/api/v1/feeds/{feed.pk}/poll/").json()
    job = editor_api.get(again["job_url"]).json()
    assert again["job"] != body["job"]
    assert (job["total"], job["finished_at"] is not None, job["errors"]) == (0, True, [])


def test_a_queued_poll_names_a_job_that_waits_for_the_worker(
    editor_api, allow_private, server, monkeypatch, django_capture_on_commit_callbacks
):
    from claims import tasks
    from claims.models import Feed, IngestionJob

    feed = Feed.objects.create(url=server.url("feed.xml"))
    queued = []
    monkeypatch.setattr(tasks.poll_feed, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        job_id = editor_api.post(f"/api/v1/feeds/{feed.pk}/poll/").json()["job"]
    assert queued == [(feed.pk, job_id)]
    job = IngestionJob.objects.get(pk=job_id)
    assert job.waiting and job.finished_at is None
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.poll_feed(feed.pk, job_id) == 3  # the worker's run
    job.refresh_from_db()
    assert (job.total, job.done, IngestionJob.objects.count()) == (3, 3, 1)
    # A feed that cannot be read closes its poll's job, saying why.
    feed.url = server.url("gone.xml")
    feed.save()
    with django_capture_on_commit_callbacks(execute=True):
        job_id = editor_api.post(f"/api/v1/feeds/{feed.pk}/poll/").json()["job"]
    job = IngestionJob.objects.get(pk=job_id)
    assert job.finished_at is not None and "404" in job.errors[0]["reason"]


def test_a_poll_job_whose_poll_never_runs_is_closed_by_the_sweep(
    editor_api, allow_private, server, monkeypatch, django_capture_on_commit_callbacks
):
    # A lost message (or a worker killed at the time limit) left the job "queued" for ever:
    # nothing else closes it, and beat's next poll makes a job of its own.
    from claims import tasks
    from claims.models import Feed, IngestionJob

    feed = Feed.objects.create(url=server.url("feed.xml"))
    monkeypatch.setattr(tasks.poll_feed, "delay", lambda *args: None)  # the message is lost
    with django_capture_on_commit_callbacks(execute=True):
        job_id = editor_api.post(f"/api/v1/feeds/{feed.pk}/poll/").json()["job"]
    tasks.requeue_stale_articles()
    assert IngestionJob.objects.get(pk=job_id).finished_at is None  # not yet overdue
    IngestionJob.objects.filter(pk=job_id).update(started_at=timezone.now() - timedelta(hours=2))
    tasks.requeue_stale_articles()
    job = IngestionJob.objects.get(pk=job_id)
    assert job.finished_at is not None
    assert job.errors == [
        {"reason": "The poll never ran (its message was lost or its worker stopped)."}
    ]


def test_a_redelivered_poll_leaves_the_job_of_its_first_run_open(
    allow_private, server, monkeypatch, db
):
    # The worker died after the first run gave the job its articles; the message came back
    # (acks_late), found nothing new, and closed the job with its articles still pending.
    from claims import tasks
    from claims.models import Feed, IngestionJob

    feed = Feed.objects.create(url=server.url("feed.xml"))
    job = IngestionJob.objects.create(kind="feed", source=feed.url)
    monkeypatch.setattr(tasks.process_article, "delay", lambda *args: None)
    tasks.poll_feed(feed.pk, job.pk)
    tasks.poll_feed(feed.pk, job.pk)  # the same message again
    job.refresh_from_db()
    assert Article.objects.filter(job=job, status=Article.Status.PENDING).count() == 3
    assert (job.total, job.finished_at) == (3, None)


@pytest.mark.parametrize("ordering", ["rating", "-score,bogus", "article__title", "sc%20ore"])
def test_an_ordering_the_list_cannot_give_is_a_400(api, ordering):
    # It was ignored: the list came back in priority order as if the client had asked for it.
    ClaimFactory()
    response = api.get(f"/api/v1/claims/?ordering={ordering}")
    assert response.status_code == 400
    message = response.json()["ordering"][0]
    assert "priority, score, created_at, id" in message


def test_an_ordering_the_list_can_give_is_taken(api):
    low, high = ClaimFactory(score=0.2), ClaimFactory(score=0.9)
    response = api.get("/api/v1/claims/?ordering=-score, id")
    assert [c["id"] for c in response.json()["results"]] == [high.pk, low.pk]


def test_the_list_filters_do_not_apply_to_one_claim_or_article(api, editor_api, reviewer):
    claim = ClaimFactory()
    for query in ("status=dismissed", "ordering=bogus", "min_score=abc", "q=nothing-like-it"):
        response = api.get(f"/api/v1/claims/{claim.pk}/?{query}")
        assert response.status_code == 200, (query, response.json())
        assert response.json()["id"] == claim.pk
    taken = editor_api.post(
        f"/api/v1/claims/{claim.pk}/assign/?status=dismissed",
        {"assignee": reviewer.username},
        format="json",
    )
    assert taken.status_code == 200, taken.json()
    article = api.get(f"/api/v1/articles/{claim.article_id}/?created_after=bad&status=failed")
    assert article.status_code == 200 and article.json()["id"] == claim.article_id


def test_a_publication_date_far_ahead_is_a_400(api):
    body = {"text": "Officials said the bridge is shut.", "published_at": "3000-01-01T00:00:00Z"}
    response = api.post("/api/v1/articles/", body, format="json")
    assert response.status_code == 400
    assert response.json()["published_at"] == [
        "A publication date cannot be more than a day ahead of now."
    ]
    soon = (timezone.now() + timedelta(hours=6)).isoformat()  # a time zone off: kept
    response = api.post("/api/v1/articles/", {**body, "published_at": soon}, format="json")
    assert response.status_code in (201, 202), response.json()
    assert response.json()["published_at"] is not None


def test_a_source_link_is_checked_once_and_never_carries_a_password(api):
    ClaimFactory()
    claim = api.post("/api/v1/claims/next/").json()
    url = f"/api/v1/claims/{claim['id']}/evidence/"
    script = api.post(url, {"url": "javascript:alert(1)", "stance": "context"}, format="json")
    assert script.status_code == 400
    assert script.json()["url"] == ["Enter a valid URL."]  # once, not twice
    secret = {"url": "https://editor:hunter2@archive.example.org/doc", "stance": "context"}
    response = api.post(url, secret, format="json")
    assert response.status_code == 400  # it would be published among the citations
    assert "password" in response.json()["url"][0]
    idn = api.post(url, {"url": "https://例え.jp/記事", "stance": "context"}, format="json")
    assert idn.status_code == 201 and idn.json()["url"] == "https://例え.jp/記事"


def test_every_api_error_says_what_went_wrong_in_one_shape(api, settings):
    # `code` came with the workflow's errors only: a client that branched on it found it
    # on a 409 from take/ but not on one from retry/, nor on any 401, 404, 405 or 429.
    from rest_framework.test import APIClient

    from tests.factories import ArticleFactory, UserFactory

    claim = ClaimFactory()
    anonymous, stranger = APIClient(), APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token nope")
    settings.AXES_FAILURE_LIMIT = 1
    UserFactory(username="lou", role="reviewer")
    anonymous.post("/api/v1/auth/token/", {"username": "lou", "password": "x"}, format="json")
    answers = {
        "not_authenticated": anonymous.get("/api/v1/claims/"),
        "authentication_failed": stranger.get("/api/v1/claims/"),
        "permission_denied": api.post(
            "/api/v1/feeds/", {"url": "https://a.example/f"}, format="json"
        ),
        "not_found": api.get("/api/v1/claims/999999/"),
        "method_not_allowed": api.delete(f"/api/v1/claims/{claim.pk}/"),
        "not_acceptable": api.get("/api/v1/claims/", HTTP_ACCEPT="application/xml"),
        "unsupported_media_type": api.post("/api/v1/articles/", {"text": "x"}),
        "parse_error": api.post("/api/v1/articles/", "{", content_type="application/json"),
        "invalid_state": api.post(f"/api/v1/articles/{ArticleFactory().pk}/retry/"),
        "locked_out": anonymous.post(
            "/api/v1/auth/token/", {"username": "lou", "password": "x"}, format="json"
        ),
    }
    for code, response in answers.items():
        assert response.status_code >= 400, code
        assert response.json()["code"] == code, (code, response.json())
        assert isinstance(response.json()["detail"], str)
