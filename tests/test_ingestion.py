"""The pipeline on SQLite with pages served by a local HTTP server."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from claims import detection, ingestion
from claims.models import Article, Claim, Feed, IngestionJob
from tests.factories import ArticleFactory
from tests.http_server import Answer

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
NOW_1_DEC = datetime(2026, 12, 1, 17, 4, tzinfo=UTC)


def ingest_url(url: str) -> Article:
    return ingestion.process_article(ingestion.submit_url(url).article.pk)


def test_it_ingests_a_page_with_its_metadata_and_claims(allow_private, server):
    article = ingest_url(server.url("article.html"))

    assert article.status == Article.Status.PROCESSED, article.error
    # Its canonical link names news.example.org: served from another site, not believed.
    assert article.url == server.url("article.html")
    assert article.source_url == server.url("article.html")
    assert article.byline == "Priya Natarajan"
    assert article.site_name == "Northwind Wire"
    assert article.published_at.isoformat() == "2026-11-18T10:00:00+00:00"  # with its time
    assert article.language == "en"  # its <html lang="en">
    assert "independently verify" in article.text
    assert "officials say" not in article.text  # the Related list is chrome
    categories = set(article.claims.values_list("category", flat=True))
    assert {"unverifiable", "attributed", "disputed"} <= categories
    for claim in article.claims.all():
        assert article.text[claim.start : claim.end] == claim.text


def test_it_ingests_the_same_url_once(allow_private, server):
    first = ingest_url(server.url("article.html"))
    claims = first.claims.count()
    second = ingest_url(server.url("article.html"))

    assert second.pk == first.pk
    assert Article.objects.count() == 1
    assert Claim.objects.count() == claims
    assert server.hits("/article.html") == 1


def test_it_links_a_page_under_a_second_url_to_the_first_article(allow_private, server):
    server.routes["/copy.html"] = Answer(
        200, (FIXTURES / "article.html").read_bytes(), {"Content-Type": "text/html"}
    )
    first = ingest_url(server.url("article.html"))
    second = ingest_url(server.url("copy.html"))

    assert second.status == Article.Status.DUPLICATE
    assert second.duplicate_of == first
    assert Claim.objects.filter(article=second).count() == 0


def test_it_stores_the_same_text_once():
    text = "The minister said the dam is safe.\n\nEngineers disagreed, according to a report."
    first = ingestion.submit_text(text, title="Dam")
    second = ingestion.submit_text(text + "\n\n", title="Dam again")

    assert first.created and not second.created
    assert second.article.pk == first.article.pk


def test_it_runs_detection_twice_without_duplicate_claims():
    submitted = ingestion.submit_text("Officials said the road is closed. It allegedly flooded.")
    article = ingestion.process_article(submitted.article.pk)
    count = article.claims.count()
    assert count == 2

    assert ingestion.store_claims(article) == count
    assert Claim.objects.filter(article=article).count() == count


def test_it_removes_page_chrome_from_plain_text():
    text = (FIXTURES / "page_with_chrome.txt").read_text()
    article = ingestion.process_article(ingestion.submit_text(text).article.pk)

    for chrome in (
        "View Date:",
        "contributed to this report",
        "veryGood!",
        "- In:",
        "Sign up for",
        "FDA says",
    ):
        assert chrome not in article.text
        assert not article.claims.filter(text__contains=chrome).exists()
    assert article.claims.filter(text__icontains="purportedly").exists()


def test_it_decodes_a_latin1_page(allow_private, server):
    article = ingest_url(server.url("article_latin1_nometa.html"))
    assert article.status == Article.Status.PROCESSED, article.error
    assert "José Muñoz" in article.text


def test_it_marks_a_missing_page_failed_with_its_reason(allow_private, server):
    article = ingest_url(server.url("no-such-page.html"))

    assert article.status == Article.Status.FAILED
    assert "HTTP 404" in article.error
    assert article.attempts == 1


def test_it_refuses_a_non_html_answer(allow_private, server):
    server.routes["/file.pdf"] = Answer(200, b"%PDF-1.4", {"Content-Type": "application/pdf"})
    article = ingest_url(server.url("file.pdf"))

    assert article.status == Article.Status.FAILED
    assert "application/pdf" in article.error


def test_it_fails_a_page_without_text(allow_private, server):
    server.routes["/empty.html"] = Answer(
        200, b"<html><body></body></html>", {"Content-Type": "text/html"}
    )
    article = ingest_url(server.url("empty.html"))
    assert article.status == Article.Status.FAILED
    assert "No article text" in article.error


def test_it_retries_a_failed_url_when_asked_again(allow_private, server):
    server.routes["/flaky.html"] = Answer(404, b"not yet")
    failed = ingest_url(server.url("flaky.html"))
    assert failed.status == Article.Status.FAILED
    server.routes["/flaky.html"] = Answer(
        200, (FIXTURES / "feed" / "story-1.html").read_bytes(), {"Content-Type": "text/html"}
    )
    again = ingest_url(server.url("flaky.html"))

    assert again.pk == failed.pk
    assert again.status == Article.Status.PROCESSED
    assert again.error == ""


def test_it_leaves_a_transient_failure_pending_for_a_retry(allow_private, server):
    server.routes["/busy.html"] = Answer(503, b"busy")
    article = ingestion.submit_url(server.url("busy.html")).article

    with pytest.raises(ingestion.FetchError):
        ingestion.process_article(article.pk, final_attempt=False)
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING
    assert "503" in article.error

    final = ingestion.process_article(article.pk, final_attempt=True)
    assert final.status == Article.Status.FAILED


def test_it_polls_a_feed_and_ingests_each_entry(allow_private, server):
    feed = Feed.objects.create(url=server.url("feed.xml"))
    poll = ingestion.poll_feed(feed)

    assert len(poll.submitted) == 3
    for article in poll.submitted:
        processed = ingestion.process_article(article.pk)
        assert processed.status == Article.Status.PROCESSED, processed.error
        assert processed.feed == feed
        assert processed.origin == Article.Origin.FEED
    feed.refresh_from_db()
    assert feed.title.startswith("Northwind Wire")
    assert feed.next_poll_at is not None

    again = ingestion.poll_feed(feed)
    assert again.submitted == []
    assert Article.objects.count() == 3


def test_a_feed_entry_date_is_read_in_utc_whatever_the_process_time_zone(
    allow_private, server, monkeypatch
):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        poll = ingestion.poll_feed(Feed.objects.create(url=server.url("feed.xml")))
    finally:
        monkeypatch.undo()
        time.tzset()
    dates = sorted(article.published_at.isoformat() for article in poll.submitted)
    assert dates[0] == "2026-11-17T09:00:00+00:00"  # <pubDate>…09:00:00 GMT</pubDate>


def test_a_poll_that_ends_after_its_feed_moved_leaves_the_new_address_alone(
    allow_private, server, monkeypatch
):
    feed = Feed.objects.create(url=server.url("feed.xml"))
    server.routes["/feed.xml"] = Answer(
        200, (FIXTURES / "feed.xml").read_bytes(), {"ETag": '"old"', "Content-Type": "text/xml"}
    )
    real_fetch = ingestion.fetch

    def fetch_then_move(url, **kwargs):  # an editor changes the address mid-poll
        result = real_fetch(url, **kwargs)
        Feed.objects.filter(pk=feed.pk).update(url="https://moved.example.org/rss")
        return result

    monkeypatch.setattr(ingestion, "fetch", fetch_then_move)
    ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert feed.url == "https://moved.example.org/rss"
    assert feed.etag == ""  # not sent to the new server as If-None-Match


def test_it_sends_a_conditional_get_the_second_time(allow_private, server):
    body = (FIXTURES / "atom.xml").read_bytes().replace(b"{base}", server.base.encode())

    def feed(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return Answer(304, b"")
        return Answer(
            200,
            body,
            {
                "Content-Type": "application/atom+xml",
                "ETag": '"v1"',
                "Last-Modified": "Mon, 30 Nov 2026 08:00:00 GMT",
            },
        )

    server.routes["/atom.xml"] = feed
    record = Feed.objects.create(url=server.url("atom.xml"))
    assert len(ingestion.poll_feed(record).submitted) == 2
    record.refresh_from_db()
    assert record.etag == '"v1"'

    second = ingestion.poll_feed(record)
    assert second.not_modified
    headers = [h for path, h in server.requests if path == "/atom.xml"][-1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Mon, 30 Nov 2026 08:00:00 GMT"


def test_it_uses_the_entry_text_when_the_page_cannot_be_fetched(allow_private, server):
    server.routes["/feed/story-3.html"] = Answer(404, b"gone")
    feed = Feed.objects.create(url=server.url("feed.xml"))
    poll = ingestion.poll_feed(feed)
    story = next(a for a in poll.submitted if a.source_url.endswith("story-3.html"))

    article = ingestion.process_article(story.pk)

    assert article.status == Article.Status.PROCESSED
    assert "according to the ministry" in article.text
    assert "feed entry" in article.note and article.error == ""


# A feed entry carrying the whole article in content:encoded, as many feeds do.
FULL_ENTRY = (
    "<p>The harbour authority said on Monday that the sea wall had been inspected twice "
    "this year, a claim residents dispute.</p>"
    "<p>A video purportedly showing cracks in the wall spread online. Officials said the "
    "footage was filmed elsewhere.</p>"
    "<p>A person familiar with the matter said the report would be published next month.</p>"
)


def serve_feed(server, path: str, items: str) -> Feed:
    """Serve an RSS feed of `items` at `path`, with the content module's namespace."""
    rss = (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Gazette'
        f"</title>{items}</channel></rss>"
    )
    server.routes[path] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    return Feed.objects.get_or_create(url=server.url(path))[0]


def full_entry(title: str, link: str, content: str = FULL_ENTRY) -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link><description>Teaser.</description>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
    )


ENTRY_PAGES = {
    "javascript": "<html><body><div id=root></div><noscript>Please enable JavaScript to read "
    "this article.</noscript></body></html>",
    "paywall": "<html><head><title>Subscribe</title></head><body><article><h1>Harbour wall "
    "row</h1><p>This article is for subscribers only. Subscribe today for unlimited access "
    "to award-winning journalism, newsletters and the daily puzzle. Already a subscriber? "
    "Log in to continue reading.</p></article></body></html>",
    "redirect": "<html><head><title>News</title></head><body><c-wiz><script>window.location="
    "'https://example.org/a/gn-2'</script>Opening https://example.org/a/gn-2</c-wiz>"
    "</body></html>",
}


