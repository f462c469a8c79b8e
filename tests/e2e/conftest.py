"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import CI

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# set up data are still plain synchronous calls, so Django's async guard can stand down.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _use_a_file_test_database() -> None:
    """Give SQLite a file test database rather than shared-cache memory.

    The live server answers requests on several threads at once (two reviewers pressing
    Take next together); an in-memory shared-cache database fails those with "database
    table is locked" instead of waiting, while a file honours the busy timeout.
    """
    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3" and not settings_dict.get(
        "TEST", {}
    ).get("NAME"):
        name = Path(tempfile.gettempdir()) / f"factcheck-e2e-{os.getpid()}.sqlite3"
        settings_dict.setdefault("TEST", {})["NAME"] = str(name)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # After `-m` deselection: only a run that drives the browser changes the database.
    if any(item.get_closest_marker("e2e") for item in items):
        _use_a_file_test_database()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
PASSWORD = "pass-word-123"  # what tests.factories.UserFactory sets


def _unavailable(reason: str):
    if CI:
        pytest.fail(f"{reason} (CI=true: the browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        _unavailable(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts (separate cookies), closed after the test."""
    contexts = []

    def make():
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def seeded():
    """The rating scale, cue lexicon and role groups (transactional tests flush them)."""
    migration = importlib.import_module("claims.migrations.0002_seed_lexicon_ratings_roles")
    from django.apps import apps

    migration.seed(apps, None)
    from claims import lexicon

    lexicon._cache["stamp"] = None


def login(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/dashboard/")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(VIEWPORT)
    page.screenshot(path=str(SCREENSHOTS / name))
