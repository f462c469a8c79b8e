"""Add the cues the code's default lexicon gained from reading the flags of real news
pages (beliefs, estimates and confirmations by a named source, "alleged that", unnamed
accusers, "did not wish to be named", "neither … could be independently verified") to a
lexicon seeded before them. Only these rows, and only when the lexicon was seeded and
lacks them: a row an editor deleted on purpose is not brought back. Run
`manage.py redetect --all` to apply them to stored articles."""

from django.db import migrations

from claims.lexicon import adding_default_entries

ADDED = (
    "believes", "believe", "estimates that", "estimated that", "confirmed to", "alleged that",
    "did not wish to be named", "did not want to be named", "did not wish to be identified",
    "is accused of", "are accused of", "was accused of", "were accused of",
    "has been accused of", "have been accused of", "had been accused of",
    "neither ... could be independently verified", "neither ... could be independently confirmed",
    "none of ... could be independently verified", "none of ... could be independently confirmed",
)  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0013_more_reporting_verbs"),
    ]

    operations = [adding_default_entries(ADDED)]
