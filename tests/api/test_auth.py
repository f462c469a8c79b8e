from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from claims.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_exchanges_a_password_for_a_token_that_works():
    UserFactory(username="rita", role="reviewer")
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "rita", "password": "pass-word-123"}, format="json"
    )
    assert response.status_code == 200 and len(response.data["token"]) == 40
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    assert client.get("/api/v1/claims/").status_code == 200


def test_it_rejects_wrong_credentials_with_a_message():
    UserFactory(username="rita", role="reviewer")
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "rita", "password": "nope"}, format="json"
    )
    assert response.status_code == 400 and "non_field_errors" in response.data
    assert APIClient().post("/api/v1/auth/token/", {}, format="json").data.keys() == {
        "username",
        "password",
    }


def test_it_locks_out_after_repeated_failures(settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="rita", role="reviewer")
    client = APIClient()
    for _ in range(3):
        client.post("/api/v1/auth/token/", {"username": "rita", "password": "bad"}, format="json")
    locked = client.post(
        "/api/v1/auth/token/", {"username": "rita", "password": "pass-word-123"}, format="json"
    )
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.json()["detail"]


def test_a_lockout_says_when_to_try_again(settings, client):
    # A throttled request had Retry-After, a locked-out login only a sentence: a client
    # could not tell when to log in again without parsing English.
    settings.AXES_FAILURE_LIMIT = 1
    settings.AXES_COOLOFF_TIME = 0.25
    UserFactory(username="rita", role="reviewer", is_staff=True)
    api = APIClient()
    api.post("/api/v1/auth/token/", {"username": "rita", "password": "bad"}, format="json")
    locked = api.post(
        "/api/v1/auth/token/", {"username": "rita", "password": "pass-word-123"}, format="json"
    )
    assert locked.status_code == 429 and locked["Retry-After"] == "900"
    page = client.post("/login/", {"username": "rita", "password": "pass-word-123"})
    assert page.status_code == 429 and page["Retry-After"] == "900"


def test_it_locks_out_the_web_login_too(settings, client):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="rita", role="reviewer", is_staff=True)
    for _ in range(3):
        client.post("/admin/login/", {"username": "rita", "password": "bad"})
    response = client.post("/admin/login/", {"username": "rita", "password": "pass-word-123"})
    assert response.status_code == 429


def test_it_throttles_writes(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"writes": "2/minute", "login": "30/minute"}
    )
    client = APIClient()
    client.force_authenticate(UserFactory(username="rita", role="reviewer"))
    codes = [client.post("/api/v1/claims/next/").status_code for _ in range(3)]
    assert codes == [204, 204, 429]
    assert client.get("/api/v1/claims/").status_code == 200


def token_client(user) -> APIClient:
    from claims.api.authentication import issue_token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


@pytest.mark.parametrize(
    "roles, status",
    [
        ((), 403),
        (("reviewer",), 403),
        (("editor",), 400),
        (("reviewer", "editor"), 400),
        (("admin", "reviewer"), 400),
        (("other",), 403),
    ],
)
def test_a_token_brings_its_users_highest_role(roles, status):
    from django.contrib.auth.models import Group

    user = UserFactory()
    user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in roles))
    # Only an editor may write feeds: an empty one is then refused for its fields.
    assert token_client(user).post("/api/v1/feeds/", {}, format="json").status_code == status


def test_a_superuser_token_is_an_admin_without_a_group():
    user = UserFactory(is_superuser=True)
    assert token_client(user).post("/api/v1/feeds/", {}, format="json").status_code == 400


def test_a_token_request_reads_the_role_with_the_token():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = token_client(UserFactory(role="reviewer"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/ratings/").status_code == 200
    reads = [q["sql"] for q in queries if "auth_user_groups" in q["sql"]]
    assert len(reads) == 1 and "claims_apitoken" in reads[0]


def test_a_bad_or_inactive_token_is_refused():
    user = UserFactory(role="editor")
    client = token_client(user)
    # Deactivated without a save (a bulk update): saving deletes the tokens as well.
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401 and "inactive" in response.json()["detail"]
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401 and response.json()["detail"] == "Invalid token."


def test_a_failed_login_with_odd_input_is_no_500():
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "u" * 300, "password": "x"}, format="json"
    )
    assert response.status_code == 400 and "username" in response.json()
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "rita", "password": "x"},
        format="json",
        HTTP_USER_AGENT="curl/8\x00evil",
    )
    assert response.status_code == 400
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().user_agent == "curl/8evil"


