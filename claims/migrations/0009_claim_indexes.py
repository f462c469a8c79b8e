"""Three fewer indexes on the claim table, and a partial lease index.

The foreign keys' own indexes are only dropped: altering the fields through Django would
also drop and re-add (re-check) both foreign-key constraints, locking the claim, article
and user tables for as long as that takes on a large table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED = [
    # (index, column) as created by 0001 on both PostgreSQL and SQLite
    ("claims_claim_article_id_6731be49", "article_id"),
    ("claims_claim_assignee_id_490d6049", "assignee_id"),
    ("claims_claim_fingerprint_760bd1aa", "fingerprint"),
]


def drop_indexes(apps, schema_editor):
    names = [name for name, _column in DROPPED]
    if schema_editor.connection.vendor == "postgresql":
        names.append("claims_claim_fingerprint_760bd1aa_like")
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore_indexes(apps, schema_editor):
    for name, column in DROPPED:
        schema_editor.execute(f'CREATE INDEX "{name}" ON "claims_claim" ("{column}")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE INDEX "claims_claim_fingerprint_760bd1aa_like" ON "claims_claim" '
            '("fingerprint" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0008_cuepattern_kind_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="claim",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="claims.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="claim",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="assigned_claims",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="claim",
                    name="fingerprint",
                    field=models.CharField(max_length=64),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, restore_indexes)],
        ),
        migrations.RemoveIndex(
            model_name="claim",
            name="claim_lease_expiry",
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("lease_expires_at__isnull", False)),
                fields=["lease_expires_at"],
                name="claim_lease_expiry",
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["fingerprint"], name="claim_fingerprint"),
        ),
    ]
