"""ClaimReview JSON-LD: the fields search engines and aggregators require."""

from __future__ import annotations

import pytest

from claims import ingestion, workflow
from claims.claimreview import claim_review, short_wording
from claims.models import Article
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, reviewed_claim

pytestmark = pytest.mark.django_db

REQUIRED = {
    "@context",
    "@type",
    "url",
    "claimReviewed",
    "reviewRating",
    "itemReviewed",
    "author",
    "datePublished",
}


def published(**claim_fields):
    claim = reviewed_claim(UserFactory(username="rev", role="reviewer"))
    if claim_fields:
        type(claim).objects.filter(pk=claim.pk).update(**claim_fields)
        claim.refresh_from_db()
    return workflow.claim_publish(claim=claim, actor=UserFactory(username="ed", role="editor"))


def test_it_has_every_required_field():
    review = claim_review(published())
    assert set(review) >= REQUIRED
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    rating = review["reviewRating"]
    assert {"ratingValue", "bestRating", "worstRating", "alternateName"} <= set(rating)
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["itemReviewed"]["appearance"][0]["url"].startswith("https://")
    assert review["citation"] and review["url"].endswith(
        f"/reviews/{review['url'].split('/')[-2]}/"
    )


def test_the_claim_is_dated_the_day_its_article_gives(settings):
    # A date-only "2026-03-05" was stored as midnight UTC, which is 4 March in New York.
    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    claim = published()
    Article.objects.filter(pk=claim.article_id).update(
        published_at=ingestion.parse_published("2026-03-05")
    )
    claim.refresh_from_db()
    assert claim_review(claim)["itemReviewed"]["datePublished"] == "2026-03-05"


def test_an_undated_article_gives_the_claim_no_date():
    # It was given the day the article came in to the desk, a date no one wrote.
    claim = published()
    Article.objects.filter(pk=claim.article_id).update(published_at=None)
    claim.refresh_from_db()
    assert "datePublished" not in claim_review(claim)["itemReviewed"]


def test_it_keeps_claim_reviewed_under_75_characters():
    claim = ClaimFactory(text="The minister said that " + "the harbour tunnel was finished " * 5)
    wording = short_wording(claim)
    assert len(wording) < 75 and wording.endswith("…")


@pytest.mark.parametrize(
    ("speaker", "category", "author"),
    [
        ("Mayor Ellen Dorsey", "attributed", {"@type": "Person", "name": "Mayor Ellen Dorsey"}),
        (
            "the Interior Ministry",
            "attributed",
            {"@type": "Organization", "name": "the Interior Ministry"},
        ),
        ("he", "attributed", None),
        ("a person familiar with the matter", "anonymous-source", None),
    ],
)
def test_it_names_the_author_of_the_claim_when_known(speaker, category, author):
    review = claim_review(published(speaker=speaker, category=category))
    assert review["itemReviewed"].get("author") == author


def test_a_label_off_the_numeric_scale_is_given_by_name():
    claim = reviewed_claim(UserFactory(username="rev", role="reviewer"), "unverifiable")
    claim = workflow.claim_publish(claim=claim, actor=UserFactory(username="ed", role="editor"))
    rating = claim_review(claim)["reviewRating"]
    assert rating["alternateName"] == "Unverifiable" and "ratingValue" not in rating


def test_the_published_list_holds_corrections_and_put_back_claims_newest_change_first():
    from claims.claimreview import published_claims
    from claims.models import Claim

    editor = UserFactory(username="ed2", role="editor")
    first, second, third = (published() for _ in range(3))
    workflow.claim_reopen(claim=second, actor=editor, reason="A new figure came out.")
    workflow.claim_reopen(claim=third, actor=editor, reason="Wrong county.")
    workflow.claim_dismiss(claim=third, actor=editor, reason="Not check-worthy after all.")
    ClaimFactory()  # never reviewed
    draft = reviewed_claim(UserFactory(username="rev2", role="reviewer"))  # not published
    listed = list(published_claims().order_by("-updated_at", "-id"))
    assert listed == [second, first]
    workflow.claim_restore(claim=Claim.objects.get(pk=third.pk), actor=editor)
    listed = list(published_claims().order_by("-updated_at", "-id"))
    assert listed == [third, second, first] and draft not in listed


def test_the_published_list_reads_only_the_claims_that_hold_a_verdict():
    # It read every claim to find the published ones (0.2-0.5 s over 1,000,000 claims).
    from django.db import connection

    from claims.claimreview import published_claims

    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads a table this small whole, whatever the query")
    published()
    with connection.cursor() as cursor:  # a table this small is read whole otherwise
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = published_claims().order_by("-updated_at", "-id")[:20].explain()
    # The index of the claims that hold a verdict, in the list's order: without it each
    # page sorted them all (0.3-0.6 s over 87,000 verdicts and 1,000,000 claims).
    assert "claim_public_order" in plan


def test_postgresql_expects_as_many_published_claims_as_there_are():
    # It expected one claim in twenty of those published (an EXISTS over the published
    # verdicts reads as rare as published verdicts are among all claims), so a page past
    # that many sorted every published claim instead of walking the index:
    # claimreviews/?page=100 took 0.4-0.8 s over 50,000 reviews and 1,000,000 claims.
    import json

    from django.db import connection

    from claims.claimreview import published_claims
    from claims.models import Claim

    if connection.vendor != "postgresql":
        pytest.skip("the estimate is PostgreSQL's")
    article = ArticleFactory()
    Claim.objects.bulk_create(
        Claim(article=article, text="x", start=n, end=n + 1, score=0.5, fingerprint=f"fp{n}")
        for n in range(400)
    )
    for _ in range(20):
        published()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
        cursor.execute("ANALYZE claims_verdict")
    plan = json.loads(published_claims().explain(format="json"))
    assert plan[0]["Plan"]["Plan Rows"] >= 10
