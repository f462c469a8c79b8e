"""Add "reiterate" to a lexicon that ran 0018 before the word joined it: 0018 first added
"reiterated", "reiterates" and "reiterating" only, so a desk that had already run it kept
missing "They reiterate that…", which a new install flags. Only when the lexicon was seeded
and lacks it. Run `manage.py redetect --all` to apply it to stored articles.

Reversed, the row stays: on most desks 0018 added it, and undoing this one step should
not take away a cue that step did not give.
"""

from django.db import migrations

from claims.lexicon import add_default_entries


def add(apps, schema_editor):
    add_default_entries(apps.get_model("claims", "CuePattern"), ("reiterate",))


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0027_article_note"),
    ]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
