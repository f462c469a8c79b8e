"""A processed article's note (the feed entry's text was used, the entry changed since) in
a field of its own: it was kept in `error`, and showed as one."""

from django.db import migrations, models


def notes_out_of_errors(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    processed = Article.objects.filter(status="processed").exclude(error="")
    processed.update(note=models.F("error"), error="")


def notes_back_into_errors(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    noted = Article.objects.filter(status="processed").exclude(note="")
    noted.update(error=models.F("note"))


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0026_feed_entries_by_guid"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="note",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(notes_out_of_errors, notes_back_into_errors, elidable=True),
    ]
