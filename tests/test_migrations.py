"""Data migrations, run forwards and back on a database of their own."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def migrate(to: tuple[str, str]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([to])
    return executor.loader.project_state([to]).apps


def latest() -> tuple[str, str]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes("claims")[0]


@pytest.mark.django_db(transaction=True)
def test_processed_articles_notes_move_out_of_their_errors():
    apps = migrate(("claims", "0026_feed_entries_by_guid"))
    Article = apps.get_model("claims", "Article")
    noted = Article.objects.create(
        status="processed", error="The page was a paywall notice; the feed entry's text was used."
    )
    failed = Article.objects.create(
        status="failed", error="HTTP 404", source_url="https://a.test/1"
    )

    apps = migrate(("claims", "0027_article_note"))
    Article = apps.get_model("claims", "Article")
    noted, failed = Article.objects.get(pk=noted.pk), Article.objects.get(pk=failed.pk)
    assert (noted.error, noted.note) == (
        "",
        "The page was a paywall notice; the feed entry's text was used.",
    )
    assert (failed.error, failed.note) == ("HTTP 404", "")

    apps = migrate(("claims", "0026_feed_entries_by_guid"))
    noted = apps.get_model("claims", "Article").objects.get(pk=noted.pk)
    assert noted.error.startswith("The page was a paywall notice")


@pytest.mark.django_db(transaction=True)
def test_a_lexicon_migrated_by_0018_as_first_shipped_gains_reiterate():
    # 0018 first added "reiterated", "reiterates" and "reiterating"; "reiterate" was added
    # to it afterwards, which a desk that had already run it never got.
    apps = migrate(("claims", "0018_reiterated"))
    CuePattern = apps.get_model("claims", "CuePattern")
    CuePattern.objects.all().delete()
    for text, weight in [("said", 0.33), ("reiterated", 0.5)]:  # "said" edited by the desk
        CuePattern.objects.create(
            text=text, category="attributed", weight=weight, kind="reporting_verb"
        )
    apps.get_model("auth", "Group").objects.get_or_create(name="admin")  # 0022 grants it

    apps = migrate(latest())
    CuePattern = apps.get_model("claims", "CuePattern")
    added = CuePattern.objects.get(text="reiterate")
    assert (added.category, added.kind, added.enabled) == ("attributed", "reporting_verb", True)
    assert CuePattern.objects.get(text="said").weight == 0.33

    # Undone, it stays: on a desk that ran 0018 as it is now, the row is 0018's.
    apps = migrate(("claims", "0027_article_note"))
    assert apps.get_model("claims", "CuePattern").objects.filter(text="reiterate").exists()
    migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_verdicts_published_before_0016_keep_their_wording_and_sources_in_few_queries():
    # Once per verdict, two round trips: 29,000 published verdicts took minutes, with the
    # verdict table locked by the new columns all along.
    apps = migrate(("claims", "0015_evidence_url_no_invisible_characters"))
    User = apps.get_model("auth", "User")
    Article, Claim = apps.get_model("claims", "Article"), apps.get_model("claims", "Claim")
    Rating, Verdict = apps.get_model("claims", "Rating"), apps.get_model("claims", "Verdict")
    Evidence = apps.get_model("claims", "Evidence")
    reviewer = User.objects.create(username="rita")
    rating = Rating.objects.create(slug="false-0016", label="False", rating_value=1)
    article = Article.objects.create(status="processed", text="…")
    long = "The minister said on Tuesday that the figures published by the agency were wrong."
    verdicts = {}
    for n in range(40):
        claim = Claim.objects.create(
            article=article,
            text=long if n % 2 else f"Claim {n} was said.",
            claim_reviewed="Edited wording" if n == 3 else "",
            start=n, end=n + 10, score=0.5, category="attributed", fingerprint=f"fp{n}",
        )  # fmt: skip
        for source in (2, 1):
            Evidence.objects.create(
                claim=claim, url=f"https://e.test/{n}/{source}", title=f"S{source}",
                stance="refutes", added_by=reviewer,
            )  # fmt: skip
        verdicts[n] = Verdict.objects.create(
            claim=claim, rating=rating, summary="…", reviewer=reviewer,
            published_at=None if n == 0 else timezone.now(),
        )  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        apps = migrate(("claims", "0016_verdict_published_wording_and_sources"))
    Verdict = apps.get_model("claims", "Verdict")
    got = {n: Verdict.objects.get(pk=v.pk) for n, v in verdicts.items()}
    assert (got[0].claim_reviewed, got[0].citations) == ("", [])
    assert (
        got[1].claim_reviewed
        == "The minister said on Tuesday that the figures published by the agency…"
    )
    assert got[2].claim_reviewed == "Claim 2 was said."
    assert got[3].claim_reviewed == "Edited wording"
    assert got[5].citations == [
        {"url": "https://e.test/5/2", "title": "S2", "publisher": "", "stance": "refutes"},
        {"url": "https://e.test/5/1", "title": "S1", "publisher": "", "stance": "refutes"},
    ]
    assert len(queries) < 40
    apps.get_model("auth", "Group").objects.get_or_create(name="admin")  # 0022 grants it
    migrate(latest())
