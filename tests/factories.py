from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User

from claims.models import Article, Claim, Evidence, Feed, Rating


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        self.save()


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed

    url = factory.Sequence(lambda n: f"https://news.example.org/feed/{n}.xml")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    title = factory.Sequence(lambda n: f"Story {n}")
    text = factory.Sequence(
        lambda n: f"The mayor said the bridge would reopen, story {n}. Nothing else happened."
    )
    content_hash = factory.Sequence(lambda n: f"{n:064d}")
    status = Article.Status.PROCESSED
    origin = Article.Origin.TEXT


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    text = "The mayor said the bridge would reopen."
    start = 0
    end = factory.LazyAttribute(lambda c: len(c.text))
    score = 0.6
    priority = factory.Sequence(lambda n: 0.5 + n * 1e-6)
    category = Claim.Category.ATTRIBUTED
    cues = factory.LazyAttribute(
        lambda c: [{"text": "said", "start": 10, "end": 14, "category": "attributed"}]
    )
    speaker = "The mayor"
    fingerprint = factory.Sequence(lambda n: f"fp{n}")


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    url = "https://records.example.org/bridge"
    stance = Evidence.Stance.REFUTES


def rating(slug: str = "false") -> Rating:
    return Rating.objects.get(slug=slug)


def reviewed_claim(reviewer, rating_slug: str = "false") -> Claim:
    """A claim assigned to `reviewer`, with evidence and a submitted verdict."""
    from claims import workflow

    claim = workflow.claim_assign(
        claim=ClaimFactory(),
        assignee=reviewer,
        actor=UserFactory(username="chief", role="editor"),
    )
    EvidenceFactory(claim=claim)
    claim = workflow.verdict_set(
        claim=claim,
        rating=rating(rating_slug),
        summary="Records show no such thing.",
        version=claim.version,
        actor=reviewer,
    )
    return workflow.claim_submit(claim=claim, actor=reviewer)
