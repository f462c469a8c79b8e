"""Celery tasks run in-process here (no REDIS_URL): idempotence, retries, housekeeping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from django.utils import timezone

from claims import ingestion, tasks, workflow
from claims.models import Article, Claim, CuePattern, Feed, IngestionJob
from tests.factories import ArticleFactory
from tests.http_server import Answer

pytestmark = pytest.mark.django_db


def test_it_backs_off_exponentially_with_jitter():
    delays = [tasks.backoff(n) for n in range(6) for _ in range(20)]
    assert all(0 <= d <= 300 for d in delays)
    assert max(tasks.backoff(0) for _ in range(50)) <= 5
    assert len(set(delays)) > 50


def test_a_retry_waits_as_long_as_the_site_asked_up_to_the_longest_delay(settings):
    # A 429 or 503 with Retry-After was tried again after the usual backoff (seconds).
    settings.FACTCHECK_RETRY_MAX_DELAY = 300
    now = timezone.now()
    assert 118 <= tasks.retry_delay(0, now + timedelta(seconds=120)) <= 120
    assert tasks.retry_delay(0, now + timedelta(hours=2)) == 300
    assert tasks.retry_delay(0, now - timedelta(minutes=1)) <= 5  # passed: the backoff
    assert tasks.retry_delay(0, None) <= 5


def test_in_process_a_transient_failure_is_tried_once_then_again_on_request(allow_private, server):
    # Without a broker a retry cannot wait: it would hold the web request through five
    # fetches. The worker's retries are tested in tests/integration.
    page = server.fixture("/feed/story-1.html")
    answers = [Answer(503, b"busy"), page]
    server.routes["/flaky.html"] = lambda handler: answers.pop(0)
    article = ingestion.submit_url(server.url("flaky.html")).article

    tasks.process_article.delay(article.pk)

    article.refresh_from_db()
    assert article.status == Article.Status.FAILED and "503" in article.error
    assert (article.attempts, server.hits("/flaky.html")) == (1, 1)

    tasks.process_article.delay(ingestion.retry(article).pk)
    article.refresh_from_db()
    assert article.status == Article.Status.PROCESSED
    assert (article.attempts, server.hits("/flaky.html")) == (2, 2)


def test_a_worker_retrying_an_article_names_it_in_the_log(
    allow_private, server, monkeypatch, caplog
):
    # Celery's own line names the task's id and the error, not the article: an operator
    # could not tell which article was being retried.
    from celery.exceptions import Retry

    server.routes["/busy.html"] = lambda handler: Answer(503, b"busy")
    article = ingestion.submit_url(server.url("busy.html")).article
    retried = []

    def retry(exc, countdown):
        retried.append(countdown)
        return Retry(exc=exc, when=countdown)

    monkeypatch.setattr(tasks.process_article, "retry", retry)
    tasks.process_article.push_request(is_eager=False, retries=1, called_directly=False)
    try:
        with pytest.raises(Retry), caplog.at_level("WARNING", logger="claims.tasks"):
            tasks.process_article.run(article.pk)
    finally:
        tasks.process_article.pop_request()
    (line,) = [r.getMessage() for r in caplog.records if r.name == "claims.tasks"]
    assert f"Article {article.pk}" in line and "503" in line, line
    assert "retry 2 of 4" in line and f"{retried[0]:.0f} s" in line, line


def test_it_fails_a_404_at_once(allow_private, server):
    article = ingestion.submit_url(server.url("gone.html")).article
    tasks.process_article.delay(article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED and "404" in article.error
    assert article.attempts == 1


def test_it_ignores_a_task_for_a_deleted_or_finished_article():
    assert tasks.process_article.delay(999_999).get() is None
    article = ArticleFactory()
    assert tasks.process_article.delay(article.pk).get() == "processed"
    assert article.claims.count() == 0  # a finished article is not processed again


def test_it_counts_a_feed_run_as_a_job(allow_private, server):
    feed = Feed.objects.create(url=server.url("feed.xml"))
    assert tasks.poll_feed.delay(feed.pk).get() == 3
    job = IngestionJob.objects.get(kind="feed")
    assert (job.total, job.done, job.failed) == (3, 3, 0)
    assert job.finished_at is not None


def test_a_poll_cut_short_by_the_database_does_not_leave_its_job_queued(monkeypatch):
    feed = Feed.objects.create(url="https://news.example.org/feed.xml")
    job = IngestionJob.objects.create(kind="feed", source=feed.url)
    assert job.waiting
    fail_once(monkeypatch, "poll_feed", CONNECTION_LOST)
    with pytest.raises(OperationalError):
        tasks.poll_feed(feed.pk, job.pk)
    job.refresh_from_db()
    assert not job.waiting and job.finished_at is not None
    assert "database connection was lost" in job.errors[0]["reason"]


def test_a_feed_job_keeps_the_reason_of_each_failed_article(allow_private, server):
    items = "".join(
        f"<item><title>Gone {n}</title><link>{server.url(f'/gone-{n}.html')}</link></item>"
        for n in range(2)
    )
    rss = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{items}</channel></rss>'
    )
    server.routes["/wire.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    feed = Feed.objects.create(url=server.url("/wire.xml"))
    assert tasks.poll_feed.delay(feed.pk).get() == 2
    job = IngestionJob.objects.get(kind="feed")
    assert (job.total, job.done, job.failed) == (2, 0, 2)
    failed = Article.objects.filter(job=job).order_by("pk")
    assert job.errors == [{"article": a.pk, "reason": a.error} for a in failed]
    assert "404" in job.errors[0]["reason"]


def test_it_polls_only_active_feeds_that_are_due(allow_private, server):
    due = Feed.objects.create(url=server.url("feed.xml"))
    Feed.objects.create(url=server.url("atom.xml"), active=False)
    Feed.objects.create(
        url=server.url("other.xml"), next_poll_at=timezone.now() + timedelta(hours=1)
    )
    assert tasks.poll_due_feeds.delay().get() == 1
    due.refresh_from_db()
    assert due.last_polled_at is not None
    assert server.hits("/atom.xml") == 0 and server.hits("/other.xml") == 0


def test_it_detects_again_after_the_lexicon_changes():
    article = ingestion.process_article(
        ingestion.submit_text(
            "The video was purportedly filmed in May. The mayor said the dam is safe."
        ).article.pk
    )
    assert set(article.claims.values_list("category", flat=True)) == {"hedged", "attributed"}

    CuePattern.objects.filter(text__iexact="purportedly").update(enabled=False)
    tasks.redetect_articles.delay([article.pk])

    assert list(article.claims.values_list("category", flat=True)) == ["attributed"]


def three_articles() -> list[Article]:
    return [
        ingestion.process_article(
            ingestion.submit_text(f"The mayor said dam {n} is safe.", title=f"Dam {n}").article.pk
        )
        for n in range(3)
    ]


def test_detecting_again_one_failing_article_stops_no_other_in_its_batch(monkeypatch, caplog):
    # The batch ran as one loop: one article's error failed the task and left the rest,
    # in whatever order the articles' default ordering gave.
    first, broken, last = three_articles()
    redetect = ingestion.redetect
    seen = []

    def failing_on_one(article):
        seen.append(article.pk)
        if article.pk == broken.pk:
            raise RuntimeError("boom")
        return redetect(article)

    monkeypatch.setattr(ingestion, "redetect", failing_on_one)

    tasks.redetect_articles.delay([last.pk, broken.pk, first.pk])

    assert seen == [first.pk, broken.pk, last.pk]  # in id order
    assert f"article {broken.pk}" in caplog.text and "boom" in caplog.text


@pytest.mark.parametrize("stopped_at", [0, 1])
def test_a_batch_past_its_soft_time_limit_queues_the_articles_it_has_not_done(
    monkeypatch, caplog, stopped_at
):
    # The batch failed at its time limit and the articles after that one were never done.
    articles = [a.pk for a in three_articles()]
    redetect = ingestion.redetect
    seen = []

    def slow_once(article):
        seen.append(article.pk)
        if article.pk == articles[stopped_at] and seen.count(article.pk) == 1:
            raise SoftTimeLimitExceeded()
        return redetect(article)

    monkeypatch.setattr(ingestion, "redetect", slow_once)

    tasks.redetect_articles.delay(articles)

    if stopped_at:  # the article cut short is tried again with the rest, in a batch of its own
        assert seen == [articles[0], articles[1], articles[1], articles[2]]
    else:  # the first of a batch took the whole time: it is logged, the rest go on
        assert seen == articles
        assert f"article {articles[0]}" in caplog.text
    assert "queued again" in caplog.text


def test_detecting_again_reads_the_article_once(monkeypatch):
    article = ingestion.process_article(
        ingestion.submit_text("The mayor said the dam is safe.").article.pk
    )
    runs = []
    detect = ingestion.detection.detect
    monkeypatch.setattr(
        ingestion.detection, "detect", lambda *args: runs.append(args) or detect(*args)
    )
    CuePattern.objects.filter(text__iexact="said").update(weight=0.9)

    assert ingestion.redetect(article) == (1, 0)
    assert len(runs) == 1  # over a whole archive, a second pass doubled the time
    claim = article.claims.get()
    assert claim.score == pytest.approx(0.9, abs=0.1)
    # Its place in the queue follows the new score (it kept the old one).
    assert claim.priority == pytest.approx(
        workflow.priority_for(
            score=claim.score, published_at=article.created_at, seen_in=1, now=claim.created_at
        )
    )


def _claim_updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "claims_claim" SET "score"')]


def test_detecting_again_rewrites_only_the_claims_detection_changed():
    # Every waiting claim was written back, changed or not, in one statement: on a
    # 10,000-claim article PostgreSQL spent minutes planning it, holding the claims' locks.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = ingestion.process_article(
        ingestion.submit_text(
            "The mayor said the dam is safe. The video was purportedly filmed in May."
        ).article.pk
    )
    with CaptureQueriesContext(connection) as queries:
        assert ingestion.redetect(article) == (2, 0)
    assert _claim_updates(queries) == []

    CuePattern.objects.filter(text__iexact="purportedly").update(weight=0.99)
    with CaptureQueriesContext(connection) as queries:
        assert ingestion.redetect(article) == (2, 0)
    [update] = _claim_updates(queries)
    hedged = article.claims.get(category="hedged")
    assert update.count("WHEN") == update.count(f'"id" = {hedged.pk})')
    assert hedged.score == pytest.approx(0.99, abs=0.1)


def test_detecting_again_writes_the_changed_claims_in_batches(monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    text = " ".join(f"The mayor said dam {n} is safe." for n in range(5))
    article = ingestion.process_article(ingestion.submit_text(text).article.pk)
    CuePattern.objects.filter(text__iexact="said").update(weight=0.9)
    monkeypatch.setattr(ingestion, "REDETECT_BATCH", 2)

    with CaptureQueriesContext(connection) as queries:
        assert ingestion.redetect(article) == (5, 0)

    assert len(_claim_updates(queries)) == 3
    assert [c.score for c in article.claims.all()] == [pytest.approx(0.9, abs=0.1)] * 5


def test_detecting_again_raises_a_twin_once_however_often_a_claim_comes_and_goes():
    text = "The video was purportedly filmed in May."
    first = ingestion.process_article(ingestion.submit_text(text, title="One").article.pk)
    twin = first.claims.get()
    alone = Claim.objects.get(pk=twin.pk).priority
    second = ingestion.process_article(
        ingestion.submit_text(text + " It rained.", title="Two").article.pk
    )
    raised = Claim.objects.get(pk=twin.pk).priority
    assert raised > alone  # the same claim in a second article

    for _ in range(2):  # the cue goes out of the lexicon and comes back, twice
        CuePattern.objects.filter(text__iexact="purportedly").update(enabled=False)
        assert ingestion.redetect(second) == (0, 1)
        CuePattern.objects.filter(text__iexact="purportedly").update(enabled=True)
        assert ingestion.redetect(second) == (1, 0)

    assert Claim.objects.get(pk=twin.pk).priority == pytest.approx(raised)


def test_a_sentence_twice_in_one_article_raises_its_twins_once():
    sentence = "The video was purportedly filmed in May."
    first = ingestion.process_article(ingestion.submit_text(sentence, title="One").article.pk)
    twin = first.claims.get()
    second = ingestion.process_article(
        ingestion.submit_text(f"{sentence} It rained. {sentence}", title="Two").article.pk
    )
    raised = Claim.objects.get(pk=twin.pk).priority
    # One copy is under review (kept); the other comes and goes with the lexicon.
    kept = second.claims.order_by("start").first()
    Claim.objects.filter(pk=kept.pk).update(status=Claim.Status.IN_REVIEW)

    for _ in range(2):
        CuePattern.objects.filter(text__iexact="purportedly").update(enabled=False)
        ingestion.redetect(second)
        CuePattern.objects.filter(text__iexact="purportedly").update(enabled=True)
        ingestion.redetect(second)

    assert second.claims.count() == 2
    assert Claim.objects.get(pk=twin.pk).priority == pytest.approx(raised)


def test_it_keeps_claims_under_review_when_detecting_again(django_user_model):
    article = ingestion.process_article(
        ingestion.submit_text("The video was purportedly filmed in May.").article.pk
    )
    Claim.objects.filter(article=article).update(status=Claim.Status.IN_REVIEW)
    CuePattern.objects.filter(text__iexact="purportedly").update(enabled=False)

    assert ingestion.redetect(article) == (1, 0)


def test_it_purges_old_raw_html(settings):
    settings.FACTCHECK_RAW_HTML_RETENTION_DAYS = 7
    old = ArticleFactory(raw_html="<html>old</html>")
    Article.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    new = ArticleFactory(raw_html="<html>new</html>")
    assert tasks.purge_raw_html.delay().get() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.raw_html == "" and new.raw_html


def test_it_expires_leases_from_a_task():
    assert tasks.expire_leases.delay().get() == 0


def test_a_pattern_that_cannot_compile_is_refused_in_the_admin():
    from django.core.exceptions import ValidationError

    row = CuePattern(text="claimed", category="attributed", weight=0.5, kind="nonsense")
    with pytest.raises(ValidationError):
        row.full_clean()


@pytest.mark.parametrize(
    "broken",
    [
        {"text": "whatever", "category": "bogus", "kind": "phrase"},
        {"text": "claimed ... ... zzq", "category": "hedged", "kind": "phrase"},  # older rule
    ],
)
def test_a_broken_row_is_left_out_and_the_others_still_count(broken, caplog):
    from claims import detection
    from claims.lexicon import current_lexicon

    CuePattern.objects.create(text="zebracrossing", category="hedged", weight=0.9)
    CuePattern.objects.filter(text__iexact="purportedly").update(enabled=False)
    CuePattern.objects.create(weight=0.5, **broken)
    lexicon = current_lexicon()
    assert lexicon is not detection.DEFAULT_LEXICON
    assert [f.category for f in detection.detect("A zebracrossing appeared.", lexicon)] == [
        "hedged"
    ]
    assert detection.detect("It was purportedly filmed in May.", lexicon) == []
    assert f"Cue pattern {broken['text']!r} is left out" in caplog.text


@pytest.mark.parametrize("text", ["...", "said ..."])
def test_a_row_saved_around_the_rules_hides_no_other_cue(text, caplog):
    # A gap alone matched across the words it stood between: the scan took "said" inside
    # it, the hit was dropped, and "Officials said the dam was safe." was no longer flagged.
    from claims import detection
    from claims.lexicon import current_lexicon

    CuePattern.objects.create(text=text, category="hedged", weight=0.9)
    flags = detection.detect("Officials said the dam was safe.", current_lexicon())
    assert [f.category for f in flags] == ["attributed"]
    assert f"Cue pattern {text!r} is left out" in caplog.text


def test_it_queues_again_an_article_left_pending(allow_private, server, settings):
    article = ingestion.submit_url(server.url("article.html")).article  # never sent
    Article.objects.filter(pk=article.pk).update(
        updated_at=timezone.now() - timedelta(minutes=settings.FACTCHECK_STALE_PENDING_MINUTES + 1)
    )
    fresh = ingestion.submit_url(server.url("feed/story-1.html")).article

    assert tasks.requeue_stale_articles.delay().get() == 1

    article.refresh_from_db()
    fresh.refresh_from_db()
    assert article.status == Article.Status.PROCESSED
    assert fresh.status == Article.Status.PENDING


def test_migration_0012_brings_old_feed_intervals_into_range():
    from importlib import import_module

    from django.apps import apps

    clamp = import_module("claims.migrations.0012_clamp_poll_interval").clamp
    never = Feed.objects.create(url="https://a.example.org/feed.xml")
    rare = Feed.objects.create(url="https://b.example.org/feed.xml")
    Feed.objects.filter(pk=never.pk).update(poll_interval=0)
    Feed.objects.filter(pk=rare.pk).update(poll_interval=5000)

    clamp(apps, None)

    assert dict(Feed.objects.values_list("pk", "poll_interval")) == {never.pk: 1, rare.pk: 1440}


@pytest.mark.parametrize(
    ("name", "text", "category"),
    [
        ("0013_more_reporting_verbs", "warn", "attributed"),
        ("0014_more_cues_from_real_pages", "was accused of", "hedged"),
        ("0017_more_verb_forms", "acknowledge", "attributed"),
        ("0018_reiterated", "reiterated", "attributed"),
        ("0021_confirmed_when_that", "confirmed on Monday that", "attributed"),
    ],
)
def test_a_lexicon_migration_adds_its_new_cues_to_a_seeded_lexicon(name, text, category):
    from importlib import import_module

    from django.apps import apps

    migration = import_module(f"claims.migrations.{name}")
    CuePattern.objects.filter(text__in=migration.ADDED).delete()
    before = CuePattern.objects.count()
    add = migration.Migration.operations[0].code

    add(apps, None)
    add(apps, None)  # a second run adds nothing

    assert CuePattern.objects.count() == before + len(migration.ADDED)
    assert CuePattern.objects.get(text=text).category == category


def test_detecting_again_keeps_a_claim_taken_while_it_ran(monkeypatch, django_user_model):
    article = ingestion.process_article(
        ingestion.submit_text(
            "The video was purportedly filmed in May. The mayor said the dam is safe."
        ).article.pk
    )
    hedged = article.claims.get(category="hedged")
    CuePattern.objects.filter(text__iexact="purportedly").update(enabled=False)
    reviewer = django_user_model.objects.create(username="rita")
    lock = workflow.lock_fingerprints

    def taken_meanwhile(fingerprints):  # runs after redetect read the untouched claims
        Claim.objects.filter(pk=hedged.pk).update(status=Claim.Status.IN_REVIEW, assignee=reviewer)
        return lock(fingerprints)

    monkeypatch.setattr(workflow, "lock_fingerprints", taken_meanwhile)
    assert ingestion.redetect(article) == (2, 0)
    assert Claim.objects.filter(pk=hedged.pk, assignee=reviewer).exists()


@pytest.mark.parametrize("text", ["{Speaker} said", "{name} insisted", "claimed }", "{Name"])
def test_a_pattern_with_braces_other_than_name_is_refused(text):
    from django.core.exceptions import ValidationError

    row = CuePattern(text=text, category="attributed", weight=0.5, kind="phrase")
    with pytest.raises(ValidationError, match="only placeholder"):
        row.full_clean()
    CuePattern(text="{Name} muttered", category="attributed", weight=0.5).full_clean()


@pytest.mark.parametrize("text", ["claimed ... ... zzq", "claimed ... b ... zzq"])
def test_a_pattern_with_more_than_one_gap_is_refused(text):
    # Gaps multiply: "claimed ... ... ... zzq" took seconds per hundred words.
    from django.core.exceptions import ValidationError

    row = CuePattern(text=text, category="hedged", weight=0.5, kind="phrase")
    with pytest.raises(ValidationError, match="at most one gap"):
        row.full_clean()


def test_a_poll_queues_only_its_own_articles(allow_private, server, monkeypatch):
    feed = Feed.objects.create(url=server.url("feed.xml"))
    ingestion.poll_feed(feed)  # a run whose three articles are still waiting for a worker
    queued = []
    monkeypatch.setattr(tasks.process_article, "delay", lambda pk: queued.append(pk))
    assert tasks.poll_feed.delay(feed.pk).get() == 0
    assert queued == []


# --- interruptions: the database connection lost, the time limit reached -----------------


def fail_once(monkeypatch, name, error, when=lambda *args: True):
    """Make ingestion's function `name` raise `error` once, on the first call `when`
    accepts: a lost database connection, a task's time limit."""
    real = getattr(ingestion, name)
    raised = []

    def flaky(*args, **kwargs):
        if not raised and when(*args):
            raised.append(args)
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(ingestion, name, flaky)


