"""The public review pages, and the desk's login and logout."""

from __future__ import annotations

import json
import math
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import defaults

from claims.api.throttles import LoginThrottle
from claims.claimreview import claim_review, published_claims
from claims.models import Rating


def home(request):
    published = published_claims().order_by("-updated_at", "-id")[:20]
    return render(request, "claims/home.html", {"published": published})


def review_public(request, pk: int):
    claim = get_object_or_404(published_claims(), pk=pk)
    review = claim_review(claim, claim.published_verdicts)
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
        {
            "claim": claim,
            "verdict": claim.published_verdicts[0],
            # The review's date is its first publication's; a correction has its own.
            "first_published": claim.published_verdicts[-1].published_at,
            "review": review,
            "json_ld": mark_safe(json_ld),  # escaped above
        },
    )


def ratings_public(request):
    return render(request, "claims/ratings.html", {"ratings": Rating.objects.all()})


def login_throttled(view):
    """Count each login attempt (a POST) against its client address's rate, together with
    the API's token requests; wraps the desk's login form and the admin's."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            throttle = LoginThrottle()
            if not throttle.allow_request(request, None):
                seconds = math.ceil(throttle.wait() or 60)
                message = f"Too many login attempts from your address; try again in {seconds} s."
                return render(request, "claims/locked_out.html", {"message": message}, status=429)
        return view(request, *args, **kwargs)

    return wrapper


class DeskLoginView(LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True
    next_page = "dashboard"


class DeskLogoutView(LogoutView):
    """Log out on a POST. A GET (/logout/ typed into the address bar) asks with a button
    rather than logging out, which another site's link or image could do; signed out, it
    goes to the login page."""

    next_page = "login"
    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "desk/logout.html")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # After the session is gone: the message goes in a cookie, read on the login page.
        messages.info(request, "You are logged out.")
        return response


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check, nearly always a page from before a new login (in
    another tab, say): say so, and give back what was typed."""
    from claims.views.access import typed_text

    # Only a form from our own pages: another site's forged post is not "what you typed".
    origin = request.headers.get("Origin") or request.headers.get("Referer") or ""
    try:
        parts = urlsplit(origin)
    except ValueError:
        parts = urlsplit("")
    # Our host, or (behind a proxy that rewrites Host) an origin the settings trust.
    trusted = {f"{parts.scheme}://{parts.netloc}"} & set(settings.CSRF_TRUSTED_ORIGINS)
    ours = bool(parts.netloc) and (
        bool(trusted)
        or url_has_allowed_host_and_scheme(
            origin, {request.get_host()}, require_https=request.is_secure()
        )
    )
    unsaved = typed_text(request) if ours else []
    return render(request, "403_csrf.html", {"unsaved": unsaved}, status=403)


def bad_request(request, exception):
    """400 raised by Django itself: JSON under /api/; elsewhere a page that says what to
    do for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (as a 413), else Django's page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": f"Bad request: {exception}", "code": "bad_request"}, status=400
        )
    if isinstance(exception, RequestDataTooBig):
        # A desk form with a huge paste: say what happened and what to do instead (the
        # default page said only "Bad Request (400)"). The text itself is too big to give
        # back; the browser's Back button usually still has it.
        megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        # 413, not 400: htmx swaps a 400 into the panel (a whole page inside the page),
        # while a 413 leaves the panel as it is and says "Not saved".
        return render(request, "413.html", {"megabytes": megabytes}, status=413)
    return defaults.bad_request(request, exception)


def server_error(request):
    """500: JSON under /api/, a plain page elsewhere (templates/500.html needs no context,
    as the request may have failed anywhere)."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {
                "detail": "Server error: it has been logged; the request may not have completed.",
                "code": "server_error",
            },
            status=500,
        )
    return defaults.server_error(request)


def page_not_found(request, exception):
    """404: JSON under /api/ (clients there parse JSON), the desk's page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)
