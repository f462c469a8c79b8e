"""The API's pages: numbered for articles, feeds and jobs, a cursor for the claim list."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from urllib import parse

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.utils.urls import replace_query_param

from claims.models import Claim


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ClaimCursorPagination(CursorPagination):
    """Cursor pages whose cursor is the whole sort key of the claim a page stops at.

    DRF's cursor holds the first ordering field's value and counts its way through the
    claims that share it, but stops counting at 1,000: claims share a score or a priority
    by the thousand, and past the thousandth the same page came back again and again. A
    page here starts strictly after (going back, before) the key in its cursor, every
    ordering field and `id` last, so no count is needed, and claims added meanwhile neither
    repeat nor push one out of the pages.
    """

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("-priority", "id")

    def get_ordering(self, request, queryset, view):
        # A total order, which a key needs: `id` breaks every tie.
        ordering = tuple(super().get_ordering(request, queryset, view))
        if not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering += ("id",)
        return ordering

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        backwards = self.cursor is not None and self.cursor.reverse
        queryset = queryset.order_by(*(_reversed(self.ordering) if backwards else self.ordering))
        if self.cursor is None:
            rows = list(queryset[: self.page_size + 1])
        else:
            rows = self._rows_past(queryset, self.cursor.position, backwards, self.page_size + 1)
        self.page = rows[: self.page_size]
        more = len(rows) > self.page_size
        if backwards:
            self.page.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, self.cursor is not None
        self.display_page_controls = self.has_next or self.has_previous
        return self.page

    def _rows_past(self, queryset, key: list, backwards: bool, limit: int) -> list:
        """Up to `limit` claims after `key` in this ordering (before it, `backwards`).

        One query per field of the key, from the last: the claims that share all but
        it and come after it (the rest of a tie), then those past the field before it, and
        so on. Each is a range of an index; as one query ("score > 0.6 OR (score = 0.6 AND
        id > 7)") PostgreSQL read the whole tie to find where the page starts.
        """
        rows = []
        for depth in reversed(range(len(key))):
            field = self.ordering[depth]
            beyond = "lt" if field.startswith("-") != backwards else "gt"
            same = {
                name.lstrip("-"): value
                for name, value in zip(self.ordering, key[:depth], strict=False)
            }
            after = {f"{field.lstrip('-')}__{beyond}": key[depth]}
            rows += queryset.filter(**same, **after)[: limit - len(rows)]
            if len(rows) == limit:
                break
        return rows

    def get_next_link(self):
        if not self.has_next:
            return None
        key = self._key(self.page[-1]) if self.page else self.cursor.position
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=key))

    def get_previous_link(self):
        if not self.has_previous:
            return None
        key = self._key(self.page[0]) if self.page else self.cursor.position
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=key))

    def _key(self, row) -> list:
        return [row[field.lstrip("-")] for field in self.ordering]

    def encode_cursor(self, cursor):
        tokens = {"r": "1"} if cursor.reverse else {}
        tokens["p"] = [_text(value) for value in cursor.position]
        encoded = base64.b64encode(parse.urlencode(tokens, doseq=True).encode("ascii"))
        return replace_query_param(self.base_url, self.cursor_query_param, encoded.decode())

    def decode_cursor(self, request):
        # A cursor edited by hand, or made under another ordering, can hold values the
        # fields cannot take, or more of them than there are fields: a 404, never a 500.
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            text = base64.b64decode(encoded.encode("ascii"), validate=False).decode("ascii")
            tokens = parse.parse_qs(text, keep_blank_values=True)
            backwards = bool(int(tokens.get("r", ["0"])[0]))
            # A cursor from before the key (the first field's value only) still reads.
            key = tokens.get("p", [])
            if not key or len(key) > len(self.ordering):
                raise ValueError
            key = [_value(field, raw) for field, raw in zip(self.ordering, key, strict=False)]
        except (TypeError, ValueError, UnicodeError, binascii.Error, OverflowError):
            raise NotFound(self.invalid_cursor_message) from None
        return Cursor(offset=0, reverse=backwards, position=key)


def _reversed(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(field[1:] if field.startswith("-") else f"-{field}" for field in ordering)


def _text(value) -> str:
    return str(value)  # a float's str reads back as the same float; a moment is in UTC


def _value(field: str, raw: str):
    """`raw` as the claim field `field` holds it; ValueError when it cannot be one."""
    name = field.lstrip("-")
    model_field = Claim._meta.pk if name == "pk" else Claim._meta.get_field(name)
    try:
        value = model_field.to_python(raw)
    except DjangoValidationError:
        raise ValueError(raw) from None
    if value is None:
        raise ValueError(raw)
    if isinstance(value, datetime):
        # In UTC, which also keeps it in range (not 9999-12-31-05:00), and PostgreSQL
        # refuses an offset past ±15:59 (-23:45).
        aware = timezone.make_aware(value) if timezone.is_naive(value) else value
        value = aware.astimezone(UTC)
    return value
