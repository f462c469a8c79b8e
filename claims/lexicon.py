"""The detection lexicon at run time: the enabled CuePattern rows, compiled once per change."""

from __future__ import annotations

import logging
import re
import threading

from django.db.models import Count, Max, Q, Sum

from claims import detection
from claims.models import CuePattern

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[str, object] = {"stamp": None, "lexicon": None}


def current_lexicon() -> detection.Lexicon:
    """Return the lexicon built from enabled CuePattern rows (the code default if none)."""
    # Queryset updates skip auto_now, so the stamp also counts enabled rows and weights.
    stamp = tuple(
        CuePattern.objects.aggregate(
            n=Count("id"),
            n_enabled=Count("id", filter=Q(enabled=True)),
            weight_sum=Sum("weight", filter=Q(enabled=True)),
            changed=Max("updated_at"),
        ).values()
    )
    with _lock:
        if _cache["stamp"] != stamp:
            rows = CuePattern.objects.filter(enabled=True)
            entries = [
                detection.LexiconEntry(
                    text=row.text, category=row.category, weight=row.weight, kind=row.kind
                )
                for row in rows
            ]
            # An empty table (never seeded) means the default; all rows disabled means none.
            try:
                _cache["lexicon"] = (
                    detection.Lexicon.from_entries(entries)
                    if stamp[0]
                    else detection.DEFAULT_LEXICON
                )
            except (ValueError, re.error):
                # A row saved around the admin's validation: keep detecting with the code's
                # lexicon rather than failing every article, and say so loudly.
                log.exception("The CuePattern lexicon does not compile; using the default.")
                _cache["lexicon"] = detection.DEFAULT_LEXICON
            _cache["stamp"] = stamp
        return _cache["lexicon"]
