"""Hostile and odd pages and feeds, served from the local server: each ends as an article
or a feed with a clear state, never a lost page, a silent failure or a leaked secret."""

from __future__ import annotations

import gzip
import signal
from contextlib import contextmanager

import pytest

from claims import ingestion
from claims.fetching import FetchError, decode_body, fetch
from claims.models import Article, Feed
from tests.http_server import Answer

pytestmark = pytest.mark.django_db

PARAGRAPHS = (
    "The harbour master said the old pier would close in May after the winter storms. "
    "Officials said the ferry to Lanvik would keep running on its usual timetable."
)


def page(body: str = PARAGRAPHS, head: str = "<title>Pier to close</title>") -> str:
    return f"<html><head>{head}</head><body><article><p>{body}</p></article></body></html>"


def ingest_url(url: str) -> Article:
    return ingestion.process_article(ingestion.submit_url(url).article.pk)


# --- addresses ---------------------------------------------------------------------------


def test_a_password_in_an_article_address_is_refused_on_every_path(alice):
    # It was kept, shown to the desk and published in the ClaimReview's appearance.
    from rest_framework.test import APIClient

    api_client = APIClient()
    api_client.force_authenticate(alice)
    for body in (
        {"url": "https://editor:hunter2@news.example.org/story"},
        {"text": PARAGRAPHS, "url": "https://editor:hunter2@news.example.org/story"},
        {"html": page(), "url": "https://u:secret@news.example.org/a"},
    ):
        response = api_client.post("/api/v1/articles/", body, format="json")
        assert response.status_code == 400, body
        assert "user name and password" in str(response.json()["url"])
    assert not Article.objects.exists()


def test_a_page_naming_itself_with_a_password_keeps_the_address_it_was_fetched_from(
    allow_private, server
):
    server.routes["/pier"] = Answer(
        200,
        page(head='<link rel="canonical" href="https://u:secret@news.example.org/pier">').encode(),
        {"Content-Type": "text/html; charset=utf-8"},
    )
    article = ingest_url(server.url("pier"))
    assert article.status == "processed" and article.url == server.url("pier")


def test_a_control_character_in_a_bulk_line_address_fails_the_line_naming_it():
    # PostgreSQL refused the NUL with a database error; SQLite stored and published it.
    line = (
        '{"text": "The mayor said the dam is safe.", "url": "https://news.example.org/c\\u0000d"}'
    )
    results = []
    ingestion.ingest_jsonl([line], on_line=results.append)
    assert not Article.objects.exists()
    assert "control character (U+0000)" in str(results[0])


