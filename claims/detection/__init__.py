"""Claim detection: find the sentences of a news text that carry unverified claims.

Pure Python, no Django: text and a lexicon in, frozen dataclasses out.

    >>> [f.category for f in detect("The claims could not be independently verified.")]
    ['unverifiable']
"""

from __future__ import annotations

from .chrome import find_chrome, strip_chrome
from .default_lexicon import DEFAULT_ENTRIES
from .engine import DEFAULT_LEXICON, detect, score
from .fingerprint import fingerprint
from .lexicon import CATEGORIES, KINDS, NAME, Lexicon, LexiconEntry, unusable_because
from .model import Cue, Flag, Span, Speaker

__all__ = [
    "CATEGORIES",
    "DEFAULT_ENTRIES",
    "DEFAULT_LEXICON",
    "KINDS",
    "Cue",
    "Flag",
    "Lexicon",
    "LexiconEntry",
    "NAME",
    "Span",
    "Speaker",
    "detect",
    "find_chrome",
    "fingerprint",
    "score",
    "strip_chrome",
    "unusable_because",
]