@pytest.mark.parametrize("page", ENTRY_PAGES)
def test_a_feed_entrys_full_text_is_used_when_its_page_gives_far_less(allow_private, server, page):
    # The entry's text was thrown away: the article failed (JavaScript) or was stored
    # as the paywall or redirect notice, with no claims.
    server.routes["/a/story"] = Answer(
        200, ENTRY_PAGES[page].encode(), {"Content-Type": "text/html; charset=utf-8"}
    )
    feed = serve_feed(server, "/full.xml", full_entry("Harbour wall", server.url("a/story")))
    [submitted] = ingestion.poll_feed(feed).submitted

    article = ingestion.process_article(submitted.pk)

    assert article.status == Article.Status.PROCESSED, article.error
    assert article.text.startswith("The harbour authority said on Monday")
    assert "the feed entry's text was used" in article.note
    assert article.error == ""  # it did not fail: the desk shows a note, not an error
    assert article.claims.exists()


def test_a_page_with_the_whole_article_is_read_rather_than_its_feed_entry(allow_private, server):
    feed = serve_feed(
        server, "/full.xml", full_entry("Grain", server.url("feed/story-3.html"), "<p>Short.</p>")
    )
    [submitted] = ingestion.poll_feed(feed).submitted

    article = ingestion.process_article(submitted.pk)

    assert "Velmora Grain Traders' Association" in article.text
    assert article.error == ""


def test_a_short_feed_entry_does_not_replace_a_short_page(allow_private, server):
    # A summary of a line or two is not the article, even beside a brief page.
    server.routes["/a/brief"] = Answer(
        200,
        b"<html><body><article><p>The council said the ferry will run again on Monday."
        b"</p></article></body></html>",
        {"Content-Type": "text/html"},
    )
    entry = (
        "<p>The council said on Friday that the ferry to the island will run again from Monday.</p>"
    )
    feed = serve_feed(server, "/brief.xml", full_entry("Ferry", server.url("a/brief"), entry))
    [submitted] = ingestion.poll_feed(feed).submitted

    article = ingestion.process_article(submitted.pk)

    assert article.text == "The council said the ferry will run again on Monday."
    assert article.error == ""


def test_a_detection_error_fails_the_article_and_stores_nothing(allow_private, server, monkeypatch):
    monkeypatch.setattr(ingestion.detection, "detect", broken_detector)
    article = ingestion.submit_url(server.url("article.html")).article

    with pytest.raises(RuntimeError):
        ingestion.process_article(article.pk)

    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "detector bug" in article.error
    assert article.processed_at is None and article.text == "" and article.content_hash is None
    assert not article.claims.exists()


def test_a_detection_error_on_the_entry_text_fails_the_article(allow_private, server, monkeypatch):
    server.routes["/feed/story-3.html"] = Answer(404, b"gone")
    feed = Feed.objects.create(url=server.url("feed.xml"))
    story = next(
        a for a in ingestion.poll_feed(feed).submitted if a.source_url.endswith("story-3.html")
    )
    monkeypatch.setattr(ingestion.detection, "detect", broken_detector)

    with pytest.raises(RuntimeError):
        ingestion.process_article(story.pk)

    story.refresh_from_db()
    assert story.status == Article.Status.FAILED  # was left pending with its text
    assert "detector bug" in story.error
    assert story.text == "" and not story.claims.exists()


def test_a_duplicate_is_not_reported_as_processed(allow_private, server):
    server.routes["/copy.html"] = server.fixture("/article.html")
    ingest_url(server.url("article.html"))

    copy = ingest_url(server.url("copy.html"))

    assert copy.status == Article.Status.DUPLICATE
    assert copy.processed_at is None


def broken_detector(*args, **kwargs):
    raise RuntimeError("detector bug")


def test_it_records_a_broken_feed_and_backs_off(allow_private, server):
    feed = Feed.objects.create(url=server.url("malformed_feed.xml"), poll_interval=10)
    poll = ingestion.poll_feed(feed)

    feed.refresh_from_db()
    assert poll.error and "not a readable RSS or Atom feed" in feed.last_error
    assert feed.failure_count == 1
    first_delay = feed.next_poll_at - feed.last_polled_at
    ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert feed.failure_count == 2
    assert feed.next_poll_at - feed.last_polled_at > first_delay


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(204, b""), "answered HTTP 204 with no content"),
        (Answer(200, b"", {"Content-Type": "application/rss+xml"}), "answered with an empty body"),
        (Answer(200, b" \r\n", {"Content-Type": "text/xml"}), "answered with an empty body"),
    ],
)
def test_a_feed_answering_with_nothing_fails_and_backs_off(allow_private, server, answer, reason):
    # feedparser's result for an empty body has no "version": the poll raised
    # AttributeError and recorded nothing, so beat tried the feed again every minute.
    server.routes["/empty.xml"] = answer
    feed = Feed.objects.create(url=server.url("empty.xml"), poll_interval=15)
    poll = ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert reason in poll.error and reason in feed.last_error
    assert feed.failure_count == 1 and feed.last_polled_at is not None
    assert feed.next_poll_at - feed.last_polled_at == timezone.timedelta(minutes=30)


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (Answer(404, b"not found"), "HTTP 404 Not Found; next poll at "),
        (Answer(410, b"gone"), "HTTP 410 Gone: the feed is gone, so it is paused"),
    ],
)
def test_a_failed_poll_is_one_line_in_the_log_naming_the_feed(
    allow_private, server, caplog, answer, said
):
    # A failing article was logged, a failing feed was not: an operator reading the
    # worker's log saw nothing of a feed that had been failing for days.
    server.routes["/broken.xml"] = answer
    feed = Feed.objects.create(url=server.url("broken.xml"), poll_interval=15)
    with caplog.at_level("WARNING", logger="claims.ingestion"):
        ingestion.poll_feed(feed)
    (record,) = [r for r in caplog.records if r.name == "claims.ingestion"]
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage().startswith(f"Feed {feed.pk} failed (1 in a row): ")
    assert said in record.getMessage() and "\n" not in record.getMessage()


def test_a_feed_that_trips_a_bug_is_recorded_and_backs_off(allow_private, server, monkeypatch):
    def broken_parser(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(ingestion.feedparser, "parse", broken_parser)
    feed = Feed.objects.create(url=server.url("feed.xml"))
    poll = ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert "parser bug" in poll.error and "parser bug" in feed.last_error
    assert feed.failure_count == 1 and feed.next_poll_at > timezone.now()


@pytest.mark.parametrize(
    ("status", "retry_after", "wait"),
    [
        (429, "7200", timezone.timedelta(hours=2)),
        (503, "in three hours", timezone.timedelta(hours=3)),  # an HTTP date, see below
        (503, "259200", timezone.timedelta(days=1)),  # three days asked: a day at most
        (503, "120", timezone.timedelta(minutes=30)),  # less than the back-off: the back-off
    ],
)
def test_a_feed_asking_to_wait_is_not_polled_before_its_retry_after(
    allow_private, server, status, retry_after, wait
):
    # The next poll came after the usual back-off (30 min, 60…), whatever the server asked.
    from email.utils import format_datetime

    if retry_after == "in three hours":
        retry_after = format_datetime(timezone.now() + timezone.timedelta(hours=3), usegmt=True)
    server.routes["/busy.xml"] = Answer(status, b"Busy", {"Retry-After": retry_after})
    feed = Feed.objects.create(url=server.url("busy.xml"), poll_interval=15)
    ingestion.poll_feed(feed)
    feed.refresh_from_db()
    waited = feed.next_poll_at - feed.last_polled_at
    assert abs(waited - wait) < timezone.timedelta(seconds=5)
    assert feed.failure_count == 1 and f"HTTP {status}" in feed.last_error
    if wait > timezone.timedelta(minutes=30):
        next_poll = feed.next_poll_at.astimezone(UTC)
        assert "Retry-After" in feed.last_error
        assert f"next poll at {next_poll.day} {next_poll:%b %Y %H:%M} UTC" in feed.last_error


def test_a_feed_that_is_gone_is_paused_until_an_editor_resumes_it(allow_private, server):
    # A 410 was treated as a 404: the feed was polled daily for ever.
    server.routes["/gone.xml"] = Answer(410, b"Gone", {"Content-Type": "text/plain"})
    feed = Feed.objects.create(url=server.url("gone.xml"), poll_interval=15)
    poll = ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert poll.error and not feed.active
    assert "HTTP 410" in feed.last_error and "gone" in feed.last_error
    assert "paused" in feed.last_error and "resume" in feed.last_error

    Feed.objects.filter(pk=feed.pk).update(active=True)  # an editor resumes it
    assert Feed.objects.filter(pk=feed.pk, next_poll_at__lte=timezone.now()).exists()


def test_it_records_an_unreachable_feed(allow_private, server):
    feed = Feed.objects.create(url=server.url("nope.xml"))
    ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert "HTTP 404" in feed.last_error


def test_it_ingests_a_bulk_file_and_reports_every_line(allow_private, server):
    lines = (FIXTURES / "bulk.jsonl").read_text().replace("{base}", server.base).splitlines()
    seen = []
    job = ingestion.ingest_jsonl(lines, source="bulk.jsonl", total=len(lines), on_line=seen.append)

    assert (job.done, job.duplicates, job.failed) == (4, 1, 2)
    assert job.finished_at is not None
    reasons = {error["line"]: error["reason"] for error in job.errors}
    assert reasons[6].startswith("not valid JSON (") and reasons[6].endswith(", column 2)")
    assert "url" in reasons[7] and "text" in reasons[7]
    assert [line.number for line in seen] == [1, 2, 3, 4, 5, 6, 7]
    assert IngestionJob.objects.get(pk=job.pk).done == 4


# --- bad input found in review --------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)//",
        "data:text/html,x",
        "news.example.org/a",
        "https://x.org/" + "a" * 2000,
    ],
)
def test_it_refuses_a_given_url_that_is_not_a_web_address(url):
    with pytest.raises(ingestion.IngestionError):
        ingestion.submit_text("The mayor said so.", url=url)
    with pytest.raises(ingestion.IngestionError):
        ingestion.submit_html("<p>The mayor said so.</p>", url=url)
    assert not Article.objects.exists()