def test_a_feed_entry_whose_link_holds_a_nul_is_skipped_with_its_reason(allow_private, server):
    rss = RSS.format(reference="", base=server.base).replace("/one<", "/o\x00ne<")
    server.routes["/feed.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    server.routes["/two"] = Answer(200, page().encode(), {"Content-Type": "text/html"})
    feed = Feed.objects.create(url=server.url("feed.xml"))
    poll = ingestion.poll_feed(feed)
    assert "control character (U+0000)" in poll.skipped
    assert [a.source_url for a in Article.objects.all()] == [server.url("two")]


# --- limits -----------------------------------------------------------------------------


def test_a_page_longer_than_an_article_may_be_fails_with_its_reason(allow_private, server):
    # Pasted text was held to 1,000,000 characters; a fetched or uploaded page was not
    # (5 million characters took a minute to detect, and the desk page a minute to show).
    line = "Officials said the pier would close.\n"
    server.routes["/long.txt"] = Answer(
        200, (line * 30_000).encode(), {"Content-Type": "text/plain; charset=utf-8"}
    )
    server.routes["/long.html"] = Answer(
        200, page("<br>".join([line] * 30_000)).encode(), {"Content-Type": "text/html"}
    )
    for path in ("long.txt", "long.html"):
        article = ingest_url(server.url(path))
        assert article.status == "failed", path
        assert "too long for one article" in article.error
        assert not article.claims.exists()


@contextmanager
def deadline(seconds: int):
    """Fail, rather than hang the suite, if the block runs past ``seconds``."""

    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_paragraph_of_forty_thousand_links_is_read_without_holding_the_worker(
    allow_private, server
):
    # trafilatura's time grows with the square of the inline elements: this page took
    # minutes of CPU, holding a worker (or, in-process, the request) all that time.
    links = " ".join(f'<a href="/tag/{n}">tag{n}</a>' for n in range(40_000))
    server.routes["/tags"] = Answer(
        200, page(f"{PARAGRAPHS}</p><p>{links}").encode(), {"Content-Type": "text/html"}
    )
    with deadline(30):
        article = ingest_url(server.url("tags"))
    assert article.status == "processed", article.error
    assert "Officials said the ferry to Lanvik" in article.text
    assert "tag39999" not in article.text  # a list of links, as in any page
    assert article.claims.filter(text__startswith="Officials said the ferry").exists()


@pytest.mark.parametrize(
    "shape",
    [
        "<div class='tags'>{}</div>",
        "<ul class='related'>{}</ul>",
        "<div class='related'>{}</div>",
    ],
)
def test_a_page_with_thousands_of_inline_elements_keeps_its_lists_of_links_out(shape):
    # With the links taken out ahead of extraction, trafilatura could no longer see a list
    # of links as one: 6,000 related headlines were stored as the article's text.
    story = "".join(
        f"<p>The harbour master said the pier would close, in part {n}.</p>" for n in range(6)
    )
    link = '<a href="/t/{0}">Related headline number {0}</a> '
    if "<ul" in shape:
        link = f"<li>{link}</li>"
    elif "related" in shape:
        link = f"<span>{link}</span>"
    links = "".join(link.format(n) for n in range(6000))
    bold = "".join(f"<b>{n}</b> " for n in range(60))  # formatting, kept as text
    html = (
        "<html><head><title>Pier</title></head><body><article><h1>Pier to close</h1>"
        f"{story}<p>In bold: {bold}</p>{shape.format(links)}</article></body></html>"
    )
    text = ingestion.extract_html(html).text
    assert "the pier would close, in part 5." in text and "In bold: 0 1 2" in text
    assert "Related headline" not in text


# --- characters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference",
    [
        "&#12;",
        "&#x1B;",
        "&#1;",
        "&#xFFFE;",
        "&#xD800;",
        # Leading zeros, and no semicolon, as HTML allows.
        "&#x000000000C;",
        "&#0000000000012;",
        "&#x0C",
        "&#12",
    ],
)
def test_a_reference_to_a_character_no_text_holds_does_not_lose_the_page(reference):
    # One such reference and the whole page gave "No article text could be extracted".
    extracted = ingestion.extract_html(page(f"{PARAGRAPHS} Form feed {reference} here."))
    assert "Form feed here." in extracted.text
    assert ingestion.without_bad_references("a &#150; b") == "a &#150; b"  # cp1252's dash


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("Мэр города заявил, что плотина выдержит паводок, сообщили в администрации.", "cp1251"),
        (
            "市長は、ダムは安全だと述べた。関係者によると、点検は来週行われる予定だという。",
            "shift_jis",
        ),
    ],
)
def test_a_page_that_names_no_charset_is_read_in_its_script(text, encoding):
    # Read as cp1252, they were stored as "Ìýð ãîðîäà…" and marked processed.
    html = f"<html><body><article><p>{text * 3}</p></article></body></html>"
    assert text in decode_body(html.encode(encoding))


def test_an_unlabelled_western_page_is_still_read_as_cp1252():
    html = "<p>Le maire a déclaré que le barrage était sûr, « selon des responsables ».</p>"
    assert decode_body(html.encode("cp1252")) == html  # the detector's guess is cp1250


