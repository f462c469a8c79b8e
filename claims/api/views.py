"""The REST API under /api/v1/. Views are thin: rules live in claims.workflow."""

from __future__ import annotations

import csv
import json
from contextlib import nullcontext
from datetime import UTC, datetime, time, timedelta

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connection, transaction
from django.db.models import Count, Prefetch
from django.db.models.functions import TruncDate
from django.http import StreamingHttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.fields import DateTimeField
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from claims import ingestion, stats, tasks, workflow
from claims.api import serializers as s
from claims.api.authentication import TokenAuthentication, issue_token
from claims.api.filters import ArticleFilter, ClaimFilter, StrictOrderingFilter
from claims.api.pagination import ClaimCursorPagination, PagePagination
from claims.api.throttles import LoginThrottle, WriteThrottle
from claims.claimreview import claim_review, published_claims
from claims.fetching import FetchError
from claims.models import (
    ApiToken,
    Article,
    Claim,
    Evidence,
    Feed,
    IngestionJob,
    Rating,
    ReviewEvent,
    Verdict,
    with_claim_counts,
)


class IsReviewer(permissions.BasePermission):
    message = "You need the reviewer, editor or admin role."

    def has_permission(self, request, view):
        return workflow.has_role(request.user, workflow.REVIEWER)


class IsEditorForWrites(permissions.BasePermission):
    message = "Only an editor can change this."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return workflow.has_role(request.user, workflow.REVIEWER)
        return workflow.has_role(request.user, workflow.EDITOR)


class JSONLDRenderer(JSONRenderer):
    """ClaimReview is JSON-LD: a client may ask for application/ld+json and gets it."""

    media_type = "application/ld+json"
    format = "jsonld"


def api_url(request, path: str) -> str:
    """The absolute address of an API object, for a Location header. (Not reverse(): the
    desk's pages have the router's names too, "article-detail" is the article's page.)"""
    return request.build_absolute_uri(f"/api/v1/{path}")


class Base:
    permission_classes = [IsReviewer]
    throttle_classes = [WriteThrottle]
    write_throttle_scope = "writes"

    def filter_queryset(self, queryset):
        # The list's filters narrow the list; one object asked for by id is that object
        # ("claims/7/?status=dismissed" was a 404 for a claim that exists).
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)


# --- articles -----------------------------------------------------------------------------


