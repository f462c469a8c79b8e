"""Every state change of a claim, in one place, for the API and the dashboard alike.

new → in_review (assigned, with a lease) → reviewed (verdict submitted) → published;
reviewed → in_review (an editor sends it back to its reviewer, with a reason);
new/in_review → dismissed (with a reason); published → in_review (reopened for a correction).
Each function checks the actor's role and the claim's state, writes a ReviewEvent, and
raises a WorkflowError subclass otherwise. Every change bumps `Claim.version`, so an edit
based on an older version is refused (optimistic locking). Renewing a lease (by itself, or
as a side effect of a save) is no change of the claim: no event, no new version.
"""

from __future__ import annotations

import json
import math
import re
import time
import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from claims.claimreview import short_wording
from claims.fetching import CONTROL_CHARACTERS, normalised_url
from claims.models import (
    CLAIM_ARTICLE_BODY,
    Article,
    Claim,
    Evidence,
    Rating,
    ReviewEvent,
    Verdict,
)

REVIEWER, EDITOR, ADMIN = "reviewer", "editor", "admin"
_RANK = {None: 0, REVIEWER: 1, EDITOR: 2, ADMIN: 3}


class WorkflowError(Exception):
    """A request the workflow refuses; the message says why, and `field` which input is
    at fault when one is."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotAllowed(WorkflowError):
    """The actor's role does not allow this action."""


class InvalidTransition(WorkflowError):
    """The claim's state does not allow this action."""


class ClaimGone(WorkflowError):
    """The claim no longer exists (detection run again removed it meanwhile)."""


class Conflict(WorkflowError):
    """The edit was based on an old version of the claim."""

    def __init__(self, message: str, claim: Claim | None = None):
        super().__init__(message)
        self.claim = claim


# --- roles --------------------------------------------------------------------------------


