"""Every list endpoint runs a constant number of queries per page."""

from __future__ import annotations

import pytest

from claims import workflow
from claims.models import IngestionJob
from tests.api.conftest import client_for
from tests.factories import FeedFactory, UserFactory, reviewed_claim

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [1, 12])
def test_published_reviews_list_in_constant_queries(size, django_assert_max_num_queries):
    chief = UserFactory(username="publisher", role="editor")
    for n in range(size):
        claim = reviewed_claim(UserFactory(username=f"writer{n}", role="reviewer"))
        workflow.claim_publish(claim=claim, actor=chief)
    with django_assert_max_num_queries(5):
        response = client_for().get("/api/v1/claimreviews/")
    assert response.data["count"] == size
    assert all(review["citation"] for review in response.data["results"])


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("/api/v1/feeds/", lambda n: FeedFactory.create_batch(n)),
        ("/api/v1/jobs/", lambda n: [IngestionJob.objects.create(kind="bulk") for _ in range(n)]),
        ("/api/v1/ratings/", lambda n: None),
    ],
)
def test_other_lists_in_constant_queries(api, path, make, django_assert_max_num_queries):
    make(25)
    with django_assert_max_num_queries(4):
        assert api.get(path).status_code == 200


def test_a_feed_spelled_another_way_is_the_same_feed(editor_api):
    from claims.models import Feed

    first = editor_api.post(
        "/api/v1/feeds/", {"url": "https://news.example.org/rss"}, format="json"
    )
    assert first.status_code == 201
    again = editor_api.post(
        "/api/v1/feeds/", {"url": "HTTPS://News.Example.org:443/rss"}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["url"] == ["This feed is already on the desk."]
    # A host in its own script and in punycode: both were added, and both polled.
    script = {"url": "https://例え.jp/rss", "active": False}
    assert editor_api.post("/api/v1/feeds/", script, format="json").status_code == 201
    puny = {"url": "https://xn--r8jz45g.jp/rss", "active": False}
    again = editor_api.post("/api/v1/feeds/", puny, format="json")
    assert again.status_code == 400, again.json()
    Feed.objects.filter(url__contains="jp").delete()
    feed = Feed.objects.get()
    renamed = editor_api.patch(f"/api/v1/feeds/{feed.pk}/", {"title": "Wire"}, format="json")
    assert renamed.status_code == 200  # its own address is no clash


def test_a_feed_moved_to_another_address_starts_afresh(editor_api):
    from datetime import timedelta

    from django.utils import timezone

    feed = FeedFactory(
        etag='"old"',
        last_modified="Mon, 30 Nov 2026 22:00:00 GMT",
        last_error="Could not fetch https://old.example.org/rss: timed out",
        failure_count=4,
        next_poll_at=timezone.now() + timedelta(hours=6),  # the old address's back-off
    )
    renamed = editor_api.patch(f"/api/v1/feeds/{feed.pk}/", {"title": "Wire"}, format="json")
    assert renamed.status_code == 200
    feed.refresh_from_db()
    assert feed.etag == '"old"' and feed.failure_count == 4  # same address: kept

    moved = editor_api.patch(
        f"/api/v1/feeds/{feed.pk}/", {"url": "https://new.example.org/rss"}, format="json"
    )
    assert moved.status_code == 200
    feed.refresh_from_db()
    # Sent to the new server, the old validators could get a 304 and nothing ingested.
    assert (feed.etag, feed.last_modified, feed.last_error, feed.failure_count) == ("", "", "", 0)
    assert feed.next_poll_at <= timezone.now()
    assert moved.json()["last_error"] == ""


def test_the_claim_lists_can_order_and_search_through_an_index():
    # Without these indexes each page of the queue's "newest", "oldest" and "score" orders
    # sorted every claim, and a search read every claim: 0.4-4 s over 1,000,000 claims.
    from django.db import connection
    from django.db.models import Q

    from claims.models import Claim
    from tests.factories import ClaimFactory

    ClaimFactory()
    if connection.vendor == "postgresql":  # a table this small is read whole otherwise
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    assert "claim_created" in Claim.objects.order_by("-created_at", "-id")[:50].explain()
    assert "claim_created" in Claim.objects.order_by("created_at", "id")[:50].explain()
    assert "claim_score" in Claim.objects.order_by("-score", "id")[:50].explain()
    if connection.vendor == "postgresql":
        search = Claim.objects.filter(Q(text__icontains="dam") | Q(speaker__icontains="dam"))
        # Unordered: over a table this small the planner may walk the priority index
        # instead, whatever the search could use.
        plan = search.order_by().explain()
        assert "claim_text_trgm" in plan and "claim_speaker_trgm" in plan


def test_a_new_feed_is_located_at_its_api_address(editor_api):
    # Location named the feed's own address (its `url` field), so a client following it
    # to read the new feed fetched the RSS instead.
    response = editor_api.post(
        "/api/v1/feeds/", {"url": "https://news.example.org/rss"}, format="json"
    )
    assert response.status_code == 201
    feed_id = response.json()["id"]
    assert response["Location"] == f"http://testserver/api/v1/feeds/{feed_id}/"

    polled = editor_api.post(f"/api/v1/feeds/{feed_id}/poll/")
    assert polled.status_code == 202 and polled["Location"] == response["Location"]


def test_the_jobs_list_and_detail_never_read_a_bulk_file_a_job_holds(api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    job = IngestionJob.objects.create(kind="bulk", total=1, lines='{"url": "x"}\n' * 1000)
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/jobs/").status_code == 200
        assert api.get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    assert not [q["sql"] for q in queries if '"lines"' in q["sql"]]


def test_a_search_that_few_claims_match_lists_them_by_id(api, monkeypatch):
    # PostgreSQL guessed too many claims held several words at once, walked the list's
    # order looking for a page of them and read every claim when few or none matched
    # (3 s over 1,000,000 claims). Few matches are listed by their ids.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.api import filters
    from tests.factories import ClaimFactory

    monkeypatch.setattr(filters, "SEARCH_FEW", 2)
    for n, text in enumerate(["The ceasefire held.", "The ceasefire failed.", "A ceasefire."]):
        ClaimFactory(text=text, speaker="", start=0, end=10, priority=n)
    sabotage = ClaimFactory(text="The ceasefire was sabotage.", speaker="", start=0, end=10)
    for q, expected in [("sabotage ceasefire", [sabotage]), ("nothing ceasefire", [])]:
        with CaptureQueriesContext(connection) as queries:
            listed = api.get("/api/v1/claims/", {"q": q}).json()["results"]
        assert [c["id"] for c in listed] == [c.pk for c in expected]
        pages = [x["sql"] for x in queries if "ORDER BY" in x["sql"]]
        assert all("LIKE" not in sql for sql in pages), pages  # by id (none: no query)
    with CaptureQueriesContext(connection) as queries:
        listed = api.get("/api/v1/claims/", {"q": "ceasefire"}).json()["results"]
    assert len(listed) == 4  # more than SEARCH_FEW: searched in the list's order
    pages = [x["sql"] for x in queries if "ORDER BY" in x["sql"]]
    assert len(pages) == 1 and "LIKE" in pages[0]


def test_the_article_search_reads_through_an_index():
    # It read every article (0.2 s for the page and as much for its count over 50,000).
    from django.db import connection

    from claims.api.filters import ArticleFilter
    from claims.models import Article

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no such index")
    with connection.cursor() as cursor:  # a table this small is read whole otherwise
        cursor.execute("SET LOCAL enable_seqscan = off")
    searched = ArticleFilter({"q": "ceasefire"}, queryset=Article.objects.all()).qs
    plan = searched.order_by().explain()
    assert "article_title_trgm" in plan and "article_url_trgm" in plan
