"""Query filters shared by the claim list, the CSV export and the dashboard queue."""

from __future__ import annotations

import copy
from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.filters import OrderingFilter

from claims.api.serializers import MAX_ID, user_named
from claims.models import Article, Claim

#: Longest search, in characters: SQLite refuses a LIKE pattern past 50,000 bytes (a 500),
#: and no one searches a paragraph.
MAX_SEARCH = 500
#: Matches of a claim search that are listed by their ids (see ClaimFilter.filter_q).
SEARCH_FEW = 2_000


class MomentField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment that the database can hold once turned into UTC."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None:
            try:
                # In UTC: PostgreSQL takes offsets up to ±15:59 only, ISO 8601 up to ±23:59.
                moment = moment.astimezone(UTC)
            except OverflowError:
                raise ValidationError("This date is out of range.", code="invalid") from None
        return moment


class MomentFilter(django_filters.IsoDateTimeFilter):
    """created_after=… and the like: 9999-12-31T23:59:59-05:00 is a clear 400, not a 500."""

    field_class = MomentField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A database id: a whole number in range (1e30 would overflow the query)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "number", "minimum": 0, "maximum": 1})
class ScoreFilter(django_filters.NumberFilter):
    """A detection score, from 0 to 1 (1e51 was refused by the form's own limit alone)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=0, max_value=1, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false`; anything else is an error (the stock field reads "yes" or "1" as
    no filter at all, silently answering with the whole list)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise ValidationError("Give true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # The stock select widget turns what it does not know into "no filter" already.
        super().__init__(*args, widget=forms.TextInput, **kwargs)


class StrictOrderingFilter(OrderingFilter):
    """An ordering the list cannot give is a 400 that names those it can.

    DRF drops unknown fields silently, and the client reads the default order as the one
    it asked for.
    """

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        invalid = [field for field in fields if field and field not in valid]
        if invalid:
            known = ", ".join(view.ordering_fields)
            raise BadRequest(
                {
                    self.ordering_param: [
                        f"Cannot order by {', '.join(invalid)}. Order by {known} "
                        "(a leading - for descending), several separated by commas."
                    ]
                }
            )
        return valid


class SharedFields(dict):
    """A form class's fields, given as they are to each form of it.

    Django deep-copies a form's fields for every form, so that one form may change its
    own (a queryset, a widget); the filter forms never do, and the copies were a tenth of
    the claim list's CPU.
    """

    def __deepcopy__(self, memo):
        return dict(self)


class FilterCopies(dict):
    """A FilterSet's filters, copied for each FilterSet without their arguments.

    Each FilterSet needs filters of its own (they point back to it, and a method filter
    reads its request), but django-filter deep-copies their choices and help texts along
    with them, which nothing changes.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, base in self.items():
            copies[name] = copy.copy(base)
            if base.method is not None:
                # A method filter calls through a FilterMethod bound to its filter: one of
                # the copy's own, or it would look for the method on the base filter.
                copies[name].method = base.method
        return copies


class FilterSet(django_filters.FilterSet):
    """A FilterSet whose form class is built once, not on every request, and whose
    filters and form fields are not deep-copied for each request.

    django-filter builds a new form class, with a new form field per filter, for every
    request: a third of the claim list's filtering CPU. Our forms do not depend on the
    request (no request-based querysets), so one class per FilterSet serves them all.
    """

    @classmethod
    def get_filters(cls):
        return FilterCopies(super().get_filters())

    def get_form_class(self):
        cls = type(self)
        if "_form_class" not in cls.__dict__:  # a race only builds the same class twice
            form_class = super().get_form_class()
            form_class.base_fields = SharedFields(form_class.base_fields)
            cls._form_class = form_class
        return cls._form_class


class ClaimFilter(FilterSet):
    # distinct=False: these filter the claim's own columns (no joins to repeat rows), and
    # a DISTINCT would keep PostgreSQL off the queue indexes.
    status = django_filters.MultipleChoiceFilter(choices=Claim.Status.choices, distinct=False)
    category = django_filters.MultipleChoiceFilter(choices=Claim.Category.choices, distinct=False)
    article = IdFilter(field_name="article_id")
    feed = IdFilter(field_name="article__feed_id")
    assignee = django_filters.CharFilter(
        method="filter_assignee", help_text="Username, id, `me` or `none` (unassigned)."
    )
    min_score = ScoreFilter(field_name="score", lookup_expr="gte")
    has_verdict = StrictBooleanFilter(field_name="verdict", lookup_expr="isnull", exclude=True)
    rating = django_filters.CharFilter(field_name="verdict__rating__slug")
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lt")
    q = django_filters.CharFilter(
        method="filter_q", max_length=MAX_SEARCH, help_text="Search the text and speaker."
    )

    class Meta:
        model = Claim
        fields = [
            "status",
            "category",
            "article",
            "feed",
            "assignee",
            "min_score",
            "has_verdict",
            "rating",
            "created_after",
            "created_before",
            "q",
        ]

    def filter_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        user = user_named(value)
        return queryset.filter(assignee=user) if user else queryset.none()

    def filter_q(self, queryset, name, value):
        query = Q()
        for word in value.split()[:8]:
            query &= Q(text__icontains=word) | Q(speaker__icontains=word)
        matching = queryset.filter(query)
        # PostgreSQL cannot tell how many claims hold several words at once, and guessed
        # too many: it walked the list's order looking for a page of them and read every
        # claim when few or none matched (3 s over 1,000,000 claims). The matches, read
        # through the search's index without an order, settle it: a few are listed by id;
        # past SEARCH_FEW they are common enough for the walk to find a page soon.
        few = list(matching.order_by().values_list("pk", flat=True)[: SEARCH_FEW + 1])
        return queryset.filter(pk__in=few) if len(few) <= SEARCH_FEW else matching


class ArticleFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Article.Status.choices, distinct=False)
    origin = django_filters.MultipleChoiceFilter(choices=Article.Origin.choices, distinct=False)
    feed = IdFilter(field_name="feed_id")
    published_after = MomentFilter(field_name="published_at", lookup_expr="gte")
    published_before = MomentFilter(field_name="published_at", lookup_expr="lt")
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lt")
    q = django_filters.CharFilter(method="filter_q", max_length=MAX_SEARCH)

    class Meta:
        model = Article
        fields = ["status", "origin", "feed", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(url__icontains=value))
