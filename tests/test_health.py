import pytest

pytestmark = pytest.mark.django_db


def test_it_reports_healthy_without_a_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "in-process",
        "cache": "per-process",
    }


def test_it_answers_503_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["database"] == "ok"


def test_it_answers_503_when_the_database_is_down(client, monkeypatch, caplog):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("no such database")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    # A public page: the reason (hosts, database users) goes to the log, not to visitors.
    assert response.json()["database"] == "error"
    assert "no such database" in caplog.text


def test_an_unreachable_cache_is_reported_but_leaves_the_app_up(client, settings, caplog):
    # Without the cache the rate limits let requests through; the lockout is in the database.
    settings.CACHE_URL = "redis://127.0.0.1:9/1"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CACHE_URL,
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "error"
    assert "the cache is unreachable" in caplog.text


def test_it_logs_one_line_without_a_traceback_per_check_that_fails(client, settings, caplog):
    # A load balancer asks every few seconds: during a Redis restart each answer logged two
    # full tracebacks (broker and cache), some ninety lines, burying everything else.
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    settings.CACHE_URL = "redis://127.0.0.1:9/1"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CACHE_URL,
        }
    }
    client.get("/healthz")
    failures = [r for r in caplog.records if r.name == "claims.health"]
    assert [r.getMessage().split(":")[0] for r in failures] == [
        "Health check",
        "Health check",
    ]
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in failures)
    assert "Connection refused" in failures[0].getMessage()
