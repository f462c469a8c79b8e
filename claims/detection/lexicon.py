"""The cue lexicon: entries, and their compilation into one regular expression.

An entry's ``text`` is a phrase in a tiny syntax:

- words match case-insensitively, any run of whitespace matches a space, and a straight
  apostrophe also matches a curly one ("can't" finds "can’t");
- ``...`` stands for a gap of one to six words ("quoted ... as saying");
- ``{Name}`` stands for one capitalised word; an entry that uses it is matched with the
  case as written, because case is what tells the name "Said" from the verb "said".

All entries compile into a single alternation (plain phrases share a prefix trie), so the
whole text is scanned once, however large the lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

CATEGORIES = ("unverifiable", "hedged", "attributed", "anonymous-source", "disputed")

#: Kinds of entries, i.e. what a hit does.
KINDS = (
    # Fires on its own: the sentence is flagged with the entry's category and weight.
    "phrase",
    # A verb of saying ("said", "told", "according to"); fires only when a speaker is
    # found for it in its sentence ("X said", "said X", "according to X").
    "reporting_verb",
    # A noun that makes the speaker it heads anonymous ("sources", "a source", "insiders"):
    # a reporting verb whose speaker ends in it gets the entry's category; never fires alone.
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

_GAP_RE = r"(?:\s+[^\s.!?;]+){1,6}?\s+"
_NAME_RE = r"[A-Z][\w'’-]*"
_APOSTROPHES = "'’"


@dataclass(frozen=True)
class LexiconEntry:
    """One cue pattern, as stored in the ``CuePattern`` table."""

    text: str
    category: str
    weight: float
    kind: str = "phrase"


@dataclass(frozen=True)
class Hit:
    """A match of a lexicon entry in the text."""

    entry: LexiconEntry
    start: int
    end: int


def normalise(phrase: str) -> str:
    """Fold case, apostrophes and whitespace, the way plain phrases are looked up."""
    return " ".join(phrase.lower().replace("’", "'").split())


class Lexicon:
    """A compiled set of entries; build it once and reuse it for every text."""

    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        self.entries: tuple[LexiconEntry, ...] = tuple(entries)
        for entry in self.entries:
            if entry.kind not in KINDS:
                raise ValueError(f"unknown kind {entry.kind!r} in {entry.text!r}")
            if entry.category not in CATEGORIES:
                raise ValueError(f"unknown category {entry.category!r} in {entry.text!r}")
        self._plain: dict[str, LexiconEntry] = {}
        self._special: dict[str, LexiconEntry] = {}
        special_patterns: list[str] = []
        for entry in self.entries:
            if GAP in entry.text or NAME in entry.text:
                group = f"x{len(self._special)}"
                self._special[group] = entry
                special_patterns.append(f"(?P<{group}>{_special_pattern(entry.text)})")
            elif entry.text.strip():
                self._plain.setdefault(normalise(entry.text), entry)
        alternatives = [*special_patterns]
        if self._plain:
            alternatives.append(_trie_pattern(self._plain))
        body = "|".join(alternatives) or r"(?!)"
        self.pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
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

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[Hit]:
        """Yield the non-overlapping hits in ``text[start:end]``, leftmost first."""
        plain = self._plain
        special = self._special
        for match in self.pattern.finditer(text, start, len(text) if end is None else end):
            group = match.lastgroup
            entry = special[group] if group else plain.get(normalise(match.group()))
            if entry is not None:
                yield Hit(entry, match.start(), match.end())

    def is_reporting_verb(self, word: str) -> bool:
        return normalise(word) in self.reporting_verbs

    def __len__(self) -> int:
        return len(self.entries)


def _atom(char: str) -> str:
    if char == " ":
        return r"\s+"
    if char in _APOSTROPHES:
        return "['’]"
    return re.escape(char)


def _trie_pattern(phrases: Iterable[str]) -> str:
    """Return a regex matching any of ``phrases``, longest first, sharing prefixes."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends_here = "" in node
        branches = [_atom(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends_here:
            return f"(?:{body})?"
        return body

    return emit(trie)


def _special_pattern(text: str) -> str:
    """Compile a phrase that uses ``...`` or ``{Name}``."""
    pieces = []
    for word in text.replace(GAP, f" {GAP} ").split():
        if word == GAP:
            pieces.append(None)
        elif word == NAME:
            pieces.append(_NAME_RE)
        else:
            pieces.append("".join(_atom(c) for c in word))
    out = ""
    for i, piece in enumerate(pieces):
        if piece is None:
            out += _GAP_RE
            continue
        if i and pieces[i - 1] is not None:
            out += r"\s+"
        out += piece
    if NAME in text:
        return f"(?-i:{out})"
    return out
