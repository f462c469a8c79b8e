"""API tokens kept as SHA-256 digests instead of in clear (DRF's authtoken table).

The tokens already handed out keep working: each is moved over as its digest, with its
age, and the clear copy is deleted. Admins may see and revoke tokens in the admin site.
"""

import hashlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def move_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("claims", "ApiToken")
    ApiToken.objects.bulk_create(
        ApiToken(
            digest=hashlib.sha256(token.key.encode()).hexdigest(),
            user_id=token.user_id,
            prefix=token.key[:6],
            created=token.created,
        )
        for token in Token.objects.all()
    )
    Token.objects.all().delete()


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
        ("authtoken", "0004_alter_tokenproxy_options"),
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
