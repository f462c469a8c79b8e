"""Add the reporting verbs' base forms that the code's default lexicon gained (warn, vow,
explain, ask, accuse, insist, comment, commented, call, describe) to a lexicon seeded
before them. Only these rows, and only when the lexicon was seeded and lacks them: a row
an editor deleted on purpose is not brought back by a later migration."""

from django.db import migrations

from claims.lexicon import adding_default_entries

ADDED = (
    "warn", "vow", "explain", "ask", "accuse", "insist", "comment", "commented", "call",
    "describe",
)  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_clamp_poll_interval"),
    ]

    operations = [adding_default_entries(ADDED)]
