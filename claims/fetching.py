"""The one way the app reaches the network: a guarded, size-capped HTTP GET.

requests-hardened resolves each host once, refuses private, loopback, link-local,
multicast, reserved and unspecified addresses (IPv4 and IPv6, with two IPv6 ranges of
our own below), connects to the address it
checked, and does so again on every redirect hop. The guard is off only when
FACTCHECK_FETCH_ALLOW_PRIVATE is set (tests that serve pages from 127.0.0.1).
"""

from __future__ import annotations

import codecs
import contextvars
import ipaddress
import logging
import re
import socket
import threading
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import SplitResult, urlsplit, urlunsplit

import charset_normalizer
import requests
import urllib3
from django.conf import settings
from requests_hardened import Config, HTTPSession, ip_filter
from requests_hardened.ip_filter import InvalidIPAddress, filter_host
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# IPv6 outside 2000::/3, the only range given out for global unicast. Python counts some
# of it as neither private nor reserved, so requests-hardened let it through: the
# deprecated site-local range fec0::/10 (still routed inside some networks), and
# IPv4-compatible and IPv4-translated addresses ("[::10.0.0.1]", "[::ffff:0:a00:1]": IPv4
# addresses in disguise, reached through a translator). The guard reads this tuple on
# every check, at the first look and on every connect.
ip_filter.EXTRA_BLOCKED_NET_RANGES += tuple(
    ipaddress.ip_network(net) for net in ("::/3", "4000::/2", "8000::/1")
)

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
TOTAL_TIMEOUT_FACTOR = 3
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)


class FetchError(Exception):
    """A fetch that failed. `transient` errors are worth retrying later; `status` is the
    HTTP status of an error answer, `retry_after` when it asked to be tried again."""

    transient = False

    def __init__(
        self, message: str = "", *, status: int | None = None, retry_after: datetime | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class FetchRefused(FetchError):
    """The URL is not one we fetch (scheme, or an address the guard refuses)."""


class FetchTooLarge(FetchError):
    """The body is larger than FACTCHECK_FETCH_MAX_BYTES."""


class FetchTransientError(FetchError):
    """A timeout, a reset connection, a 5xx or a 429: try again later."""

    transient = True


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str
    charset: str | None
    headers: dict[str, str] = field(default_factory=dict)
    # Reached through redirects that were all permanent (301, 308): the address moved.
    moved: bool = False

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return decode_body(self.content, self.charset)


def normalised_url(url: str, *, fragment: bool = False) -> str:
    """The same address written one way: scheme and host in lower case, without the
    default port (so one feed is not added twice as HTTPS://News.example.org:443/rss) and,
    unless ``fragment``, without the #fragment (never sent to the server)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url  # check_url says what is wrong with it
    netloc = parts.netloc
    if "@" not in netloc:  # user names and passwords keep their case
        netloc = _in_its_script(netloc.lower())
        default_port = {"http": ":80", "https": ":443"}.get(parts.scheme.lower(), "")
        if default_port and netloc.endswith(default_port):
            netloc = netloc.removesuffix(default_port)
    kept = parts.fragment if fragment else ""
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, kept))


def _in_its_script(netloc: str) -> str:
    """A host's punycode labels (xn--…) in the script they stand for, so that one host
    written either way is one address (a feed was added, and polled, twice)."""
    if "xn--" not in netloc or netloc.startswith("["):
        return netloc
    host, colon, port = netloc.partition(":")
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            with suppress(UnicodeError):
                label = label.encode("ascii").decode("idna")
        labels.append(label)
    return ".".join(labels) + colon + port


#: Bidirectional controls (embeddings, overrides, isolates, marks): they make an address
#: read as another one ("…/a\u202egpj.exe" shows as "…/aexe.jpg"). Not every formatting
#: character: the zero-width non-joiner belongs in Persian and Indic words, and so in slugs.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def has_invisible_characters(text: str) -> bool:
    """Whether `text` holds a bidirectional control character."""
    return not BIDI_CONTROLS.isdisjoint(text)


#: C0 and C1 control characters and DEL, tabs and line ends aside: never meant in text,
#: and in a terminal or a log viewer "Rated\b\b\b\b\bTrue" reads as "True".
CONTROL_CHARACTERS = frozenset(
    map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
)


def has_usable_port(parts: SplitResult) -> bool:
    """Whether a split URL names no port or one a server can listen on: 99999 passes
    Django's URLValidator, and nothing is served on port 0."""
    try:
        return parts.port != 0
    except ValueError:
        return False


def has_credentials(url: str) -> bool:
    """Whether a URL carries a user name or password ("https://user:pw@host/"), which a
    link kept and published must not; raises ValueError for a URL that does not split."""
    return "@" in urlsplit(url).netloc


INVISIBLE_MESSAGE = (
    "The URL contains invisible direction controls (such as a right-to-left override)."
)
_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f]")


