"""The default cue lexicon, seeded into the ``CuePattern`` table by a data migration.

Inflected variants are spelled out as separate entries (one row each in the admin) rather
than hidden behind a pattern syntax, so an editor can switch any single one off.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

from .lexicon import LexiconEntry

_ADVERBS = ("", "independently ", "immediately ", "yet ", "immediately independently ")


def _unverifiable() -> Iterator[LexiconEntry]:
    """Disclaimers: "cannot independently verify", "could not be confirmed", …"""

    def entry(text: str, weight: float = 0.9) -> LexiconEntry:
        return LexiconEntry(text, "unverifiable", weight)

    verbs = ("verify", "confirm")
    participles = ("verified", "confirmed")
    cannot = (
        "cannot", "can not", "can't", "could not", "couldn't", "did not", "didn't",
        "does not", "doesn't", "do not", "don't", "was unable to", "were unable to",
        "is unable to", "are unable to", "unable to", "not able to", "not possible to",
        "impossible to", "no way to",
    )  # fmt: skip
    for lead, adverb, verb in product(cannot, _ADVERBS, verbs):
        yield entry(f"{lead} {adverb}{verb}")
    has_not = ("has not", "hasn't", "have not", "haven't", "had not", "hadn't")
    for lead, adverb, participle in product(has_not, _ADVERBS, participles):
        yield entry(f"{lead} {adverb}{participle}")
        yield entry(f"{lead} been {adverb}{participle}")
    be_not = (
        "cannot be", "can't be", "could not be", "couldn't be", "can not be", "is not",
        "isn't", "was not", "wasn't", "were not", "weren't", "are not", "aren't",
        "could not immediately be", "could not be immediately", "not been", "not",
    )  # fmt: skip
    for lead, adverb, participle in product(be_not, ("", "independently "), participles):
        yield entry(f"{lead} {adverb}{participle}")
    for lead, participle in product(("could not be", "couldn't be", "cannot be"), participles):
        yield entry(f"{lead} {participle} independently")
    for adverb, verb in product(("", "independently "), verbs):
        yield entry(f"not been able to {adverb}{verb}")
        yield entry(f"not immediately possible to {adverb}{verb}")
    for lead, participle in product(("neither", "none of"), participles):
        yield entry(f"{lead} ... could be {participle}", 0.85)
        yield entry(f"{lead} ... could be independently {participle}", 0.85)
    for text in (
        "verification ... not possible",
        "verification ... impossible",
        "it was not possible to verify",
        "has yet to be verified",
        "have yet to be verified",
        "has yet to be confirmed",
        "have yet to be confirmed",
        "unverified",
        "unverifiable",
        "could not be authenticated",
        "cannot be authenticated",
        "unable to authenticate",
    ):
        yield entry(text)


def _hedged() -> Iterator[LexiconEntry]:
    """Hedges: "purportedly", "allegedly", "is said to", …"""
    weights = {
        "purportedly": 0.75,
        "purported": 0.7,
        "allegedly": 0.75,
        "alleged": 0.6,
        "reportedly": 0.7,
        "apparently": 0.45,
        "unconfirmed": 0.8,
        "rumoured": 0.7,
        "rumored": 0.7,
        "rumours": 0.6,
        "rumors": 0.6,
        "supposedly": 0.6,
        "ostensibly": 0.5,
    }
    for text, weight in weights.items():
        yield LexiconEntry(text, "hedged", weight)
    for be, verb in product(
        ("is", "are", "was", "were", "has been", "have been", "had been"),
        ("said", "believed", "thought", "reported", "alleged", "rumoured", "rumored"),
    ):
        yield LexiconEntry(f"{be} {verb} to", "hedged", 0.7)
    for text in ("is understood to", "it is claimed", "it was claimed", "it is believed"):
        yield LexiconEntry(text, "hedged", 0.65)
    # An accusation whose accuser is not named ("Assange was accused of rape").
    for be in ("is", "are", "was", "were", "has been", "have been", "had been"):
        yield LexiconEntry(f"{be} accused of", "hedged", 0.6)


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CONFIRMED_WHEN = (
    *_DAYS,
    *(f"on {day}" for day in _DAYS),
    *("yesterday", "today", "earlier", "later", "last week", "this week", "in a statement"),
)

#: Verbs of saying. A hit counts only with a speaker ("X said", "said X").
REPORTING_VERBS: dict[str, float] = {
    **dict.fromkeys(["said", "says", "say", "told", "tells", "tell"], 0.6),
    **dict.fromkeys(["according to"], 0.6),
    **dict.fromkeys(["claimed", "claims", "claim", "alleges"], 0.7),
    **dict.fromkeys(["insisted", "insists", "asserted", "asserts", "contended"], 0.65),
    **dict.fromkeys(["contends", "maintained", "maintains"], 0.6),
    **dict.fromkeys(["accused", "accuses", "charged"], 0.65),
    **dict.fromkeys(["stated", "wrote", "writes", "declared", "declares"], 0.6),
    **dict.fromkeys(["added", "adds", "noted", "notes", "explained", "explains"], 0.55),
    **dict.fromkeys(["announced", "announces", "reported", "reports", "argued"], 0.55),
    **dict.fromkeys(["argues", "argue", "warned", "warns", "acknowledged"], 0.55),
    **dict.fromkeys(["acknowledges", "admitted", "admits", "conceded", "concedes"], 0.55),
    **dict.fromkeys(["tweeted", "tweets", "posted"], 0.5),
    **dict.fromkeys(["testified", "testifies", "recalled", "recalls", "replied"], 0.55),
    **dict.fromkeys(["responded", "countered", "emphasized", "emphasised"], 0.5),
    **dict.fromkeys(["stressed", "stresses", "predicted", "predicts", "suggested"], 0.5),
    **dict.fromkeys(["suggests", "mentioned", "mentions", "asked", "asks"], 0.45),
    **dict.fromkeys(["pointed out", "points out", "cited", "cites", "citing"], 0.45),
    **dict.fromkeys(["quoted", "called", "calls", "described", "describes"], 0.45),
    **dict.fromkeys(["has learned", "has learnt", "revealed", "reveals", "disclosed"], 0.5),
    **dict.fromkeys(["vowed", "vows", "pledged", "promised", "urged", "urges"], 0.45),
    **dict.fromkeys(["saying", "adding", "telling", "noting", "arguing", "claiming"], 0.5),
    **dict.fromkeys(["warning", "insisting", "writing", "explaining", "asking"], 0.45),
    **dict.fromkeys(["calling", "describing", "stressing", "promising", "suggesting"], 0.45),
    **dict.fromkeys(["urging", "accusing", "announcing", "asserting", "criticizing"], 0.45),
    **dict.fromkeys(["complaining", "questioning", "criticising", "emphasizing"], 0.45),
    **dict.fromkeys(["criticized", "criticised", "complained", "spoke of", "spoke about"], 0.45),
    **dict.fromkeys(["speaks of", "speaks about", "tweeting", "posting"], 0.45),
    **dict.fromkeys(["said in a statement", "quoted ... as saying"], 0.6),
    # Base forms after a plural subject ("E.U. leaders warn that …"); tuned on PolNeAR dev.
    **dict.fromkeys(["warn", "vow", "explain", "ask", "accuse", "insist"], 0.45),
    **dict.fromkeys(["comment", "commented", "call", "describe"], 0.45),
    # From reading the flags of 181 real news pages: beliefs, estimates and confirmations
    # given by a named source, and "alleged that" (a charge, with its speaker).
    **dict.fromkeys(["believes", "believe", "estimates that", "estimated that"], 0.45),
    **dict.fromkeys(["confirmed to"], 0.5),
    **dict.fromkeys(["alleged that"], 0.6),
    # The missing forms of the verbs above (from PolNeAR dev: "environmental groups
    # acknowledge that", "the attorney general is confirming that"), leaving out those that
    # are also common nouns (report, state, note, post, quote, promise, pledge, remark,
    # reply, stress, urge, recall, mention), "respond" (no comment is no claim), and those
    # that the real pages mostly use of things or deeds ("those facts suggest", "it
    # confirms the belief", "an installation that emphasizes", "revealing how", "is denying
    # vaccines to", "will testify"; "declare" bankruptcy). "confirmed" only with "that"
    # (what was said), not "the court confirmed the sentence" (a verification), and with a
    # subject that looks like a speaker ("The scan confirmed that…" attributes nothing).
    **dict.fromkeys(["acknowledge", "admit", "concede", "announce"], 0.55),
    **dict.fromkeys(["acknowledging", "admitting", "conceding", "testifying"], 0.5),
    **dict.fromkeys(["allege", "alleging", "assert", "contend", "contending"], 0.6),
    **dict.fromkeys(["stating", "recalling", "vowing", "predict", "predicting"], 0.5),
    **dict.fromkeys(["disclose", "discloses", "disclosing"], 0.5),
    **dict.fromkeys(["confirmed that", "confirming that"], 0.5),
    **dict.fromkeys(["complain", "complains", "criticize", "criticizes"], 0.45),
    **dict.fromkeys(["criticise", "criticises"], 0.45),
    **dict.fromkeys(["reiterated", "reiterates", "reiterating", "reiterate"], 0.5),
    # "confirmed" with when or how it was said before its "that", as news writes it ("The
    # ministry confirmed on Monday that…", "confirmed Tuesday that…").
    **dict.fromkeys([f"confirmed {when} that" for when in CONFIRMED_WHEN], 0.5),
}


def _attributed() -> Iterator[LexiconEntry]:
    for text, weight in REPORTING_VERBS.items():
        yield LexiconEntry(text, "attributed", weight, "reporting_verb")


def _anonymous() -> Iterator[LexiconEntry]:
    """Unnamed sources: "a person familiar with", "spoke on condition of anonymity", …"""
    phrases = (
        "sources said", "sources say", "sources says", "sources told", "a source said",
        "a source told", "source said", "sources close to", "a source close to",
        "according to sources", "according to a source", "according to people",
        "according to a person", "person familiar with", "people familiar with",
        "persons familiar with", "someone familiar with", "official familiar with",
        "officials familiar with", "sources familiar with", "person with knowledge of",
        "people with knowledge of", "person with direct knowledge of",
        "people with direct knowledge of", "sources with knowledge of",
        "on condition of anonymity", "on the condition of anonymity",
        "on condition that they not be named", "on condition he not be named",
        "on condition she not be named", "declined to be named", "declined to be identified",
        "asked not to be named", "asked not to be identified", "requested anonymity",
        "not authorized to speak", "not authorised to speak", "people briefed on",
        "person briefed on", "officials briefed on", "insiders said", "an insider said",
        "did not wish to be named", "did not want to be named", "did not wish to be identified",
    )  # fmt: skip
    for text in phrases:
        yield LexiconEntry(text, "anonymous-source", 0.75)
    for noun in ("source", "sources", "insider", "insiders"):
        yield LexiconEntry(noun, "anonymous-source", 0.75, "source_noun")


def _disputed() -> Iterator[LexiconEntry]:
    """Contested claims: "denied", "disputed", "rejected the claims", …"""
    # Verbs that are also nouns or adjectives ("a border dispute", "the disputed region",
    # "he was denied bail") count only with a subject, like verbs of saying.
    for text in ("denied", "denies", "deny", "disputed", "disputes", "dispute", "refuted"):
        yield LexiconEntry(text, "disputed", 0.6, "reporting_verb")
    for verb, noun in product(
        ("rejected", "rejects", "dismissed", "dismisses"),
        ("claim", "claims", "allegation", "allegations", "accusation", "accusations",
         "report", "reports"),
    ):  # fmt: skip
        yield LexiconEntry(f"{verb} the {noun}", "disputed", 0.65)
        yield LexiconEntry(f"{verb} {noun}", "disputed", 0.65)
        yield LexiconEntry(f"{verb} the ... {noun}", "disputed", 0.6)
    for text in ("called the claims false", "called the report false", "a claim denied by"):
        yield LexiconEntry(text, "disputed", 0.6)


def _counters() -> Iterator[LexiconEntry]:
    """Confirmations that weaken a flag."""
    for adverb, participle in product(("independently ", ""), ("confirmed", "verified")):
        for lead in ("has been", "have been", "was", "were", "had been", "been"):
            yield LexiconEntry(f"{lead} {adverb}{participle}", "unverifiable", 0.35, "counter")
    for text in ("independently confirmed", "independently verified", "verified by"):
        yield LexiconEntry(text, "unverifiable", 0.35, "counter")
    for text in ("confirmed by", "authenticated by", "geolocated by", "verified the"):
        yield LexiconEntry(text, "unverifiable", 0.3, "counter")


def _false_friends() -> Iterator[LexiconEntry]:
    """Phrases that contain a cue word but make no claim."""
    phrases = (
        "Said {Name}", "Mr. Said", "Mrs. Said", "Ms. Said", "Dr. Said", "Edward Said",
        "so-called", "so called", "that said,", "that being said", "having said that",
        "needless to say", "suffice it to say", "suffice to say", "that is to say",
        "to say the least", "to say nothing of", "it goes without saying",
        "easier said than done", "when all is said and done", "no one can say",
        "hard to say", "too early to say", "declined to say", "refused to say",
        "would not say", "wouldn't say", "did not say", "didn't say", "i must say",
        "i have to say", "so to speak", "as the saying goes", "the saying goes",
    )  # fmt: skip
    for text in phrases:
        yield LexiconEntry(text, "attributed", 0.0, "false_friend")


DEFAULT_ENTRIES: tuple[LexiconEntry, ...] = (
    *_false_friends(),
    *_unverifiable(),
    *_hedged(),
    *_anonymous(),
    *_disputed(),
    *_counters(),
    *_attributed(),
)
