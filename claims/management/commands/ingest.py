"""Ingest articles from URLs, a local file, a feed or a JSONL file, in this process."""

from __future__ import annotations

import logging
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims import ingestion
from claims.fetching import FetchError, check_url, decode_body, decode_text_file, normalised_url
from claims.management.services import (
    reports_unreachable_services,
    signals_interrupt,
    utf8_text,
)
from claims.models import Article, Feed, IngestionJob


class Command(BaseCommand):
    help = (
        "Ingest articles: ingest URL… | --file F [--title T] | --feed URL | --jsonl F. "
        "Prints each article id and how many claims it got; exits with 1 if any article "
        "or line failed (a feed entry skipped as unreadable is reported, not counted)."
    )

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="*", type=utf8_text, help="Article URLs to fetch.")
        parser.add_argument("--file", help="A local HTML or plain-text file.")
        parser.add_argument(
            "--title",
            default="",
            type=utf8_text,
            help="Title for --file (wins over an HTML page's own).",
        )
        parser.add_argument(
            "--feed",
            type=utf8_text,
            help="An RSS or Atom feed URL to poll now. A feed new to the desk is added "
            "paused: resume it on the Feeds page to have it polled on its schedule.",
        )
        parser.add_argument("--jsonl", help="A JSONL file, one article per line.")

    @reports_unreachable_services
    def handle(self, *args, **options):
        with _quiet_logs():
            self.ingest(options)

    def ingest(self, options) -> None:
        chosen = [
            bool(options["urls"]),
            bool(options["file"]),
            bool(options["feed"]),
            bool(options["jsonl"]),
        ]
        if sum(chosen) != 1:
            raise CommandError("Give URLs, or exactly one of --file, --feed, --jsonl.")
        if options["title"] and not options["file"]:
            raise CommandError(
                "--title goes with --file: a page, a feed entry or a JSONL line has its own."
            )
        if options["jsonl"]:
            return self.ingest_jsonl(options["jsonl"])
        if options["feed"]:
            submitted = self.poll_feed(options["feed"])
        elif options["file"]:
            submitted = [self.submit_file(options["file"], options["title"])]
        else:
            submitted = [self.submit_url(url) for url in options["urls"]]
        failed = 0
        for item in submitted:
            if item is None:
                failed += 1
                continue
            article = ingestion.process_article(item.article.pk)
            failed += article.status == Article.Status.FAILED
            # A failed article asked again is tried again: reported as it ends, not as known.
            self.report(article, known=not item.needs_processing)
        if failed:
            raise CommandError(f"{failed} of {len(submitted)} could not be ingested.")

    def submit_url(self, url: str) -> ingestion.Submitted | None:
        try:
            return ingestion.submit_url(url)
        except (FetchError, ingestion.IngestionError) as exc:
            self.stderr.write(f"{url}: refused — {exc}")
            return None

    def submit_file(self, path: str, title: str) -> ingestion.Submitted:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        content = decode_body(raw)
        try:
            if ingestion.looks_like_html(content):
                return ingestion.submit_html(content, origin=Article.Origin.HTML, title=title)
            return ingestion.submit_text(content, title=title)
        except ingestion.IngestionError as exc:
            raise CommandError(f"{path}: {exc}") from None

    def poll_feed(self, url: str) -> list[ingestion.Submitted]:
        url = normalised_url(url)
        try:
            check_url(url)
        except FetchError as exc:
            raise CommandError(str(exc)) from None
        # Polled now, not on a schedule: a feed the desk did not know stays paused.
        feed, created = Feed.objects.get_or_create(url=url, defaults={"active": False})
        if created:
            self.stdout.write(
                f"feed {feed.pk}: added, paused (resume it on the Feeds page to have it "
                f"polled every {feed.poll_interval} minutes)"
            )
        poll = ingestion.poll_feed(feed)
        if poll.error and not poll.submitted:
            raise CommandError(f"Feed {url}: {poll.error}")
        if poll.error or poll.skipped:
            self.stderr.write(f"feed {feed.pk}: {poll.error or poll.skipped}")
        if poll.not_modified:
            self.stdout.write(f"feed {feed.pk}: not modified since the last poll")
        else:
            job = f" (job {poll.job.pk})" if poll.job else ""
            self.stdout.write(f"feed {feed.pk}: {len(poll.submitted)} new entries{job}")
        return [ingestion.Submitted(article, created=True) for article in poll.submitted]

    def ingest_jsonl(self, path: str) -> None:
        try:
            # As the dashboard's upload reads it: UTF-8 without its BOM, else cp1252.
            text = decode_text_file(Path(path).read_bytes())
            lines = text.split("\n")  # not splitlines(): U+2028 and friends live in strings
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        total = sum(1 for line in lines if line.strip())
        if not total:
            raise CommandError(f"{path} holds no lines to ingest.")
        # Made here, so that an interrupted run can still say which job it was.
        # A file name need not be UTF-8 (it is read all the same); the job shows it readable.
        source = path.encode(errors="surrogateescape").decode(errors="replace")
        job = IngestionJob.objects.create(kind=IngestionJob.Kind.BULK, source=source, total=total)
        bar = tqdm(total=total, unit="article", file=sys.stderr, disable=None)
        results = []

        def on_line(result: ingestion.BulkLine) -> None:
            results.append(result)
            bar.update(1)

        interrupted = None
        try:
            with signals_interrupt():
                ingestion.ingest_jsonl(lines, job=job, on_line=on_line)
        except KeyboardInterrupt as exc:  # the job is closed, saying where it stopped
            interrupted = exc
        finally:
            bar.close()
        job.refresh_from_db()
        for result in results:
            if result.status == "failed":
                self.stdout.write(f"line {result.number}: failed — {result.reason}")
            elif result.status == "duplicate":
                self.report(result.article, prefix=f"line {result.number}: ", known=True)
            else:
                self.report(result.article, prefix=f"line {result.number}: ")
        summary = (
            f"{job.done} ingested, {job.duplicates} duplicates, {job.failed} failed (job {job.pk})"
        )
        if interrupted is not None:
            raise CommandError(
                f"Interrupted {_where_stopped(job, results)}: {summary}; run the file again "
                "to go on.",
                # As a shell reports a process its signal ended: 130 for Ctrl-C.
                returncode=128 + getattr(interrupted, "signum", signal.SIGINT),
            )
        if job.failed:
            raise CommandError(summary)
        self.stdout.write(summary)

    def report(self, article: Article, prefix: str = "", known: bool = False) -> None:
        if article.status == Article.Status.FAILED:
            self.stdout.write(f"{prefix}article {article.pk}: failed — {article.error}")
        elif article.status == Article.Status.DUPLICATE or known:
            original = article.duplicate_of or article
            self.stdout.write(
                f"{prefix}article {original.pk}: {original.claims.count()} claims "
                f"(already ingested: same {'text' if article.duplicate_of else 'URL or text'})"
            )
        else:
            self.stdout.write(
                f"{prefix}article {article.pk}: {article.claims.count()} claims ({article.status})"
            )


def _where_stopped(job, results) -> str:
    """The line the job says the run stopped at; when the stop came after the run left
    its loop (so the job says nothing), after the last line read."""
    for error in reversed(job.errors):
        if str(error.get("reason", "")).startswith("interrupted"):
            return f"at line {error['line']}"
    return f"after line {results[-1].number}" if results else "before the first line"


@contextmanager
def _quiet_logs():
    """Each failure is printed once, as a line of the command's output: the warnings that a
    worker logs for the same events (and the fetch guard's own) are held back meanwhile."""
    loggers = [logging.getLogger(name) for name in ("claims", "requests_hardened")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
