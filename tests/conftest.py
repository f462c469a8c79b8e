from __future__ import annotations

import os

import pytest

from tests.http_server import LocalServer

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def server():
    with LocalServer() as local:
        yield local


@pytest.fixture
def tls_server(monkeypatch, tmp_path):
    """The local server over HTTPS, with its certificate authority trusted by requests."""
    import trustme

    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    with LocalServer(tls=authority) as local:
        yield local


@pytest.fixture
def allow_private(settings):
    """Let the fetch guard through to 127.0.0.1, where the test server runs."""
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True


def unavailable(reason: str):
    """Under CI a missing service is a failure, locally a skip."""
    if CI:
        pytest.fail(f"{reason} (CI=true: integration tests must run)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()


# Named users shared by the tests: alice and bob review, erin and ed edit.
@pytest.fixture
def alice(db):
    from tests.factories import UserFactory

    return UserFactory(username="alice", role="reviewer")


@pytest.fixture
def bob(db):
    from tests.factories import UserFactory

    return UserFactory(username="bob", role="reviewer")


@pytest.fixture
def erin(db):
    from tests.factories import UserFactory

    return UserFactory(username="erin", role="editor")


@pytest.fixture
def ed(db):
    from tests.factories import UserFactory

    return UserFactory(username="ed", role="editor")


@pytest.fixture
def nobody(db):
    from tests.factories import UserFactory

    return UserFactory(username="nobody")
