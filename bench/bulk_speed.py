"""How fast a worker reads a bulk file the desk queued (lines per second), on PostgreSQL.

    python bench/bulk_speed.py [--lines 2000] [--rounds 3] [--host 93.184.215.14]

Calls the `ingest_bulk_file` task in this process (as a worker's child runs it) on three
files: URL lines (each a new article whose processing is queued on Redis, not run), text
lines (each a new article stored, its processing queued) and failing lines (not JSON).
Prints lines per second, wall and CPU time and the queries per line, the best of
`--rounds`. The URL lines' host is an IP address unless `--host` names another: a name is
looked up in DNS as each line is checked (FACTCHECK_FETCH_ALLOW_LOOPBACK=1 lets
`localhost` through; FACTCHECK_FETCH_ALLOW_PRIVATE=1 skips the look-up).

Needs PostgreSQL and Redis (BENCH_ADMIN_URL, BENCH_REDIS_URL; defaults are the local
services). It creates and drops its own database; the messages it queues are purged.
"""

from __future__ import annotations

import argparse
import os
import time

from harness import django_setup

ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = os.environ.get("BENCH_DATABASE", "factcheck_bench_bulk")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def files(count: int, round_: int, host: str) -> dict[str, list[str]]:
    import json

    def url(n: int) -> str:
        return json.dumps({"url": f"https://{host}/{round_}/story-{n}.html?ref=wire"})

    def text(n: int) -> str:
        story = f"Story {round_}-{n}. The minister said the plant {n} would close next year."
        return json.dumps({"text": story, "title": f"Story {n}"})

    return {
        "url": [url(n) for n in range(count)],
        "text": [text(n) for n in range(count)],
        "failing": ["not json"] * count,
    }


def run(lines: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and queries for one run of a job holding `lines`."""
    from django.db import connection

    from claims import tasks
    from claims.models import IngestionJob

    job = IngestionJob.objects.create(
        kind="bulk", source="bench.jsonl", total=len(lines), lines="\n".join(lines)
    )
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        handled = tasks.ingest_bulk_file(job.pk)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert handled == len(lines), (handled, len(lines))
    return wall, cpu, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--host", default="93.184.215.14", help="the URL lines' host")
    args = parser.parse_args()

    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        django_setup(
            f"{base}/{DATABASE}",
            REDIS_URL=REDIS_URL,
            FACTCHECK_TASK_SOFT_TIME_LIMIT="3600",
            FACTCHECK_TASK_TIME_LIMIT="3700",
            FACTCHECK_VISIBILITY_TIMEOUT="7200",
        )
        import redis

        best: dict[str, tuple[float, float, int]] = {}
        for round_ in range(args.rounds):
            for kind, lines in files(args.lines, round_, args.host).items():
                figures = run(lines)
                if kind not in best or figures[0] < best[kind][0]:
                    best[kind] = figures
        redis.Redis.from_url(REDIS_URL).flushdb()
        print(f"{args.lines:,} lines a file, best of {args.rounds}:")
        for kind, (wall, cpu, queries) in best.items():
            print(
                f"  {kind:8} {args.lines / wall:7,.0f} lines/s  wall {wall:6.2f} s  "
                f"CPU {cpu:6.2f} s  {queries / args.lines:5.1f} queries a line"
            )
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')


if __name__ == "__main__":
    main()
