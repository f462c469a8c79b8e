"""The dashboard and the queue: what is waiting, and taking or handing out claims."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from claims import ingestion, stats, workflow
from claims.api.filters import ClaimFilter
from claims.api.serializers import as_id
from claims.forms import BulkForm
from claims.models import (
    CLAIM_ARTICLE_BODY,
    Article,
    Claim,
    Feed,
    IngestionJob,
    ReviewEvent,
    Verdict,
)
from claims.views.access import (
    OPEN_STATUSES,
    PAGE_SIZE,
    CappedPaginator,
    _back,
    _desk,
    _fail,
    _post_only,
    capped_count,
    queue_url,
    remember_queue,
    shown_count,
    with_sent_back,
)
from claims.workflow import EDITOR, REVIEWER

# --- dashboard ------------------------------------------------------------------------------

HOUR = timedelta(hours=1)
TTV_BUCKETS = [
    ("<1h", HOUR),
    ("1–4h", 4 * HOUR),
    ("4–24h", 24 * HOUR),
    ("1–3d", 72 * HOUR),
    ("3–7d", 168 * HOUR),
    (">7d", None),
]
AGE_BUCKETS = [
    ("< 1 hour", HOUR),
    ("1–24 hours", 24 * HOUR),
    ("1–7 days", 168 * HOUR),
    ("> 7 days", None),
]


def _dashboard_figures(now) -> dict:
    """The dashboard's counts over every claim and verdict (kept by ``stats.kept``)."""
    counts = stats.claim_counts()
    by_status = stats.by_status(counts)
    by_category = stats.by_category(counts, OPEN_STATUSES)
    backlog = stats.backlog_by_age(now, AGE_BUCKETS, by_status.get(Claim.Status.NEW, 0))

    since = timezone.localdate(now) - timedelta(days=29)  # days of the desk's time zone
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

    submitted = stats.time_to_verdict(
        Verdict.objects.filter(submitted_at__gte=now - timedelta(days=90)), "submitted_at"
    )
    ttv_series = stats.histogram(submitted, TTV_BUCKETS)
    ttv_median = stats.median(submitted)
    return {
        "statuses": [(s.value, s.label, by_status.get(s.value, 0)) for s in Claim.Status],
        "total": sum(by_status.values()),
        "categories": [(c.value, by_category.get(c.value, 0)) for c in Claim.Category],
        "open_total": sum(by_category.values()),
        "backlog": backlog,
        "backlog_total": sum(count for _, count in backlog),
        "oldest": stats.oldest_waiting(),
        "published_series": published_series,
        "published_total": sum(per_day.values()),
        "ttv_series": ttv_series,
        "ttv_median": ttv_median / HOUR if ttv_median is not None else None,
        "ttv_count": sum(count for _, count in ttv_series),
    }


@_desk()
def dashboard(request):
    figures, counted_at = stats.kept("dashboard", _dashboard_figures, timezone.now())
    mine = with_sent_back(
        Claim.objects.filter(
            assignee=request.user, status__in=[Claim.Status.IN_REVIEW, Claim.Status.REVIEWED]
        )
        .select_related("article", "verdict__rating")
        .defer(*CLAIM_ARTICLE_BODY)
        .order_by("lease_expires_at")[:20]
    )

    to_approve = None
    if workflow.has_role(request.user, EDITOR):
        # A submitted verdict is unpublished: said so (an inner join), the oldest come
        # from the verdict_awaiting_approval index, not from sorting every reviewed claim.
        to_approve = (
            Claim.objects.filter(
                status=Claim.Status.REVIEWED,
                verdict__isnull=False,
                verdict__published_at__isnull=True,
            )
            .select_related("verdict__rating", "verdict__reviewer")
            .order_by("verdict__submitted_at")[:10]
        )

    feeds = Feed.objects.annotate(article_count=stats.feed_articles()).order_by(
        "-failure_count", "title"
    )[:10]
    activity = ReviewEvent.objects.select_related("actor", "claim").order_by("-created_at", "-id")[
        :15
    ]
    jobs = IngestionJob.objects.defer("lines").order_by("-started_at", "-id")[:8]
    return render(
        request,
        "desk/dashboard.html",
        {
            **figures,
            "counted_at": counted_at,
            "figures_max_age": int(stats.FIGURES_MAX_AGE.total_seconds()),
            "mine": mine,
            "to_approve": to_approve,
            "feeds": feeds,
            "activity": activity,
            "jobs": jobs,
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
    """The filter parameters, with date inputs made moments and open claims by default."""
    params = request.GET.copy()
    for key in ("created_after", "created_before"):
        value = params.get(key, "")
        if len(value) == 10:  # a date from <input type=date>
            params[key] = _day_start(value, next_day=key == "created_before")
    if "status" not in params and not params.get("all"):
        params.setlist("status", OPEN_STATUSES)
    return params


def _day_start(value: str, *, next_day: bool) -> str:
    """When the day ``value`` names starts in the desk's time zone (the next day, for
    "Flagged until", which includes that day: the filter is "before"). Where the clock
    skips midnight (America/Santiago on 6 September 2026) that is the hour it jumps to:
    midnight there is no moment, and the filter refused it."""
    try:
        return ingestion.day_start(date.fromisoformat(value) + timedelta(days=next_day)).isoformat()
    except (ValueError, OverflowError):
        return value  # the filter says what is wrong with it


# The sidebar's own words for the filters, for their error messages.
FILTER_LABELS = {
    "q": "Search",
    "status": "Status",
    "category": "Category",
    "article": "Article",
    "feed": "Feed",
    "assignee": "Assignee",
    "min_score": "Minimum score",
    "has_verdict": "Has a verdict",
    "rating": "Rating",
    "created_after": "Flagged from",
    "created_before": "Flagged until",
}


@_desk()
def queue(request):
    params = _queue_params(request)
    remember_queue(request)
    base = Claim.objects.select_related("article__feed", "assignee", "verdict__rating").defer(
        *CLAIM_ARTICLE_BODY
    )
    claim_filter = ClaimFilter(params, queryset=base, request=request)
    sort = request.GET.get("sort", "priority")
    claims = claim_filter.qs.order_by(*SORTS.get(sort, SORTS["priority"]))
    page = CappedPaginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_sent_back(page.object_list)
    without_page = request.GET.copy()
    without_page.pop("page", None)
    without_article = without_page.copy()
    without_article.pop("article", None)
    article_id = as_id(params.get("article", ""))
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
            "query_without_article": without_article.urlencode(),
            "only_article": Article.objects.filter(pk=article_id).only("pk", "title").first()
            if article_id
            else None,
            "filter_errors": [
                (FILTER_LABELS.get(name, name), error)
                for name, errors in claim_filter.errors.items()
                for error in errors
            ],
            "statuses": Claim.Status.choices,
            "categories": Claim.Category.choices,
            "feeds": Feed.objects.all(),
            "reviewers": reviewers,
            "is_editor": workflow.has_role(request.user, EDITOR),
            "waiting": shown_count(
                capped_count(Claim.objects.filter(status=Claim.Status.NEW, assignee__isnull=True))
            ),
            "kept": request.session.pop(BULK_CHOICES, None) or {},
            "nav": "queue",
        },
    )


