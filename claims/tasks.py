"""Thin, idempotent Celery wrappers around the ingestion and workflow functions.

Tasks take ids, re-read the row and return quietly when it is gone or already done, so a
message delivered twice (acks_late after a worker died) does the work once.
"""

from __future__ import annotations

import logging
import random
import time
from contextlib import suppress
from datetime import datetime, timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from claims import ingestion, workflow
from claims.api.authentication import token_cutoff
from claims.fetching import FetchTransientError
from claims.models import ApiToken, Article, Feed, IngestionJob

log = logging.getLogger(__name__)
MAX_RETRIES = 4
QUEUE_DOWN = "The task queue could not be reached; this is tried again automatically."


def backoff(retries: int) -> float:
    """Seconds before retry number `retries + 1`: exponential with full jitter."""
    return random.uniform(0, min(settings.FACTCHECK_RETRY_MAX_DELAY, 5 * 2**retries))


def retry_delay(retries: int, retry_after: datetime | None = None) -> float:
    """The backoff, or longer when the site asked to be tried again later (Retry-After on
    a 429 or 503), up to FACTCHECK_RETRY_MAX_DELAY: a longer countdown would outlast the
    broker's visibility timeout and run the task twice."""
    delay = backoff(retries)
    if retry_after is not None:
        asked = (retry_after - timezone.now()).total_seconds()
        delay = max(delay, min(asked, settings.FACTCHECK_RETRY_MAX_DELAY))
    return delay


@shared_task(bind=True, max_retries=MAX_RETRIES)
def process_article(self, article_id: int) -> str | None:
    # In-process (no broker) a retry cannot wait: it would run at once, inside the web
    # request, five fetches of a site that is down (75 s for one that times out). One
    # attempt; the failed article says why and can be tried again.
    final = self.request.is_eager or self.request.retries >= self.max_retries
    try:
        article = ingestion.process_article(article_id, final_attempt=final)
    except (FetchTransientError, *ingestion.CONNECTION_LOST) as exc:
        countdown = retry_delay(self.request.retries, getattr(exc, "retry_after", None))
        # Celery's own line names the task, not the article.
        log.warning(
            "Article %s: %s; retry %d of %d in %.0f s",
            article_id,
            exc,
            self.request.retries + 1,
            self.max_retries,
            countdown,
        )
        raise self.retry(exc=exc, countdown=countdown) from None
    return article.status if article else None


def process_after_commit(article_id: int) -> None:
    """Queue the processing of an article once the current transaction commits."""
    transaction.on_commit(lambda: queue_article(article_id))


def queue_article(article_id: int) -> None:
    """Queue an article's processing; with the broker down it stays pending, with a note,
    and requeue_stale_articles queues it again later (nothing is lost, no error page)."""
    try:
        process_article.delay(article_id)
    except BrokerUnreachable as exc:
        log.warning("Article %s stays pending: the broker is unreachable (%s)", article_id, exc)
        Article.objects.filter(pk=article_id, status=Article.Status.PENDING).update(
            error=QUEUE_DOWN
        )


@shared_task
def ingest_bulk_file(job_id: int) -> int:
    """Ingest the lines a bulk job holds (a file uploaded on the desk), from the line after
    its last one handled, queueing each new article; drop the lines once all are handled.
    Return the number of the last line handled.

    Each run stops after half the task's soft time limit and queues the rest as a run of
    its own: a big file goes through in as many runs as it takes.
    """
    # The file (up to 20 MB) is read once, not again with the job each time it is refreshed.
    job = IngestionJob.objects.defer("lines").filter(pk=job_id, finished_at__isnull=True).first()
    text = IngestionJob.objects.values_list("lines", flat=True).get(pk=job_id) if job else ""
    if not text:
        return 0
    lines = text.split("\n")
    last = max((n for n, line in enumerate(lines, start=1) if line.strip()), default=0)
    until = time.monotonic() + settings.CELERY_TASK_SOFT_TIME_LIMIT / 2
    try:
        ingestion.ingest_jsonl(lines, job=job, process=queue_for_job, resume=True, until=until)
        out_of_time = time.monotonic() >= until
    except SoftTimeLimitExceeded:
        log.warning("Bulk job %s: a line outlasted the time limit; the rest is queued", job_id)
        out_of_time = True
    handled = IngestionJob.objects.values_list("lines_handled", flat=True).get(pk=job_id)
    if handled >= last:
        IngestionJob.objects.filter(pk=job_id).update(lines="")
    elif out_of_time:  # else another run took over, and goes on
        ingest_bulk_file.delay(job_id)
    return handled


