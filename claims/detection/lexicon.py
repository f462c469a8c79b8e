"""The cue lexicon: entries, and their compilation into one regular expression.

An entry's ``text`` is a phrase in a tiny syntax:

- words match case-insensitively, any run of whitespace matches a space, and a straight
  apostrophe also matches a curly one ("can't" finds "can’t");
- ``...`` stands for a gap of one to six words ("quoted ... as saying"), once per entry;
- ``{Name}`` stands for one capitalised word (starting a word: not after a letter, a
  hyphen or an apostrophe); an entry that uses it is matched with the case as written,
  because case is what tells the name "Said" from the verb "said".

All entries compile into a single alternation (plain phrases share a prefix trie), so the
whole text is scanned once, however large the lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

CATEGORIES = ("unverifiable", "hedged", "attributed", "anonymous-source", "disputed")

#: Kinds of entries, i.e. what a hit does.
KINDS = (
    # Fires on its own: the sentence is flagged with the entry's category and weight.
    "phrase",
    # A verb of saying ("said", "told", "according to"); fires only when a speaker is
    # found for it in its sentence ("X said", "said X", "according to X").
    "reporting_verb",
    # A noun that makes a speaker anonymous ("sources", "a source close to…", "insiders"):
    # when it lies inside the speaker of a reporting verb, it is added as a cue of its own
    # category; it never fires alone.
    "source_noun",
    # Weakens a flag: its weight is subtracted from the sentence's score
    # ("independently confirmed", "verified by"); never flags on its own.
    "counter",
    # Looks like a cue but is not one ("so-called", "that said,", "Said {Name}"); it
    # swallows the cues inside it and does nothing else.
    "false_friend",
)

GAP = "..."
NAME = "{Name}"

# Whitespace, spelled out so that ASCII matching still knows no-break and thin spaces.
_SPACE = r"[\s\xa0\u2000-\u200a\u202f\u205f\u3000]+"
_GAP_RE = rf"(?:{_SPACE}[^\s\xa0.!?;]+){{1,6}}?{_SPACE}"
# A name starts a word, or follows a hyphen ("al-Assad"), and runs to the next hyphen:
# tried inside a word too ("AbAbAb…" has a capital every other letter), or running over
# hyphens, each try ran to the word's end, and a 100,000-letter word took 30 s.
_NAME_RE = r"(?<![\w'’])[A-Z][\w'’]*"
_APOSTROPHES = "'’"
_WORD = re.compile(r"[\w’']+")
_CACHE_SIZE = 50_000
_UNKNOWN = object()


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One cue pattern, as stored in the ``CuePattern`` table."""

    text: str
    category: str
    weight: float
    kind: str = "phrase"


class Hit(NamedTuple):
    """A match of a lexicon entry in the text (a tuple: there is one per match)."""

    entry: LexiconEntry
    start: int
    end: int


def normalise(phrase: str) -> str:
    """Fold case, apostrophes and whitespace, the way plain phrases are looked up."""
    return " ".join(phrase.lower().replace("’", "'").split())


#: Words too common to make a cue alone: a pattern needs a longer or rarer word.
_COMMON = """the and but for nor not are was were has had have his her its our their they
them you this that these those with from into than then who what which when will would can
could all any one been being also"""
COMMON_WORDS = frozenset(_COMMON.split())
_LETTERS = re.compile(r"[^\W\d_]{3,}")