def role_of(user: AbstractBaseUser | None) -> str | None:
    """Return the user's highest role: admin, editor, reviewer, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    cached = getattr(user, "_factcheck_role", "unset")
    if cached == "unset":
        names = set(user.groups.values_list("name", flat=True))
        cached = next((role for role in (ADMIN, EDITOR, REVIEWER) if role in names), None)
        remember_role(user, cached)
    return cached


def remember_role(user, role: str | None) -> None:
    """Keep the role found for ``user`` so role_of does not ask the database again."""
    user._factcheck_role = role


def has_role(user, role: str) -> bool:
    return _RANK[role_of(user)] >= _RANK[role]


def _require(user, role: str, action: str) -> None:
    if not has_role(user, role):
        raise NotAllowed(f"Only a{'n' if role[0] in 'ae' else ''} {role} can {action}.")


# --- priority -----------------------------------------------------------------------------

# priority = 0.6·score + 0.25·recency + 0.15·spread + bump
#   recency: how fresh the article was when the claim was flagged: 1 for one published that
#            moment, halving for every 48 hours it was old by then (its creation time when
#            it has no date). Fixed at flagging (reprioritise works it out as of then too):
#            it does not age while the claim waits, which would mean rewriting the
#            priority of every waiting claim as time passes;
#   spread:  how many other articles carry the same claim (fingerprint), 4 or more → 1.
SCORE_WEIGHT, RECENCY_WEIGHT, SPREAD_WEIGHT = 0.6, 0.25, 0.15
RECENCY_HALF_LIFE_HOURS = 48.0


def priority_for(
    *,
    score: float,
    published_at: datetime | None,
    seen_in: int,
    bump: float = 0.0,
    now: datetime | None = None,
) -> float:
    now = now or timezone.now()
    age_hours = max(0.0, (now - (published_at or now)).total_seconds() / 3600)
    recency = math.pow(0.5, age_hours / RECENCY_HALF_LIFE_HOURS)
    spread = _spread(seen_in)
    return round(SCORE_WEIGHT * score + RECENCY_WEIGHT * recency + SPREAD_WEIGHT * spread + bump, 6)


def _spread(seen_in: int) -> float:
    return min(1.0, max(0, seen_in - 1) / 4)


def prioritise_new_claims(
    article: Article, claims: list[Claim], *, held: frozenset[str] = frozenset()
) -> None:
    """Set the priority of an article's claims (before they are stored) and raise twins'.

    A twin (same fingerprint, another article) only gains while the spread term is not
    yet saturated (up to 5 articles), so this is a handful of UPDATEs whatever the size
    of the twin set. Fingerprints the article already `held` through stored claims were
    counted when those were stored: their twins are not raised again.
    """
    if not claims:
        return
    fingerprints = {claim.fingerprint for claim in claims}
    lock_fingerprints(fingerprints)
    seen_in = _seen_in(article, fingerprints)
    now = timezone.now()
    published = article.published_at or article.created_at or now
    for claim in claims:
        claim.priority = priority_for(
            score=claim.score,
            published_at=published,
            seen_in=seen_in[claim.fingerprint],
            bump=claim.priority_bump,
            now=now,
        )
    _shift_twins(article, {f: n for f, n in seen_in.items() if f not in held}, raise_=True)


def unprioritise_removed_claims(article: Article, claims: list[Claim]) -> None:
    """Undo what prioritise_new_claims gave the twins of claims about to be deleted (when
    detection no longer flags them), so that flagging them again later raises the twins
    once, not twice. Call before deleting."""
    fingerprints = {claim.fingerprint for claim in claims}
    removed = {claim.pk for claim in claims}
    # A fingerprint the article keeps through another claim still counts for it.
    kept = set(
        article.claims.filter(fingerprint__in=fingerprints)
        .exclude(pk__in=removed)
        .values_list("fingerprint", flat=True)
    )
    gone = fingerprints - kept
    if gone:
        _shift_twins(article, _seen_in(article, gone), raise_=False)


def reprioritise(article: Article, claims: list[Claim]) -> None:
    """Work out again the priority of claims of ``article`` (in memory), as of when they
    were flagged, as ingestion did, counting the copies of each seen since."""
    seen_in = _seen_in(article, {claim.fingerprint for claim in claims})
    for claim in claims:
        claim.priority = priority_for(
            score=claim.score,
            published_at=article.published_at or article.created_at,
            seen_in=seen_in[claim.fingerprint],
            bump=claim.priority_bump,
            now=claim.created_at,
        )


#: An article with more distinct fingerprints than this takes one lock for them all.
MAX_FINGERPRINT_LOCKS = 500

# The key of that one lock (PostgreSQL's two-key advisory locks: ingestion's URL locks
# are class 1, the fingerprints' own locks are in the one-key space).
_ALL_FINGERPRINTS = (2, 0)


def lock_fingerprints(fingerprints: set[str]) -> None:
    """On PostgreSQL, hold a lock per fingerprint until the transaction ends.

    Two copies of a wire story processed side by side would each count the other's
    claims before either committed, and neither would get the spread term. With the lock,
    the second waits for the first to commit, then sees its claims. Locks are taken in
    one order, and before any claim row lock (ingestion.redetect takes them first too),
    so two transactions never wait for each other. (SQLite runs one writer at a time.)

    Every article first takes one fixed lock, shared. One with more than
    MAX_FINGERPRINT_LOCKS fingerprints takes that lock exclusively instead of a lock per
    fingerprint: thousands of locks filled PostgreSQL's lock table ("out of shared
    memory"). It then waits for the others and they for it, which a rare article can.
    """
    if connection.vendor != "postgresql" or not fingerprints:
        return
    keys = sorted(int(fingerprint[:15], 16) for fingerprint in fingerprints if fingerprint)
    with connection.cursor() as cursor:
        if len(keys) > MAX_FINGERPRINT_LOCKS:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", _ALL_FINGERPRINTS)
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", _ALL_FINGERPRINTS)
        cursor.execute("SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key", [keys])


def _seen_in(article: Article, fingerprints: set[str]) -> dict[str, int]:
    """How many articles carry each fingerprint, counting `article` as one of them."""
    elsewhere = dict(
        Claim.objects.filter(fingerprint__in=fingerprints)
        .exclude(article=article)
        .values("fingerprint")
        .annotate(n=Count("article", distinct=True))
        .values_list("fingerprint", "n")
    )
    return {fingerprint: elsewhere.get(fingerprint, 0) + 1 for fingerprint in fingerprints}


def _shift_twins(article: Article, seen_in: dict[str, int], *, raise_: bool) -> None:
    """Raise (or lower back) the priority of other articles' claims with these
    fingerprints by the spread term's step at the article count in `seen_in`."""
    by_count: dict[int, list[str]] = {}
    for fingerprint, count in seen_in.items():
        if 2 <= count <= 5:
            by_count.setdefault(count, []).append(fingerprint)
    for count, group in by_count.items():
        delta = SPREAD_WEIGHT * (_spread(count) - _spread(count - 1))
        # Every twin, not only those in the queue: one in review when a copy arrives is
        # back in the queue with it counted if it is released or its lease runs out.
        Claim.objects.filter(fingerprint__in=group).exclude(article=article).update(
            priority=F("priority") + (delta if raise_ else -delta)
        )


# --- helpers ------------------------------------------------------------------------------


def _lease_end() -> datetime:
    return timezone.now() + timedelta(minutes=settings.FACTCHECK_LEASE_MINUTES)


def _lock(claim: Claim | int) -> Claim:
    pk = claim.pk if isinstance(claim, Claim) else claim
    try:
        return Claim.objects.select_for_update().get(pk=pk)
    except Claim.DoesNotExist:
        raise ClaimGone(f"Claim {pk} does not exist.") from None


def _log(claim: Claim, actor, action: str, **payload) -> ReviewEvent:
    return ReviewEvent.objects.create(claim=claim, actor=actor, action=action, payload=payload)


def _moved(before: str, claim: Claim) -> dict:
    """The event's ``status`` entry, [before, after], when the claim's status changed."""
    return {"status": [before, claim.status]} if claim.status != before else {}


