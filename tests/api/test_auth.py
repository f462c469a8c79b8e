from __future__ import annotations

import pytest
from rest_framework.test import APIClient

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
