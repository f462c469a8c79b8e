"""Shared set-up for the benchmarks: Django on a scratch database, pages on a local server."""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup(database_url: str | None = None, **env: str) -> None:
    """Start Django against `database_url` (default: a fresh SQLite file) and migrate it."""
    sys.path.insert(0, str(ROOT))
    if database_url is None:
        scratch = Path(tempfile.mkdtemp(prefix="factcheck-bench-")) / "bench.sqlite3"
        database_url = f"sqlite:///{scratch}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def load_pages(eval_dir: Path) -> dict[str, bytes]:
    """Return {page id: HTML bytes} for the gzipped pages under eval_dir/html/."""
    return {
        path.name.removesuffix(".html.gz"): gzip.decompress(path.read_bytes())
        for path in sorted((eval_dir / "html").glob("*.html.gz"))
    }


class PageServer:
    """Serve {path: bytes} as text/html on 127.0.0.1 from a background thread."""

    def __init__(self, pages: dict[str, bytes]):
        self.pages = pages

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                body = pages.get(self.path.lstrip("/"))
                self.send_response(200 if body is not None else 404)
                body = body if body is not None else b"not found"
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"