def test_a_server_error_under_the_api_is_json(monkeypatch, settings):
    from claims.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.RatingViewSet, "list", broken)
    settings.DEBUG = False
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(UserFactory(role="reviewer"))
    response = client.get("/api/v1/ratings/")
    assert response.status_code == 500
    assert response.json()["detail"].startswith("Server error")


@pytest.mark.parametrize("roles, status", [(("editor",), 403), (("editor", "admin"), 200)])
def test_a_token_tells_an_admin_from_an_editor(roles, status):
    # Only an admin publishes their own verdict (four eyes for editors).
    from django.contrib.auth.models import Group

    from tests.factories import reviewed_claim

    user = UserFactory()
    user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in roles))
    claim = reviewed_claim(user)
    response = token_client(user).post(f"/api/v1/claims/{claim.pk}/publish/", {}, format="json")
    assert response.status_code == status


@pytest.fixture
def three_logins_a_minute(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"writes": "600/minute", "login": "3/minute"}
    )


def test_a_forged_forwarded_address_does_not_reset_the_login_limit(three_logins_a_minute):
    # The whole X-Forwarded-For header was the address: a new one per try, no limit.
    client = APIClient()
    codes = [
        client.post(
            "/api/v1/auth/token/",
            {"username": f"spray{n}", "password": "Winter2026!"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(5)
    ]
    assert codes == [400, 400, 400, 429, 429]


def test_the_web_login_counts_with_the_api_per_address(three_logins_a_minute, client):
    # One password against many usernames: the per-account lockout never sees it.
    api = APIClient()
    for n in range(2):
        api.post("/api/v1/auth/token/", {"username": f"a{n}", "password": "x"}, format="json")
    assert client.post("/login/", {"username": "b0", "password": "x"}).status_code == 200
    response = client.post("/login/", {"username": "b1", "password": "x"})
    assert response.status_code == 429
    assert b"Too many login attempts from your address" in response.content
    admin = client.post("/admin/login/", {"username": "b2", "password": "x"})
    assert admin.status_code == 429  # the admin's form is no way round it
    assert client.get("/login/").status_code == 200  # only attempts are counted


def test_behind_the_proxy_a_lockout_is_per_client_not_for_everyone(settings):
    # Every request comes from the proxy's address: five wrong passwords from anyone
    # locked the account out for its owner too.
    settings.AXES_FAILURE_LIMIT = 3
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    UserFactory(username="rita", role="reviewer")
    client = APIClient(REMOTE_ADDR="10.0.0.2")  # the proxy

    def token(password: str, forwarded: str) -> int:
        return client.post(
            "/api/v1/auth/token/",
            {"username": "rita", "password": password},
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    for n in range(3):  # the attacker, writing a new address in front each time
        token("bad", f"198.51.100.{n}, 203.0.113.9")
    assert token("pass-word-123", "203.0.113.9") == 429  # locked out where it came from
    assert token("pass-word-123", "192.0.2.44") == 200  # rita, from her own address


def _token_for(client, username="rita"):
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": "pass-word-123"}, format="json"
    )
    return response.data["token"]


def test_a_token_is_revoked_with_delete():
    UserFactory(username="rita", role="reviewer")
    client = APIClient()
    token = _token_for(client)
    assert client.delete("/api/v1/auth/token/").status_code == 401  # which token?
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.delete("/api/v1/auth/token/").status_code == 204

    refused = client.get("/api/v1/claims/")
    assert refused.status_code == 401 and refused.data["detail"] == "Invalid token."
    # A stale header is no obstacle to logging in again, and the new token is another one.
    fresh = _token_for(client)
    assert fresh != token
    client.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
    assert client.get("/api/v1/claims/").status_code == 200


def test_an_old_token_expires_and_asking_again_gives_a_new_one(settings):
    from datetime import timedelta

    from django.utils import timezone

    from claims.api.authentication import digest

    settings.FACTCHECK_TOKEN_DAYS = 30
    UserFactory(username="rita", role="reviewer")
    client = APIClient()
    token = _token_for(client)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    kept = ApiToken.objects.filter(digest=digest(token))
    kept.update(created=timezone.now() - timedelta(days=29))
    assert client.get("/api/v1/claims/").status_code == 200

    kept.update(created=timezone.now() - timedelta(days=31))
    expired = client.get("/api/v1/claims/")
    assert expired.status_code == 401 and "Token expired" in expired.data["detail"]

    fresh = _token_for(client)
    assert fresh != token
    client.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
    assert client.get("/api/v1/claims/").status_code == 200

    settings.FACTCHECK_TOKEN_DAYS = 0  # never expires
    ApiToken.objects.filter(digest=digest(fresh)).update(
        created=timezone.now() - timedelta(days=3650)
    )
    assert client.get("/api/v1/claims/").status_code == 200


def test_tokens_are_kept_as_digests_and_each_login_gets_its_own():
    # Kept in clear, a copy of the database (a backup) was a set of working tokens; and
    # one token per user meant a second machine's login could not get its own.
    from claims.api.authentication import digest

    rita = UserFactory(username="rita", role="reviewer")
    laptop, script = APIClient(), APIClient()
    first, second = _token_for(laptop), _token_for(script)
    assert first != second and len(first) == len(second) == 40
    stored = list(ApiToken.objects.filter(user=rita).values_list("digest", "prefix"))
    assert sorted(stored) == sorted([(digest(first), first[:6]), (digest(second), second[:6])])
    assert all(first not in row and second not in row for row in stored)

    laptop.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    script.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert laptop.delete("/api/v1/auth/token/").status_code == 204  # revokes its own only
    assert laptop.get("/api/v1/claims/").status_code == 401
    assert script.get("/api/v1/claims/").status_code == 200


def test_tokens_handed_out_before_are_moved_over_as_digests():
    # DRF's authtoken table, as the earlier versions made and filled it.
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection
    from django.utils import timezone

    rita = UserFactory(username="rita", role="reviewer")
    made = (timezone.now() - timezone.timedelta(days=3)).replace(microsecond=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id integer NOT NULL)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", ["c" * 40, made, rita.pk])
    migration = importlib.import_module("claims.migrations.0022_api_tokens_kept_as_digests")
    # Only the editor's connection is used (SQLite opens no schema editor in a test's
    # transaction).
    migration.move_tokens(apps, SimpleNamespace(connection=connection))

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0  # no clear copy left
    moved = ApiToken.objects.get(user=rita)
    assert moved.prefix == "cccccc" and moved.created == made
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "c" * 40)
    assert client.get("/api/v1/claims/").status_code == 200


def test_drfs_token_command_and_admin_are_gone():
    # drf_create_token wrote a token in clear, which the API then refused.
    from django.core.management import get_commands

    assert "drf_create_token" not in get_commands()


def test_expired_tokens_are_purged(settings):
    from datetime import timedelta

    from django.utils import timezone

    from claims import tasks
    from claims.api.authentication import issue_token

    settings.FACTCHECK_TOKEN_DAYS = 30
    rita = UserFactory(username="rita", role="reviewer")
    issue_token(rita)
    issue_token(rita)
    ApiToken.objects.filter(pk=ApiToken.objects.first().pk).update(
        created=timezone.now() - timedelta(days=31)
    )
    assert tasks.purge_expired_tokens() == 1
    assert ApiToken.objects.count() == 1
    settings.FACTCHECK_TOKEN_DAYS = 0  # tokens never expire: none is old enough to go
    ApiToken.objects.update(created=timezone.now() - timedelta(days=3650))
    assert tasks.purge_expired_tokens() == 0


def test_rate_limits_let_requests_through_when_the_cache_is_down(
    three_logins_a_minute, settings, caplog, alice
):
    # A rate limit must not take logins and writes down with its cache; the per-account
    # lockout (in the database) still holds.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/1",
        }
    }
    client = APIClient()
    codes = [
        client.post(
            "/api/v1/auth/token/", {"username": f"u{n}", "password": "x"}, format="json"
        ).status_code
        for n in range(4)
    ]
    assert codes == [400, 400, 400, 400]
    assert "Rate limit 'login' not counted: the cache is unreachable" in caplog.text
    assert Client().post("/login/", {"username": "u9", "password": "x"}).status_code == 200
    client.force_authenticate(alice)
    submitted = client.post("/api/v1/articles/", {"text": "Plain words."}, format="json")
    assert submitted.status_code in (201, 202)


