"""The fetch guard and its limits, over real sockets to a local server."""

from __future__ import annotations

import contextlib
import time

import pytest

from claims.fetching import (
    FetchError,
    FetchRefused,
    FetchTooLarge,
    FetchTransientError,
    check_url,
    decode_body,
    fetch,
)
from tests.http_server import Answer


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fc00::1]/",
        "http://[fec0::1]/",
        "http://[::127.0.0.1]/",
        "http://[::10.0.0.1]/",
        # IPv4-translated (10.0.0.1 and 127.0.0.1 through a translator), and IPv6 outside
        # the range given out for global unicast.
        "http://[::ffff:0:a00:1]/",
        "http://[::ffff:0:7f00:1]/",
        "http://[4000::1]/",
        "http://[fe00::1]/",
    ],
)
def test_it_refuses_private_and_reserved_addresses(settings, url):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchRefused, match="private or reserved"):
        check_url(url)
    with pytest.raises(FetchRefused, match="private or reserved"):
        fetch(url)


def test_it_lets_global_addresses_through(settings):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    for url in ("http://[2a00:1450:4001::1]/", "http://93.184.215.14/"):
        check_url(url)  # no FetchRefused


def test_a_refusal_does_not_say_what_the_name_resolves_to(settings, caplog):
    # "http://postgres/" would tell anyone who asks the address of the newsroom's database.
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchRefused) as refused:
        check_url("http://localhost/")
    assert "127.0.0.1" not in str(refused.value)
    assert "127.0.0.1" in caplog.text  # the operator still sees it in the log


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "file:///etc/passwd", "gopher://x/", "http:///x"]
)
def test_it_refuses_other_schemes_and_hostless_urls(url):
    with pytest.raises(FetchRefused):
        fetch(url)


def test_it_refuses_a_page_on_loopback_with_the_guard_on(settings, server):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchRefused, match="FACTCHECK_FETCH_ALLOW_PRIVATE"):
        fetch(server.url("article.html"))
    assert server.requests == []


def test_it_checks_every_redirect_hop(settings, server, caplog):
    # Loopback allowed (so the first hop reaches the test server), everything else guarded.
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    settings.FACTCHECK_FETCH_ALLOW_LOOPBACK = True
    server.routes["/moved"] = Answer(
        302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with pytest.raises(FetchRefused, match="or a page it redirects to"):
        fetch(server.url("moved"))
    assert server.hits("/moved") == 1
    assert "169.254.169.254" in caplog.text


def test_it_follows_a_harmless_redirect(allow_private, server):
    server.routes["/old"] = Answer(301, b"", {"Location": server.url("article.html")})
    result = fetch(server.url("old"))
    assert result.final_url == server.url("article.html")
    assert b"river-dam-dispute" in result.content


def test_it_refuses_a_redirect_to_another_scheme(allow_private, server):
    server.routes["/sneaky"] = Answer(302, b"", {"Location": "file:///etc/passwd"})
    with pytest.raises(FetchRefused):
        fetch(server.url("sneaky"))


def test_it_cuts_an_oversize_body_it_was_told_about(allow_private, settings, server):
    settings.FACTCHECK_FETCH_MAX_BYTES = 1000
    server.routes["/big"] = Answer(200, b"x" * 5000, {"Content-Type": "text/html"})
    with pytest.raises(FetchTooLarge, match="limit is 1,000 bytes"):
        fetch(server.url("big"))


def test_it_cuts_an_oversize_body_while_streaming(allow_private, settings, server):
    settings.FACTCHECK_FETCH_MAX_BYTES = 100_000
    server.routes["/endless"] = Answer(
        200, b"y" * 500_000, {"Content-Type": "text/html", "Content-Length": None}
    )
    with pytest.raises(FetchTooLarge, match="more than 100,000 bytes"):
        fetch(server.url("endless"))


def test_it_times_out(allow_private, settings, server):
    settings.FACTCHECK_FETCH_TIMEOUT = 0.3

    def slow(handler):
        time.sleep(1.5)
        return Answer(200, b"late")

    server.routes["/slow"] = slow
    with pytest.raises(FetchTransientError, match="timed out"):
        fetch(server.url("slow"))


def test_it_tells_transient_from_permanent_http_errors(allow_private, server):
    server.routes["/gone"] = Answer(404, b"no")
    server.routes["/busy"] = Answer(503, b"later")
    with pytest.raises(FetchError, match="HTTP 404") as permanent:
        fetch(server.url("gone"))
    assert not permanent.value.transient
    with pytest.raises(FetchTransientError, match="HTTP 503"):
        fetch(server.url("busy"))


def test_it_reports_a_refused_connection_as_transient(allow_private):
    with pytest.raises(FetchTransientError):
        fetch("http://127.0.0.1:9/")


def test_it_decodes_the_charset_from_the_header(allow_private, server):
    result = fetch(server.url("article_latin1_nometa.html"))
    assert result.charset == "iso-8859-1"
    assert "José Muñoz" in result.text()


def test_it_decodes_the_charset_from_a_meta_tag(allow_private, server):
    result = fetch(server.url("article_latin1.html"))
    assert result.charset is None
    assert "José Muñoz" in result.text()


def test_it_falls_back_when_the_charset_is_unknown_or_wrong():
    assert decode_body("café".encode("latin-1")) == "café"
    assert decode_body("café".encode(), "no-such-charset") == "café"
    assert decode_body("naïve".encode(), "ascii") == "naïve"


def test_it_bounds_the_whole_download_not_only_each_read(allow_private, settings, server):
    settings.FACTCHECK_FETCH_TIMEOUT = 0.5

    def trickle(handler):  # a few bytes at a time, each read well within the timeout
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "200")
        handler.end_headers()
        for _ in range(40):
            handler.wfile.write(b"xxxxx")
            handler.wfile.flush()
            time.sleep(0.1)
        return None

    server.routes["/trickle"] = trickle
    started = time.monotonic()
    with pytest.raises(FetchTransientError, match="took longer than 1.5 s"):
        fetch(server.url("trickle"))
    assert time.monotonic() - started < 3


