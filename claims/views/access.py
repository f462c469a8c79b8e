"""Who may see the desk, and the small helpers its views share."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme

from claims import workflow
from claims.models import Claim, ReviewEvent
from claims.workflow import REVIEWER

PAGE_SIZE = 50
OPEN_STATUSES = [Claim.Status.NEW, Claim.Status.IN_REVIEW, Claim.Status.REVIEWED]
#: Rows a desk list counts, at most: an exact count of a million claims on every page load
#: took 0.1-0.9 s (with a search), and no one pages through ten thousand claims.
COUNT_CAP = 10_000


def capped_count(queryset) -> int:
    """How many rows ``queryset`` has, counting no further than COUNT_CAP + 1."""
    # Unordered: a sliced count keeps the list's ORDER BY, which led PostgreSQL down the
    # order's index, testing every claim against a search or a feed (0.3-0.6 s over
    # 1,000,000 claims) where the filter's own index finds the first 10,001 at once.
    return queryset.order_by()[: COUNT_CAP + 1].count()


def shown_count(count: int) -> str:
    """A capped count as a page shows it: "10,000+" past the cap."""
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"


class CappedPaginator(Paginator):
    """A paginator that counts at most COUNT_CAP + 1 rows: past that, the page shows
    "10,000+" (``shown_count``) and its pages go as far as the cap."""

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list)

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def shown_count(self) -> str:
        return shown_count(self.count)


def last_sent_back(claim: Claim, events) -> ReviewEvent | None:
    """The event that last sent the claim's verdict back, until the verdict is submitted
    again (`events` in order: the claim's, or at least its send-backs and submissions):
    its reason is what the reviewer has to answer, whoever holds the claim now (a lease
    that ran out or a reassignment do not answer it)."""
    if claim.status not in (Claim.Status.NEW, Claim.Status.IN_REVIEW):
        return None
    sent_back = None
    for event in events:
        if event.action == "send_back":
            sent_back = event
        elif (event.payload.get("status") or [None, None])[-1] == Claim.Status.REVIEWED:
            sent_back = None  # submitted again since
    return sent_back


def with_sent_back(claims) -> list[Claim]:
    """Give each claim of a page its ``sent_back`` event (see last_sent_back), read for
    the whole page in one query, for the lists' "Sent back" note."""
    claims = list(claims)
    open_ids = [c.pk for c in claims if c.status in (Claim.Status.NEW, Claim.Status.IN_REVIEW)]
    events: dict[int, list[ReviewEvent]] = {}
    if open_ids:
        for event in ReviewEvent.objects.filter(claim_id__in=open_ids).filter(
            Q(action="send_back") | Q(payload__status__1=Claim.Status.REVIEWED)
        ):
            events.setdefault(event.claim_id, []).append(event)
    for claim in claims:
        claim.sent_back = last_sent_back(claim, events.get(claim.pk, []))
    return claims


def _desk(role: str = REVIEWER):
    """Let in users with at least `role`; send anonymous users to the login page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                typed = typed_text(request) if request.method == "POST" else []
                if typed:
                    return _session_ended(request, typed)
                if request.headers.get("HX-Request"):
                    return _login_for_htmx(request)
                return redirect_to_login(request.get_full_path(), reverse("login"))
            if not workflow.has_role(request.user, role):
                raise PermissionDenied(f"This page is for the {role}s of the desk.")
            # Kept out of caches by factcheck.middleware.PrivateResponsesMiddleware.
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


#: The fields people type into on the desk, by the labels the forms give them.
TYPED_FIELDS = {
    "summary": "Summary",
    "claim_reviewed": "Short wording",
    "reason": "Reason",
    "url": "URL",
    "title": "Title",
    "publisher": "Publisher",
    "note": "Note",
    "text": "Text",
    "html": "Page HTML",
}
#: As much as pasted text may hold (ingestion.MAX_TEXT_CHARS); pasted HTML may hold more.
_KEPT_CHARS = 1_000_000


def typed_text(request) -> list[tuple[str, str]]:
    """What the user typed into a posted desk form, by label; a value cut to _KEPT_CHARS
    says so in its label."""
    typed = []
    for name, label in TYPED_FIELDS.items():
        value = request.POST.get(name, "").replace("\x00", "")
        if not value.strip():
            continue
        if len(value) > _KEPT_CHARS:
            label = f"{label} (only the first {_KEPT_CHARS:,} characters are shown)"
        typed.append((label, value[:_KEPT_CHARS]))
    return typed


def _session_ended(request, typed: list[tuple[str, str]]) -> HttpResponse:
    """A form posted after the session ended: nothing is saved, and the answer gives back
    what was typed, to copy, with a way to log in again. Kept nowhere on the server: the
    next person to log in on this browser must not see it."""
    htmx = bool(request.headers.get("HX-Request"))
    # Back to the page the form is on (a form's own address sends a GET there, too).
    page = _page_behind(request) if htmx else request.path
    context = {"unsaved": typed, "login_url": redirect_to_login(page, reverse("login"))["Location"]}
    if htmx:
        # Put at the top of the panel the form is in (htmx swaps a 200 only), which stays
        # as it is, the typed text in its fields.
        response = render(request, "desk/_session_ended.html", context)
        response["HX-Reswap"] = "afterbegin"
        return response
    return render(request, "desk/session_ended.html", context, status=401)


def _login_for_htmx(request) -> HttpResponse:
    """Send the whole page to the login page, coming back to it afterwards.

    A plain redirect would be followed inside the htmx request, and the login page swapped
    into the panel the user was working in (the session ended in another tab, say).
    """
    back = _page_behind(request)
    return htmx_redirect(redirect_to_login(back, reverse("login"))["Location"], status=401)


def _page_behind(request) -> str:
    """The path of the page an htmx request came from (never another site's)."""
    try:
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
    except ValueError:  # "http://[bad/": no page to go back to
        return reverse("dashboard")
    back = current.path + (f"?{current.query}" if current.query else "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = reverse("dashboard")
    return back


def htmx_redirect(url: str, *, status: int = 204) -> HttpResponse:
    """Tell htmx to load `url` as the whole page (it follows a plain redirect inside the
    request and swaps the result into the panel)."""
    response = HttpResponse(status=status)
    response["HX-Redirect"] = url
    return response


def _post_only(page: str, *, with_pk: bool = False):
    """Accept POST only. Any other method (reloading the address that a failed form left in
    the address bar, a bookmark) goes to the page the form is on, not to a blank 405."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "POST":
                return redirect(page, *([kwargs["pk"]] if with_pk else []))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _back(request, fallback: str) -> HttpResponseRedirect:
    """Redirect to the page the form came from (when it is ours), else to `fallback`."""
    target = request.POST.get("next") or ""
    ours = {request.get_host()}
    # An address only: redirect() would take "abc" or "dashboard" for the name of a URL (a
    # 500 after the change was saved, for a name it does not know).
    if "/" in target and url_has_allowed_host_and_scheme(target, ours, request.is_secure()):
        return HttpResponseRedirect(target)
    return redirect(fallback)


#: The query of the queue as its user last saw it (filters, order, page).
QUEUE_QUERY = "queue_query"


def remember_queue(request) -> None:
    """Keep the queue's filters, so that the way back from a claim leads to the same list."""
    query = request.GET.urlencode()
    if request.session.get(QUEUE_QUERY, "") != query:  # a session write only when it changed
        request.session[QUEUE_QUERY] = query


def queue_url(request) -> str:
    """The queue as its user last saw it."""
    query = request.session.get(QUEUE_QUERY, "")
    return reverse("queue") + (f"?{query}" if query else "")


def _fail(request, exc: Exception) -> None:
    messages.error(request, str(exc))
