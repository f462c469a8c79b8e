"""Data migrations, run forwards and back on a database of their own."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


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
