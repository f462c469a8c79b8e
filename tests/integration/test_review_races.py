"""Detection run again, and claims put back in the queue, while others work on the same
claims, on PostgreSQL with real threads: nobody's work is lost or rewritten."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from claims import ingestion, workflow
from claims.detection import fingerprint
from claims.models import Article, Claim, ReviewEvent
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SENTENCE = "The mayor said the bridge would reopen next week."
QUIET = "Nothing else happened today."
TEXT = f"{SENTENCE} {QUIET}"


def in_thread(function, *args, **kwargs) -> tuple[threading.Thread, dict]:
    """Run ``function`` in a thread with its own connection; its result or error lands in
    the returned dict."""
    box: dict = {}

    def run():
        try:
            box["result"] = function(*args, **kwargs)
        except Exception as exc:  # handed to the test, which asserts there is none
            box["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


def as_flagged(claim: Claim) -> float:
    """The priority the claim should have: as ingestion gives it, counting its copies."""
    article = claim.article
    copies = Claim.objects.filter(fingerprint=claim.fingerprint).values("article").distinct()
    return workflow.priority_for(
        score=claim.score,
        published_at=article.published_at or article.created_at,
        seen_in=copies.count(),
        bump=claim.priority_bump,
        now=claim.created_at,
    )


def test_a_claim_bumped_while_detection_runs_again_is_kept(postgres):
    editor = UserFactory(username="erin", role="editor")
    article = ArticleFactory(text=TEXT)
    # A sentence the detector does not flag: running it again would remove the claim.
    start = TEXT.index(QUIET)
    unflagged = ClaimFactory(
        article=article, text=QUIET, start=start, end=len(TEXT), fingerprint=fingerprint(QUIET)
    )
    bumped, answer = threading.Event(), threading.Event()

    def bump_and_answer():
        with transaction.atomic():  # the editor's request, committed once it answers
            workflow.claim_bump(claim=unflagged, actor=editor, amount=0.5)
            bumped.set()
            answer.wait(10)

    editing, edit = in_thread(bump_and_answer)
    bumped.wait(10)
    running, rerun = in_thread(ingestion.redetect, Article.objects.get(pk=article.pk))
    time.sleep(1.0)  # detection now waits for the bump's row lock
    answer.set()
    editing.join()
    running.join()

    assert "error" not in edit and "error" not in rerun, (edit, rerun)
    # PostgreSQL re-checked the locked row's columns, not the join on its history: the
    # claim and the editor's bump were deleted.
    # Now it has a history: it leaves the queue dismissed by the system, and is kept.
    assert Claim.objects.get(pk=unflagged.pk).status == Claim.Status.DISMISSED
    assert ReviewEvent.objects.filter(claim_id=unflagged.pk, action="bump").count() == 1
    assert rerun["result"] == (2, 1)


def test_a_claim_taken_while_detection_runs_again_is_left_as_the_reviewer_saw_it(
    postgres, monkeypatch
):
    reviewer = UserFactory(username="alice", role="reviewer")
    article = ArticleFactory(text=TEXT)
    claim = ClaimFactory(
        article=article,
        text=SENTENCE,
        start=0,
        end=len(SENTENCE),
        category="hedged",
        cues=[],
        speaker="A speaker the reviewer is checking",
        fingerprint=fingerprint(SENTENCE),
    )
    lock_fingerprints, read, go_on = (
        workflow.lock_fingerprints,
        threading.Event(),
        threading.Event(),
    )

    def after_the_take(fingerprints):  # detection has read the claims nobody had touched
        read.set()
        go_on.wait(10)
        lock_fingerprints(fingerprints)

    monkeypatch.setattr(workflow, "lock_fingerprints", after_the_take)
    running, rerun = in_thread(ingestion.redetect, Article.objects.get(pk=article.pk))
    read.wait(10)
    taken = workflow.claim_take(claim=claim, reviewer=reviewer, version=claim.version)
    go_on.set()
    running.join()

    assert "error" not in rerun, rerun
    claim.refresh_from_db()
    assert (claim.status, claim.assignee_id) == ("in_review", reviewer.pk)
    assert (claim.category, claim.speaker, claim.version) == (
        "hedged",
        "A speaker the reviewer is checking",
        taken.version,
    )


def test_a_claim_put_back_while_a_copy_of_it_is_stored_counts_the_copy(postgres):
    reviewer = UserFactory(username="alice", role="reviewer")
    first = ingestion.submit_text(TEXT, title="first").article
    ingestion.process_article(first.pk)
    claim = workflow.claim_dismiss(
        claim=Claim.objects.get(article=first, start=0), actor=reviewer, reason="not now"
    )
    copy = ArticleFactory(text=f"{SENTENCE} Another paragraph entirely.")
    stored, commit = threading.Event(), threading.Event()

    def store_the_copy():  # as process_article does, before it commits
        with transaction.atomic():
            ingestion.store_claims(Article.objects.get(pk=copy.pk))
            stored.set()
            commit.wait(10)

    storing, store = in_thread(store_the_copy)
    stored.wait(10)
    restoring, restore = in_thread(workflow.claim_restore, claim=claim, actor=reviewer)
    time.sleep(1.0)
    commit.set()
    storing.join()
    restoring.join()

    assert "error" not in store and "error" not in restore, (store, restore)
    claim.refresh_from_db()
    assert claim.status == "new"
    assert claim.priority == pytest.approx(as_flagged(claim))
    assert claim.priority > workflow.priority_for(
        score=claim.score, published_at=first.created_at, seen_in=1, now=claim.created_at
    )