def invisible_characters(url: str) -> str | None:
    """Why no address can be ``url``, if it holds characters no one sees: direction controls
    (it reads as another address) or a control character (a NUL, a line break…, which
    PostgreSQL cannot even store, for a NUL)."""
    if has_invisible_characters(url):
        return INVISIBLE_MESSAGE
    found = _CONTROL_CHARACTER.search(url)
    if found is None:
        return None
    return f"The URL contains a control character (U+{ord(found.group()):04X}): copy it again."


def check_url(url: str) -> None:
    """Refuse a URL we would never fetch: not http(s), no host, invisible characters, or a
    guarded address.

    The address check here gives an early, clear answer; fetch() checks again on connect
    and on every redirect, so a DNS answer that changes in between gains nothing.
    """
    if problem := invisible_characters(url):
        raise FetchRefused(problem)
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 address)
        raise FetchRefused(f"The URL {url!r} is not a valid URL.") from None
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"Only http and https URLs can be fetched, not {url!r}.")
    if not has_usable_port(parts):  # port 0 failed later as "could not be resolved"
        raise FetchRefused(f"The URL {url!r} has an invalid port.")
    hostname, port = parts.hostname, parts.port
    if not hostname:
        raise FetchRefused(f"The URL {url!r} has no host.")
    if settings.FACTCHECK_FETCH_ALLOW_PRIVATE:
        return
    problem = _address_problem(hostname, port or (443 if parts.scheme == "https" else 80))
    if isinstance(problem, InvalidIPAddress):
        raise FetchRefused(_refusal(url, problem))
    if isinstance(problem, UnicodeError):  # IDNA cannot encode it (a label over 63 characters…)
        raise FetchRefused(f"The URL {url!r} has a host name that cannot exist.")


#: Within remembered_host_checks(), each host's _address_problem by (host, port).
_host_checks: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "host_checks", default=None
)


@contextmanager
def remembered_host_checks():
    """Look each host up once within the block (a run of a bulk file) as URLs are checked:
    a URL line's time was mostly its host's DNS look-up, five seconds when it timed out.
    fetch() still checks the address it connects to."""
    token = _host_checks.set({})
    try:
        yield
    finally:
        _host_checks.reset(token)


def _address_problem(hostname: str, port: int) -> Exception | None:
    """Why a host's address may not be fetched (InvalidIPAddress, or UnicodeError for a
    name that cannot exist), or None: allowed, or unresolvable now (fetch() reports it,
    and it may resolve by then)."""
    remembered = _host_checks.get()
    if remembered is not None and (hostname, port) in remembered:
        return remembered[hostname, port]
    problem = None
    try:
        filter_host(hostname, port, allow_loopback=settings.FACTCHECK_FETCH_ALLOW_LOOPBACK)
    except (InvalidIPAddress, UnicodeError) as exc:
        problem = exc.with_traceback(None)
    except requests.exceptions.RequestException:
        pass
    if remembered is not None:
        remembered[hostname, port] = problem
    return problem


def _refusal(url: str, exc: Exception, *, redirected: bool = False) -> str:
    # The address goes to the log, not to the user: it would map the names of the
    # newsroom's own network ("http://postgres/") to their addresses for anyone who asks.
    logger.warning("Refused to fetch %s: %s", url, exc)
    where = "it or a page it redirects to resolves" if redirected else "it resolves"
    return (
        f"Refused to fetch {url}: {where} to a private or reserved address. "
        "Set FACTCHECK_FETCH_ALLOW_PRIVATE=1 only for local testing."
    )


