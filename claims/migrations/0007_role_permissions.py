"""Give the roles their admin-site permissions: admins manage everything in the app
(the lexicon, the rating scale, feeds…); editors manage feeds and view the rest;
reviewers use the dashboard, not the admin site."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_CHANGES = ["feed"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now to use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="claims")
    Group.objects.get(name="admin").permissions.add(*ours)
    editor = Group.objects.get(name="editor")
    editor.permissions.add(*ours.filter(codename__startswith="view_"))
    for model in EDITOR_CHANGES:
        editor.permissions.add(*ours.filter(content_type__model=model))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ("admin", "editor"):
        Group.objects.get(name=name).permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_claim_priority_index"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
