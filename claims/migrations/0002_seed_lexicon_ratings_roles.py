"""Seed the detection lexicon, the default rating scale and the three roles."""

from django.db import migrations

RATINGS = [
    # slug, label, value, colour, final, needs evidence, definition
    (
        "true",
        "True",
        5,
        "#1a7f37",
        True,
        True,
        "The claim is accurate and nothing significant is missing.",
    ),
    (
        "mostly-true",
        "Mostly true",
        4,
        "#4c9a2a",
        True,
        True,
        "The claim is accurate but needs clarification or additional information.",
    ),
    (
        "half-true",
        "Half true",
        3,
        "#b58900",
        True,
        True,
        "The claim is partially accurate but leaves out important details or takes things out of "
        "context.",
    ),
    (
        "mostly-false",
        "Mostly false",
        2,
        "#d9730d",
        True,
        True,
        "The claim contains an element of truth but ignores facts that would give a different "
        "impression.",
    ),
    ("false", "False", 1, "#c62828", True, True, "The claim is not accurate."),
    (
        "unverifiable",
        "Unverifiable",
        0,
        "#6e7781",
        True,
        True,
        "The available evidence can neither confirm nor refute the claim.",
    ),
    (
        "unproven",
        "Unproven",
        0,
        "#8c6bb1",
        False,
        False,
        "Not enough evidence yet to rate the claim; the review continues.",
    ),
    (
        "research-in-progress",
        "Research in progress",
        0,
        "#0969da",
        False,
        False,
        "Reviewers are still gathering evidence on this claim.",
    ),
    (
        "not-a-claim",
        "Not a claim",
        0,
        "#57606a",
        True,
        False,
        "The sentence states an opinion or a prediction, not a checkable fact.",
    ),
]

ROLES = ["reviewer", "editor", "admin"]


def seed(apps, schema_editor):
    from claims.detection import DEFAULT_ENTRIES

    CuePattern = apps.get_model("claims", "CuePattern")
    Rating = apps.get_model("claims", "Rating")
    Group = apps.get_model("auth", "Group")
    CuePattern.objects.bulk_create(
        [
            CuePattern(text=e.text, category=e.category, weight=e.weight, kind=e.kind)
            for e in DEFAULT_ENTRIES
        ],
        ignore_conflicts=True,
    )
    for order, (slug, label, value, colour, final, evidence, definition) in enumerate(RATINGS):
        Rating.objects.update_or_create(
            slug=slug,
            defaults=dict(
                label=label,
                rating_value=value,
                best_rating=5,
                worst_rating=1,
                alternate_name=label,
                colour=colour,
                is_final=final,
                requires_evidence=evidence,
                definition=definition,
                order=order,
            ),
        )
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def unseed(apps, schema_editor):
    apps.get_model("claims", "CuePattern").objects.all().delete()
    apps.get_model("claims", "Rating").objects.filter(slug__in=[r[0] for r in RATINGS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
