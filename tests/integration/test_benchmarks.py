"""The benchmarks' fills follow the schema: a column added without them broke
bench/queue_speed.py's COPY (the article's note), which no other test runs."""

from __future__ import annotations

import pytest
from django.db import connection

from claims.models import Article, Claim
from tests.integration.conftest import ROOT


@pytest.mark.django_db(transaction=True)
def test_the_queue_benchmark_fills_the_current_schema(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import queue_speed

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    monkeypatch.setattr(queue_speed, "database_url", lambda: url)

    queue_speed.fill(claims=40, articles=4)

    assert Article.objects.count() == 4 and Claim.objects.count() == 40