def test_a_bad_bulk_line_never_stops_the_rest(allow_private, server):
    lines = [
        json.dumps({"text": "The mayor said the dam is safe.", "url": "javascript:alert(1)"}),
        json.dumps({"text": "Officials said the road is shut.", "published_at": "2024-02-30"}),
        json.dumps(
            {"text": "Rebels said the pass is open.", "published_at": "0001-01-01T00:00+14:00"}
        ),
        json.dumps({"text": "A spokesman said\u0000 the port is open."}),
        json.dumps({"text": "Aides said the vote is off.", "published_at": "3000-01-01"}),
        json.dumps({"url": "https://x.org/" + "a" * 2100}),
        json.dumps({"text": "The minister said exports rose."}),
    ]
    job = ingestion.ingest_jsonl(lines)
    assert (job.done, job.failed) == (5, 2)
    assert job.finished_at is not None
    assert Article.objects.get(text__contains="road is shut").published_at is None
    assert Article.objects.get(text__contains="vote is off").published_at is None  # no future
    assert "\x00" not in Article.objects.get(text__contains="port is open").text


def test_a_failed_url_in_a_later_bulk_file_is_tried_again(allow_private, server):
    server.routes["/late.html"] = Answer(404, b"not yet")
    line = json.dumps({"url": server.url("late.html")})
    assert ingestion.ingest_jsonl([line]).failed == 1
    server.routes["/late.html"] = server.fixture("/feed/story-1.html")

    job = ingestion.ingest_jsonl([line])

    assert (job.done, job.duplicates) == (1, 0)
    assert Article.objects.get().status == Article.Status.PROCESSED


def test_a_failed_feed_entry_is_tried_again_on_the_next_poll(allow_private, server):
    server.routes["/feed/story-1.html"] = Answer(404, b"gone for now")
    feed = Feed.objects.create(url=server.url("atom.xml"))
    for article in ingestion.poll_feed(feed).submitted:
        ingestion.process_article(article.pk)
    story = Article.objects.get(source_url__endswith="story-1.html")
    assert story.status == Article.Status.PROCESSED  # from the entry's own text
    Article.objects.filter(pk=story.pk).update(
        status=Article.Status.FAILED, text="", content_hash=None, entry_text=""
    )
    server.routes["/feed/story-1.html"] = server.fixture("/feed/story-1.html")

    again = ingestion.poll_feed(feed)

    assert [a.pk for a in again.submitted] == [story.pk]
    assert ingestion.process_article(story.pk).status == Article.Status.PROCESSED


def test_a_broken_feed_entry_is_skipped_and_reported(allow_private, server):
    rss = (FIXTURES / "feed.xml").read_text().replace("{base}", server.base)
    rss = rss.replace("<item>", "<item><title>Bad&#0;title</title>", 1)
    server.routes["/nul.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    feed = Feed.objects.create(url=server.url("nul.xml"))

    poll = ingestion.poll_feed(feed)

    assert len(poll.submitted) == 3
    assert all("\x00" not in a.title for a in poll.submitted)


@pytest.mark.parametrize(
    "footer",
    [
        "",
        # A wire brief's standard lines, on both pages: with the headline and one paragraph
        # of text, half the paragraphs were shared and the second story was a "duplicate".
        "<p>This story has been updated with additional information.</p>"
        "<p>Our Standards: The Gazette Trust Principles.</p>",
    ],
)
def test_articles_sharing_a_canonical_home_page_are_not_duplicates(allow_private, server, footer):
    page = (
        '<html><head><link rel="canonical" href="{home}"></head><body>'
        "<article><h1>{title}</h1><p>{body}</p>" + footer + "</article></body></html>"
    ).replace("{home}", server.url(""))
    server.routes["/storm.html"] = Answer(
        200,
        page.format(
            title="Storm",
            body="Forecasters said the storm would reach the coast on Friday "
            "evening, with winds of up to 120 km/h expected along the northern shore.",
        ).encode(),
        {"Content-Type": "text/html"},
    )
    server.routes["/vote.html"] = Answer(
        200,
        page.format(
            title="Vote",
            body="The election board said the count would finish by Sunday, "
            "after a recount was ordered in two districts of the eastern province.",
        ).encode(),
        {"Content-Type": "text/html"},
    )

    storm = ingest_url(server.url("storm.html"))
    vote = ingest_url(server.url("vote.html"))

    assert storm.status == vote.status == Article.Status.PROCESSED
    assert storm.url == server.url("") and vote.url is None
    assert vote.claims.exists()


def test_a_changed_copy_of_a_page_whose_canonical_address_is_on_the_desk_is_a_duplicate(
    allow_private, server
):
    # A live page ("Updated 3 minutes ago") reached by another address came in as a new
    # processed article, with all its claims queued again.
    fetches = []

    def live_page(handler):
        fetches.append(handler.path)
        page = (
            f'<html><head><link rel="canonical" href="{server.url("live")}"></head><body>'
            "<article><h1>Storm</h1><p>Forecasters said the storm would reach the coast on "
            "Friday evening.</p><p>A video purportedly showing the flooded promenade spread "
            "online.</p><p>Officials said the ferry would not run.</p>"
            f"<p>Updated {len(fetches)} minutes ago.</p></article></body></html>"
        )
        return Answer(200, page.encode(), {"Content-Type": "text/html"})

    server.routes["/live"] = server.routes["/live/amp"] = live_page
    first = ingest_url(server.url("live"))

    copy = ingest_url(server.url("live/amp"))

    assert copy.status == Article.Status.DUPLICATE
    assert copy.duplicate_of == first
    assert "changed since" in copy.error
    assert not copy.claims.exists()
    assert Claim.objects.filter(article=first).count() == Claim.objects.count()


def test_pasting_the_html_of_a_page_that_could_not_be_fetched_processes_it(allow_private, server):
    server.routes["/paywalled.html"] = Answer(403, b"subscribe")
    failed = ingest_url(server.url("paywalled.html"))
    assert failed.status == Article.Status.FAILED

    submitted = ingestion.submit_html(
        (FIXTURES / "feed" / "story-2.html").read_text(), url=server.url("paywalled.html")
    )

    assert submitted.article.pk == failed.pk and submitted.needs_processing
    assert ingestion.process_article(failed.pk).status == Article.Status.PROCESSED


def test_a_poll_keeps_a_pause_made_while_it_ran(allow_private, server):
    feed = Feed.objects.create(url=server.url("feed.xml"))
    Feed.objects.filter(pk=feed.pk).update(active=False, poll_interval=60)
    ingestion.poll_feed(feed)  # holds the stale copy: active, 15 minutes
    feed.refresh_from_db()
    assert (feed.active, feed.poll_interval) == (False, 60)


def test_a_file_of_bad_lines_keeps_the_first_reasons_and_counts_them_all(
    django_assert_max_num_queries,
):
    lines = ["not json"] * 300
    with django_assert_max_num_queries(3 * 300):  # a few statements a line, no more
        job = ingestion.ingest_jsonl(lines)
    assert job.failed == 300 and job.finished_at is not None
    assert len(job.errors) == ingestion.MAX_JOB_ERRORS
    assert job.errors[0]["line"] == 1


def test_an_interrupted_bulk_run_is_marked_finished():
    def lines():
        yield "not json"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingestion.ingest_jsonl(lines())
    job = IngestionJob.objects.get()
    assert job.failed == 1 and job.finished_at is not None
    assert job.errors[-1] == {"line": 2, "reason": "interrupted (Ctrl-C)"}


def test_a_bulk_line_takes_an_article_a_stopped_run_left_pending():
    # It was taken for "waiting in another run" and left pending for good.
    text = "The harbour master said the old pier would close in May."
    stopped = IngestionJob.objects.create(kind="bulk", total=1, finished_at=timezone.now())
    left = ingestion.submit_text(text).article
    Article.objects.filter(pk=left.pk).update(job=stopped)

    job = ingestion.ingest_jsonl([json.dumps({"text": text})], total=1)

    left.refresh_from_db()
    assert (left.status, left.job_id, job.done) == (Article.Status.PROCESSED, job.pk, 1)


def test_a_bulk_line_leaves_an_article_to_the_run_still_going_that_has_it():
    text = "The harbour master said the old pier would close in May."
    going = IngestionJob.objects.create(kind="bulk", total=1)
    waiting = ingestion.submit_text(text).article
    Article.objects.filter(pk=waiting.pk).update(job=going)

    job = ingestion.ingest_jsonl([json.dumps({"text": text})], total=1)

    waiting.refresh_from_db()
    assert (waiting.status, waiting.job_id, job.duplicates) == (Article.Status.PENDING, going.pk, 1)


def test_a_failed_article_is_not_processed_again_by_a_second_delivery():
    article = ArticleFactory(status=Article.Status.FAILED, error="HTTP 404", attempts=1)
    assert ingestion.process_article(article.pk).status == Article.Status.FAILED
    article.refresh_from_db()
    assert article.attempts == 1 and article.error == "HTTP 404"


def test_asking_again_for_a_failed_page_someone_just_retried_is_no_error(
    allow_private, server, monkeypatch
):
    article = ArticleFactory(
        status=Article.Status.FAILED, text="", source_url=server.url("article.html")
    )
    real_retry = ingestion.retry

    def another_request_first(article):
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PENDING)
        return real_retry(article)

    monkeypatch.setattr(ingestion, "retry", another_request_first)
    submitted = ingestion.submit_url(server.url("article.html"))
    assert submitted.article.pk == article.pk and submitted.needs_processing


def test_a_second_poll_leaves_articles_of_the_first_run_in_its_job(allow_private, server):
    feed = Feed.objects.create(url=server.url("feed.xml"))
    first = ingestion.poll_feed(feed)
    assert first.job.total == 3
    second = ingestion.poll_feed(feed)  # the three are still pending
    assert second.job is None
    assert set(Article.objects.values_list("job", flat=True)) == {first.job.pk}


def test_a_bulk_run_writes_its_progress_now_and_then_not_per_line():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lines = ["not json"] * 300 + [json.dumps({"text": "The mayor said the dam is safe."})]
    with CaptureQueriesContext(connection) as queries:
        job = ingestion.ingest_jsonl(lines, total=301)
    writes = [q for q in queries if q["sql"].startswith('UPDATE "claims_ingestionjob"')]
    assert len(writes) <= 5  # one per second at most, the last one, and the finish
    assert (job.total, job.done, job.failed) == (301, 1, 300)
    assert len(job.errors) == ingestion.MAX_JOB_ERRORS and job.errors[0]["line"] == 1


