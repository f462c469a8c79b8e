"""Indexes for the orders and the search of the claim lists at scale (1,000,000 claims on
PostgreSQL, measured by the scale audit):

- (created_at, id) and (-score, id): the queue's "newest", "oldest" and "score" orders and
  the API's orderings sorted the whole table for each page (0.4-2.4 s; 10-250 ms with them);
- on PostgreSQL only, trigram indexes on the text and the speaker as the search compiles
  them (UPPER(…) LIKE UPPER('%…%')): a search read every claim (1.4-4.1 s; 9-65 ms with
  them, 0.5 s for a word in every claim). SQLite has no such index.
"""

from django.conf import settings
from django.db import migrations, models

TRIGRAM_INDEXES = {
    "claim_text_trgm": 'UPPER("text"::text)',
    "claim_speaker_trgm": 'UPPER("speaker"::text)',
}


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "claims_claim" '
            f"USING gin (({expression}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0023_users_who_acted_are_kept"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["created_at", "id"], name="claim_created"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["-score", "id"], name="claim_score"),
        ),
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
    ]
