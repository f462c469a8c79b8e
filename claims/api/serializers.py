"""API representations. Writes go through claims.workflow / claims.ingestion, not here."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_date
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from claims import ingestion, stats, workflow
from claims.fetching import FetchError, check_url, normalised_url
from claims.models import (
    WEB_URL,
    Article,
    Claim,
    Evidence,
    Feed,
    IngestionJob,
    Rating,
    ReviewEvent,
    Verdict,
)
from claims.templatetags.desk import context_window

User = get_user_model()

MAX_ID = 2**63 - 1


def as_id(value: object) -> int | None:
    """Return `value` as a database id if it is one (ASCII digits, in range), else None."""
    text = str(value)
    # The length first: int() of a very long digit string is refused (and slow to do).
    if len(text) <= 19 and text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def fetchable_url(value: str) -> str:
    """The URL, or a field error saying why it would never be fetched."""
    try:
        check_url(value)
    except FetchError as exc:
        raise serializers.ValidationError(str(exc)) from None
    return value


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = [
            "id",
            "slug",
            "label",
            "rating_value",
            "best_rating",
            "worst_rating",
            "alternate_name",
            "colour",
            "definition",
            "is_final",
            "requires_evidence",
        ]
        read_only_fields = fields  # answers only: every field is always there


@extend_schema_field({"type": "string", "format": "iri"})
class WebURLField(serializers.CharField):
    """An http(s) link a reader can open (the model's check). DRF's URLField would add its
    own check, which also allows ftp, and say "Enter a valid URL." twice."""

    default_validators = [WEB_URL]


class EvidenceSerializer(serializers.ModelSerializer):
    added_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    url = WebURLField(max_length=2000)

    class Meta:
        model = Evidence
        fields = ["id", "url", "title", "publisher", "stance", "note", "added_by", "created_at"]
        read_only_fields = ["id", "added_by", "created_at"]


class VerdictSerializer(serializers.ModelSerializer):
    rating = RatingSerializer(read_only=True)
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    approver = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Verdict
        fields = [
            "id",
            "rating",
            "summary",
            "reviewer",
            "approver",
            "correction_note",
            "created_at",
            "submitted_at",
            "published_at",
        ]
        read_only_fields = fields  # answers only: every field is always there


class ReviewEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ReviewEvent
        fields = ["id", "action", "actor", "payload", "created_at"]
        read_only_fields = fields


class ClaimSerializer(serializers.ModelSerializer):
    """A claim in a list: what every response carries."""

    assignee = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of the reviewer who holds the claim; null when nobody does.",
    )
    rating = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "status",
            "score",
            "category",
            "cues",
            "speaker",
            "article",
            "assignee",
            "version",
            "priority",
            "rating",
            "lease_expires_at",
            "created_at",
        ]
        read_only_fields = fields  # answers only: every field is always there

    def get_rating(self, claim: Claim) -> str | None:
        return claim.verdict.rating.slug if claim.verdict_id else None


# The claims list builds ClaimSerializer's output by hand from `.values()` rows: the same
# JSON for a fraction of the CPU (no model instances, no per-field serializer calls).
# tests/api/test_claim_rows.py checks the two agree for claims in every state.
CLAIM_ROW_FIELDS = (
    "id",
    "text",
    "status",
    "score",
    "category",
    "cues",
    "speaker",
    "article_id",
    "assignee__username",
    "version",
    "priority",
    "verdict__rating__slug",
    "lease_expires_at",
    "created_at",
)


def claims_from_rows(rows) -> list[dict]:
    """Return what ClaimSerializer(many=True) gives for `rows` (CLAIM_ROW_FIELDS rows)."""
    # DRF's own field, so that times come out exactly as the serializer writes them; told
    # the current time zone once, as looking it up for every time was most of the cost.
    when = serializers.DateTimeField()
    when.timezone = when.default_timezone()
    return [
        {
            "id": row["id"],
            "text": row["text"],
            "status": row["status"],
            "score": row["score"],
            "category": row["category"],
            "cues": row["cues"],
            "speaker": row["speaker"],
            "article": row["article_id"],
            "assignee": row["assignee__username"],
            "version": row["version"],
            "priority": row["priority"],
            "rating": row["verdict__rating__slug"],
            "lease_expires_at": when.to_representation(row["lease_expires_at"]),
            "created_at": when.to_representation(row["created_at"]),
        }
        for row in rows
    ]


class ClaimDetailSerializer(ClaimSerializer):
    """One claim with its article context, links, evidence, verdict and history."""

    article_title = serializers.CharField(source="article.title", read_only=True)
    article_url = serializers.SerializerMethodField()
    context = serializers.SerializerMethodField()
    speaker_span = serializers.SerializerMethodField()
    covers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    covered_by = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    same_claim_elsewhere = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)
    verdict = VerdictSerializer(read_only=True, allow_null=True)
    history = ReviewEventSerializer(source="events", many=True, read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "start",
            "end",
            "article_title",
            "article_url",
            "context",
            "speaker_span",
            "covers",
            "covered_by",
            "same_claim_elsewhere",
            "claim_reviewed",
            "dismiss_reason",
            "evidence",
            "verdict",
            "history",
        ]
        read_only_fields = fields

    def get_article_url(self, claim: Claim) -> str:
        return claim.article.url or claim.article.source_url

    def get_context(self, claim: Claim) -> dict:
        # The sentences the review page shows around the claim, so both tell the same.
        text = claim.article.text
        lo, hi = context_window(text, claim.start, claim.end)
        return {
            "before": text[lo : claim.start],
            "sentence": claim.text,
            "after": text[claim.end : hi],
        }

    def get_speaker_span(self, claim: Claim) -> dict | None:
        if claim.speaker_start is None:
            return None
        return {"start": claim.speaker_start, "end": claim.speaker_end}

    def get_same_claim_elsewhere(self, claim: Claim) -> list[int]:
        return list(
            Claim.objects.filter(fingerprint=claim.fingerprint)
            .exclude(article_id=claim.article_id)
            .values_list("pk", flat=True)[:50]
        )


class ArticleSerializer(serializers.ModelSerializer):
    claim_count = serializers.IntegerField(read_only=True, default=None)
    source_url = serializers.CharField(
        read_only=True, help_text="The URL it was fetched from; empty for pasted text or HTML."
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "source_url",
            "title",
            "byline",
            "site_name",
            "published_at",
            "language",
            "origin",
            "status",
            "error",
            "note",
            "feed",
            "duplicate_of",
            "attempts",
            "claim_count",
            "created_at",
            "processed_at",
        ]
        read_only_fields = fields  # answers only: every field is always there


class ArticleDetailSerializer(ArticleSerializer):
    claims = ClaimSerializer(many=True, read_only=True)

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "text", "claims"]
        read_only_fields = fields


class PublishedAtField(serializers.DateTimeField):
    """ISO 8601, or RSS's RFC 2822 form ("Thu, 05 Mar 2026 09:00:00 GMT"), as the CLI's
    files and feeds are read: a client passing a feed's dates on needs no conversion."""

    default_error_messages = {
        "invalid": "Give the date as ISO 8601 (2026-03-05T09:00:00Z, 2026-03-05) or as "
        "RFC 2822 (Thu, 05 Mar 2026 09:00:00 GMT): wrong format."
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            # 2026-02-30 is said below to be a wrong format, 0001-01-01 to be before 1800.
            with suppress(ValueError, OverflowError):
                if day := parse_date(value.strip()):
                    # That day on the desk, not midnight UTC (the evening before in New York).
                    return ingestion.day_start(day)
        try:
            return super().to_internal_value(value)
        except serializers.ValidationError:
            if isinstance(value, str) and value.strip()[:1].isalpha():
                with suppress(ValueError, TypeError, OverflowError):
                    return super().to_internal_value(ingestion.rfc2822_moment(value.strip()))
            raise


class ArticleCreateSerializer(serializers.Serializer):
    """Text or HTML (with the page's URL if known), or a URL to fetch. A title given here
    wins over the page's own; so does `published_at`, read with text or HTML."""

    url = serializers.URLField(required=False, max_length=2000)
    text = serializers.CharField(
        required=False, trim_whitespace=False, max_length=ingestion.MAX_TEXT_CHARS
    )
    html = serializers.CharField(
        required=False, trim_whitespace=False, max_length=settings.FACTCHECK_FETCH_MAX_BYTES
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    published_at = PublishedAtField(required=False, allow_null=True)

    def validate_published_at(self, value: datetime | None) -> datetime | None:
        if value is not None and ingestion.too_far_ahead(value):
            raise serializers.ValidationError(
                "A publication date cannot be more than a day ahead of now."
            )
        if value is not None and ingestion.too_far_back(value):
            raise serializers.ValidationError("A publication date cannot be before 1800.")
        if value is not None and ingestion.placeholder_date(value):
            raise serializers.ValidationError(
                "1 January 1970 or 1900 is a placeholder for a missing date: "
                "leave the date out instead."
            )
        return value

    def validate(self, data: dict) -> dict:
        bodies = [name for name in ("text", "html") if data.get(name, "").strip()]
        if len(bodies) > 1:
            raise serializers.ValidationError({"html": "Give either text or html, not both."})
        if not bodies and not data.get("url"):
            raise serializers.ValidationError({"url": 'Give "url", "text" or "html".'})
        if not bodies:  # the URL is fetched; beside text or HTML it is only a link
            try:
                fetchable_url(data["url"])
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"url": exc.detail}) from None
        return data


class VerdictInputSerializer(serializers.Serializer):
    rating = serializers.CharField(help_text="The rating's id or slug.")
    summary = serializers.CharField(max_length=10_000)
    version = serializers.IntegerField(min_value=1)
    claim_reviewed = serializers.CharField(required=False, allow_blank=True, max_length=75)

    def validate_rating(self, value: str) -> Rating:
        lookup = {"pk": as_id(value)} if as_id(value) else {"slug": value}
        rating = Rating.objects.filter(**lookup).first()
        if rating is None:
            slugs = ", ".join(Rating.objects.values_list("slug", flat=True))
            raise serializers.ValidationError(f"Unknown rating {value!r}; one of: {slugs}.")
        return rating


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, required=False)


class ReasonSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=workflow.MAX_REASON)


class RestoreSerializer(VersionSerializer):
    reason = serializers.CharField(
        max_length=workflow.MAX_REASON,
        required=False,
        allow_blank=True,
        help_text="Why, for the history.",
    )


class AssignSerializer(VersionSerializer):
    assignee = serializers.CharField(help_text="Username or id of a reviewer.")

    def validate_assignee(self, value: str):
        user = user_named(value, User.objects.filter(is_active=True))
        if user is None:
            raise serializers.ValidationError(f"No active user {value!r}.")
        return user


def user_named(value: str, users=None):
    """The user with the username `value`, or else (digits only) with that id, among
    `users`: a username made of digits is that user, not someone else's id, even when
    `users` leaves that user out (a deactivated "42" is nobody, not user 42)."""
    users = User.objects.all() if users is None else users
    if User.objects.filter(username=value).exists():
        return users.filter(username=value).first()
    return users.filter(pk=as_id(value)).first() if as_id(value) else None


class TakeNextSerializer(serializers.Serializer):
    article = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only a claim of this article."
    )


class BumpSerializer(VersionSerializer):
    amount = serializers.FloatField(min_value=-10, max_value=10)


class BulkSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["dismiss", "assign", "release", "restore"])
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=workflow.MAX_REASON)
    assignee = serializers.CharField(
        required=False, help_text="Username or id of a reviewer (`assign` only)."
    )
    versions = serializers.DictField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text=(
            'The version each claim was seen at, by id ({"12": 3}): a claim changed since '
            "is left as it is, with a conflict in its result."
        ),
    )

    def validate_ids(self, value: list[int]) -> list[int]:
        return list(dict.fromkeys(value))  # a claim named twice is acted on once

    def validate_versions(self, value: dict) -> dict[int, int]:
        versions = {as_id(key): version for key, version in value.items()}
        if None in versions:
            raise serializers.ValidationError("Keys are claim ids.")
        return versions

    def validate(self, data: dict) -> dict:
        if data["action"] == "dismiss" and not data.get("reason", "").strip():
            raise serializers.ValidationError({"reason": "Dismissing needs a reason."})
        if data["action"] == "assign":
            if not data.get("assignee"):
                raise serializers.ValidationError({"assignee": "Assigning needs an assignee."})
            try:
                data["assignee"] = AssignSerializer().validate_assignee(data["assignee"])
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"assignee": exc.detail}) from None
        return data


