"""The claim's ever_published flag, for the public list of reviews (the home page and
claimreviews/), and that list's index over it in place of 0031's claim_published_order.

The list chose the claims with an EXISTS over their published verdicts, which PostgreSQL
estimated at one claim in twenty of those there are (2,400 of 50,000 over 1,000,000
claims): a page past that many looked like the end of the list, and it sorted every
published claim instead of walking the index (claimreviews/?page=100 0.4-0.8 s).

The flag is set on every claim with a published verdict; the new index is built before the
old one is dropped, both concurrently on PostgreSQL. Hence not atomic: run again after it
stopped half-way, it adds the column only if it is missing and builds an invalid index
anew. The flag is set again at the end, for claims published while the index was built.
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q

PUBLIC_ORDER = models.Index(
    fields=["-updated_at", "-id"],
    name="claim_public_order",
    condition=Q(ever_published=True) & ~Q(status="dismissed"),
)
PUBLISHED_ORDER = models.Index(
    fields=["-updated_at", "-id"],
    name="claim_published_order",
    condition=Q(verdict__isnull=False) & ~Q(status="dismissed"),
)


def _has_flag(schema_editor) -> bool:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "claims_claim")
    return any(column.name == "ever_published" for column in columns)


def add_flag(apps, schema_editor):
    model = apps.get_model("claims", "claim")
    if not _has_flag(schema_editor):
        schema_editor.add_field(model, model._meta.get_field("ever_published"))


def drop_flag(apps, schema_editor):
    model = apps.get_model("claims", "claim")
    if _has_flag(schema_editor):
        schema_editor.remove_field(model, model._meta.get_field("ever_published"))


def mark_published(apps, schema_editor):
    claim = apps.get_model("claims", "claim")
    verdict = apps.get_model("claims", "verdict")
    published = verdict.objects.filter(claim=OuterRef("pk"), published_at__isnull=False)
    # update() leaves updated_at, the public list's order, as it was.
    claim.objects.filter(Exists(published), ever_published=False).update(ever_published=True)
    if schema_editor.connection.vendor == "postgresql":
        # The planner's figures for the new column, without waiting for autovacuum (which
        # counts only the 5 % of claims just set, short of its 10 %).
        schema_editor.execute('ANALYZE "claims_claim" ("ever_published")')


def _add(apps, schema_editor, index):
    model = apps.get_model("claims", "claim")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{index.name}"')
        schema_editor.add_index(model, index, concurrently=True)
    else:
        schema_editor.add_index(model, index)


def _remove(apps, schema_editor, index):
    model = apps.get_model("claims", "claim")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{index.name}"')
    else:
        schema_editor.remove_index(model, index)


def add_public_order(apps, schema_editor):
    _add(apps, schema_editor, PUBLIC_ORDER)


def drop_public_order(apps, schema_editor):
    _remove(apps, schema_editor, PUBLIC_ORDER)


def add_published_order(apps, schema_editor):
    _add(apps, schema_editor, PUBLISHED_ORDER)


def drop_published_order(apps, schema_editor):
    _remove(apps, schema_editor, PUBLISHED_ORDER)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("claims", "0032_article_published_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="claim",
                    name="ever_published",
                    field=models.BooleanField(default=False, editable=False),
                )
            ],
        ),
        migrations.RunPython(add_flag, drop_flag),
        migrations.RunPython(mark_published, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="claim", index=PUBLIC_ORDER)],
            database_operations=[migrations.RunPython(add_public_order, drop_public_order)],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="claim", name="claim_published_order")
            ],
            database_operations=[migrations.RunPython(drop_published_order, add_published_order)],
        ),
        migrations.RunPython(mark_published, migrations.RunPython.noop),
    ]
