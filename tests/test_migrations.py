"""Data migrations, run forwards and back on a database of their own."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(to: tuple[str, str]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([to])
    return executor.loader.project_state([to]).apps


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
