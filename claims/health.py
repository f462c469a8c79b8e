"""Liveness and readiness: the database, and the broker when one is configured.

The cache (CACHE_URL) is reported but does not make the app unavailable: without it the
rate limits let requests through and the login lockout, in the database, still holds.

The page is public (load balancers ask it), so a failure says only "error"; its reason,
which can name hosts and database users, goes to the log: one line per check, without a
traceback, since a load balancer asks every few seconds all through an outage.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

log = logging.getLogger(__name__)


def _down(what: str, exc: Exception) -> str:
    # The driver's message, on one line (PostgreSQL's can span several): it says why.
    log.warning("Health check: %s is unreachable: %s", what, " ".join(str(exc).split()))
    return "error"


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # any failure means "down"
        return _down("the database", exc)


def _check_broker() -> str:
    if not settings.REDIS_URL:
        return "in-process"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
        return "ok"
    except Exception as exc:
        return _down("the broker", exc)


def _check_cache() -> str:
    if not settings.CACHE_URL:
        return "per-process"
    from django.core.cache import cache

    try:
        cache.get("healthz")
        return "ok"
    except Exception as exc:
        return _down("the cache", exc)


def healthz(request):
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = "error" not in checks.values()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks, "cache": _check_cache()},
        status=200 if healthy else 503,
    )
