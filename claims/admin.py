import logging
import time
from typing import NamedTuple

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import actions
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError as BrokerUnreachable

from claims import detection, ingestion, tasks, workflow
from claims.api.serializers import as_id
from claims.forms import FeedForm
from claims.lexicon import (
    FLAGGED_READ,
    FLAGGED_SHOWN,
    claims_flagged_by,
    current_lexicon,
    trial_lexicon,
)
from claims.models import (
    ApiToken,
    Article,
    Claim,
    CuePattern,
    Evidence,
    Feed,
    IngestionJob,
    Rating,
    ReviewEvent,
    Verdict,
)

log = logging.getLogger(__name__)

# Typed URLs without a scheme are https (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class FeedAdminForm(FeedForm):
    class Meta(FeedForm.Meta):
        fields = "__all__"


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    form = FeedAdminForm  # the dashboard's URL check: a feed the fetcher would refuse is not saved
    formfield_overrides = HTTPS_URLS
    list_display = ["__str__", "url", "active", "poll_interval", "last_polled_at", "last_error"]
    list_filter = ["active"]
    search_fields = ["title", "url"]

    def save_model(self, request, obj, form, change):
        if change and "url" in form.changed_data:
            obj.forget_polling()
        super().save_model(request, obj, form, change)


class DeletesClaimsUnderLock:
    """Deleting (one object or the selected ones) locks the claims it deletes first.

    The admin refuses to delete a claim with a history (its review events cannot be
    deleted), but it checks when the page is built: a reviewer could take a claim between
    that check and the delete, and be told it is theirs as it is deleted (or the delete
    fails on the new event). Under the claims' row locks a take either finished before,
    and the delete is refused here, or waits and finds the claim gone.
    """

    actions = ["delete_selected"]

    def claims_deleted_with(self, pks: list) -> models.QuerySet:
        raise NotImplementedError

    def lock_claims(self, pks: list) -> list[int]:
        """Lock the claims deleting ``pks`` deletes, in one order (as redetect does)."""
        claims = self.claims_deleted_with(pks).select_for_update().order_by("pk")
        return list(claims.values_list("pk", flat=True))

    def refuses_claims_in_review(self, request, pks: list) -> bool:
        """Lock the claims and, if any has been acted on, say so and return True."""
        locked = self.lock_claims(pks)
        if not Claim.objects.filter(pk__in=locked, events__isnull=False).exists():
            return False
        self.message_user(
            request,
            "Nothing was deleted: claims it would delete are being reviewed (taken or "
            "assigned since the page was opened). A claim with a history is kept.",
            messages.ERROR,
        )
        return True

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        with transaction.atomic():
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.refuses_claims_in_review(request, [obj.pk]):
                return HttpResponseRedirect(request.get_full_path())
            return super().delete_view(request, object_id, extra_context)

    @admin.action(
        permissions=["delete"],
        description=gettext_lazy("Delete selected %(verbose_name_plural)s"),
    )
    def delete_selected(self, request, queryset):
        if not request.POST.get("post"):  # the confirmation page
            return actions.delete_selected(self, request, queryset)
        with transaction.atomic():
            if self.refuses_claims_in_review(request, list(queryset.values_list("pk", flat=True))):
                return None  # the list again, with the message
            return actions.delete_selected(self, request, queryset)


class ArticleChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # A page's text and HTML run to megabytes each: a list of 100 read them all.
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.defer(*Article.BODY_FIELDS)