def _save(claim: Claim, *fields: str, bump: bool = True) -> None:
    """Save the given fields and, for a change of state or verdict, bump the version."""
    if not bump:
        claim.save(update_fields=[*fields, "updated_at"])
        return
    claim.version = F("version") + 1
    claim.save(update_fields=[*fields, "version", "updated_at"])
    claim.refresh_from_db(fields=["version"])


def _check_version(claim: Claim, version: int | None) -> None:
    if version is not None and int(version) != claim.version:
        raise Conflict(
            f"The claim changed since you loaded it (your version {version}, current "
            f"{claim.version}). Reload it and apply your change again.",
            claim=claim,
        )


def _check_holder(claim: Claim, actor, action: str) -> None:
    """Reviewers act on claims they hold; editors on any claim."""
    _require(actor, REVIEWER, action)
    if claim.assignee_id != actor.pk and not has_role(actor, EDITOR):
        holder = claim.assignee.get_username() if claim.assignee else "nobody"
        raise NotAllowed(
            f"This claim is assigned to {holder}; only they or an editor can {action}."
        )


# --- queue --------------------------------------------------------------------------------


# One statement takes the claim and writes its audit event: this is the hot path of the
# desk, and a round trip per step (select, update, read back, insert) is most of its cost.
# The first CTE walks the partial index "claim_queue" and skips rows other takers hold.
_TAKE_NEXT_SQL = """
WITH next AS (
    SELECT id FROM claims_claim
    WHERE status = 'new' AND assignee_id IS NULL {only_article}
    ORDER BY priority DESC, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
), taken AS (
    UPDATE claims_claim AS claim
    SET status = 'in_review', assignee_id = %(reviewer)s, lease_expires_at = %(lease)s,
        version = claim.version + 1, updated_at = %(now)s
    FROM next WHERE claim.id = next.id
    RETURNING claim.*
), logged AS (
    INSERT INTO claims_reviewevent (claim_id, actor_id, action, payload, created_at)
    SELECT id, %(reviewer)s, 'take', %(payload)s::jsonb, %(now)s FROM taken
)
SELECT * FROM taken
"""


# How long take-next waits, try after try, for waiting claims it skipped as locked: 0.5 s
# in all, longer than detection run again or an editor's bump holds them.
_LOCKED_RETRY_DELAYS = (0.05, 0.1, 0.15, 0.2)


def claim_take_next(*, reviewer, article: int | None = None) -> Claim | None:
    """Assign the highest-priority unassigned claim to `reviewer` (of one article, if
    given), with a lease.

    Two reviewers asking at once never get the same claim: on PostgreSQL the row is
    taken with SELECT … FOR UPDATE SKIP LOCKED; elsewhere a conditional UPDATE claims it
    and a lost race moves on to the next candidate.
    """
    _require(reviewer, REVIEWER, "take claims from the queue")
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker, so no beat to expire leases: do it here, where it matters.
        expire_leases()
    if connection.vendor == "postgresql":
        now = timezone.now()
        params = {
            "reviewer": reviewer.pk,
            "lease": _lease_end(),
            "now": now,
            "payload": json.dumps({"status": [Claim.Status.NEW, Claim.Status.IN_REVIEW]}),
            "article": article,
        }
        only_article = "AND article_id = %(article)s" if article is not None else ""
        sql = _TAKE_NEXT_SQL.format(only_article=only_article)
        for delay in (*_LOCKED_RETRY_DELAYS, None):
            taken = next(iter(Claim.objects.raw(sql, params)), None)
            # Nothing taken, but claims wait: others hold them for a moment (an editor's
            # bump, detection run again, a delete), and a reviewer told the queue is empty
            # would stop. Being taken, they are gone from the queue once that commits.
            if taken is not None or delay is None or not _queue(article).exists():
                return taken
            time.sleep(delay)
    queue = _queue(article)
    for _attempt in range(5):
        with transaction.atomic():
            candidates = list(queue.values_list("pk", flat=True)[:20])
            if not candidates:
                return None
            for pk in candidates:
                taken = Claim.objects.filter(
                    pk=pk, status=Claim.Status.NEW, assignee__isnull=True
                ).update(
                    status=Claim.Status.IN_REVIEW,
                    assignee=reviewer,
                    lease_expires_at=_lease_end(),
                    version=F("version") + 1,
                )
                if taken:
                    claim = (
                        Claim.objects.select_related("article", "assignee")
                        .defer(*CLAIM_ARTICLE_BODY)
                        .get(pk=pk)
                    )
                    _log(claim, reviewer, "take", status=[Claim.Status.NEW, Claim.Status.IN_REVIEW])
                    return claim
    return None


def _queue(article: int | None):
    """The claims waiting for a reviewer, highest priority first (of one article, if
    given)."""
    queue = Claim.objects.filter(status=Claim.Status.NEW, assignee__isnull=True).order_by(
        "-priority", "id"
    )
    return queue if article is None else queue.filter(article_id=article)