CONNECTION_LOST = OperationalError("server closed the connection unexpectedly")


def test_an_article_whose_database_connection_is_lost_stays_pending_for_a_retry(
    allow_private, server, monkeypatch
):
    # It was failed for good, with "Unexpected error while processing: OperationalError…".
    fail_once(monkeypatch, "store_claims", CONNECTION_LOST)
    article = ingestion.submit_url(server.url("feed/story-1.html")).article
    with pytest.raises(OperationalError):
        ingestion.process_article(article.pk, final_attempt=False)
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING and article.error == ""

    assert ingestion.process_article(article.pk, final_attempt=False).status == "processed"


def test_the_last_attempt_of_an_article_whose_connection_is_lost_says_so(
    allow_private, server, monkeypatch
):
    fail_once(monkeypatch, "store_claims", CONNECTION_LOST)
    article = ingestion.submit_url(server.url("feed/story-1.html")).article
    with pytest.raises(OperationalError):
        ingestion.process_article(article.pk, final_attempt=True)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert article.error.startswith("The database connection was lost while processing")


def test_an_article_past_the_time_limit_fails_with_a_reason_a_reader_understands(
    allow_private, server, monkeypatch, settings
):
    fail_once(monkeypatch, "store_claims", SoftTimeLimitExceeded())
    article = ingestion.submit_url(server.url("feed/story-1.html")).article
    with pytest.raises(SoftTimeLimitExceeded):
        ingestion.process_article(article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert article.error == (
        f"Processing took longer than {settings.CELERY_TASK_SOFT_TIME_LIMIT} s, the time "
        "limit of a background task."
    )


def serve_feed_with_etag(server):
    feed_xml = server.fixture("/feed.xml").body

    def route(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return Answer(304, b"", {"ETag": '"v1"'})
        return Answer(200, feed_xml, {"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    server.routes["/tagged.xml"] = route
    return Feed.objects.create(url=server.url("tagged.xml"))


@pytest.mark.parametrize("cause", ["connection", "time limit"])
def test_a_poll_interrupted_at_an_entry_leaves_it_and_the_rest_to_the_next_poll(
    allow_private, server, monkeypatch, cause
):
    # The entry was skipped as a bad one, the poll kept the feed's ETag, and every poll
    # after it got a 304: the entry was lost, and the note saying so went with the next poll.
    feed = serve_feed_with_etag(server)
    second = lambda feed, entry: entry.get("link", "").endswith("story-2.html")  # noqa: E731
    error = CONNECTION_LOST if cause == "connection" else SoftTimeLimitExceeded()
    fail_once(monkeypatch, "_submit_entry", error, second)

    poll = ingestion.poll_feed(feed)

    assert "the poll stopped at" in poll.interrupted and "story-2.html" in poll.interrupted
    why = "the database connection was lost" if cause == "connection" else "took longer than"
    assert why in poll.interrupted and "server closed" not in poll.interrupted
    feed.refresh_from_db()
    assert feed.etag == "" and feed.next_poll_at <= timezone.now()
    assert "the next poll goes on" in feed.last_error and feed.failure_count == 0
    assert Article.objects.count() == 1

    monkeypatch.undo()
    ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert Article.objects.count() == 3 and feed.etag == '"v1"' and feed.last_error == ""


def test_a_poll_past_the_time_limit_while_fetching_the_feed_fails_and_backs_off(
    allow_private, server, monkeypatch
):
    # Nothing was recorded: the feed looked never polled and was due again every minute.
    fail_once(monkeypatch, "fetch", SoftTimeLimitExceeded())
    feed = Feed.objects.create(url=server.url("feed.xml"))
    poll = ingestion.poll_feed(feed)
    feed.refresh_from_db()
    assert poll.error.startswith("The poll took longer than")
    assert feed.last_error == poll.error and feed.failure_count == 1
    assert feed.next_poll_at > timezone.now()


def test_beat_queues_one_poll_per_feed_and_interval_while_the_worker_is_away(monkeypatch):
    # Every tick queued another poll of every due feed: an hour without a worker made sixty.
    feed = Feed.objects.create(url="https://news.example.org/feed.xml", poll_interval=15)
    queued = []
    monkeypatch.setattr(tasks.poll_feed, "delay", lambda pk: queued.append(pk))
    for _ in range(5):  # five ticks before any worker takes the poll
        tasks.poll_due_feeds()
    assert queued == [feed.pk]
    feed.refresh_from_db()
    assert feed.next_poll_at > timezone.now() + timedelta(minutes=14)


def test_a_failed_pasted_page_can_be_tried_again_after_the_purge(settings):
    # Its HTML is the only copy of it: purged, "Try again" failed with "Only http and
    # https URLs can be fetched, not ''."
    settings.FACTCHECK_RAW_HTML_RETENTION_DAYS = 7
    page = (
        "<html><body><article><p>The mayor said the dam at Lake Orrin was safe and cost four "
        "million dollars to repair last year, the council's records show.</p></article></body>"
        "</html>"
    )
    article = ingestion.submit_html(page).article
    Article.objects.filter(pk=article.pk).update(
        status="failed",
        error="Processing took longer than 120 s.",
        created_at=timezone.now() - timedelta(days=8),
    )
    tasks.purge_raw_html()
    ingestion.retry(article)
    assert ingestion.process_article(article.pk).status == "processed"


def test_the_raw_html_of_failed_and_duplicate_articles_is_purged_too(settings):
    settings.FACTCHECK_RAW_HTML_RETENTION_DAYS = 7
    for status in ("failed", "duplicate", "pending"):
        ArticleFactory(
            raw_html=f"<html>{status}</html>",
            status=status,
            source_url=f"https://news.example.org/{status}",
        )
    Article.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert tasks.purge_raw_html.delay().get() == 2
    kept = Article.objects.exclude(raw_html="").values_list("status", flat=True)
    assert list(kept) == ["pending"]  # still to be processed from it


# --- detection run again on claims with a history -----------------------------------------


STORY = (
    "Witnesses said the fire started at noon. Residents claimed the water tasted odd. "
    "The minister reportedly resigned on Monday."
)


@pytest.fixture
def story():
    return ingestion.process_article(ingestion.submit_text(STORY).article.pk)


def sentence(article, start: str) -> Claim:
    return article.claims.get(text__startswith=start)


def test_a_released_claim_waiting_in_the_queue_follows_the_lexicon(story, alice):
    # Its history made it "touched": it kept its old score, cues and place in the queue.
    claim = workflow.claim_release(
        claim=workflow.claim_take(claim=sentence(story, "Witnesses"), reviewer=alice), actor=alice
    )
    CuePattern.objects.filter(text__iexact="said").update(weight=0.95)

    ingestion.redetect(story)

    now = Claim.objects.get(pk=claim.pk)
    assert now.score > claim.score
    assert now.priority == pytest.approx(
        workflow.priority_for(
            score=now.score, published_at=story.created_at, seen_in=1, now=now.created_at
        )
    )
    assert now.version == claim.version  # nothing a reviewer's page holds changed state
    event = now.events.last()
    assert (event.action, event.actor, event.payload["score"]) == (
        "redetect",
        None,
        [claim.score, now.score],
    )


def test_a_bumped_claim_keeps_its_bump_and_leaves_the_queue_when_no_longer_flagged(story, erin):
    witnesses = workflow.claim_bump(claim=sentence(story, "Witnesses"), actor=erin, amount=0.5)
    residents = workflow.claim_bump(claim=sentence(story, "Residents"), actor=erin, amount=0.5)
    CuePattern.objects.filter(text__iexact="said").update(weight=0.95)
    CuePattern.objects.filter(text__iexact="claimed").update(enabled=False)

    assert ingestion.redetect(story) == (3, 1)

    witnesses = Claim.objects.get(pk=witnesses.pk)
    assert witnesses.priority == pytest.approx(
        workflow.priority_for(
            score=witnesses.score,
            published_at=story.created_at,
            seen_in=1,
            bump=0.5,
            now=witnesses.created_at,
        )
    )
    # It stayed at the head of the queue: now it is dismissed, by no one, saying why.
    residents_now = Claim.objects.get(pk=residents.pk)
    assert residents_now.status == Claim.Status.DISMISSED
    assert residents_now.dismiss_reason == ingestion.NO_LONGER_FLAGGED
    assert residents_now.version == residents.version + 1
    event = residents_now.events.last()
    assert (event.action, event.actor) == ("dismiss", None)
    assert event.payload == {
        "status": ["new", "dismissed"],
        "reason": ingestion.NO_LONGER_FLAGGED,
        "by": "system",
    }
    assert ingestion.redetect(story) == (3, 0)  # once
    assert residents_now.events.count() == 2  # the bump and the dismissal, nothing more


def test_a_claim_put_back_in_the_queue_by_hand_is_not_dismissed_again(story, alice):
    claim = sentence(story, "Residents")
    claim = workflow.claim_dismiss(claim=claim, actor=alice, reason="Opinion.")
    workflow.claim_restore(claim=claim, actor=alice, reason="It is checkable.")
    CuePattern.objects.filter(text__iexact="claimed").update(enabled=False)

    ingestion.redetect(story)

    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW
    assert claim.events.last().payload["flagged"] == [True, False]


def test_a_claim_in_review_stays_as_it_is_and_its_history_says_what_detection_says_now(
    story, alice, client
):
    claim = workflow.claim_take(claim=sentence(story, "The minister"), reviewer=alice)
    gone = workflow.claim_take(claim=sentence(story, "Residents"), reviewer=alice)
    CuePattern.objects.filter(text__iexact="reportedly").update(
        category="disputed", updated_at=timezone.now()
    )
    CuePattern.objects.filter(text__iexact="claimed").update(enabled=False)

    for _ in range(2):  # noted once
        ingestion.redetect(story)

    now = Claim.objects.get(pk=claim.pk)
    assert (now.category, now.cues, now.version) == (claim.category, claim.cues, claim.version)
    assert now.events.filter(action="redetect").count() == 1
    noted = now.events.get(action="redetect")
    assert noted.payload["category"] == ["hedged", "disputed"]
    assert noted.payload["cues"] == [["reportedly (hedged)"], ["reportedly (disputed)"]]
    assert noted.payload["applied"] is False
    assert Claim.objects.get(pk=gone.pk).status == Claim.Status.IN_REVIEW
    assert gone.events.get(action="redetect").payload["flagged"] == [True, False]

    client.force_login(alice)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "detection run again" in page and "Hedged → Disputed" in page

    CuePattern.objects.filter(text__iexact="reportedly").update(
        category="hedged", updated_at=timezone.now() + timedelta(seconds=1)
    )
    ingestion.redetect(story)  # agrees again: said so too
    assert now.events.filter(action="redetect").last().payload == {
        "by": "system",
        "applied": False,
    }


def test_a_waiting_claim_keeps_the_category_an_admin_set(story, client):
    from tests.factories import UserFactory

    claim = sentence(story, "The minister")
    client.force_login(UserFactory(username="adm", role="admin", is_staff=True))
    form = {
        "category": "disputed",
        "claim_reviewed": "",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
    }
    assert client.post(f"/admin/claims/claim/{claim.pk}/change/", form).status_code == 302
    CuePattern.objects.filter(text__iexact="reportedly").update(weight=0.95)

    ingestion.redetect(story)

    now = Claim.objects.get(pk=claim.pk)
    assert (now.category, now.score) == ("disputed", pytest.approx(0.95, abs=0.1))


DISCLAIMED = (
    "Officials said the dam near Orvik was safe. The minister reportedly resigned on Monday."
    "\n\nThe Wire could not independently verify the claims."
)


def covered(claim: Claim) -> set[str]:
    return {other.text.split()[0] for other in Claim.objects.get(pk=claim.pk).covers.all()}


def test_an_untouched_disclaimer_covers_what_detection_says_it_covers_now(alice):
    # Links were only ever added: one to a claim detection no longer flags stayed.
    article = ingestion.process_article(ingestion.submit_text(DISCLAIMED).article.pk)
    disclaimer = sentence(article, "The Wire")
    assert covered(disclaimer) == {"Officials", "The"}
    workflow.claim_take(claim=sentence(article, "Officials"), reviewer=alice)  # kept
    CuePattern.objects.filter(text__iexact="said").update(enabled=False)

    ingestion.redetect(article)

    assert covered(disclaimer) == {"The"}
    CuePattern.objects.filter(text__iexact="said").update(enabled=True)
    ingestion.redetect(article)
    assert covered(disclaimer) == {"Officials", "The"}


def test_a_disclaimer_whose_covers_an_admin_set_keeps_them(client, alice):
    from tests.factories import UserFactory

    article = ingestion.process_article(ingestion.submit_text(DISCLAIMED).article.pk)
    disclaimer = sentence(article, "The Wire")
    client.force_login(UserFactory(username="adm", role="admin", is_staff=True))
    form = {
        "category": disclaimer.category,
        "claim_reviewed": "",
        "covers": str(sentence(article, "The minister").pk),
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
    }
    assert client.post(f"/admin/claims/claim/{disclaimer.pk}/change/", form).status_code == 302
    workflow.claim_take(claim=sentence(article, "Officials"), reviewer=alice)

    ingestion.redetect(article)

    assert covered(disclaimer) == {"The"}


def test_a_task_sent_carries_no_time_limit_so_the_workers_own_settings_govern(monkeypatch):
    # Each message carried the sender's limits (web, beat, a command), which the worker
    # obeyed over its own: a worker set to stop tasks at 8 s let them run 120 s.
    from django.conf import settings

    from factcheck.celery import app

    sent = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(app, "send_task", lambda name, *args, **options: sent.append(options))

    tasks.process_article.delay(1)
    tasks.redetect_articles.delay([1])
    tasks.poll_feed.apply_async((1,), soft_time_limit=2, time_limit=6)  # asked for: kept

    limits = [(options.get("time_limit"), options.get("soft_time_limit")) for options in sent]
    assert limits == [(None, None), (None, None), (6, 2)]
    # What a worker applies to a message without limits: its own settings.
    assert (tasks.process_article.time_limit, tasks.process_article.soft_time_limit) == (
        settings.CELERY_TASK_TIME_LIMIT,
        settings.CELERY_TASK_SOFT_TIME_LIMIT,
    )


def test_a_wording_written_in_the_admin_before_its_edits_were_events_is_kept(alice):
    # Edits made before the admin wrote events left none: detection run again took such a
    # claim for untouched and deleted it, with the wording an admin had written.
    article = ingestion.process_article(ingestion.submit_text(STORY).article.pk)
    claim = article.claims.get(text__startswith="Residents")
    Claim.objects.filter(pk=claim.pk).update(claim_reviewed="Water tasted odd")
    CuePattern.objects.filter(text__iexact="claimed").update(enabled=False)
    ingestion.redetect(article)
    claim.refresh_from_db()
    assert claim.claim_reviewed == "Water tasted odd"
    assert claim.status == Claim.Status.DISMISSED  # by the system, kept with its history


def test_a_claim_the_system_dismissed_comes_back_when_detection_flags_it_again(erin):
    # A mistaken lexicon change, undone: the claims it had taken out of the queue stayed out.
    article = ingestion.process_article(ingestion.submit_text(STORY).article.pk)
    bumped = workflow.claim_bump(
        claim=article.claims.get(text__startswith="Residents"), actor=erin, amount=0.1
    )
    for enabled in (False, True):
        CuePattern.objects.filter(text__iexact="claimed").update(enabled=enabled)
        ingestion.redetect(article)
        bumped.refresh_from_db()
        assert bumped.status == (Claim.Status.NEW if enabled else Claim.Status.DISMISSED)
    assert bumped.dismiss_reason == "" and bumped.priority_bump == pytest.approx(0.1)
    restore = bumped.events.filter(action="restore").get()
    assert restore.payload["by"] == "system" and restore.payload["status"] == ["dismissed", "new"]
    # Dismissed by a person, a claim stays dismissed whatever detection says.
    workflow.claim_dismiss(claim=bumped, actor=erin, reason="Opinion.")
    ingestion.redetect(article)
    bumped.refresh_from_db()
    assert bumped.status == Claim.Status.DISMISSED


def test_no_note_that_detection_agrees_after_the_claim_took_what_it_said(alice):
    article = ingestion.process_article(ingestion.submit_text(STORY).article.pk)
    claim = article.claims.get(text__startswith="Witnesses")
    workflow.claim_take(claim=claim, reviewer=alice)
    CuePattern.objects.filter(text__iexact="said").update(weight=0.95, updated_at=timezone.now())
    ingestion.redetect(article)  # in review: noted, not applied
    workflow.claim_release(claim=Claim.objects.get(pk=claim.pk), actor=alice)
    ingestion.redetect(article)  # waiting: takes the new score, noted as applied
    workflow.claim_take(claim=Claim.objects.get(pk=claim.pk), reviewer=alice)
    notes = list(claim.events.filter(action="redetect").values_list("payload", flat=True))
    ingestion.redetect(article)  # nothing changed since: nothing to note
    assert list(claim.events.filter(action="redetect").values_list("payload", flat=True)) == notes


def _bulk_job(lines: list[str]) -> IngestionJob:
    """A file the desk queued for a worker: its job holds the lines."""
    total = sum(1 for line in lines if line.strip())
    return IngestionJob.objects.create(
        kind="bulk", source="wire.jsonl", total=total, lines="\n".join(lines)
    )


WIRE = [
    '{"text": "The minister said the plant would close next year.", "title": "One"}',
    "",
    "not json",
    '{"text": "Police said the suspect fled on foot, witnesses said.", "title": "Two"}',
    '{"text": "The minister said the plant would close next year.", "title": "One again"}',
    '{"text": "The mayor said the dam was safe, according to engineers.", "title": "Three"}',
]


def test_a_queued_bulk_file_is_ingested_once_even_when_delivered_twice(
    django_capture_on_commit_callbacks,
):
    job = _bulk_job(WIRE)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.ingest_bulk_file(job.pk) == 6
    job.refresh_from_db()
    titles = sorted(Article.objects.values_list("title", flat=True))
    assert titles == ["One", "Three", "Two"]
    assert (job.done, job.duplicates, job.failed) == (3, 1, 1) and job.finished_at
    assert job.errors == [{"line": 3, "reason": job.errors[0]["reason"]}]
    assert job.lines == ""  # the file is not kept once read
    with django_capture_on_commit_callbacks(execute=True):  # the message, delivered again
        tasks.ingest_bulk_file(job.pk)
    job.refresh_from_db()
    assert Article.objects.count() == 3 and (job.done, job.duplicates, job.failed) == (3, 1, 1)


def test_a_bulk_run_reads_its_file_once(django_capture_on_commit_callbacks):
    # Up to 20 MB: it was read with the job, and again each time the job was refreshed.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    job = _bulk_job(WIRE)
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.ingest_bulk_file(job.pk) == 6
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"lines"' in q["sql"]]
    assert len(reads) == 1, reads


def test_a_bulk_run_cut_short_goes_on_from_the_batch_it_was_in(
    monkeypatch, django_capture_on_commit_callbacks
):
    # A line that outlasts the task's time limit, or a worker killed (the message comes
    # again): the batch under way is undone, the run goes on from its first line, and
    # nothing is counted twice.
    monkeypatch.setattr(ingestion, "BATCH_LINES", 2)  # lines 1 and 3, 4 and 5, 6
    job = _bulk_job(WIRE)
    queued = []
    monkeypatch.setattr(tasks.ingest_bulk_file, "delay", queued.append)
    submit = ingestion.submit_bulk_line

    def cut_at_line_5(number, line, **kwargs):
        if number == 5:
            submit(number, line, **kwargs)  # stored, then cut: its batch is undone
            raise SoftTimeLimitExceeded()
        return submit(number, line, **kwargs)

    monkeypatch.setattr(ingestion, "submit_bulk_line", cut_at_line_5)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.ingest_bulk_file(job.pk) == 3
    job.refresh_from_db()
    assert queued == [job.pk] and job.lines and not job.finished_at
    assert list(Article.objects.values_list("title", flat=True)) == ["One"]  # not line 4's
    assert (job.done, job.duplicates, job.failed) == (1, 0, 1)
    monkeypatch.setattr(ingestion, "submit_bulk_line", submit)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.ingest_bulk_file(job.pk) == 6
    job.refresh_from_db()
    assert Article.objects.count() == 3 and (job.done, job.duplicates, job.failed) == (3, 1, 1)
    assert job.finished_at and job.lines == ""


def test_a_line_failing_on_the_database_leaves_the_lines_of_its_batch_counted_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    # Its statement may leave the batch's transaction unusable (PostgreSQL), or have been
    # undone to break a deadlock: the batch is done again without it, then the line alone.
    from django.db import OperationalError

    job = _bulk_job(WIRE)
    submit = ingestion._submit_bulk_line
    tries = []

    def line_4_fails(number, line):
        if number == 4:
            tries.append(number)
            raise OperationalError("deadlock detected")
        return submit(number, line)

    monkeypatch.setattr(ingestion, "_submit_bulk_line", line_4_fails)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.ingest_bulk_file(job.pk) == 6
    job.refresh_from_db()
    assert sorted(Article.objects.values_list("title", flat=True)) == ["One", "Three"]
    assert (job.done, job.duplicates, job.failed) == (2, 1, 2) and job.finished_at
    assert job.errors[1] == {"line": 4, "reason": "could not be stored (deadlock detected)"}
    assert tries == [4, 4]  # in its batch, then first in the next


def test_a_bulk_run_stops_at_its_time_and_queues_the_rest(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 0  # each run: no time, so not a line
    job = _bulk_job(WIRE)
    queued = []
    monkeypatch.setattr(tasks.ingest_bulk_file, "delay", queued.append)
    assert tasks.ingest_bulk_file(job.pk) == 0
    assert queued == [job.pk] and not Article.objects.exists()


def test_of_two_runs_of_one_bulk_file_the_second_to_count_a_line_stops(
    monkeypatch, django_capture_on_commit_callbacks
):
    # A message delivered again while the first run still works (or the sweep's): the
    # other run got through line 4 meanwhile; this one's batch of lines 4 and 5 is
    # undone and it stops.
    monkeypatch.setattr(ingestion, "BATCH_LINES", 2)
    job = _bulk_job(WIRE)

    def other_run_goes_on(line):
        IngestionJob.objects.filter(pk=job.pk).update(lines_handled=4)

    with django_capture_on_commit_callbacks(execute=True):
        ingestion.ingest_jsonl(
            WIRE, job=job, process=tasks.queue_for_job, resume=True, on_line=other_run_goes_on
        )
    job.refresh_from_db()
    assert list(Article.objects.values_list("title", flat=True)) == ["One"]
    assert (job.lines_handled, job.done, job.failed) == (4, 1, 1)


def test_a_bulk_file_whose_message_was_lost_is_queued_again(monkeypatch, settings):
    job = _bulk_job(WIRE)
    done = _bulk_job(WIRE)
    IngestionJob.objects.filter(pk=done.pk).update(lines="", finished_at=timezone.now())
    old = timezone.now() - timedelta(minutes=settings.FACTCHECK_STALE_PENDING_MINUTES + 1)
    IngestionJob.objects.update(started_at=old)
    queued = []
    monkeypatch.setattr(tasks.ingest_bulk_file, "delay", queued.append)
    tasks.requeue_stale_articles()
    assert queued == [job.pk]


def test_a_bulk_file_still_being_read_is_not_queued_again(monkeypatch, settings):
    # A long file, begun long ago, that a worker is still reading was queued again every
    # five minutes once it was 30 minutes old: the sweep went by when the job started.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    job = _bulk_job(WIRE)
    stale = timezone.now() - timedelta(minutes=settings.FACTCHECK_STALE_PENDING_MINUTES + 1)
    IngestionJob.objects.update(started_at=stale - timedelta(hours=2))
    with CaptureQueriesContext(connection) as queries:  # a line handled by the worker
        assert ingestion._add_line_to_job(job.pk, 0, 1, {"done": 1}, [])
    assert len(queries) == 1  # its progress time comes with its count, in one write
    queued = []
    monkeypatch.setattr(tasks.ingest_bulk_file, "delay", queued.append)
    tasks.requeue_stale_articles()
    assert queued == []
    # A run that stopped making progress long ago (its worker lost) is queued again.
    IngestionJob.objects.update(progress_at=stale)
    tasks.requeue_stale_articles()
    assert queued == [job.pk]


def test_counting_on_a_job_never_reads_the_bulk_file_it_holds():
    # A file waiting for a worker is up to 20 MB: it was read again, the job's row locked,
    # for every failed article and line counted on the job.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    job = IngestionJob.objects.create(kind="bulk", total=3, lines='{"url": "x"}\n' * 1000)
    with CaptureQueriesContext(connection) as queries:
        ingestion._add_to_job(job.pk, {"failed": 1}, [{"article": 1, "reason": "404"}])
        ingestion._add_line_to_job(job.pk, 0, 1, {"failed": 1}, [{"line": 1, "reason": "bad"}])
        ingestion._close_interrupted(job, 2, KeyboardInterrupt())
    assert not [q["sql"] for q in queries if '"lines"' in q["sql"]]
    job.refresh_from_db()
    assert (job.failed, job.lines_handled, len(job.errors)) == (2, 1, 3)


def test_a_bulk_line_takes_its_new_article_in_one_write_and_leaves_one_another_run_has():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    job, other = _bulk_job(WIRE), _bulk_job(WIRE)
    new = ingestion.submit_text("The minister said the plant would close.").article
    with CaptureQueriesContext(connection) as queries:
        assert ingestion._take_for_job(new, job)
    assert len(queries) == 1 and Article.objects.get(pk=new.pk).job_id == job.pk
    assert not ingestion._take_for_job(new, other)  # its run still goes on
    IngestionJob.objects.filter(pk=job.pk).update(finished_at=timezone.now())
    assert ingestion._take_for_job(new, other)  # its run stopped: taken again
    assert Article.objects.get(pk=new.pk).job_id == other.pk


def test_a_bulk_run_looks_up_each_host_once_and_refuses_each_line_on_a_refused_one(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    # Each URL line looked its host up in DNS as it was checked: most of a line's time,
    # and five seconds for each line whose look-up timed out.
    import socket

    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    addresses = {"intranet.newsroom": "10.0.0.5", "news.example.org": "93.184.215.14"}
    looked_up = []

    def getaddrinfo(host, port, *args, **kwargs):
        looked_up.append(host)
        if host not in addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (addresses[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    urls = [
        "http://intranet.newsroom/payroll",
        "https://news.example.org/1",
        "https://no-such-host.example/1",
        "http://intranet.newsroom/board",
        "https://news.example.org/2",
        "https://no-such-host.example/2",
    ]
    job = _bulk_job([f'{{"url": "{url}"}}' for url in urls])
    with django_capture_on_commit_callbacks():  # queued, not fetched
        assert tasks.ingest_bulk_file(job.pk) == 6
    assert sorted(looked_up) == ["intranet.newsroom", "news.example.org", "no-such-host.example"]
    job.refresh_from_db()
    assert job.failed == 2 and Article.objects.count() == 4  # the others queued
    assert [error["line"] for error in job.errors] == [1, 4]
    for error in job.errors:  # each line refused with its own address
        url = urls[error["line"] - 1]
        assert error["reason"].startswith(f"Refused to fetch {url}: it resolves to a private")
    # The next run looks again: a host's address may have changed since.
    job = _bulk_job(['{"url": "http://intranet.newsroom/payroll"}'])
    with django_capture_on_commit_callbacks():
        tasks.ingest_bulk_file(job.pk)
    assert looked_up.count("intranet.newsroom") == 2
