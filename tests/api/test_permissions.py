"""Who may do what: anonymous, reviewer, editor and admin against every endpoint."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from claims import workflow
from tests.api.conftest import client_for
from tests.factories import ArticleFactory, ClaimFactory, FeedFactory, UserFactory, reviewed_claim

pytestmark = pytest.mark.django_db

ANON, REVIEWER, EDITOR, ADMIN = "anonymous", "reviewer", "editor", "admin"
ROLES = [ANON, REVIEWER, EDITOR, ADMIN]


def user_for(role):
    if role == ANON:
        return None
    return UserFactory(username=f"{role}-user", role=role)


@pytest.fixture
def world(db):
    published = reviewed_claim(UserFactory(username="author", role="reviewer"))
    workflow.claim_publish(claim=published, actor=UserFactory(username="boss", role="editor"))
    reviewed = reviewed_claim(UserFactory(username="writer", role="reviewer"))
    failed = ArticleFactory(status="failed", error="HTTP 503")
    dismissed = ClaimFactory(status="dismissed", dismiss_reason="Opinion.")
    return {
        "dismissed": dismissed,
        "claim": ClaimFactory(),
        "published": published,
        "reviewed": reviewed,
        "feed": FeedFactory(),
        "failed": failed,
        "evidence": reviewed.evidence.first(),
    }


# (method, path, body, minimum role allowed)
ENDPOINTS = [
    ("get", "/api/v1/ratings/", None, ANON),
    ("get", "/api/v1/claimreviews/", None, ANON),
    ("get", "/api/v1/claims/{published}/claimreview/", None, ANON),
    ("get", "/reviews/{published}/", None, ANON),
    ("get", "/api/v1/claims/", None, REVIEWER),
    ("get", "/api/v1/claims/{claim}/", None, REVIEWER),
    ("get", "/api/v1/claims/{reviewed}/evidence/{evidence}/", None, REVIEWER),
    ("get", "/api/v1/claims/export.csv", None, REVIEWER),
    ("get", "/api/v1/articles/", None, REVIEWER),
    ("get", "/api/v1/feeds/", None, REVIEWER),
    ("get", "/api/v1/jobs/", None, REVIEWER),
    ("get", "/api/v1/stats/", None, REVIEWER),
    ("post", "/api/v1/articles/", {"text": "The mayor said so."}, REVIEWER),
    ("post", "/api/v1/claims/next/", {}, REVIEWER),
    ("post", "/api/v1/articles/{failed}/retry/", {}, REVIEWER),
    ("post", "/api/v1/claims/{claim}/dismiss/", {"reason": "Opinion."}, REVIEWER),
    ("post", "/api/v1/claims/{dismissed}/restore/", {}, REVIEWER),
    ("post", "/api/v1/claims/{claim}/take/", {}, REVIEWER),
    ("post", "/api/v1/claims/{claim}/assign/", {"assignee": "author"}, EDITOR),
    ("post", "/api/v1/claims/{claim}/bump/", {"amount": 1}, EDITOR),
    ("post", "/api/v1/claims/{published}/reopen/", {"reason": "Correction."}, EDITOR),
    ("post", "/api/v1/claims/{reviewed}/send-back/", {"reason": "Weak sources."}, EDITOR),
    ("post", "/api/v1/feeds/", {"url": "https://news.example.org/rss"}, EDITOR),
    ("post", "/api/v1/feeds/{feed}/poll/", {}, EDITOR),
    ("delete", "/api/v1/feeds/{feed}/", None, EDITOR),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "body", "minimum"), ENDPOINTS)
def test_permission_matrix(world, role, method, path, body, minimum):
    cache.clear()
    client = client_for(user_for(role))
    url = path.format(**{key: value.pk for key, value in world.items()})
    response = getattr(client, method)(url, body, format="json")
    allowed = ROLES.index(role) >= ROLES.index(minimum)
    if allowed:
        assert response.status_code < 400, (role, url, response.status_code, response.data)
    else:
        expected = {401, 403} if role == ANON else {403}
        assert response.status_code in expected, (role, url, response.status_code)


def test_anonymous_users_see_no_unpublished_claim(world):
    anonymous = client_for()
    assert anonymous.get(f"/api/v1/claims/{world['claim'].pk}/claimreview/").status_code == 404
    assert anonymous.get(f"/reviews/{world['claim'].pk}/").status_code == 404