@transaction.atomic
def claim_take(*, claim: Claim, reviewer, version: int | None = None) -> Claim:
    """Take one waiting claim (the one a reviewer is reading), rather than the head of
    the queue, with a lease."""
    _require(reviewer, REVIEWER, "take claims from the queue")
    claim = _lock(claim)
    _check_version(claim, version)
    if claim.status != Claim.Status.NEW or claim.assignee_id is not None:
        raise InvalidTransition(
            f"This claim is not waiting in the queue (it is {claim.get_status_display().lower()}"
            f"{f', with {claim.assignee.get_username()}' if claim.assignee else ''})."
        )
    claim.status = Claim.Status.IN_REVIEW
    claim.assignee = reviewer
    claim.lease_expires_at = _lease_end()
    _save(claim, "status", "assignee", "lease_expires_at")
    _log(claim, reviewer, "take", status=[Claim.Status.NEW, Claim.Status.IN_REVIEW])
    return claim


@transaction.atomic
def claim_assign(*, claim: Claim, assignee, actor, version: int | None = None) -> Claim:
    _require(actor, EDITOR, "assign claims")
    if not has_role(assignee, REVIEWER):
        raise WorkflowError(f"{assignee.get_username()} is not a reviewer.")
    claim = _lock(claim)
    _check_version(claim, version)
    if claim.status not in (Claim.Status.NEW, Claim.Status.IN_REVIEW):
        raise InvalidTransition(f"A {claim.get_status_display().lower()} claim cannot be assigned.")
    if claim.status == Claim.Status.IN_REVIEW and claim.assignee_id == assignee.pk:
        # Already theirs: the lease is renewed, and nobody else's view of it goes stale.
        claim.lease_expires_at = _lease_end()
        Claim.objects.filter(pk=claim.pk).update(lease_expires_at=claim.lease_expires_at)
        return claim
    before, status = claim.assignee_id, claim.status
    claim.assignee = assignee
    claim.status = Claim.Status.IN_REVIEW
    claim.lease_expires_at = _lease_end()
    _save(claim, "assignee", "status", "lease_expires_at")
    _log(claim, actor, "assign", assignee=[before, assignee.pk], **_moved(status, claim))
    return claim


@transaction.atomic
def claim_release(*, claim: Claim, actor, version: int | None = None) -> Claim:
    claim = _lock(claim)
    _check_version(claim, version)
    if claim.status != Claim.Status.IN_REVIEW:
        raise InvalidTransition("Only a claim in review can be released.")
    _check_holder(claim, actor, "release it")
    before = claim.assignee_id
    claim.assignee = None
    claim.lease_expires_at = None
    claim.status = Claim.Status.NEW
    _save(claim, "assignee", "lease_expires_at", "status")
    _log(
        claim,
        actor,
        "release",
        assignee=[before, None],
        status=[Claim.Status.IN_REVIEW, Claim.Status.NEW],
    )
    return claim


@transaction.atomic
def claim_renew_lease(*, claim: Claim, actor, version: int | None = None) -> Claim:
    """Keep a claim in review for another lease period (its reviewer's "Keep it").

    As the lease renewals of a saved verdict or a changed source, this leaves the version
    alone: neither state, assignee nor verdict changes, and the forms open on the claim's
    page stay valid. The holder's renewal writes no history event either; an editor's
    renewal of someone else's claim (keeping it from the queue) does.
    """
    claim = _lock(claim)
    _check_version(claim, version)
    if claim.status == Claim.Status.NEW:
        raise InvalidTransition(
            "The claim is back in the queue (its lease ran out, or it was released): take "
            "it again to go on with it."
        )
    if claim.status != Claim.Status.IN_REVIEW:
        raise InvalidTransition(
            f"Only a claim in review has a lease to renew; this one is "
            f"{claim.get_status_display().lower()}."
        )
    _check_holder(claim, actor, "keep it")
    claim.lease_expires_at = _lease_end()
    _save(claim, "lease_expires_at", bump=False)
    if claim.assignee_id != actor.pk:
        _log(claim, actor, "renew", assignee=claim.assignee_id)
    return claim


@transaction.atomic
def claim_bump(*, claim: Claim, actor, amount: float, version: int | None = None) -> Claim:
    """Raise (or lower) a claim's place in the queue; editors only."""
    _require(actor, EDITOR, "change a claim's priority")
    if not amount:
        raise WorkflowError("A bump of 0 changes nothing.", field="amount")
    claim = _lock(claim)
    _check_version(claim, version)
    before = claim.priority
    claim.priority_bump += amount
    claim.priority += amount
    _save(claim, "priority_bump", "priority")
    _log(claim, actor, "bump", priority=[before, claim.priority])
    return claim


def claim_edited(*, claim: Claim, actor, changes: dict[str, list]) -> ReviewEvent | None:
    """Record an edit of a claim made in the admin (its category, its ClaimReview wording,
    the claims a disclaimer covers): ``changes`` maps each field to [before, after].

    Only the history records it (no new version: the claim's state is as it was). The
    event also tells detection run again that someone chose these values.
    """
    if not changes:
        return None
    return _log(claim, actor, "admin_edit", **changes)


