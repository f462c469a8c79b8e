"""Run claim detection again, e.g. after the cue lexicon changed in the admin."""

from __future__ import annotations

import argparse
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims import ingestion, tasks
from claims.api.serializers import as_id
from claims.management.services import reports_unreachable_services
from claims.models import Article


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
    help = "Detect claims again: redetect --article ID [ID…] | --all [--batch-size N] [--queue]"

    def add_arguments(self, parser):
        parser.add_argument("--article", type=article_id, nargs="+", default=[])
        parser.add_argument("--all", action="store_true", help="Every processed article.")
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
        size = options["batch_size"]
        batches = [ids[i : i + size] for i in range(0, len(ids), size)]
        if options["queue"] and settings.CELERY_TASK_ALWAYS_EAGER:
            self.stderr.write("No broker (REDIS_URL is unset): detecting here instead.")
        elif options["queue"]:
            for batch in batches:
                tasks.redetect_articles.delay(batch)
            self.stdout.write(
                f"queued {len(ids)} articles in {len(batches)} batches of at most {size} (a "
                "batch that runs past the task time limit queues the rest again)"
            )
            return
        removed = claims = 0
        for article in tqdm(
            articles.iterator(chunk_size=size),
            total=len(ids),
            file=sys.stderr,
            unit="article",
            disable=None,
        ):
            total, gone = ingestion.redetect(article)
            claims += total
            removed += gone
        self.stdout.write(
            f"{len(ids)} articles: {claims} claims, {removed} no longer flagged (deleted, or "
            "dismissed when they had a history)"
        )