def queue_for_job(article: Article) -> None:
    """A bulk line's article: processed by a worker once its line is committed."""
    process_after_commit(article.pk)


def queue_bulk_file(job_id: int) -> None:
    """Queue the ingestion of a file a job holds once the current transaction commits;
    with the broker down the job waits, and requeue_stale_articles queues it later."""

    def queue() -> None:
        try:
            ingest_bulk_file.delay(job_id)
        except BrokerUnreachable as exc:
            log.warning("Bulk job %s waits: the broker is unreachable (%s)", job_id, exc)

    transaction.on_commit(queue)


@shared_task
def poll_feed(feed_id: int, job_id: int | None = None) -> int:
    """Poll one feed; its new entries become articles of one feed job, processed apart:
    the job `job_id` names (made when the poll was asked for), which is closed at once,
    saying why, when the poll takes no new article."""
    feed = Feed.objects.filter(pk=feed_id).first()
    job = IngestionJob.objects.defer("lines").filter(pk=job_id, finished_at__isnull=True).first()
    if feed is None or not feed.active:
        _close_poll_job(job, "The feed was paused or deleted before it was polled.")
        return 0
    try:
        poll = ingestion.poll_feed(feed, job=job)
    except ingestion.CONNECTION_LOST:  # not left shown as queued, if the database lets us
        with suppress(Exception):
            _close_poll_job(job, "The poll stopped: the database connection was lost.")
        raise
    if poll.job is None:
        _close_poll_job(job, poll.error or poll.interrupted or poll.skipped)
    # The run's own articles; one still pending from an earlier run has its message queued
    # already (and requeue_stale_articles sends it again if that was lost).
    for article in poll.own:
        process_article.delay(article.pk)
    return len(poll.own)


def _close_poll_job(job: IngestionJob | None, reason: str) -> None:
    """Finish a feed poll's job that got no article (none new, or the feed failed)."""
    if job is None:
        return
    errors = [{"reason": reason}] if reason else []
    IngestionJob.objects.filter(pk=job.pk, finished_at__isnull=True, total=0).update(
        finished_at=timezone.now(), errors=errors
    )


def poll_after_commit(feed_id: int, job_id: int | None = None) -> None:
    """Queue a poll of a feed once the current transaction commits."""
    transaction.on_commit(lambda: queue_poll(feed_id, job_id))


def queue_poll(feed_id: int, job_id: int | None = None) -> None:
    """Queue a feed's poll; with the broker down the feed shows why (and so does the job
    made for it, closed), and beat polls it when it is due once the broker is back."""
    try:
        poll_feed.delay(*([feed_id] if job_id is None else [feed_id, job_id]))
    except BrokerUnreachable as exc:
        log.warning("Feed %s not polled now: the broker is unreachable (%s)", feed_id, exc)
        Feed.objects.filter(pk=feed_id).update(last_error=QUEUE_DOWN)
        _close_poll_job(IngestionJob.objects.filter(pk=job_id).first(), QUEUE_DOWN)


@shared_task
def poll_due_feeds() -> int:
    """Queue a poll for every active feed whose time has come (run by beat every minute).

    Each feed's next poll moves one interval on as its poll is queued (the poll then sets
    it from what it found): while the worker is down or busy, beat queues one poll per
    feed and interval, not one every minute.
    """
    now = timezone.now()
    due = Feed.objects.filter(active=True).exclude(next_poll_at__gt=now)
    queued = 0
    for feed_id, interval in due.values_list("pk", "poll_interval"):
        moved = due.filter(pk=feed_id).update(next_poll_at=now + timedelta(minutes=interval))
        if moved:  # not taken by another beat, or polled meanwhile
            poll_feed.delay(feed_id)
            queued += 1
    return queued


