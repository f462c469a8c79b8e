"""A real local HTTP server for tests: serves fixture files and scripted answers.

The internet is the one boundary we cannot reach in tests, so pages and feeds come from
here, over a real socket, through the real fetch code.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str | None] = field(default_factory=dict)


# A route returns an Answer, or None once it has written the response itself.
Route = Callable[[BaseHTTPRequestHandler], Answer | None]


class LocalServer:
    """Serve `routes` (path → Answer or callable) and fall back to files under fixtures/.

    Fixture files have `{base}` replaced with this server's address. Every request is
    recorded as (path, headers) in `requests`.
    """

    def __init__(self, tls=None) -> None:
        """`tls`: a trustme CA; the server then speaks HTTPS as "localhost"."""
        self.routes: dict[str, Answer | Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 — the name http.server calls
                server.requests.append((self.path, dict(self.headers)))
                answer = server.answer(self)
                if answer is None:  # the route wrote its own response
                    return
                self.send_response(answer.status)
                # A header set to None is left out (no Content-Length: read until close).
                headers = {"Content-Length": str(len(answer.body)), **answer.headers}
                for name, value in headers.items():
                    if value is not None:
                        self.send_header(name, value)
                if headers["Content-Length"] is None:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(answer.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.issue_cert("localhost").configure_cert(context)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.base = f"https://localhost:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def hits(self, path: str) -> int:
        return sum(1 for requested, _ in self.requests if requested == path)

    def answer(self, handler: BaseHTTPRequestHandler) -> Answer:
        path = handler.path.split("?", 1)[0]
        route = self.routes.get(path)
        if route is not None:
            return route(handler) if callable(route) else route
        return self.fixture(path)

    def fixture(self, path: str) -> Answer:
        file = (FIXTURES / path.lstrip("/")).resolve()
        if not file.is_file() or FIXTURES.resolve() not in file.parents:
            return Answer(404, b"not found", {"Content-Type": "text/plain"})
        body = file.read_bytes().replace(b"{base}", self.base.encode())
        kind = {
            ".html": "text/html; charset=utf-8",
            ".xml": "application/rss+xml; charset=utf-8",
            ".txt": "text/plain; charset=utf-8",
            ".jsonl": "application/json",
        }.get(file.suffix, "application/octet-stream")
        if "latin1" in file.name:
            kind = "text/html" if "nometa" not in file.name else "text/html; charset=iso-8859-1"
        return Answer(200, body, {"Content-Type": kind})
