"""Take-next under real concurrency on PostgreSQL (SELECT … FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from claims import workflow
from claims.models import Article, Claim, ReviewEvent
from tests.factories import UserFactory

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
