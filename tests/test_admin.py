"""The admin site: what it shows, and that it changes no claim's state behind the workflow."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import ingestion, tasks, workflow
from claims.models import Article, Claim, CuePattern, ReviewEvent, Verdict
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, rating, reviewed_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def adm():
    """The admin role as migration 0007 grants it, not a superuser."""
    return UserFactory(username="adm", role="admin", is_staff=True)


@pytest.fixture
def root():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def verdict_form(claim, reviewer, **fields) -> dict:
    data = {
        "claim": claim.pk,
        "rating": rating("true").pk,
        "summary": "Actually true.",
        "reviewer": reviewer.pk,
        "correction_note": "",
        "created_at_0": "2026-01-01",
        "created_at_1": "10:00:00",
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
    }
    return data | fields


# --- verdicts -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["adm", "root"])
def test_it_does_not_change_a_published_verdict(client, request, alice, erin, who):
    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    verdict = claim.verdict
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        f"/admin/claims/verdict/{verdict.pk}/change/",
        verdict_form(claim, alice, approver=erin.pk),
    )
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.summary == "Records show no such thing." and verdict.rating.slug == "false"


@pytest.mark.parametrize("who", ["adm", "root"])
def test_it_does_not_add_a_verdict(client, request, who):
    claim, user = ClaimFactory(), request.getfixturevalue(who)
    client.force_login(user)
    assert client.get("/admin/claims/verdict/add/").status_code == 403
    response = client.post("/admin/claims/verdict/add/", verdict_form(claim, user))
    assert response.status_code == 403
    assert not Verdict.objects.exists()
    client.logout()
    assert client.get(f"/reviews/{claim.pk}/").status_code == 404


def test_it_shows_a_verdict(client, adm, alice):
    verdict = reviewed_claim(alice).verdict
    client.force_login(adm)
    assert client.get("/admin/claims/verdict/").status_code == 200
    page = client.get(f"/admin/claims/verdict/{verdict.pk}/change/")
    assert page.status_code == 200 and b"Records show no such thing." in page.content
    assert b'name="summary"' not in page.content


def test_the_verdict_list_reads_the_newest_verdicts_through_an_index(alice):
    # Its order (newest first) sorted every verdict joined to its claim for each page:
    # 0.3-0.8 s over 29,000 verdicts and 1,000,000 claims.
    reviewed_claim(alice)
    if connection.vendor == "postgresql":  # a table this small is read whole otherwise
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    newest = Verdict.objects.select_related("claim").order_by("-created_at", "-id")[:100]
    assert "verdict_created" in newest.explain()


# --- claims ---------------------------------------------------------------------------------


def claim_form(**fields) -> dict:
    data = {
        "score": "0.6",
        "category": "attributed",
        "claim_reviewed": "",
        "status": "new",
        "priority": "0.5",
        "priority_bump": "0",
        "dismiss_reason": "",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
    }
    return data | fields


def test_it_changes_no_claims_state(client, adm, alice):
    claim = ClaimFactory()
    score, priority = claim.score, claim.priority
    client.force_login(adm)
    form = claim_form(
        status="reviewed",
        assignee=alice.pk,
        lease_expires_at_0="2026-01-01",
        lease_expires_at_1="10:00:00",
        dismiss_reason="Opinion.",
        priority="5",
        priority_bump="5",
        score="0.99",
        version="7",
        claim_reviewed="Dam burst",
    )
    response = client.post(f"/admin/claims/claim/{claim.pk}/change/", form)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.assignee, claim.lease_expires_at) == ("new", None, None)
    assert (claim.dismiss_reason, claim.version, claim.priority_bump) == ("", 1, 0)
    assert (claim.score, claim.priority) == (score, priority)
    assert claim.claim_reviewed == "Dam burst"  # the wording for ClaimReview stays editable
    # The edit is in the claim's history; nothing else the form sent is.
    event = ReviewEvent.objects.get(claim=claim)
    assert (event.action, event.actor, event.payload) == (
        "admin_edit",
        adm,
        {"claim_reviewed": ["", "Dam burst"]},
    )


def test_an_edit_in_the_admin_is_in_the_claims_history(client, adm):
    claim, covered = ClaimFactory(), ClaimFactory(text="The dam is safe.")
    client.force_login(adm)
    form = claim_form(category="disputed", claim_reviewed="Bridge reopens", covers=str(covered.pk))
    assert client.post(f"/admin/claims/claim/{claim.pk}/change/", form).status_code == 302

    event = ReviewEvent.objects.get(claim=claim)
    assert (event.action, event.actor) == ("admin_edit", adm)
    assert event.payload == {
        "category": ["attributed", "disputed"],
        "claim_reviewed": ["", "Bridge reopens"],
        "covers": [[], [covered.pk]],
    }
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "edited the claim in the admin" in page and "Attributed → Disputed" in page

    # Saved again unchanged: nothing more to record.
    form = claim_form(category="disputed", claim_reviewed="Bridge reopens", covers=str(covered.pk))
    assert client.post(f"/admin/claims/claim/{claim.pk}/change/", form).status_code == 302
    assert ReviewEvent.objects.filter(claim=claim).count() == 1


def test_detection_run_again_keeps_what_an_admin_set(client, adm):
    # Neither edit left a trace, so the claims counted as untouched: the category was set
    # back, and the claim whose wording an admin wrote was deleted with it.
    from claims import ingestion
    from claims.models import CuePattern

    article = ingestion.process_article(
        ingestion.submit_text(
            "The senator reportedly sold shares. Aides claimed the vote was rigged."
        ).article.pk
    )
    hedged = article.claims.get(text__startswith="The senator")
    claimed = article.claims.get(text__startswith="Aides")
    client.force_login(adm)
    for claim, fields in [
        (hedged, {"category": "disputed"}),
        (claimed, {"claim_reviewed": "Vote rigged"}),
    ]:
        form = claim_form(category=claim.category, claim_reviewed="") | fields
        assert client.post(f"/admin/claims/claim/{claim.pk}/change/", form).status_code == 302
    CuePattern.objects.filter(text__iexact="claimed").update(enabled=False)
    CuePattern.objects.filter(text__iexact="reportedly").update(weight=0.95)

    ingestion.redetect(article)

    hedged.refresh_from_db()
    assert hedged.category == "disputed"
    assert Claim.objects.get(pk=claimed.pk).claim_reviewed == "Vote rigged"


def test_it_sets_no_verdict_on_a_claim(client, adm, alice):
    claim = ClaimFactory()
    made_up = Verdict.objects.create(
        claim=claim, rating=rating("false"), summary="Made up.", reviewer=alice
    )
    client.force_login(adm)
    form = claim_form(verdict=made_up.pk, status="published")
    response = client.post(f"/admin/claims/claim/{claim.pk}/change/", form)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.verdict, claim.status) == (None, "new")


def test_it_adds_changes_and_removes_no_evidence(client, adm, alice):
    claim = reviewed_claim(alice)
    evidence = claim.evidence.get()
    client.force_login(adm)
    form = claim_form(
        **{
            "evidence-TOTAL_FORMS": "2",
            "evidence-INITIAL_FORMS": "1",
            "evidence-0-id": evidence.pk,
            "evidence-0-claim": claim.pk,
            "evidence-0-url": "https://elsewhere.example.org/",
            "evidence-0-stance": "supports",
            "evidence-0-added_by": alice.pk,
            "evidence-0-DELETE": "on",
            "evidence-1-claim": claim.pk,
            "evidence-1-url": "https://new.example.org/",
            "evidence-1-stance": "refutes",
            "evidence-1-added_by": alice.pk,
        }
    )
    response = client.post(f"/admin/claims/claim/{claim.pk}/change/", form)
    assert response.status_code == 302
    assert list(claim.evidence.values_list("pk", "url")) == [(evidence.pk, evidence.url)]
    page = client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()
    assert evidence.url in page and 'name="evidence-0-url"' not in page


# --- articles -------------------------------------------------------------------------------


def test_the_article_list_leaves_out_the_bodies(client, root):
    ArticleFactory(title="Dam holds", raw_html="<p>The dam holds.</p>", entry_text="Holds.")
    client.force_login(root)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/claims/article/")
    assert page.status_code == 200 and b"Dam holds" in page.content
    listing = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "claims_article"' in q["sql"] and "COUNT(" not in q["sql"]
    ]
    body_columns = [f'"claims_article"."{name}"' for name in Article.BODY_FIELDS]
    assert listing and not [sql for sql in listing for col in body_columns if col in sql]


def test_an_article_still_opens_with_its_text(client, root):
    article = ArticleFactory()
    client.force_login(root)
    page = client.get(f"/admin/claims/article/{article.pk}/change/")
    assert article.text[:40].encode() in page.content


# --- users ----------------------------------------------------------------------------------


def test_a_user_who_acted_is_not_deleted(client, root, alice, erin):
    claim = workflow.claim_assign(claim=ClaimFactory(), assignee=alice, actor=erin)
    workflow.evidence_add(claim=claim, actor=alice, url="https://e.org/x", stance="refutes")
    workflow.claim_release(claim=claim, actor=alice)
    client.force_login(root)
    page = client.get(f"/admin/auth/user/{alice.pk}/delete/")
    assert b"Cannot delete user" in page.content and b"deactivate them" in page.content
    client.post(f"/admin/auth/user/{alice.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=alice.pk).exists()
    event = ReviewEvent.objects.get(claim=claim, action="evidence_add")
    assert event.actor == alice and claim.evidence.get().added_by == alice


def test_a_user_holding_a_claim_is_not_deleted(client, root, alice, erin):
    # Assigned by an editor: the claim's events name erin, not alice.
    claim = workflow.claim_assign(claim=ClaimFactory(), assignee=alice, actor=erin)
    client.force_login(root)
    page = client.get(f"/admin/auth/user/{alice.pk}/delete/")
    assert claim.text[:40].encode() in page.content and b"deactivate them" in page.content
    client.post(f"/admin/auth/user/{alice.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=alice.pk).exists()
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == ("in_review", alice)


def test_a_user_who_never_acted_is_deleted(client, root, alice):
    client.force_login(root)
    response = client.post(f"/admin/auth/user/{alice.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()


# --- list filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, query",
    [
        # In UTC these are in the year 10000 and the year 0, which no datetime holds.
        ("claims/apitoken", "created__gte=9999-12-31T23:59:59-14:00"),
        ("claims/apitoken", "created__lt=0001-01-01 00:00:00%2B14:00"),
        ("claims/reviewevent", "created_at__gte=9999-12-31T23:59:59-14:00"),
        ("auth/user", "date_joined__lt=0001-01-01T00:00:00%2B14:00"),
        ("auth/user", "date_joined__in=2026-01-01,9999-12-31T23:59:59-14:00"),
        # PostgreSQL takes offsets up to ±15:59; ISO 8601 allows ±23:59.
        ("auth/user", "date_joined__gte=2026-01-01T00:00:00%2B20:00"),
        ("claims/apitoken", "created__lt=2026-01-01T00:00:00-16:30"),
    ],
)
def test_a_date_filter_out_of_range_is_refused(client, root, model, query):
    client.force_login(root)
    response = client.get(f"/admin/{model}/", QUERY_STRING=query)
    assert response.status_code == 302 and response["Location"] == f"/admin/{model}/"
    assert b"That filter was not valid" in client.get(response["Location"]).content


def test_a_date_filter_in_range_still_filters(client, root, alice):
    client.force_login(root)
    page = client.get("/admin/auth/user/", {"date_joined__gte": "2000-01-01T00:00:00-14:00"})
    assert page.status_code == 200 and b"alice" in page.content
    page = client.get("/admin/auth/user/", {"date_joined__lt": "2000-01-01T00:00:00+14:00"})
    assert page.status_code == 200 and b"alice" not in page.content


# --- deleting -------------------------------------------------------------------------------


def verdicts_on(claim, count: int, reviewer) -> None:
    Verdict.objects.bulk_create(
        Verdict(claim=claim, rating=rating("false"), summary="Made up.", reviewer=reviewer)
        for _ in range(count)
    )


def test_the_delete_page_names_verdicts_without_a_query_each(client, root, alice):
    few, many = ClaimFactory(), ClaimFactory()
    verdicts_on(few, 1, alice)
    verdicts_on(many, 30, alice)
    client.force_login(root)
    counts = []
    for claim in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/admin/claims/claim/{claim.pk}/delete/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("model", ["article", "claim"])
@pytest.mark.parametrize("bulk", [False, True])
def test_claims_taken_since_the_delete_page_opened_are_not_deleted(
    client, root, alice, model, bulk
):
    claim = ClaimFactory()
    target = claim.article if model == "article" else claim
    client.force_login(root)
    if bulk:
        form = {"action": "delete_selected", "_selected_action": [target.pk]}
        page = client.post(f"/admin/claims/{model}/", form)
    else:
        page = client.get(f"/admin/claims/{model}/{target.pk}/delete/")
    assert page.status_code == 200 and b"Cannot delete" not in page.content
    workflow.claim_take(claim=claim, reviewer=alice)  # while the admin reads the page

    if bulk:
        response = client.post(f"/admin/claims/{model}/", form | {"post": "yes"}, follow=True)
    else:
        url = f"/admin/claims/{model}/{target.pk}/delete/"
        response = client.post(url, {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert "being reviewed" in response.content.decode()
    assert "Nothing was deleted" in response.content.decode()
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == ("in_review", alice)


@pytest.mark.parametrize("model", ["article", "claim"])
@pytest.mark.parametrize("bulk", [False, True])
def test_claims_nobody_touched_are_deleted(client, root, model, bulk):
    claim = ClaimFactory()
    target = claim.article if model == "article" else claim
    client.force_login(root)
    if bulk:
        form = {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"}
        response = client.post(f"/admin/claims/{model}/", form)
    else:
        response = client.post(f"/admin/claims/{model}/{target.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert Article.objects.filter(pk=claim.article_id).exists() == (model == "claim")


def test_a_verdict_is_named_without_a_query(alice, django_assert_num_queries):
    verdict = Verdict.objects.get(pk=reviewed_claim(alice).verdict_id)
    with django_assert_num_queries(0):
        assert str(verdict) == f"Verdict {verdict.pk} on claim {verdict.claim_id}"


@pytest.mark.parametrize("model", ["claim", "reviewevent"])
def test_a_filtered_admin_list_of_claims_or_events_does_not_count_the_whole_table(
    client, root, model
):
    # Each filtered page also counted every row of the table (55-95 ms over 1,000,000).
    claim = ClaimFactory()
    workflow.claim_bump(claim=claim, actor=UserFactory(username="ed", role="editor"), amount=1)
    client.force_login(root)
    field = {"claim": "status__exact=new", "reviewevent": "action__exact=bump"}[model]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/admin/claims/{model}/?{field}").status_code == 200
    table = f'"claims_{model}"'
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and table in q["sql"]]
    assert counts and all("WHERE" in sql for sql in counts), counts


# --- the cue lexicon ------------------------------------------------------------------------


def cue_form(text: str, **fields) -> dict:
    data = {"text": text, "category": "hedged", "weight": "0.9", "kind": "phrase"}
    return data | {"enabled": "on", "note": ""} | fields


@pytest.mark.parametrize(
    "text", ["...", "the ...", "{Name}", "{Name} {Name}", "a", "(.*)+", "[", "'", "-", "."]
)
def test_it_refuses_a_cue_pattern_that_cannot_work_as_a_cue(client, adm, text):
    client.force_login(adm)
    response = client.post("/admin/claims/cuepattern/add/", cue_form(text))
    assert response.status_code == 200
    assert "cannot work as a cue" in response.content.decode()
    assert not CuePattern.objects.filter(text=text).exists()


def test_it_adds_a_usable_cue_pattern(client, adm):
    client.force_login(adm)
    response = client.post("/admin/claims/cuepattern/add/", cue_form("{Name} muttered"))
    assert response.status_code == 302
    assert CuePattern.objects.filter(text="{Name} muttered").exists()


def test_a_pattern_saved_before_the_rule_can_still_be_disabled(client, adm):
    row = CuePattern.objects.create(text="...", category="hedged", weight=0.9)
    client.force_login(adm)
    data = cue_form("...", weight="0.9")
    data.pop("enabled")
    response = client.post(f"/admin/claims/cuepattern/{row.pk}/change/", data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert not row.enabled


LEXICON_NOTE = "keep their claims until detection runs again"


def hedged_article(text: str = "The video was purportedly filmed in May.") -> Article:
    return ingestion.process_article(ingestion.submit_text(text).article.pk)


def test_it_says_what_a_new_cue_means_for_stored_articles(client, adm):
    client.force_login(adm)
    response = client.post(
        "/admin/claims/cuepattern/add/", cue_form("{Name} muttered"), follow=True
    )
    page = response.content.decode()
    assert LEXICON_NOTE in page
    assert "manage.py redetect --all" in page and "/admin/claims/cuepattern/redetect/" in page


def test_it_says_what_disabling_a_cue_in_the_list_means(client, adm):
    row = CuePattern.objects.get(text__iexact="purportedly")
    client.force_login(adm)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(row.pk),
        "form-0-weight": str(row.weight),
        "_save": "Save",
    }
    response = client.post(f"/admin/claims/cuepattern/?q={row.text}", data, follow=True)
    assert not CuePattern.objects.get(pk=row.pk).enabled
    assert response.content.decode().count(LEXICON_NOTE) == 1


def test_it_says_what_deleting_a_cue_means(client, adm):
    row = CuePattern.objects.get(text__iexact="purportedly")
    client.force_login(adm)
    response = client.post(
        f"/admin/claims/cuepattern/{row.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert not CuePattern.objects.filter(pk=row.pk).exists()
    assert LEXICON_NOTE in response.content.decode()


def test_detecting_again_in_all_articles_is_for_who_edits_the_lexicon(client, adm, ed):
    client.force_login(adm)
    assert (
        "Detect again in all articles" in client.get("/admin/claims/cuepattern/").content.decode()
    )
    assert client.get("/admin/claims/cuepattern/redetect/").status_code == 200
    ed.is_staff = True
    ed.save()
    client.force_login(ed)  # an editor sees the lexicon, and does not change it
    page = client.get("/admin/claims/cuepattern/").content.decode()
    assert "Detect again in all articles" not in page
    assert client.get("/admin/claims/cuepattern/redetect/").status_code == 403
    assert client.post("/admin/claims/cuepattern/redetect/").status_code == 403


def test_it_detects_again_in_all_articles_here_without_a_task_queue(client, adm):
    article = hedged_article()
    CuePattern.objects.filter(text__iexact="purportedly").update(enabled=False)
    client.force_login(adm)
    page = client.get("/admin/claims/cuepattern/redetect/").content.decode()
    assert "1 processed article" in page
    response = client.post("/admin/claims/cuepattern/redetect/", follow=True)
    assert not article.claims.exists()
    assert "Detected again in all 1 processed article here" in response.content.decode()


def test_detecting_again_here_goes_on_past_an_article_that_fails(client, adm, monkeypatch):
    # One failing article was a 500, and what had been done was not said.
    first = hedged_article()
    second = hedged_article("The well was purportedly poisoned in June.")
    CuePattern.objects.filter(text__iexact="purportedly").update(enabled=False)
    redetect = ingestion.redetect

    def fails_at_the_first(article):
        if article.pk == first.pk:
            raise ValueError("a pattern the lexicon cannot read")
        return redetect(article)

    monkeypatch.setattr(ingestion, "redetect", fails_at_the_first)
    client.force_login(adm)
    response = client.post("/admin/claims/cuepattern/redetect/", follow=True)
    assert response.status_code == 200 and not second.claims.exists()
    page = response.content.decode()
    assert "Detected again in 1 of 2 processed articles" in page
    assert f"Article {first.pk} failed (ValueError: a pattern the lexicon cannot read)" in page


def test_detecting_again_here_stops_at_its_time_limit_and_says_how_to_go_on(
    client, adm, monkeypatch
):
    from claims.admin import CuePatternAdmin

    first = hedged_article()
    second = hedged_article("The well was purportedly poisoned in June.")
    CuePattern.objects.filter(text__iexact="purportedly").update(enabled=False)
    monkeypatch.setattr(CuePatternAdmin, "redetect_seconds", 0)
    client.force_login(adm)
    page = client.post("/admin/claims/cuepattern/redetect/", follow=True).content.decode()
    assert not first.claims.exists() and second.claims.exists()
    assert "1 of 2 processed articles" in page
    assert f"redetect/?after={first.pk}" in page and "manage.py redetect --all" in page
    client.post(f"/admin/claims/cuepattern/redetect/?after={first.pk}")
    assert not second.claims.exists()


def test_it_queues_detection_in_batches_with_a_task_queue(client, adm, settings, monkeypatch):
    from claims.admin import CuePatternAdmin

    articles = [hedged_article(f"The well {n} was purportedly poisoned.") for n in range(3)]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.redetect_articles, "delay", queued.append)
    monkeypatch.setattr(CuePatternAdmin, "redetect_batch_size", 2)
    client.force_login(adm)
    page = client.post("/admin/claims/cuepattern/redetect/", follow=True).content.decode()
    assert queued == [[articles[0].pk, articles[1].pk], [articles[2].pk]]
    assert "Queued 3 processed articles in 2 batches" in page


def test_it_says_when_the_task_queue_cannot_be_reached(client, adm, settings, monkeypatch):
    from kombu.exceptions import OperationalError

    hedged_article()
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def unreachable(batch):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.redetect_articles, "delay", unreachable)
    client.force_login(adm)
    response = client.post("/admin/claims/cuepattern/redetect/", follow=True)
    assert response.status_code == 200
    assert "task queue could not be reached" in response.content.decode()


TRY_TEXT = "The mayor muttered the dam was safe. The river rose. Rebels said the dam had burst."


def test_the_cue_pattern_form_has_a_try_it_box(client, adm):
    row = CuePattern.objects.get(text__iexact="purportedly")
    client.force_login(adm)
    for url in ["/admin/claims/cuepattern/add/", f"/admin/claims/cuepattern/{row.pk}/change/"]:
        page = client.get(url).content.decode()
        assert 'name="try_text"' in page and "/admin/claims/cuepattern/try/" in page


def test_trying_a_pattern_shows_the_sentences_it_would_flag_without_saving_it(client, adm):
    client.force_login(adm)
    data = cue_form("muttered", category="attributed", weight="0.6", kind="phrase")
    response = client.post("/admin/claims/cuepattern/try/", data | {"try_text": TRY_TEXT})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The mayor muttered the dam was safe." in page and "newly flagged" in page
    assert "Rebels said the dam had burst." in page  # flagged with or without it
    assert "The river rose." not in page
    assert "0.6" in page and "attributed" in page
    assert not CuePattern.objects.filter(text="muttered").exists()


def test_trying_a_changed_pattern_replaces_the_saved_one(client, adm):
    row = CuePattern.objects.get(text__iexact="purportedly")
    client.force_login(adm)
    data = cue_form(row.text, category=row.category, weight="0.2", kind=row.kind)
    text = "The video was purportedly filmed in May."
    response = client.post(
        f"/admin/claims/cuepattern/try/?instead_of={row.pk}", data | {"try_text": text}
    )
    page = response.content.decode()
    assert "0.2" in page and f"{row.weight:g} → 0.2" in page


def test_trying_a_pattern_that_cannot_work_says_why(client, adm):
    client.force_login(adm)
    response = client.post(
        "/admin/claims/cuepattern/try/", cue_form("...") | {"try_text": TRY_TEXT}
    )
    assert "cannot work as a cue" in response.content.decode()


def test_trying_a_pattern_is_for_who_edits_the_lexicon(client, ed):
    ed.is_staff = True
    ed.save()
    client.force_login(ed)
    response = client.post(
        "/admin/claims/cuepattern/try/", cue_form("muttered") | {"try_text": TRY_TEXT}
    )
    assert response.status_code == 403


def test_a_cue_pattern_lists_the_claims_it_flagged(client, adm):
    hedged = hedged_article().claims.get()
    said = hedged_article("Officials said the dam was safe.").claims.get()
    row = CuePattern.objects.get(text__iexact="purportedly")
    client.force_login(adm)
    assert (
        f"/admin/claims/cuepattern/{row.pk}/claims/"
        in client.get(f"/admin/claims/cuepattern/{row.pk}/change/").content.decode()
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/admin/claims/cuepattern/{row.pk}/claims/").content.decode()
    assert hedged.text in page and said.text not in page
    assert f"/claims/{hedged.pk}/" in page
    # Each candidate brought its article's page along (3.6 GB for 20,000 candidates).
    assert not [q["sql"] for q in queries.captured_queries if "raw_html" in q["sql"]]


def test_the_claims_of_a_pattern_with_a_gap_or_a_name_are_found_too(client, adm):
    claim = hedged_article("The army rejected the rebels' latest claims.").claims.get()
    row = CuePattern.objects.get(text="rejected the ... claims")
    client.force_login(adm)
    page = client.get(f"/admin/claims/cuepattern/{row.pk}/claims/").content.decode()
    assert claim.text.replace("'", "&#x27;") in page


def test_an_editor_sees_the_claims_a_cue_flagged(client, ed):
    claim = hedged_article().claims.get()
    row = CuePattern.objects.get(text__iexact="purportedly")
    ed.is_staff = True
    ed.save()
    client.force_login(ed)
    page = client.get(f"/admin/claims/cuepattern/{row.pk}/claims/").content.decode()
    assert claim.text in page


def test_a_job_holding_a_file_opens_in_the_admin_without_it(client, root):
    from claims.models import IngestionJob

    job = IngestionJob.objects.create(
        kind="bulk", total=1, lines='{"url": "https://secret.example/x"}'
    )
    client.force_login(root)
    assert b"secret.example" not in client.get("/admin/claims/ingestionjob/").content
    page = client.get(f"/admin/claims/ingestionjob/{job.pk}/change/")
    assert page.status_code == 200 and b"secret.example" not in page.content
