"""Drop the review event's claim index: event_claim_created starts with the claim.

Only the index is dropped; altering the field through Django would also drop and
re-check the foreign key (see 0009).
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "claims_reviewevent_claim_id_70e5aa3c"


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0009_claim_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reviewevent",
                    name="claim",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="claims.claim",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    f'CREATE INDEX "{INDEX}" ON "claims_reviewevent" ("claim_id")',
                ),
            ],
        ),
    ]
