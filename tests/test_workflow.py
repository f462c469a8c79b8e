"""The claim workflow: every transition, its role and state checks, and its audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims import workflow
from claims.claimreview import claim_review
from claims.models import Claim, ReviewEvent
from tests.factories import ClaimFactory, UserFactory, rating, reviewed_claim

pytestmark = pytest.mark.django_db


def test_it_takes_the_highest_priority_claim_first(alice, bob):
    low = ClaimFactory(priority=0.1)
    high = ClaimFactory(priority=0.9)

    first = workflow.claim_take_next(reviewer=alice)
    second = workflow.claim_take_next(reviewer=bob)

    assert (first.pk, second.pk) == (high.pk, low.pk)
    assert first.status == Claim.Status.IN_REVIEW and first.assignee == alice
    assert first.lease_expires_at > timezone.now() + timedelta(minutes=29)
    assert workflow.claim_take_next(reviewer=alice) is None
    assert ReviewEvent.objects.filter(claim=first, action="take", actor=alice).exists()


def test_it_refuses_the_queue_to_users_without_a_role(nobody):
    ClaimFactory()
    with pytest.raises(workflow.NotAllowed):
        workflow.claim_take_next(reviewer=nobody)


def test_it_lets_only_editors_assign(alice, bob, erin):
    claim = ClaimFactory()
    with pytest.raises(workflow.NotAllowed):
        workflow.claim_assign(claim=claim, assignee=bob, actor=alice)
    claim = workflow.claim_assign(claim=claim, assignee=bob, actor=erin)
    assert claim.assignee == bob and claim.status == Claim.Status.IN_REVIEW


def test_it_releases_a_claim_back_to_the_queue(alice, bob):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    with pytest.raises(workflow.NotAllowed, match="assigned to alice"):
        workflow.claim_release(claim=claim, actor=bob)
    claim = workflow.claim_release(claim=claim, actor=alice)
    assert claim.status == Claim.Status.NEW and claim.assignee is None


def test_it_refuses_a_stale_verdict(alice):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    loaded = claim.version
    workflow.verdict_set(
        claim=claim, rating=rating("false"), summary="First.", version=loaded, actor=alice
    )

    with pytest.raises(workflow.Conflict) as conflict:
        workflow.verdict_set(
            claim=claim, rating=rating("true"), summary="Second.", version=loaded, actor=alice
        )
    assert conflict.value.claim.verdict.summary == "First."
    claim.refresh_from_db()
    assert claim.verdict.rating.slug == "false"


def test_it_keeps_the_version_when_evidence_is_added(alice):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    version = claim.version
    workflow.evidence_add(claim=claim, actor=alice, url="https://x.example.org", stance="refutes")
    claim.refresh_from_db()
    assert claim.version == version


def test_it_takes_the_next_claim_of_one_article(alice, bob):
    story = ClaimFactory(priority=0.2).article
    ClaimFactory(priority=0.9)  # another article's claim, first in the whole queue
    low = ClaimFactory(article=story, priority=0.1, start=100, end=140)
    high = ClaimFactory(article=story, priority=0.3, start=200, end=240)

    assert workflow.claim_take_next(reviewer=alice, article=story.pk).pk == high.pk
    assert workflow.claim_take_next(reviewer=bob, article=story.pk).article_id == story.pk
    assert workflow.claim_take_next(reviewer=bob, article=story.pk).pk == low.pk
    assert workflow.claim_take_next(reviewer=bob, article=story.pk) is None


def test_it_refuses_a_verdict_on_an_untaken_claim(alice):
    claim = ClaimFactory()
    with pytest.raises(workflow.InvalidTransition, match="Take the claim"):
        workflow.verdict_set(
            claim=claim, rating=rating("false"), summary="x", version=claim.version, actor=alice
        )


def test_it_needs_evidence_to_submit(alice):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    claim = workflow.verdict_set(
        claim=claim, rating=rating("false"), summary="No.", version=claim.version, actor=alice
    )
    with pytest.raises(workflow.WorkflowError, match="evidence"):
        workflow.claim_submit(claim=claim, actor=alice)

    workflow.evidence_add(claim=claim, actor=alice, url="https://x.example.org", stance="refutes")
    assert workflow.claim_submit(claim=claim, actor=alice).status == Claim.Status.REVIEWED


def test_a_verdict_without_sources_is_never_published(alice, erin):
    # Removing the last source of a submitted verdict takes it back to review, and it
    # cannot be submitted again until it has one.
    claim = reviewed_claim(alice)
    (only,) = claim.evidence.all()
    claim = workflow.evidence_remove(evidence=only, actor=alice)
    assert claim.status == Claim.Status.IN_REVIEW
    with pytest.raises(workflow.InvalidTransition):
        workflow.claim_publish(claim=claim, actor=erin)
    with pytest.raises(workflow.WorkflowError, match="evidence source"):
        workflow.claim_submit(claim=claim, actor=alice)
    workflow.evidence_add(
        claim=claim, actor=alice, url="https://records.example.org/2", stance="refutes"
    )
    claim = workflow.claim_submit(claim=claim, actor=alice)
    claim = workflow.claim_publish(claim=claim, actor=erin)
    assert claim.status == Claim.Status.PUBLISHED and claim.evidence.count() == 1


def test_it_does_not_publish_a_verdict_whose_sources_are_gone(alice, erin):
    claim = reviewed_claim(alice)
    claim.evidence.all().delete()  # e.g. through the admin

    with pytest.raises(workflow.WorkflowError, match="no evidence source"):
        workflow.claim_publish(claim=claim, actor=erin)
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.REVIEWED


def test_it_submits_not_a_claim_without_evidence(alice):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    claim = workflow.verdict_set(
        claim=claim,
        rating=rating("not-a-claim"),
        summary="Opinion.",
        version=claim.version,
        actor=alice,
    )
    assert workflow.claim_submit(claim=claim, actor=alice).status == Claim.Status.REVIEWED


def test_it_refuses_to_submit_an_interim_rating(alice):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    claim = workflow.verdict_set(
        claim=claim,
        rating=rating("research-in-progress"),
        summary="Still calling.",
        version=claim.version,
        actor=alice,
    )
    with pytest.raises(workflow.WorkflowError, match="not a final rating"):
        workflow.claim_submit(claim=claim, actor=alice)


def test_it_lets_only_editors_publish(alice, erin):
    claim = reviewed_claim(alice)
    with pytest.raises(workflow.NotAllowed):
        workflow.claim_publish(claim=claim, actor=alice)
    claim = workflow.claim_publish(claim=claim, actor=erin)
    assert claim.status == Claim.Status.PUBLISHED
    assert claim.verdict.approver == erin and claim.verdict.published_at
    assert claim.assignee is None


def test_it_applies_four_eyes_to_an_editors_own_verdict(erin, ed, settings):
    claim = reviewed_claim(erin)
    with pytest.raises(workflow.NotAllowed, match="four-eyes"):
        workflow.claim_publish(claim=claim, actor=erin)
    assert workflow.claim_publish(claim=claim, actor=ed).status == Claim.Status.PUBLISHED

    settings.FACTCHECK_EDITOR_MAY_PUBLISH_OWN = True
    other = reviewed_claim(erin)
    assert workflow.claim_publish(claim=other, actor=erin).status == Claim.Status.PUBLISHED


@pytest.mark.parametrize("gone", ["deactivated", "no longer a reviewer"])
def test_a_verdict_sent_back_to_someone_who_can_no_longer_review_goes_to_the_queue(
    alice, erin, gone
):
    # It was given to them all the same, out of everyone else's reach until its lease ran out.
    claim = reviewed_claim(alice)
    if gone == "deactivated":
        alice.is_active = False
        alice.save()
    else:
        alice.groups.clear()
    claim = workflow.claim_send_back(claim=claim, actor=erin, reason="Weak sources.")
    claim.refresh_from_db()
    assert (claim.status, claim.assignee, claim.lease_expires_at) == (Claim.Status.NEW, None, None)
    assert claim.verdict.summary and claim.verdict.submitted_at is None  # the draft stays
    event = claim.events.order_by("-id").first()
    assert event.payload["status"] == ["reviewed", "new"] and event.payload["assignee"] is None


def test_an_editor_sends_a_submitted_verdict_back_to_its_reviewer(alice, erin):
    claim = reviewed_claim(alice)
    verdict = claim.verdict
    # Submitted long ago: its reviewer gets a whole lease to answer, not what was left.
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() - timedelta(days=1))
    claim = workflow.claim_send_back(
        claim=claim,
        actor=erin,
        reason="  The second source is a press release.  ",
        version=claim.version,
    )
    assert claim.status == Claim.Status.IN_REVIEW and claim.assignee == alice
    assert claim.lease_expires_at > timezone.now() + timedelta(minutes=5)
    # The draft stays for alice to edit: same verdict, same words, hers, no longer submitted.
    claim.verdict.refresh_from_db()
    assert claim.verdict.pk == verdict.pk and claim.verdict.summary == verdict.summary
    assert claim.verdict.reviewer == alice and claim.verdict.submitted_at is None
    event = claim.events.order_by("-id").first()
    assert (event.action, event.actor) == ("send_back", erin)
    assert event.payload == {
        "status": ["reviewed", "in_review"],
        "assignee": alice.pk,
        "reason": "The second source is a press release.",
    }
    # Submitted again, it is publishable by the editor who sent it back: not their verdict.
    claim = workflow.claim_submit(claim=claim, actor=alice)
    assert workflow.claim_publish(claim=claim, actor=erin).status == Claim.Status.PUBLISHED


def test_only_an_editor_sends_back_a_submitted_claim_with_a_reason(alice, bob, erin):
    claim = reviewed_claim(alice)
    for reviewer in (alice, bob):
        with pytest.raises(workflow.NotAllowed, match="Only an editor"):
            workflow.claim_send_back(claim=claim, actor=reviewer, reason="Weak sources.")
    for blank in ("", "   ", "\u200b"):
        with pytest.raises(workflow.WorkflowError, match="Say why") as refused:
            workflow.claim_send_back(claim=claim, actor=erin, reason=blank)
        assert refused.value.field == "reason"
    with pytest.raises(workflow.WorkflowError, match="control character"):
        workflow.claim_send_back(claim=claim, actor=erin, reason="x\x00y")
    with pytest.raises(workflow.Conflict):
        workflow.claim_send_back(
            claim=claim, actor=erin, reason="Weak sources.", version=claim.version - 1
        )
    assert not claim.events.filter(action="send_back").exists()
    workflow.claim_send_back(claim=claim, actor=erin, reason="Weak sources.")
    # Only a submitted claim: not one in review (this one now), new, or published.
    with pytest.raises(workflow.InvalidTransition, match="Only a submitted"):
        workflow.claim_send_back(claim=claim, actor=erin, reason="Again.")
    with pytest.raises(workflow.InvalidTransition):
        workflow.claim_send_back(claim=ClaimFactory(), actor=erin, reason="Weak sources.")
    published = workflow.claim_publish(claim=reviewed_claim(bob), actor=erin)
    with pytest.raises(workflow.InvalidTransition):
        workflow.claim_send_back(claim=published, actor=erin, reason="Weak sources.")


def test_an_admin_sends_a_verdict_back_too(alice):
    boss = UserFactory(username="boss", is_superuser=True)
    claim = workflow.claim_send_back(claim=reviewed_claim(alice), actor=boss, reason="Check.")
    assert claim.status == Claim.Status.IN_REVIEW and claim.assignee == alice


def test_it_lets_an_admin_publish_their_own_verdict():
    boss = UserFactory(username="boss", is_superuser=True)
    claim = reviewed_claim(boss)
    assert workflow.claim_publish(claim=claim, actor=boss).status == Claim.Status.PUBLISHED


def test_it_corrects_a_published_verdict_through_reopen_only(alice, erin, ed):
    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    first_verdict = claim.verdict
    with pytest.raises(workflow.InvalidTransition, match="reopen"):
        workflow.verdict_set(
            claim=claim, rating=rating("true"), summary="x", version=claim.version, actor=erin
        )
    with pytest.raises(workflow.NotAllowed):
        workflow.claim_reopen(claim=claim, actor=alice, reason="typo")
    with pytest.raises(workflow.WorkflowError, match="Say why"):
        workflow.claim_reopen(claim=claim, actor=erin, reason=" ")

    claim = workflow.claim_reopen(claim=claim, actor=erin, reason="A new court record.")
    claim = workflow.verdict_set(
        claim=claim,
        rating=rating("mostly-false"),
        summary="Partly right.",
        version=claim.version,
        actor=erin,
    )
    claim = workflow.claim_submit(claim=claim, actor=erin)
    claim = workflow.claim_publish(claim=claim, actor=ed)

    assert claim.verdict != first_verdict
    assert claim.verdicts.count() == 2
    first_verdict.refresh_from_db()
    assert first_verdict.rating.slug == "false" and first_verdict.published_at
    assert claim.verdict.correction_note == "A new court record."
    review = claim_review(claim, list(claim.verdicts.all()))
    assert review["dateModified"]
    assert review["correction"]["text"] == "A new court record."


def test_four_eyes_covers_the_correction_note_its_editor_wrote(alice, erin, ed, settings):
    """The reopen reason is published as the correction note: the editor who wrote it does
    not approve it alone, even when a reviewer wrote the new verdict."""
    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    claim = workflow.claim_reopen(claim=claim, actor=ed, reason="Written by ed alone.")
    claim = workflow.claim_assign(claim=claim, assignee=alice, actor=ed)
    claim = workflow.verdict_set(
        claim=claim, rating=rating("true"), summary="Right after all.", version=None, actor=alice
    )
    claim = workflow.claim_submit(claim=claim, actor=alice)

    assert not workflow.may_approve(ed, claim.verdict)
    with pytest.raises(workflow.NotAllowed, match="correction note you wrote"):
        workflow.claim_publish(claim=claim, actor=ed)
    claim = workflow.claim_publish(claim=claim, actor=erin)
    assert claim.verdict.correction_note == "Written by ed alone."

    # An editor allowed to publish their own work may publish their own note too.
    settings.FACTCHECK_EDITOR_MAY_PUBLISH_OWN = True
    claim = workflow.claim_reopen(claim=claim, actor=ed, reason="Second note by ed.")
    claim = workflow.claim_assign(claim=claim, assignee=alice, actor=ed)
    claim = workflow.verdict_set(
        claim=claim, rating=rating("false"), summary="Wrong again.", version=None, actor=alice
    )
    claim = workflow.claim_submit(claim=claim, actor=alice)
    assert workflow.claim_publish(claim=claim, actor=ed).status == Claim.Status.PUBLISHED


def test_it_dismisses_with_a_reason_only(alice):
    claim = ClaimFactory()
    with pytest.raises(workflow.WorkflowError, match="Say why"):
        workflow.claim_dismiss(claim=claim, actor=alice, reason="")
    claim = workflow.claim_dismiss(claim=claim, actor=alice, reason="Opinion, not a fact.")
    assert claim.status == Claim.Status.DISMISSED
    with pytest.raises(workflow.InvalidTransition):
        workflow.claim_dismiss(claim=claim, actor=alice, reason="again")


def test_it_returns_expired_leases_to_the_queue(alice):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() - timedelta(minutes=1))

    assert workflow.expire_leases() == 1
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW and claim.assignee is None
    assert ReviewEvent.objects.filter(claim=claim, action="lease_expired").exists()
    assert workflow.claim_take_next(reviewer=alice).pk == claim.pk


def test_every_event_that_moves_a_claim_says_from_where_to_where(alice, bob, erin):
    from claims.models import Evidence

    claim = ClaimFactory()

    def moves(step) -> None:
        before = Claim.objects.get(pk=claim.pk).status
        step(Claim.objects.get(pk=claim.pk))
        after = Claim.objects.get(pk=claim.pk).status
        event = claim.events.order_by("-id").first()
        assert event.payload.get("status") == ([before, after] if after != before else None), (
            event.action
        )

    def sources(c):
        return Evidence.objects.filter(claim=c).order_by("id")

    moves(lambda c: workflow.claim_assign(claim=c, assignee=alice, actor=erin))
    moves(
        lambda c: workflow.evidence_add(claim=c, actor=alice, url="https://a.org", stance="refutes")
    )
    moves(
        lambda c: workflow.verdict_set(
            claim=c, rating=rating(), summary="No.", version=None, actor=alice
        )
    )
    moves(lambda c: workflow.claim_submit(claim=c, actor=alice))
    # Changed after submission: back to review, which the history says.
    moves(
        lambda c: workflow.verdict_set(
            claim=c, rating=rating(), summary="Not so.", version=None, actor=alice
        )
    )
    moves(lambda c: workflow.claim_submit(claim=c, actor=alice))
    moves(
        lambda c: workflow.evidence_add(claim=c, actor=alice, url="https://b.org", stance="refutes")
    )
    moves(lambda c: workflow.claim_submit(claim=c, actor=alice))
    moves(lambda c: workflow.evidence_remove(evidence=sources(c).last(), actor=alice))
    moves(lambda c: workflow.claim_submit(claim=c, actor=alice))
    moves(lambda c: workflow.claim_send_back(claim=c, actor=erin, reason="Weak sources."))
    moves(lambda c: workflow.claim_assign(claim=c, assignee=bob, actor=erin))
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() - timedelta(minutes=1))
    moves(lambda c: workflow.expire_leases())

    expired = claim.events.get(action="lease_expired")
    assert expired.actor is None and expired.payload["by"] == "system"


def test_a_reviewer_keeps_a_claim_by_renewing_its_lease(alice):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() + timedelta(minutes=2))

    kept = workflow.claim_renew_lease(claim=claim, actor=alice)

    claim.refresh_from_db()
    assert claim.lease_expires_at > timezone.now() + timedelta(minutes=29)
    assert kept.lease_expires_at == claim.lease_expires_at
    # As a save's renewal: no state, assignee or verdict changed, so the version (and the
    # forms open on the page) stay as they were, and the history gains nothing.
    assert claim.version == kept.version == 2 and claim.status == Claim.Status.IN_REVIEW
    assert list(claim.events.values_list("action", flat=True)) == ["take"]


def test_a_lease_is_renewed_only_by_its_holder_or_an_editor_while_in_review(alice, bob, erin):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    with pytest.raises(workflow.NotAllowed, match="assigned to alice"):
        workflow.claim_renew_lease(claim=claim, actor=bob)
    workflow.claim_renew_lease(claim=claim, actor=erin)
    # An editor keeping someone else's claim from the queue leaves a trace; the holder's
    # own "Keep it" does not (as a save's renewal).
    renewal = claim.events.get(action="renew")
    assert renewal.actor == erin and renewal.payload == {"assignee": alice.pk}
    with pytest.raises(workflow.Conflict):
        workflow.claim_renew_lease(claim=claim, actor=alice, version=1)

    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() - timedelta(minutes=1))
    workflow.expire_leases()
    with pytest.raises(workflow.InvalidTransition, match="back in the queue"):
        workflow.claim_renew_lease(claim=claim, actor=alice)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW and claim.lease_expires_at is None


def test_it_writes_an_append_only_history(alice):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    workflow.verdict_set(
        claim=claim, rating=rating("false"), summary="No.", version=claim.version, actor=alice
    )
    events = list(claim.events.values_list("action", flat=True))
    assert events == ["take", "verdict"]
    event = claim.events.first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_it_lets_editors_bump_priority(alice, erin):
    claim = ClaimFactory(priority=0.2)
    ClaimFactory(priority=0.5)
    with pytest.raises(workflow.NotAllowed):
        workflow.claim_bump(claim=claim, actor=alice, amount=1)
    workflow.claim_bump(claim=claim, actor=erin, amount=1)
    assert workflow.claim_take_next(reviewer=alice).pk == claim.pk


def test_priority_rises_with_score_recency_and_spread():
    now = timezone.now()
    base = workflow.priority_for(score=0.5, published_at=now, seen_in=1, now=now)
    assert workflow.priority_for(score=0.9, published_at=now, seen_in=1, now=now) > base
    older = workflow.priority_for(
        score=0.5, published_at=now - timedelta(days=4), seen_in=1, now=now
    )
    assert older < base
    assert workflow.priority_for(score=0.5, published_at=now, seen_in=3, now=now) > base
    assert base == pytest.approx(0.6 * 0.5 + 0.25)


def test_it_raises_the_priority_of_a_claim_seen_in_more_articles():
    from claims import ingestion

    text = "The minister said the grain deal collapsed."
    first = ingestion.process_article(
        ingestion.submit_text(text, url="https://a.example.org/1").article.pk
    )
    before = first.claims.get().priority
    ingestion.process_article(
        ingestion.submit_text(f"Markets fell.\n\n{text}", url="https://b.example.org/2").article.pk
    )
    twin = first.claims.get()
    assert twin.priority == pytest.approx(before + 0.15 * 0.25)
    # Storing the same article again adds nothing.
    ingestion.store_claims(first)
    assert first.claims.get().priority == pytest.approx(twin.priority)


def _as_flagged(claim: Claim, seen_in: int) -> float:
    published = claim.article.published_at or claim.article.created_at
    return workflow.priority_for(
        score=claim.score, published_at=published, seen_in=seen_in, now=claim.created_at
    )


@pytest.mark.parametrize("back", ["release", "lease runs out"])
def test_a_copy_that_arrives_while_a_claim_is_in_review_counts_when_it_is_back(alice, back):
    from claims import ingestion
    from claims.models import CuePattern

    text = "The minister said the grain deal collapsed."
    first = ingestion.process_article(ingestion.submit_text(text, title="One").article.pk)
    claim = workflow.claim_take(claim=first.claims.get(), reviewer=alice)
    second = ingestion.process_article(
        ingestion.submit_text(f"Markets fell.\n\n{text}", title="Two").article.pk
    )
    if back == "release":
        workflow.claim_release(claim=claim, actor=alice)
    else:
        Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now())
        assert workflow.expire_leases() == 1
    claim.refresh_from_db()
    # Only queued claims were raised: back in the queue, it ranked as if seen once.
    assert claim.priority == pytest.approx(_as_flagged(claim, seen_in=2))

    # The copy is no longer flagged: the claim is lowered by what it was raised, no more.
    CuePattern.objects.filter(text__iexact="said").update(enabled=False)
    assert ingestion.redetect(second) == (0, 1)
    claim.refresh_from_db()
    assert claim.priority == pytest.approx(_as_flagged(claim, seen_in=1))


def test_the_admin_role_manages_the_lexicon_in_the_admin_site(client):
    admin_role = UserFactory(username="adminrole", role="admin", is_staff=True)
    editor = UserFactory(username="editorrole", role="editor", is_staff=True)
    client.force_login(admin_role)
    assert client.get("/admin/claims/cuepattern/").status_code == 200
    client.force_login(editor)
    assert client.get("/admin/claims/cuepattern/").status_code == 200  # view only
    assert client.get("/admin/claims/cuepattern/add/").status_code == 403
    assert client.get("/admin/claims/feed/add/").status_code == 200


def test_a_claim_under_correction_stays_public_with_its_published_verdict(alice, erin, ed):
    from claims.claimreview import claim_review, published_claims

    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    claim = workflow.claim_reopen(claim=claim, actor=erin, reason="New records.")
    workflow.verdict_set(
        claim=claim, rating=rating("true"), summary="Draft.", version=claim.version, actor=erin
    )

    public = published_claims().get(pk=claim.pk)
    review = claim_review(public, public.published_verdicts)
    assert review["reviewRating"]["alternateName"] == "False"
    assert review["reviewBody"] == "Records show no such thing."


def test_a_correction_in_draft_changes_nothing_the_public_sees(client, alice, erin, ed):
    # The draft's wording and sources went public at once, beside the old rating.
    from claims.claimreview import claim_review, published_claims
    from claims.models import Evidence

    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    original = list(claim.evidence.values_list("url", flat=True))
    claim = workflow.claim_reopen(claim=claim, actor=erin, reason="New records.")
    workflow.evidence_add(
        claim=claim, actor=erin, url="https://draft.example.org/unvetted", stance="supports"
    )
    workflow.evidence_remove(evidence=Evidence.objects.get(url=original[0]), actor=erin)
    claim = workflow.verdict_set(
        claim=claim,
        rating=rating("true"),
        summary="Draft.",
        version=Claim.objects.get(pk=claim.pk).version,
        actor=erin,
        claim_reviewed="DRAFT WORDING",
    )

    public = published_claims().get(pk=claim.pk)
    review = claim_review(public, public.published_verdicts)
    assert [c["url"] for c in review["citation"]] == original
    assert review["claimReviewed"] != "DRAFT WORDING"
    page = client.get(f"/reviews/{claim.pk}/").content.decode()
    assert original[0] in page and "draft.example.org" not in page and "DRAFT" not in page

    claim = workflow.claim_submit(claim=claim, actor=erin)
    workflow.claim_publish(claim=claim, actor=ed)
    public = published_claims().get(pk=claim.pk)
    review = claim_review(public, public.published_verdicts)
    assert [c["url"] for c in review["citation"]] == ["https://draft.example.org/unvetted"]
    assert review["claimReviewed"] == "DRAFT WORDING"


def test_changing_the_sources_of_a_submitted_verdict_sends_it_back(alice, erin, ed):
    # An editor replaced the reviewer's sources and published at once, with the version
    # the claim had at submission: the citations had no second pair of eyes.
    from claims.models import Evidence

    claim = reviewed_claim(alice)
    version = claim.version
    reviewer_source = Evidence.objects.get(claim=claim)
    workflow.evidence_add(
        claim=claim, actor=erin, url="https://editor.example.org/own", stance="supports"
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW and claim.version > version
    assert claim.verdict.submitted_at is None
    with pytest.raises(workflow.Conflict):
        workflow.claim_publish(claim=claim, actor=erin, version=version)
    workflow.evidence_remove(evidence=reviewer_source, actor=erin)
    claim = workflow.claim_submit(claim=Claim.objects.get(pk=claim.pk), actor=alice)
    # Erin changed the sources: she is no second pair of eyes on them.
    with pytest.raises(workflow.NotAllowed):
        workflow.claim_publish(claim=claim, actor=erin)
    assert workflow.claim_publish(claim=claim, actor=ed).status == Claim.Status.PUBLISHED


def test_only_an_editor_dismisses_a_claim_that_was_published(alice, erin):
    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    claim = workflow.claim_reopen(claim=claim, actor=erin, reason="Check again.")
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() - timedelta(minutes=1))
    workflow.expire_leases()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW

    with pytest.raises(workflow.NotAllowed, match="published verdict"):
        workflow.claim_dismiss(claim=claim, actor=alice, reason="Not check-worthy.")
    assert workflow.claim_dismiss(claim=claim, actor=erin, reason="Retracted.").status == (
        Claim.Status.DISMISSED
    )


def test_take_next_returns_expired_leases_when_no_beat_runs(alice, bob, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() - timedelta(minutes=1))
    assert workflow.claim_take_next(reviewer=bob).pk == claim.pk


def test_a_reason_with_a_nul_character_is_refused(alice):
    claim = ClaimFactory()
    with pytest.raises(workflow.WorkflowError, match=r"control character \(U\+0000\)"):
        workflow.claim_dismiss(claim=claim, actor=alice, reason="x\x00y")
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.NEW


def test_a_submitted_claim_whose_verdict_is_gone_is_not_published(alice, erin):
    claim = reviewed_claim(alice)
    Claim.objects.filter(pk=claim.pk).update(verdict=None)

    with pytest.raises(workflow.InvalidTransition, match="no verdict"):
        workflow.claim_publish(claim=Claim.objects.get(pk=claim.pk), actor=erin)


def test_a_source_removed_twice_at_once_is_removed_and_logged_once(alice):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    source = workflow.evidence_add(
        claim=claim, actor=alice, url="https://records.example.org/1", stance="refutes"
    )
    # Two requests read the source before either removed it.
    first, second = (claim.evidence.get(pk=source.pk) for _ in range(2))

    workflow.evidence_remove(evidence=first, actor=alice)
    with pytest.raises(workflow.InvalidTransition, match="removed already"):
        workflow.evidence_remove(evidence=second, actor=alice)

    assert claim.events.filter(action="evidence_remove").count() == 1


def test_migration_0016_fixes_the_wording_a_verdict_was_published_with(alice, erin):
    # It copied the editor's wording, usually empty: the public page then fell back to the
    # claim's wording as edited in a correction's draft.
    from importlib import import_module

    from django.apps import apps

    from claims.claimreview import short_wording
    from claims.models import Verdict

    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    Verdict.objects.filter(claim=claim).update(claim_reviewed="", citations=[])
    import_module("claims.migrations.0016_verdict_published_wording_and_sources").fix_published(
        apps, None
    )
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.claim_reviewed == short_wording(claim) != ""
    assert [c["url"] for c in verdict.citations] == list(
        claim.evidence.values_list("url", flat=True)
    )


def test_a_dismissed_claim_goes_back_to_the_queue_with_its_history(alice, bob):
    claim = ClaimFactory(priority=0.7)
    with pytest.raises(workflow.InvalidTransition, match="Only a dismissed claim"):
        workflow.claim_restore(claim=claim, actor=alice)
    claim = workflow.claim_dismiss(claim=claim, actor=alice, reason="Looked like opinion.")

    claim = workflow.claim_restore(claim=claim, actor=bob, reason="It is a factual claim.")

    assert claim.status == Claim.Status.NEW and claim.dismiss_reason == ""
    restore = claim.events.get(action="restore")
    assert restore.actor == bob and restore.payload == {
        "status": ["dismissed", "new"],
        "dismissed_for": "Looked like opinion.",
        "reason": "It is a factual claim.",
    }
    assert claim.events.filter(action="dismiss").exists()  # the dismissal stays on record
    assert workflow.claim_take_next(reviewer=alice).pk == claim.pk


def test_restoring_a_claim_checks_role_version_and_reason(alice, nobody):
    claim = workflow.claim_dismiss(claim=ClaimFactory(), actor=alice, reason="Opinion.")
    with pytest.raises(workflow.NotAllowed):
        workflow.claim_restore(claim=claim, actor=nobody)
    with pytest.raises(workflow.Conflict):
        workflow.claim_restore(claim=claim, actor=alice, version=claim.version - 1)
    with pytest.raises(workflow.WorkflowError, match=r"control character \(U\+0000\)"):
        workflow.claim_restore(claim=claim, actor=alice, reason="a\x00b")
    claim = workflow.claim_restore(claim=claim, actor=alice, version=claim.version)
    assert claim.status == Claim.Status.NEW
    assert "reason" not in claim.events.get(action="restore").payload


def test_a_restored_claim_gets_the_priority_its_twins_gave_it_while_dismissed(alice):
    first = ClaimFactory(fingerprint="f" * 40)
    first = workflow.claim_dismiss(claim=first, actor=alice, reason="Opinion.")
    # The same claim turns up in a second article while the first one is dismissed.
    ClaimFactory(fingerprint="f" * 40)

    restored = workflow.claim_restore(claim=first, actor=alice)

    def priority(seen_in):
        published = first.article.published_at or first.article.created_at
        return workflow.priority_for(
            score=first.score, published_at=published, seen_in=seen_in, now=first.created_at
        )

    assert restored.priority == pytest.approx(priority(2)) and priority(2) > priority(1)


def test_only_an_editor_restores_a_claim_that_was_published(alice, erin):
    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    claim = workflow.claim_reopen(claim=claim, actor=erin, reason="Check again.")
    claim = workflow.claim_dismiss(claim=claim, actor=erin, reason="Retracted.")
    with pytest.raises(workflow.NotAllowed, match="published verdict"):
        workflow.claim_restore(claim=claim, actor=alice)
    assert workflow.claim_restore(claim=claim, actor=erin).status == Claim.Status.NEW


def _submitted_on_an_editors_source(reviewer, editor) -> Claim:
    """A claim whose only source the editor added before the reviewer wrote and submitted
    the verdict."""
    claim = workflow.claim_assign(claim=ClaimFactory(), assignee=reviewer, actor=editor)
    workflow.evidence_add(
        claim=claim, actor=editor, url="https://editor.example.org/record", stance="refutes"
    )
    claim = Claim.objects.get(pk=claim.pk)
    claim = workflow.verdict_set(
        claim=claim, rating=rating("false"), summary="No.", version=claim.version, actor=reviewer
    )
    return workflow.claim_submit(claim=claim, actor=reviewer)


def test_an_editor_who_added_a_source_before_the_verdict_does_not_publish_it(alice, erin, ed):
    # The editor added the only source while the reviewer was still researching; the
    # verdict written afterwards rests on it: she is no second pair of eyes on it.
    claim = _submitted_on_an_editors_source(alice, erin)

    assert not workflow.may_approve(erin, claim.verdict)
    with pytest.raises(workflow.NotAllowed):
        workflow.claim_publish(claim=claim, actor=erin)
    assert workflow.claim_publish(claim=claim, actor=ed).status == Claim.Status.PUBLISHED


def test_sources_an_editor_gave_a_published_round_do_not_bar_them_from_the_next(alice, erin, ed):
    claim = workflow.claim_publish(claim=_submitted_on_an_editors_source(alice, erin), actor=ed)
    # A correction: Alice rewrites the verdict; Erin's source was vetted by Ed already.
    claim = workflow.claim_reopen(claim=claim, actor=ed, reason="A new record.")
    claim = workflow.claim_assign(claim=claim, assignee=alice, actor=ed)
    claim = workflow.verdict_set(
        claim=claim, rating=rating("false"), summary="Still no.", version=claim.version, actor=alice
    )
    claim = workflow.claim_submit(claim=claim, actor=alice)
    assert workflow.claim_publish(claim=claim, actor=erin).status == Claim.Status.PUBLISHED


def test_text_for_the_public_page_may_not_hold_a_direction_override(alice):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    with pytest.raises(workflow.WorkflowError, match="direction override") as refused:
        workflow.verdict_set(
            claim=claim,
            rating=rating("false"),
            summary="This is \u202eeslaf",
            version=claim.version,
            actor=alice,
        )
    assert refused.value.field == "summary"
    with pytest.raises(workflow.WorkflowError, match="direction override") as refused:
        workflow.evidence_add(
            claim=claim,
            actor=alice,
            url="https://records.example.org/a",
            stance="refutes",
            title="Record \u202dA",
        )
    assert refused.value.field == "title"
    # A right-to-left mark in Arabic or Hebrew text is fine.
    workflow.evidence_add(
        claim=claim,
        actor=alice,
        url="https://records.example.org/b",
        stance="refutes",
        title="\u200fسجل المحكمة",
    )


def test_text_of_invisible_characters_only_is_blank(alice):
    # A summary of zero-width spaces was published as the review's rationale.
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    for blank in ["\u200b\u200b", "\u2060 \ufeff", "\u00ad\u200d"]:
        with pytest.raises(workflow.WorkflowError, match="needs a summary"):
            workflow.verdict_set(
                claim=claim, rating=rating("false"), summary=blank, version=None, actor=alice
            )
        with pytest.raises(workflow.WorkflowError, match="Say why"):
            workflow.claim_dismiss(claim=claim, actor=alice, reason=blank)


@pytest.mark.parametrize("control", ["\x08", "\x1b", "\x07", "\x7f", "\x85", "\x9b"])
def test_text_a_reviewer_writes_may_not_hold_control_characters(alice, control):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    with pytest.raises(workflow.WorkflowError, match="control character") as refused:
        workflow.verdict_set(
            claim=claim,
            rating=rating("false"),
            summary=f"Rated{control}True.",
            version=None,
            actor=alice,
        )
    assert refused.value.field == "summary"
    with pytest.raises(workflow.WorkflowError, match="control character") as refused:
        workflow.evidence_add(
            claim=claim,
            actor=alice,
            url="https://records.example.org/a",
            stance="refutes",
            publisher=f"{control}Harbour",
        )
    assert refused.value.field == "publisher"
    with pytest.raises(workflow.WorkflowError, match="control character"):
        workflow.claim_dismiss(claim=claim, actor=alice, reason=f"Opinion{control}.")
    # Lines and tabs are text.
    workflow.verdict_set(
        claim=claim,
        rating=rating("false"),
        summary="Records show\nno such\tthing.\r\n",
        version=None,
        actor=alice,
    )


def test_a_correction_note_may_not_hold_a_direction_override(alice, erin):
    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    with pytest.raises(workflow.WorkflowError, match="direction override"):
        workflow.claim_reopen(claim=claim, actor=erin, reason="Fixed \u202eeslaf")
