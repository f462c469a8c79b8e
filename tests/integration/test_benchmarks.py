"""The benchmarks' fills follow the schema: a column added without them broke
bench/queue_speed.py's COPY (the article's note), which no other test runs."""

from __future__ import annotations

import pytest
from django.db import connection

from claims.models import Article, Claim
from tests.integration.conftest import ROOT


@pytest.fixture
def queue_speed(monkeypatch):
    """bench/queue_speed.py, filling the test database instead of its own."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import queue_speed

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    monkeypatch.setattr(queue_speed, "database_url", lambda: url)
    return queue_speed


@pytest.mark.django_db(transaction=True)
def test_the_queue_benchmark_fills_the_current_schema(queue_speed):
    queue_speed.fill(claims=40, articles=4)

    assert Article.objects.count() == 4 and Claim.objects.count() == 40


@pytest.mark.django_db(transaction=True)
def test_a_small_queue_benchmark_leaves_claims_to_take_after_its_head_is_taken(queue_speed):
    # Taking 100,000 from a fill of 20,000 emptied the queue, and the second round's first
    # take-next failed its assertion.
    from django.contrib.auth.models import User

    queue_speed.fill(claims=40, articles=4)
    reviewer = User.objects.create(username="bench0")

    taken = queue_speed.take_from_head(claims=40, reviewer_id=reviewer.pk)

    assert taken == 20
    assert Claim.objects.filter(status="in_review", assignee=reviewer).count() == 20
    assert Claim.objects.filter(status="new").count() == 20
