"""The admin site: what it shows, and that it changes no claim's state behind the workflow."""

from __future__ import annotations

import pytest

from claims import workflow
from claims.models import Verdict
from tests.factories import ClaimFactory, UserFactory, rating, reviewed_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def adm():
    """The admin role as migration 0007 grants it, not a superuser."""
    return UserFactory(username="adm", role="admin", is_staff=True)


@pytest.fixture
def root():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def verdict_form(claim, reviewer, **fields) -> dict:
    data = {
        "claim": claim.pk,
        "rating": rating("true").pk,
        "summary": "Actually true.",
        "reviewer": reviewer.pk,
        "correction_note": "",
        "created_at_0": "2026-01-01",
        "created_at_1": "10:00:00",
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
    }
    return data | fields


# --- verdicts -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["adm", "root"])
def test_it_does_not_change_a_published_verdict(client, request, alice, erin, who):
    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    verdict = claim.verdict
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        f"/admin/claims/verdict/{verdict.pk}/change/",
        verdict_form(claim, alice, approver=erin.pk),
    )
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.summary == "Records show no such thing." and verdict.rating.slug == "false"


@pytest.mark.parametrize("who", ["adm", "root"])
def test_it_does_not_add_a_verdict(client, request, who):
    claim, user = ClaimFactory(), request.getfixturevalue(who)
    client.force_login(user)
    assert client.get("/admin/claims/verdict/add/").status_code == 403
    response = client.post("/admin/claims/verdict/add/", verdict_form(claim, user))
    assert response.status_code == 403
    assert not Verdict.objects.exists()
    client.logout()
    assert client.get(f"/reviews/{claim.pk}/").status_code == 404


def test_it_shows_a_verdict(client, adm, alice):
    verdict = reviewed_claim(alice).verdict
    client.force_login(adm)
    assert client.get("/admin/claims/verdict/").status_code == 200
    page = client.get(f"/admin/claims/verdict/{verdict.pk}/change/")
    assert page.status_code == 200 and b"Records show no such thing." in page.content
    assert b'name="summary"' not in page.content
