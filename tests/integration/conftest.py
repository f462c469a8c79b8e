"""Real services for the integration tests: PostgreSQL, Redis and a Celery worker.

Run through `make integration` (DATABASE_URL and REDIS_URL set). Under CI=true a missing
service fails the tests; elsewhere it skips them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CI, unavailable

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    here = [item for item in items if Path(str(item.fspath)).is_relative_to(Path(__file__).parent)]
    for item in here:
        item.add_marker(pytest.mark.integration)
    # Decided before any fixture runs: pytest-django would otherwise try to create the
    # test database first and fail with a connection error instead of a clear skip.
    missing = _missing_services()
    if here and missing and not CI:
        for item in here:
            item.add_marker(pytest.mark.skip(reason=f"{missing} (CI=true makes this a failure)"))


def _missing_services() -> str:
    return _missing_postgres() or _missing_redis()


def _missing_postgres() -> str:
    """Why PostgreSQL cannot be used, or "" when it can."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL does not point at PostgreSQL (run `make integration`)"
    import psycopg

    try:
        psycopg.connect(
            host=database["HOST"] or "127.0.0.1",
            port=database["PORT"] or 5432,
            user=database["USER"],
            password=database["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as exc:
        return f"PostgreSQL is not reachable: {exc}"
    return ""


def _missing_redis() -> str:
    """Why Redis cannot be used, or "" when it can."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return "REDIS_URL is not set (run `make integration`)"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis is not reachable at {settings.REDIS_URL}: {exc}"
    return ""


@pytest.fixture(scope="session")
def postgres(request):
    from django.conf import settings

    if missing := _missing_postgres():
        unavailable(missing)
    request.getfixturevalue("django_db_setup")
    return settings.DATABASES["default"]


@pytest.fixture(scope="session")
def redis_url():
    from django.conf import settings

    if missing := _missing_redis():
        unavailable(missing)
    import redis

    # Leftover messages from an earlier run would be picked up by our worker.
    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=3).flushdb()
    return settings.REDIS_URL


def database_url(database: dict) -> str:
    from django.db import connection

    user = database["USER"] or "postgres"
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    host = database["HOST"] or "127.0.0.1"
    port = database["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{connection.settings_dict['NAME']}"


class Worker:
    """A `celery worker` process against the test database and Redis."""

    def __init__(
        self, database: dict, redis_url: str, concurrency: int = 2, name: str = "w1", **env: str
    ):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(database),
            "REDIS_URL": redis_url,
            "FACTCHECK_FETCH_ALLOW_PRIVATE": "1",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.name = name
        self.concurrency = concurrency
        self.log = Path(f"/tmp/factcheck-test-worker-{name}-{os.getpid()}-{time.time_ns()}.log")
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Worker:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "--pool=prefork",
                f"--hostname={self.name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a test can kill it whole
        )
        from factcheck.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            replies = app.control.ping(timeout=1.0)
            if any(self.name in name for reply in replies for name in reply):
                return self
        self.stop()
        unavailable(f"The Celery worker did not start; its log:\n{self.log.read_text()[-3000:]}")
        return self

    def children(self) -> list[int]:
        """The pool's child processes (those that run the tasks)."""
        output = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in output.split()]

    def kill_all(self) -> None:
        """SIGKILL the worker and its children at once, as a crashed machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def worker(postgres, redis_url):
    running = Worker(postgres, redis_url).start()
    yield running
    running.stop()


@pytest.fixture
def workers(postgres, redis_url):
    """Start workers with custom settings: workers(concurrency=1, **env)."""
    started = []

    def start(concurrency: int = 1, **env: str) -> Worker:
        name = f"w{len(started) + 1}"
        started.append(Worker(postgres, redis_url, concurrency=concurrency, name=name, **env))
        return started[-1].start()

    yield start
    for running in started:
        running.stop()


class Beat:
    """A `celery beat` process ticking every `tick` seconds."""

    def __init__(self, database: dict, redis_url: str, tick: float, tmp_path: Path):
        self.log = tmp_path / "beat.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(database),
            "REDIS_URL": redis_url,
            "FACTCHECK_BEAT_TICK_SECONDS": str(tick),
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "beat",
                "--loglevel=INFO",
                f"--schedule={tmp_path / 'beat-schedule'}",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def beat(postgres, redis_url, tmp_path):
    running = Beat(postgres, redis_url, tick=1.0, tmp_path=tmp_path)
    yield running
    running.stop()


def wait_for(predicate, timeout: float = 60, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_http_process(args: list[str], env: dict[str, str], url: str) -> subprocess.Popen:
    """Start a server process (gunicorn, Flower) in the project and wait until `url`
    answers at all; stop it with stop_process."""
    import requests

    process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{args[:4]} exited with {process.returncode}")
        try:
            requests.get(url, timeout=5)
            return process
        except requests.ConnectionError:
            time.sleep(0.2)
    stop_process(process)
    raise AssertionError(f"{args[:4]} did not answer at {url} within 30 s")


def stop_process(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