@shared_task
def expire_leases() -> int:
    return workflow.expire_leases()


@shared_task
def redetect_articles(article_ids: list[int]) -> int:
    """Run detection again on a batch of articles (after the cue lexicon changed), one by
    one in id order; return how many were done.

    An article that fails is logged and the others go on. Past the soft time limit, the
    articles not done yet are queued again as a batch of their own (the one cut short
    with them, unless it was the first: it took the whole time alone, and is logged).
    """
    ids = sorted(set(article_ids))
    done = 0
    for index, article_id in enumerate(ids):
        try:
            # None when it was deleted, or is being processed again, meanwhile.
            article = Article.objects.filter(pk=article_id, status=Article.Status.PROCESSED).first()
            if article is not None:
                ingestion.redetect(article)
        except SoftTimeLimitExceeded:
            if index == 0:
                log.error(
                    "Detection run again on article %s took longer than a task's time limit",
                    article_id,
                )
                index += 1
            rest = ids[index:]
            if rest:
                log.warning("Detection run again: %d articles queued again", len(rest))
                redetect_articles.delay(rest)
            return done
        except Exception:
            log.exception("Detection run again failed on article %s", article_id)
            continue
        done += 1
    return done


@shared_task
def requeue_stale_articles() -> int:
    """Queue again articles left pending for long: their message was lost (a broker
    restart, a crash between saving and sending) or their retries were dropped."""
    cutoff = timezone.now() - timedelta(minutes=settings.FACTCHECK_STALE_PENDING_MINUTES)
    stale = list(
        Article.objects.filter(status=Article.Status.PENDING, updated_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    # Touch them first, so the next sweep does not queue them again while they wait.
    Article.objects.filter(pk__in=stale).update(updated_at=timezone.now())
    for article_id in stale:
        process_article.delay(article_id)
    # A bulk file whose message was lost waits for its run, or its run stopped for good
    # (the worker lost): no line handled for as long. One whose run still handles lines
    # is left to it (a second run would stop at the first line the other counted).
    waiting = (
        IngestionJob.objects.filter(
            kind=IngestionJob.Kind.BULK, finished_at__isnull=True, started_at__lt=cutoff
        )
        .exclude(progress_at__gte=cutoff)
        .exclude(lines="")
    )
    for job_id in waiting.values_list("pk", flat=True):
        ingest_bulk_file.delay(job_id)
    # An API poll's job is made before its message is sent; if the poll never ran, nothing
    # else would close it (beat's next poll makes a job of its own).
    IngestionJob.objects.filter(
        kind=IngestionJob.Kind.FEED, finished_at__isnull=True, total=0, started_at__lt=cutoff
    ).update(
        finished_at=timezone.now(),
        errors=[{"reason": "The poll never ran (its message was lost or its worker stopped)."}],
    )
    return len(stale)


@shared_task
def purge_expired_tokens() -> int:
    """Delete API tokens past FACTCHECK_TOKEN_DAYS (refused already; a new one is made
    at every login, so they would pile up)."""
    cutoff = token_cutoff()
    return ApiToken.objects.filter(created__lt=cutoff).delete()[0] if cutoff else 0


@shared_task
def purge_raw_html() -> int:
    """Drop fetched HTML older than FACTCHECK_RAW_HTML_RETENTION_DAYS, of every article
    but those still waiting to be processed, and failed ones with no address to fetch
    again (pasted HTML: "Try again" reads it from there)."""
    cutoff = timezone.now() - timedelta(days=settings.FACTCHECK_RAW_HTML_RETENTION_DAYS)
    return (
        Article.objects.filter(created_at__lt=cutoff)
        .exclude(status=Article.Status.PENDING)
        .exclude(status=Article.Status.FAILED, source_url="")
        .exclude(raw_html="")
        .update(raw_html="")
    )