def test_pasting_the_html_of_a_failed_page_takes_it_out_of_its_old_job():
    job = IngestionJob.objects.create(kind="bulk", total=1, failed=1, finished_at=None)
    article = ArticleFactory(
        status=Article.Status.FAILED,
        text="",
        url="https://news.example.org/paywalled",
        source_url="https://news.example.org/paywalled",
        job=job,
    )
    html = "<html><body><article><p>The minister said the plant would close.</p></article>"
    submitted = ingestion.submit_html(html, url="https://news.example.org/paywalled")
    assert submitted.article.pk == article.pk and submitted.needs_processing
    assert ingestion.process_article(article.pk).status == Article.Status.PROCESSED
    job.refresh_from_db()
    assert (job.done, job.failed) == (0, 1)  # the failed run's record stays as it was


def test_a_jsonl_line_with_a_line_separator_inside_a_string_is_one_line():
    line = json.dumps({"text": "The mayor said\u2028the dam is safe."}, ensure_ascii=False)
    job = ingestion.ingest_jsonl([line], total=1)
    assert (job.done, job.failed) == (1, 0)


PAGE = (
    "<html><body><article><p>The harbour master said the old pier would close in May, "
    "and the council said it had not been told.</p></article></body></html>"
)


def pasted_in_job(html: str = PAGE, *, job: IngestionJob | None = None) -> Article:
    article = ingestion.submit_html(html).article
    Article.objects.filter(pk=article.pk).update(job=job)
    article.refresh_from_db()
    return article


def while_extracting(monkeypatch, meanwhile, *, then_fail: bool = False) -> None:
    """Run `meanwhile` during the first extraction, as another worker delivered the same
    message would; the extraction then goes on (or fails, as a fetch that broke)."""
    real = ingestion._fetch_and_extract
    calls = []

    def extract(article):
        calls.append(article.pk)
        if len(calls) == 1:
            meanwhile()
            if then_fail:
                raise ingestion.IngestionError("The connection broke.")
        return real(article)

    monkeypatch.setattr(ingestion, "_fetch_and_extract", extract)


def test_an_article_finished_by_a_second_delivery_meanwhile_is_counted_once(monkeypatch):
    job = IngestionJob.objects.create(kind="bulk", total=2)
    article = pasted_in_job(job=job)
    pasted_in_job(PAGE.replace("May", "June"), job=job)  # still waiting
    while_extracting(monkeypatch, lambda: ingestion.process_article(article.pk))

    assert ingestion.process_article(article.pk).status == Article.Status.PROCESSED

    job.refresh_from_db()
    assert (job.done, job.failed, job.finished_at) == (1, 0, None)
    article.refresh_from_db()
    assert article.claims.count() == len(detection.detect(article.text)) == 1


def test_a_second_delivery_that_fails_leaves_an_article_processed_meanwhile_alone(monkeypatch):
    job = IngestionJob.objects.create(kind="bulk", total=1)
    article = pasted_in_job(job=job)
    while_extracting(monkeypatch, lambda: ingestion.process_article(article.pk), then_fail=True)

    assert ingestion.process_article(article.pk).status == Article.Status.PROCESSED

    article.refresh_from_db()
    assert (article.status, article.error) == (Article.Status.PROCESSED, "")
    job.refresh_from_db()
    assert (job.done, job.failed) == (1, 0) and job.errors == []


def test_an_article_given_a_job_while_it_is_processed_counts_towards_it(monkeypatch):
    article = pasted_in_job()
    job = IngestionJob.objects.create(kind="bulk", total=1)
    # As a bulk line naming the same page does while a worker already works on it.
    while_extracting(monkeypatch, lambda: Article.objects.filter(pk=article.pk).update(job=job))

    ingestion.process_article(article.pk)

    job.refresh_from_db()
    assert job.done == 1 and job.finished_at is not None


def test_a_jsonl_html_line_keeps_its_title_and_date():
    # Both were dropped: the page's own title (here none) and date were stored instead.
    line = json.dumps(
        {"html": PAGE, "title": "Pier closure", "published_at": "2026-05-04T08:00:00Z"}
    )
    job = ingestion.ingest_jsonl([line], total=1)
    assert (job.done, job.failed) == (1, 0)
    article = Article.objects.get()
    assert article.title == "Pier closure"
    assert article.published_at.isoformat() == "2026-05-04T08:00:00+00:00"


def test_pasted_html_is_measured_in_bytes(settings):
    settings.FACTCHECK_FETCH_MAX_BYTES = 2000
    html = "<p>" + "é" * 1500 + "</p>"  # 1,507 characters, 3,007 bytes
    with pytest.raises(ingestion.IngestionError, match="too long"):
        ingestion.submit_html(html)
    ingestion.submit_html("<p>" + "e" * 1500 + "</p>")


# --- found by probing the fetch guard and the input paths -------------------------------------


def test_a_page_with_a_nul_byte_is_stored_without_it(allow_private, server):
    # PostgreSQL text cannot hold NUL: the whole article failed as an unexpected error.
    page = (FIXTURES / "article.html").read_bytes().replace(b"<title>", b"<title>\x00", 1)
    server.routes["/nul.html"] = Answer(200, page, {"Content-Type": "text/html"})
    article = ingest_url(server.url("nul.html"))
    assert article.status == Article.Status.PROCESSED, article.error
    assert article.raw_html and "\x00" not in article.raw_html


def test_a_redirect_to_a_url_too_long_to_store_keeps_the_article(allow_private, server):
    server.routes["/plain.html"] = Answer(200, PAGE.encode(), {"Content-Type": "text/html"})
    long_path = "/plain.html?" + "q" * 2500  # a page that names no canonical URL
    server.routes["/long-redirect"] = Answer(302, b"", {"Location": long_path})
    article = ingest_url(server.url("long-redirect"))
    assert article.status == Article.Status.PROCESSED, article.error
    assert article.url is None  # PostgreSQL refused the 2,514 characters: the article failed


def test_a_feed_header_with_a_nul_is_stored_without_it(allow_private, server):
    rss = (FIXTURES / "feed.xml").read_text().replace("{base}", server.base).encode()
    server.routes["/etag.xml"] = Answer(
        200, rss, {"Content-Type": "application/rss+xml", "ETag": 'W/"a\x00b"'}
    )
    feed = Feed.objects.create(url=server.url("etag.xml"))
    poll = ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert len(poll.submitted) == 3 and poll.job is not None
    assert feed.etag == 'W/"ab"'