class ArticleViewSet(Base, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = ArticleFilter
    pagination_class = PagePagination

    def get_queryset(self):
        articles = Article.objects.order_by("-created_at", "-id")
        if self.action == "list":  # counted for the page only: see paginate_queryset
            return articles.defer(*Article.BODY_FIELDS)
        return articles.annotate(claim_count=Count("claims")).prefetch_related(
            Prefetch(
                "claims",
                Claim.objects.select_related("assignee", "verdict__rating").order_by("start"),
            )
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return with_claim_counts(page) if page is not None else None

    def get_serializer_class(self):
        if self.action == "create":
            return s.ArticleCreateSerializer
        return s.ArticleDetailSerializer if self.action == "retrieve" else s.ArticleSerializer

    @extend_schema(
        request=s.ArticleCreateSerializer,
        responses={
            201: s.ArticleDetailSerializer,
            202: s.ArticleDetailSerializer,
            200: s.ArticleDetailSerializer,
        },
    )
    def create(self, request, *args, **kwargs):
        """Submit an article by URL, text or HTML: 201 when processed in-process, 202 when
        queued for the worker, 200 when it is already known."""
        serializer = s.ArticleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            if data.get("text", "").strip():
                submitted = ingestion.submit_text(
                    data["text"],
                    title=data.get("title", ""),
                    url=data.get("url", ""),
                    published_at=data.get("published_at"),
                    origin=Article.Origin.API,
                )
            elif data.get("html", "").strip():
                submitted = ingestion.submit_html(
                    data["html"],
                    url=data.get("url", ""),
                    origin=Article.Origin.API,
                    title=data.get("title", ""),
                    published_at=data.get("published_at"),
                )
            else:
                submitted = ingestion.submit_url(
                    data["url"], origin=Article.Origin.API, title=data.get("title", "")
                )
        except FetchError as exc:  # the URL resolved differently a moment later
            return Response({"url": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        except ingestion.IngestionError as exc:
            body = next((name for name in ("text", "html") if data.get(name)), "url")
            field = ingestion.field_at_fault(exc, body)
            return Response({field: [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        article = submitted.article
        if submitted.needs_processing:
            tasks.process_after_commit(article.pk)
        article = self.get_queryset().get(pk=article.pk)
        if not submitted.created:
            code = status.HTTP_200_OK
        elif article.status == Article.Status.PENDING:
            code = status.HTTP_202_ACCEPTED
        else:
            code = status.HTTP_201_CREATED
        # Where to read it, and poll it while it is pending; an article already known is
        # not new, and only named.
        where = "Content-Location" if code == status.HTTP_200_OK else "Location"
        headers = {where: api_url(request, f"articles/{article.pk}/")}
        return Response(s.ArticleDetailSerializer(article).data, status=code, headers=headers)

    @extend_schema(
        request=None,
        responses={
            202: s.ArticleDetailSerializer,
            201: s.ArticleDetailSerializer,
            409: OpenApiResponse(description="The article has not failed."),
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Process a failed article again: 202 when queued, 201 when done in-process."""
        article = self.get_object()
        try:
            ingestion.retry(article)
        except ingestion.IngestionError as exc:
            return Response(
                {"detail": str(exc), "code": "invalid_state"}, status=status.HTTP_409_CONFLICT
            )
        tasks.process_after_commit(article.pk)
        article = self.get_queryset().get(pk=article.pk)
        pending = article.status == Article.Status.PENDING
        code = status.HTTP_202_ACCEPTED if pending else status.HTTP_201_CREATED
        headers = {"Location": api_url(request, f"articles/{article.pk}/")}
        return Response(s.ArticleDetailSerializer(article).data, status=code, headers=headers)


# --- claims -------------------------------------------------------------------------------


class ClaimViewSet(Base, viewsets.ReadOnlyModelViewSet):
    filterset_class = ClaimFilter
    pagination_class = ClaimCursorPagination
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    ordering_fields = ["priority", "score", "created_at", "id"]

    def get_queryset(self):
        queryset = Claim.objects.select_related("assignee", "verdict__rating")
        return self.with_detail(queryset) if self.detail else queryset

    @staticmethod
    def with_detail(queryset):
        """What ClaimDetailSerializer reads, in a constant number of queries."""
        # Of the article's body only the text (the claim's context): its HTML, a 100 KB
        # page or more, was read for every claim sent back and then dropped.
        return (
            queryset.select_related("article", "verdict__reviewer", "verdict__approver")
            .defer("article__raw_html", "article__entry_text")
            .prefetch_related(
                Prefetch("evidence", Evidence.objects.select_related("added_by")),
                Prefetch("events", ReviewEvent.objects.select_related("actor")),
                "covers",
                "covered_by",
            )
        )

    def get_serializer_class(self):
        return s.ClaimDetailSerializer if self.detail else s.ClaimSerializer

    def list(self, request, *args, **kwargs):
        # ClaimSerializer's output built from rows (see claims_from_rows): the list is the
        # busiest read, and model instances plus per-field serializers were most of its CPU.
        # No docstring: it would become the operation's description in the OpenAPI schema.
        claims = self.filter_queryset(Claim.objects.all()).values(*s.CLAIM_ROW_FIELDS)
        page = self.paginate_queryset(claims)
        return self.get_paginated_response(s.claims_from_rows(page))

    def detail_response(self, claim: Claim, code: int = status.HTTP_200_OK) -> Response:
        # Not get_queryset(): actions on the collection (next) are not `detail` views.
        fresh = self.with_detail(Claim.objects.select_related("assignee", "verdict__rating")).get(
            pk=claim.pk
        )
        return Response(
            s.ClaimDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        request=s.TakeNextSerializer,
        responses={200: s.ClaimDetailSerializer, 204: OpenApiResponse(description="Queue empty")},
    )
    @action(detail=False, methods=["post"])
    def next(self, request):
        """Take the highest-priority unassigned claim (of one article, if given; atomically),
        with a lease."""
        data = self.input(s.TakeNextSerializer)
        claim = workflow.claim_take_next(reviewer=request.user, article=data.get("article"))
        if claim is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self.detail_response(claim)

    @extend_schema(request=s.AssignSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = self.input(s.AssignSerializer)
        claim = workflow.claim_assign(
            claim=self.get_object(),
            assignee=data["assignee"],
            actor=request.user,
            version=data.get("version"),
        )
        return self.detail_response(claim)

    @extend_schema(request=s.VersionSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        data = self.input(s.VersionSerializer)
        return self.detail_response(
            workflow.claim_release(
                claim=self.get_object(), actor=request.user, version=data.get("version")
            )
        )

    @extend_schema(request=s.VersionSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        """Keep a claim in review: its lease starts again (no new version, no history
        event), as when its reviewer saves a verdict or a source."""
        data = self.input(s.VersionSerializer)
        return self.detail_response(
            workflow.claim_renew_lease(
                claim=self.get_object(), actor=request.user, version=data.get("version")
            )
        )

    @extend_schema(request=s.BumpSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def bump(self, request, pk=None):
        data = self.input(s.BumpSerializer)
        claim = workflow.claim_bump(
            claim=self.get_object(),
            actor=request.user,
            amount=data["amount"],
            version=data.get("version"),
        )
        return self.detail_response(claim)

    @extend_schema(request=s.VerdictInputSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def verdict(self, request, pk=None):
        """Set the verdict; a stale `version` answers 409 with the current claim."""
        data = self.input(s.VerdictInputSerializer)
        claim = workflow.verdict_set(
            claim=self.get_object(),
            rating=data["rating"],
            summary=data["summary"],
            version=data["version"],
            actor=request.user,
            claim_reviewed=data.get("claim_reviewed"),
        )
        return self.detail_response(claim)

    @extend_schema(request=s.EvidenceSerializer, responses={201: s.EvidenceSerializer})
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        data = self.input(s.EvidenceSerializer)
        evidence = workflow.evidence_add(claim=self.get_object(), actor=request.user, **data)
        where = api_url(request, f"claims/{evidence.claim_id}/evidence/{evidence.pk}/")
        return Response(
            s.EvidenceSerializer(evidence).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": where},
        )

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=s.EvidenceSerializer,
        parameters=[OpenApiParameter("evidence_id", int, OpenApiParameter.PATH)],
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("evidence_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["get", "delete"], url_path=r"evidence/(?P<evidence_id>\d+)")
    def evidence_remove(self, request, pk=None, evidence_id=None):
        """One source of the claim's evidence (the address a new one's Location gives), or
        remove it."""
        claim = self.get_object()
        evidence = get_object_or_404(Evidence, pk=evidence_id, claim=claim)
        if request.method == "GET":
            return Response(s.EvidenceSerializer(evidence).data)
        workflow.evidence_remove(evidence=evidence, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.VersionSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = self.input(s.VersionSerializer)
        return self.detail_response(
            workflow.claim_submit(
                claim=self.get_object(), actor=request.user, version=data.get("version")
            )
        )

    @extend_schema(request=s.VersionSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        data = self.input(s.VersionSerializer)
        return self.detail_response(
            workflow.claim_publish(
                claim=self.get_object(), actor=request.user, version=data.get("version")
            )
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """Send a submitted verdict back to its reviewer, saying why (editors): the claim is
        in review again, with its reviewer and a fresh lease (in the queue when they can no
        longer review); the draft verdict is kept."""
        data = self.input(s.ReasonSerializer)
        return self.detail_response(
            workflow.claim_send_back(
                claim=self.get_object(),
                actor=request.user,
                reason=data["reason"],
                version=data.get("version"),
            )
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        data = self.input(s.ReasonSerializer)
        return self.detail_response(
            workflow.claim_dismiss(
                claim=self.get_object(),
                actor=request.user,
                reason=data["reason"],
                version=data.get("version"),
            )
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        data = self.input(s.ReasonSerializer)
        return self.detail_response(
            workflow.claim_reopen(
                claim=self.get_object(),
                actor=request.user,
                reason=data["reason"],
                version=data.get("version"),
            )
        )

    @extend_schema(request=s.VersionSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        """Take this claim (it must be waiting in the queue), rather than the next one."""
        data = self.input(s.VersionSerializer)
        return self.detail_response(
            workflow.claim_take(
                claim=self.get_object(), reviewer=request.user, version=data.get("version")
            )
        )

    @extend_schema(request=s.RestoreSerializer, responses=s.ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Put a dismissed claim back in the queue; the dismissal stays in the history."""
        data = self.input(s.RestoreSerializer)
        return self.detail_response(
            workflow.claim_restore(
                claim=self.get_object(),
                actor=request.user,
                reason=data.get("reason", ""),
                version=data.get("version"),
            )
        )

    @extend_schema(request=s.BulkSerializer, responses=s.BulkResponseSerializer)
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Dismiss, assign, release or restore many claims; each gets its own result."""
        data = self.input(s.BulkSerializer)
        claims = Claim.objects.in_bulk(data["ids"])
        versions = data.get("versions", {})
        results = []
        for claim_id in data["ids"]:
            claim = claims.get(claim_id)
            if claim is None:
                results.append({"id": claim_id, "ok": False, "error": "No such claim."})
                continue
            user, version = request.user, versions.get(claim_id)
            try:
                if data["action"] == "dismiss":
                    claim = workflow.claim_dismiss(
                        claim=claim, actor=user, reason=data["reason"], version=version
                    )
                elif data["action"] == "restore":
                    claim = workflow.claim_restore(
                        claim=claim, actor=user, reason=data.get("reason", ""), version=version
                    )
                elif data["action"] == "assign":
                    claim = workflow.claim_assign(
                        claim=claim, assignee=data["assignee"], actor=user, version=version
                    )
                else:
                    claim = workflow.claim_release(claim=claim, actor=user, version=version)
            except workflow.Conflict as exc:
                results.append(
                    {
                        "id": claim_id,
                        "ok": False,
                        "error": str(exc),
                        "conflict": True,
                        "status": exc.claim.status,
                        "version": exc.claim.version,
                    }
                )
            except workflow.WorkflowError as exc:
                results.append({"id": claim_id, "ok": False, "error": str(exc)})
            else:
                results.append(
                    {"id": claim_id, "ok": True, "status": claim.status, "version": claim.version}
                )
        return Response({"results": results})

    @extend_schema(responses={200: dict})
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[permissions.AllowAny],
        renderer_classes=[*api_settings.DEFAULT_RENDERER_CLASSES, JSONLDRenderer],
    )
    def claimreview(self, request, pk=None):
        """schema.org ClaimReview JSON-LD of a published claim (public)."""
        claim = get_object_or_404(published_claims(), pk=pk)
        return Response(claim_review(claim, claim.published_verdicts))


CSV_COLUMNS = [
    "id",
    "status",
    "category",
    "score",
    "priority",
    "speaker",
    "text",
    "article_id",
    "article__url",
    "article__title",
    "assignee__username",
    "verdict__rating__slug",
    "created_at",
]


class _Echo:
    def write(self, value):
        return value


#: What a spreadsheet reads as the start of a formula in a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value):
    """A text cell a spreadsheet would run as a formula ('=HYPERLINK(…)' in a quoted
    claim), with a leading apostrophe, which spreadsheets show as text (OWASP's advice).
    Also after leading spaces or line breaks, which an import may trim."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS)
    ):
        return f"'{value}"
    return value


class CSVRenderer(BaseRenderer):
    """Lets a client ask for text/csv (the export streams its own body; an error is
    rendered as JSON, see ClaimExportView.handle_exception)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode()


class ClaimExportView(GenericAPIView):
    """Every claim matching the list filters, as CSV, streamed row by row."""

    permission_classes = [IsReviewer]
    # CSV only: `?format=json` and `Accept: application/json` were taken and answered
    # with CSV all the same; now a 400 and a 406.
    renderer_classes = [CSVRenderer]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ClaimFilter
    queryset = Claim.objects.all()

    def handle_exception(self, exc):
        # An error is JSON, and says so, also to a client that asked for CSV.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        operation_id="claims_export_csv",
        filters=True,
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            406: OpenApiResponse(
                description="Not acceptable: the request's Accept leaves out text/csv "
                "(`application/json` alone, for one)"
            ),
        },
    )
    def get(self, request):
        # The filter backend answers a bad filter with a 400 naming the field.
        filtered = self.filter_queryset(self.get_queryset())
        rows = filtered.order_by("-priority", "id").values_list(*CSV_COLUMNS)
        writer = csv.writer(_Echo())

        # Times as the API gives them (ISO 8601 in UTC, "…Z"), not Python's str().
        moment = DateTimeField().to_representation

        def stream():
            yield writer.writerow([c.replace("__", "_") for c in CSV_COLUMNS])
            # On PostgreSQL in a transaction: outside one, the cursor is declared WITH HOLD
            # and computed whole before the first row (5 s and a 245 MB temporary file for
            # 1,000,000 claims); inside, rows come as they are read. Not on SQLite, where a
            # transaction (BEGIN IMMEDIATE) would hold the write lock for the download.
            reading = transaction.atomic() if connection.vendor == "postgresql" else nullcontext()
            with reading:
                for row in rows.iterator(chunk_size=2000):
                    yield writer.writerow(
                        [moment(v) if isinstance(v, datetime) else _inert(v) for v in row]
                    )

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="claims.csv"'
        return response


# --- the rest -----------------------------------------------------------------------------


class FeedViewSet(Base, viewsets.ModelViewSet):
    queryset = Feed.objects.all()
    serializer_class = s.FeedSerializer
    permission_classes = [IsEditorForWrites]
    pagination_class = PagePagination

    def get_success_headers(self, data):
        # DRF's Location is the `url` field: here the feed's own address, not the API's.
        return {"Location": api_url(self.request, f"feeds/{data['id']}/")}

    @extend_schema(
        request=None,
        responses={202: s.FeedPollSerializer, 409: OpenApiResponse(description="Feed paused")},
    )
    @action(detail=True, methods=["post"])
    def poll(self, request, pk=None):
        feed = self.get_object()
        if not feed.active:
            return Response(
                {"detail": f"{feed} is paused; resume it first.", "code": "invalid_state"},
                status=status.HTTP_409_CONFLICT,
            )
        # The job the poll's articles count towards, made now so that the answer names it.
        job = IngestionJob.objects.create(kind=IngestionJob.Kind.FEED, source=feed.url)
        tasks.poll_after_commit(feed.pk, job.pk)
        # In-process (no broker) the poll has run by now: answer with what it did.
        feed.refresh_from_db()
        feed.job, feed.job_url = job.pk, api_url(request, f"jobs/{job.pk}/")
        return Response(
            s.FeedPollSerializer(feed).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": api_url(request, f"feeds/{feed.pk}/")},  # to see it done
        )


class RatingViewSet(viewsets.ReadOnlyModelViewSet):
    """The rating scale is public, as fact-checkers' code of principles asks."""

    queryset = Rating.objects.all()
    serializer_class = s.RatingSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None


class JobViewSet(Base, viewsets.ReadOnlyModelViewSet):
    # Not the bulk file a job may hold until a worker has read it (up to 20 MB each).
    queryset = IngestionJob.objects.defer("lines")
    serializer_class = s.IngestionJobSerializer
    pagination_class = PagePagination


class ClaimReviewListView(APIView):
    """Every published review as ClaimReview JSON-LD, newest first (public)."""

    permission_classes = [permissions.AllowAny]
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, JSONLDRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int, description="A page number."),
            OpenApiParameter("page_size", int, description="Reviews per page (at most 200)."),
        ],
        responses={
            200: OpenApiResponse(
                description='`{"count", "next", "previous", "results"}`, each result a '
                "schema.org ClaimReview (JSON-LD)."
            )
        },
    )
    def get(self, request):
        queryset = published_claims().order_by("-updated_at", "-id")
        paginator = PagePagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(
            [claim_review(claim, claim.published_verdicts) for claim in page]
        )


class StatsView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(responses=s.StatsSerializer)
    def get(self, request):
        figures, counted_at = stats.kept("api", _stats_figures, timezone.now())
        figures = s.StatsSerializer(
            {
                **figures,
                "counted_at": counted_at,
                "articles_by_status": stats.articles_by_status(),
                "queue_depth": _queue_depth(),
            }
        )
        return Response(figures.data)


def _stats_figures(now) -> dict:
    """stats/'s counts over every claim and verdict (kept by ``stats.kept``)."""
    counts = stats.claim_counts()
    by_status = stats.by_status(counts)
    since = now - timedelta(days=30)
    # Whole days in UTC, as the API's times are: the 30 ending today, each one, as the
    # dashboard's chart has them (which counts them in the desk's zone).
    first_day = now.astimezone(UTC).date() - timedelta(days=29)
    per_day = dict(
        Verdict.objects.filter(published_at__gte=datetime.combine(first_day, time(), UTC))
        .annotate(day=TruncDate("published_at", tzinfo=UTC))
        .values_list("day")
        .annotate(n=Count("id"))
    )
    days = [first_day + timedelta(days=i) for i in range(30)]
    took = stats.median(
        stats.time_to_verdict(Verdict.objects.filter(published_at__gte=since), "published_at")
    )
    oldest = stats.oldest_waiting()
    return {
        "claims_by_status": by_status,
        "claims_by_category": stats.by_category(counts),
        "published_per_day": [{"day": day, "count": per_day.get(day, 0)} for day in days],
        "median_time_to_verdict_seconds": None if took is None else took.total_seconds(),
        "backlog": {
            "new": by_status.get(Claim.Status.NEW, 0),
            "oldest_age_seconds": (now - oldest).total_seconds() if oldest else None,
        },
    }


def _queue_depth() -> int | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).llen("celery")
    except redis.RedisError:
        return None


class TokenView(APIView):
    """Exchange a username and password for an API token (locked out after failures);
    DELETE with the token revokes it."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = [TokenAuthentication]
    throttle_classes = [LoginThrottle]

    def perform_authentication(self, request):
        # POST is a login: a stale or broken Authorization header must not stand in its way.
        if request.method == "DELETE":
            super().perform_authentication(request)

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter(
                "all",
                OpenApiTypes.BOOL,
                description="Revoke every token of the user (a copy leaked somewhere), "
                "not only the one sent.",
            )
        ],
        responses={204: OpenApiResponse(description="Token(s) revoked")},
    )
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise NotAuthenticated("Send the token to revoke: Authorization: Token …")
        tokens = ApiToken.objects.filter(user=request.user)
        if request.query_params.get("all", "").lower() not in ("1", "true", "yes"):
            tokens = tokens.filter(pk=request.auth.pk)
        tokens.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.CredentialsSerializer, responses=s.TokenSerializer)
    def post(self, request):
        serializer = s.CredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = authenticate(
                request=request._request,
                username=serializer.validated_data["username"],
                password=serializer.validated_data["password"],
            )
        except AxesBackendPermissionDenied:
            # django-axes' middleware turns this into its lockout response (JSON here).
            request._request.axes_locked_out = True
            return Response(status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            return Response(
                {"non_field_errors": ["Unable to log in with the given username and password."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        # A new token each time (only digests are kept, so an earlier one cannot be given
        # back); the user's other tokens, on other machines, keep working.
        # A secret: no cache keeps it (as OAuth 2.0 asks of token responses).
        return Response({"token": issue_token(user)}, headers={"Cache-Control": "no-store"})
