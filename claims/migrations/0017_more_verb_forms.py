"""Add the forms of the reporting verbs that the code's default lexicon gained (base forms
after a plural subject such as "acknowledge" and "complain", gerunds such as "admitting",
and "confirmed that") to a lexicon seeded before them. Only these rows, and only when the
lexicon was seeded and lacks them: a row an editor deleted on purpose is not brought back.
Run `manage.py redetect --all` to apply them to stored articles."""

from django.db import migrations

from claims.lexicon import adding_default_entries

ADDED = (
    "acknowledge", "admit", "concede", "announce", "acknowledging", "admitting", "conceding",
    "testifying", "allege", "alleging", "assert", "contend", "contending", "stating",
    "recalling", "vowing", "predict", "predicting", "disclose", "discloses", "disclosing",
    "confirmed that", "confirming that", "complain", "complains", "criticize", "criticizes",
    "criticise", "criticises",
)  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0016_verdict_published_wording_and_sources"),
    ]

    operations = [adding_default_entries(ADDED)]
