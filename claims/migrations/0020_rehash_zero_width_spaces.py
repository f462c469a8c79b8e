"""Hash again the articles whose text holds zero-width spaces or BOMs.

They were stored before clean_text dropped those characters, so a copy of one arriving
now (without them) had another hash and was not found as a duplicate. The text itself is
kept: the claims' offsets point into it. Where the new hash is already another article's,
this one keeps its old hash (the two were stored apart; nothing is merged).
"""

import hashlib
import re

from django.db import migrations
from django.db.models import Q


def content_hash(text: str) -> str:
    # As claims.ingestion.content_hash computes it at this migration.
    text = text.replace("\u200b", "").replace("\ufeff", "")
    normalised = re.sub(r"\s+", " ", text).strip().lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def rehash(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    holding = Article.objects.filter(Q(text__contains="\u200b") | Q(text__contains="\ufeff"))
    for article in holding.exclude(content_hash=None).only("pk", "text").order_by("pk"):
        digest = content_hash(article.text)
        if not Article.objects.filter(content_hash=digest).exists():
            Article.objects.filter(pk=article.pk).update(content_hash=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0019_rating_colour_is_hex"),
    ]

    operations = [migrations.RunPython(rehash, migrations.RunPython.noop)]
