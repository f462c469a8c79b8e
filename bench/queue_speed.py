"""The review queue at newsroom-archive size: 1,000,000 claims on PostgreSQL.

    python bench/queue_speed.py [--claims 1000000] [--threads 20] [--takes 2000]

Fills a scratch PostgreSQL database with COPY, then prints latency percentiles of:
  1. take-next through `workflow.claim_take_next` with 20 concurrent reviewer threads,
     beside a bare `SELECT … FOR UPDATE SKIP LOCKED` + `UPDATE` run the same way
     (our overhead as a ratio);
  2. take-next and the claims list through the HTTP API (gunicorn) with 20 concurrent
     clients, with requests/s;
  3. the same again after 100,000 claims (half of a smaller --claims) have been taken
     (dead rows at the head of the queue, which the claim table's autovacuum settings
     keep in check).

Needs PostgreSQL (BENCH_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
It drops and creates its own database, factcheck_bench_queue, at the start of a run and
leaves it afterwards for inspection (1,000,000 claims: drop it when done).
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from harness import ROOT, django_setup

ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "factcheck_bench_queue"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
#: Claims taken from the head of the queue before the second round.
HEAD_TAKEN = 100_000
CATEGORIES = ["attributed", "hedged", "unverifiable", "anonymous-source", "disputed"]


def database_url() -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")


def fill(claims: int, articles: int) -> float:
    """COPY `articles` articles and `claims` claims in; return the seconds it took."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(database_url()) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY claims_article (id, source_url, title, byline, site_name, language, text,"
            " raw_html, entry_text, origin, status, error, note, attempts, created_at, updated_at)"
            " FROM STDIN"
        ) as copy:
            for n in range(1, articles + 1):
                copy.write_row(
                    (
                        n,
                        f"https://news.example.org/{n}",
                        f"Story {n}",
                        "",
                        "",
                        "en",
                        "The minister said the figures were wrong.",
                        "",
                        "",
                        "bulk",
                        "processed",
                        "",
                        "",
                        1,
                        "2026-11-01",
                        "2026-11-01",
                    )
                )
        buffer = io.StringIO()
        for n in range(claims):
            priority = ((n * 7919) % 1_000_003) / 1_000_003
            buffer.write(
                f"{n % articles + 1}\tThe minister said claim {n} was true.\t{n}\t{n + 40}\t"
                f"0.6\t{CATEGORIES[n % 5]}\t[]\tThe minister\tfp{n % 200_000}\t\tnew\t"
                f"{priority}\t0\t1\t\tf\t2026-11-01\t2026-11-01\n"
            )
        with cur.copy(
            'COPY claims_claim (article_id, text, start, "end", score, category, cues, speaker,'
            " fingerprint, claim_reviewed, status, priority, priority_bump, version,"
            " dismiss_reason, ever_published, created_at, updated_at) FROM STDIN"
        ) as copy:
            copy.write(buffer.getvalue())
        cur.execute(f"SELECT setval('claims_article_id_seq', {articles})")
        conn.commit()
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE claims_claim")
        conn.execute("VACUUM ANALYZE claims_article")
    return time.perf_counter() - started


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {pick(0.50):6.2f} ms  p95 {pick(0.95):6.2f} ms  p99 {pick(0.99):6.2f} ms"


