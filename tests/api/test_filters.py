from __future__ import annotations

import pytest
from django.http import QueryDict
from rest_framework.test import APIRequestFactory

from claims import workflow
from claims.api.filters import ArticleFilter, ClaimFilter
from claims.models import Claim
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


def request_of(user):
    request = APIRequestFactory().get("/api/v1/claims/")
    request.user = user
    return request


def test_it_gives_each_form_the_fields_as_they_are():
    # Django deep-copies a form's fields for each form (so that one form may change its
    # own); the filter forms never do, and the copies were a tenth of a list request's CPU.
    first = ClaimFilter(QueryDict("status=new")).form
    second = ClaimFilter(QueryDict("status=dismissed")).form
    assert first.fields["status"] is second.fields["status"] is type(first).base_fields["status"]
    assert first.fields is not second.fields


def test_it_gives_each_filterset_its_own_filters_sharing_their_arguments():
    first, second = ClaimFilter(QueryDict()), ClaimFilter(QueryDict())
    assert first.filters["status"] is not second.filters["status"]
    assert first.filters["status"].extra is ClaimFilter.base_filters["status"].extra
    assert first.filters["status"].parent is first and second.filters["status"].parent is second
    assert not hasattr(ClaimFilter.base_filters["status"], "parent")


def test_a_method_filter_answers_for_its_own_request_beside_another():
    alice, bob = UserFactory(role="reviewer"), UserFactory(role="reviewer")
    ClaimFactory.create_batch(2)
    alices = workflow.claim_take_next(reviewer=alice)
    bobs = workflow.claim_take_next(reviewer=bob)
    mine = QueryDict("assignee=me")
    for_alice = ClaimFilter(mine, Claim.objects.all(), request=request_of(alice))
    for_bob = ClaimFilter(mine, Claim.objects.all(), request=request_of(bob))
    assert [claim.pk for claim in for_bob.qs] == [bobs.pk]
    assert [claim.pk for claim in for_alice.qs] == [alices.pk]


def test_the_forms_still_refuse_and_clean_each_their_own_data():
    good = ClaimFilter(QueryDict("status=new&min_score=0.5"))
    bad = ClaimFilter(QueryDict("status=bogus&min_score=high"))
    assert not bad.is_valid() and set(bad.errors) == {"status", "min_score"}
    assert good.is_valid() and good.form.cleaned_data["status"] == ["new"]
    assert ArticleFilter(QueryDict("status=processed")).is_valid()
