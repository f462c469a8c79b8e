"""Two web processes count login attempts together when CACHE_URL points at Redis.

Each server here runs one gunicorn process, so which process answers is not left to
chance: with per-process counters each would allow the full rate.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.integration.conftest import ROOT, database_url

# The servers are other processes: they see only what is committed.
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def web_servers(postgres, redis_url):
    cache_url = redis_url.rsplit("/", 1)[0] + "/14"
    import redis

    redis.Redis.from_url(cache_url, socket_timeout=3).flushdb()
    env = {
        **os.environ,
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
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "factcheck.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
        )
        servers.append((process, f"http://127.0.0.1:{port}"))
    try:
        for process, base in servers:
            for _ in range(150):
                assert process.poll() is None, "gunicorn exited"
                try:
                    requests.get(f"{base}/healthz", timeout=5)
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
        yield [base for _, base in servers]
    finally:
        for process, _ in servers:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


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