def test_markup_that_says_utf16_and_is_readable_as_ascii_is_utf8():
    # .NET writes encoding="utf-16" into UTF-8 it sends: read as UTF-16, the page was lost.
    xhtml = '<?xml version="1.0" encoding="utf-16"?>' + page("Le maire a déclaré. " * 4)
    body = xhtml.encode("utf-8")
    body += b"" if len(body) % 2 == 0 else b" "  # an even length decodes as UTF-16 too
    assert "Le maire a déclaré." in decode_body(body)
    meta = page(head='<meta charset="utf-16"><title>Pier</title>') + " "
    assert "harbour master" in decode_body(meta.encode("utf-8")[: len(meta) // 2 * 2])


def test_utf16_without_a_byte_order_mark_and_an_xml_declaration_are_read():
    html = page()
    assert decode_body(html.encode("utf-16-le")) == html
    assert decode_body(html.encode("utf-16-be")) == html
    xhtml = '<?xml version="1.0" encoding="Shift_JIS"?>' + page("市長は安全だと述べた。")
    assert "市長は安全だと述べた。" in decode_body(xhtml.encode("shift_jis"))


# --- broken answers ----------------------------------------------------------------------


def test_a_body_that_says_gzip_and_is_not_is_a_permanent_failure(allow_private, server):
    # It was taken for a broken connection and retried four times.
    server.routes["/fake.gz"] = Answer(
        200, b"not gzip at all" * 100, {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    with pytest.raises(FetchError) as failed:
        fetch(server.url("fake.gz"))
    assert not failed.value.transient and "could not be decoded" in str(failed.value)
    server.routes["/real.gz"] = Answer(
        200,
        gzip.compress(page().encode()),
        {"Content-Type": "text/html", "Content-Encoding": "gzip"},
    )
    assert "harbour master" in fetch(server.url("real.gz")).text()


@pytest.mark.parametrize("location", ["http://[::1", "/caf\xe9"])
def test_a_redirect_to_an_address_that_cannot_be_read_fails_the_article_and_the_feed(
    allow_private, server, location
):
    server.routes["/moved"] = Answer(302, b"", {"Location": location})
    article = ingest_url(server.url("moved"))
    assert article.status == "failed" and "invalid address" in article.error

    feed = Feed.objects.create(url=server.url("moved"))
    ingestion.poll_feed(feed)  # raised: no error shown, no back-off, polled every minute
    feed.refresh_from_db()
    assert "invalid address" in feed.last_error
    assert feed.failure_count == 1 and feed.next_poll_at is not None


# --- feeds ------------------------------------------------------------------------------

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Bad {reference} title</title><link>{base}/one</link></item>
<item><title>Good title</title><link>{base}/two</link></item>
</channel></rss>"""


@pytest.mark.parametrize("reference", ["&#xD800;", "&#x110000;"])
def test_one_bad_character_reference_does_not_lose_the_whole_feed(allow_private, server, reference):
    server.routes["/feed.xml"] = Answer(
        200,
        RSS.format(reference=reference, base=server.base).encode(),
        {"Content-Type": "application/rss+xml"},
    )
    for path in ("one", "two"):
        server.routes[f"/{path}"] = Answer(
            200, page(f"{PARAGRAPHS} Story {path}.").encode(), {"Content-Type": "text/html"}
        )
    feed = Feed.objects.create(url=server.url("feed.xml"))
    poll = ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert not poll.error and feed.failure_count == 0
    assert {a.source_url for a in poll.submitted} == {server.url("one"), server.url("two")}


def test_an_xhtml_page_served_as_xml_is_not_a_feed(allow_private, server):
    # A sign-in page in XHTML passed as a healthy feed with no entries.
    xhtml = (
        '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>Sign in'
        "</title></head><body><p>Please sign in.</p></body></html>"
    )
    server.routes["/feed.xml"] = Answer(200, xhtml.encode(), {"Content-Type": "application/xml"})
    feed = Feed.objects.create(url=server.url("feed.xml"))
    ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert "not a readable RSS or Atom feed" in feed.last_error and feed.failure_count == 1


def test_a_feed_title_is_kept_as_text_not_markup(allow_private, server):
    rss = RSS.format(reference="", base=server.base).replace(
        "Good title", "&lt;script&gt;x()&lt;/script&gt;&lt;b&gt;Bold&lt;/b&gt; title"
    )
    server.routes["/feed.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    for path in ("one", "two"):
        server.routes[f"/{path}"] = Answer(404, b"gone")  # the entry's own title stays
    poll = ingestion.poll_feed(Feed.objects.create(url=server.url("feed.xml")))
    titles = {article.title for article in poll.submitted}
    assert "x()Bold title" in titles and not any("<" in title for title in titles)


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00Z", "1400-01-01T00:00:00+00:00", "Mon, 01 Jan 1799 00:00 GMT"]
)
def test_a_publication_date_before_1800_is_a_mistake(value, alice):
    # Stored as given, and published so in the ClaimReview.
    from rest_framework.test import APIClient

    assert ingestion.parse_published(value) is None
    api_client = APIClient()
    api_client.force_authenticate(alice)
    body = {"text": PARAGRAPHS, "published_at": value}
    response = api_client.post("/api/v1/articles/", body, format="json")
    assert response.status_code == 400 and "published_at" in response.json()
    assert ingestion.parse_published("1851-09-18") is not None  # an archive's first issue


@pytest.mark.parametrize("value", ["1970-01-01T00:00:00Z", "Mon, 01 Jan 1900 00:00:00 GMT"])
def test_a_placeholder_publication_date_is_refused_by_the_api(value, alice):
    from rest_framework.test import APIClient

    api_client = APIClient()
    api_client.force_authenticate(alice)
    body = {"text": PARAGRAPHS, "published_at": value}
    response = api_client.post("/api/v1/articles/", body, format="json")
    assert response.status_code == 400
    assert "placeholder" in response.json()["published_at"][0]


def test_a_plain_text_feed_title_keeps_its_angle_brackets(allow_private, server):
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>'
        '<entry><title type="text">Why x &lt; y and y &gt; z matters</title>'
        f'<link href="{server.base}/one"/><id>one</id></entry>'
        '<entry><title type="html">Q&amp;amp;A: what &amp;quot;net zero&amp;quot; means</title>'
        f'<link href="{server.base}/two"/><id>two</id></entry></feed>'
    )
    server.routes["/feed.xml"] = Answer(
        200, atom.encode(), {"Content-Type": "application/atom+xml"}
    )
    for path in ("one", "two"):
        server.routes[f"/{path}"] = Answer(404, b"gone")
    poll = ingestion.poll_feed(Feed.objects.create(url=server.url("feed.xml")))
    titles = {article.title for article in poll.submitted}
    assert titles == {"Why x < y and y > z matters", 'Q&A: what "net zero" means'}
