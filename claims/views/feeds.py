"""The feeds: the list, adding one, pausing and polling."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from claims import stats, tasks, workflow
from claims.forms import FeedForm
from claims.models import Article, Feed
from claims.views.access import _desk, _post_only
from claims.workflow import EDITOR


@_desk()
def feeds(request):
    form = FeedForm(request.POST or None)
    if request.method == "POST":
        if not workflow.has_role(request.user, EDITOR):
            raise PermissionDenied("Only an editor can add feeds.")
        if form.is_valid():
            feed = form.save()
            tasks.poll_after_commit(feed.pk)
            messages.success(request, f"Feed added; polling {feed.url} now.")
            return redirect("feeds")
    all_feeds = Feed.objects.annotate(
        article_count=stats.feed_articles(),
        failed_count=stats.feed_articles(status=Article.Status.FAILED),
    )
    return render(
        request,
        "desk/feeds.html",
        {
            "feeds": all_feeds,
            "form": form,
            "can_edit": workflow.has_role(request.user, EDITOR),
            "now": timezone.now(),
            "nav": "feeds",
        },
    )


@_desk(EDITOR)
@_post_only("feeds")
def feed_toggle(request, pk: int):
    feed = get_object_or_404(Feed, pk=pk)
    # The button says what it does ("pause" or "resume"): a page left open while someone
    # else paused the feed must not resume it by flipping the state it no longer shows.
    wanted = request.POST.get("active")
    active = not feed.active if wanted not in ("0", "1") else wanted == "1"
    if active == feed.active:
        messages.info(request, f"{feed} was already {'running' if active else 'paused'}.")
        return redirect("feeds")
    feed.active = active
    feed.save(update_fields=["active"])
    messages.success(request, f"{feed} {'resumed' if feed.active else 'paused'}.")
    return redirect("feeds")


@_desk(EDITOR)
@_post_only("feeds")
def feed_poll(request, pk: int):
    feed = get_object_or_404(Feed, pk=pk)
    if not feed.active:
        messages.error(request, f"{feed} is paused; resume it first.")
        return redirect("feeds")
    tasks.poll_after_commit(feed.pk)
    messages.success(request, f"Polling {feed} now.")
    return redirect("feeds")
