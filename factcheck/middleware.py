"""Middleware of the project's own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponseRedirect


class AdminSelectionMiddleware:
    """Refuse an admin list action on selected rows whose ids cannot be ids of the model.

    Django's admin filters with whatever the form posted as the selection, so a stale or
    tampered form ("abc", a number beyond the column's range) was a 500 from the database
    layer. Every admin list (ours, auth's, axes') goes through here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None or request.method != "POST":
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