def test_admins_see_and_revoke_tokens_in_the_admin_and_editors_do_not(client):
    from claims.api.authentication import issue_token

    rita = UserFactory(username="rita", role="reviewer")
    token = issue_token(rita)
    held = ApiToken.objects.get(user=rita)
    client.force_login(UserFactory(username="ada", role="admin", is_staff=True))
    listed = client.get("/admin/claims/apitoken/")
    assert listed.status_code == 200 and token[:6] in listed.content.decode()
    assert token not in listed.content.decode()
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404  # DRF's, gone
    revoked = client.post(f"/admin/claims/apitoken/{held.pk}/delete/", {"post": "yes"})
    assert revoked.status_code == 302 and not ApiToken.objects.exists()

    issue_token(rita)
    client.force_login(UserFactory(username="ed", role="editor", is_staff=True))
    assert client.get("/admin/claims/apitoken/").status_code == 403


def test_a_user_can_revoke_every_token_and_a_new_password_does_too():
    # Each login makes a token: one copied from a laptop or a log could not be revoked.
    rita = UserFactory(username="rita", role="reviewer")
    leaked, mine = APIClient(), APIClient()
    leaked.credentials(HTTP_AUTHORIZATION=f"Token {_token_for(leaked)}")
    mine.credentials(HTTP_AUTHORIZATION=f"Token {_token_for(mine)}")
    other = UserFactory(username="omar", role="reviewer")
    theirs = APIClient()
    theirs.credentials(HTTP_AUTHORIZATION=f"Token {_token_for(theirs, 'omar')}")

    assert mine.delete("/api/v1/auth/token/?all=1").status_code == 204
    assert leaked.get("/api/v1/claims/").status_code == 401
    assert mine.get("/api/v1/claims/").status_code == 401
    assert theirs.get("/api/v1/claims/").status_code == 200  # only her own

    leaked.credentials(HTTP_AUTHORIZATION=f"Token {_token_for(leaked)}")
    rita.last_name = "Moy"
    rita.save()  # not a new password: the token stays
    assert leaked.get("/api/v1/claims/").status_code == 200
    rita.set_password("a-new-pass-word-456")
    rita.save()
    assert leaked.get("/api/v1/claims/").status_code == 401
    assert ApiToken.objects.filter(user=other).count() == 1


