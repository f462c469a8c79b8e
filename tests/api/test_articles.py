from __future__ import annotations

import pytest

from claims.models import Article
from tests.api.conftest import CLAIM_KEYS
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db
# Processing is queued with transaction.on_commit, so tests that expect a processed article
# run outside the test transaction.
processing = pytest.mark.django_db(transaction=True)

TEXT = (
    "The governor said taxes would fall next year.\n\n"
    "A video purportedly showing the collapse spread online.\n\n"
    "The bridge reopened on Tuesday."
)


@processing
def test_it_ingests_pasted_text_in_process(api):
    response = api.post("/api/v1/articles/", {"text": TEXT, "title": "Taxes"}, format="json")

    assert response.status_code == 201, response.data
    assert response.data["status"] == "processed"
    assert response.data["title"] == "Taxes"
    claims = response.data["claims"]
    assert [c["category"] for c in claims] == ["attributed", "hedged"]
    assert set(claims[0]) >= CLAIM_KEYS


def test_it_answers_the_same_text_with_the_existing_article(api):
    first = api.post("/api/v1/articles/", {"text": TEXT}, format="json")
    second = api.post("/api/v1/articles/", {"text": TEXT}, format="json")
    assert second.status_code == 200
    assert second.data["id"] == first.data["id"]
    assert Article.objects.count() == 1


@processing
def test_it_ingests_pasted_html(api):
    html = "<html><body><article><p>The mayor said the bridge is safe.</p></article></body></html>"
    response = api.post(
        "/api/v1/articles/", {"html": html, "url": "https://news.example.org/b"}, format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["claims"][0]["speaker"] == "The mayor"


@processing
def test_it_fetches_a_url(api, allow_private, server):
    response = api.post("/api/v1/articles/", {"url": server.url("article.html")}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["byline"] == "Priya Natarajan"
    assert response.data["claims"]


@processing
def test_a_title_given_with_html_or_a_url_wins_over_the_pages(api, allow_private, server):
    html = (
        "<html><head><title>Page title</title></head><body><article>"
        "<p>The mayor said the bridge is safe.</p></article></body></html>"
    )
    pasted = api.post("/api/v1/articles/", {"html": html, "title": "Desk title"}, format="json")
    assert pasted.status_code == 201 and pasted.data["title"] == "Desk title"
    body = {"url": server.url("article.html"), "title": "Our own title"}
    fetched = api.post("/api/v1/articles/", body, format="json")
    assert fetched.status_code == 201 and fetched.data["title"] == "Our own title"
    untitled = api.post(
        "/api/v1/articles/", {"html": html.replace("mayor", "chief")}, format="json"
    )
    assert untitled.data["title"] == "Page title"
    dated = api.post(
        "/api/v1/articles/",
        {"html": html.replace("mayor", "clerk"), "published_at": "2026-05-04T08:00:00Z"},
        format="json",
    )
    assert dated.data["published_at"] == "2026-05-04T08:00:00Z"  # it was dropped


@processing
def test_it_answers_a_failed_fetch_with_the_failed_article(api, allow_private, server):
    response = api.post("/api/v1/articles/", {"url": server.url("missing.html")}, format="json")
    assert response.status_code == 201
    assert response.data["status"] == "failed"
    assert "HTTP 404" in response.data["error"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "url", "Give"),
        ({"url": "not a url"}, "url", "valid URL"),
        ({"url": "ftp://example.org/a"}, "url", "Only http and https"),
        ({"url": "http://127.0.0.1/admin"}, "url", "private or reserved"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, "url", "private or reserved"),
        ({"text": "   "}, "url", "Give"),
        ({"text": "a", "html": "<p>b</p>"}, "html", "not both"),
        ({"text": "The mayor said so.", "published_at": "yesterday"}, "published_at", "format"),
    ],
)
def test_it_rejects_bad_input_with_a_field_message(api, body, field, message):
    response = api.post("/api/v1/articles/", body, format="json")
    assert response.status_code == 400
    assert message in str(response.data[field])


def test_it_rejects_text_that_is_all_chrome(api):
    response = api.post(
        "/api/v1/articles/", {"text": "Share this story\nSign up for our newsletter"}, format="json"
    )
    assert response.status_code == 400
    assert "empty" in str(response.data["text"])