class _Deadline:
    """Cuts a fetch's connections when its time is up. The timeout bounds each read; a
    server that sends its headers, or its body, a byte at a time within it would
    otherwise hold the fetch (and a web request or worker) for as long as it likes."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.passed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def track(self, sock: socket.socket) -> None:
        # A duplicate: wrapping the socket in TLS detaches it, and shutting a duplicate
        # down shuts the connection all the same.
        duplicate = sock.dup()
        with self._lock:
            self._sockets.append(duplicate)
            if self.passed:  # connected just after the deadline
                _shut(duplicate)

    def _cut(self) -> None:
        with self._lock:
            self.passed = True
            for sock in self._sockets:
                _shut(sock)  # a read blocked on it returns at once

    def __enter__(self) -> _Deadline:
        self._token = _current_deadline.set(self)
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        _current_deadline.reset(self._token)
        with self._lock:
            for sock in self._sockets:
                sock.close()


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


_current_deadline: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar(
    "fetch_deadline", default=None
)


class _Tracked:
    """A connection that hands its socket, as soon as it is connected (before a TLS
    handshake, which a server can stall too), to the deadline of the fetch that opened it."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        deadline = _current_deadline.get()
        if deadline is not None:
            deadline.track(sock)
        return sock


class _HTTPConnection(_Tracked, HTTPConnection):
    pass


