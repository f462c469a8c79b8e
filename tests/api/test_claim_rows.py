"""The claims list writes claims by hand (claims_from_rows); it must match ClaimSerializer."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from claims import workflow
from claims.api.serializers import CLAIM_ROW_FIELDS, ClaimSerializer, claims_from_rows
from claims.models import Claim
from tests.factories import ClaimFactory, UserFactory, reviewed_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims_in_every_state():
    """One claim per state, plus the odd values a claim can carry."""
    chief = UserFactory(username="chief", role="editor")
    rita = UserFactory(username="rita", role="reviewer")
    ClaimFactory(speaker="", cues=[], score=0.123456789012345)  # new, no speaker, no cues
    ClaimFactory(text='Ünïcode \u2028 "quoted" claim, officials said.', priority=-1.5)
    workflow.claim_take_next(reviewer=rita)  # in review, with a lease
    reviewed_claim(rita)  # with a submitted verdict
    workflow.claim_publish(claim=reviewed_claim(rita, "true"), actor=chief)
    reopened = workflow.claim_publish(claim=reviewed_claim(rita, "half-true"), actor=chief)
    workflow.claim_reopen(claim=reopened, actor=chief, reason="A correction.")
    workflow.claim_dismiss(claim=ClaimFactory(), actor=chief, reason="Not check-worthy.")
    Claim.objects.filter(pk=ClaimFactory().pk).update(
        lease_expires_at=timezone.now().replace(microsecond=0), priority=0, score=1
    )
    statuses = set(Claim.objects.values_list("status", flat=True))
    assert statuses == set(Claim.Status.values), statuses
    assert Claim.objects.filter(verdict__isnull=False).exists()
    return Claim.objects.select_related("assignee", "verdict__rating").order_by("id")


def as_json(data) -> bytes:
    return JSONRenderer().render(data)


def rows():
    return Claim.objects.order_by("id").values(*CLAIM_ROW_FIELDS)


def test_it_writes_every_claim_as_the_serializer_does(claims_in_every_state):
    expected = ClaimSerializer(claims_in_every_state, many=True).data
    written = claims_from_rows(rows())
    # Same keys in the same order, same values and types: the same bytes.
    assert [list(claim.items()) for claim in written] == [list(c.items()) for c in expected]
    assert as_json(written) == as_json(expected)


def test_it_writes_times_in_the_current_time_zone_as_the_serializer_does(
    claims_in_every_state,
):
    with timezone.override("America/New_York"):
        expected = ClaimSerializer(claims_in_every_state, many=True).data
        written = claims_from_rows(rows())
    assert as_json(written) == as_json(expected)


def test_it_covers_every_field_of_the_serializer():
    assert (
        list(claims_from_rows([dict.fromkeys(CLAIM_ROW_FIELDS)])[0]) == ClaimSerializer.Meta.fields
    )


@pytest.mark.parametrize("ordering", ["", "-score", "created_at", "-id"])
def test_the_list_pages_through_what_the_serializer_gives(api, claims_in_every_state, ordering):
    pages, path = [], f"/api/v1/claims/?page_size=3&ordering={ordering}"
    while path:
        response = api.get(path)
        assert response.status_code == 200
        assert list(response.data) == ["next", "previous", "results"]
        pages += response.data["results"]
        path = response.data["next"]
    by_id = {claim.pk: claim for claim in claims_in_every_state}
    assert sorted(claim["id"] for claim in pages) == sorted(by_id)  # each claim once
    expected = ClaimSerializer([by_id[claim["id"]] for claim in pages], many=True).data
    assert as_json(pages) == as_json(expected)
    if not ordering:
        assert [claim["id"] for claim in pages] == [
            claim.pk for claim in claims_in_every_state.order_by("-priority", "id")
        ]


def cursor(tokens: str) -> str:
    return quote(base64.b64encode(tokens.encode()).decode())


def filled(text: str, ids: dict[str, int | str]) -> str:
    """`text` with each of the names in `ids` replaced by its id (longest names first)."""
    for name in sorted(ids, key=len, reverse=True):
        text = text.replace(name, str(ids[name]))
    return text


def test_the_list_answers_a_token_with_these_bytes(client):
    """What a client of the list receives, pinned: body, key order, number and time
    formats, escaping, the cursor link and the headers."""
    from claims.api.authentication import issue_token

    rita = UserFactory(username="rita", role="reviewer")
    chief = UserFactory(username="chief", role="editor")
    waiting = ClaimFactory(
        text='Ünïcode \u2028 "quoted" claim, officials said.',
        score=0.123456789012345,
        speaker="",
        # Keys in the order PostgreSQL's jsonb keeps them (shortest first), as SQLite keeps
        # them as written.
        cues=[{"end": 44, "text": "officials said", "start": 30, "category": "attributed"}],
    )
    taken = workflow.claim_assign(claim=ClaimFactory(), assignee=rita, actor=chief)
    published = workflow.claim_publish(claim=reviewed_claim(rita, "true"), actor=chief)
    Claim.objects.exclude(pk=waiting.pk).update(cues=[{"end": 14, "text": "said", "start": 10}])
    Claim.objects.filter(pk=waiting.pk).update(priority=0.9)
    Claim.objects.filter(pk=taken.pk).update(
        priority=0.5,
        lease_expires_at=datetime(2026, 11, 1, 9, 30, 0, 123456, tzinfo=UTC),
        version=7,
    )
    Claim.objects.filter(pk=published.pk).update(priority=-1.5, version=4)
    Claim.objects.update(created_at=datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC))
    auth = {"HTTP_AUTHORIZATION": f"Token {issue_token(rita)}"}

    first = client.get("/api/v1/claims/?page_size=2", **auth)
    second = client.get(first.json()["next"], **auth)

    ids = {
        "WAITING": waiting.pk,
        "WAITING_ARTICLE": waiting.article_id,
        "TAKEN": taken.pk,
        "TAKEN_ARTICLE": taken.article_id,
        "PUBLISHED": published.pk,
        "PUBLISHED_ARTICLE": published.article_id,
    }
    # The cursors are base64 of the sort key the page stops at, URL-quoted: "p=0.5&p=<id>"
    # (after the claim at priority 0.5) and "r=1&p=-1.5&p=<id>" (back from the one at -1.5).
    ids["NEXT_CURSOR"] = cursor(f"p=0.5&p={taken.pk}")
    ids["PREVIOUS_CURSOR"] = cursor(f"r=1&p=-1.5&p={published.pk}")
    assert first.content.decode() == filled(
        '{"next":"http://testserver/api/v1/claims/?cursor=NEXT_CURSOR&page_size=2",'
        '"previous":null,"results":[{"id":WAITING,'
        '"text":"Ünïcode \\u2028 \\"quoted\\" claim, officials said.",'
        '"status":"new","score":0.123456789012345,"category":"attributed","cues":[{"end":44,'
        '"text":"officials said","start":30,"category":"attributed"}],"speaker":"",'
        '"article":WAITING_ARTICLE,"assignee":null,"version":1,"priority":0.9,"rating":null,'
        '"lease_expires_at":null,"created_at":"2026-10-31T23:59:59Z"},{"id":TAKEN,'
        '"text":"The mayor said the bridge would reopen.","status":"in_review","score":0.6,'
        '"category":"attributed","cues":[{"end":14,"text":"said","start":10}],'
        '"speaker":"The mayor","article":TAKEN_ARTICLE,'
        '"assignee":"rita","version":7,"priority":0.5,"rating":null,'
        '"lease_expires_at":"2026-11-01T09:30:00.123456Z",'
        '"created_at":"2026-10-31T23:59:59Z"}]}',
        ids,
    )
    assert second.content.decode() == filled(
        '{"next":null,'
        '"previous":"http://testserver/api/v1/claims/?cursor=PREVIOUS_CURSOR&page_size=2",'
        '"results":[{"id":PUBLISHED,"text":"The mayor said the bridge would reopen.",'
        '"status":"published","score":0.6,"category":"attributed",'
        '"cues":[{"end":14,"text":"said","start":10}],"speaker":"The mayor",'
        '"article":PUBLISHED_ARTICLE,"assignee":null,"version":4,"priority":-1.5,'
        '"rating":"true","lease_expires_at":null,"created_at":"2026-10-31T23:59:59Z"}]}',
        ids,
    )
    assert first.status_code == second.status_code == 200
    headers = dict(first.headers)
    # django-csp writes the directives in no fixed order.
    policy = set(headers.pop("Content-Security-Policy").split("; "))
    assert headers == {
        "Content-Type": "application/json",
        "Vary": "Accept",
        "Allow": "GET, HEAD, OPTIONS",
        "X-Frame-Options": "DENY",
        "Content-Length": str(len(first.content)),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cache-Control": "private, no-store",
    }
    assert policy == {
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    }
