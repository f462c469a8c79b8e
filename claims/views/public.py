"""The public review pages, and the desk's login and logout."""

from __future__ import annotations

import json

from django.contrib.auth.views import LoginView, LogoutView
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from claims.claimreview import claim_review
from claims.models import Claim, Rating


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


class DeskLoginView(LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True
    next_page = "dashboard"


class DeskLogoutView(LogoutView):
    next_page = "login"
