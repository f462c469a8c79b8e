"""Feeds saved before 0011 with an interval outside 1-1440 minutes are brought inside it,
so that editing them (which now validates the interval) does not fail on a value the
editor did not touch."""

from django.db import migrations


def clamp(apps, schema_editor):
    Feed = apps.get_model("claims", "Feed")
    Feed.objects.filter(poll_interval__lt=1).update(poll_interval=1)
    Feed.objects.filter(poll_interval__gt=24 * 60).update(poll_interval=24 * 60)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0011_input_limits"),
    ]

    operations = [
        migrations.RunPython(clamp, migrations.RunPython.noop),
    ]