def run_concurrently(threads: int, total: int, call) -> tuple[list[float], float]:
    """Run `call(worker_index)` `total` times over `threads` threads; return latencies."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = total // threads

    def work(index: int) -> None:
        mine = []
        for _ in range(per_thread):
            started = time.perf_counter()
            call(index)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(threads)))
    return latencies, time.perf_counter() - started


def bench_function(reviewers, threads: int, takes: int) -> list[float]:
    from django.db import connection

    from claims import workflow

    def take(index: int) -> None:
        assert workflow.claim_take_next(reviewer=reviewers[index]) is not None

    try:
        latencies, _ = run_concurrently(threads, takes, take)
    finally:
        connection.close()
    return latencies


def bench_bare(reviewer_ids, threads: int, takes: int) -> list[float]:
    import psycopg

    connections = [psycopg.connect(database_url()) for _ in range(threads)]
    statement = (
        "SELECT id FROM claims_claim WHERE status = 'new' AND assignee_id IS NULL"
        " ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED"
    )

    def take(index: int) -> None:
        conn = connections[index]
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(statement)
            (claim_id,) = cur.fetchone()
            cur.execute(
                "UPDATE claims_claim SET status = 'in_review', assignee_id = %s,"
                " version = version + 1 WHERE id = %s",
                (reviewer_ids[index], claim_id),
            )

    try:
        latencies, _ = run_concurrently(threads, takes, take)
    finally:
        for conn in connections:
            conn.close()
    return latencies


def bench_http(
    base: str, tokens: list[str], threads: int, requests_total: int, path: str, method: str
) -> tuple[list[float], float]:
    import requests

    sessions = []
    for token in tokens[:threads]:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        session.headers["Accept"] = "application/json"
        sessions.append(session)

    def call(index: int) -> None:
        response = sessions[index].request(method, base + path)
        assert response.status_code in (200, 204), (response.status_code, response.text[:200])

    latencies, elapsed = run_concurrently(threads, requests_total, call)
    return latencies, len(latencies) / elapsed


def take_from_head(claims: int, reviewer_id: int) -> int:
    """Take claims from the head of the queue in one UPDATE, leaving dead rows there:
    100,000, or half of a smaller fill, so that the second round still has claims to take.
    Returns how many were taken."""
    import psycopg

    taken = min(HEAD_TAKEN, claims // 2)
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute(
            "UPDATE claims_claim SET status = 'in_review', assignee_id = %s WHERE id IN"
            " (SELECT id FROM claims_claim WHERE status = 'new'"
            "  ORDER BY priority DESC, id LIMIT %s)",
            (reviewer_id, taken),
        )
    return taken


def start_gunicorn(workers: int) -> tuple[subprocess.Popen, str]:
    port = 18765
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "FACTCHECK_WRITE_THROTTLE": "1000000/minute",
        "DATABASE_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "factcheck.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "2",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import requests

    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{base}/healthz", timeout=5)
            return process, base
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def report(label: str, threads: int, reviewers, reviewer_ids, tokens, base, takes) -> None:
    print(f"\n== {label}")
    ours = bench_function(reviewers, threads, takes)
    bare = bench_bare(reviewer_ids, threads, takes)
    ratio = statistics.quantiles(ours, n=20)[18] / statistics.quantiles(bare, n=20)[18]
    print(f"take-next, workflow function ({threads} threads): {percentiles(ours)}")
    print(f"take-next, bare SKIP LOCKED    ({threads} threads): {percentiles(bare)}")
    print(f"overhead at p95: {ratio:.2f}×")
    latencies, rate = bench_http(base, tokens, threads, takes, "/api/v1/claims/next/", "POST")
    print(f"API POST claims/next/ ({threads} clients): {percentiles(latencies)}  {rate:,.0f} req/s")
    latencies, rate = bench_http(base, tokens, threads, takes, "/api/v1/claims/?status=new", "GET")
    print(
        f"API GET claims/?status=new ({threads} clients): {percentiles(latencies)}  "
        f"{rate:,.0f} req/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--takes", type=int, default=2_000)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    args = parser.parse_args()

    recreate_database()
    # With a broker configured, as in production (without one, take-next also expires leases).
    django_setup(database_url(), DATABASE_CONN_MAX_AGE="600", REDIS_URL=REDIS_URL)
    seconds = fill(args.claims, args.articles)
    print(
        f"filled {args.claims:,} claims in {args.articles:,} articles with COPY in {seconds:.1f} s"
    )

    from django.contrib.auth.models import Group, User

    from claims.api.authentication import issue_token

    group = Group.objects.get(name="reviewer")
    reviewers = []
    for n in range(args.threads):
        user = User.objects.create(username=f"bench{n}")
        user.groups.add(group)
        reviewers.append(user)
    reviewer_ids = [user.pk for user in reviewers]
    tokens = [issue_token(user) for user in reviewers]

    gunicorn, base = start_gunicorn(args.gunicorn_workers)
    try:
        report(
            f"{args.claims:,} claims queued",
            args.threads,
            reviewers,
            reviewer_ids,
            tokens,
            base,
            args.takes,
        )
        taken = take_from_head(args.claims, reviewer_ids[0])
        print(
            f"\ntook {taken:,} claims from the head of the queue in one UPDATE (left to autovacuum)"
        )
        time.sleep(5)
        report(
            f"after {taken:,} claims taken",
            args.threads,
            reviewers,
            reviewer_ids,
            tokens,
            base,
            args.takes,
        )
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)


if __name__ == "__main__":
    main()
