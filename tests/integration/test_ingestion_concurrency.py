"""One article processed by two deliveries at once, on PostgreSQL: it is finished once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection

from claims import detection, ingestion
from claims.models import Article, IngestionJob

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = (
    "<html><body><article><p>Edition {n}. The harbour master said the old pier would close "
    "in May.</p><p>Officials said the ferry would keep running.</p></article></body></html>"
)


def process_at_once(*article_ids: int) -> list[str]:
    """Process the articles in as many threads, started together; return their statuses."""
    start = threading.Barrier(len(article_ids))

    def deliver(article_id):
        try:
            start.wait(timeout=30)
            return ingestion.process_article(article_id).status
        finally:
            connection.close()

    with ThreadPoolExecutor(len(article_ids)) as pool:
        return list(pool.map(deliver, article_ids))


def test_two_deliveries_at_once_finish_an_article_once(postgres):
    rounds = 8
    job = IngestionJob.objects.create(kind="bulk", total=rounds + 1)
    ingestion.submit_html(PAGE.format(n="waiting"))  # keeps the job unfinished
    articles = [ingestion.submit_html(PAGE.format(n=n)).article for n in range(rounds)]
    Article.objects.update(job=job)
    for article in articles:
        assert process_at_once(article.pk, article.pk) == ["processed", "processed"]

    job.refresh_from_db()
    assert (job.done, job.failed, job.duplicates) == (rounds, 0, 0)
    assert job.finished_at is None
    for article in Article.objects.filter(status="processed"):
        assert article.claims.count() == len(detection.detect(article.text)) == 2


def test_copies_of_one_story_processed_at_once_count_each_other(postgres):
    # A wire story arriving twice at once: each copy's claim must count the other one.
    from claims import workflow
    from claims.models import Claim

    rounds = 6
    pairs = []
    for n in range(rounds):
        sentence = f"Officials said the ferry to Lanvik {n} would stop in June."
        pairs.append(
            [
                ingestion.submit_text(f"{sentence}\n\nEdition {edition}.").article.pk
                for edition in ("north", "south")
            ]
        )
    for pair in pairs:
        assert process_at_once(*pair) == ["processed", "processed"]

    for pair in pairs:
        claims = list(Claim.objects.filter(article_id__in=pair))
        assert len(claims) == 2 and claims[0].fingerprint == claims[1].fingerprint
        for claim in claims:
            alone = workflow.priority_for(
                score=claim.score,
                published_at=claim.article.published_at or claim.article.created_at,
                seen_in=1,
            )
            assert claim.priority > alone + workflow.SPREAD_WEIGHT / 8, claim.article_id


def test_detecting_again_takes_the_fingerprint_locks_before_any_claim_row(postgres):
    # Ingestion takes a fingerprint's lock, then updates other articles' claims; redetect
    # must take the locks in the same order, or a wire copy and a redetect deadlock.
    from django.test.utils import CaptureQueriesContext

    from claims.detection import DEFAULT_ENTRIES
    from claims.models import CuePattern

    if not CuePattern.objects.exists():  # a transactional test before this one flushed it
        CuePattern.objects.bulk_create(
            CuePattern(text=e.text, category=e.category, weight=e.weight, kind=e.kind)
            for e in DEFAULT_ENTRIES
        )
    text = "Officials said the ferry would stop.\n\nThe video was purportedly filmed in May."
    article = ingestion.process_article(ingestion.submit_text(text).article.pk)
    assert article.claims.count() == 2
    CuePattern.objects.filter(text__iexact="purportedly").update(enabled=False)

    with CaptureQueriesContext(connection) as queries:
        assert ingestion.redetect(article) == (1, 1)

    statements = [q["sql"] for q in queries.captured_queries]
    first_lock = next(i for i, sql in enumerate(statements) if "pg_advisory_xact_lock" in sql)
    first_row_lock = next(i for i, sql in enumerate(statements) if "FOR UPDATE" in sql)
    assert first_lock < first_row_lock


def submit_at_once(submit, count: int) -> list[tuple[int, bool]]:
    """Call `submit` in `count` threads started together; return (article id, created)."""
    start = threading.Barrier(count)

    def call(_):
        try:
            start.wait(timeout=30)
            submitted = submit()
            return submitted.article.pk, submitted.created
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(call, range(count)))


@pytest.mark.parametrize("kind", ["url", "html"])
def test_one_new_url_submitted_at_once_is_one_article(postgres, kind):
    # A reporter's double click, or two feeds carrying one link: both requests looked for
    # the URL, found nothing and created it, and the page was fetched twice.
    for n in range(6):
        url = f"https://news.example.org/ferry-{kind}-{n}"
        if kind == "url":
            results = submit_at_once(lambda url=url: ingestion.submit_url(url), 4)
        else:
            page = PAGE.format(n=n)
            results = submit_at_once(
                lambda url=url, page=page: ingestion.submit_html(page, url=url), 4
            )
        assert len({article_id for article_id, _ in results}) == 1, results
        assert [created for _, created in results].count(True) == 1
        assert Article.objects.filter(source_url=url).count() == 1


def _advisory_locks() -> list[tuple[str, bool]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode, granted FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid() ORDER BY mode"
        )
        return cursor.fetchall()


def test_an_article_with_thousands_of_distinct_claims_is_stored(postgres):
    # One advisory lock per fingerprint filled PostgreSQL's lock table ("out of shared
    # memory") on an article with 15,000 distinct sentences; it was never stored.
    from django.db import transaction

    from claims import workflow

    fingerprints = {
        detection.fingerprint(f"Officials said dam {n} is safe.") for n in range(15_000)
    }
    with transaction.atomic():
        workflow.lock_fingerprints(fingerprints)
        assert _advisory_locks() == [("ExclusiveLock", True)]  # one lock, held alone
    with transaction.atomic():
        workflow.lock_fingerprints(set(sorted(fingerprints)[:3]))
        assert sorted(_advisory_locks()) == [("ExclusiveLock", True)] * 3 + [("ShareLock", True)]


def test_an_article_with_many_claims_waits_for_the_others_and_they_for_it(postgres):
    from django.db import connections, transaction

    from claims import workflow

    many = {detection.fingerprint(f"Officials said dam {n} is safe.") for n in range(600)}
    few = {detection.fingerprint("The ferry will stop.")}
    holding, go_on = threading.Event(), threading.Event()

    def big_article():
        try:
            with transaction.atomic():
                workflow.lock_fingerprints(many)
                holding.set()
                go_on.wait(timeout=30)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        done = pool.submit(big_article)
        assert holding.wait(timeout=30)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
            with pytest.raises(OperationalError, match="lock timeout"):
                workflow.lock_fingerprints(few)  # a small article waits for the big one
        go_on.set()
        done.result(timeout=30)
    with transaction.atomic():
        workflow.lock_fingerprints(few)  # and goes on once it is done
