"""Articles and claims deleted in the admin while a reviewer takes one of the claims, on
PostgreSQL with real threads: the reviewer is never told a claim is theirs that is then
deleted, and the admin never gets an error page."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.admin.sites import site
from django.test import Client

from claims import workflow
from claims.models import Article, Claim
from tests.factories import ArticleFactory, ClaimFactory, UserFactory
from tests.integration.test_review_races import in_thread

pytestmark = pytest.mark.django_db(transaction=True)

# (model, bulk): the delete page of one object, or the list's "Delete selected" action.
WAYS = [(Article, False), (Article, True), (Claim, False), (Claim, True)]


def delete_in_admin(model, bulk: bool, pk: int):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    name = model._meta.model_name
    if bulk:
        return client.post(
            f"/admin/claims/{name}/",
            {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
        )
    return client.post(f"/admin/claims/{name}/{pk}/delete/", {"post": "yes"})


@pytest.mark.parametrize("model, bulk", WAYS)
@pytest.mark.parametrize("taker", ["take", "take_next"])
def test_a_claim_taken_while_the_admin_deletes_it_is_gone_or_kept(
    postgres, monkeypatch, model, bulk, taker
):
    reviewer = UserFactory(username="alice", role="reviewer")
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    admin = site._registry[model]
    deleting, go_on = threading.Event(), threading.Event()
    method = "delete_queryset" if bulk else "delete_model"
    delete = getattr(admin, method)

    def delete_after_a_pause(*args):  # the admin has checked the claims' history
        deleting.set()
        go_on.wait(10)
        return delete(*args)

    monkeypatch.setattr(admin, method, delete_after_a_pause)
    target = article if model is Article else claim
    admining, deleted = in_thread(delete_in_admin, model, bulk, target.pk)
    assert deleting.wait(10)
    if taker == "take":
        taking, taken = in_thread(workflow.claim_take, claim=claim, reviewer=reviewer)
    else:
        taking, taken = in_thread(workflow.claim_take_next, reviewer=reviewer, article=article.pk)
    time.sleep(0.5)  # the take waits for, or skips, the claim the delete holds
    go_on.set()
    admining.join()
    taking.join()

    assert "error" not in deleted, deleted
    assert deleted["result"].status_code == 302, deleted["result"].content[:2000]
    assert not Claim.objects.filter(pk=claim.pk).exists()
    # The reviewer was told it is gone, or was given nothing: never that it is theirs.
    if taker == "take":
        assert isinstance(taken.get("error"), workflow.ClaimGone), taken
    else:
        assert taken == {"result": None}