def slow_headers(handler):  # each byte well within the read timeout, never done
    with contextlib.suppress(OSError):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Padding: ")
        for _ in range(60):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.1)
    return None


@pytest.mark.parametrize("scheme", ["http", "https", "http through a proxy"])
def test_it_bounds_a_server_that_sends_its_headers_a_byte_at_a_time(
    allow_private, settings, server, tls_server, monkeypatch, scheme
):
    settings.FACTCHECK_FETCH_TIMEOUT = 0.5
    url = server.url("slow-headers")
    if scheme == "https":  # most news sites: the TLS layer must not hide the connection
        url = tls_server.url("slow-headers")
        tls_server.routes["/slow-headers"] = slow_headers
    elif scheme == "http through a proxy":  # HTTP_PROXY: the proxy's connection is cut too
        url = "http://news.example.org/slow-headers"
        monkeypatch.setenv("HTTP_PROXY", server.base)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        server.routes[url] = slow_headers
    server.routes["/slow-headers"] = slow_headers
    started = time.monotonic()
    with pytest.raises(FetchTransientError, match="took longer than 1.5 s"):
        fetch(url)
    assert time.monotonic() - started < 3  # not the 6 s the server would take


def test_a_body_cut_at_the_deadline_is_not_taken_for_the_whole_page(
    allow_private, settings, server
):
    settings.FACTCHECK_FETCH_TIMEOUT = 0.5

    def stalls_after_a_chunk(handler):  # no Content-Length: EOF would look like the end
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Part")
        handler.wfile.flush()
        time.sleep(0.4)
        handler.wfile.write(b" one")
        handler.wfile.flush()
        time.sleep(0.4)
        handler.wfile.write(b" two")
        handler.wfile.flush()
        time.sleep(0.4)
        handler.wfile.write(b" three")
        handler.wfile.flush()
        time.sleep(0.45)
        return None

    server.routes["/cut"] = stalls_after_a_chunk
    with pytest.raises(FetchTransientError, match="took longer than 1.5 s"):
        fetch(server.url("cut"))


def test_a_byte_order_mark_wins_over_the_header():
    assert decode_body(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "windows-1252") == "<p>café</p>"


