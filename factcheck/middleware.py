"""Middleware of the project's own."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, models
from django.http import HttpResponseRedirect
from django.urls import is_valid_path
from django.utils import timezone
from django.utils.cache import patch_cache_control

from claims.api.filters import MAX_SEARCH

MAX_ID = 2**63 - 1
# The first UTC offset PostgreSQL refuses; no time zone is past +14:00.
MAX_OFFSET = timedelta(hours=16)


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


class PrivateResponsesMiddleware:
    """Keep what a signed-in user is shown out of every cache: a response to a request
    made with a session or an API token (unpublished claims, drafts, exports) is
    ``private, no-store`` unless its view said otherwise. Anonymous requests (the public
    pages and reviews) stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The API authenticates a token in its view, and DRF sets request.user then.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class NewsroomTimeZoneMiddleware:
    """Pages (the desk, the public reviews, the admin) show clock times and count days in
    the newsroom's zone, FACTCHECK_TIME_ZONE, so a review published at 21:30 in New York is
    dated the same on the desk and on its public page. The API, the tasks and the database
    stay in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            return self.get_response(request)
        with timezone.override(settings.FACTCHECK_TIME_ZONE):
            return self.get_response(request)


class ApiWithoutSlashMiddleware:
    """Answer an API path given without its trailing slash as the path with it (and the
    CSV export given with one as the export).

    CommonMiddleware's APPEND_SLASH redirects instead: a client following the redirect
    drops a POST's body, and in DEBUG a POST there is a 500. The dashboard keeps the
    redirect (a browser's address bar then shows the right address).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if (
            path.startswith("/api/")
            and not path.endswith("/")
            and not is_valid_path(path)
            and is_valid_path(f"{path}/")
        ):
            request.path_info = f"{path}/"
            request.path = f"{request.path}/"
        elif path.startswith("/api/") and path.endswith(".csv/") and is_valid_path(path[:-1]):
            # A file's address given with a slash: "claims/export.csv/" otherwise reads as
            # claim "export" in the format "csv", a puzzling 400.
            request.path_info = path[:-1]
            request.path = request.path[:-1]
        return self.get_response(request)


class AdminSelectionMiddleware:
    """Refuse admin requests that Django's admin would turn into a 500: a list action on
    selected rows whose ids cannot be ids of the model, a NUL in a list filter, and a
    number beyond any id column in a filter (``?id__in=…``) or a form (a many-to-many
    field, a list-edit row), a date filter on a moment outside the years 1 to 9999 once
    in UTC, and a search longer than SQLite takes in a LIKE pattern.

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
        model = model_admin.model
        for key, values in request.GET.lists():
            if any(
                "\x00" in v
                or (_is_id_filter(key) and _beyond_any_id(v))
                or _beyond_any_moment(model, key, v)
                for v in values
            ):
                messages.error(request, "That filter was not valid.")
                return HttpResponseRedirect(request.path)
        if len(request.GET.get("q", "")) > MAX_SEARCH:  # SQLite refuses such a LIKE pattern
            messages.error(request, f"A search may be at most {MAX_SEARCH} characters long.")
            return HttpResponseRedirect(request.path)
        if request.method != "POST":
            return None
        pk = model_admin.model._meta.pk
        if not all(_is_key(pk, value) for value in request.POST.getlist(ACTION_CHECKBOX_NAME)):
            messages.error(request, "The selection was not valid. Select the rows again.")
            return HttpResponseRedirect(request.get_full_path())
        relations = {
            field.name for field in model_admin.model._meta.get_fields() if field.is_relation
        }
        for key, values in request.POST.lists():
            is_id_field = key in relations or key.endswith("-id")  # "-id": a list-edit row
            if is_id_field and any(_beyond_any_id(value) for value in values):
                messages.error(request, "An id in the form is beyond any id. Nothing was saved.")
                return HttpResponseRedirect(request.get_full_path())
        return None


# Lookups of a list filter that compare ids or numbers ("?id__in=1,2", "?article__id__exact=").
_ID_LOOKUPS = ("id", "__in", "__exact", "_id", "__gt", "__gte", "__lt", "__lte")


def _is_id_filter(key: str) -> bool:
    return key not in ("q", "o", "p", "e", "_to_field") and key.endswith(_ID_LOOKUPS)


def _beyond_any_id(value: str) -> bool:
    """Whether ``value`` holds (a comma-separated list of) numbers that ``int()`` reads, one
    of them beyond a 64-bit id: signs, underscores and any script's digits included."""
    for part in value.split(","):
        digits = part.strip().lstrip("+-").replace("_", "")
        # MAX_ID has 19 digits: a longer run is beyond it without converting (int() of
        # thousands of digits is refused).
        if digits.isdecimal() and (len(digits) > 19 or int(digits) > MAX_ID):
            return True
    return False


def _beyond_any_moment(model, key: str, value: str) -> bool:
    """Whether ``key`` filters a date and time of ``model`` (``created__gte``,
    ``user__date_joined__lt``) on a moment that turned into UTC falls outside the years
    1 to 9999, as 9999-12-31T23:59:59-14:00 does (SQLite gets it in UTC), or whose offset
    PostgreSQL refuses: ISO 8601 allows up to ±23:59, PostgreSQL ±15:59."""
    field = _field_filtered(model, key)
    if not isinstance(field, models.DateTimeField):
        return False
    for part in value.split(","):  # a list for __in and __range
        try:
            moment = field.to_python(part.strip())
        except ValidationError:
            continue  # not a date at all: the admin says so itself
        if moment is None:
            continue
        try:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            moment.astimezone(UTC)
        except (OverflowError, ValueError):
            return True
        if abs(moment.utcoffset()) >= MAX_OFFSET:
            return True
    return False


def _field_filtered(model, key: str):
    """The field a list filter's ``key`` ends on, following relations, or None."""
    field = None
    for name in key.split("__"):
        if field is not None:
            if field.related_model is None:
                break  # the rest is a lookup ("gte") or a transform ("date")
            model = field.related_model
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            break
    return field


def _is_key(pk, value: str) -> bool:
    try:
        key = pk.to_python(value)
    except ValidationError:
        return False
    bounds = connection.ops.integer_field_ranges.get(pk.get_internal_type())
    return bounds is None or bounds[0] <= key <= bounds[1]
