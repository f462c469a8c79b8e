"""The values detection returns: flags, their cues, speakers and covered spans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of the input text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Cue:
    """A lexicon hit: the words that make a sentence a claim (or weaken one)."""

    text: str
    start: int
    end: int
    category: str
    weight: float


@dataclass(frozen=True, slots=True)
class Speaker:
    """The named source a claim is attributed to ("Zelenskyy", "a person familiar…")."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Flag:
    """One sentence that carries an unverified claim.

    ``text == input[start:end]``; every offset points into the original input. ``covers``
    lists, for a disclaimer, the earlier sentences whose claims it refers to.
    """

    text: str
    start: int
    end: int
    score: float
    category: str
    cues: tuple[Cue, ...]
    speaker: Speaker | None
    covers: tuple[Span, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape shared by the API and ``manage.py detect --json``."""
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "score": self.score,
            "category": self.category,
            "cues": [
                {"text": c.text, "start": c.start, "end": c.end, "category": c.category}
                for c in self.cues
            ],
            "speaker": self.speaker.text if self.speaker else None,
            "covers": [{"start": s.start, "end": s.end} for s in self.covers],
        }
