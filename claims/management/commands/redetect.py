"""Run claim detection again, e.g. after the cue lexicon changed in the admin."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims import ingestion, tasks
from claims.api.serializers import as_id
from claims.management.services import reports_unreachable_services, signals_interrupt
from claims.models import Article

log = logging.getLogger(__name__)

#: Away from a terminal (cron, docker logs) progress is a line every this many articles,
#: or every PROGRESS_SECONDS, whichever comes first.
PROGRESS_EVERY = 1000
PROGRESS_SECONDS = 30


def article_id(value: str) -> int:
    number = as_id(value)
    if number is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not an article id.")
    return number


def batch_size(value: str) -> int:
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 10_000):
        raise argparse.ArgumentTypeError("the batch size is a number from 1 to 10000.")
    return int(value)


class Command(BaseCommand):
    help = (
        "Detect claims again: redetect --article ID [ID…] | --all [--after-id N] "
        "[--batch-size N] [--queue]"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--article",
            type=article_id,
            nargs="+",
            default=[],
            metavar="ID",
            help="These processed articles, by id.",
        )
        parser.add_argument("--all", action="store_true", help="Every processed article.")
        parser.add_argument(
            "--after-id",
            type=article_id,
            help="Only articles with a higher id: go on from where an interrupted run stopped.",
        )
        parser.add_argument(
            "--batch-size",
            type=batch_size,
            default=200,
            help="Articles per batch (1-10000; default 200). With --queue each batch is one "
            "task, which has FACTCHECK_TASK_SOFT_TIME_LIMIT seconds: a batch that runs past "
            "it queues the articles it has not done as a batch of their own.",
        )
        parser.add_argument(
            "--queue", action="store_true", help="Send batches to the worker instead."
        )

    @reports_unreachable_services
    def handle(self, *args, **options):
        if bool(options["article"]) == options["all"]:
            raise CommandError("Give --article ID… or --all.")
        articles = Article.objects.filter(status=Article.Status.PROCESSED).order_by("pk")
        if options["article"]:
            articles = articles.filter(pk__in=options["article"])
        ids = list(articles.values_list("pk", flat=True))
        missing = sorted(set(options["article"]) - set(ids))
        if missing:
            raise CommandError(
                f"No processed article with id {', '.join(map(str, missing))}: only processed "
                "articles have claims to detect again."
            )
        if options["after_id"] is not None:
            articles = articles.filter(pk__gt=options["after_id"])
            ids = [pk for pk in ids if pk > options["after_id"]]
        size = options["batch_size"]
        if options["queue"] and settings.CELERY_TASK_ALWAYS_EAGER:
            self.stderr.write("No broker (REDIS_URL is unset): detecting here instead.")
        elif options["queue"]:
            return self.queue(ids, size)
        self.detect_here(articles, len(ids), size)

    def queue(self, ids: list[int], size: int) -> None:
        batches = [ids[i : i + size] for i in range(0, len(ids), size)]
        for batch in batches:
            tasks.redetect_articles.delay(batch)
        self.stdout.write(
            f"queued {len(ids)} articles in {len(batches)} batches of at most {size} (a "
            "batch that runs past the task time limit queues the rest again)"
        )
        if batches and not _workers_answer():
            self.stderr.write(
                f"No worker answered: the {len(batches)} batches wait in the queue until one "
                "starts (celery -A factcheck worker)."
            )

    def detect_here(self, articles, total: int, size: int) -> None:
        progress = Progress(self.stderr, total)
        done = claims = removed = 0
        last = None
        interrupted = None
        failed = {}  # article id: why
        try:
            with signals_interrupt():
                for article in articles.iterator(chunk_size=size):
                    try:
                        now, gone = ingestion.redetect(article)
                    except Exception as exc:  # one article's trouble stops no other
                        log.exception("Detecting again in article %s failed", article.pk)
                        failed[article.pk] = f"{type(exc).__name__}: {exc}"
                        last = article.pk
                        continue
                    done, claims, removed, last = done + 1, claims + now, removed + gone, article.pk
                    progress.update(done + len(failed), last)
        except KeyboardInterrupt as exc:  # each article is done in a transaction of its own
            interrupted = exc
        finally:
            progress.close()
        summary = (
            f"{done} articles: {claims} claims, {removed} no longer flagged (deleted, or "
            "dismissed when they had a history)"
        )
        if interrupted is not None:
            where, resume = (
                (f"after article {last}", f"--after-id {last}")
                if last is not None
                else ("before the first article", "the same command")
            )
            raise CommandError(
                f"Interrupted {where}: {summary}; run it again with {resume} to go on.",
                # As a shell reports a process its signal ended: 130 for Ctrl-C.
                returncode=128 + getattr(interrupted, "signum", signal.SIGINT),
            )
        self.stdout.write(summary)
        if failed:
            raise CommandError(
                f"{len(failed)} article{'s' if len(failed) > 1 else ''} failed: "
                + "; ".join(f"{pk} ({why})" for pk, why in failed.items())
                + " (the log has the tracebacks)."
            )


class Progress:
    """A bar on a terminal; elsewhere (cron, docker logs), where a bar shows nothing until
    the end, a line every PROGRESS_EVERY articles or PROGRESS_SECONDS."""

    def __init__(self, out, total: int) -> None:
        self.out, self.total = out, total
        self.bar = tqdm(total=total, unit="article", file=sys.stderr) if out.isatty() else None
        self.said_at, self.said_done = time.monotonic(), 0

    def update(self, done: int, last: int) -> None:
        if self.bar is not None:
            self.bar.update(1)
            return
        due = time.monotonic() - self.said_at >= PROGRESS_SECONDS
        if due or done - self.said_done >= PROGRESS_EVERY or done == self.total:
            self.out.write(f"{done} of {self.total} articles done (last id {last})")
            self.said_at, self.said_done = time.monotonic(), done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _workers_answer() -> bool:
    """Whether a worker answers a ping within a second."""
    from factcheck.celery import app

    return bool(app.control.ping(timeout=1))