def test_it_rejects_a_body_that_is_not_json(api):
    response = api.post(
        "/api/v1/articles/", "url=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415


def test_it_lists_and_filters_articles(api):
    ArticleFactory(status=Article.Status.FAILED, error="HTTP 500")
    ArticleFactory()
    response = api.get("/api/v1/articles/?status=failed")
    assert response.status_code == 200
    assert [a["error"] for a in response.data["results"]] == ["HTTP 500"]


def test_it_lists_articles_in_constant_queries(api, django_assert_max_num_queries):
    for _ in range(30):
        ClaimFactory()
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/articles/")
    assert len(response.data["results"]) == 30
    assert response.data["results"][0]["claim_count"] == 1


def test_it_shows_an_article_with_its_claims(api, django_assert_max_num_queries):
    claim = ClaimFactory()
    ClaimFactory(article=claim.article, start=50, end=60)
    with django_assert_max_num_queries(5):
        response = api.get(f"/api/v1/articles/{claim.article_id}/")
    assert response.data["text"] == claim.article.text
    assert len(response.data["claims"]) == 2


def test_it_rejects_a_script_url_given_with_text(api):
    response = api.post(
        "/api/v1/articles/",
        {"text": "The mayor said so.", "url": "javascript:alert(1)"},
        format="json",
    )
    assert response.status_code == 400 and "url" in response.data


@processing
def test_a_failed_article_is_tried_again(api):
    from claims.models import IngestionJob

    job = IngestionJob.objects.create(kind="feed", total=1, failed=1)
    article = ArticleFactory(status="failed", error="HTTP 503", job=job)
    response = api.post(f"/api/v1/articles/{article.pk}/retry/")
    assert response.status_code == 201  # processed in-process here; 202 with a worker
    body = response.json()
    assert body["status"] == "processed" and body["error"] == "" and len(body["claims"]) == 1
    article.refresh_from_db()
    assert article.job is None  # the run that failed keeps its record
    again = api.post(f"/api/v1/articles/{article.pk}/retry/")
    assert again.status_code == 409 and "Only a failed article" in again.json()["detail"]


def test_a_url_given_with_text_is_a_link_and_is_not_fetched(api, settings):
    # It was refused as a private address, though nothing is fetched (the dashboard and
    # bulk lines took it).
    body = {"text": "The mayor said the dam held.", "url": "http://10.0.0.7/story"}
    response = api.post("/api/v1/articles/", body, format="json")
    assert response.status_code in (201, 202), response.data
    assert response.data["url"] == "http://10.0.0.7/story"
    fetched = api.post("/api/v1/articles/", {"url": "http://10.0.0.7/story2"}, format="json")
    assert fetched.status_code == 400 and "private or reserved" in fetched.data["url"][0]
    link = {"text": "The mayor said the dam was fine.", "url": "ftp://news.example.org/a"}
    response = api.post("/api/v1/articles/", link, format="json")
    assert response.status_code == 400 and "http or https" in response.data["url"][0]


def test_an_article_url_with_invisible_characters_is_refused(api):
    # A right-to-left override made "…/a\u202egpj.exe" read as "…/aexe.jpg" on public pages.
    body = {
        "text": "The mayor said the dam held.",
        "url": "https://news.example.org/a\u202egpj.exe",
    }
    response = api.post("/api/v1/articles/", body, format="json")
    assert response.status_code == 400 and "url" in response.data
    fetched = api.post("/api/v1/articles/", {"url": "https://exa\u202emple.org/a"}, format="json")
    assert fetched.status_code == 400 and "url" in fetched.data


def test_a_publication_date_may_be_given_as_feeds_write_it(api):
    # The CLI's files and feeds took "Thu, 05 Mar 2026 09:00:00 GMT"; the API answered 400.
    body = {"text": "The mayor said the dam held.", "published_at": "Thu, 05 Mar 2026 09:00:00 GMT"}
    response = api.post("/api/v1/articles/", body, format="json")
    assert response.status_code in (201, 202), response.data
    assert response.data["published_at"] == "2026-03-05T09:00:00Z"
    for wrong in ("Thu, 35 Mar 2026 09:00 GMT", "Mon, 01 Jan 0001 00:00:00 +0100"):
        body = {"text": "The clerk said it did not.", "published_at": wrong}
        refused = api.post("/api/v1/articles/", body, format="json")
        assert refused.status_code == 400, wrong  # the year 0001 was stored as 2001
        assert "RFC 2822" in str(refused.data["published_at"])


def test_the_desks_time_zone_leaves_the_api_in_utc(api, settings):
    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    article = ArticleFactory(published_at="2026-03-05T09:00:00Z")
    response = api.get(f"/api/v1/articles/{article.pk}/")
    assert response.data["published_at"] == "2026-03-05T09:00:00Z"


def test_a_publication_date_without_a_time_is_that_day_on_the_desk(api, settings):
    # It was midnight UTC: 4 March, 19:00 in New York, on the desk and in the ClaimReview.
    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    body = {"text": "The mayor said the dam held.", "published_at": "2026-03-05"}
    response = api.post("/api/v1/articles/", body, format="json")
    assert response.status_code in (201, 202), response.data
    assert response.data["published_at"] == "2026-03-05T05:00:00Z"  # midnight in New York
    for wrong in ("1970-01-01", "2026-02-30", "0001-01-01"):
        body = {"text": "The clerk said it did not.", "published_at": wrong}
        assert api.post("/api/v1/articles/", body, format="json").status_code == 400, wrong
    settings.FACTCHECK_TIME_ZONE = "Asia/Tokyo"  # 0001-01-01 there is before year 1 in UTC
    assert api.post("/api/v1/articles/", body, format="json").status_code == 400


@processing
def test_a_page_dated_with_an_offset_past_what_postgresql_takes_is_processed(api):
    # The article failed on PostgreSQL with the database's error text as its reason.
    page = (
        '<html><head><meta property="article:published_time" content="2020-01-01T00:00:00-23:45">'
        "</head><body><article><p>Officials said the ferry to Lanvik would run all winter "
        "despite the storms.</p></article></body></html>"
    )
    response = api.post("/api/v1/articles/", {"html": page}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["status"] == "processed", response.data.get("error")
    assert response.data["published_at"] == "2020-01-01T23:45:00Z"


@pytest.mark.parametrize("port", ["99999", "0"])
def test_a_link_beside_text_must_be_one_a_reader_can_open(api, port):
    # Stored, shown and published with the reviews: the port was not checked beside text.
    url = f"https://example.org:{port}/story"
    for body in ({"text": "Officials said the canal lock was stuck.", "url": url}, {"url": url}):
        response = api.post("/api/v1/articles/", body, format="json")
        assert response.status_code == 400 and "url" in response.json(), body
    assert not Article.objects.exists()


def test_a_processed_articles_note_is_apart_from_errors(api):
    article = ArticleFactory(note="The feed entry has changed since this article was ingested.")
    body = api.get(f"/api/v1/articles/{article.pk}/").json()
    assert body["status"] == "processed" and body["error"] == ""
    assert body["note"].startswith("The feed entry has changed")


def test_a_new_article_is_located_at_its_api_address(api):
    # 201 and 202 named nowhere to read the article (or poll it while it is pending).
    response = api.post("/api/v1/articles/", {"text": TEXT}, format="json")
    assert response.status_code in (201, 202)
    location = f"http://testserver/api/v1/articles/{response.json()['id']}/"
    assert response["Location"] == location
    again = api.post("/api/v1/articles/", {"text": TEXT}, format="json")
    assert again.status_code == 200 and again["Content-Location"] == location

    article = ArticleFactory(status="failed", error="HTTP 503")
    retried = api.post(f"/api/v1/articles/{article.pk}/retry/")
    assert retried["Location"] == f"http://testserver/api/v1/articles/{article.pk}/"


def test_new_evidence_is_located_at_its_address(api):
    ClaimFactory()
    claim = api.post("/api/v1/claims/next/").json()
    response = api.post(
        f"/api/v1/claims/{claim['id']}/evidence/",
        {"url": "https://records.example.org/a", "stance": "refutes"},
        format="json",
    )
    assert response.status_code == 201
    assert response["Location"] == (
        f"http://testserver/api/v1/claims/{claim['id']}/evidence/{response.json()['id']}/"
    )