class BulkResultSerializer(serializers.Serializer):
    """One claim's outcome in a bulk action."""

    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
    version = serializers.IntegerField(required=False)
    error = serializers.CharField(required=False, help_text="Why this claim was left as it is.")
    conflict = serializers.BooleanField(
        required=False,
        help_text="The claim changed since the version given in `versions`; `status` and "
        "`version` are its current ones.",
    )


class BulkResponseSerializer(serializers.Serializer):
    results = BulkResultSerializer(many=True)


class FeedURLField(serializers.URLField):
    """A feed's address, written one way before the unique check sees it."""

    def to_internal_value(self, data):
        return normalised_url(super().to_internal_value(data))


class FeedSerializer(serializers.ModelSerializer):
    url = FeedURLField(
        max_length=2000,
        validators=[
            UniqueValidator(Feed.objects.all(), message="This feed is already on the desk.")
        ],
    )

    class Meta:
        model = Feed
        fields = [
            "id",
            "url",
            "title",
            "active",
            "poll_interval",
            "last_polled_at",
            "next_poll_at",
            "last_error",
            "failure_count",
            "created_at",
        ]
        read_only_fields = [
            "last_polled_at",
            "next_poll_at",
            "last_error",
            "failure_count",
            "created_at",
        ]
        extra_kwargs = {"poll_interval": {"min_value": 1, "max_value": 24 * 60}}

    def validate_url(self, value: str) -> str:
        return fetchable_url(value)

    def update(self, instance: Feed, validated_data: dict) -> Feed:
        if validated_data.get("url", instance.url) != instance.url:
            instance.forget_polling()
        return super().update(instance, validated_data)