def test_feed_entries_that_cannot_be_taken_are_reported(allow_private, server):
    # They were logged and dropped: the feed showed no error and the job no trace.
    rss = (FIXTURES / "feed.xml").read_text().replace("{base}", server.base)
    rss = rss.replace(f"{server.base}/feed/story-1.html", "ftp://news.example.org/story-1", 1)
    server.routes["/ftp.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    feed = Feed.objects.create(url=server.url("ftp.xml"))
    poll = ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert len(poll.submitted) == 2
    assert "1 entries skipped" in feed.last_error and "ftp://news.example.org/story-1" in (
        feed.last_error
    )


def test_relative_links_in_a_feed_are_read_against_the_feeds_address(allow_private, server):
    rss = (FIXTURES / "feed.xml").read_text().replace("{base}", "")
    server.routes["/relative.xml"] = Answer(
        200, rss.encode(), {"Content-Type": "application/rss+xml"}
    )
    poll = ingestion.poll_feed(Feed.objects.create(url=server.url("relative.xml")))
    assert sorted(a.source_url for a in poll.submitted) == [
        server.url(f"feed/story-{n}.html") for n in (1, 2, 3)
    ]


@pytest.mark.parametrize("status", [300, 301])
def test_a_redirect_without_a_location_fails(allow_private, server, status):
    # Its body was taken for the article.
    page = (FIXTURES / "article.html").read_bytes()
    server.routes["/moved.html"] = Answer(status, page, {"Content-Type": "text/html"})
    article = ingest_url(server.url("moved.html"))
    assert article.status == Article.Status.FAILED
    assert f"HTTP {status}" in article.error and "Location" in article.error


@pytest.mark.parametrize("text", [["The mayor said the dam held."], {"body": "x"}, True, 5])
def test_a_jsonl_line_whose_text_is_no_string_fails(text):
    # It was stored as Python's repr of the value: "['The mayor said the dam held.']".
    job = ingestion.ingest_jsonl([json.dumps({"text": text})], total=1)
    assert (job.done, job.failed) == (0, 1)
    assert '"text" must be a string' in job.errors[0]["reason"]
    assert not Article.objects.exists()


def test_a_jsonl_line_nested_too_deeply_is_invalid_json(caplog):
    # json.loads gives up with a RecursionError, which the line took for a failure to
    # store it: "could not be stored (maximum recursion depth exceeded…)", with a traceback
    # logged as an error for every such line. The API answers the same body with a 400.
    job = ingestion.ingest_jsonl(["[" * 100_000], total=1)
    assert (job.done, job.failed) == (0, 1)
    assert job.errors[0]["reason"] == "not valid JSON (nested too deeply)"
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_a_feed_with_an_entry_it_cannot_take_is_not_failing(allow_private, server):
    rss = (FIXTURES / "feed.xml").read_text().replace("{base}", server.base)
    rss = rss.replace(f"{server.base}/feed/story-1.html", "ftp://news.example.org/story-1", 1)
    server.routes["/ftp2.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    feed = Feed.objects.create(url=server.url("ftp2.xml"))
    for _ in range(2):
        poll = ingestion.poll_feed(feed)
        assert not poll.error and "1 entries skipped" in poll.skipped
    feed.refresh_from_db()
    assert feed.failure_count == 0


def test_a_redirect_that_is_not_followed_says_where_it_pointed(allow_private, server):
    server.routes["/choices.html"] = Answer(300, b"", {"Location": "/article.html"})
    article = ingest_url(server.url("choices.html"))
    assert article.status == Article.Status.FAILED
    assert "not followed to /article.html" in article.error


def test_a_persian_slug_is_a_valid_address(allow_private):
    from claims.fetching import check_url

    check_url("https://fa.example.org/wiki/\u0645\u06cc\u200c\u06af\u0648\u06cc\u062f")


def test_a_page_cannot_take_over_another_sites_address(allow_private, server):
    body = (
        "<article><h1>{title}</h1><p>The council said on Monday that the bridge would "
        "reopen in {month}, after repairs to the deck and the railings.</p></article>"
    )
    server.routes["/spoof.html"] = Answer(
        200,
        (
            '<html><head><link rel="canonical" href="https://news.example.org/bridge">'
            "</head><body>" + body.format(title="Spoof", month="May") + "</body></html>"
        ).encode(),
        {"Content-Type": "text/html"},
    )
    server.routes["/mine.html"] = Answer(
        200,
        (
            f'<html><head><link rel="canonical" href="{server.url("bridge.html")}"></head>'
            "<body>" + body.format(title="Bridge", month="June") + "</body></html>"
        ).encode(),
        {"Content-Type": "text/html"},
    )

    spoof = ingest_url(server.url("spoof.html"))
    mine = ingest_url(server.url("mine.html"))

    assert spoof.url == server.url("spoof.html")  # not the other site's address
    assert mine.url == server.url("bridge.html")  # its own site's canonical is believed
    assert ingestion.same_site("https://amp.example.co.uk/a", "https://www.example.co.uk/b")
    assert ingestion.same_site("https://m.example.org/a", "https://example.org/b")
    assert not ingestion.same_site("https://evil.co.uk/a", "https://www.example.co.uk/b")
    assert not ingestion.same_site("https://a.blogspot.com/x", "https://b.blogspot.com/x")
    assert not ingestion.same_site("https://m.co/x", "https://www.co/")
    assert not ingestion.same_site("http://[broken/a", "http://[broken/b")


def test_feed_entries_with_an_id_for_a_link_or_a_zero_date_are_kept(allow_private, server):
    # The id was taken for a link and refused; the zero date dropped the whole entry.
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
    <item><title>Dam</title><guid>tag:wire.example.org,2026:dam-7</guid>
      <description>The minister said the dam held through the night.</description></item>
    <item><title>Port</title><link>{base}/feed/story-1.html</link>
      <pubDate>0000-00-00</pubDate></item>
    <item><title>Quay</title><link>{base}/feed/story-2.html</link>
      <pubDate>2024-03-00</pubDate></item>
    <item><title>Pier</title><link>{base}/feed/story-3.html</link>
      <pubDate>2024-00-10T08:00:00Z</pubDate></item>
    </channel></rss>""".replace("{base}", server.base)
    server.routes["/ids.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    feed = Feed.objects.create(url=server.url("ids.xml"))

    poll = ingestion.poll_feed(feed)

    feed.refresh_from_db()
    assert feed.last_error == ""
    by_title = {article.title: article for article in poll.submitted}
    assert by_title.keys() == {"Dam", "Port", "Quay", "Pier"}
    assert "the dam held" in Article.objects.get(pk=by_title["Dam"].pk).text
    assert by_title["Port"].source_url == server.url("feed/story-1.html")
    # Day or month 00: feedparser rolled them back (2024-02-29, 2023-12-10); dropped.
    assert [by_title[t].published_at for t in ("Port", "Quay", "Pier")] == [None, None, None]


def test_tracking_parameters_and_fragments_do_not_make_a_new_article(allow_private, server):
    # Each poll whose campaign tag had changed added a duplicate and fetched the page again.
    story = server.url("feed/story-1.html")

    def poll(campaign: str) -> list[Article]:
        feed = serve_feed(
            server,
            "/utm.xml",
            f"<item><title>Rail</title><link>{story}?utm_source=rss&amp;utm_campaign="
            f"{campaign}&amp;fbclid={campaign}</link></item>"
            f"<item><title>Rail, comments</title><link>{story}#comments</link></item>",
        )
        return ingestion.poll_feed(feed).submitted

    [first] = poll("p1")
    ingestion.process_article(first.pk)
    assert poll("p2") == []

    assert Article.objects.count() == 1
    assert Article.objects.get().source_url == story
    assert sum(path.startswith("/feed/story-1.html") for path, _ in server.requests) == 1


def test_a_page_reached_through_a_tagged_redirect_keeps_its_address_without_tags(
    allow_private, server
):
    story = server.url("feed/story-1.html")
    server.routes["/fb/1"] = Answer(301, b"", {"Location": f"{story}?utm_source=feedburner"})

    article = ingest_url(server.url("fb/1"))

    assert article.url == story
    assert ingestion.submit_url(f"{story}?utm_medium=email#top").article.pk == article.pk


def test_an_entry_seen_before_is_its_article_when_its_link_changes(allow_private, server):
    # A headline edit changed the slug: the same <guid> came in as a new article.
    def entry(link: str) -> str:
        return (
            f"<item><title>Rail</title><link>{server.url(link)}</link>"
            '<guid isPermaLink="false">rail-guid-3</guid></item>'
        )

    feed = serve_feed(server, "/slug.xml", entry("feed/story-1.html"))
    [first] = ingestion.poll_feed(feed).submitted
    ingestion.process_article(first.pk)
    serve_feed(server, "/slug.xml", entry("feed/story-1-new-headline.html"))

    assert ingestion.poll_feed(feed).submitted == []
    assert Article.objects.count() == 1
    assert server.hits("/feed/story-1-new-headline.html") == 0
    assert Article.objects.get().note == ""  # the entry's title and text are as they were


def test_an_entry_with_only_an_id_whose_text_is_corrected_is_the_same_article(
    allow_private, server
):
    # It was keyed by a hash of its text: the corrected text was a new article, and its
    # claims were queued again.
    def entry(text: str) -> str:
        return (
            '<item><title>Harbour</title><guid isPermaLink="false">harbour-guid-2</guid>'
            f"<description>{text}</description></item>"
        )

    text = "Officials said the harbour wall stands. A video purportedly showing cracks spread."
    feed = serve_feed(server, "/corrected.xml", entry(text))
    [first] = ingestion.poll_feed(feed).submitted
    ingestion.process_article(first.pk)
    claims = Claim.objects.count()
    serve_feed(server, "/corrected.xml", entry(text + " Correction: the wall is 40 m long."))

    assert ingestion.poll_feed(feed).submitted == []
    article = Article.objects.get()
    assert article.pk == first.pk and Claim.objects.count() == claims
    assert "The feed entry has changed since this article was ingested" in article.note
    assert article.error == ""
    assert "Correction" not in article.text
    ingestion.poll_feed(feed)  # noted once
    assert Article.objects.get().note.count("has changed since") == 1


@pytest.mark.parametrize(
    "url, identity",
    [
        (
            "https://News.example.org:443/a?utm_source=rss&utm_medium=feed",
            "https://news.example.org/a",
        ),
        (
            "https://example.org/a?id=7&UTM_Campaign=x&gclid=1&mc_eid=2#top",
            "https://example.org/a?id=7",
        ),
        ("https://example.org/a?page=2&ref=rss", "https://example.org/a?page=2&ref=rss"),
        ("https://example.org/a?", "https://example.org/a"),
    ],
)
def test_an_articles_address_is_kept_without_tracking_parameters(url, identity):
    assert ingestion.identity_url(url) == identity


def test_a_plain_id_for_a_guid_is_not_made_into_an_address(allow_private, server):
    # feedparser read <guid>story-90210</guid> against the feed's address: the made-up
    # address was fetched, and a site answering unknown paths with its home page had the
    # home page stored as the story.
    server.routes["/soft/story-90210"] = Answer(
        200,
        b"<html><body><main><h1>Gazette</h1><p>Welcome to the Gazette, your source for local "
        b"news, sport and weather from around the bay.</p></main></body></html>",
        {"Content-Type": "text/html"},
    )
    feed = serve_feed(
        server,
        "/soft/guid.xml",
        "<item><title>Budget</title><guid>story-90210</guid><description>Officials said the "
        "council approved the harbour budget.</description></item>"
        f"<item><title>Permalink</title><guid>{server.url('feed/story-1.html')}</guid></item>"
        '<item><title>Ferry</title><guid isPermaLink="false">ferry-1</guid><description>'
        "Officials said the ferry will run again on Monday.</description></item>",
    )

    by_title = {article.title: article for article in ingestion.poll_feed(feed).submitted}

    budget = Article.objects.get(pk=by_title["Budget"].pk)
    assert "approved the harbour budget" in budget.text
    assert budget.source_url == "" and budget.url is None
    assert server.hits("/soft/story-90210") == 0
    assert by_title["Permalink"].source_url == server.url("feed/story-1.html")
    assert by_title["Ferry"].source_url == ""


@pytest.mark.parametrize(
    "notice",
    [
        "Please enable JavaScript to read this article.",
        "You need to enable JavaScript to run this app.",
        "JavaScript is required to view this page.",
        "We're sorry but this app doesn't work properly without JavaScript enabled.",
        "Please turn on JS to continue.",
        "This site requires JavaScript to run.",
        "You need JavaScript to view this page.",
    ],
)
def test_a_page_that_needs_javascript_fails_with_that_reason(notice):
    # It was stored as a processed article whose whole text was the notice.
    html = f"<html><body><noscript><p>{notice}</p></noscript><div id='root'></div></body></html>"
    article = ingestion.process_article(ingestion.submit_html(html).article.pk)
    assert article.status == Article.Status.FAILED
    assert "only with JavaScript" in article.error and notice[:20] in article.error


def test_a_short_article_about_javascript_is_not_mistaken_for_a_notice():
    html = (
        "<html><body><article><h1>Browsers</h1><p>The developers said the new engine "
        "would run JavaScript twice as fast, a claim testers could not confirm. The city "
        "said its new portal requires JavaScript.</p>"
        "</article></body></html>"
    )
    article = ingestion.process_article(ingestion.submit_html(html).article.pk)
    assert article.status == Article.Status.PROCESSED


@pytest.mark.parametrize(
    "text",
    [
        "Statement on the dam\n\nThe minister said the dam held through the night.",
        "<Editor's note: updated>\nStatement on the dam\n\nThe minister said the dam held.",
    ],
)
def test_a_page_served_as_plain_text_is_the_article(allow_private, server, text):
    # It was refused ("text/plain, not an HTML page") or, with a "<" near its start, run
    # through the HTML extractor, which found nothing.
    server.routes["/statement.txt"] = Answer(
        200, text.encode(), {"Content-Type": "text/plain; charset=utf-8"}
    )
    article = ingest_url(server.url("statement.txt"))
    assert article.status == Article.Status.PROCESSED, article.error
    assert article.text == ingestion.clean_text(text) and article.title == text.split("\n")[0]
    assert article.claims.filter(text__contains="said the dam held").exists()


def test_html_is_told_from_text_by_its_tags():
    assert ingestion.looks_like_html("<!DOCTYPE html><html><body>x</body></html>")
    assert ingestion.looks_like_html("  <p>The mayor said so.</p>")
    assert not ingestion.looks_like_html("<Editor's note> The mayor said so. 3 < 4.")
    for note in ("<A note from the editor>", "<Section 2>", "<Main points>"):
        assert not ingestion.looks_like_html(f"{note}\nThe mayor said so.")
    assert ingestion.looks_like_html('<div class="story">The mayor said so.')


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-05T09:00:00Z", "2026-03-05T09:00:00+00:00"),
        ("2026-03-05", "2026-03-05T00:00:00+00:00"),
        ("Thu, 05 Mar 2026 09:00:00 GMT", "2026-03-05T09:00:00+00:00"),  # RSS's form
        ("Thu, 05 Mar 2026 11:00:00 +0200", "2026-03-05T09:00:00+00:00"),
        ("yesterday", None),
        ("Mon, 99 Foo 2026", None),
        ("2026-02-30", None),
        # Past PostgreSQL's ±15:59, within ISO 8601's ±23:59: kept, in UTC.
        ("2020-01-01T00:00:00-23:45", "2020-01-01T23:45:00+00:00"),
        # The email module reads years below 100 as two digits, also written in full.
        ("Mon, 01 Jan 0001 00:00:00 +0100", None),
        ("Mon, 01 Jan 01 00:00:00 +0000", "2001-01-01T00:00:00+00:00"),
    ],
)
def test_publication_dates_are_read_in_the_forms_feeds_and_files_use(value, expected):
    moment = ingestion.parse_published(value)
    assert (moment.astimezone(UTC).isoformat() if moment else None) == expected


def test_a_jsonl_line_with_both_text_and_html_fails_as_the_api_refuses_it():
    line = json.dumps({"text": "The mayor said so.", "html": "<p>The mayor said so.</p>"})
    job = ingestion.ingest_jsonl([line], total=1)
    assert job.failed == 1 and 'give "text" or "html", not both' in job.errors[0]["reason"]


def test_two_feed_entries_with_one_link_are_one_new_article(allow_private, server):
    rss = (FIXTURES / "feed.xml").read_text().replace("{base}", server.base)
    rss = rss.replace("feed/story-2.html", "feed/story-1.html")
    server.routes["/twice.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    poll = ingestion.poll_feed(Feed.objects.create(url=server.url("twice.xml")))
    assert len(poll.submitted) == 2 == len({a.pk for a in poll.submitted})
    assert poll.job.total == 2


def test_pasted_html_without_an_address_does_not_take_its_canonical_one():
    html = (
        '<html><head><link rel="canonical" href="https://news.example.org/bridge"></head>'
        "<body><article><p>The council said the bridge would reopen in May, after repairs "
        "to the deck.</p></article></body></html>"
    )
    article = ingestion.process_article(ingestion.submit_html(html).article.pk)
    assert article.status == Article.Status.PROCESSED and article.url is None


def test_direction_overrides_are_dropped_from_ingested_text_and_titles():
    # A sentence with U+202E became a claim, the default short wording and the public <h1>.
    submitted = ingestion.submit_text(
        "The minister said the dam \u202eheld\u202d firm.", title="Dam \u202ereport"
    )
    article = ingestion.process_article(submitted.article.pk)
    assert article.title == "Dam report"
    assert "\u202e" not in article.text and "\u202d" not in article.text
    assert all("\u202e" not in claim.text for claim in article.claims.all())


def test_control_characters_are_dropped_from_ingested_text_and_titles():
    # "Rated\b\b\b\b\bTrue" reads as "True" in a terminal or a log viewer, and an escape
    # sequence can hide what follows: they reached claims, the desk and the CSV export.
    submitted = ingestion.submit_text(
        "The minister said the ferry \x1b[8mnumber 7734\x07 sank.\x0cOfficials\x85denied it.",
        title="Ctl\x08\x08 title\x9b",
    )
    article = ingestion.process_article(submitted.article.pk)
    assert article.title == "Ctl title"
    # A form feed or NEL ends a line (each line of pasted text is a paragraph).
    assert article.text == (
        "The minister said the ferry [8mnumber 7734 sank.\n\nOfficials\n\ndenied it."
    )
    assert article.claims.exists()


def test_a_copy_that_differs_by_zero_width_spaces_is_a_duplicate():
    first = ingestion.submit_text("The mayor said the dam held.")
    ingestion.process_article(first.article.pk)
    second = ingestion.submit_text("The mayor said the\u200b dam\ufeff held.")
    assert second.article.pk == first.article.pk or not second.needs_processing


def test_a_feed_with_many_new_entries_is_taken_over_several_polls(allow_private, server, settings):
    # Thousands of new entries held a worker (or the request, in-process) past its limit.
    settings.FACTCHECK_FEED_MAX_NEW_ENTRIES = 2
    items = "".join(
        f"<item><title>Story {n}</title><link>{server.url(f'many/{n}.html')}</link></item>"
        for n in range(5)
    )
    rss = f'<rss version="2.0"><channel><title>Many</title>{items}</channel></rss>'
    server.routes["/many.xml"] = Answer(
        200, rss.encode(), {"Content-Type": "application/rss+xml", "ETag": '"v1"'}
    )
    feed = Feed.objects.create(url=server.url("many.xml"))

    first = ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert [a.title for a in first.own] == ["Story 0", "Story 1"]
    assert first.job.total == 2
    assert feed.etag == ""  # or the next poll would be answered 304 and the rest lost
    assert feed.next_poll_at == feed.last_polled_at  # due at beat's next tick
    assert "the 3 after them wait for the next poll (at most 2 per poll)" in feed.last_error
    assert feed.failure_count == 0

    second = ingestion.poll_feed(feed)
    assert [a.title for a in second.own] == ["Story 2", "Story 3"]
    third = ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert [a.title for a in third.own] == ["Story 4"]
    assert feed.etag == '"v1"' and feed.last_error == ""
    assert feed.next_poll_at > feed.last_polled_at
    assert Article.objects.filter(feed=feed).count() == 5


def test_a_poll_of_a_feed_whose_entries_are_all_known_costs_a_few_queries(
    allow_private, server, django_assert_max_num_queries
):
    # Every known entry cost a transaction and a URL lock: 17 s a poll for 5,000 entries.
    # Half with a guid, half known by their link alone.
    guid = '<guid isPermaLink="false">story-{}</guid>'
    items = "".join(
        f"<item><title>Story {n}</title><link>{server.url(f'many/{n}.html')}?utm_source=rss"
        f"</link>{guid.format(n) if n % 2 else ''}"
        f"<description>Officials said story {n} happened.</description></item>"
        for n in range(60)
    )
    items += (
        '<item><title>Note</title><guid isPermaLink="false">note-1</guid>'
        "<description>The mayor said the dam held.</description></item>"
    )
    feed = serve_feed(server, "/known.xml", items)
    assert len(ingestion.poll_feed(feed).submitted) == 61
    Article.objects.update(status=Article.Status.PROCESSED)

    with django_assert_max_num_queries(8):
        again = ingestion.poll_feed(feed)

    assert again.submitted == []
    assert Article.objects.count() == 61


def test_articles_stored_with_zero_width_spaces_are_hashed_again():
    # Stored before clean_text dropped them: their hash kept a clean copy from being found.
    import hashlib
    import importlib

    from django.apps import apps

    def old_hash(text):
        normalised = re.sub(r"\s+", " ", text).strip().lower()
        return hashlib.sha256(normalised.encode()).hexdigest()

    texts = ["The mayor said the\u200b dam held.", "The mayor said the dam\ufeff held."]
    old = [Article.objects.create(text=t, content_hash=old_hash(t)) for t in texts]
    migration = importlib.import_module("claims.migrations.0020_rehash_zero_width_spaces")
    migration.rehash(apps, None)

    first, second = (Article.objects.get(pk=a.pk) for a in old)
    assert first.content_hash == ingestion.content_hash("The mayor said the dam held.")
    assert second.content_hash == old[1].content_hash  # the hash was the first's already
    assert first.text == texts[0]  # kept: the claims' offsets point into it
    copy = ingestion.submit_text("The mayor said the dam held.")
    assert copy.article.pk == first.pk and not copy.created


def test_a_feed_that_moved_for_good_is_polled_at_its_new_address(allow_private, server):
    rss = (FIXTURES / "feed.xml").read_text().replace("{base}", server.base).encode()
    server.routes["/wire.xml"] = Answer(200, rss, {"Content-Type": "application/rss+xml"})
    server.routes["/old-wire.xml"] = Answer(301, b"", {"Location": "/moving.xml"})
    server.routes["/moving.xml"] = Answer(308, b"", {"Location": "/wire.xml"})
    server.routes["/for-now.xml"] = Answer(302, b"", {"Location": "/wire.xml"})
    moved = Feed.objects.create(url=server.url("old-wire.xml"))
    for_now = Feed.objects.create(url=server.url("for-now.xml"))

    poll = ingestion.poll_feed(moved)
    moved.refresh_from_db()
    assert len(poll.submitted) == 3
    assert moved.url == server.url("wire.xml")
    assert moved.last_error.startswith(f"moved permanently from {server.url('old-wire.xml')}")
    assert moved.failure_count == 0 and moved.next_poll_at > moved.last_polled_at
    ingestion.poll_feed(moved)
    assert server.hits("/old-wire.xml") == 1 and server.hits("/wire.xml") == 2

    ingestion.poll_feed(for_now)  # a temporary redirect: the feed keeps its address
    for_now.refresh_from_db()
    assert for_now.url == server.url("for-now.xml") and for_now.last_error == ""


def test_a_feed_redirected_to_an_error_names_where_the_error_came_from(allow_private, server):
    # The error named the feed's own address, which had only redirected.
    server.routes["/moved-then-404.xml"] = Answer(301, b"", {"Location": "/nowhere.xml"})
    feed = Feed.objects.create(url=server.url("moved-then-404.xml"))
    ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert f"redirected to {server.url('nowhere.xml')}, which answered HTTP 404" in (
        feed.last_error
    )
    assert f"{server.url('moved-then-404.xml')} answered" not in feed.last_error


def test_a_feed_redirected_to_a_web_page_says_so(allow_private, server):
    # It said "not a readable RSS or Atom feed (<unknown>:2:0: syntax error)".
    server.routes["/moved-to-html.xml"] = Answer(301, b"", {"Location": "/home.html"})
    home = (
        b"<!doctype html>\n<html><head><title>Home</title></head><body><h1>Home</h1></body></html>"
    )
    server.routes["/home.html"] = Answer(200, home, {"Content-Type": "text/html; charset=utf-8"})
    feed = Feed.objects.create(url=server.url("moved-to-html.xml"))
    ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert f"redirected to {server.url('home.html')}, which is not a readable RSS or Atom" in (
        feed.last_error
    )
    assert "it is a web page" in feed.last_error and "syntax error" not in feed.last_error
    assert feed.url == server.url("moved-to-html.xml")  # not moved onto a web page


def test_a_feeds_move_stays_noted_for_a_week(allow_private, server, monkeypatch):
    # The next successful poll cleared it: an editor away that day never learnt of it.
    rss = (FIXTURES / "feed.xml").read_text().replace("{base}", server.base).encode()
    server.routes["/wire.xml"] = Answer(200, rss, {"Content-Type": "application/rss+xml"})
    server.routes["/old-wire.xml"] = Answer(301, b"", {"Location": "/wire.xml"})
    feed = Feed.objects.create(url=server.url("old-wire.xml"))
    note = f"moved permanently from {server.url('old-wire.xml')}"
    ingestion.poll_feed(feed)
    start = timezone.now()
    for days in (0, 3, 6):
        later = start + timezone.timedelta(days=days)
        monkeypatch.setattr(ingestion.timezone, "now", lambda later=later: later)
        ingestion.poll_feed(feed)
        feed.refresh_from_db()
        assert note in feed.last_error and feed.failure_count == 0
    server.routes["/wire.xml"] = Answer(500, b"down")
    ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert "HTTP 500" in feed.last_error and note in feed.last_error

    server.routes["/wire.xml"] = Answer(200, rss, {"Content-Type": "application/rss+xml"})
    later = start + timezone.timedelta(days=8)
    monkeypatch.setattr(ingestion.timezone, "now", lambda: later)
    ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert feed.last_error == ""


def test_a_feed_does_not_follow_a_move_to_plain_http_or_onto_another_feed():
    secure = Feed.objects.create(url="https://news.example.org/rss")
    assert ingestion._follow_move(secure, "http://news.example.org/rss") == ""
    taken = Feed.objects.create(url="https://news.example.org/feed")
    assert ingestion._follow_move(secure, taken.url) == ""
    secure.refresh_from_db()
    assert secure.url == "https://news.example.org/rss"
    moved_from = ingestion._follow_move(secure, "HTTPS://News.example.org/all")
    assert moved_from == "https://news.example.org/rss"
    assert Feed.objects.get(pk=secure.pk).url == "https://news.example.org/all"


def test_an_atom_entry_with_only_its_update_time_is_dated_by_it():
    import feedparser

    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><entry><title>Dam</title>'
        '<link href="https://news.example.org/dam"/><updated>2026-05-01T08:00:00Z</updated>'
        "</entry></feed>"
    )
    entry = feedparser.parse(atom).entries[0]
    assert ingestion._entry_date(entry).isoformat() == "2026-05-01T08:00:00+00:00"


def test_entries_failing_again_at_the_top_of_a_feed_do_not_hold_back_the_rest(
    allow_private, server, settings
):
    # Retried failures counted towards the cap: every poll spent it on them, a minute apart.
    settings.FACTCHECK_FEED_MAX_NEW_ENTRIES = 2
    links = [server.url("gone/0.html"), server.url("gone/1.html"), server.url("article.html")]
    items = "".join(
        f"<item><title>{n}</title><link>{link}</link></item>" for n, link in enumerate(links)
    )
    rss = f'<rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'
    server.routes["/top.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    feed = Feed.objects.create(url=server.url("top.xml"))

    first = ingestion.poll_feed(feed)
    assert first.waiting == 1
    for article in first.own:
        assert ingestion.process_article(article.pk).status == Article.Status.FAILED
    second = ingestion.poll_feed(feed)
    assert second.waiting == 0
    assert server.url("article.html") in [a.source_url for a in second.own]
    feed.refresh_from_db()
    assert feed.next_poll_at > feed.last_polled_at  # caught up: back to its interval


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("20240300", False),  # compact form of 2024-03-00
        ("20240010", False),
        ("2024-003", True),  # an ISO ordinal date: 3 January
        ("2024-03-05", True),
    ],
)
def test_only_dates_with_a_zero_month_or_day_are_dropped(written, kept):
    import feedparser

    rss = (
        '<rss version="2.0"><channel><title>W</title><item><title>x</title>'
        f"<link>https://news.example.org/x</link><pubDate>{written}</pubDate></item>"
        "</channel></rss>"
    )
    entry = feedparser.parse(rss).entries[0]
    assert (ingestion._entry_date(entry) is not None) == kept


def feed_entry_dated(written: str):
    import feedparser

    rss = (
        '<rss version="2.0"><channel><title>W</title><item><title>x</title>'
        f"<link>https://news.example.org/x</link><pubDate>{written}</pubDate></item>"
        "</channel></rss>"
    )
    return feedparser.parse(rss).entries[0]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # feedparser read the zone names it does not know as UTC, hours off.
        ("Tue, 05 Mar 2024 09:00:00 CEST", "2024-03-05T07:00:00+00:00"),
        ("Tue, 05 Mar 2024 09:00:00 CET", "2024-03-05T08:00:00+00:00"),
        ("Tue, 05 Mar 2024 09:00:00 BST", "2024-03-05T08:00:00+00:00"),
        ("Tue, 05 Mar 2024 09:00:00 EEST", "2024-03-05T06:00:00+00:00"),
        ("Tue, 05 Mar 2024 09:00:00 WET", "2024-03-05T09:00:00+00:00"),
        ("Tue, 05 Mar 2024 09:00:00 AEDT", "2024-03-04T22:00:00+00:00"),
        ("Tue, 05 Mar 2024 09:00 NST", "2024-03-05T12:30:00+00:00"),
        # Those feedparser knows stay as they were.
        ("Tue, 05 Mar 2024 09:00:00 EST", "2024-03-05T14:00:00+00:00"),
        ("Tue, 05 Mar 2024 09:00:00 GMT", "2024-03-05T09:00:00+00:00"),
        ("Tue, 05 Mar 2024 09:00:00 UTC", "2024-03-05T09:00:00+00:00"),
        ("Tue, 05 Mar 2024 09:00:00 +0530", "2024-03-05T03:30:00+00:00"),
        # India, Ireland or Israel; a name no one uses; a clock time's "PM": not guessed.
        ("Tue, 05 Mar 2024 09:00:00 IST", None),
        ("Tue, 05 Mar 2024 09:00:00 XYZ", None),
        ("Tue, 05 Mar 2024 09:00 PM", None),
        # US zones without "standard" or "daylight": the time the clocks there show that day.
        # "ET" was read as EST all year, an hour off from March to November.
        ("Sun, 05 Jul 2026 09:00:00 ET", "2026-07-05T13:00:00+00:00"),
        ("Thu, 05 Mar 2026 09:00:00 ET", "2026-03-05T14:00:00+00:00"),
        ("Sun, 05 Jul 2026 09:00:00 CT", "2026-07-05T14:00:00+00:00"),
        ("Sun, 05 Jul 2026 09:00:00 MT", "2026-07-05T15:00:00+00:00"),
        ("Sun, 05 Jul 2026 09:00:00 PT", "2026-07-05T16:00:00+00:00"),
        ("Thu, 05 Mar 2026 09:00:00 PT", "2026-03-05T17:00:00+00:00"),
        ("Sun, 05 Jul 2026 09:00:00 AT", "2026-07-05T12:00:00+00:00"),
    ],
)
def test_a_feed_date_with_a_zone_name_is_read_in_that_zone_or_not_at_all(written, expected):
    moment = ingestion._entry_date(feed_entry_dated(written))
    assert (moment.isoformat() if moment else None) == expected
    read = ingestion.parse_published(written)  # the API's and files' dates alike
    assert (read.isoformat() if read else None) == expected


@pytest.mark.parametrize(
    "written",
    [
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Thu, 01 Jan 1970 01:00:00 +0100",
        "1970-01-01T00:00:00Z",
        "Mon, 01 Jan 1900 00:00:00 GMT",
        "1900-01-01",
    ],
)
def test_a_placeholder_date_is_dropped(written):
    # Stored as the article's date, and published so in the ClaimReview.
    assert ingestion.parse_published(written) is None
    if not written[0].isdigit():
        assert ingestion._entry_date(feed_entry_dated(written)) is None


def test_real_dates_near_the_placeholders_are_kept():
    assert ingestion.parse_published("1970-01-02T09:00:00Z") is not None
    assert ingestion.parse_published("1969-07-20T20:17:00Z") is not None
    assert ingestion.parse_published("1900-03-01") is not None


def test_an_entry_dated_in_an_ambiguous_zone_takes_its_pages_date(allow_private, server):
    rss = (
        '<rss version="2.0"><channel><title>Wire</title><item><title>Dam</title>'
        f"<link>{server.url('article.html')}</link>"
        "<pubDate>Wed, 18 Nov 2026 15:30:00 IST</pubDate></item></channel></rss>"
    )
    server.routes["/ist.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    poll = ingestion.poll_feed(Feed.objects.create(url=server.url("ist.xml")))
    article = ingestion.process_article(poll.submitted[0].pk)
    assert article.published_at.isoformat() == "2026-11-18T10:00:00+00:00"  # the page's


def test_a_news_aggregators_title_loses_the_publisher_its_source_names(allow_private, server):
    # Google News writes "Headline - Publisher" with <source>Publisher</source>: the
    # publisher stayed in the article's title.
    items = [
        ("Harbour wall inspected twice, authority says - Example Gazette", "Example Gazette"),
        ("Dam holds \u2013 engineers say \u2013 The Wire", "The Wire"),
        ("Ferry timetable - Example Gazette", "Other Paper"),  # not its source: kept
        ("Bridge closure - Example Gazette", None),  # no source: kept
    ]
    rss = (
        '<rss version="2.0"><channel><title>News</title>'
        + "".join(
            f"<item><title>{title}</title><link>{server.url(f'story-{n}.html')}</link>"
            + (f'<source url="https://example.org/rss">{source}</source>' if source else "")
            + "</item>"
            for n, (title, source) in enumerate(items)
        )
        + "</channel></rss>"
    )
    server.routes["/gn.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    poll = ingestion.poll_feed(Feed.objects.create(url=server.url("gn.xml")))
    titles = [a.title for a in sorted(poll.submitted, key=lambda a: a.source_url)]
    assert titles == [
        "Harbour wall inspected twice, authority says",
        "Dam holds \u2013 engineers say",
        "Ferry timetable - Example Gazette",
        "Bridge closure - Example Gazette",
    ]


def test_a_plain_http_hop_cannot_move_an_https_feed(allow_private, server, tls_server):
    # Whoever answers the unencrypted hop could send the feed anywhere, for good.
    rss = (FIXTURES / "feed.xml").read_text().replace("{base}", server.base).encode()
    tls_server.routes["/elsewhere.xml"] = Answer(200, rss, {"Content-Type": "application/rss+xml"})
    tls_server.routes["/rss"] = Answer(301, b"", {"Location": server.url("hop")})
    server.routes["/hop"] = Answer(301, b"", {"Location": tls_server.url("elsewhere.xml")})
    tls_server.routes["/old.xml"] = Answer(308, b"", {"Location": "/elsewhere.xml"})
    through_http = Feed.objects.create(url=tls_server.url("rss"))
    over_https = Feed.objects.create(url=tls_server.url("old.xml"))

    assert len(ingestion.poll_feed(through_http).submitted) == 3  # still read
    ingestion.poll_feed(over_https)
    through_http.refresh_from_db()
    over_https.refresh_from_db()
    assert through_http.url == tls_server.url("rss")
    assert over_https.url == tls_server.url("elsewhere.xml")


def test_a_guid_every_entry_shares_is_no_identity(allow_private, server):
    # Some feeds give every item one guid (the site's address, "0"): the second and third
    # stories were taken for the first one seen again, and lost.
    items = []
    for n in range(3):
        path = f"/same/story-{n}.html"
        server.routes[path] = Answer(
            200,
            (
                f"<html><body><article><h1>Story {n}</h1><p>Officials said harbour wall "
                f"number {n} had cracked, a claim residents dispute.</p></article></body></html>"
            ).encode(),
            {"Content-Type": "text/html"},
        )
        items.append(
            f"<item><title>Story {n}</title><link>{server.url(path)}</link>"
            '<guid isPermaLink="false">https://gazette.example/</guid></item>'
        )
    feed = serve_feed(server, "/same/feed.xml", "".join(items))
    ingestion.poll_feed(feed)
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Story 0",
        "Story 1",
        "Story 2",
    ]
    ingestion.poll_feed(feed)  # and no "entry has changed" notes, poll after poll
    assert not Article.objects.exclude(error="").exists()
    assert Article.objects.count() == 3


def test_a_page_labelled_latin1_is_read_as_windows_1252(allow_private, server):
    # As browsers do (the HTML standard maps the label): its curly quotes, apostrophes and
    # dashes were read as C1 control characters, and then dropped.
    for label in ("ISO-8859-1", "latin1", "us-ascii"):
        body = (
            b"<html><head><title>Harbour</title></head><body><article><h1>Harbour wall</h1>"
            b"<p>The mayor said the wall was \x93perfectly safe\x94 and that it\x92s been "
            b"inspected twice this year \x96 a claim residents dispute.\x81</p><p>Labelled "
            + label.encode()
            + b".</p></article></body></html>"
        )
        path = f"/latin-{label}.html"
        server.routes[path] = Answer(200, body, {"Content-Type": f"text/html; charset={label}"})
        article = ingest_url(server.url(path))
        assert "\u201cperfectly safe\u201d and that it\u2019s been" in article.text, label
        # A byte windows-1252 leaves undefined (0x81) is what browsers make it, a control
        # character, dropped; it sent the page to the charset guesser, which read "پ".
        assert "this year \u2013 a claim residents dispute.\n" in article.text, label


def dated_page(meta: str) -> str:
    """A page whose only date is ``meta`` (the head's markup that gives it)."""
    return (
        f"<html><head><title>Bridge</title>{meta}</head><body><article><h1>Bridge</h1><p>"
        + "The minister said the bridge would reopen next week. " * 8
        + "</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("zone", "written", "expected"),
    [
        # Midnight of that day in the newsroom's zone, which a desk page shows as that day.
        ("America/New_York", "2026-03-05", "2026-03-05T05:00:00+00:00"),
        ("Europe/Berlin", "2026-03-05", "2026-03-04T23:00:00+00:00"),
        ("UTC", "2026-03-05", "2026-03-05T00:00:00+00:00"),
        # The clock jumps from 23:59 to 01:00 there: the day starts at 01:00.
        ("America/Santiago", "2026-09-06", "2026-09-06T04:00:00+00:00"),
    ],
)
def test_a_date_without_a_time_is_that_day_in_the_newsrooms_zone(settings, zone, written, expected):
    # Read as midnight UTC, "2026-03-05" was 19:00 on 4 March in New York: the desk and
    # the ClaimReview dated the article a day early.
    settings.FACTCHECK_TIME_ZONE = zone
    assert ingestion.parse_published(written).isoformat() == expected
    assert ingestion._entry_date(feed_entry_dated(written)).isoformat() == expected
    meta = f'<meta property="article:published_time" content="{written}">'
    assert ingestion.extract_html(dated_page(meta)).published_at.isoformat() == expected


def test_a_day_before_the_first_moment_utc_can_hold_is_dropped(settings):
    settings.FACTCHECK_TIME_ZONE = "Asia/Tokyo"  # 0001-01-01 there is 31 December of year 0
    assert ingestion.parse_published("0001-01-01") is None
    assert ingestion.parse_published("9999-12-31") is None  # more than a day ahead


def test_a_feed_date_without_a_time_in_rss_words_is_that_day_too(settings):
    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    moment = ingestion._entry_date(feed_entry_dated("Thu, 05 Mar 2026"))
    assert moment.isoformat() == "2026-03-05T05:00:00+00:00"


def test_a_date_with_a_time_keeps_its_moment_whatever_the_newsrooms_zone(settings):
    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    for written in ("2026-03-05T00:00:00Z", "Thu, 05 Mar 2026 00:00:00 GMT"):
        assert ingestion.parse_published(written).isoformat() == "2026-03-05T00:00:00+00:00"
        assert ingestion._entry_date(feed_entry_dated(written)).isoformat() == (
            "2026-03-05T00:00:00+00:00"
        )
    meta = '<meta property="article:published_time" content="2026-03-05T00:00:00+00:00">'
    assert ingestion.extract_html(dated_page(meta)).published_at.isoformat() == (
        "2026-03-05T00:00:00+00:00"
    )


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        # Already 2 December in Tokyo, 15:59 UTC on 1 December: the date was dropped.
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
            '"NewsArticle", "datePublished": "2026-12-02T00:59:44+09:00"}</script>',
            "2026-12-01T15:59:44+00:00",
        ),
        # A day ahead at most: kept; further ahead: dropped. Both were 1 December (htmldate
        # fell back to the first of the month when the day was past its bound).
        (
            '<meta property="article:published_time" content="2026-12-02">',
            "2026-12-02T00:00:00+00:00",
        ),
        ('<meta property="article:published_time" content="2026-12-09">', None),
        ('<meta property="article:published_time" content="2026-12-03T09:00:00Z">', None),
    ],
)
def test_a_pages_date_is_kept_up_to_a_day_ahead_and_never_moved(meta, expected):
    with mock.patch("django.utils.timezone.now", return_value=NOW_1_DEC):
        moment = ingestion.extract_html(dated_page(meta)).published_at
    assert (moment.isoformat() if moment else None) == expected


