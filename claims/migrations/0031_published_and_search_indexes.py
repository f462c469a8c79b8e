"""Indexes for the lists that read every published review or every article (1,000,000
claims, 87,000 verdicts and 50,000 articles on PostgreSQL):

- claim_published_order: the public home page and claimreviews/ list the claims with a
  published verdict newest first; without it each page sorted all of them (0.3-0.6 s), and
  claimreviews/' count read every claim that holds a verdict (0.3 s, 0.1 s with it);
- verdict_awaiting_approval: the dashboard's "To approve", oldest submission first, sorted
  every reviewed claim (0.3-0.5 s with 25,000 waiting);
- on PostgreSQL only, trigram indexes on the article's title and addresses as the search
  compiles them (UPPER(…) LIKE UPPER('%…%')): a search read every article (0.2 s each for
  the page and its count).

Built with CREATE INDEX CONCURRENTLY on PostgreSQL, so that reviewing and ingestion go on
while they are built (hence not atomic): a build that is cut short leaves an invalid index,
which running the migration again drops and builds anew.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

PUBLISHED_ORDER = models.Index(
    fields=["-updated_at", "-id"],
    name="claim_published_order",
    condition=Q(verdict__isnull=False) & ~Q(status="dismissed"),
)
AWAITING_APPROVAL = models.Index(
    fields=["submitted_at"],
    name="verdict_awaiting_approval",
    condition=Q(published_at__isnull=True),
)
TRIGRAM_INDEXES = {
    "article_title_trgm": 'UPPER("title"::text)',
    "article_url_trgm": 'UPPER("url"::text)',
    "article_source_url_trgm": 'UPPER("source_url"::text)',
}


def add_index(model_name: str, index: models.Index):
    def forwards(apps, schema_editor):
        model = apps.get_model("claims", model_name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{index.name}"')
            schema_editor.add_index(model, index, concurrently=True)
        else:
            schema_editor.add_index(model, index)

    def backwards(apps, schema_editor):
        model = apps.get_model("claims", model_name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, index, concurrently=True)
        else:
            schema_editor.remove_index(model, index)

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddIndex(model_name=model_name, index=index)],
        database_operations=[migrations.RunPython(forwards, backwards)],
    )


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in TRIGRAM_INDEXES.items():
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY "{name}" ON "claims_article" '
            f"USING gin (({expression}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("claims", "0030_job_progress_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        add_index("claim", PUBLISHED_ORDER),
        add_index("verdict", AWAITING_APPROVAL),
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
    ]
