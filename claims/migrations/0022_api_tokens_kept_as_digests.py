"""API tokens kept as SHA-256 digests instead of in clear (DRF's authtoken table).

The tokens already handed out keep working: each is moved over as its digest, with its
age, and the clear copy is deleted. Admins may see and revoke tokens in the admin site.
"""

import hashlib
from datetime import UTC

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def move_tokens(apps, schema_editor):
    # DRF's authtoken app is no longer installed: its table, where an earlier version made
    # it, is read as it is.
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("claims", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    moved = []
    for key, user_id, created in rows:
        if isinstance(created, str):  # SQLite hands the column back as text
            created = parse_datetime(created)
        if created is not None and timezone.is_naive(created):
            created = timezone.make_aware(created, UTC)
        moved.append(
            ApiToken(
                digest=hashlib.sha256(key.encode()).hexdigest(),
                user_id=user_id,
                prefix=key[:6],
                created=created or timezone.now(),
            )
        )
    ApiToken.objects.bulk_create(moved)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM authtoken_token")


def let_admins_revoke(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now to use them.
    claims = apps.get_app_config("claims")
    claims.models_module = True
    create_permissions(claims, apps=apps, verbosity=0)
    claims.models_module = None
    Permission = apps.get_model("auth", "Permission")
    tokens = Permission.objects.filter(
        content_type__app_label="claims", codename__in=["view_apitoken", "delete_apitoken"]
    )
    apps.get_model("auth", "Group").objects.get(name="admin").permissions.add(*tokens)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0021_confirmed_when_that"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("prefix", models.CharField(max_length=8)),
                ("created", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "ordering": ["-created"],
            },
        ),
        migrations.RunPython(move_tokens, migrations.RunPython.noop),
        migrations.RunPython(let_admins_revoke, migrations.RunPython.noop),
    ]
