"""Ingest articles from URLs, a local file, a feed or a JSONL file, in this process."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims import ingestion
from claims.fetching import FetchError, check_url, decode_body
from claims.models import Article, Feed


class Command(BaseCommand):
    help = (
        "Ingest articles: ingest URL… | --file F [--title T] | --feed URL | --jsonl F. "
        "Prints each article id and how many claims it got."
    )

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="*", help="Article URLs to fetch.")
        parser.add_argument("--file", help="A local HTML or plain-text file.")
        parser.add_argument("--title", default="", help="Title for --file plain text.")
        parser.add_argument("--feed", help="An RSS or Atom feed URL to poll once.")
        parser.add_argument("--jsonl", help="A JSONL file, one article per line.")

    def handle(self, *args, **options):
        chosen = [
            bool(options["urls"]),
            bool(options["file"]),
            bool(options["feed"]),
            bool(options["jsonl"]),
        ]
        if sum(chosen) != 1:
            raise CommandError("Give URLs, or exactly one of --file, --feed, --jsonl.")
        if options["jsonl"]:
            return self.ingest_jsonl(options["jsonl"])
        if options["feed"]:
            articles = self.poll_feed(options["feed"])
        elif options["file"]:
            articles = [self.submit_file(options["file"], options["title"])]
        else:
            articles = [self.submit_url(url) for url in options["urls"]]
        failed = 0
        for article in articles:
            if article is None:
                failed += 1
                continue
            article = ingestion.process_article(article.pk)
            failed += article.status == Article.Status.FAILED
            self.report(article)
        if failed:
            raise CommandError(f"{failed} of {len(articles)} could not be ingested.")

    def submit_url(self, url: str) -> Article | None:
        try:
            return ingestion.submit_url(url).article
        except FetchError as exc:
            self.stderr.write(f"{url}: refused — {exc}")
            return None

    def submit_file(self, path: str, title: str) -> Article:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        content = decode_body(raw)
        try:
            if content.lstrip()[:1] == "<":
                return ingestion.submit_html(content, origin=Article.Origin.HTML).article
            return ingestion.submit_text(content, title=title).article
        except ingestion.IngestionError as exc:
            raise CommandError(f"{path}: {exc}") from None

    def poll_feed(self, url: str) -> list[Article]:
        try:
            check_url(url)
        except FetchError as exc:
            raise CommandError(str(exc)) from None
        feed, _ = Feed.objects.get_or_create(url=url)
        poll = ingestion.poll_feed(feed)
        if poll.error:
            raise CommandError(f"Feed {url}: {poll.error}")
        if poll.not_modified:
            self.stdout.write(f"feed {feed.pk}: not modified since the last poll")
        return poll.submitted

    def ingest_jsonl(self, path: str) -> None:
        try:
            lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        total = sum(1 for line in lines if line.strip())
        bar = tqdm(total=total, unit="article", file=sys.stderr, disable=None)
        results = []

        def on_line(result: ingestion.BulkLine) -> None:
            results.append(result)
            bar.update(1)

        job = ingestion.ingest_jsonl(lines, source=path, total=total, on_line=on_line)
        bar.close()
        for result in results:
            if result.status == "failed":
                self.stdout.write(f"line {result.number}: failed — {result.reason}")
            else:
                self.report(result.article, prefix=f"line {result.number}: ")
        self.stdout.write(
            f"{job.done} ingested, {job.duplicates} duplicates, {job.failed} failed (job {job.pk})"
        )

    def report(self, article: Article, prefix: str = "") -> None:
        if article.status == Article.Status.FAILED:
            self.stdout.write(f"{prefix}article {article.pk}: failed — {article.error}")
        elif article.status == Article.Status.DUPLICATE:
            original = article.duplicate_of
            self.stdout.write(
                f"{prefix}article {original.pk if original else article.pk}: "
                f"{(original or article).claims.count()} claims (duplicate)"
            )
        else:
            self.stdout.write(
                f"{prefix}article {article.pk}: {article.claims.count()} claims ({article.status})"
            )