def test_a_feeds_notes_give_times_in_the_desks_zone(allow_private, server, settings):
    # Written by a task in UTC, they read "19:19 UTC" beside "next poll at 14:19 EST", and a
    # move on the evening of 5 March in New York "on 2026-03-06".
    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    server.routes["/busy.xml"] = Answer(503, b"Busy", {"Retry-After": "7200"})
    busy = Feed.objects.create(url=server.url("busy.xml"), poll_interval=15)
    ingestion.poll_feed(busy)
    busy.refresh_from_db()
    next_poll = busy.next_poll_at.astimezone(ZoneInfo("America/New_York"))
    assert f"next poll at {next_poll.day} {next_poll:%b %Y %H:%M} EST" in busy.last_error
    assert "UTC" not in busy.last_error

    rss = (FIXTURES / "feed.xml").read_text().replace("{base}", server.base).encode()
    server.routes["/wire.xml"] = Answer(200, rss, {"Content-Type": "application/rss+xml"})
    server.routes["/old-wire.xml"] = Answer(301, b"", {"Location": "/wire.xml"})
    moved = Feed.objects.create(url=server.url("old-wire.xml"))
    evening = datetime(2026, 3, 6, 2, 0, tzinfo=UTC)  # 21:00 on 5 March in New York
    with mock.patch("django.utils.timezone.now", return_value=evening):
        ingestion.poll_feed(moved)
    moved.refresh_from_db()
    assert " on 2026-03-05; polled at its new address now" in moved.last_error
    # The note stays a week of the desk's days, through later polls.
    with mock.patch("django.utils.timezone.now", return_value=evening + timedelta(days=6)):
        ingestion.poll_feed(moved)
    moved.refresh_from_db()
    assert " on 2026-03-05; polled at its new address now" in moved.last_error


