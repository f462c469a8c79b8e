"""The dashboard (queue, review, articles, feeds) and the public review pages.

Views read and render; every change of a claim is a call into `claims.workflow`, whose
errors become messages on the page. Access is checked in one place, `_desk`.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import LoginView, LogoutView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncDate
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from claims import ingestion, tasks, workflow
from claims.api.filters import ClaimFilter
from claims.claimreview import claim_review
from claims.fetching import FetchError, check_url
from claims.forms import (
    ArticleAddForm,
    BulkForm,
    EvidenceForm,
    FeedForm,
    VerdictForm,
)
from claims.models import (
    Article,
    Claim,
    CuePattern,
    Evidence,
    Feed,
    Rating,
    ReviewEvent,
    Verdict,
)
from claims.templatetags.desk import context_window, highlight
from claims.workflow import EDITOR, REVIEWER

PAGE_SIZE = 50
OPEN_STATUSES = [Claim.Status.NEW, Claim.Status.IN_REVIEW, Claim.Status.REVIEWED]


# --- access -------------------------------------------------------------------------------


def _desk(role: str = REVIEWER):
    """Let in users with at least `role`; send anonymous users to the login page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("login"))
            if not workflow.has_role(request.user, role):
                raise PermissionDenied(f"This page is for the {role}s of the desk.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class DeskLoginView(LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True
    next_page = "dashboard"


class DeskLogoutView(LogoutView):
    next_page = "login"


def _back(request, fallback: str) -> HttpResponseRedirect:
    """Redirect to the page the form came from (when it is ours), else to `fallback`."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _fail(request, exc: Exception) -> None:
    messages.error(request, str(exc))


# --- public pages ---------------------------------------------------------------------------


def home(request):
    published = (
        Claim.objects.filter(status=Claim.Status.PUBLISHED)
        .select_related("verdict__rating", "article")
        .order_by("-verdict__published_at")[:20]
    )
    return render(request, "claims/home.html", {"published": published})


def review_public(request, pk: int):
    claim = get_object_or_404(
        Claim.objects.select_related(
            "article", "verdict__rating", "verdict__reviewer"
        ).prefetch_related("evidence", "verdicts"),
        pk=pk,
        status=Claim.Status.PUBLISHED,
    )
    review = claim_review(claim, list(claim.verdicts.all()))
    # JSON inside <script>: escape the characters that could close the tag.
    json_ld = (
        json.dumps(review, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return render(
        request,
        "claims/review_public.html",
        {"claim": claim, "verdict": claim.verdict, "review": review, "json_ld": mark_safe(json_ld)},  # noqa: S308 — escaped above
    )


def ratings_public(request):
    return render(request, "claims/ratings.html", {"ratings": Rating.objects.all()})


# --- dashboard ------------------------------------------------------------------------------

TTV_BUCKETS = [
    ("<1h", 1),
    ("1–4h", 4),
    ("4–24h", 24),
    ("1–3d", 72),
    ("3–7d", 168),
    (">7d", None),
]
AGE_BUCKETS = [("< 1 hour", 1), ("1–24 hours", 24), ("1–7 days", 168), ("> 7 days", None)]


def _bucket(hours: float, buckets) -> str:
    for name, limit in buckets:
        if limit is None or hours < limit:
            return name
    return buckets[-1][0]


@_desk()
def dashboard(request):
    now = timezone.now()
    by_status = dict(Claim.objects.values_list("status").annotate(n=Count("id")))
    statuses = [(s.value, s.label, by_status.get(s.value, 0)) for s in Claim.Status]
    by_category = dict(
        Claim.objects.filter(status__in=OPEN_STATUSES)
        .values_list("category")
        .annotate(n=Count("id"))
    )
    categories = [(c.value, by_category.get(c.value, 0)) for c in Claim.Category]

    mine = (
        Claim.objects.filter(
            assignee=request.user, status__in=[Claim.Status.IN_REVIEW, Claim.Status.REVIEWED]
        )
        .select_related("article", "verdict__rating")
        .order_by("lease_expires_at")[:20]
    )

    to_approve = None
    if workflow.has_role(request.user, EDITOR):
        to_approve = (
            Claim.objects.filter(status=Claim.Status.REVIEWED)
            .select_related("verdict__rating", "verdict__reviewer")
            .order_by("verdict__submitted_at")[:10]
        )

    backlog_created = list(
        Claim.objects.filter(status=Claim.Status.NEW).values_list("created_at", flat=True)
    )
    ages = Counter(_bucket((now - t).total_seconds() / 3600, AGE_BUCKETS) for t in backlog_created)
    backlog = [(name, ages.get(name, 0)) for name, _ in AGE_BUCKETS]
    oldest = min(backlog_created) if backlog_created else None

    since = (now - timedelta(days=29)).date()
    per_day = dict(
        Verdict.objects.filter(published_at__date__gte=since)
        .annotate(day=TruncDate("published_at"))
        .values_list("day")
        .annotate(n=Count("id"))
    )
    published_series = [
        ((since + timedelta(days=i)).strftime("%d %b"), per_day.get(since + timedelta(days=i), 0))
        for i in range(30)
    ]

    durations = [
        (submitted - created).total_seconds() / 3600
        for created, submitted in Verdict.objects.filter(
            submitted_at__isnull=False, submitted_at__gte=now - timedelta(days=90)
        ).values_list("claim__created_at", "submitted_at")[:5000]
    ]
    ttv = Counter(_bucket(h, TTV_BUCKETS) for h in durations)
    ttv_series = [(name, ttv.get(name, 0)) for name, _ in TTV_BUCKETS]
    ttv_median = statistics.median(durations) if durations else None

    feeds = Feed.objects.annotate(article_count=Count("articles")).order_by(
        "-failure_count", "title"
    )[:10]
    activity = ReviewEvent.objects.select_related("actor", "claim").order_by("-created_at", "-id")[
        :15
    ]
    return render(
        request,
        "desk/dashboard.html",
        {
            "statuses": statuses,
            "total": sum(by_status.values()),
            "categories": categories,
            "open_total": sum(by_category.values()),
            "mine": mine,
            "to_approve": to_approve,
            "backlog": backlog,
            "backlog_total": len(backlog_created),
            "oldest": oldest,
            "published_series": published_series,
            "published_total": sum(per_day.values()),
            "ttv_series": ttv_series,
            "ttv_median": ttv_median,
            "ttv_count": len(durations),
            "feeds": feeds,
            "activity": activity,
            "nav": "dashboard",
        },
    )


# --- queue ----------------------------------------------------------------------------------

SORTS = {
    "priority": ("-priority", "id"),
    "score": ("-score", "id"),
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
}


def _queue_params(request) -> QueryDict:
    """The filter parameters, with date inputs made ISO datetimes and open claims by default."""
    params = request.GET.copy()
    for key in ("created_after", "created_before"):
        value = params.get(key, "")
        if len(value) == 10:  # a date from <input type=date>
            params[key] = f"{value}T00:00:00"
    if "status" not in params and not params.get("all"):
        params.setlist("status", OPEN_STATUSES)
    return params


@_desk()
def queue(request):
    params = _queue_params(request)
    base = Claim.objects.select_related("article__feed", "assignee", "verdict__rating")
    claim_filter = ClaimFilter(params, queryset=base, request=request)
    sort = request.GET.get("sort", "priority")
    claims = claim_filter.qs.order_by(*SORTS.get(sort, SORTS["priority"]))
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    without_page = request.GET.copy()
    without_page.pop("page", None)
    reviewers = (
        get_user_model()
        .objects.filter(
            Q(groups__name__in=[REVIEWER, EDITOR, "admin"]) | Q(is_superuser=True), is_active=True
        )
        .distinct()
        .order_by("username")
    )
    return render(
        request,
        "desk/queue.html",
        {
            "page": page,
            "filter": claim_filter,
            "params": params,
            "sort": sort,
            "sorts": SORTS.keys(),
            "query": without_page.urlencode(),
            "statuses": Claim.Status.choices,
            "categories": Claim.Category.choices,
            "feeds": Feed.objects.all(),
            "reviewers": reviewers,
            "is_editor": workflow.has_role(request.user, EDITOR),
            "waiting": Claim.objects.filter(status=Claim.Status.NEW, assignee__isnull=True).count(),
            "nav": "queue",
        },
    )


@_desk()
@require_POST
def take_next(request):
    try:
        claim = workflow.claim_take_next(reviewer=request.user)
    except workflow.WorkflowError as exc:
        _fail(request, exc)
        return redirect("queue")
    if claim is None:
        messages.info(request, "The queue is empty: no unassigned claim is waiting.")
        return redirect("queue")
    return redirect("claim-review", pk=claim.pk)


@_desk()
@require_POST
def queue_bulk(request):
    form = BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, reverse("queue"))
    action = form.cleaned_data["action"]
    assignee = None
    if action == "assign":
        assignee = get_user_model().objects.filter(pk=form.cleaned_data["assignee"]).first()
        if assignee is None:
            messages.error(request, "That reviewer does not exist.")
            return _back(request, reverse("queue"))
    done, failed = 0, []
    for claim in form.cleaned_data["ids"]:
        try:
            if action == "dismiss":
                workflow.claim_dismiss(
                    claim=claim, actor=request.user, reason=form.cleaned_data["reason"]
                )
            elif action == "release":
                workflow.claim_release(claim=claim, actor=request.user)
            else:
                workflow.claim_assign(claim=claim, assignee=assignee, actor=request.user)
            done += 1
        except workflow.WorkflowError as exc:
            failed.append(f"#{claim.pk}: {exc}")
    verb = {"dismiss": "Dismissed", "release": "Released", "assign": "Assigned"}[action]
    if done:
        messages.success(request, f"{verb} {done} claim{'s' if done != 1 else ''}.")
    for problem in failed[:10]:
        messages.error(request, problem)
    return _back(request, reverse("queue"))


# --- claim review ---------------------------------------------------------------------------


def _claim_for_review(pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related(
            "article__feed", "assignee", "verdict__rating", "verdict__reviewer"
        ).prefetch_related(
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
    cue_words = {str(c.get("text", "")).lower() for c in claim.cues if isinstance(c, dict)}
    notes = dict(
        CuePattern.objects.filter(text__in=cue_words).exclude(note="").values_list("text", "note")
    )
    twins = (
        Claim.objects.filter(fingerprint=claim.fingerprint)
        .exclude(pk=claim.pk)
        .select_related("article", "verdict__rating")[:20]
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
        "article": claim.article,
        "context_html": highlight(
            text[lo:hi], neighbours, base=lo, current_id=claim.pk, notes=notes
        ),
        "context_clipped": (lo > 0, hi < len(text)),
        "twins": twins,
        "verdict": verdict,
        "history": claim.verdicts.all(),
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
        "can_publish": claim.status == Claim.Status.REVIEWED and is_editor,
        "can_dismiss": claim.status == Claim.Status.NEW
        or (claim.status == Claim.Status.IN_REVIEW and (holds or is_editor)),
        "can_reopen": claim.status == Claim.Status.PUBLISHED and is_editor,
        "can_release": claim.status == Claim.Status.IN_REVIEW and (holds or is_editor),
        "can_assign": is_editor and claim.status in (Claim.Status.NEW, Claim.Status.IN_REVIEW),
        "reviewers": get_user_model()
        .objects.filter(groups__name__in=[REVIEWER, EDITOR, "admin"], is_active=True)
        .distinct()
        .order_by("username")
        if is_editor
        else [],
        "nav": "queue",
        **extra,
    }


@_desk()
def claim_review_page(request, pk: int):
    claim = _claim_for_review(pk)
    return render(request, "desk/claim.html", _review_context(request, claim))


@_desk()
@require_POST
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
            # Someone saved first: show their verdict next to this one, overwrite nothing.
            fresh = _claim_for_review(pk)
            unsaved = VerdictForm(
                initial={**data, "rating": data["rating"].pk, "version": fresh.version}
            )
            context = _review_context(request, fresh, verdict_form=unsaved, conflict=True)
            return render(request, "desk/claim.html", context, status=409)
        except workflow.WorkflowError as exc:
            _fail(request, exc)
        else:
            messages.success(request, "Verdict saved.")
            return redirect("claim-review", pk=pk)
    fresh = _claim_for_review(pk)
    return render(
        request, "desk/claim.html", _review_context(request, fresh, verdict_form=form), status=400
    )


def _evidence_panel(request, pk: int, *, form=None, message=None, status=200):
    """The evidence panel alone, for htmx, or the whole page otherwise."""
    fresh = _claim_for_review(pk)
    context = _review_context(request, fresh, evidence_form=form, evidence_message=message)
    template = "desk/_evidence.html" if request.headers.get("HX-Request") else "desk/claim.html"
    return render(request, template, context, status=status)


@_desk()
@require_POST
def claim_evidence_add(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        return _evidence_panel(request, pk, form=form, status=400)
    try:
        workflow.evidence_add(claim=claim, actor=request.user, **form.cleaned_data)
    except workflow.WorkflowError as exc:
        if request.headers.get("HX-Request"):
            return _evidence_panel(request, pk, form=form, message=("error", str(exc)))
        _fail(request, exc)
        return redirect(reverse("claim-review", args=[pk]) + "#evidence")
    if request.headers.get("HX-Request"):
        return _evidence_panel(request, pk, message=("success", "Evidence added."))
    messages.success(request, "Evidence added.")
    return redirect(reverse("claim-review", args=[pk]) + "#evidence")


@_desk()
@require_POST
def claim_evidence_remove(request, pk: int, evidence_id: int):
    evidence = get_object_or_404(Evidence, pk=evidence_id, claim_id=pk)
    try:
        workflow.evidence_remove(evidence=evidence, actor=request.user)
    except workflow.WorkflowError as exc:
        message = ("error", str(exc))
    else:
        message = ("success", "Evidence removed.")
    if request.headers.get("HX-Request"):
        return _evidence_panel(request, pk, message=message)
    getattr(messages, message[0])(request, message[1])
    return redirect(reverse("claim-review", args=[pk]) + "#evidence")


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@_desk()
@require_POST
def claim_action(request, pk: int, action: str):
    """Submit, publish, dismiss, reopen, release or assign a claim."""
    claim = get_object_or_404(Claim.objects.select_related("assignee"), pk=pk)
    user, version = request.user, _version(request)
    reason = request.POST.get("reason", "")
    done = {
        "submit": "Submitted for an editor's approval.",
        "publish": "Published.",
        "dismiss": "Dismissed.",
        "reopen": "Reopened for a correction.",
        "release": "Released back to the queue.",
        "assign": "Assigned.",
    }
    try:
        if action == "submit":
            workflow.claim_submit(claim=claim, actor=user, version=version)
        elif action == "publish":
            workflow.claim_publish(claim=claim, actor=user, version=version)
        elif action == "dismiss":
            workflow.claim_dismiss(claim=claim, actor=user, reason=reason, version=version)
        elif action == "reopen":
            workflow.claim_reopen(claim=claim, actor=user, reason=reason, version=version)
        elif action == "release":
            workflow.claim_release(claim=claim, actor=user)
        elif action == "assign":
            assignee = get_object_or_404(get_user_model(), pk=request.POST.get("assignee") or 0)
            workflow.claim_assign(claim=claim, assignee=assignee, actor=user)
        else:
            raise PermissionDenied("Unknown action.")
    except workflow.NotAllowed as exc:
        _fail(request, exc)
        return redirect("claim-review", pk=pk)
    except workflow.WorkflowError as exc:
        _fail(request, exc)
    else:
        messages.success(request, done[action])
        if action in ("dismiss", "release") and request.POST.get("next"):
            return _back(request, reverse("queue"))
    return redirect("claim-review", pk=pk)


# --- articles -------------------------------------------------------------------------------


@_desk()
def articles(request):
    qs = (
        Article.objects.select_related("feed")
        .order_by("-created_at", "-id")
        .annotate(
            claim_count=Count("claims"),
            open_count=Count("claims", filter=Q(claims__status__in=OPEN_STATUSES)),
        )
    )
    status = request.GET.get("status", "")
    if status in Article.Status.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(url__icontains=q) | Q(source_url__icontains=q))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    without_page = request.GET.copy()
    without_page.pop("page", None)
    return render(
        request,
        "desk/articles.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": Article.Status.choices,
            "query": without_page.urlencode(),
            "nav": "articles",
        },
    )


@_desk()
def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.select_related("feed", "duplicate_of"), pk=pk)
    claims = list(article.claims.select_related("verdict__rating").order_by("start"))
    return render(
        request,
        "desk/article.html",
        {
            "article": article,
            "claims": claims,
            "text_html": highlight(article.text, claims),
            "nav": "articles",
        },
    )


def _enqueue(article: Article) -> None:
    article_id = article.pk
    transaction.on_commit(lambda: tasks.process_article.delay(article_id))


def _progress_url(ids: list[int]) -> str:
    return reverse("article-progress") + "?ids=" + ",".join(str(i) for i in ids)


@_desk()
def article_add(request):
    form = ArticleAddForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ids = _submit(data)
        except (ingestion.IngestionError, FetchError) as exc:
            form.add_error(data["source"] if data["source"] != "file" else "file", str(exc))
        else:
            if ids:
                return redirect(_progress_url(ids))
            form.add_error(None, "Nothing in the file could be ingested.")
    return render(request, "desk/article_add.html", {"form": form, "nav": "add"})


def _submit(data: dict) -> list[int]:
    """Record the submitted article(s), queue their processing, return their ids."""
    source = data["source"]
    if source == "url":
        submitted = [ingestion.submit_url(data["url"], origin=Article.Origin.URL)]
    elif source == "text":
        submitted = [
            ingestion.submit_text(data["text"], title=data["title"], url=data["url"] or "")
        ]
    elif source == "html":
        submitted = [ingestion.submit_html(data["html"], url=data["url"] or "")]
    else:
        return _submit_file(data["file"], title=data["title"])
    for item in submitted:
        if item.created or item.article.status == Article.Status.PENDING:
            _enqueue(item.article)
    return [item.article.pk for item in submitted]


def _submit_file(upload, *, title: str) -> list[int]:
    raw = upload.read()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("latin-1")
    name = upload.name.lower()
    if name.endswith((".html", ".htm")):
        submitted = ingestion.submit_html(content, origin=Article.Origin.BULK)
    elif name.endswith(".txt"):
        headline, _, body = content.partition("\n")
        if title or not body.strip():
            headline, body = title, content
        submitted = ingestion.submit_text(body, title=headline.strip(), origin=Article.Origin.BULK)
    else:
        return _submit_jsonl(content, name=upload.name)
    if submitted.created or submitted.article.status == Article.Status.PENDING:
        _enqueue(submitted.article)
    return [submitted.article.pk]


def _submit_jsonl(content: str, *, name: str) -> list[int]:
    ids: list[int] = []

    def queue_it(article: Article) -> None:
        # Processing happens after the commit (in a worker, or in-process without Redis).
        ids.append(article.pk)
        _enqueue(article)

    def seen(line) -> None:
        if line.status == "duplicate" and line.article is not None:
            ids.append(line.article.pk)

    lines = content.splitlines()
    job = ingestion.ingest_jsonl(
        lines,
        source=name,
        total=sum(1 for line in lines if line.strip()),
        on_line=seen,
        process=queue_it,
    )
    if job.errors and not ids:
        first = job.errors[0]
        raise ingestion.IngestionError(f"Line {first.get('line')}: {first.get('reason')}")
    return ids


def _progress_articles(request) -> list[Article]:
    ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.strip().isdigit()][:200]
    return list(
        Article.objects.filter(pk__in=ids).annotate(claim_count=Count("claims")).order_by("id")
    )


@_desk()
def article_progress(request):
    found = _progress_articles(request)
    return render(
        request,
        "desk/article_progress.html",
        {
            "articles": found,
            "pending": any(a.status == Article.Status.PENDING for a in found),
            "ids": request.GET.get("ids", ""),
            "nav": "add",
        },
    )


@_desk()
def article_progress_partial(request):
    found = _progress_articles(request)
    pending = any(a.status == Article.Status.PENDING for a in found)
    response = render(
        request,
        "desk/_progress.html",
        {"articles": found, "pending": pending, "ids": request.GET.get("ids", "")},
    )
    return response


# --- feeds ----------------------------------------------------------------------------------


@_desk()
def feeds(request):
    form = FeedForm(request.POST or None)
    if request.method == "POST":
        if not workflow.has_role(request.user, EDITOR):
            raise PermissionDenied("Only an editor can add feeds.")
        if form.is_valid():
            try:
                check_url(form.cleaned_data["url"])
            except FetchError as exc:
                form.add_error("url", str(exc))
            else:
                feed = form.save()
                feed_id = feed.pk
                transaction.on_commit(lambda: tasks.poll_feed.delay(feed_id))
                messages.success(request, f"Feed added; polling {feed.url} now.")
                return redirect("feeds")
    all_feeds = Feed.objects.annotate(
        article_count=Count("articles"),
        failed_count=Count("articles", filter=Q(articles__status=Article.Status.FAILED)),
    )
    return render(
        request,
        "desk/feeds.html",
        {
            "feeds": all_feeds,
            "form": form,
            "can_edit": workflow.has_role(request.user, EDITOR),
            "nav": "feeds",
        },
    )


@_desk(EDITOR)
@require_POST
def feed_toggle(request, pk: int):
    feed = get_object_or_404(Feed, pk=pk)
    feed.active = not feed.active
    feed.save(update_fields=["active"])
    messages.success(request, f"{feed} {'resumed' if feed.active else 'paused'}.")
    return redirect("feeds")


@_desk(EDITOR)
@require_POST
def feed_poll(request, pk: int):
    feed = get_object_or_404(Feed, pk=pk)
    if not feed.active:
        messages.error(request, f"{feed} is paused; resume it first.")
        return redirect("feeds")
    transaction.on_commit(lambda: tasks.poll_feed.delay(feed.pk))
    messages.success(request, f"Polling {feed} now.")
    return redirect("feeds")