def test_deactivating_a_user_ends_their_tokens_and_sessions_for_good(client):
    """Reactivated later (by mistake, or on their return), a leaver's old token on a laptop
    and an old browser session must not work again."""
    rita = UserFactory(username="rita", role="reviewer")
    omar = UserFactory(username="omar", role="reviewer")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token_for(api)}")
    client.force_login(rita)
    theirs = Client()
    theirs.force_login(omar)
    assert client.get("/dashboard/").status_code == 200

    rita.is_active = False
    rita.save()
    rita.is_active = True
    rita.save()

    assert api.get("/api/v1/claims/").status_code == 401
    assert client.get("/dashboard/").status_code == 302  # to the login page
    assert theirs.get("/dashboard/").status_code == 200  # only hers
    assert ApiToken.objects.filter(user=rita).count() == 0


def test_what_a_signed_in_user_is_shown_is_kept_out_of_caches():
    # Unpublished claims, drafts and exports stayed in the browser's cache after logout.
    from tests.factories import ClaimFactory

    rita = UserFactory(username="rita", role="reviewer")
    claim = ClaimFactory()
    private = [f"/api/v1/claims/{claim.pk}/", "/api/v1/claims/export.csv", "/api/v1/stats/"]

    token = APIClient().post(
        "/api/v1/auth/token/", {"username": "rita", "password": "pass-word-123"}, format="json"
    )
    assert token["Cache-Control"] == "no-store"  # the token itself
    with_token = APIClient()
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {token.data['token']}")
    with_session = Client()
    with_session.force_login(rita)
    for client in (with_token, with_session):
        for path in private:
            response = client.get(path)
            assert response.status_code == 200, path
            assert "no-store" in response["Cache-Control"], path
            assert "private" in response["Cache-Control"], path

    # The public reviews and ratings, asked for by anyone, stay cacheable.
    for path in ("/api/v1/ratings/", "/api/v1/claimreviews/"):
        assert not Client().get(path).has_header("Cache-Control"), path
