"""On PostgreSQL, vacuum the claim table early: every take-next leaves a dead row at the
head of the queue, and the default (20% of a million rows) lets them pile up."""

from django.db import migrations

SETTINGS = (
    "autovacuum_vacuum_scale_factor = 0.005, autovacuum_vacuum_threshold = 1000, "
    "autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 1"
)


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE claims_claim SET ({SETTINGS})")


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_article_lz4")]
    operations = [migrations.RunPython(tune, migrations.RunPython.noop)]
