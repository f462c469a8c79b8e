"""The detector: one pass of the lexicon over the text, sentences only around the hits.

1. Scan the whole text once with the lexicon's compiled alternation.
2. Drop hits inside page chrome, false friends, and hits that straddle a sentence end.
3. Group the hits by sentence (splitting only the lines that have hits) and score each
   sentence: a reporting verb counts only with a speaker; counter-cues subtract.
4. Link each disclaimer to the earlier claims it refers to (``covers``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator

from .chrome import find_chrome
from .default_lexicon import DEFAULT_ENTRIES
from .lexicon import Hit, Lexicon
from .model import Cue, Flag, Span, Speaker
from .sentences import Bounds, SentenceIndex
from .speakers import find_speaker, word_set

DEFAULT_LEXICON = Lexicon.from_entries(DEFAULT_ENTRIES)

#: Hits looked at per sentence; more only happen in "sentences" that are whole pages.
MAX_CUES = 32
#: How many paragraphs before a disclaimer may hold the claims it covers.
COVER_PARAGRAPHS = 4
#: Categories of the sentences a disclaimer can cover (the claims, not other disclaimers).
COVERABLE = frozenset({"hedged", "attributed", "anonymous-source", "disputed"})

_QUOTE_MARKS = "\"”'’"
_WORD = re.compile(r"[\w’']+")
# Who a disclaimer is about: "the group's claims", "claims by the rebels could not…".
_POSSESSIVE = re.compile(r"(\w+)(?:['’]s|s['’])(?!\w)")
_AGENT = re.compile(r"\b(?:by|from|of)\s+(?:the\s+)?(\w+)", re.IGNORECASE)
_CLAIM_WORDS = r"(?:claims?|accounts?|figures|reports?|statements?|allegations?)"
# Anywhere in the disclaimer: "verify the claims by the SDF", "the Houthi claims".
_CLAIMS_BY = re.compile(rf"\b{_CLAIM_WORDS}\s+(?:by|from|of)\s+(?:the\s+)?(\w+)", re.IGNORECASE)
_NAMED_CLAIMS = re.compile(rf"\b([A-Z][\w-]+)\s+{_CLAIM_WORDS}\b")
_NOT_REFERENTS = frozenset(["it", "its", "that", "this", "their", "his", "her"])
#: Capitalised words before "claims" that name no claimant ("These claims", "Neither account").
_NOT_CLAIMANTS = word_set(
    "the these those such their its his her neither both either all some any no "
    "earlier other similar"
)
_PRONOUNS = frozenset(["he", "she", "they", "it", "we"])
_NOT_NAMES = frozenset(["the", "a", "an", "he", "she", "they", "it", "we", "i", "two", "some"])
_QUESTION_OPENINGS = word_set(
    "what why how who whom whose when where which is are was were do does did will would "
    "can could should shall has have had but and so or"
)


def detect(text: str, lexicon: Lexicon = DEFAULT_LEXICON) -> list[Flag]:
    """Return the sentences of ``text`` that carry unverified claims, in text order."""
    if not text.strip():
        return []
    sentences = SentenceIndex(text)
    flags = [
        flag
        for sentence, hits in _by_sentence(_hits(text, lexicon), sentences)
        if (flag := _flag(text, Span(*sentence), hits[:MAX_CUES], lexicon)) is not None
    ]
    return _link_covers(text, flags, sentences)


def score(weights: list[float]) -> float:
    """Combine cue weights: noisy-or of the positive ones minus the counter-cues, in [0, 1]."""
    miss = 1.0
    counter = 0.0
    for weight in weights:
        if weight > 0:
            miss *= 1.0 - min(weight, 1.0)
        else:
            counter -= weight
    return round(min(1.0, max(0.0, 1.0 - miss - counter)), 3)


def _hits(text: str, lexicon: Lexicon) -> list[Hit]:
    """Return the lexicon hits outside page chrome, false friends dropped."""
    # Hits and chrome spans both come in text order: walk them side by side.
    # Sentinels before and after every hit; chrome[index] is the last span starting at or
    # before the hit.
    beyond = len(text) + 1
    chrome = [(-1, -1), *((span.start, span.end) for span in find_chrome(text)), (beyond, beyond)]
    index = 0
    hits = []
    for hit in lexicon.finditer(text):
        if hit.entry.kind == "false_friend":
            continue
        while chrome[index + 1][0] <= hit.start:
            index += 1
        if chrome[index][0] <= hit.start < chrome[index][1]:
            continue
        hits.append(hit)
    return hits


def _by_sentence(hits: list[Hit], sentences: SentenceIndex) -> Iterator[tuple[Bounds, list[Hit]]]:
    """Yield each sentence that has hits, with its hits, in text order.

    Hits that straddle a sentence end are dropped. The hits come in text order, so those of
    one sentence are next to each other: each group is handed on as soon as it is complete
    (fewer objects alive at once means fewer garbage collections).
    """
    current: Bounds = (-1, -1)
    group: list[Hit] = []
    for hit in hits:
        sentence = sentences.sentence_at(hit.start)
        if sentence is None or hit.end > sentence[1]:
            continue
        if sentence != current:
            if group:
                yield current, group
            current, group = sentence, []
        group.append(hit)
    if group:
        yield current, group


def _flag(text: str, sentence: Span, hits: list[Hit], lexicon: Lexicon) -> Flag | None:
    """Score one sentence from its hits; return None if no cue fires."""
    if text[sentence.end - 1] == "?" and _is_question(text[sentence.start : sentence.end]):
        return None  # a question asserts nothing ("What did the prosecutors say?")
    cues: list[Cue] = []
    speakers: list[tuple[Speaker, int]] = []  # each with where its attribution starts
    for hit in hits:
        entry = hit.entry
        if entry.kind == "source_noun":
            continue  # only counts inside the speaker, see below
        if entry.kind == "counter":
            cues.append(_cue(text, hit, -entry.weight))
            continue
        speaker = None
        verb = _reporting_verb(text, hit, lexicon)
        if verb is not None:
            speaker = find_speaker(text, sentence, verb)
            if speaker is not None:
                speakers.append((speaker, min(speaker.start, verb.start)))
        if entry.kind == "reporting_verb" and speaker is None:
            continue  # a verb of saying with nobody saying is no attribution
        cues.append(_cue(text, hit, entry.weight))
    speaker = _main_speaker(text, speakers)
    if speaker is not None:  # "sources said", "a source close to…": an anonymous speaker
        anonymous = [
            _cue(text, hit, hit.entry.weight)
            for hit in hits
            if hit.entry.kind == "source_noun"
            and speaker.start <= hit.start
            and hit.end <= speaker.end
            # "NFL Insider Jason Cole": a capitalised word inside a name is a job title.
            and not (hit.start > speaker.start and text[hit.start].isupper())
        ]
        if anonymous:  # the other cues are already in text order
            cues += anonymous
            cues.sort(key=lambda cue: cue.start)
    positive = [cue for cue in cues if cue.weight > 0]
    value = score([cue.weight for cue in cues])
    if not positive or value <= 0:
        return None
    if speaker is not None and _says_nothing(text, sentence, speaker, cues):
        return None  # "Adriana Diaz reports." on a line of its own: a speaker and no words
    return Flag(
        text=text[sentence.start : sentence.end],
        start=sentence.start,
        end=sentence.end,
        score=value,
        category=max(positive, key=lambda cue: cue.weight).category,
        cues=tuple(cues),
        speaker=speaker,
        covers=(),
    )


def _says_nothing(text: str, sentence: Span, speaker: Speaker, cues: list[Cue]) -> bool:
    """Tell whether a line is only a speaker and cues ("Adriana Diaz reports.", a menu's
    "Nurse call"): nothing is said that could be checked.

    Not a line that ends with a colon ("Limbaugh added:"), whose quotation follows, nor a
    sentence that shares its line ("…," Ms. Moore said. where "Ms." ended a sentence).
    """
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    rest = text[sentence.end : len(text) if line_end < 0 else line_end]
    if text[line_start : sentence.start].strip() or rest.strip():
        return False
    if text[sentence.start : sentence.end].rstrip().endswith(":"):
        return False
    if any(cue.category != "attributed" for cue in cues):
        return False  # "It was not possible to verify the Houthi claims." says it all
    taken = sorted([(speaker.start, speaker.end), *((cue.start, cue.end) for cue in cues)])
    position = sentence.start
    for start, end in taken:
        if any(c.isalnum() for c in text[position:start]):
            return False
        position = max(position, end)
    return not any(c.isalnum() for c in text[position : sentence.end])


def _is_question(sentence: str) -> bool:
    """A sentence that asks, in the writer's words: it opens as a question and ends with a
    question mark ("But has he called for…?"), not one that quotes a question."""
    if not sentence.rstrip().endswith("?"):
        return False
    opening = _WORD.search(sentence)
    return opening is not None and opening.group().lower() in _QUESTION_OPENINGS


def _cue(text: str, hit: Hit, weight: float) -> Cue:
    return Cue(text[hit.start : hit.end], hit.start, hit.end, hit.entry.category, weight)


def _main_speaker(text: str, speakers: list[tuple[Speaker, int]]) -> Speaker | None:
    """Return the speaker of the sentence's main attribution.

    The first one ("X said Y claimed…"), unless one is set off at the end: after a quote
    ('"…," the minister said') first, else after a comma ("…, sources said.").
    """
    if len(speakers) < 2:  # the usual case, and no choice to make
        return speakers[0][0] if speakers else None
    set_off = [(text[max(0, clause - 8) : clause].rstrip()[-1:], s) for s, clause in speakers]
    for marks in (_QUOTE_MARKS, ","):
        trailing = [speaker for mark, speaker in set_off if mark and mark in marks]
        if trailing:
            return trailing[-1]
    return speakers[0][0]


def _reporting_verb(text: str, hit: Hit, lexicon: Lexicon) -> Span | None:
    """Return the span of the verb of saying in a hit ("sources said" → "said"), if any."""
    found = lexicon.verb_in(text[hit.start : hit.end])
    return Span(hit.start + found[0], hit.start + found[1]) if found else None


def _link_covers(text: str, flags: list[Flag], sentences: SentenceIndex) -> list[Flag]:
    """Fill ``covers`` of each disclaimer with the earlier claims it refers to."""
    linked: list[Flag] = []
    starts: list[int] = []
    previous_disclaimer_end = 0
    for flag in flags:
        starts.append(flag.start)
        if not _is_disclaimer(flag):
            linked.append(flag)
            continue
        floor = max(
            previous_disclaimer_end, sentences.paragraphs_back(flag.start, COVER_PARAGRAPHS)
        )
        candidates = [
            earlier
            for earlier in linked[bisect_left(starts, floor) :]
            if earlier.category in COVERABLE
        ]
        covered = _about_referent(text, flag, candidates)
        covers = tuple(Span(c.start, c.end) for c in covered)
        # The constructor, not dataclasses.replace: a tenth of the cost, for thousands of flags.
        linked.append(
            Flag(
                flag.text,
                flag.start,
                flag.end,
                flag.score,
                flag.category,
                flag.cues,
                flag.speaker,
                covers,
            )
        )
        previous_disclaimer_end = flag.end
    return linked


def _is_disclaimer(flag: Flag) -> bool:
    return any(cue.category == "unverifiable" and cue.weight > 0 for cue in flag.cues)


def _about_referent(text: str, disclaimer: Flag, candidates: list[Flag]) -> list[Flag]:
    """Drop candidates that a named speaker said when the disclaimer names someone else.

    The disclaimer names whom it doubts by a possessive ("the group's claims"), by a name
    before the claims ("the Houthi claims"), by "claims by/from/of X" anywhere ("verify the
    claims by the SDF") or, before the cue, by "by/from/of" ("claims by the rebels could
    not…"); without any of these it covers every candidate.
    """
    cue = next(c for c in disclaimer.cues if c.category == "unverifiable" and c.weight > 0)
    # A possessive needs an apostrophe; most disclaimers have none, and the pattern tries
    # every letter of every word.
    apostrophe = (
        text.find("'", disclaimer.start, disclaimer.end) >= 0
        or text.find("’", disclaimer.start, disclaimer.end) >= 0
    )
    named = _POSSESSIVE.findall(text, disclaimer.start, disclaimer.end) if apostrophe else []
    named += _AGENT.findall(text, disclaimer.start, cue.start)
    # After the cue, only a name counts: "the claims by the SDF", not "reports of casualties";
    # and not the sentence's first word ("Official figures could not be verified").
    named += [
        word for word in _CLAIMS_BY.findall(text, cue.end, disclaimer.end) if word[:1].isupper()
    ]
    named += [
        match.group(1)
        for match in _NAMED_CLAIMS.finditer(text, disclaimer.start, disclaimer.end)
        if match.start() > disclaimer.start and match.group(1).lower() not in _NOT_CLAIMANTS
    ]
    named = [word for word in named if word.lower() not in _NOT_REFERENTS]
    if not named:
        return candidates
    referent = {word.lower() for word in named}
    referent |= {word + "s" for word in referent}  # "the rebels' claims" → "rebel(s)"
    if not any(word[:1].isupper() for word in named):
        return _with_their_pronouns(candidates, _ties_to(referent))
    return _with_their_pronouns(
        candidates,
        lambda flag: (
            not _names_someone(flag.speaker)
            or referent & {w.lower() for w in _WORD.findall(flag.speaker.text)}
        ),
    )


def _ties_to(referent: set[str]) -> Callable[[Flag], bool]:
    """For a common-noun referent ("the group's claim"), which names no one: accept unnamed
    speakers, and a named one who shares a capitalised word with a speaker accepted before
    ("The Afghan Taliban claimed…", then "Taliban spokesman Zabihullah Mujahid said…",
    then "Mujahid said…"), so the other side's "Zelenskyy said…" stays out."""
    known = set(referent)

    def about(flag: Flag) -> bool:
        words = _WORD.findall(flag.speaker.text) if flag.speaker is not None else []
        lowered = {word.lower() for word in words}
        if _names_someone(flag.speaker) and not known & lowered:
            return False
        known.update(w.lower() for w in words if w[:1].isupper() and w.lower() not in _NOT_NAMES)
        return True

    return about


def _with_their_pronouns(candidates: list[Flag], about: Callable[[Flag], bool]) -> list[Flag]:
    """Keep the candidates ``about`` accepts, and a candidate whose speaker is a pronoun
    ("It said…", "He added…") only when the one before it is kept: the pronoun is most
    likely the last speaker named, and a disclaimer that names whom it doubts covers the
    first pronoun only when that speaker is one it covers."""
    kept: list[Flag] = []
    previous_kept = False
    for flag in candidates:
        if flag.speaker is not None and flag.speaker.text.lower() in _PRONOUNS:
            keep = previous_kept
        else:
            keep = about(flag)
        if keep:
            kept.append(flag)
        previous_kept = keep
    return kept


def _names_someone(speaker: Speaker | None) -> bool:
    """Tell whether a speaker is a proper name ("Zelenskyy"), not "the fighters" or "he"."""
    if speaker is None or not speaker.text[:1].isupper():
        return False
    return speaker.text.split()[0].lower() not in _NOT_NAMES
