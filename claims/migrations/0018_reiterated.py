"""Add "reiterated", "reiterates", "reiterating" and "reiterate" (from reading the real pages' misses:
"Volker reiterated that…", "The EU reiterated it still considers…") to a lexicon seeded
before them, as 0017 did for its verb forms. Run `manage.py redetect --all` to apply them
to stored articles."""

from django.db import migrations

from claims.lexicon import adding_default_entries

ADDED = ("reiterated", "reiterates", "reiterating", "reiterate")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0017_more_verb_forms"),
    ]

    operations = [adding_default_entries(ADDED)]