def unusable_because(text: str) -> str | None:
    """Return why the pattern ``text`` cannot work as a cue, or None when it can.

    Patterns are literal text (no regular expression), but some would still misbehave in
    the one scan of the whole text: a gap at an end matches the words beside the cue, so
    it never fires, and it hides the real cues it runs across ("said" in "Officials said
    …" was lost to a pattern "..."); a pattern without a word of its own ("{Name}", "a",
    "the", punctuation) flags nearly every sentence or nothing.
    """
    if not text.strip():
        return None  # an empty entry is skipped
    if text.count(GAP) > 1:
        # Each gap tries one to six words: two or more multiply into a search that can
        # take minutes on a run of repeated words.
        return f"at most one gap ({GAP}) per pattern"
    tokens = text.replace(GAP, f" {GAP} ").split()
    for index, token in enumerate(tokens):
        if token != GAP:
            continue
        around = tokens[index - 1 : index] + tokens[index + 1 : index + 2]
        if len(around) < 2 or not all(any(c.isalnum() for c in word) for word in around):
            return f"a gap ({GAP}) goes between two words, not at the start or the end"
    first = text.strip()
    if not (first[0].isalnum() or first.startswith(NAME)):
        # The one scan starts a hit at a word's start: leading punctuation never matched.
        # (Allowing it there made the scan of every text a quarter slower.)
        trimmed = first.lstrip("".join(c for c in first if not c.isalnum()))
        return (
            "a pattern starts with a word (or {Name}): punctuation before the first word "
            f"is never matched; write “{trimmed}” instead"
            if trimmed
            else "a pattern starts with a word (or {Name})"
        )
    words = _LETTERS.findall(text.replace(NAME, " "))
    if not any(word.lower() not in COMMON_WORDS for word in words):
        return (
            f"it needs a word of three letters or more besides {NAME}, gaps and the "
            "commonest words (the, and, was…); without one it flags nearly every sentence, "
            "or none"
        )
    return None


class Lexicon:
    """A compiled set of entries; build it once and reuse it for every text."""

    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        self.entries: tuple[LexiconEntry, ...] = tuple(entries)
        for entry in self.entries:
            if entry.kind not in KINDS:
                raise ValueError(f"unknown kind {entry.kind!r} in {entry.text!r}")
            if entry.category not in CATEGORIES:
                raise ValueError(f"unknown category {entry.category!r} in {entry.text!r}")
            if problem := unusable_because(entry.text):
                raise ValueError(f"{entry.text!r} cannot work as a cue: {problem}")
        self._plain: dict[str, LexiconEntry] = {}
        self._gapped: list[tuple[re.Pattern[str], LexiconEntry]] = []
        self._named: dict[str, LexiconEntry] = {}
        atoms: list[list[str]] = []
        named: list[str] = []
        for entry in self.entries:
            if not entry.text.strip():
                continue
            if NAME in entry.text:
                group = f"n{len(self._named)}"
                self._named[group] = entry
                named.append(f"(?P<{group}>{_phrase_pattern(entry.text)})")
                continue
            key = normalise(entry.text)
            if GAP in key:
                self._gapped.append((re.compile(_phrase_pattern(key)), entry))
            elif key in self._plain:
                continue
            else:
                self._plain[key] = entry
            atoms.append(_atoms(key))
        # Plain phrases are matched against the lower-cased text, which is several times
        # faster than IGNORECASE; {Name} entries need the case and get their own pass.
        # ASCII matching is faster still; hits next to a non-ASCII letter are dropped after.
        trie = _trie_pattern(atoms) or "(?!)"
        self._lower = re.compile(rf"\b(?:{trie})(?!(?<=\w)\w)", re.ASCII)
        self._folding = re.compile(self._lower.pattern, re.IGNORECASE)
        # No leading \b: a pattern that starts with a literal is searched for much faster.
        self._cased = re.compile(rf"(?:{'|'.join(named)})\b") if named else None
        # Matched strings repeat ("said", "Sources said"), so their look-ups are cached.
        self._entries: dict[str, LexiconEntry | None] = {}
        self._verbs: dict[str, tuple[int, int] | None] = {}
        self.reporting_verbs = frozenset(
            key for key, entry in self._plain.items() if entry.kind == "reporting_verb"
        )

    @classmethod
    def from_entries(cls, entries: Iterable[LexiconEntry]) -> Lexicon:
        """Compile ``entries`` (anything with text, category, weight and kind)."""
        return cls(
            LexiconEntry(e.text, e.category, float(e.weight), getattr(e, "kind", "phrase"))
            for e in entries
        )

    def finditer(self, text: str) -> Iterator[Hit]:
        """Yield the non-overlapping hits in ``text``, leftmost (then longest) first."""
        lowered = text.lower()
        if len(lowered) == len(text):
            matches = self._lower.finditer(lowered)
        else:  # a few characters change length when lower-cased ("İ")
            lowered = text
            matches = self._folding.finditer(text)
        # This loop runs once per match, so it is kept flat: cached look-ups first (_lookup
        # only for strings not seen yet), and hits made with tuple.__new__ (no Hit.__new__).
        new = tuple.__new__
        cached = self._entries.get
        lookup = self._lookup
        last = len(lowered) - 1
        hits = []
        for m in matches:
            entry = cached(matched := m.group(), _UNKNOWN)
            if entry is _UNKNOWN:
                entry = lookup(matched)
            if entry is None:
                continue
            start, end = m.span()
            # Drop a hit that is part of a longer word ("désaid", "self-declared", "claimed-").
            before = lowered[start - 1] if start else " "
            after = lowered[end] if end <= last else " "
            if before.isalnum() or after.isalnum() or before == "-" or after == "-":
                continue
            hits.append(new(Hit, (entry, start, end)))
        if self._cased is not None:
            named = [
                Hit(self._named[m.lastgroup], m.start(), m.end())
                for m in self._cased.finditer(text)
                if m.lastgroup and not (m.start() and text[m.start() - 1].isalnum())
            ]
            if named:
                hits = _without_overlaps(sorted(named + hits, key=_leftmost_longest))
        return iter(hits)

    def is_reporting_verb(self, word: str) -> bool:
        return normalise(word) in self.reporting_verbs

    def verb_in(self, matched: str) -> tuple[int, int] | None:
        """Return where the verb of saying sits in a matched cue ("sources said" → "said")."""
        found = self._verbs.get(matched, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._find_verb(matched)
            if len(self._verbs) < _CACHE_SIZE:
                self._verbs[matched] = found
        return found  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self.entries)

    def _lookup(self, matched: str) -> LexiconEntry | None:
        entry = self._entries.get(matched, _UNKNOWN)
        if entry is _UNKNOWN:
            key = normalise(matched)
            entry = self._plain.get(key)
            if entry is None:
                entry = next((e for pattern, e in self._gapped if pattern.fullmatch(key)), None)
            if len(self._entries) < _CACHE_SIZE:
                self._entries[matched] = entry
        return entry  # type: ignore[return-value]

    def _find_verb(self, matched: str) -> tuple[int, int] | None:
        if normalise(matched) in self.reporting_verbs:
            return 0, len(matched)
        words = list(_WORD.finditer(matched))
        for first, second in zip(words, [*words[1:], None], strict=True):
            if second and self.is_reporting_verb(f"{first.group()} {second.group()}"):
                return first.start(), second.end()
            if self.is_reporting_verb(first.group()):
                return first.start(), first.end()
        return None


