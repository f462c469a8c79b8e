"""The detection lexicon at run time: the enabled CuePattern rows, compiled once per change."""

from __future__ import annotations

import logging
import re
import threading

from django.db import connection

from claims import detection
from claims.models import CLAIM_ARTICLE_BODY, Claim, CuePattern

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[str, object] = {"stamp": None, "lexicon": None}


def _compile(entries: list[detection.LexiconEntry]) -> detection.Lexicon:
    """Compile the rows; a row the detector refuses (saved around the admin's validation,
    or under an older rule) is left out, loudly, and the others still count."""
    try:
        return detection.Lexicon.from_entries(entries)
    except (ValueError, re.error):
        pass
    usable = []
    for entry in entries:
        try:
            detection.Lexicon.from_entries([entry])
        except (ValueError, re.error) as exc:
            log.error("Cue pattern %r is left out of the lexicon: %s", entry.text, exc)
        else:
            usable.append(entry)
    return detection.Lexicon.from_entries(usable)


def current_lexicon() -> detection.Lexicon:
    """Return the lexicon built from enabled CuePattern rows (the code default if none)."""
    stamp = _stamp()
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
            _cache["lexicon"] = _compile(entries) if stamp[0] else detection.DEFAULT_LEXICON
            _cache["stamp"] = stamp
        return _cache["lexicon"]


#: What changes whenever the lexicon does: the number of rows and of enabled rows, the
#: enabled rows' weights, the latest edit (queryset updates skip auto_now, so the counts
#: and weights are there too).
_STAMP_SQL = (
    "SELECT COUNT(*), COUNT(CASE WHEN enabled THEN 1 END), "
    "SUM(CASE WHEN enabled THEN weight END), MAX(updated_at) FROM {table}"
)


def _stamp() -> tuple:
    # Asked for every article processed: written by hand, as the ORM took 0.7 ms of CPU
    # to build the same aggregate query (the query itself takes 0.1 ms).
    with connection.cursor() as cursor:
        cursor.execute(
            _STAMP_SQL.format(table=connection.ops.quote_name(CuePattern._meta.db_table))
        )
        return tuple(cursor.fetchone())


def trial_lexicon(
    entry: detection.LexiconEntry, instead_of: int | None = None
) -> detection.Lexicon:
    """Return the enabled rows' lexicon with ``entry`` in place of the row ``instead_of``
    (or added): to try a pattern before it is saved."""
    rows = CuePattern.objects.filter(enabled=True).exclude(pk=instead_of)
    others = [detection.LexiconEntry(r.text, r.category, r.weight, r.kind) for r in rows]
    # The entry first, so that it wins over another row of the same words.
    return _compile([entry, *others])


#: How many claims "Claims it flagged" shows, and how many candidates it reads at most.
FLAGGED_SHOWN = 50
FLAGGED_READ = 20_000
_ASCII_WORD = re.compile(r"[A-Za-z]{3,}")


def claims_flagged_by(pattern: CuePattern) -> tuple[list[Claim], bool]:
    """Return the newest claims with a cue that is the pattern's words, and whether the
    search stopped early (FLAGGED_SHOWN found, or FLAGGED_READ claims read).

    Claims keep their cues' text, not which row they came from: a cue matches when the
    pattern, compiled alone, matches all of its text. The table is narrowed to claims
    whose cues contain the pattern's longest ASCII word (a LIKE on the stored JSON).
    """
    entry = detection.LexiconEntry(pattern.text, pattern.category, 0.5, pattern.kind)
    try:
        lexicon = detection.Lexicon.from_entries([entry])
    except (ValueError, re.error):
        return [], False
    # Each candidate row brings its article: without its page and text, which the list
    # does not show (20,000 candidates carried 3.6 GB of pages: 13.6 s, now 0.8 s).
    claims = Claim.objects.select_related("article").defer(*CLAIM_ARTICLE_BODY).order_by("-pk")
    words = _ASCII_WORD.findall(pattern.text.replace(detection.NAME, " "))
    if words:
        claims = claims.filter(cues__icontains=max(words, key=len))
    found = []
    for read, claim in enumerate(claims.iterator(chunk_size=500), start=1):
        cues = [cue for cue in claim.cues if isinstance(cue, dict)]
        if any(_matches_whole(lexicon, str(cue.get("text", ""))) for cue in cues):
            found.append(claim)
        if len(found) == FLAGGED_SHOWN or read == FLAGGED_READ:
            return found, True
    return found, False


def _matches_whole(lexicon: detection.Lexicon, text: str) -> bool:
    return any(hit.start == 0 and hit.end == len(text) for hit in lexicon.finditer(text))


def add_default_entries(cue_pattern_model, texts: tuple[str, ...]) -> None:
    """For a data migration: add the code's default entries with these texts to a lexicon
    seeded before the code gained them. Only when the lexicon was seeded (an empty table
    means the code's default applies, these included) and only the missing ones: a row an
    editor deleted on purpose is not brought back."""
    if not cue_pattern_model.objects.exists():
        return
    present = set(cue_pattern_model.objects.filter(text__in=texts).values_list("text", flat=True))
    cue_pattern_model.objects.bulk_create(
        cue_pattern_model(text=e.text, category=e.category, weight=e.weight, kind=e.kind)
        for e in detection.DEFAULT_ENTRIES
        if e.text in texts and e.text not in present
    )


def adding_default_entries(texts: tuple[str, ...]):
    """The RunPython operation of a data migration that adds these default entries (and,
    reversed, removes them). Once a migration has shipped, its texts stay as they are: a
    desk that already ran it never runs it again, so a new entry needs a new migration."""
    from django.db import migrations

    def add(apps, schema_editor):
        add_default_entries(apps.get_model("claims", "CuePattern"), texts)

    def remove(apps, schema_editor):
        apps.get_model("claims", "CuePattern").objects.filter(text__in=texts).delete()

    return migrations.RunPython(add, remove)