class _HTTPSConnection(_Tracked, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_TRACKED_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _TrackedAdapter:
    """Gives the adapter's pool managers, direct and through a proxy (HTTP(S)_PROXY), the
    pools whose connections the fetch's deadline can cut."""

    def __init__(self, adapter) -> None:
        self._proxy_manager_for = adapter.proxy_manager_for
        adapter.poolmanager.pool_classes_by_scheme = _TRACKED_POOLS
        adapter.proxy_manager_for = self.proxy_manager_for

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = self._proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _TRACKED_POOLS
        return manager


def _session() -> requests.Session:
    config = Config(
        ip_filter_enable=not settings.FACTCHECK_FETCH_ALLOW_PRIVATE,
        ip_filter_allow_loopback_ips=settings.FACTCHECK_FETCH_ALLOW_LOOPBACK,
        never_redirect=False,
        default_timeout=(settings.FACTCHECK_FETCH_TIMEOUT, settings.FACTCHECK_FETCH_TIMEOUT),
        user_agent_override=settings.FACTCHECK_FETCH_USER_AGENT,
    )
    session = HTTPSession(config)
    session.max_redirects = MAX_REDIRECTS
    for adapter in session.adapters.values():
        _TrackedAdapter(adapter)
    return session


def fetch(url: str, *, headers: dict[str, str] | None = None) -> FetchResult:
    """GET `url` through the guard; return the body, or raise a FetchError saying why."""
    check_url(url)
    with _Deadline(TOTAL_TIMEOUT_FACTOR * settings.FACTCHECK_FETCH_TIMEOUT) as deadline:
        try:
            return _fetch(url, headers, deadline)
        except FetchTransientError:
            if deadline.passed:  # the connection was cut, whatever it broke with
                raise FetchTransientError(_too_slow(url, deadline.seconds)) from None
            raise


def _too_slow(url: str, seconds: float) -> str:
    return f"{url} took longer than {seconds:g} s to send."


def _fetch(url: str, headers: dict[str, str] | None, deadline: _Deadline) -> FetchResult:
    max_bytes = settings.FACTCHECK_FETCH_MAX_BYTES
    answered = []  # a response came: an address that cannot be read is then a redirect's
    try:
        with _session() as session:
            response = session.get(
                url,
                headers=headers or {},
                stream=True,
                hooks={"response": lambda response, **kwargs: answered.append(response)},
            )
            with response:
                _raise_for_status(url, response)
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FetchTooLarge(
                        f"{url} is {int(declared):,} bytes; the limit is {max_bytes:,} bytes."
                    )
                chunks, size = [], 0
                # read1 returns what has arrived (at most 64 KiB); at the deadline the
                # connection is cut and it returns nothing, as at the end of the body.
                while chunk := response.raw.read1(64 * 1024, decode_content=True):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchTooLarge(
                            f"{url} sent more than {max_bytes:,} bytes; stopped reading."
                        )
                    chunks.append(chunk)
                if deadline.passed:  # cut: what arrived is not the whole page
                    raise FetchTransientError(_too_slow(url, deadline.seconds))
                content_type = response.headers.get("Content-Type", "")
                return FetchResult(
                    url=url,
                    final_url=response.url,
                    status=response.status_code,
                    content=b"".join(chunks),
                    content_type=content_type.split(";")[0].strip().lower(),
                    charset=_header_charset(content_type),
                    headers=dict(response.headers),
                    moved=_moved_for_good(url, response),
                )
    except InvalidIPAddress as exc:
        raise FetchRefused(_refusal(url, exc, redirected=True)) from None
    except requests.exceptions.InvalidSchema as exc:
        raise FetchRefused(f"Refused to follow {url}: {exc}") from None
    except requests.exceptions.TooManyRedirects:
        raise FetchError(f"{url} redirected more than {MAX_REDIRECTS} times.") from None
    except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as exc:
        raise FetchTransientError(f"Could not fetch {url}: {_reason(exc)}") from None
    except urllib3.exceptions.DecodeError:  # says gzip, is not: sending it again will not help
        raise FetchError(f"{url} sent a compressed body that could not be decoded.") from None
    except urllib3.exceptions.HTTPError as exc:  # while reading the body with read1
        reason = "timed out" if isinstance(exc, urllib3.exceptions.TimeoutError) else str(exc)
        raise FetchTransientError(f"The connection broke while reading {url}: {reason}") from None
    except requests.exceptions.ChunkedEncodingError as exc:
        raise FetchTransientError(f"The connection broke while reading {url}: {exc}") from None
    except requests.exceptions.InvalidURL as exc:
        raise FetchRefused(f"Invalid URL {url!r}: {exc}") from None
    except requests.exceptions.RequestException as exc:
        raise FetchError(f"Could not fetch {url}: {exc}") from None
    except (ValueError, UnicodeError) as exc:
        if not answered:  # before any answer: a request header that cannot be sent
            raise FetchError(
                f"Could not fetch {url}: the request could not be sent ({exc})."
            ) from exc
        # A redirect to an address that cannot be read: "Location: http://[::1", or a
        # byte that is not UTF-8 in it.
        raise FetchError(f"Could not follow {url}: it redirects to an invalid address.") from exc


def _moved_for_good(url: str, response: requests.Response) -> bool:
    """Whether `url` redirected permanently (301, 308) on every hop; from HTTPS, only over
    HTTPS all the way: whoever answers a plain-HTTP hop could otherwise pick the address."""
    hops = response.history
    if not hops or any(hop.status_code not in (301, 308) for hop in hops):
        return False
    addresses = [hop.url for hop in hops] + [response.url]
    return not url.lower().startswith("https:") or all(
        address.lower().startswith("https:") for address in addresses
    )


def _raise_for_status(url: str, response: requests.Response) -> None:
    status = response.status_code
    if status < 300 or status == 304:
        return
    # After redirects the answer is the last address's, which the message names.
    where = f"{url} redirected to {response.url}, which" if response.history else url
    message = f"{where} answered HTTP {status} {response.reason or ''}".strip()
    if status < 400:  # a redirect requests did not follow: none given, or not one it follows
        where = response.headers.get("Location")
        reason = f"not followed to {where[:200]}" if where else "no Location to follow"
        raise FetchError(f"{message}: {reason}")
    if status >= 500 or status in (408, 429):
        raise FetchTransientError(message, status=status, retry_after=_retry_after(response))
    raise FetchError(message, status=status)


def _retry_after(response: requests.Response) -> datetime | None:
    """When a 429 or 503 asks to be tried again (Retry-After: seconds, or an HTTP date),
    or None when it does not say, says it unreadably or names a moment past."""
    value = response.headers.get("Retry-After", "").strip()
    now = datetime.now(UTC)
    try:
        if value.isdigit():
            moment = now + timedelta(seconds=int(value))
        else:
            moment = parsedate_to_datetime(value)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, TypeError, OverflowError):
        return None
    return moment if moment > now else None


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "timed out" in text.lower() or isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    if "Failed to resolve" in text or "Name or service not known" in text:
        return "the host name could not be resolved"
    if "refused" in text.lower():
        return "connection refused"
    return text[:300]


def _header_charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    return match.group(1) if match else None


