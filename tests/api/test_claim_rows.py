"""The claims list writes claims by hand (claims_from_rows); it must match ClaimSerializer."""

from __future__ import annotations

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
