"""Take-next under real concurrency on PostgreSQL (SELECT … FOR UPDATE SKIP LOCKED): every
claim handed out once, and a queue whose claims are locked for a moment not called empty."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from claims import workflow
from claims.models import Article, Claim, ReviewEvent
from tests.factories import ClaimFactory, UserFactory
from tests.integration.test_review_races import in_thread

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, CALLS, CLAIMS = 20, 50, 1000


def test_it_hands_out_every_claim_at_most_once_and_loses_none(postgres):
    article = Article.objects.create(title="Queue", text="x" * 10, status="processed")
    Claim.objects.bulk_create(
        Claim(
            article=article,
            text=f"Claim {i}",
            start=i,
            end=i + 1,
            score=0.5,
            priority=(i % 97) / 97,
            category="attributed",
            fingerprint=f"fp{i}",
        )
        for i in range(CLAIMS)
    )
    reviewers = [UserFactory(username=f"r{i}", role="reviewer") for i in range(THREADS)]

    def work(reviewer):
        try:
            return [workflow.claim_take_next(reviewer=reviewer) for _ in range(CALLS)]
        finally:
            connection.close()

    with ThreadPoolExecutor(THREADS) as pool:
        results = [claim for batch in pool.map(work, reviewers) for claim in batch]

    taken = [claim.pk for claim in results if claim is not None]
    assert len(taken) == CLAIMS
    assert Counter(taken).most_common(1)[0][1] == 1
    assert Claim.objects.filter(status="new").count() == 0
    assert Claim.objects.filter(assignee__isnull=True).count() == 0
    # The database agrees with what each thread was told.
    owners = dict(Claim.objects.values_list("pk", "assignee_id"))
    assert all(owners[claim.pk] == claim.assignee_id for claim in results if claim)
    assert ReviewEvent.objects.filter(action="take").count() == CLAIMS


@pytest.mark.parametrize("of_article", [True, False])
def test_a_claim_locked_for_a_moment_is_still_handed_out(postgres, of_article):
    reviewer = UserFactory(username="alice", role="reviewer")
    editor = UserFactory(username="erin", role="editor")
    claim = ClaimFactory()
    bumping = threading.Event()

    def bump_and_answer():  # an editor's bump (or detection run again) holds the row
        with transaction.atomic():
            workflow.claim_bump(claim=claim, actor=editor, amount=0.5)
            bumping.set()
            time.sleep(0.2)

    editing, edit = in_thread(bump_and_answer)
    assert bumping.wait(10)
    taken = workflow.claim_take_next(
        reviewer=reviewer, article=claim.article_id if of_article else None
    )
    editing.join()

    assert "error" not in edit, edit
    assert taken is not None and taken.pk == claim.pk


def test_a_claim_locked_for_long_is_not_waited_for_long(postgres):
    reviewer = UserFactory(username="alice", role="reviewer")
    claim = ClaimFactory()
    locked, answer = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            Claim.objects.select_for_update().get(pk=claim.pk)
            locked.set()
            answer.wait(10)

    holding, _ = in_thread(hold)
    assert locked.wait(10)
    started = time.monotonic()
    taken = workflow.claim_take_next(reviewer=reviewer, article=claim.article_id)
    waited = time.monotonic() - started
    answer.set()
    holding.join()

    assert taken is None
    assert waited < 1.0