def dismiss_unflagged(claims: list[Claim], *, reason: str) -> None:
    """Dismiss claims waiting in the queue that detection run again no longer flags (ones
    with a history, which are kept), by no one, with ``reason`` and an event each."""
    _moved_by_the_system(
        claims,
        "dismiss",
        Claim.Status.DISMISSED,
        dismiss_reason=reason,
        payload=lambda _: {"reason": reason},
    )


def restore_reflagged(claims: list[Claim]) -> None:
    """Put back in the queue claims the system had dismissed because detection no longer
    flagged them, now that it flags them again, by no one, with an event each."""
    _moved_by_the_system(
        claims,
        "restore",
        Claim.Status.NEW,
        dismiss_reason="",
        payload=lambda claim: {"dismissed_for": claim.dismiss_reason},
    )


def _moved_by_the_system(claims, action: str, status: str, *, dismiss_reason: str, payload):
    """Move ``claims`` to ``status`` by no one (detection run again), each with a new
    version and an event: ``action``, its status [before, after], what ``payload(claim)``
    adds, and "by": "system"."""
    if not claims:
        return
    Claim.objects.filter(pk__in=[claim.pk for claim in claims]).update(
        status=status,
        dismiss_reason=dismiss_reason,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    ReviewEvent.objects.bulk_create(
        ReviewEvent(
            claim_id=claim.pk,
            action=action,
            payload={"status": [claim.status, status], **payload(claim), "by": "system"},
        )
        for claim in claims
    )


def note_detection(notes: dict[int, dict]) -> None:
    """Record in claims' history what detection run again says of them (claim id →
    payload: each changed field as [stored, detected], or "flagged": [true, false]), and
    whether the claim took it ("applied"). Neither state nor version changes here."""
    ReviewEvent.objects.bulk_create(
        ReviewEvent(claim_id=pk, action="redetect", payload=payload)
        for pk, payload in notes.items()
    )


def expire_leases() -> int:
    """Return claims whose lease ran out to the queue; return how many."""
    now = timezone.now()
    returned = 0
    expired = Claim.objects.filter(
        status=Claim.Status.IN_REVIEW, lease_expires_at__lt=now
    ).values_list("pk", "assignee_id")
    for claim_id, assignee_id in list(expired):
        with transaction.atomic():
            updated = Claim.objects.filter(
                pk=claim_id, status=Claim.Status.IN_REVIEW, lease_expires_at__lt=now
            ).update(
                status=Claim.Status.NEW,
                assignee=None,
                lease_expires_at=None,
                version=F("version") + 1,
            )
            if updated:
                returned += 1
                payload = {
                    "assignee": assignee_id,
                    "status": [Claim.Status.IN_REVIEW, Claim.Status.NEW],
                    "by": "system",  # no one's action: the lease ran out
                }
                ReviewEvent.objects.create(
                    claim_id=claim_id, action="lease_expired", payload=payload
                )
    return returned


# --- review -------------------------------------------------------------------------------


@transaction.atomic
def verdict_set(
    *,
    claim: Claim,
    rating: Rating,
    summary: str,
    version: int | None,
    actor,
    claim_reviewed: str | None = None,
) -> Claim:
    """Set (or edit) the draft verdict of a claim in review."""
    claim = _lock(claim)
    _check_version(claim, version)
    if claim.status == Claim.Status.PUBLISHED:
        raise InvalidTransition("A published verdict cannot be edited; reopen the claim first.")
    if claim.status not in (Claim.Status.IN_REVIEW, Claim.Status.REVIEWED):
        raise InvalidTransition("Take the claim (or have it assigned) before setting a verdict.")
    _check_holder(claim, actor, "set its verdict")
    summary = (summary or "").strip()
    if _blank(summary):
        raise WorkflowError("A verdict needs a summary.", field="summary")
    _check_published_text(summary=summary, claim_reviewed=claim_reviewed)
    current = claim.verdict
    before = {"rating": current.rating.slug, "summary": current.summary} if current else None
    if current is None or current.published_at is not None:
        reopen = claim.events.filter(action="reopen").order_by("-created_at", "-id").first()
        current = Verdict(
            claim=claim,
            correction_note=(reopen.payload.get("reason", "") if reopen and current else ""),
        )
    current.rating = rating
    current.summary = summary
    current.reviewer = actor
    current.submitted_at = None
    current.save()
    claim.verdict = current
    fields, status = ["verdict"], claim.status
    if claim_reviewed is not None:
        claim.claim_reviewed = claim_reviewed.strip()[:75]
        fields.append("claim_reviewed")
    if claim.status == Claim.Status.REVIEWED:
        # An edit after submission goes back to the reviewer's desk.
        claim.status = Claim.Status.IN_REVIEW
        fields.append("status")
    claim.lease_expires_at = _lease_end() if claim.assignee_id else None
    _save(claim, *fields, "lease_expires_at")
    _log(
        claim,
        actor,
        "verdict",
        before=before,
        after={"rating": rating.slug, "summary": summary},
        **_moved(status, claim),
    )
    return claim


@transaction.atomic
def evidence_add(
    *,
    claim: Claim,
    actor,
    url: str,
    stance: str,
    title: str = "",
    publisher: str = "",
    note: str = "",
) -> Evidence:
    claim = _lock(claim)
    if claim.status not in (Claim.Status.IN_REVIEW, Claim.Status.REVIEWED):
        raise InvalidTransition("Evidence can be added to a claim in review only.")
    _check_holder(claim, actor, "add evidence")
    _check_published_text(title=title, publisher=publisher, note=note)
    if stance not in Evidence.Stance.values:
        raise WorkflowError(
            f"Stance must be one of {', '.join(Evidence.Stance.values)}.", field="stance"
        )
    # HTTPS://Example.org/a is https://example.org/a (but #section-2 is another citation).
    written = normalised_url(url, fragment=True)
    known = claim.evidence.values_list("url", flat=True)
    if any(normalised_url(other, fragment=True) == written for other in known):
        raise WorkflowError("This source is already in the claim's evidence.", field="url")
    evidence = Evidence.objects.create(
        claim=claim,
        url=url,
        stance=stance,
        title=title,
        publisher=publisher,
        note=note,
        added_by=actor,
    )
    status = claim.status
    _sources_changed(claim)
    _log(
        claim,
        actor,
        "evidence_add",
        evidence=evidence.pk,
        url=url,
        stance=stance,
        **_moved(status, claim),
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> Claim:
    claim = _lock(evidence.claim_id)
    if claim.status not in (Claim.Status.IN_REVIEW, Claim.Status.REVIEWED):
        raise InvalidTransition("Evidence can be removed from a claim in review only.")
    _check_holder(claim, actor, "remove evidence")
    # Checked under the claim's lock: someone may have removed it since it was read.
    if not Evidence.objects.filter(pk=evidence.pk, claim=claim).delete()[0]:
        raise InvalidTransition("This source was removed already.")
    status = claim.status
    _sources_changed(claim)
    _log(
        claim,
        actor,
        "evidence_remove",
        evidence=evidence.pk,
        url=evidence.url,
        **_moved(status, claim),
    )
    return claim


def _sources_changed(claim: Claim) -> None:
    """Renew the lease. In review, the verdict is unchanged (same version); after
    submission, changed sources are a changed verdict: back to review, a new version, and
    submitted again before anyone publishes it."""
    claim.lease_expires_at = _lease_end() if claim.assignee_id else None
    if claim.status != Claim.Status.REVIEWED:
        _save(claim, "lease_expires_at", bump=False)
        return
    Verdict.objects.filter(pk=claim.verdict_id).update(submitted_at=None)
    claim.status = Claim.Status.IN_REVIEW
    _save(claim, "status", "lease_expires_at")


#: The longest reason (for a dismissal, a send-back, a correction…): it is shown in full
#: on the claim's page and in its history.
MAX_REASON = 5000


def _reason(reason: str | None, missing: str) -> str:
    reason = (reason or "").strip()
    if _blank(reason):
        raise WorkflowError(missing, field="reason")
    if len(reason) > MAX_REASON:
        raise WorkflowError(
            f"Keep the reason to {MAX_REASON:,} characters (it has {len(reason):,}).",
            field="reason",
        )
    _check_written_text(reason=reason)
    return reason


def _blank(text: str) -> bool:
    """Whether `text` shows nothing: spaces and invisible format characters only (zero-width
    spaces, word joiners, byte-order marks), which `str.strip` keeps."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def _check_written_text(**fields: str | None) -> None:
    """Refuse text a reviewer or an editor wrote that holds a control character (never
    typed on purpose; NUL cannot even be kept by PostgreSQL)."""
    for name, value in fields.items():
        if value and (found := next((c for c in value if c in CONTROL_CHARACTERS), None)):
            raise WorkflowError(
                f"This text holds a control character (U+{ord(found):04X}), which "
                "readers do not see and which can hide the text around it; retype it without.",
                field=name,
            )


#: Right-to-left and left-to-right overrides: they reverse how the text after them reads
#: on the public page ("…\u202eeslaf" shows as "…false"). Other direction marks stay:
#: Arabic and Hebrew text uses them honestly.
_OVERRIDES = re.compile("[\u202d\u202e]")


def _check_published_text(**fields: str | None) -> None:
    """Refuse text bound for the public page that holds a control character or a direction
    override."""
    _check_written_text(**fields)
    for name, value in fields.items():
        if value and _OVERRIDES.search(value):
            raise WorkflowError(
                "This text holds an invisible direction override (U+202D or U+202E), which "
                "would show it reversed on the public page; retype it without.",
                field=name,
            )


def _was_published(claim: Claim) -> bool:
    """Whether a verdict on the claim was ever published (it may be under correction)."""
    return claim.verdicts.filter(published_at__isnull=False).exists()


def _lacks_sources(claim: Claim) -> bool:
    """Whether the claim's verdict needs an evidence source and has none."""
    if claim.verdict is None or not claim.verdict.rating.requires_evidence:
        return False
    return not claim.evidence.exists()


@transaction.atomic
def claim_submit(*, claim: Claim, actor, version: int | None = None) -> Claim:
    """Send the verdict to an editor for approval."""
    claim = _lock(claim)
    _check_version(claim, version)
    if claim.status != Claim.Status.IN_REVIEW:
        raise InvalidTransition("Only a claim in review can be submitted.")
    _check_holder(claim, actor, "submit it")
    verdict = claim.verdict
    if verdict is None or verdict.published_at is not None:
        raise InvalidTransition("Set a verdict before submitting.")
    if not verdict.rating.is_final:
        raise WorkflowError(
            f"“{verdict.rating.label}” is not a final rating; choose a final one to submit."
        )
    if _lacks_sources(claim):
        raise WorkflowError(
            "Add at least one evidence source before submitting, so readers can replicate "
            "the check."
        )
    verdict.submitted_at = timezone.now()
    verdict.save(update_fields=["submitted_at", "updated_at"])
    claim.status = Claim.Status.REVIEWED
    _save(claim, "status")
    _log(claim, actor, "submit", status=[Claim.Status.IN_REVIEW, Claim.Status.REVIEWED])
    return claim


FOUR_EYES = "Another editor must approve your own verdict (four-eyes rule)."
FOUR_EYES_CORRECTION = (
    "Another editor must approve a correction note you wrote when reopening (four-eyes rule)."
)


def may_approve(actor, verdict: Verdict) -> bool:
    return has_role(actor, EDITOR) and not why_not_approve(actor, verdict)


def why_not_approve(actor, verdict: Verdict) -> str:
    """Four eyes: an editor approves others' work; their own (a verdict they wrote, sources
    they changed, the correction note they wrote when reopening) only if they are an admin
    or FACTCHECK_EDITOR_MAY_PUBLISH_OWN allows it. Return why not, or "" (roles aside)."""
    if role_of(actor) == ADMIN or settings.FACTCHECK_EDITOR_MAY_PUBLISH_OWN:
        return ""
    if verdict.reviewer_id == actor.pk:
        return FOUR_EYES
    # Any change of the sources since the claim was last published (another editor vetted
    # the earlier ones), also before this verdict was written: the verdict rests on them.
    events = ReviewEvent.objects.filter(claim_id=verdict.claim_id)
    last_published = events.filter(action="publish").order_by("-created_at", "-id").first()
    since = events.filter(actor=actor)
    if last_published is not None:
        since = since.filter(created_at__gt=last_published.created_at)
    if since.filter(action__in=["evidence_add", "evidence_remove"]).exists():
        return FOUR_EYES
    # The reopen reason is published as the correction note: public words of one person.
    if verdict.correction_note and since.filter(action="reopen").exists():
        return FOUR_EYES_CORRECTION
    return ""


@transaction.atomic
def claim_publish(*, claim: Claim, actor, version: int | None = None) -> Claim:
    """Approve and publish a submitted verdict (four eyes: not one's own, unless allowed)."""
    _require(actor, EDITOR, "publish verdicts")
    claim = _lock(claim)
    _check_version(claim, version)
    if claim.status != Claim.Status.REVIEWED:
        raise InvalidTransition("Only a submitted (reviewed) claim can be published.")
    verdict = claim.verdict
    if verdict is None:
        raise InvalidTransition("There is no verdict to publish; the claim needs one first.")
    if _lacks_sources(claim):
        raise WorkflowError("This verdict has no evidence source left; it cannot be published.")
    if refused := why_not_approve(actor, verdict):
        raise NotAllowed(refused)
    now = timezone.now()
    verdict.approver = actor
    verdict.published_at = now
    verdict.claim_reviewed = short_wording(claim)
    verdict.citations = [
        {"url": e.url, "title": e.title, "publisher": e.publisher, "stance": e.stance}
        for e in claim.evidence.all()
    ]
    verdict.save(
        update_fields=["approver", "published_at", "claim_reviewed", "citations", "updated_at"]
    )
    claim.status = Claim.Status.PUBLISHED
    claim.ever_published = True
    claim.assignee = None
    claim.lease_expires_at = None
    _save(claim, "status", "ever_published", "assignee", "lease_expires_at")
    _log(
        claim,
        actor,
        "publish",
        status=[Claim.Status.REVIEWED, Claim.Status.PUBLISHED],
        verdict=verdict.pk,
    )
    return claim


@transaction.atomic
def claim_send_back(*, claim: Claim, actor, reason: str, version: int | None = None) -> Claim:
    """Return a submitted verdict to its reviewer, saying why: the claim is in review
    again, theirs with a fresh lease (in the queue when they can no longer review), and the
    draft is kept for them to edit (an editor who
    edited it instead would become its reviewer, and four eyes would keep them from
    publishing it)."""
    _require(actor, EDITOR, "send a verdict back to its reviewer")
    claim = _lock(claim)
    _check_version(claim, version)
    reason = _reason(reason, "Say why the verdict is sent back.")
    if claim.status != Claim.Status.REVIEWED:
        raise InvalidTransition("Only a submitted (reviewed) claim can be sent back.")
    verdict = claim.verdict
    if verdict is None:
        raise InvalidTransition("There is no verdict to send back.")
    Verdict.objects.filter(pk=verdict.pk).update(submitted_at=None, updated_at=timezone.now())
    # Its holder, or else whoever wrote the verdict: it goes back to someone's desk. One
    # who can no longer review (deactivated, or no longer a reviewer) would keep it out of
    # everyone's reach until the lease ran out: it goes back to the queue, draft and all.
    holder = claim.assignee or verdict.reviewer
    if holder is not None and has_role(holder, REVIEWER):
        claim.assignee, claim.status = holder, Claim.Status.IN_REVIEW
        claim.lease_expires_at = _lease_end()
    else:
        claim.assignee, claim.status, claim.lease_expires_at = None, Claim.Status.NEW, None
    _save(claim, "status", "assignee", "lease_expires_at")
    _log(
        claim,
        actor,
        "send_back",
        status=[Claim.Status.REVIEWED, claim.status],
        assignee=claim.assignee_id,
        reason=reason,
    )
    return claim


@transaction.atomic
def claim_dismiss(*, claim: Claim, actor, reason: str, version: int | None = None) -> Claim:
    """Take a claim out of the queue as not check-worthy, saying why."""
    claim = _lock(claim)
    _check_version(claim, version)
    reason = _reason(reason, "Say why the claim is dismissed.")
    if claim.status not in (Claim.Status.NEW, Claim.Status.IN_REVIEW):
        raise InvalidTransition(
            f"A {claim.get_status_display().lower()} claim cannot be dismissed."
        )
    if _was_published(claim):
        # Dismissing a claim under correction would withdraw a published fact check.
        _require(actor, EDITOR, "dismiss a claim that has a published verdict")
    elif claim.status == Claim.Status.IN_REVIEW:
        _check_holder(claim, actor, "dismiss it")
    else:
        _require(actor, REVIEWER, "dismiss claims")
    before = claim.status
    claim.status = Claim.Status.DISMISSED
    claim.dismiss_reason = reason
    claim.assignee = None
    claim.lease_expires_at = None
    _save(claim, "status", "dismiss_reason", "assignee", "lease_expires_at")
    _log(claim, actor, "dismiss", status=[before, Claim.Status.DISMISSED], reason=reason)
    return claim


@transaction.atomic
def claim_restore(*, claim: Claim, actor, reason: str = "", version: int | None = None) -> Claim:
    """Put a dismissed claim back in the queue (a dismissal made by mistake, or one whose
    reason no longer holds); the dismissal stays in the history."""
    claim = _lock(claim)
    _check_version(claim, version)
    if claim.status != Claim.Status.DISMISSED:
        raise InvalidTransition("Only a dismissed claim can be put back in the queue.")
    if _was_published(claim):
        # Only an editor could dismiss it (a published fact check): only one undoes that.
        _require(actor, EDITOR, "put back a claim that has a published verdict")
    else:
        _require(actor, REVIEWER, "put claims back in the queue")
    reason = _reason(reason, "") if (reason or "").strip() else ""
    # Its place is worked out again, as of when it was flagged: claims dismissed before
    # twins raised claims in every state missed the copies that came meanwhile.
    reprioritise(claim.article, [claim])
    claim.status = Claim.Status.NEW
    dismissed_for, claim.dismiss_reason = claim.dismiss_reason, ""
    _save(claim, "status", "dismiss_reason", "priority")
    payload = {"status": [Claim.Status.DISMISSED, Claim.Status.NEW], "dismissed_for": dismissed_for}
    if reason:
        payload["reason"] = reason
    _log(claim, actor, "restore", **payload)
    return claim


@transaction.atomic
def claim_reopen(*, claim: Claim, actor, reason: str, version: int | None = None) -> Claim:
    """Reopen a published claim for a correction; the published verdict stays in history."""
    _require(actor, EDITOR, "reopen published claims")
    claim = _lock(claim)
    _check_version(claim, version)
    reason = _reason(reason, "Say why the claim is reopened (the correction note).")
    _check_published_text(reason=reason)  # it is published as the correction note
    if claim.status != Claim.Status.PUBLISHED:
        raise InvalidTransition("Only a published claim can be reopened.")
    claim.status = Claim.Status.IN_REVIEW
    claim.assignee = actor
    claim.lease_expires_at = _lease_end()
    _save(claim, "status", "assignee", "lease_expires_at")
    _log(
        claim,
        actor,
        "reopen",
        status=[Claim.Status.PUBLISHED, Claim.Status.IN_REVIEW],
        reason=reason,
    )
    return claim
