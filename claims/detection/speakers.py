"""Find who said it: the speaker of a reporting verb, from the words around it.

No parser: a handful of surface rules that cover how news writes attribution.

- ``X said`` / ``X has also said`` / ``X told Y`` - the noun phrase right before the verb,
  back to the start of its clause (a comma, quote, "that", "and", …);
- ``"…," said X`` / ``said X`` after a quote or comma, and ``according to X`` - the noun
  phrase right after the verb;
- ``X, the minister, said`` - the name before the appositive; ``X, who …, said`` likewise;
- ``…, saying …`` - the subject at the start of the sentence;
- pronouns ("he", "they") are kept as the speaker: resolving them to the last named person
  is a guess that a reviewer reading the article context does better.

A verb preceded by a determiner ("the claims", "his reports"), by "to" ("declined to say")
or in the passive ("was told") has no speaker, and the cue does not fire.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .model import Span, Speaker

_TOKEN = re.compile(r"\w[\w’'.&-]*|[^\w\s]")

QUOTES = frozenset("\"'“”‘’«»")
CLOSING = frozenset("\"'”’»)")
PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "who", "one"])
DETERMINERS = frozenset(
    ["the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "these", "those", "this", "such", "new", "any", "some", "no", "other", "several", "many", "earlier", "previous", "recent", "false", "similar", "neither", "either", "both", "all", "each", "every", "most", "few", "whose"]
)
_AUXILIARIES = (
    "has have had would will shall should could can may might must did does do also later "
    "previously repeatedly once then again recently publicly privately further subsequently "
    "first earlier never already still often frequently now just even quickly immediately "
    "separately similarly clearly openly flatly firmly angrily bluntly famously initially "
    "originally ultimately finally since long not n't reportedly allegedly apparently "
    "specifically explicitly directly simply told ever always yet only"
)
AUXILIARIES = frozenset(_AUXILIARIES.split())
NOT_NAMES = frozenset(["the", "a", "an", "he", "she", "they", "it", "we", "i", "who", "this", "that"])
NOT_ADVERBS = frozenset(["family", "ally", "assembly", "rally", "daily", "weekly", "monthly", "anomaly"])
BE = frozenset(
    "is was were are been be being am get got gets 's ’s isn't isn’t wasn't wasn’t aren't "
    "aren’t weren't weren’t 're ’re".split()
)
CLAUSE_WORDS = frozenset(
    ["that", "which", "whom", "when", "while", "because", "as", "if", "but", "or", "so", "since", "after", "before", "where", "though", "although", "than", "whether", "what", "how", "why", "whereas", "unless", "until", "once", "and", "nor", "yet", "for"]
)
AFTER_STOPS = frozenset(
    ["in", "on", "at", "during", "after", "before", "when", "while", "who", "that", "which", "adding", "saying", "last", "this", "yesterday", "today", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "earlier", "later", "told", "to", "via", "about"]
)
#: Verb forms that are also common nouns; they need a subject that looks like one.
AMBIGUOUS = frozenset(["claims", "claim", "reports", "notes", "calls", "charges", "charged", "states"])
SPEAKER_NOUNS = re.compile(
    r"(?:official|officials|spokes\w*|minister|ministry|president|source|sources|group|"
    r"police|army|military|government|agency|company|campaign|aide|aides|analyst|analysts|"
    r"expert|experts|witness|witnesses|residents?|statement|report|leaders?|lawyers?|"
    r"attorneys?|department|office|committee|authorities|secretary|governor|senator|mayor)$",
    re.IGNORECASE,
)
DOCUMENTS = frozenset(
    ["statement", "report", "post", "letter", "release", "filing", "document", "tweet", "message", "video"]
)
_MAX_WORDS = 10
_WINDOW = 120  # characters either side of the verb that can hold its speaker


class _Token(NamedTuple):
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text[0] == "_"


def find_speaker(text: str, sentence: Span, verb: Span) -> Speaker | None:
    """Return the speaker of the reporting verb at ``verb`` inside ``sentence``.

    Return None when no speaker is named or the word is not used as a reporting verb
    (a noun, an infinitive, a passive).
    """
    span = _speaker_span(text, sentence, verb)
    return Speaker(text[span.start : span.end], span.start, span.end) if span else None


def _speaker_span(text: str, sentence: Span, verb: Span) -> Span | None:
    written = text[verb.start : verb.end]
    word = written.lower()
    if _inside_quote(text[sentence.start : verb.start]):
        return None
    start = sentence.start
    if verb.start - start > _WINDOW:  # start at a word boundary inside the window
        start = max(start, text.find(" ", verb.start - _WINDOW, verb.start))
    before = _tokens(text, start, verb.start)

    def after() -> list[_Token]:
        return _tokens(text, verb.end, min(sentence.end, verb.end + _WINDOW))

    if word.startswith("according"):
        return _noun_phrase_after(_drop_document(after()))
    if word == "quoted":
        return _quoted_as_saying(after())
    progressive = word.endswith("ing")
    index = _skip_auxiliaries(before, len(before) - 1)
    if progressive:
        if index >= 0 and before[index].is_word and before[index].lower not in BE:
            return None  # "a statement saying", "a favourite saying"
        while index >= 0 and (_is_auxiliary(before[index]) or before[index].lower in BE):
            index -= 1
    index = _skip_parenthesis(before, index)  # "Sen. Claire McCaskill (D-Mo.) said"
    if index < 0:
        return _noun_phrase_after(after()) if word.startswith("said") else None
    if written.startswith("Said"):
        return None  # a capitalised "Said" inside a sentence is a name ("Mr. Said")
    last = before[index]
    if last.lower == "to" or last.lower in BE or last.lower in DETERMINERS:
        return None
    if last.text.endswith(("'s", "’s")) and last.lower not in ("it's", "it’s"):
        # "Trump's claim that…" names a claim and its owner; "his reports" names neither.
        owner = _noun_phrase_before(before, index) if word in ("claim", "claims") else None
        return Span(owner.start, owner.end - 2) if owner else None
    if last.lower == "who":  # "Democrats, who have argued"
        index -= 1 + (index > 0 and before[index - 1].text == ",")
        return _noun_phrase_before(before, index) if index >= 0 else None
    if last.lower in ("and", "but"):  # "X did this, and said…": the sentence's subject
        return _sentence_subject(before)
    if last.is_word:
        speaker = _noun_phrase_before(before, index)
        if speaker and word in AMBIGUOUS and not _looks_like_subject(text, speaker):
            return None
        return speaker
    # The verb follows punctuation: an inverted quote, an appositive, or a participle.
    if progressive:
        return _sentence_subject(before)
    if _is_closing(last) or (index and _is_closing(before[index - 1])):
        return _noun_phrase_after(after())
    if last.text == ",":
        return _before_appositive(before, index) or _noun_phrase_after(after())
    return None


def _is_closing(token: _Token) -> bool:
    return token.text in CLOSING


def _skip_auxiliaries(tokens: list[_Token], index: int) -> int:
    while index >= 0 and _is_auxiliary(tokens[index]):
        index -= 1
    return index


def _skip_parenthesis(tokens: list[_Token], index: int) -> int:
    if index < 0 or tokens[index].text != ")":
        return index
    opening = index
    while opening >= 0 and tokens[opening].text != "(":
        opening -= 1
    return opening - 1 if opening >= 0 else index


def _inside_quote(before: str) -> bool:
    """Tell whether a quotation is still open at the end of ``before``."""
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _drop_document(tokens: list[_Token]) -> list[_Token]:
    """Skip "a statement from" in "according to a statement from the ministry"."""
    for index, token in enumerate(tokens[:4]):
        if token.lower in ("from", "by") and index and tokens[index - 1].lower in DOCUMENTS:
            return tokens[index + 1 :]
    return tokens


def _quoted_as_saying(tokens: list[_Token]) -> Span | None:
    """For "X quoted Y as saying", return Y."""
    for index, token in enumerate(tokens[: _MAX_WORDS + 1]):
        if token.lower == "as":
            return _span(tokens[:index])
    return None


def _is_auxiliary(token: _Token) -> bool:
    """Tell auxiliaries and adverbs ("has", "also", "repeatedly") that sit before a verb."""
    if token.lower in AUXILIARIES:
        return True
    word = token.text
    return word.endswith("ly") and len(word) > 4 and word not in NOT_ADVERBS


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def _span(tokens: list[_Token]) -> Span | None:
    """Return the span of ``tokens`` without punctuation at either end."""
    words = [token for token in tokens if token.is_word]
    if not words:
        return None
    last = words[-1].text
    full_stop = last.endswith(".") and "." not in last[:-1] and len(last) > 3
    return Span(words[0].start, words[-1].end - full_stop)


def _noun_phrase_before(tokens: list[_Token], last: int) -> Span | None:
    """Return the noun phrase ending at ``tokens[last]``, back to its clause start."""
    first = last
    while first > 0 and last - first < _MAX_WORDS:
        token = tokens[first - 1]
        if not token.is_word or token.lower in CLAUSE_WORDS:
            if token.lower == "and" and _joins_names(tokens, first - 1):
                first -= 1
                continue
            break
        first -= 1
    if tokens[last].lower in CLAUSE_WORDS:
        return None
    return _span(tokens[first : last + 1])


def _joins_names(tokens: list[_Token], index: int) -> bool:
    return (
        0 < index < len(tokens) - 1
        and tokens[index - 1].text[:1].isupper()
        and tokens[index + 1].text[:1].isupper()
    )


def _noun_phrase_after(tokens: list[_Token]) -> Span | None:
    """Return the noun phrase that starts the token list ("the minister", "RIA Novosti")."""
    phrase: list[_Token] = []
    for token in tokens:
        if phrase and (token.lower in AFTER_STOPS or not token.is_word):
            break
        if not token.is_word:
            if token.text in QUOTES:
                continue
            break
        phrase.append(token)
        if len(phrase) >= _MAX_WORDS:
            break
    return _span(phrase)


def _before_appositive(tokens: list[_Token], comma: int) -> Span | None:
    """For ``X, the minister, said`` return X; for ``the director, Dr. Y, said`` return Y."""
    opening = comma - 1
    while opening >= 0 and tokens[opening].text not in ",(—–":
        opening -= 1
    if opening < 0:
        return None
    inside = tokens[opening + 1 : comma]
    while inside and inside[0].lower in ("known", "identified", "named", "called", "as"):
        inside = inside[1:]
    head = _noun_phrase_before(tokens, opening - 1) if opening > 0 else None
    if inside and inside[0].text[:1].isupper() and inside[0].lower not in NOT_NAMES:
        return _span(inside)
    return head or _span(inside)


def _sentence_subject(tokens: list[_Token]) -> Span | None:
    """Return the subject at the start of a sentence (for ``…, saying …``)."""
    phrase: list[_Token] = []
    for token in tokens[:6]:
        if not token.is_word:
            break
        lower = token.lower
        after_determiner = phrase and phrase[-1].lower in DETERMINERS
        if phrase and not after_determiner and token.text[0].islower():
            break
        if lower in CLAUSE_WORDS:
            break
        phrase.append(token)
    return _span(phrase)


def _looks_like_subject(text: str, speaker: Span) -> bool:
    head = text[speaker.start : speaker.end].split()[-1]
    return head[0].isupper() or head.lower() in PRONOUNS or bool(SPEAKER_NOUNS.search(head))