@admin.register(Article)
class ArticleAdmin(DeletesClaimsUnderLock, admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["__str__", "status", "origin", "site_name", "published_at", "created_at"]
    list_filter = ["status", "origin"]
    search_fields = ["title", "url", "source_url"]
    raw_id_fields = ["feed", "duplicate_of"]
    readonly_fields = ["content_hash", "attempts", "created_at", "updated_at", "processed_at"]

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def lock_claims(self, pks: list) -> list[int]:
        # The claims first: redetect locks them before it adds claims (which waits for a
        # locked article), so the other way round the two could wait for each other. Then
        # the articles, so that no claim is added meanwhile, and the claims again with any
        # added before that.
        super().lock_claims(pks)
        list(Article.objects.select_for_update().filter(pk__in=pks).values_list("pk"))
        return super().lock_claims(pks)

    def claims_deleted_with(self, pks: list) -> models.QuerySet:
        return Claim.objects.filter(article_id__in=pks)


@admin.register(CuePattern)
class CuePatternAdmin(admin.ModelAdmin):
    list_display = ["text", "category", "kind", "weight", "enabled", "updated_at"]
    list_editable = ["weight", "enabled"]
    list_filter = ["category", "kind", "enabled"]
    search_fields = ["text", "note"]
    # "Detect again in all articles": batches sent to the worker, as `redetect --all
    # --queue` does; without a worker the request itself runs them, for so long at most
    # (a big desk takes minutes: the rest is done by pressing again, or by the command).
    redetect_batch_size = 200
    redetect_seconds = 20
    try_max_chars = 100_000  # a long article; detection reads it in milliseconds

    def get_urls(self):
        redetect = self.admin_site.admin_view(self.redetect_view)
        try_it = self.admin_site.admin_view(self.try_view)
        return [
            path("redetect/", redetect, name="claims_cuepattern_redetect"),
            path("try/", try_it, name="claims_cuepattern_try"),
            path(
                "<int:object_id>/claims/",
                self.admin_site.admin_view(self.flagged_view),
                name="claims_cuepattern_claims",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "may_redetect": self.has_change_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.say_what_a_change_means(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.say_what_a_change_means(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self.say_what_a_change_means(request)

    def say_what_a_change_means(self, request) -> None:
        """Tell (once per request) that stored articles do not follow the lexicon by themselves."""
        if getattr(request, "lexicon_change_told", False):
            return
        request.lexicon_change_told = True
        self.message_user(
            request,
            format_html(
                "New articles are read with the changed lexicon from now on; articles "
                "already stored keep their claims until detection runs again: "
                '<a href="{}">Detect again in all articles</a>, or '
                "<code>python manage.py redetect --all</code> (with <code>--queue</code> "
                "to leave it to the worker).",
                reverse("admin:claims_cuepattern_redetect"),
            ),
            messages.WARNING,
        )

    def try_view(self, request):
        """Show what the pattern in the form would flag in a text, without saving it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        instead_of = as_id(request.GET.get("instead_of", ""))
        text = request.POST.get("try_text", "")[: self.try_max_chars]
        pattern = CuePattern(
            text=request.POST.get("text", "").strip(),
            category=request.POST.get("category", ""),
            kind=request.POST.get("kind", ""),
            enabled=True,
        )
        context = {"pattern": pattern, "text": text}
        try:
            pattern.weight = float(request.POST.get("weight", ""))
            if not -1 <= pattern.weight <= 1:
                raise ValueError
            # Not the uniqueness: the row being changed is in the table already.
            pattern.full_clean(exclude=["note"], validate_unique=False, validate_constraints=False)
        except ValueError:
            context["error"] = "The weight is a number from -1 to 1."
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            entry = detection.LexiconEntry(
                pattern.text, pattern.category, pattern.weight, pattern.kind
            )
            context["flags"] = compared_flags(
                detection.detect(text, trial_lexicon(entry, instead_of)),
                detection.detect(text, current_lexicon()),
            )
        return TemplateResponse(request, "admin/claims/cuepattern/try.html", context)

    def flagged_view(self, request, object_id):
        """List the newest claims with a cue that this pattern matches."""
        pattern = self.get_object(request, str(object_id))
        if pattern is None:
            raise Http404
        if not (
            self.has_view_permission(request, pattern)
            and request.user.has_perm("claims.view_claim")
        ):
            raise PermissionDenied
        claims, stopped = claims_flagged_by(pattern)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": pattern,
            "title": f"Claims flagged by “{pattern.text}”",
            "claims": claims,
            "stopped": stopped,
            "shown": FLAGGED_SHOWN,
            "read": FLAGGED_READ,
        }
        return TemplateResponse(request, "admin/claims/cuepattern/claims.html", context)

    def redetect_view(self, request):
        """Run detection again in every processed article: queued, or here for a while."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        after = as_id(request.GET.get("after", "")) or 0
        articles = Article.objects.filter(status=Article.Status.PROCESSED, pk__gt=after)
        articles = articles.order_by("pk")
        queued = not settings.CELERY_TASK_ALWAYS_EAGER
        if request.method != "POST":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Detect again in all articles",
                "count": articles.count(),
                "after": after,
                "queued": queued,
                "batch_size": self.redetect_batch_size,
                "seconds": self.redetect_seconds,
            }
            return TemplateResponse(request, "admin/claims/cuepattern/redetect.html", context)
        if queued:
            self.queue_redetect(request, list(articles.values_list("pk", flat=True)))
        else:
            self.redetect_here(request, articles, articles.count())
        return HttpResponseRedirect(reverse("admin:claims_cuepattern_changelist"))

    def queue_redetect(self, request, ids: list[int]) -> None:
        size = self.redetect_batch_size
        batches = [ids[i : i + size] for i in range(0, len(ids), size)]
        sent = 0
        try:
            for batch in batches:
                tasks.redetect_articles.delay(batch)
                sent += 1
        except BrokerUnreachable:
            self.message_user(
                request,
                f"The task queue could not be reached: {sent} of {len(batches)} batches were "
                "queued. Try again when it is back, or run python manage.py redetect --all "
                "on the server.",
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            f"Queued {processed_articles(len(ids))} in {len(batches)} "
            f"batch{'' if len(batches) == 1 else 'es'} of up to {size} for the worker; their "
            "claims follow the lexicon as it gets through them (claims being reviewed are "
            "kept).",
            messages.SUCCESS,
        )

    def redetect_here(self, request, articles: models.QuerySet, count: int) -> None:
        # No task queue: this request does the work, article by article, until its time is up.
        started = time.monotonic()
        done = claims = removed = 0
        failed = {}  # article id: why
        for article in articles.iterator(chunk_size=50):
            try:
                now, gone = ingestion.redetect(article)
            except Exception as exc:  # one article's trouble stops no other
                log.exception("Detecting again in article %s failed", article.pk)
                failed[article.pk] = f"{type(exc).__name__}: {exc}"
            else:
                done, claims, removed = done + 1, claims + now, removed + gone
            tried = done + len(failed)
            if tried < count and time.monotonic() - started >= self.redetect_seconds:
                self.message_user(
                    request,
                    format_html(
                        "Detected again in {} of {} here (no task queue), up to article "
                        "#{}, before the {}-second limit of one page: {} claims, {} no "
                        "longer flagged removed or dismissed. "
                        '<a href="{}?after={}">Go on with the rest</a>, or run '
                        "<code>python manage.py redetect --all</code> on the server.{}",
                        done,
                        processed_articles(count),
                        article.pk,
                        self.redetect_seconds,
                        claims,
                        removed,
                        reverse("admin:claims_cuepattern_redetect"),
                        article.pk,
                        _failures(failed),
                    ),
                    messages.WARNING,
                )
                return
        if failed:
            self.message_user(
                request,
                f"Detected again in {done} of {processed_articles(count)} here (no task "
                f"queue): {claims} claims, {removed} no longer flagged removed or "
                f"dismissed.{_failures(failed)}",
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            f"Detected again in all {processed_articles(done)} here (no task queue): {claims} "
            f"claims, {removed} no longer flagged removed or dismissed (claims being reviewed "
            "are kept).",
            messages.SUCCESS,
        )


def _failures(failed: dict[int, str]) -> str:
    """What a run of detection says of the articles it could not do, or ""."""
    return "".join(
        f" Article {pk} failed ({why}); the log says more." for pk, why in failed.items()
    )


class TriedFlag(NamedTuple):
    flag: detection.Flag
    change: str


def compared_flags(flags: list[detection.Flag], before: list[detection.Flag]) -> list[TriedFlag]:
    """The sentences flagged with a pattern tried and those it unflags, each with what
    changed against the lexicon as it is (``before``)."""
    old = {(f.start, f.end): f for f in before}
    new = {(f.start, f.end): f for f in flags}
    tried = []
    for span, flag in new.items():
        was = old.get(span)
        if was is None:
            change = "newly flagged"
        elif (was.score, was.category) != (flag.score, flag.category):
            change = f"score {was.score:g} → {flag.score:g}, {was.category} → {flag.category}"
            if was.category == flag.category:
                change = f"score {was.score:g} → {flag.score:g}"
        else:
            change = "as now"
        tried.append(TriedFlag(flag, change))
    tried += [TriedFlag(f, "no longer flagged") for span, f in old.items() if span not in new]
    return sorted(tried, key=lambda t: t.flag.start)


def processed_articles(count: int) -> str:
    return f"{count} processed article{'' if count == 1 else 's'}"


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "rating_value", "alternate_name", "is_final", "order"]
    prepopulated_fields = {"slug": ["label"]}


class EvidenceInline(admin.TabularInline):
    """Read-only: sources are added and removed through the workflow, which checks the
    claim's state and its holder, sends a submitted claim back to review and logs it."""

    formfield_overrides = HTTPS_URLS
    model = Evidence
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(DeletesClaimsUnderLock, admin.ModelAdmin):
    list_display = ["__str__", "category", "score", "status", "assignee", "priority"]
    list_filter = ["status", "category"]
    search_fields = ["text", "speaker"]
    list_select_related = ["assignee"]
    raw_id_fields = ["covers"]
    # A filtered list does not count the whole table too ("12 results (1,000,000 total)").
    show_full_result_count = False
    readonly_fields = [
        # The claim's state: changed through claims/workflow.py only, which checks the
        # transition, bumps the version and logs an event (a status set here could leave
        # the claim where no workflow action applies).
        "status",
        "assignee",
        "lease_expires_at",
        "verdict",
        "dismiss_reason",
        "priority",
        "priority_bump",
        "version",
        # What detection found, as offsets into the article's text: not for hand edits
        # (the score is also part of the priority, which claim_bump moves).
        "article",
        "text",
        "score",
        "start",
        "end",
        "cues",
        "speaker",
        "speaker_start",
        "speaker_end",
        "fingerprint",
        "created_at",
        "updated_at",
    ]
    inlines = [EvidenceInline]

    def claims_deleted_with(self, pks: list) -> models.QuerySet:
        return Claim.objects.filter(pk__in=pks)

    def save_model(self, request, obj, form, change):
        # Only what this form changed (and always the row, which locks it for the event
        # below): a full save would write back the claim's state as the form read it, over
        # a take made meanwhile.
        fields = [name for name in form.changed_data if name != "covers"]
        obj.save(update_fields=[*fields, "updated_at"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # In the claim's history, as every other change of it is; without it, detection
        # run again took the claim for untouched and set its category back or deleted it.
        changes = {}
        for name in form.changed_data:
            before, after = form.initial.get(name), form.cleaned_data.get(name)
            if name == "covers":
                before = sorted(claim.pk for claim in before or [])
                after = sorted(claim.pk for claim in after or [])
            changes[name] = [before, after]
        workflow.claim_edited(claim=form.instance, actor=request.user, changes=changes)

    def has_add_permission(self, request):
        # A claim is a sentence detection found in an article: its text and offsets are
        # not typed in (the add form could never be valid, and saving it was a 500).
        return False


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    """Read-only: a verdict is written, submitted, published and corrected through the
    workflow (claims/workflow.py), which checks who may and logs it. Saved here, it would
    rewrite what the public reads, or publish a claim no one reviewed, without a trace."""

    list_display = ["claim", "rating", "reviewer", "approver", "published_at"]
    list_select_related = ["rating", "reviewer", "approver", "claim"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A verdict is part of its claim's record (and may be the published one); deleting
        # it would strand a submitted claim with nothing to publish.
        return False


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, in the admin too."""

    list_display = ["created_at", "claim", "actor", "action"]
    list_filter = ["action"]
    show_full_result_count = False  # as for claims: no count of the whole table
    list_select_related = ["claim", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IngestionJob)
class IngestionJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "source", "total", "done", "duplicates", "failed", "started_at"]
    readonly_fields = ["errors", "lines_handled", "progress_at"]
    exclude = ["lines"]  # a file a worker is still reading: megabytes, not to be edited

    def get_queryset(self, request):
        return super().get_queryset(request).defer("lines")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds API tokens, and since when; deleting one revokes it. Tokens are made by
    logging in to the API (POST auth/token/), never shown again."""

    list_display = ["prefix", "user", "created"]
    list_filter = ["created"]
    search_fields = ["user__username", "prefix"]
    list_select_related = ["user"]
    fields = ["prefix", "user", "created"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
