"""Add the reporting verbs' base forms that the code's default lexicon gained (warn, vow,
explain, ask, accuse, insist, comment, commented, call, describe) to a lexicon seeded
before them. Only these rows, and only when the lexicon was seeded and lacks them: a row
an editor deleted on purpose is not brought back by a later migration."""

from django.db import migrations

ADDED = (
    "warn", "vow", "explain", "ask", "accuse", "insist", "comment", "commented", "call",
    "describe",
)  # fmt: skip


def add(apps, schema_editor):
    from claims.detection import DEFAULT_ENTRIES

    CuePattern = apps.get_model("claims", "CuePattern")
    if not CuePattern.objects.exists():
        return  # never seeded: the code's default lexicon applies, with these in it
    present = set(CuePattern.objects.filter(text__in=ADDED).values_list("text", flat=True))
    CuePattern.objects.bulk_create(
        CuePattern(text=e.text, category=e.category, weight=e.weight, kind=e.kind)
        for e in DEFAULT_ENTRIES
        if e.text in ADDED and e.text not in present
    )


def remove(apps, schema_editor):
    apps.get_model("claims", "CuePattern").objects.filter(text__in=ADDED).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_clamp_poll_interval"),
    ]

    operations = [
        migrations.RunPython(add, remove),
    ]
