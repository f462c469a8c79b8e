"""Flower, the optional worker monitor of the compose file, behind its login."""

from __future__ import annotations

import sys

import pytest
import requests

from tests.integration.conftest import (
    database_url,
    free_port,
    start_http_process,
    stop_process,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_flower_shows_the_running_worker_to_its_login_only(worker, postgres, redis_url):
    base = f"http://127.0.0.1:{free_port()}"
    command = [sys.executable, "-m", "celery", "-A", "factcheck", "flower"]
    command += ["--address=127.0.0.1", f"--port={base.rsplit(':', 1)[1]}"]
    env = {
        "DATABASE_URL": database_url(postgres),
        "REDIS_URL": redis_url,
        "FLOWER_BASIC_AUTH": "ops:monitor-pass",  # as .env.example sets it
    }
    flower = start_http_process(command, env, base)
    try:
        assert requests.get(f"{base}/api/workers", timeout=10).status_code == 401
        login = ("ops", "monitor-pass")

        def workers():
            answer = requests.get(f"{base}/api/workers?refresh=1", auth=login, timeout=10)
            assert answer.status_code == 200
            return answer.json()

        found = wait_for(workers, timeout=30, what="Flower to list the worker")
        assert any(name.startswith(f"{worker.name}@") for name in found)
    finally:
        stop_process(flower)