class FeedPollSerializer(FeedSerializer):
    """The feed a poll was asked of, and the job that follows the poll."""

    job = serializers.IntegerField(
        read_only=True,
        help_text="The poll's job: open until a worker has polled the feed, then its new "
        "articles as they are processed (none, and finished, when nothing was new; with "
        "the reason when the feed could not be read).",
    )
    job_url = serializers.URLField(read_only=True, help_text="Where the job is read.")

    class Meta(FeedSerializer.Meta):
        fields = [*FeedSerializer.Meta.fields, "job", "job_url"]


class IngestionJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = IngestionJob
        fields = [
            "id",
            "kind",
            "source",
            "total",
            "done",
            "duplicates",
            "failed",
            "errors",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields  # answers only: every field is always there


class DayCountSerializer(serializers.Serializer):
    day = serializers.DateField()
    count = serializers.IntegerField()


class BacklogSerializer(serializers.Serializer):
    new = serializers.IntegerField(help_text="Claims waiting in the queue.")
    oldest_age_seconds = serializers.FloatField(
        allow_null=True, help_text="How long the oldest of them has waited (null if none)."
    )


class StatsSerializer(serializers.Serializer):
    claims_by_status = serializers.DictField(child=serializers.IntegerField())
    claims_by_category = serializers.DictField(child=serializers.IntegerField())
    published_per_day = DayCountSerializer(
        many=True,
        help_text="Verdicts published on each of the 30 days ending today (UTC days, "
        "oldest first, days without one given as 0).",
    )
    median_time_to_verdict_seconds = serializers.FloatField(
        allow_null=True,
        help_text="From a claim's flagging to its first published verdict, over the claims "
        "first published in the last 30 days (a correction does not count again).",
    )
    backlog = BacklogSerializer()
    articles_by_status = serializers.DictField(child=serializers.IntegerField())
    queue_depth = serializers.IntegerField(
        allow_null=True, help_text="Tasks waiting for a worker (null without a broker)."
    )
    counted_at = serializers.DateTimeField(
        help_text="When the claim and verdict figures were counted: they are counted again "
        "when a claim comes in or changes state, and at least every "
        f"{stats.FIGURES_MAX_AGE.seconds} seconds "
        "(articles_by_status and queue_depth are read on each request)."
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class CredentialsSerializer(serializers.Serializer):
    # No longer than the user table's column: the lockout records every name tried.
    username = serializers.CharField(max_length=User._meta.get_field("username").max_length)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
