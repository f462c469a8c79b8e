"""Fingerprints that link the same claim across articles."""

from __future__ import annotations

import hashlib
import unicodedata


def normalise_sentence(sentence: str) -> str:
    """Fold case, width, quotes, punctuation and whitespace out of ``sentence``."""
    folded = unicodedata.normalize("NFKC", sentence).casefold()
    kept = (" " if unicodedata.category(c).startswith(("P", "Z", "C")) else c for c in folded)
    return " ".join("".join(kept).split())


def fingerprint(sentence: str) -> str:
    """Return a stable 40-hex-digit hash of the normalised ``sentence``."""
    digest = hashlib.blake2b(normalise_sentence(sentence).encode(), digest_size=20)
    return digest.hexdigest()
