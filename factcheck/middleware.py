"""Middleware of the project's own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponseRedirect

MAX_ID = 2**63 - 1


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
    """Refuse admin requests that Django's admin would turn into a 500: a list action on
    selected rows whose ids cannot be ids of the model, a NUL in a list filter, and a
    number beyond any id column in a filter (``?id__in=…``) or a form (a many-to-many
    field, a list-edit row).

    Django's admin hands these to the database as they come, which refuses them. Every
    admin page (ours, auth's, axes') goes through here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None:
            return None
        filters = [value for _, values in request.GET.lists() for value in values]
        if any("\x00" in value or _holds_huge_number(value) for value in filters):
            messages.error(request, "That filter was not valid.")
            return HttpResponseRedirect(request.path)
        if request.method != "POST":
            return None
        pk = model_admin.model._meta.pk
        if not all(_is_key(pk, value) for value in request.POST.getlist(ACTION_CHECKBOX_NAME)):
            messages.error(request, "The selection was not valid. Select the rows again.")
            return HttpResponseRedirect(request.get_full_path())
        if any(_holds_huge_number(v) for _, values in request.POST.lists() for v in values):
            messages.error(request, "A number in the form is beyond any id. Nothing was saved.")
            return HttpResponseRedirect(request.get_full_path())
        return None


def _holds_huge_number(value: str) -> bool:
    """Whether ``value`` is a number, or a comma-separated list of them, beyond 64 bits."""
    numbers = value.replace(" ", "").split(",")
    # MAX_ID has 19 digits; a longer string is beyond it without converting (int() of
    # thousands of digits is refused).
    return all(n.isascii() and n.isdigit() for n in numbers) and any(
        len(n) > 19 or (len(n) == 19 and int(n) > MAX_ID) for n in numbers
    )


def _is_key(pk, value: str) -> bool:
    try:
        key = pk.to_python(value)
    except ValidationError:
        return False
    bounds = connection.ops.integer_field_ranges.get(pk.get_internal_type())
    return bounds is None or bounds[0] <= key <= bounds[1]