def _leftmost_longest(hit: Hit) -> tuple[int, int]:
    return hit.start, -hit.end


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    kept: list[Hit] = []
    for hit in hits:
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def _atoms(phrase: str) -> list[str]:
    """Split a normalised phrase into regex atoms: characters, whitespace and gaps."""
    atoms: list[str] = []
    for index, word in enumerate(phrase.split(" ")):
        if word == GAP:
            atoms.append(_GAP_RE)
            continue
        if index and atoms[-1] != _GAP_RE:
            atoms.append(_SPACE)
        atoms.extend(_atom(char) for char in word)
    return atoms


def _atom(char: str) -> str:
    if char in _APOSTROPHES:
        return "['’]"
    return re.escape(char)


def _trie_pattern(phrases: Iterable[list[str]]) -> str:
    """Return a regex matching any of the atom lists, longest first, sharing prefixes."""
    trie: dict = {}
    for atoms in phrases:
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [atom + emit(child) for atom, child in sorted(node.items()) if atom]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _phrase_pattern(text: str) -> str:
    """Compile one phrase on its own (gapped or {Name} entries)."""
    pieces = []
    for word in text.replace(GAP, f" {GAP} ").split():
        if word == GAP:
            pieces.append(_GAP_RE)
        elif word == NAME:
            pieces.append(_NAME_RE)
        else:
            pieces.append("".join(_atom(c) for c in word))
    out = ""
    for index, piece in enumerate(pieces):
        if index and piece != _GAP_RE and pieces[index - 1] != _GAP_RE:
            out += _SPACE
        out += piece
    return out
