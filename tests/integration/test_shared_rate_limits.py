"""Two web processes count login attempts together when CACHE_URL points at Redis.

Each server here runs one gunicorn process, so which process answers is not left to
chance: with per-process counters each would allow the full rate.
"""

from __future__ import annotations

import sys

import pytest
import requests

from tests.integration.conftest import database_url, free_port, start_http_process, stop_process

# The servers are other processes: they see only what is committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def web_servers(postgres, redis_url):
    # Another database than the broker's (the app refuses to start with the same one).
    base, broker_db = redis_url.rsplit("/", 1)
    cache_url = f"{base}/{14 if broker_db != '14' else 13}"
    import redis

    redis.Redis.from_url(cache_url, socket_timeout=3).flushdb()
    env = {
        "DATABASE_URL": database_url(postgres),
        "REDIS_URL": redis_url,
        "CACHE_URL": cache_url,
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "FACTCHECK_LOGIN_THROTTLE": "3/minute",
        "LOG_LEVEL": "WARNING",
    }
    servers = []
    try:
        for _ in range(2):
            base = f"http://127.0.0.1:{free_port()}"
            command = [sys.executable, "-m", "gunicorn", "factcheck.wsgi:application"]
            command += ["--bind", base[7:], "--workers", "1", "--log-level", "warning"]
            servers.append((start_http_process(command, env, f"{base}/healthz"), base))
        yield [base for _, base in servers]
    finally:
        for process, _ in servers:
            stop_process(process)


def test_login_attempts_are_counted_across_web_processes(web_servers):
    first, second = web_servers
    assert requests.get(f"{first}/healthz", timeout=5).json()["cache"] == "ok"
    codes = [
        requests.post(
            f"{base}/api/v1/auth/token/",
            json={"username": f"spray{n}", "password": "Winter2026!"},
            timeout=10,
        ).status_code
        for n, base in enumerate([first, second, first, second])
    ]
    assert codes == [400, 400, 400, 429]
