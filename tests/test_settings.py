"""The settings module refuses bad environment values at start, naming the variable."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parent.parent / "factcheck" / "settings.py"


def load_settings(monkeypatch, **environ):
    for name in ("REDIS_URL", "DATABASE_URL", "CACHE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    # A fresh copy of the module: the running Django keeps its own settings.
    spec = importlib.util.spec_from_file_location("settings_under_test", SETTINGS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("FACTCHECK_WRITE_THROTTLE", "bogus", "must look like 600/minute"),
        ("FACTCHECK_WRITE_THROTTLE", "10/fortnight", "must look like 600/minute"),
        ("FACTCHECK_LOGIN_THROTTLE", "/minute", "must look like 600/minute"),
        ("FACTCHECK_WRITE_THROTTLE", "600/minute/x", "must look like 600/minute"),
        # Taken, and then every login (or write) was a 429, right password or not.
        ("FACTCHECK_LOGIN_THROTTLE", "0/minute", "must allow at least one request"),
        ("FACTCHECK_WRITE_THROTTLE", "00/hour", "must allow at least one request"),
        ("LOG_LEVEL", "bogus", "must be one of CRITICAL, DEBUG"),
        # Celery's --loglevel (compose passes LOG_LEVEL) refuses it: no worker would start.
        ("LOG_LEVEL", "warn", "must be one of CRITICAL, DEBUG, ERROR, INFO, WARNING,"),
        ("FACTCHECK_LEASE_MINUTES", "-5", "from 1 to"),
        ("FACTCHECK_LEASE_MINUTES", "0", "from 1 to"),
        ("FACTCHECK_LOGIN_COOLOFF_HOURS", "-1", "from 0 to"),
        ("FACTCHECK_LOGIN_COOLOFF_HOURS", "nan", "from 0 to"),
        # Taken: a lockout that ends as it starts, no lockout at all.
        ("FACTCHECK_LOGIN_COOLOFF_HOURS", "0", "at least one minute"),
        ("FACTCHECK_LOGIN_COOLOFF_HOURS", "0.001", "at least one minute"),
        ("FACTCHECK_LOGIN_COOLOFF_HOURS", "inf", "from 0 to"),
        ("FACTCHECK_RAW_HTML_RETENTION_DAYS", "-1", "from 0 to"),
        ("FACTCHECK_LOGIN_FAILURE_LIMIT", "0", "from 1 to"),
        ("FACTCHECK_BEAT_TICK_SECONDS", "0", "from 1 to"),
        ("FACTCHECK_FETCH_TIMEOUT", "0", "from 0.1 to"),
        ("FACTCHECK_TASK_SOFT_TIME_LIMIT", "500", "must be below FACTCHECK_TASK_TIME_LIMIT"),
        ("FACTCHECK_LEASE_MINUTES", "9" * 400, "from 1 to 100,000,000"),
        ("FACTCHECK_LOGIN_COOLOFF_HOURS", "1e300", "from 0 to 1,000,000"),
        # Passed, then every token request was a 500 and the hourly purges raised.
        ("FACTCHECK_TOKEN_DAYS", "1000000", "from 0 to 36,500"),
        ("FACTCHECK_RAW_HTML_RETENTION_DAYS", "740000", "from 0 to 36,500"),
        ("DATABASE_URL", "postgress://postgres@127.0.0.1/desk", "unknown scheme 'postgress'"),
        ("DATABASE_URL", "notaurl", "must look like postgres://user:password@host:5432/name"),
        ("DATABASE_URL", "postgres://db:notaport/desk", "cannot be read"),
        ("REDIS_URL", "notaurl", "must start with redis://"),
        ("REDIS_URL", "unix:///run/redis.sock", "must start with redis://"),
        ("CACHE_URL", "memcached://127.0.0.1:11211", "must start with redis://"),
        # Taken, then every submission was a 500 and the article stayed pending, no note.
        ("REDIS_URL", "redis://127.0.0.1:abc/0", "Port could not be cast to integer"),
        ("REDIS_URL", "redis://127.0.0.1:99999/0", "Port out of range"),
        ("REDIS_URL", "redis://redis:6379/zero", "the database must be a number"),
        ("CACHE_URL", "redis://redis:abc/1", "Port could not be cast to integer"),
        ("FACTCHECK_TIME_ZONE", "Mars/Olympus_Mons", "must be a time zone name"),
        # Taken, and published in every ClaimReview as a relative address.
        ("FACTCHECK_PUBLIC_BASE_URL", "factcheck.example.org", "must be an absolute http"),
        ("FACTCHECK_ORGANIZATION_URL", "www.example.org/about", "must be an absolute http"),
        ("FACTCHECK_ORGANIZATION_URL", "https://", "must be an absolute http"),
        ("FACTCHECK_PUBLIC_BASE_URL", "ftp://factcheck.example.org", "must be an absolute http"),
        ("DATABASE_CONNECT_TIMEOUT", "0", "from 1 to"),  # 0: libpq waits for ever
        # Taken, then every fetch failed as "it redirects to an invalid address".
        ("FACTCHECK_FETCH_USER_AGENT", "Gazette \u2014 fact desk", "HTTP headers are Latin-1"),
        ("FACTCHECK_FETCH_USER_AGENT", "Redakcja \u017burnal", "HTTP headers are Latin-1"),
        ("FACTCHECK_FETCH_USER_AGENT", "Desk/1.0\r\nX-Forwarded-For: 10.0.0.1", "control"),
        ("FACTCHECK_TIME_ZONE", "../etc/passwd", "must be a time zone name"),
    ],
)
def test_a_bad_value_stops_the_app_naming_the_variable(monkeypatch, name, value, message):
    with pytest.raises(ImproperlyConfigured, match=message) as refused:
        load_settings(monkeypatch, **{name: value})
    assert name in str(refused.value)


@pytest.mark.parametrize("key", ["change-me-to-a-long-random-string", " change-me "])
def test_the_env_examples_secret_key_is_refused_in_production(monkeypatch, key):
    # Published with the project: anyone could sign sessions and reset tokens with it.
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is the example's placeholder"):
        load_settings(monkeypatch, DEBUG="0", SECRET_KEY=key)
    development = load_settings(monkeypatch, DEBUG="1", SECRET_KEY=key)
    assert "change-me" in development.SECRET_KEY  # taken while developing


def test_a_bad_database_url_is_not_shown_with_its_password(monkeypatch):
    with pytest.raises(ImproperlyConfigured) as refused:
        load_settings(monkeypatch, DATABASE_URL="postgress://desk:s3cret@db/desk")
    assert "s3cret" not in str(refused.value)


@pytest.mark.parametrize("name", ["REDIS_URL", "CACHE_URL"])
def test_a_bad_redis_url_is_not_shown_with_its_password(monkeypatch, name):
    with pytest.raises(ImproperlyConfigured) as refused:
        load_settings(monkeypatch, **{name: "redis://:s3cret@redis:abc/1"})
    assert str(refused.value).startswith(name) and "s3cret" not in str(refused.value)
    with pytest.raises(ImproperlyConfigured) as refused:
        load_settings(monkeypatch, **{name: "memcached://desk:s3cret@cache:11211"})
    assert str(refused.value).startswith(name) and "s3cret" not in str(refused.value)


def test_good_values_are_taken(monkeypatch):
    loaded = load_settings(
        monkeypatch,
        FACTCHECK_WRITE_THROTTLE="20/hour",
        LOG_LEVEL="warning",
        FACTCHECK_LEASE_MINUTES="45",
        REDIS_URL="redis://127.0.0.1:6379/3",
        FACTCHECK_RAW_HTML_RETENTION_DAYS="0",
        FACTCHECK_TIME_ZONE="Europe/Oslo",
    )
    assert loaded.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["writes"] == "20/hour"
    assert loaded.LOGGING["root"]["level"] == "WARNING"
    assert loaded.FACTCHECK_LEASE_MINUTES == 45
    assert loaded.CELERY_BROKER_URL == "redis://127.0.0.1:6379/3"
    assert loaded.FACTCHECK_RAW_HTML_RETENTION_DAYS == 0
    assert loaded.FACTCHECK_TIME_ZONE == "Europe/Oslo"
    assert loaded.TIME_ZONE == "UTC"  # what the API, the tasks and the database work in


@pytest.mark.parametrize(
    ("broker", "cache"),
    [
        ("redis://redis:6379/0", "redis://redis:6379/0/"),
        ("redis://redis:6379/0", "redis://redis:6379"),  # no number: database 0
        ("redis://redis:6379", "redis://REDIS/0"),  # host names are not case-sensitive
        ("redis://redis:6379/2", "redis://redis:6379?db=2"),
    ],
)
def test_the_cache_may_not_share_the_brokers_redis_database(monkeypatch, broker, cache):
    # Clearing the cache flushes its Redis database, which would drop every queued task.
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must name another Redis database"):
        load_settings(monkeypatch, REDIS_URL=broker, CACHE_URL=cache)


def test_rate_limits_count_in_redis_with_a_cache_url(monkeypatch):
    assert "CACHES" not in vars(load_settings(monkeypatch))  # Django's per-process default
    loaded = load_settings(
        monkeypatch, REDIS_URL="redis://redis:6379/0", CACHE_URL="redis://redis:6379/1"
    )
    cache = loaded.CACHES["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://redis:6379/1"


def test_a_postgresql_server_that_never_answers_is_given_up_on_in_seconds(
    monkeypatch, django_db_blocker
):
    # A database that takes the connection and never answers (a frozen server, a network
    # cut) held /healthz, and every request, for as long as the kernel kept the socket.
    import socket
    import threading
    import time

    from django.db import OperationalError
    from django.db.utils import ConnectionHandler

    listener = socket.create_server(("127.0.0.1", 0))
    release = threading.Timer(60, listener.close)  # resets the waiting connection
    release.start()
    port = listener.getsockname()[1]
    loaded = load_settings(monkeypatch, DATABASE_URL=f"postgres://desk@127.0.0.1:{port}/desk")
    database = ConnectionHandler({"default": loaded.DATABASES["default"]})["default"]
    started = time.monotonic()
    try:
        with django_db_blocker.unblock(), pytest.raises(OperationalError):
            database.ensure_connection()
        assert time.monotonic() - started < 10
    finally:
        release.cancel()
        listener.close()
        database.close()

    assert (
        load_settings(
            monkeypatch,
            DATABASE_URL="postgres://desk@db/desk",
            DATABASE_CONNECT_TIMEOUT="12",
        ).DATABASES["default"]["OPTIONS"]["connect_timeout"]
        == 12
    )


def test_each_log_record_is_one_line_with_its_time_level_and_logger(monkeypatch, settings, capsys):
    # With DEBUG on, Django's own handler printed each django.* record a second time; the
    # app's records were their message alone, without time, level or logger.
    import logging
    import re

    from django.utils.log import configure_logging

    settings.DEBUG = True  # Django's console handler prints only then
    try:
        configure_logging("logging.config.dictConfig", load_settings(monkeypatch).LOGGING)
        logging.getLogger("django.request").warning("Not Found: /nowhere")
        logging.getLogger("claims.tasks").warning("Article 1 stays pending")
        logging.getLogger("django.request").debug("below LOG_LEVEL")
    finally:
        configure_logging("logging.config.dictConfig", settings.LOGGING)

    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2, lines
    stamp = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING "
    assert re.match(stamp + r"django\.request: Not Found: /nowhere$", lines[0]), lines[0]
    assert re.match(stamp + r"claims\.tasks: Article 1 stays pending$", lines[1]), lines[1]


def test_a_sqlite_database_file_uses_write_ahead_logging(monkeypatch, tmp_path, django_db_blocker):
    from django.db.utils import ConnectionHandler

    path = tmp_path / "desk.sqlite3"
    loaded = load_settings(monkeypatch, DATABASE_URL=f"sqlite:///{path}")
    database = ConnectionHandler({"default": loaded.DATABASES["default"]})["default"]
    try:
        with django_db_blocker.unblock(), database.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        database.close()


@pytest.mark.django_db
def test_the_longest_durations_taken_give_dates_the_app_can_work_with(monkeypatch, settings):
    from claims import tasks, workflow
    from claims.api.authentication import token_cutoff

    loaded = load_settings(
        monkeypatch,
        FACTCHECK_TOKEN_DAYS="36500",
        FACTCHECK_RAW_HTML_RETENTION_DAYS="36500",
        FACTCHECK_LEASE_MINUTES=str(10**8),
        FACTCHECK_STALE_PENDING_MINUTES=str(10**8),
    )
    for name in (
        "FACTCHECK_TOKEN_DAYS",
        "FACTCHECK_RAW_HTML_RETENTION_DAYS",
        "FACTCHECK_LEASE_MINUTES",
        "FACTCHECK_STALE_PENDING_MINUTES",
    ):
        setattr(settings, name, getattr(loaded, name))
    assert token_cutoff() is not None and workflow._lease_end() is not None
    assert tasks.purge_expired_tokens() == tasks.purge_raw_html() == 0
    assert tasks.requeue_stale_articles() == 0
