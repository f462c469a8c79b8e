"""Middleware of the project's own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponseRedirect


class NulFreeHeadersMiddleware:
    """Drop NUL characters from request headers: PostgreSQL text cannot hold them, and
    django-axes stores the User-Agent of every failed login (a NUL there was a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                request.META[key] = value.replace("\x00", "")
        return self.get_response(request)


class AdminSelectionMiddleware:
    """Refuse an admin list action on selected rows whose ids cannot be ids of the model,
    and a list filter holding a NUL character.

    Django's admin filters with whatever the form posted as the selection, so a stale or
    tampered form ("abc", a number beyond the column's range) was a 500 from the database
    layer, as was a NUL in a filter on PostgreSQL. Every admin list (ours, auth's, axes')
    goes through here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None:
            return None
        if any("\x00" in value for _, values in request.GET.lists() for value in values):
            messages.error(request, "That filter was not valid.")
            return HttpResponseRedirect(request.path)
        if request.method != "POST":
            return None
        pk = model_admin.model._meta.pk
        if all(_is_key(pk, value) for value in request.POST.getlist(ACTION_CHECKBOX_NAME)):
            return None
        messages.error(request, "The selection was not valid. Select the rows again.")
        return HttpResponseRedirect(request.get_full_path())


def _is_key(pk, value: str) -> bool:
    try:
        key = pk.to_python(value)
    except ValidationError:
        return False
    bounds = connection.ops.integer_field_ranges.get(pk.get_internal_type())
    return bounds is None or bounds[0] <= key <= bounds[1]
