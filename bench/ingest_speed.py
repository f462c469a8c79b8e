"""Ingestion throughput through the real worker pipeline, against bare trafilatura.

    python bench/ingest_speed.py ../shared/eval/articles [--copies 6] [--workers 2]

Serves the evaluation set's real news pages from a local HTTP server, each under several
URLs (each copy loses its canonical link and gains one sentence, so each is a distinct article
rather than a duplicate of the first), and runs them through Celery: a real worker with
`--workers` processes on Redis and PostgreSQL, each article fetched through the guard,
extracted, stored and detected. Beside it, the same run times bare `trafilatura.extract`
over the same HTML with the same number of processes. Prints articles/min and the ratio
of our wall time to trafilatura's (our overhead).

Needs PostgreSQL and Redis (BENCH_ADMIN_URL, BENCH_REDIS_URL; defaults are the local
services, Redis database 14). It drops and creates its own database,
factcheck_bench_ingest, at the start of a run and leaves it afterwards for inspection, and
empties the Redis database it is given.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from multiprocessing import Pool
from pathlib import Path

from harness import ROOT, PageServer, django_setup, load_pages

ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "factcheck_bench_ingest"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CANONICAL = re.compile(
    rb"<link[^>]+rel=[\"']canonical[\"'][^>]*>|<meta[^>]+property=[\"']og:url[\"'][^>]*>", re.I
)


LONG_PARAGRAPH_END = re.compile(rb"[^<>]{80,}(</p>)", re.I)


def distinct_copy(html: bytes, body: str, copy: int) -> bytes:
    """The page without its canonical URL (so the fetched URL names it) and with one
    sentence added in front of one of its body's paragraphs (so its text differs)."""
    html = CANONICAL.sub(b"", html)
    between = rb"[^\w<]+(?:<[^>]*>[^\w<]*)*"
    body_at = max(html.lower().find(b"<body"), 0)
    paragraphs = [p for p in body.split("\n") if len(p.split()) >= 4]
    # From the middle of the body outwards: openings also appear in captions and teasers.
    middle = len(paragraphs) // 2
    for paragraph in sorted(paragraphs, key=lambda p: abs(paragraphs.index(p) - middle))[:8]:
        words = [w.encode() for w in re.findall(r"\w+", paragraph)[:4]]
        if not words:
            continue
        for match in re.finditer(between.join(map(re.escape, words)), html[body_at:]):
            at = body_at + match.start()
            if _in_text(html, at):
                return html[:at] + f"Edition {copy}. ".encode() + html[at:]
    # No paragraph found as written: end the first long paragraph with the sentence.
    match = LONG_PARAGRAPH_END.search(html, body_at)
    if match is not None:
        return html[: match.start(1)] + f" Edition {copy}.".encode() + html[match.start(1) :]
    return html


def _in_text(html: bytes, at: int) -> bool:
    """Whether position `at` is in the page's text (not in a tag, a script or a style)."""
    before = html[:at].lower()
    if before.rfind(b"<") > before.rfind(b">"):
        return False
    return all(
        before.rfind(b"<" + tag) <= before.rfind(b"</" + tag) for tag in (b"script", b"style")
    )


def bare_extract(html: bytes) -> int:
    import trafilatura

    return len(trafilatura.extract(html.decode("utf-8", "replace")) or "")


def recreate_database() -> str:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    database_url = recreate_database()
    django_setup(
        database_url,
        REDIS_URL=REDIS_URL,
        FACTCHECK_FETCH_ALLOW_PRIVATE="1",
        DATABASE_CONN_MAX_AGE="60",
    )
    import redis
    from django.db.models import Count

    from claims import ingestion, tasks
    from claims.models import Article

    redis.Redis.from_url(REDIS_URL).flushdb()
    pages = load_pages(args.eval_dir)
    truth = json.loads((args.eval_dir / "ground-truth.json").read_text())
    served = {
        f"{copy}/{page_id}.html": distinct_copy(html, truth[page_id]["articleBody"], copy)
        for copy in range(args.copies)
        for page_id, html in pages.items()
    }
    server = PageServer(served)
    print(
        f"{len(served)} articles ({len(pages)} pages × {args.copies} URLs), "
        f"{sum(map(len, served.values())) / 1e6:.1f} MB of HTML"
    )

    # Baseline: bare trafilatura over the same HTML, same number of processes.
    with Pool(args.workers) as pool:
        pool.map(bare_extract, list(served.values())[:20])  # warm up imports
        started = time.perf_counter()
        pool.map(bare_extract, list(served.values()), chunksize=8)
        bare_seconds = time.perf_counter() - started

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "FACTCHECK_FETCH_ALLOW_PRIVATE": "1",
        "DATABASE_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={args.workers}",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from factcheck.celery import app

        while not app.control.ping(timeout=1.0):
            time.sleep(0.5)
        # Warm the pool (imports, lexicon) on a few pages before timing.
        warm = [ingestion.submit_url(server.url(path)).article.pk for path in list(served)[:4]]
        for article_id in warm:
            tasks.process_article.delay(article_id)
        while Article.objects.filter(pk__in=warm, status="pending").exists():
            time.sleep(0.2)

        timed = list(served)[4:]
        started = time.perf_counter()
        for path in timed:
            tasks.process_article.delay(ingestion.submit_url(server.url(path)).article.pk)
        while Article.objects.filter(status="pending").exists():
            time.sleep(0.2)
        ours_seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    counts = dict(Article.objects.values_list("status").annotate(n=Count("id")))
    n = len(timed)
    bare_rate = len(served) / bare_seconds * 60
    our_rate = n / ours_seconds * 60
    print(f"statuses: {counts}")
    print(
        f"bare trafilatura ({args.workers} processes): {bare_rate:,.0f} pages/min "
        f"({bare_seconds / len(served) * 1000 * args.workers:.1f} ms/page/process)"
    )
    print(
        f"our pipeline ({args.workers} worker processes): {our_rate:,.0f} articles/min "
        f"({n} articles in {ours_seconds:.1f} s)"
    )
    print(f"overhead (our time per article / trafilatura's): {bare_rate / our_rate:.2f}×")


if __name__ == "__main__":
    main()
