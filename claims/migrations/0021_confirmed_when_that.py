"""Add "confirmed on Monday that", "confirmed Tuesday that", "confirmed in a statement
that"… (a miss seen in news copy: only "confirmed that" with nothing between was a cue) to
a lexicon seeded before them, as 0017 and 0018 did. Run `manage.py redetect --all` to
apply them to stored articles."""

from django.db import migrations

from claims.lexicon import adding_default_entries

# Spelled out: a migration keeps what it added even if the default lexicon changes.
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WHEN = (
    *_DAYS,
    *(f"on {day}" for day in _DAYS),
    *("yesterday", "today", "earlier", "later", "last week", "this week", "in a statement"),
)
ADDED = tuple(f"confirmed {when} that" for when in _WHEN)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0020_rehash_zero_width_spaces"),
    ]

    operations = [adding_default_entries(ADDED)]
