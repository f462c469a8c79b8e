"""The review page of one claim and its actions: verdict, evidence, submit, publish…"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from claims import workflow
from claims.api.serializers import as_id
from claims.forms import EvidenceForm, VerdictForm
from claims.models import (
    CLAIM_ARTICLE_BODY,
    Claim,
    CuePattern,
    Evidence,
    Rating,
    ReviewEvent,
    Verdict,
)
from claims.templatetags.desk import context_window, cue_reason, highlight
from claims.views.access import (
    _back,
    _desk,
    _fail,
    _post_only,
    htmx_redirect,
    last_sent_back,
    queue_url,
)
from claims.workflow import EDITOR, REVIEWER


def _claim_for_review(pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related(
            "article__feed", "assignee", "verdict__rating", "verdict__reviewer"
        )
        # The sentences around the claim come from the article's text; not its HTML.
        .defer("article__raw_html", "article__entry_text")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("added_by")),
            Prefetch("covers", queryset=Claim.objects.select_related("verdict__rating")),
            Prefetch("covered_by", queryset=Claim.objects.select_related("verdict__rating")),
            Prefetch("events", queryset=ReviewEvent.objects.select_related("actor")),
            Prefetch(
                "verdicts",
                queryset=Verdict.objects.select_related("rating", "reviewer", "approver"),
            ),
        ),
        pk=pk,
    )


def _review_context(request, claim: Claim, **extra) -> dict:
    user = request.user
    is_editor = workflow.has_role(user, EDITOR)
    holds = claim.assignee_id == user.pk
    in_review = claim.status in (Claim.Status.IN_REVIEW, Claim.Status.REVIEWED)
    was_published = any(v.published_at for v in claim.verdicts.all())
    text = claim.article.text
    lo, hi = context_window(text, claim.start, claim.end)
    # Other claims of the article inside the window are marked too, as links.
    neighbours = [claim] + [
        c
        for c in claim.article.claims.filter(start__lt=hi, end__gt=lo)
        .exclude(pk=claim.pk)
        .only(
            "pk",
            "start",
            "end",
            "status",
            "category",
            "score",
            "cues",
            "speaker_start",
            "speaker_end",
        )
    ]
    # The detector's JSON; anything malformed (a hand edit) is left out, not a 500.
    cues = [c for c in claim.cues if isinstance(c, dict)] if isinstance(claim.cues, list) else []
    cue_words = {str(c.get("text", "")).lower() for c in cues}
    notes = dict(
        CuePattern.objects.filter(text__in=cue_words).exclude(note="").values_list("text", "note")
    )
    twins = (
        Claim.objects.filter(fingerprint=claim.fingerprint)
        .exclude(pk=claim.pk)
        .select_related("article", "verdict__rating")
        .defer(*CLAIM_ARTICLE_BODY)[:20]
    )
    verdict = claim.verdict
    verdict_form = extra.pop("verdict_form", None) or VerdictForm(
        initial={
            "rating": verdict.rating_id if verdict and not verdict.published_at else None,
            "summary": verdict.summary if verdict and not verdict.published_at else "",
            "claim_reviewed": claim.claim_reviewed,
            "version": claim.version,
        }
    )
    can_edit = in_review and (holds or is_editor)
    return {
        "claim": claim,
        # Each cue with its reason in words (on the text, a tooltip only a mouse reaches).
        "cues": [(cue, cue_reason(cue, notes)) for cue in cues],
        "article": claim.article,
        "context_html": highlight(
            text[lo:hi], neighbours, base=lo, current_id=claim.pk, notes=notes
        ),
        "context_clipped": (lo > 0, hi < len(text)),
        "context_has_neighbours": len(neighbours) > 1,
        "twins": twins,
        "verdict": verdict,
        "history": claim.verdicts.all(),
        # The history's verdict events store rating slugs: shown by their labels.
        "rating_labels": dict(Rating.objects.values_list("slug", "label")),
        "verdict_form": verdict_form,
        "evidence_form": extra.pop("evidence_form", None) or EvidenceForm(),
        "evidence_message": extra.pop("evidence_message", None),
        "is_editor": is_editor,
        "holds": holds,
        "can_edit": can_edit,
        "can_submit": claim.status == Claim.Status.IN_REVIEW
        and (holds or is_editor)
        and verdict is not None
        and verdict.published_at is None,
        "can_publish": claim.status == Claim.Status.REVIEWED
        and verdict is not None
        and workflow.may_approve(user, verdict),
        "waiting_note": _waiting_note(user, claim, is_editor),
        # An editor sends a verdict back rather than edit it (which would make it theirs).
        "can_send_back": claim.status == Claim.Status.REVIEWED
        and is_editor
        and verdict is not None,
        "sent_back": last_sent_back(claim, claim.events.all()),
        # A claim that has a published verdict (under correction) is an editor's to drop.
        "can_dismiss": claim.status in (Claim.Status.NEW, Claim.Status.IN_REVIEW)
        and (is_editor or (not was_published and (holds or claim.status == Claim.Status.NEW))),
        "can_take": claim.status == Claim.Status.NEW and claim.assignee_id is None,
        "can_reopen": claim.status == Claim.Status.PUBLISHED and is_editor,
        "can_restore": claim.status == Claim.Status.DISMISSED and (is_editor or not was_published),
        "can_release": claim.status == Claim.Status.IN_REVIEW and (holds or is_editor),
        "can_assign": is_editor and claim.status in (Claim.Status.NEW, Claim.Status.IN_REVIEW),
        "reviewers": get_user_model()
        .objects.filter(groups__name__in=[REVIEWER, EDITOR, "admin"], is_active=True)
        .distinct()
        .order_by("username")
        if is_editor
        else [],
        "nav": "queue",
        "queue_url": queue_url(request),
        **extra,
    }


def _waiting_note(user, claim: Claim, is_editor: bool) -> str:
    """Why a submitted claim shows no publish button to this user."""
    if claim.status != Claim.Status.REVIEWED or claim.verdict is None:
        return ""
    if is_editor:
        return workflow.why_not_approve(user, claim.verdict)
    return "Submitted: waiting for an editor's approval."


@_desk()
def claim_review_page(request, pk: int):
    claim = _claim_for_review(pk)
    return render(request, "desk/claim.html", _review_context(request, claim))


@_desk()
@_post_only("claim-review", with_pk=True)
def claim_verdict(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    form = VerdictForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            workflow.verdict_set(
                claim=claim,
                rating=data["rating"],
                summary=data["summary"],
                version=data["version"],
                actor=request.user,
                claim_reviewed=data["claim_reviewed"],
            )
        except workflow.Conflict:
            # The claim changed: show what it is now next to this text, overwrite nothing.
            fresh = _claim_for_review(pk)
            kept = VerdictForm(
                initial={**data, "rating": data["rating"].pk, "version": fresh.version}
            )
            context = _review_context(
                request, fresh, verdict_form=kept, conflict=True, unsaved=_typed(form)
            )
            messages.error(request, "Your verdict was not saved: the claim changed. See below.")
            return render(request, "desk/claim.html", context, status=409)
        except workflow.WorkflowError as exc:
            if exc.field in form.fields:
                # Beside the field, as the form's own errors are, with the text kept in it.
                form.add_error(exc.field, str(exc))
            else:
                _fail(request, exc)
        else:
            messages.success(request, "Verdict saved.")
            return redirect("claim-review", pk=pk)
    fresh = _claim_for_review(pk)
    return render(
        request, "desk/claim.html", _review_context(request, fresh, verdict_form=form), status=400
    )


def _evidence_panel(request, pk: int, *, form=None, message=None, unsaved=(), status=200):
    """The evidence panel alone, for htmx, or the whole page otherwise."""
    fresh = _claim_for_review(pk)
    fragment = bool(request.headers.get("HX-Request"))
    context = _review_context(
        request,
        fresh,
        evidence_form=form,
        evidence_message=message,
        evidence_unsaved=unsaved,
        evidence_fragment=fragment,  # sends the lease note along: a change renews the lease
    )
    template = "desk/_evidence.html" if fragment else "desk/claim.html"
    return render(request, template, context, status=status)


@_desk()
@_post_only("claim-review", with_pk=True)
def claim_evidence_add(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        return _evidence_panel(request, pk, form=form, status=400)
    try:
        evidence = workflow.evidence_add(claim=claim, actor=request.user, **form.cleaned_data)
    except workflow.WorkflowError as exc:
        # The form may be gone (the claim was released): what was typed is shown back.
        return _evidence_panel(
            request,
            pk,
            form=form,
            message=("error", str(exc)),
            unsaved=_typed(form),
            status=400,
        )
    if evidence.claim.status != claim.status:
        return _whole_page(request, pk, "Evidence added.")
    if request.headers.get("HX-Request"):
        return _evidence_panel(request, pk, message=("success", "Evidence added."))
    messages.success(request, "Evidence added.")
    return redirect(reverse("claim-review", args=[pk]) + "#evidence")


def _whole_page(request, pk: int, done: str):
    """After a change of sources took a submitted claim back to review: the status, the
    version and the buttons change too, so the whole page is shown again, not the panel."""
    messages.success(request, f"{done} The claim went back to review: submit it again.")
    # No "#evidence": htmx sets location.href, and the page's own address plus a fragment
    # only scrolls, loading nothing. Loaded at its top, the page shows the message and the
    # new status first (a reload could send again the form a 400 page came from).
    url = reverse("claim-review", args=[pk])
    if request.headers.get("HX-Request"):
        return htmx_redirect(url)
    return redirect(url)


@_desk()
@_post_only("claim-review", with_pk=True)
def claim_evidence_remove(request, pk: int, evidence_id: int):
    evidence = Evidence.objects.select_related("claim").filter(pk=evidence_id, claim_id=pk).first()
    if evidence is None:  # removed from another page since this one was loaded
        get_object_or_404(Claim, pk=pk)
        message = ("error", "This source was removed already.")
    else:
        try:
            claim = workflow.evidence_remove(evidence=evidence, actor=request.user)
        except workflow.WorkflowError as exc:
            message = ("error", str(exc))
        else:
            if claim.status != evidence.claim.status:
                return _whole_page(request, pk, "Evidence removed.")
            message = ("success", "Evidence removed.")
    if request.headers.get("HX-Request"):
        return _evidence_panel(request, pk, message=message)
    getattr(messages, message[0])(request, message[1])
    return redirect(reverse("claim-review", args=[pk]) + "#evidence")


@_desk()
@_post_only("claim-review", with_pk=True)
def claim_renew(request, pk: int):
    """Keep the claim: its lease starts again (the "Keep it" of the warning shown before
    it ends). htmx gets the lease note back; a plain form, the page with a message."""
    claim = get_object_or_404(Claim.objects.select_related("assignee"), pk=pk)
    try:
        claim = workflow.claim_renew_lease(claim=claim, actor=request.user)
    except workflow.WorkflowError as exc:
        error = str(exc)
    else:
        error = ""
    if request.headers.get("HX-Request"):
        context = {
            "claim": claim,
            "holds": not error,
            "lease_kept": not error,
            "lease_error": error,
        }
        return render(request, "desk/_lease_note.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        ends = timezone.localtime(claim.lease_expires_at)
        messages.success(
            request, f"You keep the claim: its lease now ends at {date_format(ends, 'H:i T')}."
        )
    return redirect("claim-review", pk=pk)


def _typed(form) -> list[tuple[str, str]]:
    """What the user typed into a form that could not be applied, to show it back to them
    when the form itself is no longer offered (the claim moved on meanwhile)."""
    shown = []
    for name, value in form.cleaned_data.items():
        if name == "version" or value in ("", None):
            continue
        labels = dict(getattr(form.fields[name], "choices", ()))
        shown.append((form[name].label, str(labels.get(value, value))))
    return shown


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return as_id(value)


REASON_LABELS = {
    "dismiss": "Dismiss reason",
    "reopen": "Correction note",
    "send-back": "Why it goes back",
}


@_desk()
@_post_only("claim-review", with_pk=True)
def claim_action(request, pk: int, action: str):
    """Take, submit, publish, send back, dismiss, restore, reopen, release or assign a
    claim."""
    claim = get_object_or_404(Claim.objects.select_related("assignee"), pk=pk)
    user, version = request.user, _version(request)
    if version is None and request.POST.get("version"):
        # Sent but not a version: never skip the stale-edit check because of it.
        messages.error(request, "This page is out of date or was altered; reload it and retry.")
        return redirect("claim-review", pk=pk)
    reason = request.POST.get("reason", "")
    done = {
        "submit": "Submitted for an editor's approval.",
        "publish": "Published.",
        "send-back": "Sent back to its reviewer.",
        "dismiss": "Dismissed.",
        "reopen": "Reopened for a correction.",
        "restore": "Put back in the queue.",
        "take": "The claim is yours.",
        "release": "Released back to the queue.",
        "assign": "Assigned.",
    }
    try:
        if action == "submit":
            workflow.claim_submit(claim=claim, actor=user, version=version)
        elif action == "publish":
            workflow.claim_publish(claim=claim, actor=user, version=version)
        elif action == "send-back":
            claim = workflow.claim_send_back(
                claim=claim, actor=user, reason=reason, version=version
            )
            if claim.assignee is None:  # its reviewer can no longer review
                done[action] = "Sent back to the queue: its reviewer can no longer review."
        elif action == "dismiss":
            workflow.claim_dismiss(claim=claim, actor=user, reason=reason, version=version)
        elif action == "reopen":
            workflow.claim_reopen(claim=claim, actor=user, reason=reason, version=version)
        elif action == "take":
            workflow.claim_take(claim=claim, reviewer=user, version=version)
        elif action == "restore":
            workflow.claim_restore(claim=claim, actor=user, reason=reason, version=version)
        elif action == "release":
            workflow.claim_release(claim=claim, actor=user, version=version)
        elif action == "assign":
            assignee = (
                get_user_model().objects.filter(pk=as_id(request.POST.get("assignee")) or 0).first()
            )
            if assignee is None:  # a user deleted meanwhile, or an altered form
                messages.error(request, "Choose a reviewer from the list to assign the claim to.")
                return redirect("claim-review", pk=pk)
            workflow.claim_assign(claim=claim, assignee=assignee, actor=user, version=version)
        else:
            raise Http404("No such action.")
    except workflow.WorkflowError as exc:
        if action in REASON_LABELS and exc.field == "reason":
            # Said beside the field, as a form's errors are, with what was typed in it.
            kept = {"action": action, "reason": reason, "error": str(exc)}
            context = _review_context(request, _claim_for_review(pk), kept=kept)
            return render(request, "desk/claim.html", context, status=400)
        if reason.strip() and action in REASON_LABELS and isinstance(exc, workflow.Conflict):
            messages.error(
                request,
                "The claim changed since you loaded this page, so nothing was done. Your "
                "text is kept below: check the claim, then send it again.",
            )
        else:
            _fail(request, exc)
        if reason.strip() and action in REASON_LABELS:
            # Not redirected: the page comes back with the note typed, not an empty box.
            kept = {"action": action, "reason": reason}
            unsaved = [(REASON_LABELS[action], reason)]
            context = _review_context(request, _claim_for_review(pk), kept=kept, unsaved=unsaved)
            status = 409 if isinstance(exc, workflow.Conflict) else 400
            return render(request, "desk/claim.html", context, status=status)
        if isinstance(exc, workflow.NotAllowed):
            return redirect("claim-review", pk=pk)
    else:
        messages.success(request, done[action])
        if action in ("dismiss", "release") and request.POST.get("next"):
            return _back(request, reverse("queue"))
    return redirect("claim-review", pk=pk)
