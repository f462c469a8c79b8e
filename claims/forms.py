"""Forms of the dashboard. They validate input; every state change is a workflow call."""

from __future__ import annotations

from django import forms

from claims import workflow
from claims.api.serializers import MAX_ID, as_id
from claims.fetching import FetchError, check_url, normalised_url
from claims.models import WEB_URL, Claim, Evidence, Feed, Rating
from claims.uploads import MAX_UPLOAD_BYTES, TOO_LARGE


class VerdictForm(forms.Form):
    rating = forms.ModelChoiceField(queryset=Rating.objects.all(), empty_label="Choose a rating…")
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the evidence shows, in words a reader can follow.",
    )
    claim_reviewed = forms.CharField(
        label="Short wording",
        max_length=75,
        required=False,
        help_text="The claim in under 75 characters, for ClaimReview (optional).",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class WebURLField(forms.URLField):
    """A URL a reader can open: http(s) only, and one message for any bad one (URLField
    with WEB_URL added gave "Enter a valid URL." twice for "javascript:…")."""

    default_validators = [WEB_URL]
    default_error_messages = {"invalid": "Enter a web address (http:// or https://)."}


class EvidenceForm(forms.Form):
    url = WebURLField(label="URL", max_length=2000, assume_scheme="https")
    title = forms.CharField(max_length=500, required=False)
    publisher = forms.CharField(max_length=300, required=False)
    # No default: which way a source points is the reviewer's call, never a preset.
    stance = forms.ChoiceField(choices=[("", "Choose…"), *Evidence.Stance.choices])
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )


class ArticleAddForm(forms.Form):
    SOURCES = [
        ("url", "A URL"),
        ("text", "Pasted text"),
        ("html", "Pasted HTML"),
        ("file", "A file (JSONL, TXT or HTML)"),
    ]
    source = forms.ChoiceField(choices=SOURCES, widget=forms.RadioSelect, initial="url")
    url = forms.URLField(label="URL", max_length=2000, required=False, assume_scheme="https")
    title = forms.CharField(max_length=1000, required=False)
    text = forms.CharField(
        label="Article text", widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    html = forms.CharField(
        label="Page HTML", widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    file = forms.FileField(
        required=False,
        help_text='JSONL: one {"url"} or {"text", "title"} object a line. '
        "TXT: one article (first line is the headline). HTML: one page.",
    )

    def __init__(self, *args, upload_refused: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_refused = upload_refused or {}  # what SizeLimitedUploadHandler dropped

    def clean(self):
        data = super().clean()
        for name, reason in self.upload_refused.items():
            if name in self.fields:
                self.add_error(name, reason)
        source = data.get("source")
        needed = {"url": "url", "text": "text", "html": "html", "file": "file"}.get(source)
        if needed and not data.get(needed) and needed not in self.errors:
            self.add_error(needed, "This is needed for the source you chose.")
        upload = data.get("file")
        if source == "file" and upload:
            name = upload.name.lower()
            if not name.endswith((".jsonl", ".ndjson", ".txt", ".html", ".htm")):
                self.add_error("file", "Upload a .jsonl, .txt or .html file.")
            if upload.size > MAX_UPLOAD_BYTES:
                self.add_error("file", TOO_LARGE)
        return data


class FeedForm(forms.ModelForm):
    """A feed, from the dashboard or the admin: only a URL the fetcher would poll."""

    url = forms.URLField(
        label="Feed URL",
        max_length=2000,
        assume_scheme="https",
        error_messages={"unique": "This feed is already on the desk."},
    )
    # Declared here: the model field's own form field says "at least 0" for a negative
    # number, when 0 is refused too.
    poll_interval = forms.IntegerField(
        label="Poll every (minutes)",
        min_value=1,
        max_value=24 * 60,
        initial=15,
        help_text=Feed._meta.get_field("poll_interval").help_text,
    )

    class Meta:
        model = Feed
        fields = ["url", "title", "poll_interval"]
        labels = {"url": "Feed URL"}

    def clean_url(self):
        url = normalised_url(self.cleaned_data["url"])
        try:
            check_url(url)
        except FetchError as exc:
            raise forms.ValidationError(str(exc)) from None
        return url


class ClaimsField(forms.ModelMultipleChoiceField):
    """Claims by id; an id no database could hold is refused before any query."""

    def clean(self, value):
        for item in value or []:
            if as_id(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super().clean(value)


class BulkForm(forms.Form):
    ACTIONS = [
        ("dismiss", "Dismiss"),
        ("release", "Release"),
        ("assign", "Assign to…"),
        ("restore", "Put back in the queue"),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    ids = ClaimsField(
        queryset=Claim.objects.all(),
        error_messages={"required": "Select at least one claim first."},
    )
    reason = forms.CharField(max_length=workflow.MAX_REASON, required=False)
    assignee = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def clean(self):
        data = super().clean()
        if not data.get("ids"):
            return data  # "select at least one claim" says what to do first
        # Only when the field has no error of its own: the user did fill it in.
        reason_missing = not (data.get("reason") or "").strip() and "reason" not in self.errors
        if data.get("action") == "dismiss" and reason_missing:
            self.add_error("reason", "Say why the claims are dismissed.")
        if (
            data.get("action") == "assign"
            and not data.get("assignee")
            and "assignee" not in self.errors
        ):
            self.add_error("assignee", "Choose a reviewer.")
        return data