def test_a_fetched_page_is_stored_in_the_language_it_names(allow_private, server):
    # trafilatura gives the page's language only when asked to keep one language: every
    # article was stored with none, so a page in German did not say so on its desk page.
    page = (FIXTURES / "article.html").read_bytes().replace(b'lang="en"', b'lang="de-AT"')
    server.routes["/de.html"] = Answer(200, page, {"Content-Type": "text/html"})
    article = ingest_url(server.url("de.html"))
    assert article.status == Article.Status.PROCESSED, article.error
    assert article.language == "de"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<html lang="ar">', "ar"),
        ('<html lang="pt_BR">', "pt"),
        ('<html lang="iw">', "he"),  # the old code for Hebrew
        ('<html lang="">', ""),
        ('<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en-GB">', "en"),
        ('<html lang="x-default">', ""),
        ("<html>", ""),
        # A page without its lang attribute may name its language in its head.
        ('<html><meta property="og:locale" content="fr_FR">', "fr"),
        ('<html><meta http-equiv="Content-Language" content="es-MX, en">', "es"),
        # A Content-Language <meta> is written on purpose; lang and og:locale are often a
        # site template's.
        ('<html lang="en"><meta http-equiv="content-language" content="de">', "de"),
        ('<html lang="de"><meta property="og:locale" content="en_US">', "de"),
    ],
)
def test_a_pages_language_is_the_primary_subtag_it_names(head, expected):
    body = "<p>The minister said the dam held through the night, officials confirmed.</p>"
    html = f"{head}<head><title>Dam</title></head><body><article>{body}</article></body></html>"
    assert ingestion.extract_html(html).language == expected


def test_pasted_html_is_stored_in_the_language_it_names():
    html = (FIXTURES / "article.html").read_text().replace('lang="en"', 'lang="de"')
    article = ingestion.process_article(ingestion.submit_html(html).article.pk)
    assert article.language == "de"