@_desk()
@_post_only("queue")
def take_next(request):
    # From a queue narrowed to one article, the next claim of that article.
    article = as_id(request.POST.get("article", ""))
    back = reverse("queue") + f"?article={article}" if article else queue_url(request)
    try:
        claim = workflow.claim_take_next(reviewer=request.user, article=article)
    except workflow.WorkflowError as exc:
        _fail(request, exc)
        return redirect(back)
    if claim is None:
        if article:
            messages.info(request, "No unassigned claim of this article is waiting.")
        else:
            messages.info(request, "The queue is empty: no unassigned claim is waiting.")
        return redirect(back)
    return redirect("claim-review", pk=claim.pk)


@_desk()
@_post_only("queue")
def queue_bulk(request):
    form = BulkForm(request.POST)
    if not form.is_valid():
        beside = {}  # shown beside their fields in the bulk bar, the rest as messages
        shown = BULK_FIELDS if workflow.has_role(request.user, EDITOR) else ("reason",)
        for name, errors in form.errors.items():
            if name in shown:  # a reviewer's bulk bar has no reviewer to choose
                beside[name] = " ".join(errors)
            else:
                for error in errors:
                    messages.error(request, error)
        return _back_with_choices(request, errors=beside)
    action = form.cleaned_data["action"]
    assignee = None
    if action == "assign":
        assignee = get_user_model().objects.filter(pk=form.cleaned_data["assignee"]).first()
        if assignee is None:
            messages.error(request, "That reviewer does not exist.")
            return _back_with_choices(request)
    done, unchanged, failed = 0, 0, []
    for claim in form.cleaned_data["ids"]:
        # The version the page showed: a claim someone took or changed since is left alone.
        user, shown = request.user, request.POST.get(f"version-{claim.pk}", "")
        version = as_id(shown)
        if shown and version is None:  # never skip the stale-edit check because of it
            failed.append(f"#{claim.pk}: this page is out of date or was altered; reload it.")
            continue
        try:
            if action == "dismiss":
                reason = form.cleaned_data["reason"]
                workflow.claim_dismiss(claim=claim, actor=user, reason=reason, version=version)
            elif action == "release":
                workflow.claim_release(claim=claim, actor=user, version=version)
            elif action == "restore":
                reason = form.cleaned_data["reason"]
                workflow.claim_restore(claim=claim, actor=user, reason=reason, version=version)
            else:
                already = (
                    claim.status == Claim.Status.IN_REVIEW and claim.assignee_id == assignee.pk
                )
                workflow.claim_assign(claim=claim, assignee=assignee, actor=user, version=version)
                if already:  # its lease is renewed, nothing else changes
                    unchanged += 1
                    continue
            done += 1
        except workflow.WorkflowError as exc:
            failed.append(f"#{claim.pk}: {exc}")
    verb = {
        "dismiss": "Dismissed {}.",
        "release": "Released {}.",
        "assign": "Assigned {}.",
        "restore": "Put {} back in the queue.",
    }[action]
    if done:
        messages.success(request, verb.format(f"{done} claim{'s' if done != 1 else ''}"))
    if unchanged:
        messages.info(
            request,
            f"{unchanged} claim{'s were' if unchanged != 1 else ' was'} already "
            f"{assignee.get_username()}'s (lease renewed).",
        )
    for problem in failed[:10]:
        messages.error(request, problem)
    return _back(request, reverse("queue"))


#: What a bulk form that could not be applied had chosen, kept for the queue to show again.
BULK_CHOICES = "bulk_choices"
#: The bulk bar's fields that show their own errors (linked to them for screen readers).
BULK_FIELDS = ("reason", "assignee")


def _back_with_choices(request, errors: dict[str, str] | None = None):
    """Back to the queue with the ticked claims, the action and the reason kept, and the
    errors of the bulk bar's fields."""
    request.session[BULK_CHOICES] = {
        "ids": [as_id(value) for value in request.POST.getlist("ids")[: PAGE_SIZE * 4]],
        "action": request.POST.get("action", "")[:20],
        "reason": request.POST.get("reason", "")[:2000].replace("\x00", ""),
        "assignee": as_id(request.POST.get("assignee", "")),
        "errors": errors or {},
    }
    return _back(request, reverse("queue"))
