"""Find who said it: the speaker of a reporting verb, from the words around it.

No parser: a handful of surface rules that cover how news writes attribution.

- ``X said`` / ``X has also said`` / ``X told Y`` - the noun phrase right before the verb,
  back to the start of its clause (a comma, a quote, "that", "when", a form of "be", …);
- ``"…," said X`` / ``…, said X.`` and ``according to X`` - the noun phrase after the verb;
- ``X, the minister, said`` - the name before the appositive, or the appositive when it is
  the name (``the director, Dr. Y, said``); ``X, who …, said`` likewise;
- ``X quoted Y as saying`` - Y, the person quoted;
- ``…, saying …`` and ``X did this, and said …`` - the subject at the start of the sentence;
- ``X's claim that …`` - X; ``his claim that …`` - his;
- pronouns ("he", "they") are kept as the speaker: resolving them to the last named person
  is a guess that a reviewer reading the article does better.

No speaker, and so no attribution, when the verb is used as a noun ("the claims", "his
reports", "a group called X"), an infinitive ("declined to say"), a passive ("was told",
"sources cited by"), a name ("Mr. Said", "the United States"), in another sense than
saying ("added 20 points", "called 911", "asked for help"), when the speaker is the writer
("we've said", "I asked"), or when the verb sits inside a quotation.
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from .default_lexicon import CONFIRMED_WHEN
from .model import Span, Speaker


def word_set(text: str) -> frozenset[str]:
    """The words of a space-separated list, as a set (the word lists below, and engine's)."""
    return frozenset(text.split())


QUOTES = frozenset("\"'“”‘’«»")
CLOSING = frozenset("\"'”’»")
DASHES = frozenset("-–—―")
PRONOUNS = word_set("he she they it we i you who one")
#: Whose claim it is: "his claim that…" ("its" and "our" are the writer's or no one's).
OWNERS = word_set("his her their")
DETERMINERS = word_set(
    "the a an his her their its our my your these those this such new any some no other "
    "several many earlier previous recent false similar neither either both all each every "
    "most few whose"
)
#: Determiners that are also names ("Tran An", "Mai Her"): capitalised after a capitalised
#: word, they end or continue the name rather than open a noun phrase.
NAME_DETERMINERS = word_set("an her")
AUXILIARIES = word_set(
    "has have had would will shall should could can may might must did does do also later "
    "previously repeatedly once then again recently publicly privately further subsequently "
    "first earlier never already still often frequently now just even quickly immediately "
    "separately similarly clearly openly flatly firmly angrily bluntly famously initially "
    "originally ultimately finally since long not n't reportedly allegedly apparently "
    "specifically explicitly directly simply ever always yet only however together almost "
    "instead very twice flat-out"
)
NEGATIONS = word_set("not never cannot")
#: No comment is no claim: "he could not comment on the letter".
NOT_WHEN_NEGATED = word_set("comment comments commented")
NOT_ADVERBS = word_set("family ally assembly rally daily weekly monthly anomaly")
BE = word_set(
    "is was were are been be being am get got gets 's ’s isn't isn’t wasn't wasn’t aren't "
    "aren’t weren't weren’t 're ’re it's it’s that's that’s there's there’s what's what’s"
)
CLAUSE_WORDS = word_set(
    "that which whom when while because as if but or so since after before where though "
    "although than whether what how why whereas unless until and nor"
)
NOUN_PHRASE_STOPS = CLAUSE_WORDS | BE
VERB_STOPS = word_set("said says told saying")  # case-sensitive: "Said Khalil" is a name
AFTER_STOPS = word_set(
    "in on at during after before when while who that which adding saying last this "
    "yesterday today tonight monday tuesday wednesday thursday friday saturday sunday "
    "earlier later told to via about had has have would will could can may might must "
    "should did does do is was were are"
)
MONTHS = word_set(
    "january february march april may june july august september october november december "
    "jan. feb. mar. apr. jun. jul. aug. sept. sep. oct. nov. dec."
)
WHEN = MONTHS | word_set("monday tuesday wednesday thursday friday saturday sunday")
PERIODS = word_set("week month year morning afternoon evening night weekend")
#: "that summer", "that day": a time, not a clause.
THAT_TIMES = PERIODS | word_set("day time season summer winter spring autumn fall")
#: Words that open a time after a name ("said X on Tuesday", "said X last week").
TIME_WORDS = WHEN | word_set("on at last this yesterday today tonight earlier later")
#: What may follow the speaker after an inverted "said" ("…, said Lena Holt in a
#: statement"); after a verb that takes an object, it ends the object ("told the story in").
SPEAKER_ENDS = word_set("in during via")
#: Openings of an adverbial that comes before the subject ("In a statement, …").
PREAMBLES = word_set(
    "in on at during after before by for from with within when while last earlier later "
    "however meanwhile still also but and yet so speaking asked hours days weeks months "
    "years minutes moments prior ahead"
)
PREPOSITIONS = word_set(
    "of for at from with in on to about near by close among inside outside across around throughout"
)
#: Words that open an adverbial before the subject, also when no comma closes it ("On
#: Monday Mayor Ellen Dorsey said", "Meanwhile police said").
OPENERS = PREAMBLES | word_set(
    "then now yesterday today tonight separately additionally previously instead"
)
CONTRACTED_BE = word_set("he's he’s she's she’s they're they’re we're we’re")
NOT_NAMES = word_set("the a an he she they it we i who this that")
#: Words that are no title before a name ("said earlier this week", "said his aide Lee").
NOT_TITLES = DETERMINERS | PREPOSITIONS | TIME_WORDS | PERIODS
#: Verb forms that are also common nouns; they need a subject that looks like one.
AMBIGUOUS = word_set(
    "claims claim reports notes calls called call charges charged tweets posts tells comment "
    "comments revealed reveals responded posted reported announced"
) | {"confirmed that", "confirming that"}
AMBIGUOUS |= {f"confirmed {when} that".lower() for when in CONFIRMED_WHEN}
#: What follows a verb used in another sense than saying: "added 20 points", "added a
#: goal", "called 911", "asked for help", "asked Morrison about", "early results are
#: promising." ("asked" with a name after it questions someone; it states nothing.)
NOT_SAYING_NEXT = {
    "added": word_set(
        "to more another his her their its two three four five six seven eight nine ten"
    ),
    # "called an ambulance" phones; "one called a tuft cell" names (see _not_saying).
    "called": word_set("911 off up back in police ambulance ambulances paramedics"),
    "asked": word_set("for to about if whether them him her me us you"),
    "promising": None,  # the adjective at the end of a clause, see _not_saying
    # "testified before the committee." tells where, not what; "testified before the
    # committee that…" or with a quote does (see _not_saying).
    "testified": word_set("before at in"),
    "charged": word_set("with"),  # "officers charged with falsifying records"
    "believes": word_set("in me you him her them"),  # "believes in sedans", "believe me"
    "believe": word_set("in me you him her them"),
    "accused": word_set("of"),  # "officers accused of lying"
    # "maintained a lead", "maintained close ties", not "maintained that…"
    "maintained": word_set(
        "a an close control contact ties links order existing strict tight relations offices "
        "operations records contacts friendly diplomatic normal regular"
    ),
    # "responded quickly", "within minutes", "responded and found": crews arriving; "to the
    # fire" and "to the treatment" too (see _not_saying), not "responded to the
    # allegations"; "responded well (or poorly) to": a patient, a market, a cell.
    "responded": word_set("quickly swiftly promptly rapidly fast within and well poorly badly"),
    # "said goodbye", "said Mass", "said a prayer", "said their vows" (see _not_saying).
    "said": word_set("goodbye goodbyes farewell farewells grace mass prayer prayers vows"),
}
# "claimed the body", "claimed the lives of", "claim to the throne": taking or a right,
# not saying (see _takes_a_claim).
NOT_SAYING_NEXT["claimed"] = NOT_SAYING_NEXT["claims"] = NOT_SAYING_NEXT["claim"] = None
NOT_SAYING_NEXT["say"] = NOT_SAYING_NEXT["says"] = NOT_SAYING_NEXT["saying"] = NOT_SAYING_NEXT[
    "said"
]
NOT_SAYING_NEXT["testifies"] = NOT_SAYING_NEXT["testifying"] = NOT_SAYING_NEXT["testified"]
for _verb, _base in (
    ("added", "add"),
    ("called", "call"),
    ("asked", "ask"),
    ("maintained", "maintain"),
    ("responded", "respond"),
):
    NOT_SAYING_NEXT[_base] = NOT_SAYING_NEXT[_base + "s"] = NOT_SAYING_NEXT[_verb]
# "announced a new phone", "revealed its latest model": a thing unveiled, not news of
# something that is so (see _unveils_a_new_thing).
for _verb in ("announced", "announces", "announce", "announcing", "revealed", "reveals"):
    NOT_SAYING_NEXT[_verb] = None
#: Before the new thing an announcement unveils ("a new", "its latest").
UNVEILED = word_set("a an the its their his her our")
NEW_THINGS = word_set("new all-new latest newest upcoming next-generation")
#: Where the name of a thing unveiled ends: "a new van at the show", "its latest budget,".
NAME_ENDS = word_set(". , ; : ? ! for with in on at to from by of and during this today")
#: Before "say" the noun: "the final say on the budget", "more say in the plan".
SAY_NOUN_MODIFIERS = word_set("final last equal greater bigger more much little real")
#: What crews and police respond to ("responded to the scene", "to a report of a fire").
EMERGENCIES = word_set(
    "fire fires blaze blazes scene scenes call calls emergency emergencies incident incidents "
    "crash crashes shooting shootings alarm alarms accident accidents collision disturbance "
    "break-in burglary robbery explosion flooding outbreak"
)
#: What cells, patients and instruments respond to ("to the treatment", "to molecules made
#: by…", "to changes in temperature"), and surveys, which are answered, not argued with.
STIMULI = word_set(
    "treatment treatments therapy therapies drug drugs medication medications medicine "
    "vaccine vaccines vaccination chemotherapy radiation radiotherapy antibiotics dose doses "
    "stimulus stimuli molecules molecule signal signals light temperature temperatures heat "
    "cold infection infections virus viruses pathogen pathogens antigen antigens hormone "
    "hormones insulin survey surveys questionnaire questionnaires"
)
#: Where the object of "responded to" ends: "to the treatment of his envoy", "to it by".
OBJECT_ENDS = (PREPOSITIONS - {"in"}) | CLAUSE_WORDS | BE
#: Who is named after "call": "Astronomers call it TNG50", "Everyone called him Mike".
NAMED_OBJECTS = word_set("it him her them me us")
#: Verbs that also give names ("a company called Arbor Labs", "the app, called Tally,").
NAMING = word_set("call calls called")
#: Quantifiers that stand for people as the subject ("Some said", "Many believe").
PRONOUN_QUANTIFIERS = word_set("some many several most few others")
#: Words that count more than one: before "calls", "reports" or "claims" they make it a
#: plural noun ("Two calls were made", "Some calls were dropped"), as a verb would not agree.
PLURAL_COUNTS = PRONOUN_QUANTIFIERS | word_set(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty "
    "fifty hundred hundreds thousand thousands dozen dozens numerous multiple"
)
#: Verbs whose object is a phone call ("Take calls from readers", "fielded calls").
HANDLES_CALLS = word_set(
    "take takes took taking make makes made making answer answers answered answering "
    "receive receives received receiving field fields fielded fielding return returns "
    "returned returning screen screened miss missed place placed handle handled"
)
CAUSATIVES = word_set("made make makes making let lets letting help helped helps")
SCORING_NOUNS = word_set("goal goals assist assists point points touchdown run runs save saves")
#: What is claimed when "claim" takes, not says ("claimed the body", "claimed the title");
#: not "victory" or "responsibility", which are claims a desk checks.
TAKEN = word_set(
    "body bodies remains life lives title titles crown throne seat seats prize prizes medal "
    "medals trophy trophies championship jackpot estate inheritance"
)
FINITE_AUXILIARIES = word_set(
    "has have had would will shall should could can may might must did does do"
)
#: What follows "claim to" when the claim says something ("her claim to have seen…").
CLAIM_TO_SAY = word_set("have be know")
#: "is promising." / "are promising but…": the adjective.
PROMISING_ADJECTIVE = word_set("at but and or enough though so for in")
#: Who writes in the first or second person outside a quotation: the author, not a source.
AUTHOR = word_set(
    "i we you me us i'll i’ll i've i’ve we've we’ve we'll we’ll i'd i’d we'd we’d i'm i’m "
    "we're we’re you're you’re you've you’ve you'll you’ll you'd you’d"
)
#: Verbs that are more often nouns ("a border dispute"); they need an object after them.
NEEDS_OBJECT = word_set("dispute disputes")
OBJECT_STARTS = word_set(
    "the a an that this these those his her their its any our claims reports allegations "
    "accusations figures account findings him them it"
)
#: Participles whose passive names the speaker after "by" ("was reported by the Post");
#: not "called", "asked", "charged", "added" or "posted", which mostly do something else.
PASSIVE_SAYING = word_set(
    "said told reported claimed stated announced revealed disclosed denied disputed "
    "described accused criticized criticised quoted cited alleged asserted warned mentioned"
)
#: Where the agent after "by" ends and what it said begins ("described by X as…").
AGENT_ENDS = word_set("as for")
#: Prepositions before a gerund whose subject is the sentence's ("began by saying",
#: "after accusing"); not "for" or "from" ("criticised her for saying": she said it).
SUBJECT_GERUND_PREPOSITIONS = word_set("by after before while upon")
REQUESTS = word_set("asking urging")
#: What follows "adding" when it adds words: a quote, a colon or a comma.
WORDS_FOLLOW = QUOTES | {":", ","}
#: Verbs whose object is the one spoken to ("told NBC News"), not the speaker.
TAKES_LISTENER = word_set("told tells tell telling")
#: Verbs of saying that a relative "that" may stand before as their subject ("retailers
#: that said…"): none is also a noun or an adjective ("that claims of fraud", "that
#: reported cases").
RELATIVE_THAT = word_set(
    "said says say told tells stated argued argues warned warns wrote writes insisted "
    "insists suggested suggests"
)
#: Conjunctions that join a clause with a subject of its own ("…fled, and police said").
JOINING = word_set("and but or nor")
#: Verbs that take a "that" clause without an "-ed" ("found that said property…").
THAT_VERBS = word_set(
    "find finds found know knows knew think thinks thought believe believes show shows shown "
    "mean means meant feel feels felt hope hopes hear hears heard see sees saw learn learns "
    "learnt rule rules now so such given"
)
#: Base forms, which follow "to" or a modal rather than a subject after "and".
BASE_FORMS = word_set("say tell claim argue deny dispute ask add note warn call speak")
DOCUMENTS = word_set("statement report post letter release filing document tweet message video")
SPEAKER_NOUNS = re.compile(
    r"(?:official|officials|spokes\w*|ministers?|ministry|president|source|sources|group|"
    r"police|army|military|government|agency|company|campaign|aide|aides|analyst|analysts|"
    r"expert|experts|witness|witnesses|residents?|statement|report|leaders?|lawyers?|"
    r"attorneys?|department|office|committee|authorities|secretary|governors?|senators?|mayors?|"
    r"critics|opponents|supporters|observers|researchers|scientists|economists|study|"
    r"analysis|survey|poll|audit|investigation|review|data|records|documents|nominee|"
    r"candidates?|chair|chairman|chairwoman|director|executive|founder|members?|lawmakers|"
    r"legislators|judges?|prosecutors?|investigators|diplomats?|officers?|activists|media|"
    r"outlets?|newspapers?|paper|network|broadcaster|daily|station|website|tabloid|state|"
    r"city|county|court|council|board|firm|team|club|league|union|party|school|"
    r"university|hospital|bank|administration|white house|organi[sz]ation|"
    r"association|coalition|alliance|commission|regulators?|watchdog|institute|"
    r"center|centre|service|authority|general|family|families|parents|officials?|companies|"
    r"executives?|journalists?|reporters?|correspondents?|consumers|customers|users|"
    r"people|workers|employees|voters|students|patients|doctors|nurses|teachers)$",
    re.IGNORECASE,
)

_NEXT_WORD = re.compile(r"\s*(\w+)")
_WHO = re.compile(r"\bwho\b")
_NEXT_CHARACTER = re.compile(r"\s*(\S)")
_THAT_WORD = re.compile(r"\s+that\s+[\"'“‘«]?(\w+)", re.IGNORECASE)
# Combining diacritical marks: a decomposed (NFD) accent is a letter and a mark after it
# ("Jose\u0301"), and \w takes no mark, which cut "José" in two.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_TOKEN = rf"\w[\w{_MARKS}’'.&-]*|''|[^\w\s]"
_SPACED_TOKEN = re.compile(rf"(\s*)({_TOKEN})")  # every non-space character is in a token
_MAX_WORDS = 10
#: How far back "who" may open a relative clause before the verb ("An official who spoke on
#: condition of anonymity because he was not authorized to speak publicly said").
_RELATIVE_REACH = 20
_WINDOW = 120  # characters either side of the verb that usually hold its speaker
_NARROW = 50  # … and before it, the first place to look
_REACH = 1000  # the farthest back a rule ever looks (a "sentence" may be a whole page)


class _Token(NamedTuple):
    text: str
    lower: str
    start: int
    end: int
    is_word: bool


def find_speaker(text: str, sentence: Span, verb: Span) -> Speaker | None:
    """Return the speaker of the reporting verb at ``verb`` inside ``sentence``.

    Return None when no speaker is named or the word is not used as a reporting verb.
    """
    span = _Attribution(text, sentence, verb).speaker()
    return Speaker(text[span.start : span.end], span.start, span.end) if span else None


class _Attribution:
    """One reporting verb in its sentence, with the tokens around it cut on demand."""

    __slots__ = ("text", "sentence", "verb", "written", "word", "_after", "_before")

    def __init__(self, text: str, sentence: Span, verb: Span) -> None:
        self.text = text
        self.sentence = sentence
        self.verb = verb
        self.written = text[verb.start : verb.end]
        self.word = self.written.lower()
        self._after: list[_Token] | None = None
        self._before: tuple[int, list[_Token]] = (verb.start, [])  # the widest window yet

    def before(self, width: int | None = _WINDOW) -> list[_Token]:
        """Tokens before the verb: the last ``width`` characters (None: ``_REACH``)."""
        start = self.sentence.start
        width = _REACH if width is None else width
        if self.verb.start - start > width:
            start = max(start, self.text.find(" ", self.verb.start - width, self.verb.start))
        # Each window starts at a space (or the sentence start), where no token is cut: a
        # wider window only tokenises its new part in front, a narrower one is a suffix.
        known, tokens = self._before
        if start < known:
            tokens = _tokens(self.text, start, known) + tokens
            self._before = start, tokens
        elif start > known:
            tokens = [token for token in tokens if token.start >= start]
        return tokens

    def after(self) -> list[_Token]:
        """Tokens after the verb, up to ``_WINDOW`` characters."""
        if self._after is None:
            end = min(self.sentence.end, self.verb.end + _WINDOW)
            self._after = _tokens(self.text, self.verb.end, end)
        return self._after

    def next_word(self) -> str:
        """Return the word right after the verb, lower-cased ("" if none)."""
        found = _NEXT_WORD.match(self.text, self.verb.end, self.sentence.end)
        return found.group(1).lower() if found else ""

    def _claim_says(self) -> bool:
        """Whether "claim" after "his"/"her"/"their" says something: a "that" clause, or
        "to have"/"to be" ("her claim to have seen the crash")."""
        if self.next_word() == "to":
            after = self.after()
            return len(after) > 1 and after[1].lower in CLAIM_TO_SAY
        return self._that_clause()

    def _that_clause(self) -> bool:
        """Tell whether a "that" clause follows the verb: "his claim that the dam leaked",
        not "staked their claim that summer"."""
        found = _THAT_WORD.match(self.text, self.verb.end, self.sentence.end)
        return found is not None and found.group(1).lower() not in THAT_TIMES

    def speaker(self) -> Span | None:
        word = self.word
        if _inside_quote(
            self.text, max(self.sentence.start, self.verb.start - _REACH), self.verb.start
        ):
            return None
        if word.startswith("according"):
            return _noun_phrase_after(_drop_document(self.after()))
        if word == "quoted":
            return _quoted_as_saying(self.after())
        # Most speakers sit in the few words before the verb: look there first, and wider
        # only when the noun phrase may run past the narrow window.
        before = self.before(_NARROW)
        span = self._speaker_before(before)
        truncated = bool(before) and before[0].start > self.sentence.start
        if truncated and (
            span is None or span.start <= before[0].start or self._may_follow_who(span)
        ):
            span = self._speaker_before(self.before())
        space = self.text.find(" ", span.start, span.end) if span is not None else -1
        if space > 0 and self.text[span.start : space].lower() in OPENERS:
            before = self.text[max(self.sentence.start, span.start - 3) : span.start].strip()
            opens = not before or before[-1] in CLAUSE_BREAKS or before[-1] == ","
            # "In London Smith said": the place is no name; "the claims from Jessica Leeds,
            # who told": the preposition opens no clause, "Jessica" is no place.
            span = _after_opening_adverbial(_tokens(self.text, span.start, span.end), opens)
        if span is not None and _is_author(self.text[span.start : span.end]):
            return None  # "We've said this before", "I asked her": the author's own voice
        return span

    def _may_follow_who(self, span: Span) -> bool:
        """Whether a lower-case speaker may end a long relative clause that opens further
        back ("An official who spoke on condition of anonymity because he was not
        authorized to speak publicly said" found "not authorized to speak")."""
        if not self.text[span.start].islower():
            return False
        start = max(self.sentence.start, self.verb.start - _WINDOW)
        return _WHO.search(self.text, start, span.start) is not None

    def _speaker_before(self, before: list[_Token]) -> Span | None:
        word = self.word
        following = self.next_word()
        if following == "by":
            # A passive: "was first reported by The Washington Post" → its agent; no speaker
            # for a bare participle ("sources cited by DigiTimes", "a meeting called by").
            return self._agent(before) if word in PASSIVE_SAYING else None
        if word in NEEDS_OBJECT and following not in OBJECT_STARTS:
            return None
        index = _skip_auxiliaries(before, len(before) - 1)
        if word in NOT_WHEN_NEGATED and any(_negates(token) for token in before[index + 1 :]):
            return None  # "She couldn't comment on the case"
        if _hypothetical(before, index):
            return None  # "Others might argue that…", "As Sherlock would say": no one did
        # After a closing quote the verb is turned round ('"…?" asked Schiff', '"…,"
        # added his spokesman'): what follows it is the speaker, not another sense. (Not
        # after any comma: "X (R-OK), the ranking member, asked them about…")
        inverted = index >= 0 and _is_closing(before[index])
        if word in NOT_SAYING_NEXT and not inverted and self._not_saying(following):
            return None
        progressive = word.endswith(("ing", "ing that"))  # "confirming that"
        if progressive:
            if index >= 0 and before[index].lower in CONTRACTED_BE:  # "He's claiming"
                token = before[index]
                return Span(token.start, token.end - (3 if token.lower.endswith("re") else 2))
            if index >= 0 and before[index].lower in SUBJECT_GERUND_PREPOSITIONS:
                # "She began by saying…", "After saying…, she left": the sentence's subject
                # says it. "by adding a clock", "before adding the pectin": no saying.
                if word == "adding" and not self._adds_words(following):
                    return None
                if word in REQUESTS or (word == "calling" and following in ("for", "on")):
                    return None  # a request: "by asking prosecutors to charge him"
                if index == 0 or not any(token.is_word for token in before[:index]):
                    return self._subject_after_clause()  # "After saying…, she left"
                return self._subject()
            if index >= 0 and before[index].is_word and before[index].lower not in BE:
                # "footage of Trump saying" names a speaker; "a favourite saying" does not.
                return _name_before(before, index)
            while index >= 0 and (_is_auxiliary(before[index]) or before[index].lower in BE):
                index -= 1
        index = _skip_parenthesis(before, index)  # "Sen. Claire McCaskill (D-Mo.) said"
        if index < 0:
            return self._inverted() if word.startswith("said") else None
        if self.written[0].isupper() and not self._in_title_case():
            return None  # a capitalised verb inside a sentence is a name: "Mr. Said"
        return self._before_verb(before, index, progressive)

    def _before_verb(self, before: list[_Token], index: int, progressive: bool) -> Span | None:
        last = before[index]
        if self.word in AMBIGUOUS and (
            last.text[0].isdigit() or (self.word[-1] == "s" and last.lower in PLURAL_COUNTS)
        ):
            return None  # a noun counted: "the July 25 call", "Two calls were made"
        if self.word in ("call", "calls") and last.lower in HANDLES_CALLS:
            return None  # "Take calls from readers", "fielded calls": phone calls
        if self.word == "call" and last.lower == "they" and self._they_call(before, index):
            return None  # "They call it a victory": what a thing is known as, by no one
        if last.lower in PRONOUN_QUANTIFIERS and (index == 0 or not before[index - 1].is_word):
            return Span(last.start, last.end)  # "Some said…", "…; many say"
        if last.lower in OWNERS and self.word in ("claim", "claims") and self._claim_says():
            return Span(last.start, last.end)  # "repeated his claim that…": the claim is his
        if last.lower == "to" or last.lower in BE:
            return None
        if last.lower in DETERMINERS and not _determiner_in_name(before, index):
            return None
        if self.word == "say" and last.lower in SAY_NOUN_MODIFIERS:
            return None
        if last.lower in PREPOSITIONS and (self.word in AMBIGUOUS or self.word in BASE_FORMS):
            return None  # a noun: "a request for comment", "the content of calls"
        if last.text.endswith(("'s", "’s")) and last.lower not in ("it's", "it’s"):
            # "Trump's claim that…" names a claim and its owner; "his reports" names neither.
            owner = _noun_phrase_before(before, index) if self.word in ("claim", "claims") else None
            if owner is None or owner.end != last.end or owner.end - 2 <= owner.start:
                return None
            return Span(owner.start, owner.end - 2)
        if last.text in ("who", "which"):  # "Democrats, who have argued", "the study -- which"
            index = _skip_aside(before, index - 1)
            if index < 0:
                return None
            speaker = _without_preposition(self.text, _noun_phrase_before(before, index))
            if last.text == "which":  # a thing: the nearest noun, "the head of the agency"
                speaker = _after_last_preposition(self.text, speaker)
            return speaker
        if last.lower == "that" and self.word in RELATIVE_THAT:
            # "retailers that said they raised prices", "a blog post that says…": the noun
            # before "that", without a time ("a letter Friday afternoon that says") and
            # from its last preposition on ("claims made in a Weibo post that said").
            end = index - 1
            if end > 0 and before[end].lower in PERIODS and before[end - 1].lower in WHEN:
                end -= 2
            elif end > 0 and before[end].lower in WHEN:
                end -= 1
            if _ends_a_noun(before, end):
                start = end
                while start > 0 and before[start - 1].is_word and end - start < _MAX_WORDS:
                    previous = before[start - 1].lower
                    if before[start].lower in DETERMINERS or previous in PREPOSITIONS:
                        break
                    if previous in NOUN_PHRASE_STOPS:
                        break
                    start -= 1
                return _span(before[start : end + 1])
        if last.lower in ("and", "but"):  # "X did this, and said…": the sentence's subject
            return None if self.word in BASE_FORMS else self._subject()
        if last.is_word:
            speaker = _noun_phrase_before(before, index)
            if speaker and self.word in NAMING and self._names_a_thing(speaker):
                return None
            if speaker and self.word in AMBIGUOUS and not _looks_like_subject(self.text, speaker):
                return None
            causative = index and before[index - 1].lower in CAUSATIVES  # "made Vaughan believe"
            if causative or (speaker and _after_causative(before, index, speaker)):
                return None  # "the delay made the inspectors believe": no one says it
            return speaker
        if progressive:  # "…, saying"
            return self._subject()
        if _is_closing(last) or (index and _is_closing(before[index - 1])):
            return self._inverted()  # '"…," said the minister'
        if last.text == ",":
            if self.word in NAMING:  # "The app, called Tally, tracks…": a name
                return self._appositive()
            if self.word in TAKES_LISTENER:  # "X, director at Google, told NBC News"
                return self._appositive() or self._inverted(strict=True)
            # "…, said Monica de Bolle, a senior fellow" before "X, the minister, said".
            after = _NEXT_CHARACTER.match(self.text, self.verb.end, self.sentence.end)
            named_after = after is not None and after.group(1).isupper()  # may name someone
            # "…, your spending in check, says certified financial planner Eric Roberge": a
            # lower-case title and a name after the verb, before a comma taken for an aside.
            return (
                (named_after and self._inverted(strict=True, name=True))
                or (not named_after and self._titled_after() and self._inverted(strict=True))
                or self._appositive()
                or self._inverted(strict=True)
            )
        if last.text in DASHES:  # "X -- a co-editor of the book -- said"
            return self._dashed_appositive()
        return None

    def _titled_after(self) -> bool:
        """Whether a lower-case title and a name follow "said" or "added" ("says
        psychologist Mary Alvord", "adds study co-author Ana Ruiz")."""
        if self.word not in ("said", "says", "added", "adds"):
            return False
        speaker = _noun_phrase_after(self.after())
        return speaker is not None and _titled_name(self.text[speaker.start : speaker.end].split())

    def _they_call(self, before: list[_Token], index: int) -> bool:
        """Whether "they call" is the impersonal they that names ("They call it a victory",
        "what they call his message"), not people who call for something or on someone."""
        return self.next_word() in NAMED_OBJECTS or (
            index > 0 and before[index - 1].lower == "what"
        )

    def _not_saying(self, following: str) -> bool:
        """Whether the words after the verb show another sense than saying."""
        word = self.word
        if word in ("said", "says", "say", "saying"):  # first: "said" is the most common
            return self._says_a_ritual(following)  # "said 20 died" says, unlike "added 20"
        if word.startswith("claim"):
            return self._takes_a_claim(following)
        if word == "promising":
            return not following or following in PROMISING_ADJECTIVE
        if word.startswith("testif"):
            if following not in NOT_SAYING_NEXT[word]:
                return False
            return not any(
                token.lower == "that" or token.text in QUOTES or token.text == ":"
                for token in self.after()
            )
        if word.startswith(("announc", "reveal")):
            return following in UNVEILED and self._unveils_a_new_thing()
        if word.startswith("ask"):
            # "asked for help"; "asked Morrison about…" (the one asked, not a speaker); but
            # "asked her: “…”" quotes the question.
            named = (
                following[:1].isalpha()
                and self.text[self.verb.end + 1 : self.verb.end + 2].isupper()
            )
            if following not in NOT_SAYING_NEXT[word] and not named:
                return False
            after = self.after()
            return not (len(after) > 1 and after[1].text == ":")
        if following in NOT_SAYING_NEXT[word] or following[:1].isdigit():
            return True
        if word.startswith("respond") and following == "to":
            return self._answers_an_emergency() or self._reacts_to_a_stimulus()
        if word.startswith("call") and following in ("a", "an"):
            # "called a tuft cell", "called an ambulance", "called a meeting": naming or a
            # deed; 'called a former Miss Universe “disgusting”' says.
            return not any(token.text in QUOTES for token in self.after())
        if word in NAMING and self._name_ends_clause():
            return True  # "a model they call TNG50.", "Trump called Clinton.": a name, a phone call
        if word.startswith("call") and following in NAMED_OBJECTS:
            # Naming, not saying: "called him Mike" (but "called him a liar" accuses).
            after = self.after()
            return len(after) > 1 and after[1].is_word and after[1].text[:1].isupper()
        if word.startswith("add") and following in ("", "a", "an"):  # "added $2", "a goal"
            after = self.after()
            if after and after[0].text in ("$", "£", "€"):
                return True
            words = [token.lower for token in after[:2] if token.is_word]
            return len(words) == 2 and words[0] in ("a", "an") and words[1] in SCORING_NOUNS
        return False

    def _unveils_a_new_thing(self) -> bool:
        """Whether "announced"/"revealed" unveils a product or a plan ("announced a new
        van", "revealed its latest budget"): nothing is said to be so, unless a clause
        follows ("announced a new curfew would start", "…a new plan that will…")."""
        after = self.after()
        if len(after) < 2 or after[1].lower not in NEW_THINGS:
            return False
        # The thing's name ends within a few words, at a stop or a preposition ("a new van
        # at the show"); no word in it before its last ends in -s, as a verb or a plural
        # would ("the new rules take effect on…", "the new vaccine prevents…": a clause).
        name = after[2:10]
        end = next((i for i, token in enumerate(name) if token.lower in NAME_ENDS), None)
        if end is None or any(_third_person(token.lower) for token in name[: end - 1]):
            return False
        for token in after[2:]:
            if token.text in ".;?!":
                break
            if token.lower in FINITE_AUXILIARIES or token.lower in BE or token.lower == "that":
                return False
        return True

    def _takes_a_claim(self, following: str) -> bool:
        """Whether "claim" takes something or names a right ("claimed Lind's body",
        "claimed the lives of four", "the party's claim to a divine right"), rather than
        saying ("claimed the town had fallen", "her claim to have seen it")."""
        after = self.after()
        if following == "to":  # a right: "claim to the throne", not "claimed to the court that"
            return (
                self.word != "claimed"
                and len(after) > 1
                and after[1].lower not in CLAIM_TO_SAY
                and not any(token.lower == "that" for token in after[:8])
            )
        words = [token for token in after[:3] if token.is_word]
        if not words:
            return False
        owner = words[0].lower in DETERMINERS or words[0].lower.endswith(("'s", "’s"))
        thing = words[1] if owner and len(words) > 1 else words[0]
        if thing.lower.rstrip(".") not in TAKEN:
            return False
        # "claimed the title of the report was misleading": a clause follows the object.
        rest = [token.lower for token in after if token.start > thing.end][:8]
        return not any(word in BE or word in FINITE_AUXILIARIES or word == "that" for word in rest)

    def _says_a_ritual(self, following: str) -> bool:
        """Whether "said" says a goodbye, a prayer or Mass rather than reporting: "said
        their vows", not "said their goodbyes were cut short"."""
        rituals = NOT_SAYING_NEXT["said"]
        if following not in rituals and following not in ("a", "an", *OWNERS, "our"):
            return False
        after = self.after()
        at = 0 if following in rituals else 1
        if at >= len(after) or after[at].lower.rstrip(".") not in rituals:
            return False
        return at + 1 == len(after) or after[at + 1].lower not in BE

    def _answers_an_emergency(self) -> bool:
        """Whether "responded to" goes to an emergency ("to the fire", "to a report of a
        shooting"), within the few words of its object."""
        words = [token.lower for token in itertools.takewhile(_is_word, self.after()[1:6])]
        return any(word.rstrip(".") in EMERGENCIES for word in words)  # "a break-in."

    def _reacts_to_a_stimulus(self) -> bool:
        """Whether "responded to" goes to a treatment or a stimulus ("to the treatment", "to
        changes in temperature"): its object, up to a preposition or a clause word."""
        words = []
        for token in itertools.takewhile(_is_word, self.after()[1:7]):
            if words and token.lower in OBJECT_ENDS:  # "changes in" goes on: "temperature"
                break
            words.append(token.lower.rstrip("."))
        return any(word in STIMULI for word in words)

    def _names_a_thing(self, speaker: Span) -> bool:
        """Whether "called" after an indefinite noun names it ("a company called Arbor
        Labs", "a rig called “Bluebox”"): it is a participle, the noun calls no one."""
        indefinite = self.text[speaker.start : speaker.end].split()[0].lower() in ("a", "an")
        after = _NEXT_CHARACTER.match(self.text, self.verb.end, self.sentence.end)
        return (
            indefinite
            and after is not None
            and (after.group(1).isupper() or after.group(1) in QUOTES)
        )

    def _name_ends_clause(self) -> bool:
        """Whether the verb is followed by a capitalised name and nothing more in its clause
        ("…they call TNG50.", "called Plan & Grow."): no "Dorsey a liar", no quote."""
        after = self.after()
        name = 0
        while name < len(after) and after[name].is_word and after[name].text[0].isupper():
            name += 1
        if name == 0:
            return False
        return name == len(after) or not (after[name].is_word or after[name].text in QUOTES)

    def _agent(self, before: list[_Token]) -> Span | None:
        """The speaker of a passive verb of saying: who it was said by."""
        index = _skip_auxiliaries(before, len(before) - 1)  # "was first reported by"
        if index < 0 or before[index].lower not in BE:
            return None
        after = self.after()[1:]
        # The agent ends where what it said begins: "described by X as…", "criticized by
        # X for…", "accused by X of…" (but "the spokesman of the group" stays whole).
        ends = AGENT_ENDS | ({"of"} if self.word in ("accused", "warned") else set())
        cut = next((i for i, token in enumerate(after) if token.lower in ends), len(after))
        agent = _noun_phrase_after(after[:cut])
        if agent is None:
            return None
        first = self.text[agent.start : agent.end].split()[0].lower()
        if first in TIME_WORDS or first[0].isdigit() or not _looks_like_subject(self.text, agent):
            return None  # "reported by Monday", "reported by the end of the day"
        return agent

    def _adds_words(self, following: str) -> bool:
        """Whether "adding" adds words ("adding that…", "adding: “…”"), not a thing."""
        if following == "that":
            return True
        after = _NEXT_CHARACTER.match(self.text, self.verb.end, self.sentence.end)
        return after is not None and after.group(1) in WORDS_FOLLOW

    def _in_title_case(self) -> bool:
        """Tell a title-case headline ("Obama Says Museum Will Open"): verbs are capitalised."""
        if self.sentence.end - self.sentence.start > _REACH:
            return False
        words = self.text[self.sentence.start : self.sentence.end].split()
        capitalised = sum(word[:1].isupper() for word in words)
        return len(words) >= 3 and capitalised >= 0.6 * len(words)

    def _inverted(self, strict: bool = False, name: bool = False) -> Span | None:
        """Return the speaker after the verb ("said the minister").

        ``strict``: only a name or a determined noun phrase that ends its clause; ``name``:
        only a name (capitalised at both ends, not a day or a month).
        """
        after = self.after()
        speaker = _noun_phrase_after(after)
        if not strict or speaker is None:
            return speaker
        first = next(token for token in after if token.is_word)
        words = self.text[speaker.start : speaker.end].split()
        determined = first.text[0].isupper() or first.lower in ("the", "a", "an", "one", "another")
        said = self.word in ("said", "says")
        # "…, adds psychologist Mary Alvord"; after "told" the phrase is the listener.
        titled = self.word in ("said", "says", "added", "adds") and _titled_name(words)
        # "…, say officials.": the base form agrees only with a plural after it, which
        # ends the sentence or runs on into a place or a time ("say analysts at the bank");
        # not "for example" ("pick a number, say five", "a fruit, say apples, then…").
        plural = self.word == "say" and _is_plural(words[-1]) and self._ends_clause(speaker)
        if not determined and not titled and not plural:
            return None
        if self.text.endswith(("'s", "’s"), speaker.start, speaker.end):
            return None  # "said the president’s “…”": the owner of what was said
        if name:
            if not (words[0][0].isupper() and words[-1][0].isupper()):
                return None
            if words[0].lower() in AFTER_STOPS or words[0].lower() in MONTHS:
                return None  # "said Tuesday.", "said in October"
        following = [token for token in after if token.start >= speaker.end]
        if not following or not following[0].is_word or following[0].lower in TIME_WORDS:
            return speaker  # "…, said Lena Holt." / "…, said Lena Holt on Tuesday."
        if said and following[0].lower in SPEAKER_ENDS:
            return speaker  # "…, said Lena Holt in a statement." (not "told the story in")
        return None

    def _ends_clause(self, speaker: Span) -> bool:
        """Whether nothing but a place or a time follows ``speaker`` in its sentence."""
        following = next((token for token in self.after() if token.start >= speaker.end), None)
        if following is None:
            return True
        if following.is_word:
            return following.lower in TIME_WORDS or following.lower in SPEAKER_ENDS
        return following.text in ".!"

    def _appositive(self) -> Span | None:
        before = self.before(None)  # "Smith, who leads the group, has said": skip "has"
        return _before_appositive(before, _skip_auxiliaries(before, len(before) - 1))

    def _dashed_appositive(self) -> Span | None:
        before = self.before(None)
        closing = _skip_auxiliaries(before, len(before) - 1)
        while closing >= 0 and before[closing].text in DASHES:
            closing -= 1
        opening = closing
        while opening >= 0 and before[opening].text not in DASHES:
            opening -= 1
        while opening >= 0 and before[opening].text in DASHES:
            opening -= 1
        return _noun_phrase_before(before, opening) if opening >= 0 else None

    def _subject(self) -> Span | None:
        return _sentence_subject(self.before(None))

    def _subject_after_clause(self) -> Span | None:
        """The subject after an opening clause ("After saying it was safe, she left")."""
        end = min(self.sentence.end, self.verb.end + _REACH)
        tokens = _tokens(self.text, self.verb.end, end)
        comma = next((i for i, token in enumerate(tokens) if token.text == ","), None)
        if comma is None:
            return None
        start = comma + 1
        while start < len(tokens) and _is_closing(tokens[start]):
            start += 1
        return _sentence_subject(tokens[start:])


def _inside_quote(text: str, start: int, end: int) -> bool:
    """Tell whether a quotation is still open at the end of ``text[start:end]``.

    Decided by the last quote mark: “ (or ‘‘) opens and ” (or ’’, typed as two closing
    single quotes) closes; a straight " (or '') opens when a word follows it (not a space
    or punctuation). Counting would not do: a quote may open
    in an earlier sentence. Searched in place, without copying the (up to ``_REACH``)
    characters.
    """
    last = max(
        text.rfind("“", start, end),
        text.rfind("”", start, end),
        text.rfind('"', start, end),
        text.rfind("''", start, end),
        text.rfind("‘‘", start, end),
        text.rfind("’’", start, end),
    )
    if last < 0:
        return False
    mark = text[last]
    if mark in "“”‘’":
        return mark in "“‘"
    width = 2 if text.startswith("''", last, end) else 1
    following = text[last + width : min(last + width + 1, end)]
    # A straight quote before punctuation closes ('…an historic injustice", Netanyahu said').
    return bool(following) and not following.isspace() and following not in ",.;:!?)"


def _after_causative(tokens: list[_Token], last: int, speaker: Span) -> bool:
    """Whether the noun phrase ending at ``tokens[last]`` is the object of "made", "let"
    or "helped"."""
    while last >= 0 and tokens[last].start >= speaker.start:
        last -= 1
    return last >= 0 and tokens[last].lower in CAUSATIVES


def _is_author(speaker: str) -> bool:
    """The writer or the reader: "I", "we've", "you can't" (but "US" is a country), also
    after "like" ("Like we've been saying": the conjunction is no part of a speaker)."""
    words = speaker.split(maxsplit=2)
    first = words[1] if len(words) > 1 and words[0].lower() == "like" else words[0]
    return first != "US" and first.lower() in AUTHOR


def _skip_aside(tokens: list[_Token], index: int) -> int:
    """Step back over the comma or the dashed aside before a relative pronoun: "the
    study -- which", "the women -- about a dozen now -- who"."""
    if index >= 0 and tokens[index].text == ",":
        return index - 1
    if index < 0 or tokens[index].text not in DASHES:
        return index
    while index >= 0 and tokens[index].text in DASHES:
        index -= 1
    opening = index
    while opening >= 0 and tokens[opening].text not in DASHES:
        opening -= 1
    if opening < 0:
        return index  # a single dash: the noun phrase is right before it
    while opening >= 0 and tokens[opening].text in DASHES:
        opening -= 1
    return opening


def _ends_a_noun(tokens: list[_Token], index: int) -> bool:
    """Whether ``tokens[index]`` may end a noun phrase before a relative "that": a word,
    not a verb ("found that said property", "argued that said…") nor a clause word."""
    if index < 0 or not tokens[index].is_word:
        return False
    token = tokens[index]
    if token.lower in NOUN_PHRASE_STOPS or token.lower in PRONOUNS or token.lower in PREPOSITIONS:
        return False
    if token.lower in DETERMINERS or token.lower in VERB_STOPS or token.lower in THAT_VERBS:
        return False
    return token.text[0].isupper() or not token.lower.endswith(("ed", "ly"))


def _without_preposition(text: str, span: Span | None) -> Span | None:
    """Drop a preposition that opens ``span``: "are among the retailers who said" → "the
    retailers" (the verb before it ended the clause, not the noun phrase)."""
    if span is None:
        return None
    space = text.find(" ", span.start, span.end)
    if space < 0 or text[span.start : space].lower() not in PREPOSITIONS:
        return span
    return Span(space + 1, span.end)


def _after_last_preposition(text: str, span: Span | None) -> Span | None:
    """The part of ``span`` after its last preposition that follows a lower-case word and
    opens a determined or capitalised noun phrase: "extradition to the United States" →
    "the United States", "the head of the agency" → "the agency"; not in a name ("The
    Department of the Interior")."""
    if span is None:
        return None
    words = list(re.finditer(r"\S+", text[span.start : span.end]))
    for at in range(len(words) - 2, 0, -1):
        word, before, after = words[at].group(), words[at - 1].group(), words[at + 1].group()
        if word.lower() in PREPOSITIONS and before[:1].islower():
            if after.lower() in DETERMINERS or after[:1].isupper():
                return Span(span.start + words[at + 1].start(), span.end)
            return span
    return span


def _third_person(word: str) -> bool:
    """A verb's -s or a plural's ("prevents", "rules"), not "business" or "its": stricter
    than _is_plural, as it reads any word of a thing's name, not a speaker's last word."""
    return (
        word.endswith("s") and not word.endswith(("ss", "us", "is", "'s", "’s")) and len(word) > 3
    )


def _is_plural(word: str) -> bool:
    """A plural noun, roughly: "officials", "analysts", "people" (not "press", "five")."""
    word = word.lower()
    return (word.endswith("s") and not word.endswith("ss")) or word in ("people", "police")


def _is_word(token: _Token) -> bool:
    return token.is_word


def _is_closing(token: _Token) -> bool:
    return token.text in CLOSING or token.text == "''"


def _is_auxiliary(token: _Token) -> bool:
    """Tell auxiliaries and adverbs ("has", "also", "repeatedly") that sit before a verb."""
    if token.lower in AUXILIARIES or _negates(token):
        return True  # "haven't", "don’t", "cannot": "Officials haven't said" → Officials
    word = token.text
    # A capitalised word is a name there ("Kelly said", "Early says"), not an adverb.
    return word.endswith("ly") and len(word) > 4 and word[0].islower() and word not in NOT_ADVERBS


def _negates(token: _Token) -> bool:
    return token.lower in NEGATIONS or token.lower.endswith(("n't", "n’t"))


def _skip_auxiliaries(tokens: list[_Token], index: int) -> int:
    while index >= 0 and _is_auxiliary(tokens[index]) and not _ends_a_name(tokens, index):
        index -= 1
    return index


def _hypothetical(tokens: list[_Token], index: int) -> bool:
    """Whether the auxiliaries after ``index`` make the speech one no one gave: "may" or
    "might" ("others may argue that…", "China's leaders may still believe…") and "As …
    would say" (an idiom). Not "would" otherwise: "She would later say that…" reports what
    she said, and PolNeAR counts "Few people would have described him as…"."""
    words = [token.text for token in tokens[index + 1 :]]  # lower case: "Theresa May"
    if "may" in words or "might" in words:
        return True
    if "would" not in words:
        return False
    start = index  # back over the subject to "As", at the start of a clause
    while start >= 0 and tokens[start].is_word and tokens[start].lower != "as":
        if index - start == 4:
            return False
        start -= 1
    return (
        start >= 0
        and start < index
        and tokens[start].lower == "as"
        and (start == 0 or not tokens[start - 1].is_word)
    )


def _ends_a_name(tokens: list[_Token], index: int) -> bool:
    """A capitalised auxiliary after a capitalised word is a name: "Theresa May said",
    "Kelly Later said" (but "Now tell us" opens a sentence)."""
    return (
        tokens[index].text[0].isupper()
        and index > 0
        and tokens[index - 1].is_word
        and tokens[index - 1].text[0].isupper()
    )


def _determiner_in_name(tokens: list[_Token], index: int) -> bool:
    """A capitalised "An" or "Her" after a capitalised word is part of a name ("Tran An
    said", "Mai Her said"), not the start of a noun phrase ("An official said")."""
    return tokens[index].lower in NAME_DETERMINERS and _ends_a_name(tokens, index)


def _skip_parenthesis(tokens: list[_Token], index: int) -> int:
    if index < 0 or tokens[index].text != ")":
        return index
    opening = index
    while opening >= 0 and tokens[opening].text != "(":
        opening -= 1
    return opening - 1 if opening >= 0 else index


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    # Between two tokens there is only whitespace, so findall of (space, token) pairs gives
    # every offset by adding up lengths, without a Match object per token; tuple.__new__
    # skips the Python-level _Token.__new__. There are many tokens.
    make = tuple.__new__
    tokens = []
    position = start
    for space, word in _SPACED_TOKEN.findall(text, start, end):
        position += len(space)
        first = position
        position += len(word)
        tokens.append(
            make(_Token, (word, word.lower(), first, position, word[0].isalnum() or word[0] == "_"))
        )
    return tokens


def _span(tokens: list[_Token]) -> Span | None:
    """Return the span of ``tokens`` without punctuation (or a full stop) at either end."""
    words = [token for token in tokens if token.is_word]
    if not words:
        return None
    last = words[-1].text
    full_stop = last.endswith(".") and "." not in last[:-1] and len(last) > 3
    return Span(words[0].start, words[-1].end - full_stop)


def _noun_phrase_before(tokens: list[_Token], last: int) -> Span | None:
    """Return the noun phrase ending at ``tokens[last]``, back to its clause start.

    It stops at punctuation, clause words and forms of "be", and at a determiner that does
    not follow a preposition ("her gift to the women" → "the women"; but "the spokesman of
    the armed group" stays whole). Past a relative clause it takes the noun before "who"
    ("Two officials who declined to be named said" → "Two officials").
    """
    if tokens[last].lower in NOUN_PHRASE_STOPS:
        return None
    # "Defense Secretary Mark Esper on Wednesday accused", "Wells Fargo just this month
    # announced": the time is no part of the name.
    if last >= 2 and tokens[last].lower in WHEN and tokens[last - 1].lower in ("on", "in", "last"):
        last -= 2
    elif last >= 2 and tokens[last].lower in PERIODS and tokens[last - 1].lower in ("this", "last"):
        last = _skip_auxiliaries(tokens, last - 2)
        if last < 0:
            return None
    if tokens[last].lower in PRONOUNS and tokens[last].lower not in ("who", "one"):
        return _span(tokens[last : last + 1])  # "In a post at the time she wrote" → "she"
    first = last
    while first > 0 and last - first < _MAX_WORDS:
        token = tokens[first - 1]
        # "Smith and Jones said"; "Farmers in the valley and across the state say": "and"
        # before a preposition and a determiner joins two places of one speaker (not "and
        # in public remarks Trump said", a clause of its own).
        if token.lower == "and" and (
            _joins_names(tokens, first - 1) or _joins_places(tokens, first)
        ):
            first -= 1
            continue
        if token.lower == "to" and first > 1 and tokens[first - 2].lower == "according":
            break
        if token.text in ("who", "which"):
            before = tokens[first - 2] if first > 1 else None
            if before is None or before.lower in PREPOSITIONS:
                break  # "billboards in which people say": "people" is the subject
            return _noun_phrase_before(tokens, first - 2 - (before.text == ","))
        if not token.is_word or token.lower in NOUN_PHRASE_STOPS or token.text in VERB_STOPS:
            relative = _relative_pronoun(tokens, first - 1)
            if relative is not None:
                return _noun_phrase_before(tokens, relative)
            break
        first -= 1
        if (
            token.lower in DETERMINERS
            and first > 0
            and tokens[first - 1].lower not in PREPOSITIONS
            and not _determiner_in_name(tokens, first)
        ):
            break
    if first > 1 and tokens[first - 1].lower == "and" and last - first < 4:
        # "Police and fire officials said", "Mr. Smith and his wife said": one speaker.
        joined = _speaker_before_and(tokens, first - 2)
        if joined is not None:
            first = joined
    return _span(tokens[first : last + 1])


def _after_opening_adverbial(tokens: list[_Token], opens: bool = True) -> Span | None:
    """Return the speaker in a phrase that opens with an adverbial with no comma after it:
    "On Monday Mayor Ellen Dorsey", "In a statement Norvale Transit", "Last week officials".

    The speaker is the run of words at the end that are all capitalised (a name) or all
    not, back to a time, a document, a preposition or a determiner. When the phrase
    ``opens`` its clause, a preposition before the name has the place that follows it
    ("In London Smith" → Smith).
    """
    last = len(tokens) - 1
    name = tokens[last].text[0].isupper()
    start = last
    while start > 1:
        token = tokens[start - 1]
        if token.lower in ADVERBIAL_ENDS or not token.is_word:
            break
        if token.text[0].isupper() != name and token.lower not in NAME_PARTICLES:
            break
        start -= 1
    if opens and name and start > 1 and tokens[start - 1].lower == "new":  # "In New York"
        start -= 1
    if opens and name and start > 0 and tokens[start - 1].lower in PREPOSITIONS:
        start = _after_place(tokens, start)  # "In London Smith": London is where
    return _span(tokens[start:])


def _after_place(tokens: list[_Token], start: int) -> int:
    """Where the name starts in a run of capitalised words that a preposition opens: after
    the place ("In London | Smith said", "In New York | Smith", "In Dover City | Mayor
    Ellen Dorsey"); the name keeps at least its last word."""
    last = len(tokens) - 1
    end = start + 1 + (tokens[start].lower in PLACE_OPENERS and start + 1 < last)
    while end < last and tokens[end].lower in PLACE_NOUNS:
        end += 1
    return min(end, last)


def _speaker_before_and(tokens: list[_Token], last: int) -> int | None:
    """Return where a speaker of at most three words ending at ``tokens[last]`` (before
    "and") starts, if it opens its clause: "Police", "Local police", "Mr. Smith"; not "The
    bill passed" or "The mayor thanked police" (a clause of its own before "and").

    The speaker after "and" has at most four words (checked by the caller).
    """
    head = tokens[last]
    if not (head.text[0].isupper() or head.lower in PRONOUNS or SPEAKER_NOUNS.search(head.text)):
        return None
    phrase = _noun_phrase_before(tokens, last)
    if phrase is None:
        return None
    first = next(index for index in range(last, -1, -1) if tokens[index].start == phrase.start)
    while first < last and _is_auxiliary(tokens[first]):
        first += 1  # "and then state and local leaders": the adverb is no part of it
    if last - first >= 3:
        return None
    opens = first == 0 or not tokens[first - 1].is_word or tokens[first - 1].lower in CLAUSE_WORDS
    return first if opens else None


def _relative_pronoun(tokens: list[_Token], index: int) -> int | None:
    """Return where the noun before a relative clause ending at ``index`` ends, if any:
    "Officials who declined to be named", "The report which (or that) was released".

    Not at a comma, which ends the clause: "…, who lives on Mill Road, Harris said".
    """
    if tokens[index].text == "," or tokens[index].lower in JOINING:
        return None  # "The man who shot him fled, and police said": a subject of its own
    comma = False
    for back in range(index, max(-1, index - _RELATIVE_REACH), -1):
        token = tokens[back]
        if token.text == "who" and back > 0:
            return back - 1 - (back > 1 and tokens[back - 1].text == ",")
        if index - back >= 8 and (comma or not token.is_word):
            return None  # past the first eight words only "who" with no comma between
        # Only with a form of be, and before no comma: not "said that the plan was
        # flawed and critics said", nor "the plan, which was flawed, and critics said".
        relative = token.text in ("which", "that") and 0 < back < index and not comma
        if relative and tokens[back + 1].lower in BE:
            return back - 1
        if not token.is_word and token.text != ",":
            return None
        comma = comma or token.text == ","
    return None


def _joins_places(tokens: list[_Token], index: int) -> bool:
    """Whether a preposition and a determiner follow "and": "and across the state"."""
    return (
        index + 1 < len(tokens)
        and tokens[index].lower in PREPOSITIONS
        and tokens[index + 1].lower in DETERMINERS
    )


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
        if not token.is_word:
            if not phrase and (token.text in QUOTES or token.text == "''"):
                continue
            break
        if phrase and token.lower in AFTER_STOPS:
            break
        phrase.append(token)
        if len(phrase) >= _MAX_WORDS:
            break
    return _span(phrase)


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


def _before_appositive(tokens: list[_Token], comma: int) -> Span | None:
    """For ``X, the minister, said`` return X; for ``the director, Dr. Y, said`` return Y."""
    opening = comma - 1
    while opening >= 0 and tokens[opening].text not in ",(—–":
        opening -= 1
    if opening < 0:
        return None
    inside = tokens[opening + 1 : comma]
    if not _is_appositive(inside):
        return None
    while inside and inside[0].lower in ("known", "identified", "named", "called", "as"):
        inside = inside[1:]
    head = _noun_phrase_before(tokens, opening - 1) if opening > 0 else None
    # The capitalised appositive is the name unless a name stands before it: "the
    # director, Dr. Y, said" → Dr. Y; "Chris Tang, Hong Kong's police chief, said" and
    # "Sen. Ted Cruz, R-Texas, said" → the name before.
    named = bool(inside) and inside[0].text[:1].isupper() and inside[0].lower not in NOT_NAMES
    if head is None or not _is_name(tokens, head):
        # "Dylan Nelson, a fellow at the institute in Munich, Germany, said": the name that
        # opens the clause, before a longer appositive with commas of its own.
        clause = _clause_name(tokens, opening)
        if clause is not None:
            return clause
        if named:
            return _span(inside)
    return head or _span(inside)


CLAUSE_BREAKS = frozenset(".;:()—–") | QUOTES
NAME_PARTICLES = word_set("de da del della di du la le van von der den bin al el")
#: Where an opening adverbial ends before the subject ("On Monday | police said").
ADVERBIAL_ENDS = WHEN | PERIODS | DOCUMENTS | PREPOSITIONS | DETERMINERS | OPENERS
#: First words of places of two words ("New York", "Hong Kong") and the nouns after a
#: place's name ("Dover City"), where a preposition's object may run on.
PLACE_OPENERS = word_set(
    "new north south east west northern southern eastern western central upper lower san "
    "santa los las hong sri saudi united great st. saint tel abu buenos rio costa cape port"
)
PLACE_NOUNS = word_set("city county state province district island islands valley")
CONNECTIVES = word_set("moreover furthermore instead nevertheless nonetheless thus hence")


def _clause_name(tokens: list[_Token], opening: int) -> Span | None:
    """The name before the first comma of the clause, when an appositive follows it."""
    start = opening
    while start > 0 and tokens[start - 1].text not in CLAUSE_BREAKS:
        start -= 1
    first = next((i for i in range(start, opening) if tokens[i].text == ","), None)
    if first is None or first == start:
        return None
    after = tokens[first + 1]
    if not (after.lower in ("a", "an", "the") or after.text[0].islower()):
        return None
    words = [token for token in tokens[start:first] if token.is_word]
    if not words or words[0].lower in PREAMBLES or words[0].lower == "according":
        return None  # "According to AFP, …", "On Monday, …": no name
    if len(words) == 1 and (words[0].lower.endswith("ly") or words[0].lower in CONNECTIVES):
        return None  # "Separately, the director, Dr. Ann Yu, said": an adverb, no name
    if any(w.text[0].islower() and w.lower not in NAME_PARTICLES for w in words):
        return None
    span = _span(tokens[start:first])
    return span if span is not None and _is_name(tokens, span) else None


def _is_name(tokens: list[_Token], span: Span) -> bool:
    """A name: capitalised words at both ends, not opening with "The" or "He"."""
    words = [token for token in tokens if span.start <= token.start < span.end and token.is_word]
    return (
        bool(words)
        and words[0].text[0].isupper()
        and words[-1].text[0].isupper()
        and words[0].lower not in NOT_NAMES
    )


def _is_appositive(tokens: list[_Token]) -> bool:
    """Tell "the president" or "who spoke on condition…" from a clause ("the vote was held")."""
    if tokens and tokens[0].lower in ("who", "which", "speaking", "known", "identified"):
        return True
    if any(token.text in ("who", "which") for token in tokens):  # "a critic who is…"
        return len(tokens) <= 25
    return 0 < len(tokens) <= 25 and not any(token.lower in BE for token in tokens)


def _name_before(tokens: list[_Token], last: int) -> Span | None:
    """Return the run of capitalised words (or the pronoun) that ends at ``tokens[last]``."""
    if tokens[last].lower in PRONOUNS:
        return _span(tokens[last : last + 1])
    if tokens[last].lower in DETERMINERS or tokens[last].lower in NOT_NAMES:
        return None
    first = last + 1
    while first > 0 and tokens[first - 1].is_word and tokens[first - 1].text[0].isupper():
        first -= 1
    return _span(tokens[first : last + 1]) if first <= last else None


def _sentence_subject(tokens: list[_Token]) -> Span | None:
    """Return the subject at the start of a sentence (for ``…, saying …``).

    An opening adverbial ("In a statement on Monday, …") is skipped up to its comma.
    """
    start = 0
    if tokens and tokens[0].text.isupper() and len(tokens[0].text) > 1:  # "BUFFALO, N.Y. —"
        dash = next((i for i, t in enumerate(tokens[:8]) if t.text in "—–-"), None)
        start = 0 if dash is None else dash + 1
    for _ in range(3):
        if start < len(tokens) and tokens[start].lower in PREAMBLES:
            comma = next((i for i in range(start, len(tokens)) if tokens[i].text == ","), None)
            if comma is None:
                return None
            start = comma + 1
            # 'After saying it was “safe,” she left': the comma may sit inside the quote.
            while start < len(tokens) and _is_closing(tokens[start]):
                start += 1
    phrase: list[_Token] = []
    window = tokens[start : start + 6]
    for at, token in enumerate(window):
        if not token.is_word or token.lower in CLAUSE_WORDS:
            break
        if phrase and token.text[0].islower() and not _in_subject(window, at, phrase[-1]):
            break
        phrase.append(token)
    return _span(phrase)


def _in_subject(window: list[_Token], at: int, previous: _Token) -> bool:
    """Whether the lower-case ``window[at]`` goes on the subject that ``previous`` ends:
    after a determiner ("The company"), after a possessive and no verb ("Bolivia’s public
    defender’s office"), or a title before a name ("Wild coach Bruce Boudreau")."""
    if previous.lower in DETERMINERS:
        return True
    token = window[at]
    if previous.lower.endswith(("'s", "’s")) or (
        previous.text[0].islower() and any(t.lower.endswith(("'s", "’s")) for t in window[:at])
    ):
        verb = token.lower in AUXILIARIES or token.lower in BE or token.lower in VERB_STOPS
        return not verb and not token.lower.endswith("ed")
    following = window[at + 1] if at + 1 < len(window) else None
    word = token.lower
    verb = word.endswith("ed") or (word.endswith("s") and not word.endswith("ss"))
    return (
        not verb  # "Cruz exhorted Republicans", "Merrill says Machado"
        and word not in AUXILIARIES
        and previous.text[0].isupper()
        and following is not None
        and following.is_word
        and following.text[0].isupper()
        and token.lower not in NOT_TITLES
    )


def _titled_name(words: list[str]) -> bool:
    """Whether a phrase is a name after a lower-case title ("study co-author Ana Ruiz",
    "executive chair Marcelo Claure"), not a time ("earlier this week", "last Monday")."""
    title = list(itertools.takewhile(lambda word: not word[0].isupper(), words))
    name = words[len(title) :]
    if not title or len(title) > 3 or not name or any(not word[0].isupper() for word in name):
        return False  # "his company's failure of a merger with AOL"
    if name[-1].lower() in WHEN or name[-1].endswith(("'s", "’s")):
        return False
    titles = [word.lower() for word in title]
    return not any(word in NOT_TITLES or word.endswith(("'s", "’s")) for word in titles)


def _looks_like_subject(text: str, speaker: Span) -> bool:
    head = text[speaker.start : speaker.end].split()[-1]
    return head[0].isupper() or head.lower() in PRONOUNS or bool(SPEAKER_NOUNS.search(head))
