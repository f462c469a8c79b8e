"""Settings for Factcheck desk, read from the environment.

With nothing set, the app runs in debug on a SQLite file and Celery tasks run in-process.
A bad value fails at start with ImproperlyConfigured rather than half-working later.
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int, minimum: int = 0, maximum: int = 10**8) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    return _within(name, number, minimum, maximum)


def env_float(name: str, default: float, minimum: float = 0, maximum: float = 10**6) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None
    return _within(name, number, minimum, maximum)


#: The longest span in days, a century: now minus it must still be a date (year 1 or later).
MAX_DAYS = 36_500


def _within(name: str, number, minimum, maximum):
    # The bounds keep now plus or minus every duration a date (and refuse NaN and infinity):
    # MAX_DAYS for days; env_int's default maximum is 3 years as seconds, 190 as minutes;
    # env_float's is 114 years as hours.
    if not minimum <= number <= maximum:
        shown = str(number) if len(str(number)) <= 30 else f"{str(number)[:30]}…"
        raise ImproperlyConfigured(
            f"{name} must be a number from {minimum} to {maximum:,}, got {shown}"
        )
    return number


def env_rate(name: str, default: str) -> str:
    """A throttle rate as DRF reads it: a count, a slash, and second/minute/hour/day."""
    value = os.environ.get(name) or default
    count, _, period = value.partition("/")
    valid_period = period[:1] in ("s", "m", "h", "d") and "/" not in period
    if not (count.isascii() and count.isdigit() and valid_period):
        raise ImproperlyConfigured(f"{name} must look like 600/minute, got {value!r}")
    if int(count) == 0:  # every request refused: for the login rate, everyone locked out
        raise ImproperlyConfigured(f"{name} must allow at least one request, got {value!r}")
    return value


def env_database(name: str, default: str, **options) -> dict:
    """A database as dj-database-url reads its URL; a bad one is named without its password."""
    value = os.environ.get(name) or default
    try:
        return dj_database_url.parse(value, **options)
    except dj_database_url.UnknownSchemeError:
        scheme, has_scheme, _ = value.partition("://")
        why = f"unknown scheme {scheme!r}" if has_scheme else "it has no scheme"
    except ValueError:  # a port that is not a number, a stray character in the password
        why = "it cannot be read as a URL (is the password %-encoded?)"
    raise ImproperlyConfigured(
        f"{name} must look like postgres://user:password@host:5432/name or "
        f"sqlite:///path/to/db.sqlite3: {why}"
    )


def env_redis_url(name: str) -> str:
    """A Redis URL as both Celery's broker and redis-py read it, or "" when unset; a bad one
    is named without its password."""
    value = os.environ.get(name, "")
    if not value:
        return ""
    from redis.connection import parse_url

    scheme, has_scheme, rest = value.partition("://")
    if scheme not in ("redis", "rediss"):
        why = f"unknown scheme {scheme!r}" if has_scheme else "it has no scheme"
        raise ImproperlyConfigured(f"{name} must start with redis:// or rediss://: {why}")
    try:
        parse_url(value)
    except ValueError as exc:  # a port that is not a number, an option that cannot be read
        userinfo = rest.split("/", 1)[0].rpartition("@")[0]
        why = str(exc).replace(userinfo, "…") if userinfo else str(exc)
    else:
        # redis-py takes "/zero" for database 0, Celery's broker fails on every message.
        database = rest.partition("/")[2].partition("?")[0].strip("/")
        if database.isdigit() or not database:
            return value
        why = "the database must be a number, as in /0"
    raise ImproperlyConfigured(f"{name} must look like redis://:password@host:6379/0: {why}")


#: The level names both logging and Celery's --loglevel take (not WARN, FATAL or NOTSET).
LOG_LEVELS = ("CRITICAL", "DEBUG", "ERROR", "INFO", "WARNING")


def env_log_level(name: str, default: str) -> str:
    value = (os.environ.get(name) or default).upper()
    if value not in LOG_LEVELS:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(LOG_LEVELS)}, got {value!r}")
    return value


def env_time_zone(name: str, default: str) -> str:
    value = os.environ.get(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):
        raise ImproperlyConfigured(
            f"{name} must be a time zone name of the tz database, such as Europe/Berlin, "
            f"got {value!r}"
        ) from None
    return value


def env_header(name: str, default: str) -> str:
    """A value sent as an HTTP header: Latin-1 text (what HTTP sends), on one line."""
    value = env_str(name, default)
    if any(ord(char) < 32 and char != "\t" or ord(char) == 127 for char in value):
        raise ImproperlyConfigured(
            f"{name} may not hold control characters (a line break would start another "
            f"header), got {value!r}"
        )
    try:
        value.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise ImproperlyConfigured(
            f"{name} is sent as an HTTP header and HTTP headers are Latin-1: "
            f"{value[exc.start]!r} cannot be sent (write it in ASCII, a hyphen for a dash, "
            f"Z for \u017b), got {value!r}"
        ) from None
    return value


def env_url(name: str, default: str) -> str:
    """An absolute http(s) address, as published in ClaimReview."""
    value = env_str(name, default)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} must be an absolute http(s) address such as https://factcheck.example.org, "
            f"got {value!r}"
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
if not DEBUG and "change-me" in SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the example's placeholder: set a long random string, e.g. the output of "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# Behind HTTPS in production: secure cookies, HSTS, and trust the proxy's scheme header.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True  # pages hand the token to htmx; no script reads the cookie
# A form from before a logout or a new login: explained, with what was typed given back.
CSRF_FAILURE_VIEW = "claims.views.public.csrf_failure"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "claims",
]

MIDDLEWARE = [
    "factcheck.middleware.NulFreeHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "factcheck.middleware.ApiWithoutSlashMiddleware",  # before CommonMiddleware's redirect
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "factcheck.middleware.PrivateResponsesMiddleware",
    "factcheck.middleware.NewsroomTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "factcheck.middleware.AdminSelectionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy: a safety net under the templates' escaping. Scripts only from
# our own static files (htmx, app.js; a JSON-LD block is data, not script); inline style
# attributes are allowed (score bars, rating colours, htmx's indicator style).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:"],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

ROOT_URLCONF = "factcheck.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"

DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Connections are kept for a minute (web threads and worker processes alike) and
        # checked before reuse, rather than opened for every request or task.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A server that takes the connection and never answers (frozen, or cut off by the network)
# would hold a request, /healthz included, for minutes: libpq waits for ever by default.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1, maximum=600)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", DATABASE_CONNECT_TIMEOUT
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A busy timeout and immediate transactions keep concurrent writers (worker + web)
    # from failing with "database is locked"; write-ahead logging lets a long read (a CSV
    # export, a deep page) run without holding up the commits of others (a login).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
# The API, the tasks and the database work in UTC; the pages (the desk, the public reviews,
# the admin) show times and count days in the newsroom's zone
# (factcheck.middleware.NewsroomTimeZoneMiddleware), and so do a ClaimReview's dates.
TIME_ZONE = "UTC"
FACTCHECK_TIME_ZONE = env_time_zone("FACTCHECK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


def _redis_database(url: str) -> tuple | None:
    """Host, port and database number a Redis URL names (unset parts as redis-py reads
    them), so that two spellings of one database compare equal."""
    if not url:
        return None
    from redis.connection import parse_url

    parts = parse_url(url)  # read by env_redis_url already
    return (parts.get("host", "localhost"), parts.get("port", 6379), parts.get("db", 0))


# --- Cache: the rate limits' counters, the dashboard's kept figures ---------------------------
# Unset, each process counts on its own: fine for `make run`, but gunicorn's processes would
# each allow the full rate. CACHE_URL shares the counters in Redis. It must be a database of
# its own: clearing the cache empties its whole Redis database.
# The broker (below); read here, where the cache is compared with it.
REDIS_URL = env_redis_url("REDIS_URL")
CACHE_URL = env_redis_url("CACHE_URL")
if CACHE_URL:
    if _redis_database(CACHE_URL) == _redis_database(REDIS_URL):
        raise ImproperlyConfigured(
            "CACHE_URL must name another Redis database than REDIS_URL (e.g. /1 against /0): "
            "clearing the cache would empty the task queue."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "factcheck",
            # A cache that does not answer costs a request one second at most: the rate
            # limits then let requests through (claims/api/throttles.py).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# --- Celery -------------------------------------------------------------------------------
# No REDIS_URL: tasks run in-process (eagerly), so `make run` needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A message is acknowledged after the task finished, and given back when the worker
# process dies, so a killed worker loses no article. Tasks are idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection before and after every task unless
# this is set (a new PostgreSQL backend per article); with it, the connection lives for
# this many tasks and between tasks Django's own rule applies (CONN_MAX_AGE and health
# checks, through close_old_connections in factcheck/celery.py), as between web requests.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_SOFT_TIME_LIMIT = env_int("FACTCHECK_TASK_SOFT_TIME_LIMIT", 120, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("FACTCHECK_TASK_TIME_LIMIT", 180, minimum=1)
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "FACTCHECK_TASK_SOFT_TIME_LIMIT must be below FACTCHECK_TASK_TIME_LIMIT, or a task is "
        "killed before it can record why it stopped."
    )
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longest countdown before a retry; longer waits belong in the database (beat picks them up).
FACTCHECK_RETRY_MAX_DELAY = env_int("FACTCHECK_RETRY_MAX_DELAY", 300)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the longest task and the longest retry countdown, or Redis would hand
    # the same message out again while it is still running or waiting.
    # Tasks are capped at CELERY_TASK_TIME_LIMIT and retry countdowns at the max delay.
    "visibility_timeout": env_int("FACTCHECK_VISIBILITY_TIMEOUT", 900),
    # Once that timeout has passed, bring back a dead worker's messages within seconds
    # rather than kombu's default of ~100 s (10 s interval × a throttle of 10).
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
    # A broker that takes the connection and never answers (a frozen Redis, a network cut
    # after connecting) would hold a submission, a retry or a feed poll for minutes: redis-py
    # waits for ever by default. Redis answers in milliseconds; the worker's BRPOP asks for
    # a reply within 1 s (kombu's brpop_timeout), below these.
    "socket_connect_timeout": 2,
    "socket_timeout": 3,
}
# Sending a task then gives up within seconds, and the article stays pending with a note
# (claims/tasks.py): one reconnection, for a connection dropped by a Redis restart, with
# this many seconds in all to make it (kombu's default is 5, in a loop of 3 retries).
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= max(
    CELERY_TASK_TIME_LIMIT, FACTCHECK_RETRY_MAX_DELAY
):
    raise ImproperlyConfigured(
        "FACTCHECK_VISIBILITY_TIMEOUT must exceed FACTCHECK_TASK_TIME_LIMIT and "
        "FACTCHECK_RETRY_MAX_DELAY, or Redis hands running tasks out again."
    )
# Beat's work and feed polls have a queue of their own, which every worker reads beside the
# articles' (taking from each in turn): in one queue, a bulk file of thousands of articles
# held every feed poll, lease expiry and sweep until its last article was done.
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Each with its own routing key: left out, Celery binds both with "celery", and every
# article's message went to both queues.
CELERY_TASK_QUEUES = [
    Queue("celery", routing_key="celery"),
    Queue("schedule", routing_key="schedule"),
]
CELERY_TASK_ROUTES = {
    f"claims.tasks.{name}": {"queue": "schedule"}
    for name in (
        "poll_due_feeds",
        "poll_feed",
        "expire_leases",
        "requeue_stale_articles",
        "purge_raw_html",
        "purge_expired_tokens",
    )
}
# A static schedule: beat only ticks; each feed's own interval and back-off live in the
# database (Feed.next_poll_at), so no schedule table needs to be kept in sync.
FACTCHECK_BEAT_TICK_SECONDS = env_float("FACTCHECK_BEAT_TICK_SECONDS", 60.0, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "poll-due-feeds": {
        "task": "claims.tasks.poll_due_feeds",
        "schedule": FACTCHECK_BEAT_TICK_SECONDS,
    },
    "expire-leases": {"task": "claims.tasks.expire_leases", "schedule": 60.0},
    "purge-raw-html": {"task": "claims.tasks.purge_raw_html", "schedule": 3600.0},
    "purge-expired-tokens": {"task": "claims.tasks.purge_expired_tokens", "schedule": 3600.0},
    "requeue-stale-articles": {"task": "claims.tasks.requeue_stale_articles", "schedule": 300.0},
}

# --- Fetching -----------------------------------------------------------------------------
FACTCHECK_FETCH_ALLOW_PRIVATE = env_bool("FACTCHECK_FETCH_ALLOW_PRIVATE", False)
# Narrower than ALLOW_PRIVATE: loopback only, every other private address still refused.
FACTCHECK_FETCH_ALLOW_LOOPBACK = env_bool("FACTCHECK_FETCH_ALLOW_LOOPBACK", False)
FACTCHECK_FETCH_MAX_BYTES = env_int(
    "FACTCHECK_FETCH_MAX_BYTES", 5 * 1024 * 1024, minimum=1024, maximum=10**11
)
# A pasted page may be as large as a fetched one, and JSON escaping can double it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * FACTCHECK_FETCH_MAX_BYTES
# An uploaded file is dropped once past its limit, before it reaches the disk in full.
FILE_UPLOAD_HANDLERS = [
    "claims.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FACTCHECK_FETCH_TIMEOUT = env_float("FACTCHECK_FETCH_TIMEOUT", 15.0, minimum=0.1)
# An article still pending after this long is queued again (its message was lost).
FACTCHECK_STALE_PENDING_MINUTES = env_int("FACTCHECK_STALE_PENDING_MINUTES", 30)
# New entries one feed poll takes; the rest wait for the next poll, a minute later.
FACTCHECK_FEED_MAX_NEW_ENTRIES = env_int("FACTCHECK_FEED_MAX_NEW_ENTRIES", 500, minimum=1)
# Days to keep the fetched HTML of an article (0: do not keep it at all).
FACTCHECK_RAW_HTML_RETENTION_DAYS = env_int(
    "FACTCHECK_RAW_HTML_RETENTION_DAYS", 30, maximum=MAX_DAYS
)
FACTCHECK_FETCH_USER_AGENT = env_header(
    "FACTCHECK_FETCH_USER_AGENT", "FactcheckDesk/1.0 (+https://factcheck.example.org)"
)

# --- Review workflow ----------------------------------------------------------------------
FACTCHECK_LEASE_MINUTES = env_int("FACTCHECK_LEASE_MINUTES", 30, minimum=1)
# An API token older than this stops working (0: never); asking again gives a new one.
FACTCHECK_TOKEN_DAYS = env_int("FACTCHECK_TOKEN_DAYS", 90, maximum=MAX_DAYS)
FACTCHECK_EDITOR_MAY_PUBLISH_OWN = env_bool("FACTCHECK_EDITOR_MAY_PUBLISH_OWN", False)
FACTCHECK_ORGANIZATION_NAME = env_str("FACTCHECK_ORGANIZATION_NAME", "Factcheck desk")
FACTCHECK_ORGANIZATION_URL = env_url("FACTCHECK_ORGANIZATION_URL", "https://factcheck.example.org")
FACTCHECK_PUBLIC_BASE_URL = env_url("FACTCHECK_PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "claims.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "claims.api.negotiation.FormatNegotiation",
    "DEFAULT_THROTTLE_RATES": {
        "writes": env_rate("FACTCHECK_WRITE_THROTTLE", "600/minute"),
        "login": env_rate("FACTCHECK_LOGIN_THROTTLE", "30/minute"),
    },
    "EXCEPTION_HANDLER": "claims.api.errors.exception_handler",
    # The client's address: REMOTE_ADDR, or behind the proxy the last X-Forwarded-For
    # entry (None would take the whole header, which the client writes).
    "NUM_PROXIES": 1 if BEHIND_TLS_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Factcheck desk API",
    "DESCRIPTION": "Ingest articles, review flagged claims, publish ClaimReview.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get their own components, which say what the server refuses: a
    # blank reason, summary or text (minLength 1), read-only fields left out.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claims.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.models.Claim.Status",
        "ArticleStatusEnum": "claims.models.Article.Status",
    },
    # Swagger UI's files come from the sidecar package, served locally: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Login lockout (django-axes) ----------------------------------------------------------
AXES_FAILURE_LIMIT = env_int("FACTCHECK_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_float("FACTCHECK_LOGIN_COOLOFF_HOURS", 0.25)
if AXES_COOLOFF_TIME < 1 / 60:  # axes lifts a lockout this much after it began
    raise ImproperlyConfigured(
        "FACTCHECK_LOGIN_COOLOFF_HOURS must be at least one minute (0.017 hours): a lockout "
        f"that ends as it begins is no lockout, got {AXES_COOLOFF_TIME:g}"
    )
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "claims.api.errors.lockout_response"
# The same address as the rate limits: behind the proxy, REMOTE_ADDR is the proxy's for
# everyone, and five wrong passwords from anyone would lock the account out for all.
AXES_CLIENT_IP_CALLABLE = "claims.api.throttles.client_address"

# One line per record, with its time, level and logger, in the web processes and commands;
# the worker and beat log as Celery sets them up, at the --loglevel compose gives from
# LOG_LEVEL, in the same shape.
LOG_LEVEL = env_log_level("LOG_LEVEL", "INFO")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CELERY_WORKER_LOG_FORMAT = "%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": LOG_FORMAT}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers (its console with DEBUG on, runserver's requests) printed
        # each record beside ours: its records go through ours alone, at LOG_LEVEL.
        "django": {"handlers": [], "level": LOG_LEVEL},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "axes": {"level": "WARNING"},
    },
}
