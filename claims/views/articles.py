"""The articles: the list, one article, adding some and following their processing."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from claims import ingestion, tasks
from claims.api.filters import MAX_SEARCH
from claims.api.serializers import as_id
from claims.fetching import FetchError, decode_body, decode_text_file
from claims.forms import ArticleAddForm
from claims.models import Article, Feed, IngestionJob, with_claim_counts
from claims.templatetags.desk import highlight
from claims.views.access import OPEN_STATUSES, PAGE_SIZE, _desk, _post_only


@_desk()
def articles(request):
    qs = (
        Article.objects.select_related("feed")
        .defer(*Article.BODY_FIELDS)  # not the pages' text and HTML
        .order_by("-created_at", "-id")
    )
    status = request.GET.get("status", "")
    if status in Article.Status.values:
        qs = qs.filter(status=status)
    feed_id = as_id(request.GET.get("feed", ""))
    feed = Feed.objects.filter(pk=feed_id).first() if feed_id else None
    if feed is not None:
        qs = qs.filter(feed=feed)
    # PostgreSQL refuses NUL; SQLite a LIKE pattern past 50,000 bytes.
    q = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_SEARCH]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(url__icontains=q) | Q(source_url__icontains=q))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_claim_counts(page.object_list, OPEN_STATUSES)
    without_page = request.GET.copy()
    without_page.pop("page", None)
    return render(
        request,
        "desk/articles.html",
        {
            "page": page,
            "status": status,
            "feed": feed,
            "q": q,
            "statuses": Article.Status.choices,
            "query": without_page.urlencode(),
            "nav": "articles",
        },
    )


SIDE_LIST = 200
#: The most articles a progress page follows.
PROGRESS_IDS = 200


@_desk()
def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.select_related("feed", "duplicate_of"), pk=pk)
    claims = list(article.claims.select_related("verdict__rating").order_by("start"))
    return render(
        request,
        "desk/article.html",
        {
            "article": article,
            # The text marks every claim; the side list stops at a page's worth.
            "claims": claims[:SIDE_LIST],
            "claim_total": len(claims),
            "text_html": highlight(article.text, claims),
            "nav": "articles",
        },
    )


def _progress_url(ids: list[int], job: IngestionJob | None = None) -> str:
    url = reverse("article-progress") + "?ids=" + ",".join(str(i) for i in ids)
    return url + f"&job={job.pk}" if job else url


@_desk()
def article_add(request):
    form = ArticleAddForm(
        request.POST or None,
        request.FILES or None,
        upload_refused=getattr(request, "upload_refused", None),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ids, job, known = _submit(data)
        except (ingestion.IngestionError, FetchError) as exc:
            form.add_error(ingestion.field_at_fault(exc, data["source"]), str(exc))
        else:
            for article in known:
                if article.status == Article.Status.PENDING:  # it had failed: a retry
                    note = "it had failed, and is being tried again"
                else:
                    note = "nothing new was stored"
                messages.info(
                    request,
                    f"This article was already on the desk (#{article.pk}, added "
                    f"{date_format(timezone.localtime(article.created_at), 'j M Y')}): {note}.",
                )
            if ids or (job and (job.failed or not job.finished_at)):
                return redirect(_progress_url(ids, job))
            form.add_error(None, "Nothing in the file could be ingested.")
    return render(request, "desk/article_add.html", {"form": form, "nav": "add"})


def _submit(data: dict) -> tuple[list[int], IngestionJob | None, list[Article]]:
    """Record the submitted article(s) and queue their processing; return their ids, the
    job of a bulk file, and the articles that were already on the desk."""
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
        if item.needs_processing:
            tasks.process_after_commit(item.article.pk)
    known = [item.article for item in submitted if not item.created]
    return [item.article.pk for item in submitted], None, known


def _submit_file(upload, *, title: str) -> tuple[list[int], IngestionJob | None, list[Article]]:
    name = upload.name.lower()
    # An HTML page may name its charset; text and JSONL are UTF-8 (cp1252 as a fallback),
    # whatever charset the HTML inside a JSONL line mentions.
    is_html = name.endswith((".html", ".htm"))
    raw = upload.read()
    content = decode_body(raw).removeprefix("\ufeff") if is_html else decode_text_file(raw)
    if is_html:
        submitted = ingestion.submit_html(content, origin=Article.Origin.BULK)
    elif name.endswith(".txt"):
        headline, _, body = content.partition("\n")
        if title or not body.strip():
            headline, body = title, content
        submitted = ingestion.submit_text(body, title=headline.strip(), origin=Article.Origin.BULK)
    else:
        return _submit_jsonl(content, name=upload.name)
    if submitted.needs_processing:
        tasks.process_after_commit(submitted.article.pk)
    return [submitted.article.pk], None, [] if submitted.created else [submitted.article]


def _submit_jsonl(content: str, *, name: str) -> tuple[list[int], IngestionJob, list[Article]]:
    lines = content.split("\n")  # not splitlines(): U+2028 and friends live inside strings
    total = sum(1 for line in lines if line.strip())
    if total and not settings.CELERY_TASK_ALWAYS_EAGER:
        # A worker submits the lines (a file of 2,500 URLs took 100 s, past a proxy's
        # timeout); the job holds them, the worker sharing no disk with the web. A raw NUL,
        # which PostgreSQL cannot store, fails its line as invalid JSON either way.
        job = IngestionJob.objects.create(
            kind=IngestionJob.Kind.BULK, source=name, total=total, lines=content.replace("\0", "\1")
        )
        tasks.queue_bulk_file(job.pk)
        return [], job, []
    ids: list[int] = []

    def queue_it(article: Article) -> None:
        # Processing happens after the commit (in a worker, or in-process without Redis).
        ids.append(article.pk)
        tasks.process_after_commit(article.pk)

    def seen(line) -> None:
        if line.status == "duplicate" and line.article is not None:
            ids.append(line.article.pk)

    job = ingestion.ingest_jsonl(
        lines,
        source=name,
        total=total,
        on_line=seen,
        process=queue_it,
    )
    # One id per article (a file may repeat one), as many as the progress page shows.
    return list(dict.fromkeys(ids))[:PROGRESS_IDS], job, []  # the job counts duplicates


def _progress_articles(request, job: IngestionJob | None) -> list[Article]:
    ids = [as_id(i.strip()) for i in request.GET.get("ids", "").split(",")]
    ids = [i for i in ids if i][:PROGRESS_IDS]
    if ids or job is None:
        found = Article.objects.filter(pk__in=ids)
    else:  # a file a worker submits: its articles, as they come
        found = Article.objects.filter(job=job).defer(*Article.BODY_FIELDS)
    # open_count is what the queue link shows (open claims): a copy's may be done already.
    return with_claim_counts(found.order_by("id")[:PROGRESS_IDS], OPEN_STATUSES)


def _progress_job(request) -> IngestionJob | None:
    job_id = as_id(request.GET.get("job", ""))
    # Not the lines of a file still to be read: they may be megabytes, read every second.
    return IngestionJob.objects.defer("lines").filter(pk=job_id).first() if job_id else None


def _pending(found: list[Article], job: IngestionJob | None) -> bool:
    """Whether the page is still to follow the work: an article waits, or the job's file
    is still being read."""
    reading = job is not None and not job.finished_at and job.kind == IngestionJob.Kind.BULK
    return reading or any(a.status == Article.Status.PENDING for a in found)


def _announcement(found: list[Article], job: IngestionJob | None, pending: bool) -> str:
    """What the progress page's status region reads out, said again only when it changes:
    a file by its job's counts (its articles come one by one, and may all fail), else the
    articles by status."""
    if job is not None and job.kind == IngestionJob.Kind.BULK:
        lines = f"{job.total:,} line{pluralize(job.total)}"
        if not job.finished_at and job.lines_handled < job.total:
            return f"Reading the file: {lines}."
        if not job.finished_at:
            return f"File read: {lines}. Processing its articles."
        if not pending:
            handled = job.done + job.duplicates + job.failed
            return (
                f"Done: {handled:,} of {lines} handled: {job.done:,} ingested, "
                f"{job.duplicates:,} duplicate{pluralize(job.duplicates)}, {job.failed:,} failed."
            )
    if pending:
        return f"Working on {len(found)} article{pluralize(len(found))}."
    counts = Counter(article.status for article in found)
    return "Done: " + ", ".join(f"{counts[status]} {status}" for status in sorted(counts)) + "."


@_desk()
def article_progress(request):
    job = _progress_job(request)
    found = _progress_articles(request, job)
    pending = _pending(found, job)
    return render(
        request,
        "desk/article_progress.html",
        {
            "job": job,
            "articles": found,
            "pending": pending,
            "announce": _announcement(found, job, pending),
            "ids": request.GET.get("ids", ""),
            "nav": "add",
        },
    )


@_desk()
def job_detail(request, pk: int):
    job = get_object_or_404(IngestionJob.objects.defer("lines"), pk=pk)
    return render(request, "desk/job.html", {"job": job, "nav": "dashboard"})


@_desk()
@_post_only("article-detail", with_pk=True)
def article_retry(request, pk: int):
    article = get_object_or_404(Article, pk=pk)
    try:
        ingestion.retry(article)
    except ingestion.IngestionError as exc:
        messages.error(request, str(exc))
        return redirect("article-detail", pk=pk)
    tasks.process_after_commit(article.pk)
    return redirect(_progress_url([article.pk]))


@_desk()
def article_progress_partial(request):
    job = _progress_job(request)
    found = _progress_articles(request, job)
    pending = _pending(found, job)
    response = render(
        request,
        "desk/_progress.html",
        {
            "articles": found,
            "pending": pending,
            "announce": _announcement(found, job, pending),
            "ids": request.GET.get("ids", ""),
            "job": job,
            "swap_job": True,
        },
    )
    return response
