"""Generate a news-like corpus for the detection benchmarks.

Paragraphs mix plain reporting sentences with sentences that carry a cue (attribution,
hedging, disclaimers, anonymous sources, denials) in roughly the proportion of wire copy:
about 30% of sentences carry a cue. Sentences are assembled from many templates and slot
fillers, with abbreviations, numbers, quotes, headline lines and page chrome mixed in, so
neither the splitter nor the matcher gets an artificially easy ride.
"""

from __future__ import annotations

import random

PEOPLE = [
    "Volodymyr Zelenskyy",
    "Maria Alvarez",
    "Gen. Mark Milley",
    "Dr. Aisha Bello",
    "John O'Neill",
    "Sen. Elizabeth Warren",
    "Li Wei",
    "Pierre Dupont",
    "Sarah Huckabee Sanders",
    "Kofi Mensah",
    "Ana Ribeiro",
    "Rep. Tom Cole",
]
PRONOUNS = ["He", "She", "They"]
GROUPS = [
    "the ministry",
    "the fighters",
    "RIA Novosti",
    "the police department",
    "a spokesman for the armed group",
    "the company",
    "the U.S. Embassy",
    "local officials",
    "the state health agency",
    "Reuters",
    "the prime minister's office",
    "the campaign",
]
PLACES = [
    "Kyiv",
    "Washington",
    "the Gaza Strip",
    "St. Louis",
    "Lagos",
    "the northern province",
    "Mt. Vernon",
    "Ohio",
    "the border region",
    "Brussels",
]
THINGS = [
    "the budget",
    "the ceasefire",
    "the new tariffs",
    "the vaccine rollout",
    "the bridge repairs",
    "the election results",
    "the merger",
    "the evacuation",
    "the drought relief plan",
    "the trade talks",
]
VERBS = ["said", "told reporters", "wrote on X", "added", "noted", "warned", "announced", "argued"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "on Saturday", "last week"]

PLAIN = [
    "{place} has been under curfew since {day}.",
    "The vote on {thing} is scheduled for 9 a.m. on {day}.",
    "About {n},000 people live in {place}, most of them farmers.",
    "Prices rose {n}.{m}% in the year to October, the fastest pace since 2008.",
    "{thing_c} was first proposed in {year} and has been revised twice since.",
    "Traffic was diverted around {place} for several hours.",
    "The U.S. and the E.U. have both imposed sanctions on the firm.",
    "Schools in {place} reopened after a {n}-day closure.",
    "Rescue teams worked through the night in freezing rain.",
    "The report runs to {n}0 pages and includes {m} annexes.",
    "Shares in the company fell {n}% in early trading in New York.",
    "The meeting ended without a joint statement.",
    "{person} arrived in {place} on a two-day visit.",
    "Construction on {thing} began in {year} at a cost of ${n}.{m} billion.",
    "Turnout was lower than in {year}, when {n}{m}% of voters took part.",
    "The river burst its banks near {place} after days of heavy rain.",
    "Dozens of shops stayed closed along the main road into {place}.",
    "A second round of talks is expected later this month.",
    "The agency employs about {n},{m}00 staff across {n} regional offices.",
    "Power was restored to most homes in {place} by {day}.",
    "Officials in {place} opened three new shelters for displaced families.",
    "Dr. Bello's team published its findings in the Lancet in {year}.",
    "The convoy left {place} at dawn and reached the border by noon.",
    "Inflation has eased, but food prices remain well above pre-pandemic levels.",
]
CUED = [
    '"We will not accept {thing}," {person} said.',
    "{person} said {day} that {thing} would go ahead as planned.",
    "{group_c} said the attack killed at least {n} people.",
    '"The situation in {place} is stable," said {group}.',
    "According to {group}, {thing} will cost more than expected.",
    "{person} told reporters that the talks had stalled.",
    "A video purportedly showing the strike on {place} circulated online.",
    "The fighters allegedly seized two villages near {place}.",
    "{person} is believed to have left {place} {day}.",
    "The claims could not be independently verified.",
    "CBS News cannot independently verify the group's claims.",
    "A person familiar with the matter said the deal was close.",
    "Two officials, who spoke on condition of anonymity, described {thing} as doomed.",
    "Sources said the minister would resign.",
    "{person} denied the allegations in a statement.",
    "The company rejected the claims, calling them baseless.",
    "{pronoun} added that {thing} was not negotiable.",
    "{group_c} reportedly delayed {thing} until next year.",
    "{person}, the foreign minister, said the border would stay closed.",
    "In a post on X, {person} wrote that {thing} was a mistake.",
    "The report has not been verified by independent experts.",
    "People briefed on the talks said {thing} was unlikely to pass.",
    "The ministry disputed the figures.",
    "{group_c} was unable to confirm the number of casualties.",
]
HEADLINES = [
    "{thing_c} delayed again as talks stall",
    "What we know about {thing}",
    "{place} braces for more rain, forecasters say",
    "Live updates: {thing}",
]
CHROME = [
    "Advertisement",
    "Read more",
    "Share this article",
    "veryGood! ({n}{m}41)",
    "View Date: 2024-0{m}-1{n}",
    "- In: - {place_t}",
    "Sign up for our daily newsletter",
]


def _fill(template: str, rng: random.Random) -> str:
    thing = rng.choice(THINGS)
    group = rng.choice(GROUPS)
    place = rng.choice(PLACES)
    return template.format(
        person=rng.choice(PEOPLE),
        pronoun=rng.choice(PRONOUNS),
        group=group,
        group_c=group[0].upper() + group[1:],
        place=place,
        place_t=place.title(),
        thing=thing,
        thing_c=thing[0].upper() + thing[1:],
        day=rng.choice(DAYS),
        n=rng.randint(1, 9),
        m=rng.randint(0, 9),
        year=rng.randint(1995, 2024),
        verb=rng.choice(VERBS),
    )


def paragraph(rng: random.Random, cue_share: float = 0.3) -> str:
    """Return one paragraph of 2-6 sentences, each carrying a cue with `cue_share` odds."""
    sentences = []
    for _ in range(rng.randint(2, 6)):
        pool = CUED if rng.random() < cue_share else PLAIN
        sentences.append(_fill(rng.choice(pool), rng))
    return " ".join(sentences)


def article(rng: random.Random, cue_share: float = 0.3) -> str:
    """Return a headline, 4-10 paragraphs and, sometimes, a little page chrome."""
    parts = [_fill(rng.choice(HEADLINES), rng)]
    parts += [paragraph(rng, cue_share) for _ in range(rng.randint(4, 10))]
    if rng.random() < 0.3:
        parts.append(_fill(rng.choice(CHROME), rng))
    return "\n\n".join(parts)


def corpus(min_bytes: int, seed: int = 20261130, cue_share: float = 0.3) -> str:
    """Return articles joined by blank lines until the text is at least `min_bytes` long."""
    rng = random.Random(seed)
    articles: list[str] = []
    size = 0
    while size < min_bytes:
        text = article(rng, cue_share)
        articles.append(text)
        size += len(text.encode()) + 2
    return "\n\n".join(articles)
