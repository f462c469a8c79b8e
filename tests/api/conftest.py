from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

# What every claim in an API response carries (DESIGN.md's contract).
CLAIM_KEYS = {
    "id",
    "text",
    "status",
    "score",
    "category",
    "cues",
    "speaker",
    "article",
    "assignee",
    "version",
}


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita", role="reviewer")


@pytest.fixture
def editor(db):
    return UserFactory(username="eddie", role="editor")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", role="admin")


@pytest.fixture
def api(reviewer):
    return client_for(reviewer)


@pytest.fixture
def editor_api(editor):
    return client_for(editor)