def _western(charset: str) -> bool:
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return False
    return name in ("latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15")


_C1 = "windows-1252-as-browsers"
codecs.register_error(_C1, lambda error: (chr(error.object[error.start]), error.start + 1))


def _as_browsers_read(charset: str) -> str:
    """The codec for a page's charset label as browsers read it: the HTML standard reads
    ISO-8859-1 and ASCII labels as windows-1252, whose quotes, apostrophes and dashes
    (0x80-0x9F) Latin-1 takes for control characters."""
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return charset
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else charset


def decode_text_file(content: bytes) -> str:
    """An uploaded text or JSONL file: UTF-8 (a byte-order mark dropped), else cp1252,
    line by line: one stray byte does not turn a whole UTF-8 file into mojibake."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_body(content)
    content = content.removeprefix(codecs.BOM_UTF8)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return "\n".join(_decode_line(line) for line in content.split(b"\n"))


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def decode_body(content: bytes, header_charset: str | None = None) -> str:
    """Decode a page: a byte-order mark, else the header's charset, else a <meta> charset,
    else UTF-8, else cp1252."""
    for bom, charset in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            return content.decode(charset, errors="replace")
    if not header_charset and (wide := _utf16_without_bom(content)):
        return content.decode(wide, errors="replace")
    candidates = []
    if header_charset:
        candidates.append(header_charset)
    for declared in (_META_CHARSET, _XML_ENCODING):  # <meta charset>, <?xml encoding?>
        if found := declared.search(content[:4096]):
            name = found.group(1).decode("ascii", "ignore")
            # Markup readable as ASCII is not UTF-16 or -32 whatever it says (.NET writes
            # encoding="utf-16" into UTF-8 it sends); the HTML standard reads it as UTF-8.
            candidates.append("utf-8" if name.lower().startswith(("utf-16", "utf-32")) else name)
    if candidates and _western(candidates[0]) and not content.isascii():
        # A page labelled Latin-1 (or cp1252, ASCII) that is valid UTF-8 is UTF-8: the
        # usual mislabel, and Latin-1 never fails to decode, so no other test would catch
        # it (real Latin-1 text is almost never valid UTF-8 by chance).
        with suppress(UnicodeDecodeError):
            return content.decode("utf-8")
    for charset in candidates:
        codec = _as_browsers_read(charset)
        try:
            # Browsers' windows-1252 reads the five bytes Python's leaves undefined (0x81,
            # 0x8D, 0x8F, 0x90, 0x9D) as the control characters of the same number.
            return content.decode(codec, errors=_C1 if codec == "cp1252" else "strict")
        except (LookupError, UnicodeError):  # unknown name, or a codec that is not text
            continue
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # A page that names no charset (or a wrong one) and is not UTF-8: a script cp1252
    # cannot show if charset-normalizer is sure of one (Cyrillic, Japanese…), else cp1252,
    # the usual unlabelled Latin-1 (the detector takes most of those for cp1250).
    guess = charset_normalizer.from_bytes(content[:65536]).best()
    if guess is not None and guess.encoding.startswith(_OTHER_SCRIPTS):
        with suppress(LookupError, UnicodeError):
            return content.decode(guess.encoding)
    return content.decode("cp1252", errors="replace")


#: Codecs (charset-normalizer's names) of scripts that cp1252 cannot show at all.
_OTHER_SCRIPTS = (
    "cp1251", "koi8", "cp866", "mac_cyrillic", "iso8859_5",  # Cyrillic
    "cp932", "shift_jis", "euc_jp", "iso2022_jp",  # Japanese
    "gb2312", "gbk", "gb18030", "big5", "hz",  # Chinese
    "euc_kr", "cp949", "johab",  # Korean
    "cp1253", "iso8859_7",  # Greek
    "cp1255", "iso8859_8",  # Hebrew
    "cp1256", "iso8859_6",  # Arabic
    "cp874", "tis_620",  # Thai
)  # fmt: skip


def _utf16_without_bom(content: bytes) -> str | None:
    """ "utf-16-le" or "-be" for UTF-16 text with no byte-order mark (markup and Latin text
    then have a NUL in every other byte), else None."""
    head = content[:512]
    if len(head) < 16:
        return None
    for codec, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            return codec
    return None