def test_it_reports_a_body_that_stalls_as_transient(allow_private, settings, server):
    settings.FACTCHECK_FETCH_TIMEOUT = 0.3

    def stall(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b"<html>")
        handler.wfile.flush()
        time.sleep(1.5)
        return None

    server.routes["/stall"] = stall
    with pytest.raises(FetchTransientError, match="timed out"):
        fetch(server.url("stall"))


@pytest.mark.parametrize("charset", [b"undefined", b"punycode", b"rot13"])
def test_a_charset_that_is_not_a_text_encoding_falls_back(charset):
    page = b'<html><head><meta charset="' + charset + b'"></head><body>Caf\xc3\xa9</body></html>'
    assert "Café" in decode_body(page)


def test_an_unclosed_ipv6_address_is_refused():
    with pytest.raises(FetchRefused, match="not a valid URL"):
        check_url("http://[::1")


@pytest.mark.parametrize("host", ["é" * 60 + ".com", "a" * 64 + ".org"])
def test_a_host_name_that_cannot_exist_is_refused(settings, host):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchRefused, match="cannot exist"):
        check_url(f"http://{host}/story")


@pytest.mark.parametrize(
    "given, normal",
    [
        ("HTTPS://News.Example.ORG/rss", "https://news.example.org/rss"),
        ("http://news.example.org:80/Feed.xml", "http://news.example.org/Feed.xml"),
        ("https://news.example.org:443/a?Q=1", "https://news.example.org/a?Q=1"),
        ("https://news.example.org:8443/rss", "https://news.example.org:8443/rss"),
        ("https://User:Pass@news.example.org/rss", "https://User:Pass@news.example.org/rss"),
        ("http://[::1", "http://[::1"),
        # One host written in its script or in punycode is one address (one feed).
        ("https://xn--r8jz45g.jp/rss", "https://例え.jp/rss"),
        ("https://XN--R8JZ45G.jp:8443/rss", "https://例え.jp:8443/rss"),
        ("https://例え.JP/rss", "https://例え.jp/rss"),
        ("https://xn--not-punycode-.example/rss", "https://xn--not-punycode-.example/rss"),
        ("http://[::1]:8080/rss", "http://[::1]:8080/rss"),
    ],
)
def test_an_address_is_written_one_way(given, normal):
    from claims.fetching import normalised_url

    assert normalised_url(given) == normal


@pytest.mark.parametrize(
    ("content", "header"),
    [
        ("<p>Le maire a déclaré</p>".encode(), "iso-8859-1"),
        ('<meta charset="iso-8859-1"><p>Le maire a déclaré</p>'.encode(), None),
        ('<meta charset="utf-8"><p>Le maire a déclaré</p>'.encode(), "iso-8859-1"),
        ("<p>Le maire a déclaré</p>".encode(), "windows-1252"),
    ],
)
def test_a_utf8_page_labelled_latin1_is_read_as_utf8(content, header):
    # Latin-1 decodes any byte: the page was stored as "dÃ©clarÃ©".
    assert "déclaré" in decode_body(content, header)


def test_a_real_latin1_page_stays_latin1():
    assert "déclaré" in decode_body("<p>Le maire a déclaré</p>".encode("latin-1"), "iso-8859-1")


def test_a_request_header_that_cannot_be_sent_is_not_called_a_redirect(
    allow_private, server, settings
):
    # The settings refuse such a User-Agent at start; any header trouble was reported as
    # "it redirects to an invalid address", of a page that does not redirect.
    server.routes["/page"] = Answer(200, b"<p>The dam is safe.</p>", {"Content-Type": "text/html"})
    settings.FACTCHECK_FETCH_USER_AGENT = "Gazette \u2014 fact desk"
    with pytest.raises(FetchError) as failed:
        fetch(server.url("page"))
    assert "redirect" not in str(failed.value)
    assert "could not be sent" in str(failed.value) and not failed.value.transient

    settings.FACTCHECK_FETCH_USER_AGENT = "Gazette fact desk"
    with pytest.raises(FetchError) as failed:
        fetch(server.url("page"), headers={"If-None-Match": '"caf\u00e9\u2014"'})
    assert "redirect" not in str(failed.value)
