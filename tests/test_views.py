"""The dashboard pages: access by role, the review flow, conflicts, and escaping."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from claims import ingestion, tasks, workflow
from claims.models import Article, Claim, Evidence, Feed, IngestionJob, ReviewEvent
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    FeedFactory,
    UserFactory,
    rating,
    reviewed_claim,
)

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"
XSS_TEXT = (
    "Officials said <script>window.__xss=1</script> the dam was safe. "
    'Rebels claimed <img src=x onerror="window.__xss=1"> the dam had burst, '
    "but this could not be independently verified."
)


def client_for(client, user):
    client.force_login(user)
    return client


def taken_by(user, **kwargs) -> Claim:
    claim = ClaimFactory(**kwargs)
    return workflow.claim_assign(
        claim=claim, assignee=user, actor=UserFactory(username="chief", role="editor")
    )


# --- access ---------------------------------------------------------------------------------

DESK_PAGES = [
    ("dashboard", []),
    ("queue", []),
    ("articles", []),
    ("article-add", []),
    ("feeds", []),
]


@pytest.mark.parametrize(("name", "args"), DESK_PAGES)
def test_it_sends_anonymous_users_to_the_login_page(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_it_sends_anonymous_users_from_a_claim_to_login(client):
    claim = ClaimFactory()
    response = client.get(reverse("claim-review", args=[claim.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/claims/{claim.pk}/"


def test_it_refuses_anonymous_posts(client):
    claim = ClaimFactory()
    response = client.post(reverse("take-next"))
    assert response.status_code == 302
    assert client.post(reverse("claim-action", args=[claim.pk, "dismiss"])).status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW


def test_it_logs_in_and_lands_on_the_dashboard(client, alice):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in page.content
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_it_shows_an_error_for_a_wrong_password(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_it_logs_out_with_a_post(client, alice):
    client_for(client, alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_login_page_says_the_user_is_logged_out(client, alice):
    client_for(client, alice)
    page = client.post(reverse("logout"), follow=True)
    assert page.request["PATH_INFO"] == reverse("login")
    assert '<p class="message message-info">You are logged out.</p>' in page.content.decode()
    assert b"logged out" not in client.get(reverse("login")).content  # said once


def test_it_asks_before_logging_out_on_a_get(client, alice):
    # Typed into the address bar, /logout/ was a blank 405: no way to log out from there.
    client_for(client, alice)
    response = client.get(reverse("logout"))
    assert response.status_code == 200
    main = response.content.decode().split('<main id="main"')[1]  # not the header's button
    assert f'<form method="post" action="{reverse("logout")}"' in main and "Log out" in main
    assert client.get(reverse("dashboard")).status_code == 200  # still logged in


def test_it_sends_a_get_of_logout_to_the_login_page_when_logged_out(client):
    response = client.get(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_it_gives_users_without_a_role_a_clear_403(client):
    client_for(client, UserFactory(username="nobody"))
    response = client.get(reverse("queue"))
    assert response.status_code == 403
    assert b"open this page" in response.content


def test_it_shows_a_404_page(client, alice):
    client_for(client, alice)
    response = client.get(reverse("claim-review", args=[999999]))
    assert response.status_code == 404
    assert b"There is nothing here" in response.content


def test_the_navigation_depends_on_the_role(client, alice):
    admin = UserFactory(username="root", role="admin")
    body = client_for(client, alice).get(reverse("dashboard")).content.decode()
    assert "Queue" in body and ">Admin<" not in body and "To approve" not in body
    assert "role-reviewer" in body
    body = client_for(client, admin).get(reverse("dashboard")).content.decode()
    assert ">Admin<" in body and "To approve" in body


# --- dashboard ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["dashboard", "queue", "claim-review", "claimreviews"])
def test_pages_with_claims_do_not_load_the_articles_html(client, alice, page):
    # A queue page of one long article once read its whole text for each of its rows.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    claim = taken_by(alice)
    ClaimFactory(article=claim.article, fingerprint=claim.fingerprint, start=40, end=60)
    published = reviewed_claim(alice)
    workflow.claim_publish(claim=published, actor=UserFactory(username="ed", role="editor"))
    args = [claim.pk] if page == "claim-review" else []
    client_for(client, alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page, args=args))
    assert response.status_code == 200
    assert not [q["sql"] for q in queries if '"claims_article"."raw_html"' in q["sql"]]


def test_the_dashboard_shows_counts_my_claims_charts_and_activity(
    client, alice, django_assert_max_num_queries
):
    mine = taken_by(alice, text="The minister said taxes would fall.")
    ClaimFactory.create_batch(3)
    FeedFactory(title="Wire", last_error="timed out", failure_count=2)
    client_for(client, alice)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("dashboard"))
    body = response.content.decode()
    assert "The minister said taxes would fall." in body
    assert reverse("claim-review", args=[mine.pk]) in body
    assert body.count('<svg class="chart"') == 2
    # Each chart's figures are in a table too, for screen readers.
    assert "<caption>Verdicts published per day over the last 30 days</caption>" in body
    assert re.search(r'<tr><th scope="row">[^<]+</th><td>0</td></tr>', body)
    assert "failing ×2" in body
    assert "took the claim" not in body or "assigned the claim" in body


def test_the_dashboard_lists_verdicts_to_approve_from_their_index(client, alice, erin):
    # "To approve" sorted every reviewed claim by its verdict's submission (0.3-0.5 s with
    # 25,000 waiting): the verdict's side was an outer join, which no index could order.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    waiting = reviewed_claim(alice)
    workflow.claim_publish(
        claim=reviewed_claim(UserFactory(username="rev2", role="reviewer")), actor=erin
    )
    client_for(client, erin)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("dashboard")).content.decode()
    assert body.count(reverse("claim-review", args=[waiting.pk])) >= 1
    (query,) = [q["sql"] for q in queries if 'ORDER BY "claims_verdict"."submitted_at"' in q["sql"]]
    assert 'INNER JOIN "claims_verdict"' in query
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # tables this small are read whole otherwise
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + query)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "verdict_awaiting_approval" in plan


def test_the_dashboard_counts_one_verdict_as_one_verdict(client, alice, erin):
    workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    body = client_for(client, alice).get(reverse("dashboard")).content.decode()
    assert "· 1 verdict, including" in body
    assert "over 1 first verdict (one a claim, corrections aside; 90 days)" in body
    assert "<td>1 verdict</td>" in body and "<td>0 verdicts</td>" in body
    assert "1 verdicts" not in body


def test_the_dashboard_shows_ingestion_jobs_with_their_progress(client, alice):
    IngestionJob.objects.create(
        kind="bulk",
        source="monday.jsonl",
        total=10,
        done=6,
        duplicates=1,
        failed=1,
        errors=[{"line": 4, "reason": "not valid JSON"}],
    )
    body = client_for(client, alice).get(reverse("dashboard")).content.decode()
    assert "monday.jsonl" in body
    assert '<progress max="10" value="8">' in body
    job = IngestionJob.objects.get()
    assert f'<a class="badge bad" href="{reverse("job-detail", args=[job.pk])}">1</a>' in body
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "<tr><td>4</td><td>not valid JSON</td></tr>" in page


# --- queue ----------------------------------------------------------------------------------


def test_the_queue_lists_open_claims_and_filters_them(client, alice):
    hedged = ClaimFactory(text="The bridge allegedly collapsed.", category="hedged")
    ClaimFactory(text="The mayor said the bridge was fine.")
    dismissed = ClaimFactory(text="Gone claim.", status=Claim.Status.DISMISSED)
    client_for(client, alice)
    body = client.get(reverse("queue")).content.decode()
    assert "allegedly collapsed" in body and "Gone claim." not in body
    body = client.get(reverse("queue"), {"category": "hedged"}).content.decode()
    assert "allegedly collapsed" in body and "bridge was fine" not in body
    body = client.get(reverse("queue"), {"q": "fine"}).content.decode()
    assert "bridge was fine" in body and "allegedly" not in body
    body = client.get(reverse("queue"), {"status": "dismissed"}).content.decode()
    assert dismissed.text in body and hedged.text not in body
    body = client.get(reverse("queue"), {"created_after": "2000-01-01"}).content.decode()
    assert hedged.text in body


def test_the_way_back_to_the_queue_keeps_its_filters(client, alice):
    # The "Queue" link of a claim's page led to the whole queue: a reviewer working through
    # the anonymous-source claims, sorted by score, set the filters again after each claim.
    claim = ClaimFactory(category="anonymous-source", status=Claim.Status.DISMISSED)
    client_for(client, alice)
    client.get(reverse("queue"), {"category": "anonymous-source", "sort": "score", "page": 2})
    body = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert '<a href="/queue/?category=anonymous-source&amp;sort=score&amp;page=2">Queue</a>' in body
    response = client.post(reverse("take-next"), follow=True)  # nothing left: back there
    assert response.redirect_chain[-1][0] == "/queue/?category=anonymous-source&sort=score&page=2"

    client.get(reverse("queue"))  # "Reset"
    body = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert '<a href="/queue/">Queue</a>' in body


def test_the_queue_sorts_and_paginates_without_n_plus_one(
    client, alice, django_assert_max_num_queries
):
    feed = FeedFactory()
    for i in range(60):
        ClaimFactory(article=ArticleFactory(feed=feed), text=f"Claim number {i:02d} said so.")
    client_for(client, alice)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("queue"), {"sort": "oldest"})
    assert "Claim number 00" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("queue"), {"sort": "oldest", "page": 2}).content.decode()
    assert "Claim number 59" in second and "Claim number 00" not in second


def test_take_next_assigns_a_claim_and_opens_it(client, alice):
    low = ClaimFactory(priority=0.1)
    high = ClaimFactory(priority=0.9)
    response = client_for(client, alice).post(reverse("take-next"))
    assert response["Location"] == reverse("claim-review", args=[high.pk])
    high.refresh_from_db()
    low.refresh_from_db()
    assert (high.assignee, high.status) == (alice, Claim.Status.IN_REVIEW)
    assert low.assignee is None


def test_take_next_on_an_empty_queue_says_so(client, alice):
    response = client_for(client, alice).post(reverse("take-next"), follow=True)
    assert b"The queue is empty" in response.content


def test_bulk_dismiss_needs_a_reason_and_dismisses(client, alice):
    claims = ClaimFactory.create_batch(3)
    client_for(client, alice)
    ids = [c.pk for c in claims[:2]]
    response = client.post(reverse("queue-bulk"), {"action": "dismiss", "ids": ids}, follow=True)
    assert b"Say why the claims are dismissed." in response.content
    response = client.post(
        reverse("queue-bulk"), {"action": "dismiss", "ids": ids, "reason": "opinion"}, follow=True
    )
    assert b"Dismissed 2 claims." in response.content
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in claims] == ["dismissed", "dismissed", "new"]


def test_bulk_dismiss_takes_a_reason_as_long_as_a_single_dismissal_does(client, alice):
    claims = ClaimFactory.create_batch(2)
    client_for(client, alice)
    reason = "A long note on why these are opinion. " * 100  # 3,800 characters
    response = client.post(
        reverse("queue-bulk"),
        {"action": "dismiss", "ids": [c.pk for c in claims], "reason": reason},
        follow=True,
    )
    assert b"Dismissed 2 claims." in response.content
    assert set(Claim.objects.values_list("dismiss_reason", flat=True)) == {reason.strip()}
    # Each reason field on the queue page stops at the limit the server keeps.
    page = client.get(reverse("queue")).content.decode()
    assert page.count(f'maxlength="{workflow.MAX_REASON}"') == 2


def test_the_bulk_bar_labels_its_fields_where_they_can_be_seen(client, erin):
    ClaimFactory()
    body = client_for(client, erin).get(reverse("queue")).content.decode()
    bar = re.search(r'<div class="bulkbar.*?</div>', body, re.S).group(0)
    for field in ("bulk-action", "bulk-reason", "bulk-assignee"):
        label = re.search(rf'<label for="{field}"[^>]*>', bar)
        assert label and "visually-hidden" not in label.group(0), field
    assert "placeholder" not in bar  # a hint that goes away as one types is no label


def test_bulk_assign_is_for_editors(client, alice, bob, erin):
    claims = ClaimFactory.create_batch(2)
    data = {"action": "assign", "ids": [c.pk for c in claims], "assignee": bob.pk}
    response = client_for(client, alice).post(reverse("queue-bulk"), data, follow=True)
    assert b"Only an editor can assign claims." in response.content
    assert not Claim.objects.filter(assignee=bob).exists()
    response = client_for(client, erin).post(reverse("queue-bulk"), data, follow=True)
    assert b"Assigned 2 claims." in response.content
    assert Claim.objects.filter(assignee=bob, status="in_review").count() == 2


def test_bulk_release_returns_claims_to_the_queue(client, alice):
    claim = taken_by(alice)
    client_for(client, alice).post(reverse("queue-bulk"), {"action": "release", "ids": [claim.pk]})
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == (Claim.Status.NEW, None)


def test_bulk_leaves_a_claim_someone_took_since_the_queue_was_shown(client, alice, bob, erin):
    claim = ClaimFactory()
    page = client_for(client, erin).get(reverse("queue"))
    assert f'name="version-{claim.pk}" value="{claim.version}"'.encode() in page.content
    workflow.claim_take_next(reviewer=bob)  # Bob starts on it

    data = {"action": "dismiss", "ids": [claim.pk], "reason": "opinion"}
    data[f"version-{claim.pk}"] = claim.version
    response = client.post(reverse("queue-bulk"), data, follow=True)

    assert b"The claim changed since you loaded it" in response.content
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == (Claim.Status.IN_REVIEW, bob)


def test_bulk_with_ids_no_database_could_hold_is_refused(client, erin):
    claim = ClaimFactory()
    data = {"action": "dismiss", "ids": [claim.pk, "99999999999999999999999"], "reason": "x"}
    response = client_for(client, erin).post(reverse("queue-bulk"), data, follow=True)
    assert response.status_code == 200
    assert b"is not a valid value" in response.content
    data = {"action": "assign", "ids": [claim.pk], "assignee": "99999999999999999999999"}
    response = client.post(reverse("queue-bulk"), data, follow=True)
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.NEW


def test_the_articles_search_ignores_nul_characters(client, alice):
    ArticleFactory(title="Dam safety")
    response = client_for(client, alice).get(reverse("articles"), {"q": "Dam\x00"})
    assert response.status_code == 200
    assert b"Dam safety" in response.content


# --- claim review ---------------------------------------------------------------------------


def test_the_review_page_highlights_the_sentence_and_its_cues(client, alice):
    article = ArticleFactory(
        text="It rained. The mayor said the bridge would reopen. Traffic was light."
    )
    claim = taken_by(
        alice,
        article=article,
        text="The mayor said the bridge would reopen.",
        start=11,
        end=50,
        cues=[{"text": "said", "start": 21, "end": 25, "category": "attributed"}],
        speaker="The mayor",
        speaker_start=11,
        speaker_end=20,
    )
    body = client_for(client, alice).get(reverse("claim-review", args=[claim.pk])).content.decode()
    mark = re.search(r'<mark class="claim[^"]*current[^"]*"[^>]*>(.*?)</mark>', body, re.S)
    assert mark, body
    assert 'class="cue cue-attributed"' in mark.group(1)
    assert 'title="attributed: “said” — flagged because' in mark.group(1)
    assert '<span class="speaker"' in mark.group(1)
    # The highlight's colours say status and category; a screen reader hears them.
    assert mark.group(1).startswith(
        '<span class="visually-hidden">Flagged claim (attributed, in review): </span>'
    )
    assert "It rained." in body and "Traffic was light." in body
    assert 'name="version" value="' in body
    assert reverse("article-detail", args=[article.pk]) in body


def test_the_review_page_names_each_neighbours_status_and_explains_the_lines(client, alice):
    article = ArticleFactory(text="The mayor said it. Rebels claimed it. Police said it.")
    claim = taken_by(alice, article=article, text="Rebels claimed it.", start=19, end=37)
    ClaimFactory(article=article, text="The mayor said it.", start=0, end=18, status="dismissed")
    ClaimFactory(article=article, text="Police said it.", start=38, end=53, status="published")
    body = client_for(client, alice).get(reverse("claim-review", args=[claim.pk])).content.decode()
    titles = re.findall(r'<a class="claim [^"]*"[^>]* title="([^"]*)"', body)
    assert len(titles) == 2 and "· dismissed ·" in titles[0] and "· published ·" in titles[1]
    legend = re.search(r'id="context-legend".*?</ul>', body, re.S).group(0)
    assert "claim-dismissed" in legend and "claim-published" in legend


def test_the_review_page_links_covered_and_twin_claims(
    client, alice, django_assert_max_num_queries
):
    article = ArticleFactory(text="A said X. This could not be verified.")
    covered = ClaimFactory(article=article, text="A said X.", start=0, end=9)
    disclaimer = taken_by(
        alice,
        article=article,
        text="This could not be verified.",
        start=10,
        end=37,
        cues=[],
        fingerprint="same",
    )
    disclaimer.covers.add(covered)
    twin = ClaimFactory(fingerprint="same", text="This could not be verified.")
    client_for(client, alice)
    with django_assert_max_num_queries(25):
        body = client.get(reverse("claim-review", args=[disclaimer.pk])).content.decode()
    assert "This disclaimer covers" in body
    assert reverse("claim-review", args=[covered.pk]) in body
    assert reverse("claim-review", args=[twin.pk]) in body
    body = client.get(reverse("claim-review", args=[covered.pk])).content.decode()
    assert "Covered by the disclaimer" in body


def test_evidence_is_added_and_removed(client, alice):
    claim = taken_by(alice)
    client_for(client, alice)
    response = client.post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"url": "https://records.example.org/a", "title": "Records", "stance": "refutes"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(claim=claim)
    assert evidence.added_by == alice
    page = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert "Records" in page
    client.post(reverse("claim-evidence-remove", args=[claim.pk, evidence.pk]))
    assert not Evidence.objects.filter(claim=claim).exists()


def test_invalid_evidence_shows_the_form_errors(client, alice):
    claim = taken_by(alice)
    response = client_for(client, alice).post(
        reverse("claim-evidence-add", args=[claim.pk]), {"url": "not a url", "stance": "refutes"}
    )
    assert response.status_code == 400
    assert response.content.count(b"Enter a web address (http:// or https://).") == 1
    assert not Evidence.objects.exists()


def test_a_source_link_with_a_password_is_refused_on_the_desk(client, alice):
    claim = taken_by(alice)
    response = client_for(client, alice).post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"url": "https://editor:hunter2@archive.example.org/doc", "stance": "refutes"},
    )
    assert response.status_code == 400
    assert b"user name and password" in response.content
    assert not Evidence.objects.exists()


def test_another_reviewer_cannot_add_evidence_to_my_claim(client, alice, bob):
    claim = taken_by(alice)
    response = client_for(client, bob).post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"url": "https://x.example.org/", "stance": "supports"},
        follow=True,
    )
    assert b"assigned to alice" in response.content
    assert not Evidence.objects.exists()


def test_a_verdict_is_saved_then_submitted(client, alice):
    claim = taken_by(alice)
    EvidenceFactory(claim=claim)
    client_for(client, alice)
    response = client.post(
        reverse("claim-verdict", args=[claim.pk]),
        {"rating": rating("false").pk, "summary": "No record of it.", "version": claim.version},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.verdict.summary == "No record of it."
    page = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert "Submit for approval" in page and "Approve and publish" not in page
    client.post(reverse("claim-action", args=[claim.pk, "submit"]), {"version": claim.version})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REVIEWED


def test_a_stale_verdict_shows_the_conflict_and_overwrites_nothing(client, alice, erin):
    claim = taken_by(alice)
    stale_version = claim.version
    workflow.verdict_set(
        claim=claim,
        rating=rating("true"),
        summary="Erin's careful check.",
        version=None,
        actor=erin,
    )
    response = client_for(client, alice).post(
        reverse("claim-verdict", args=[claim.pk]),
        {"rating": rating("false").pk, "summary": "Alice's stale text.", "version": stale_version},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved a verdict first" in body
    assert "Erin&#x27;s careful check." in body
    assert "Alice&#x27;s stale text." in body  # kept in the form, not lost
    claim.refresh_from_db()
    assert claim.verdict.summary == "Erin's careful check."
    assert f'name="version" value="{claim.version}"' in body


@pytest.mark.parametrize(
    ("field", "text", "error"),
    [
        ("summary", "\u200b\u2060", "A verdict needs a summary."),
        ("summary", "Checked: \u202eeslaf", "direction override"),
        ("claim_reviewed", "Dam \u202etsrub", "direction override"),
    ],
)
def test_a_refused_verdict_text_is_said_beside_its_field(client, alice, field, text, error):
    # Said at the top of the page, far from the verdict form in the sidebar, and focus
    # went there: the reviewer had to find which field it meant.
    claim = taken_by(alice)
    data = {"rating": rating("false").pk, "summary": "No record of it.", "version": claim.version}
    data[field] = text
    response = client_for(client, alice).post(reverse("claim-verdict", args=[claim.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    tag = "textarea" if field == "summary" else "input"
    widget = re.search(rf'<{tag}[^>]*name="{field}"[^>]*>', body)
    assert widget and 'aria-invalid="true"' in widget.group(0), body
    assert error in body.split(f'name="{field}"', 1)[1].split("</div>", 1)[0]
    assert 'class="messages"' not in body  # said once, where the field is
    claim.refresh_from_db()
    assert claim.verdict is None


def test_submit_without_evidence_explains_why(client, alice):
    claim = taken_by(alice)
    claim = workflow.verdict_set(
        claim=claim, rating=rating("false"), summary="x", version=None, actor=alice
    )
    response = client_for(client, alice).post(
        reverse("claim-action", args=[claim.pk, "submit"]), follow=True
    )
    assert b"Add at least one evidence source" in response.content
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW


def test_a_reviewer_cannot_publish(client, alice):
    claim = reviewed_claim(alice)
    client_for(client, alice)
    page = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert "Approve and publish" not in page
    response = client.post(reverse("claim-action", args=[claim.pk, "publish"]), follow=True)
    assert b"Only an editor can publish verdicts." in response.content
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REVIEWED


def test_a_reviewer_sees_that_a_submitted_claim_waits_for_an_editor(client, alice):
    claim = reviewed_claim(alice)
    page = client_for(client, alice).get(reverse("claim-review", args=[claim.pk])).content
    assert b"waiting for an editor" in page and b"lease ends" not in page


def test_an_editor_is_not_offered_to_publish_their_own_verdict(client, erin, settings):
    claim = reviewed_claim(erin)
    page = client_for(client, erin).get(reverse("claim-review", args=[claim.pk])).content
    assert b"Approve and publish" not in page and b"four-eyes rule" in page
    settings.FACTCHECK_EDITOR_MAY_PUBLISH_OWN = True
    page = client.get(reverse("claim-review", args=[claim.pk])).content
    assert b"Approve and publish" in page and b"four-eyes rule" not in page


def test_an_editor_publishes_and_the_public_page_carries_claimreview(client, alice, erin):
    claim = reviewed_claim(alice)
    client_for(client, erin)
    page = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert "Approve and publish" in page
    client.post(reverse("claim-action", args=[claim.pk, "publish"]), {"version": claim.version})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED
    client.logout()
    public = client.get(reverse("review-public", args=[claim.pk])).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', public, re.S).group(1)
    )
    assert data["@type"] == "ClaimReview"
    assert data["reviewRating"]["alternateName"]


def test_dismiss_needs_a_reason_and_reopen_is_for_editors(client, alice, erin):
    claim = ClaimFactory()
    client_for(client, alice)
    response = client.post(reverse("claim-action", args=[claim.pk, "dismiss"]), follow=True)
    assert b"Say why the claim is dismissed." in response.content
    client.post(reverse("claim-action", args=[claim.pk, "dismiss"]), {"reason": "satire"})
    claim.refresh_from_db()
    assert (claim.status, claim.dismiss_reason) == (Claim.Status.DISMISSED, "satire")

    published = reviewed_claim(alice)
    workflow.claim_publish(claim=published, actor=erin)
    response = client.post(
        reverse("claim-action", args=[published.pk, "reopen"]), {"reason": "typo"}, follow=True
    )
    assert b"Only an editor can reopen" in response.content
    client_for(client, erin).post(
        reverse("claim-action", args=[published.pk, "reopen"]), {"reason": "new records"}
    )
    published.refresh_from_db()
    assert published.status == Claim.Status.IN_REVIEW
    page = client.get(reverse("claim-review", args=[published.pk])).content.decode()
    assert "reopened the claim" in page and "new records" in page


def test_an_editor_sends_a_submitted_verdict_back_and_its_reviewer_reads_why(client, alice, erin):
    claim = reviewed_claim(alice)
    client_for(client, alice)
    page = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert 'id="send-back-btn"' not in page  # an editor's, not the reviewer's
    refused = client.post(
        reverse("claim-action", args=[claim.pk, "send-back"]), {"reason": "Mine."}, follow=True
    )
    assert b"Only an editor can send a verdict back" in refused.content

    page = client_for(client, erin).get(reverse("claim-review", args=[claim.pk])).content.decode()
    form = re.search(r'<form[^>]*action="([^"]*send-back/)"[^>]*>(.*?)</form>', page, re.S)
    assert form and f'value="{claim.version}"' in form.group(2)
    assert 'id="publish-btn"' in page and "Send back to alice" in form.group(2)
    response = client.post(
        form.group(1), {"reason": "  Source 2 is a press release.  ", "version": claim.version}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == (Claim.Status.IN_REVIEW, alice)
    assert claim.verdict.summary == "Records show no such thing."

    client_for(client, alice)
    mine = client.get(reverse("dashboard")).content.decode()
    assert reverse("claim-review", args=[claim.pk]) in mine
    page = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    note = re.search(r'<div class="sent-back" id="sent-back">(.*?)</div>', page, re.S)
    assert note and "Sent back by erin" in note.group(1)
    assert "“Source 2 is a press release.”" in note.group(1)
    assert "sent the verdict back to its reviewer" in page  # the history says so too
    assert 'id="verdict-form"' in page and "Records show no such thing." in page
    # Submitted again, the note is gone: it answered it.
    workflow.claim_submit(claim=claim, actor=alice)
    page = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert 'id="sent-back"' not in page


def test_the_desk_says_a_verdict_went_back_to_the_queue_when_its_reviewer_cannot_review(
    client, alice, erin
):
    claim = reviewed_claim(alice)
    alice.is_active = False
    alice.save()
    client_for(client, erin)
    response = client.post(
        reverse("claim-action", args=[claim.pk, "send-back"]),
        {"reason": "Weak sources.", "version": claim.version},
        follow=True,
    )
    assert b"Sent back to the queue: its reviewer can no longer review." in response.content
    assert b"Sent back to its reviewer." not in response.content


def test_a_claim_sent_back_says_so_in_my_claims_and_the_queue(
    client, alice, erin, django_assert_max_num_queries
):
    # Only its own page said so: in the lists it was one more claim in review.
    sent = reviewed_claim(alice)
    reason = "Source 2 is a press release, not the ministry's figures the summary quotes."
    workflow.claim_send_back(claim=sent, actor=erin, reason=reason)
    answered = reviewed_claim(alice)  # sent back, then submitted again: answered
    workflow.claim_send_back(claim=answered, actor=erin, reason="Name the second source.")
    workflow.claim_submit(claim=Claim.objects.get(pk=answered.pk), actor=alice)
    taken_by(alice, text="The mayor said the bridge was safe.")  # never sent back
    client_for(client, alice)

    def rows(page, tag, within=""):
        body = html.unescape(page.content.decode())
        body = body.split(within, 1)[1].split("</ul>", 1)[0] if within else body
        return {
            int(pk): row
            for row in re.findall(rf"<{tag}\b.*?</{tag}>", body, re.S)
            for pk in re.findall(r'href="/claims/(\d+)/"', row)[:1]
        }

    with django_assert_max_num_queries(20):
        dashboard = rows(client.get(reverse("dashboard")), "li", within="<h2>My claims</h2>")
    with django_assert_max_num_queries(12):
        queue = rows(client.get(reverse("queue"), {"assignee": "me"}), "tr")
    for listed in (dashboard, queue):
        assert len(listed) == 3
        marked = {pk for pk, row in listed.items() if "Sent back" in row}
        assert marked == {sent.pk}
        # The reason's first words; the whole reason is on the claim's page.
        assert "Source 2 is a press release" in listed[sent.pk]
        assert "the summary quotes" not in listed[sent.pk]


def test_the_reason_a_verdict_was_sent_back_stays_shown_until_it_is_submitted_again(
    client, alice, bob, erin
):
    # Its lease ran out, and another reviewer took it: the reason went with the last move.
    claim = reviewed_claim(alice)
    workflow.claim_send_back(claim=claim, actor=erin, reason="Source 2 is a press release.")
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() - timedelta(minutes=1))
    workflow.expire_leases()
    claim.refresh_from_db()
    workflow.claim_take(claim=claim, reviewer=bob)
    page = client_for(client, bob).get(reverse("claim-review", args=[claim.pk])).content.decode()
    note = re.search(r'<div class="sent-back" id="sent-back">(.*?)</div>', page, re.S)
    assert note and "Source 2 is a press release." in note.group(1)
    claim.refresh_from_db()
    workflow.claim_submit(claim=claim, actor=bob)
    page = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert 'id="sent-back"' not in page


@pytest.mark.parametrize(
    ("action", "reason", "error"),
    [
        ("send-back", " \u200b ", "Say why the verdict is sent back."),
        ("dismiss", "   ", "Say why the claim is dismissed."),
        ("reopen", "Fixed: \u202eeslaf", "direction override"),
    ],
)
def test_a_refused_reason_is_shown_beside_its_field_with_the_text_kept(
    client, alice, erin, action, reason, error
):
    claim = taken_by(erin)
    if action in ("reopen", "send-back"):
        claim = reviewed_claim(alice)
    if action == "reopen":
        workflow.claim_publish(claim=claim, actor=erin)
    response = client_for(client, erin).post(
        reverse("claim-action", args=[claim.pk, action]), {"reason": reason}
    )
    assert response.status_code == 400
    body = response.content.decode()
    field = re.search(rf'<input type="text" name="reason" id="{action}-reason"[^>]*>', body)
    assert field, body
    assert f'value="{html.escape(reason)}"' in field.group(0)
    assert 'aria-invalid="true"' in field.group(0)
    assert f'aria-describedby="{action}-reason-error"' in field.group(0)
    beside = re.search(rf'<p class="error-text" id="{action}-reason-error">(.*?)</p>', body)
    assert beside and error in beside.group(1)
    assert 'class="messages"' not in body  # said once, where the field is
    claim.refresh_from_db()
    expected = {"dismiss": "in_review", "reopen": "published", "send-back": "reviewed"}
    assert claim.status == expected[action]


@pytest.mark.parametrize("action", ["send-back", "dismiss", "reopen"])
def test_a_reason_longer_than_the_api_takes_is_refused_beside_its_field(
    client, alice, erin, action
):
    # The API refuses a reason over 5,000 characters; the desk stored megabytes, shown in
    # full on the claim's page (twice for a send-back) to everyone who opened it.
    claim = taken_by(erin)
    if action in ("reopen", "send-back"):
        claim = reviewed_claim(alice)
    if action == "reopen":
        workflow.claim_publish(claim=claim, actor=erin)
    status = Claim.objects.get(pk=claim.pk).status
    response = client_for(client, erin).post(
        reverse("claim-action", args=[claim.pk, action]), {"reason": "x" * 5001}
    )
    assert response.status_code == 400
    beside = re.search(
        rf'<p class="error-text" id="{action}-reason-error">(.*?)</p>', response.content.decode()
    )
    assert beside and "5,000 characters" in beside.group(1)
    assert Claim.objects.get(pk=claim.pk).status == status
    assert not claim.events.filter(payload__reason="x" * 5001).exists()


def test_get_does_not_act(client, alice):
    claim = ClaimFactory()
    response = client_for(client, alice).get(reverse("claim-action", args=[claim.pk, "dismiss"]))
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.NEW


def test_forms_are_csrf_protected(alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    ClaimFactory()
    assert strict.post(reverse("take-next")).status_code == 403
    assert not Claim.objects.filter(assignee=alice).exists()


# --- escaping -------------------------------------------------------------------------------


def _xss_article() -> tuple[Article, Claim]:
    article = ArticleFactory(text=XSS_TEXT, title='<script>alert("t")</script>Dam')
    start = XSS_TEXT.index("Rebels")
    end = XSS_TEXT.index("burst,") + len("burst,")
    claim = ClaimFactory(
        article=article,
        text=XSS_TEXT[start:end],
        start=start,
        end=end,
        cues=[{"text": "claimed", "start": start + 7, "end": start + 14, "category": "hedged"}],
        speaker='<b onmouseover="x">Rebels</b>',
    )
    return article, claim


def test_article_text_is_escaped_everywhere(client, alice):
    article, claim = _xss_article()
    client_for(client, alice)
    pages = [
        client.get(reverse("article-detail", args=[article.pk])),
        client.get(reverse("claim-review", args=[claim.pk])),
        client.get(reverse("queue")),
        client.get(reverse("articles")),
    ]
    for response in pages:
        body = response.content.decode()
        assert "<script>window.__xss" not in body
        assert "<img src=x" not in body
        assert '<script>alert("t")' not in body
        assert "<b onmouseover" not in body
    detail = pages[0].content.decode()
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in detail
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in detail
    assert f'href="{reverse("claim-review", args=[claim.pk])}"' in detail


# --- articles -------------------------------------------------------------------------------


def test_the_articles_list_shows_status_errors_and_claim_counts(
    client, alice, django_assert_max_num_queries
):
    ok = ArticleFactory(title="Fine story")
    ClaimFactory(article=ok, start=0, end=10)
    ClaimFactory(article=ok, start=11, end=20)
    ArticleFactory(title="Broken story", status=Article.Status.FAILED, error="HTTP 500 from host")
    client_for(client, alice)
    with django_assert_max_num_queries(8):
        body = client.get(reverse("articles")).content.decode()
    assert "Fine story" in body and "Broken story" in body and "HTTP 500 from host" in body
    assert f'?article={ok.pk}&amp;all=1">2</a>' in body
    body = client.get(reverse("articles"), {"status": "failed"}).content.decode()
    assert "Fine story" not in body


def test_a_processed_articles_note_is_no_error(client, alice):
    # "The feed entry's text was used" showed in red as an alert on a processed article,
    # as a failure's reason does.
    noted = ArticleFactory(
        title="Entry story", note="The page asked for JavaScript; the feed entry's text was used."
    )
    failed = ArticleFactory(
        title="Broken story", status=Article.Status.FAILED, error="HTTP 500 from host"
    )
    client_for(client, alice)
    listed = client.get(reverse("articles")).content.decode()
    assert '<div class="meta">The page asked for JavaScript' in listed
    assert '<div class="error-text">HTTP 500 from host' in listed
    page = client.get(reverse("article-detail", args=[noted.pk])).content.decode()
    assert '<p class="meta">The page asked for JavaScript' in page
    assert "error-text" not in page
    page = client.get(reverse("article-detail", args=[failed.pk])).content.decode()
    assert '<p class="error-text" role="alert">HTTP 500 from host</p>' in page


def test_adding_pasted_text_processes_it_and_shows_progress(
    client, alice, django_capture_on_commit_callbacks
):
    client_for(client, alice)
    text = (
        "Harbor City officials said on Monday that the depot was closed.\n\n"
        "The group claimed, without evidence, that ballots were discarded. "
        "Northwind Wire could not independently verify the group's claims."
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("article-add"), {"source": "text", "text": text, "title": "Depot"}
        )
    assert response.status_code == 302
    article = Article.objects.get(title="Depot")
    assert response["Location"] == f"{reverse('article-progress')}?ids={article.pk}"
    assert article.origin == Article.Origin.TEXT
    article.refresh_from_db()
    assert article.status == Article.Status.PROCESSED
    assert article.claims.exists()
    partial = client.get(reverse("article-progress-status"), {"ids": str(article.pk)})
    body = partial.content.decode()
    assert 'data-state="done"' in body and "hx-get" not in body
    assert f"{article.claims.count()} claim" in body


def test_the_progress_partial_polls_while_pending(client, alice):
    article = ArticleFactory(status=Article.Status.PENDING)
    client_for(client, alice)
    body = client.get(reverse("article-progress"), {"ids": str(article.pk)}).content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "js/htmx.min.js" in body


def test_the_progress_list_brings_its_job_panel_up_to_date(client, alice):
    # The job's counts and reasons were drawn once: the poll renewed the list only.
    job = IngestionJob.objects.create(kind="bulk", source="wire.jsonl", total=2)
    article = ArticleFactory(status=Article.Status.PENDING, job=job)
    query = {"ids": str(article.pk), "job": str(job.pk)}
    page = client_for(client, alice).get(reverse("article-progress"), query).content.decode()
    assert f"job={job.pk}" in page.split('id="progress"')[1].split(">")[0]  # polled with it
    errors = [{"line": 2, "reason": "Not valid JSON."}]
    IngestionJob.objects.filter(pk=job.pk).update(done=1, failed=1, errors=errors)
    partial = client.get(reverse("article-progress-status"), query).content.decode()
    assert f'id="job-{job.pk}"' in partial and 'hx-swap-oob="true"' in partial
    assert "2 of 2 handled" in partial and "Not valid JSON." in partial


def _announcement(page: str) -> str:
    return html.unescape(re.search(r'id="progress"[^>]*data-announce="([^"]*)"', page).group(1))


def test_the_progress_of_a_file_is_read_out_from_its_job(client, alice):
    # A file whose every line failed was read out as "Done: ." (there was no article to
    # count); one a worker reads, as "Working on 1 article.", "…2 articles." every second.
    job = IngestionJob.objects.create(kind="bulk", source="wire.jsonl", total=3)
    ArticleFactory(status=Article.Status.PENDING, job=job)
    query = {"ids": "", "job": str(job.pk)}
    page = client_for(client, alice).get(reverse("article-progress"), query).content.decode()
    assert _announcement(page) == "Reading the file: 3 lines."
    # Every line read, an article still processed: it said "Reading the file" until the end.
    IngestionJob.objects.filter(pk=job.pk).update(lines_handled=3, failed=2)
    page = client.get(reverse("article-progress-status"), query).content.decode()
    assert _announcement(page) == "File read: 3 lines. Processing its articles."
    IngestionJob.objects.filter(pk=job.pk).update(
        done=0, duplicates=1, failed=2, finished_at=timezone.now()
    )
    Article.objects.update(status=Article.Status.DUPLICATE)
    page = client.get(reverse("article-progress-status"), query).content.decode()
    assert _announcement(page) == ("Done: 3 of 3 lines handled: 0 ingested, 1 duplicate, 2 failed.")


def test_adding_needs_the_field_of_the_chosen_source(client, alice):
    response = client_for(client, alice).post(reverse("article-add"), {"source": "text"})
    assert response.status_code == 200
    assert b"This is needed for the source you chose." in response.content


def test_adding_a_private_url_is_refused(client, alice):
    response = client_for(client, alice).post(
        reverse("article-add"), {"source": "url", "url": "http://127.0.0.1:9/secret"}
    )
    assert response.status_code == 200
    assert b"Refused to fetch" in response.content
    assert not Article.objects.exists()


def test_a_jsonl_upload_ingests_each_line(client, alice, django_capture_on_commit_callbacks):
    lines = [
        {"text": "The minister said the plant would close next year.", "title": "One"},
        {"text": "Police said the suspect fled on foot, according to witnesses.", "title": "Two"},
        "not json",
    ]
    content = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines).encode()
    upload = SimpleUploadedFile("batch.jsonl", content, content_type="application/x-ndjson")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(client, alice).post(
            reverse("article-add"), {"source": "file", "file": upload}
        )
    assert response.status_code == 302
    assert set(Article.objects.values_list("title", flat=True)) == {"One", "Two"}
    assert set(Article.objects.values_list("status", flat=True)) == {"processed"}
    # The progress page lists the articles and, from the job, why line 3 was refused.
    body = client.get(response["Location"]).content.decode()
    assert "One" in body and "Two" in body
    assert "<strong>1 failed</strong>" in body and "not valid JSON" in body
    assert IngestionJob.objects.get().lines_handled == 3 and "queued" not in body


def test_with_a_broker_a_jsonl_upload_is_queued_for_a_worker(
    client, alice, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # 2,500 URL lines held the request for 100 s (a proxy answered 504): with a broker
    # the request stores the file on its job and queues it, and no line is submitted.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.ingest_bulk_file, "delay", queued.append)
    lines = [json.dumps({"url": f"https://news.example/{n}"}) for n in range(30)]
    content = ("\n".join(lines) + "\n\nnot json\x00\n").encode()
    upload = SimpleUploadedFile("batch.jsonl", content, content_type="application/x-ndjson")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(client, alice).post(
            reverse("article-add"), {"source": "file", "file": upload}
        )
    job = IngestionJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"&job={job.pk}")
    assert not Article.objects.exists()
    assert queued == [job.pk]
    assert job.total == 31 and job.lines.split("\n")[:30] == lines and not job.finished_at
    # The job's page follows it, queued, until the worker begins: not "finished", 0 done.
    page = client.get(response["Location"]).content.decode()
    assert "queued" in page and 'hx-trigger="every 1s"' in page
    assert "Done." not in page and "finished" not in page
    # The worker's run (the task, in-process here) fills it.
    monkeypatch.setattr(tasks.process_article, "delay", lambda pk: None)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.ingest_bulk_file(job.pk)
    partial = client.get(reverse("article-progress-status"), {"ids": "", "job": job.pk})
    assert partial.content.decode().count("progress-item") == 30
    assert "queued" not in partial.content.decode()
    assert "not valid JSON" in partial.content.decode()


def test_a_jsonl_upload_of_bad_lines_only_lists_every_reason(client, alice):
    content = b"not json\n[1, 2]\n" + json.dumps({"text": ""}).encode()
    upload = SimpleUploadedFile("bad.jsonl", content, content_type="application/x-ndjson")
    response = client_for(client, alice).post(
        reverse("article-add"), {"source": "file", "file": upload}, follow=True
    )
    body = response.content.decode()
    assert "<strong>3 failed</strong>" in body
    assert [int(n) for n in re.findall(r"<tr><td>(\d+)</td>", body)] == [1, 2, 3]
    job = IngestionJob.objects.get()
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert page.count("<tr><td>") == 3 and "bad.jsonl" in page


def test_a_jsonl_upload_is_utf8_whatever_charset_its_html_names(client, alice):
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        "</head><body><article><p>The owner of Café Ñandú said the road was closed.</p>"
        "</article></body></html>"
    )
    content = json.dumps(
        {"html": html, "url": "https://news.example.org/cafe"}, ensure_ascii=False
    ).encode()
    upload = SimpleUploadedFile("batch.jsonl", content, content_type="application/x-ndjson")
    client_for(client, alice).post(reverse("article-add"), {"source": "file", "file": upload})
    assert "Café Ñandú" in Article.objects.get().raw_html


def test_a_txt_upload_uses_the_first_line_as_title(client, alice):
    upload = SimpleUploadedFile("story.txt", b"Headline here\nThe mayor said it was fine.")
    client_for(client, alice).post(reverse("article-add"), {"source": "file", "file": upload})
    assert Article.objects.get().title == "Headline here"


def test_a_pdf_uploaded_as_text_is_refused_with_a_reason(client, alice):
    # A PDF's compressed streams decode into gibberish full of words the detector knows.
    import random
    import zlib

    stream = zlib.compress(random.Random(7).randbytes(20_000))
    pdf = b"%PDF-1.7\n1 0 obj << /Length 5 >>\nstream\n" + stream + b"\nthe mayor said\n%%EOF"
    upload = SimpleUploadedFile("story.txt", pdf)
    response = client_for(client, alice).post(
        reverse("article-add"), {"source": "file", "file": upload}
    )
    assert "does not look like plain text" in response.content.decode()
    assert not Article.objects.exists()


# --- feeds ----------------------------------------------------------------------------------


def test_feeds_page_lists_feeds_with_errors_and_article_counts(client, alice):
    feed = FeedFactory(title="City wire", last_error="HTTP 503", failure_count=3)
    ArticleFactory.create_batch(2, feed=feed)
    body = client_for(client, alice).get(reverse("feeds")).content.decode()
    assert "City wire" in body and "HTTP 503" in body
    assert f'/articles/?feed={feed.pk}">2</a>' in body
    assert "Add a feed" not in body  # reviewers only read


def test_the_feeds_page_says_when_each_feed_is_polled_next(client, alice, settings):
    # It showed the last poll only: a feed backing off for a day looked as due as any.
    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    FeedFactory(title="Calm wire", next_poll_at="2099-01-15T17:05:00Z")
    FeedFactory(title="Busy wire", next_poll_at="2099-07-01T12:30:00Z", failure_count=3)
    FeedFactory(title="New wire", next_poll_at=None)
    FeedFactory(title="Paused wire", next_poll_at="2099-01-15T17:05:00Z", active=False)
    body = client_for(client, alice).get(reverse("feeds")).content.decode()
    rows = {row.split("</strong>")[0]: row for row in body.split("<strong>")[1:]}
    assert "next poll at 15 Jan 12:05 EST" in rows["Calm wire"]
    assert "backing off" not in rows["Calm wire"]
    assert "next poll at 1 Jul 08:30 EDT" in rows["Busy wire"]
    assert "backing off after 3 failures" in rows["Busy wire"]
    assert "next poll: due now" in rows["New wire"]
    assert "next poll" not in rows["Paused wire"]


def test_an_editor_adds_pauses_and_polls_a_feed(client, erin, django_capture_on_commit_callbacks):
    client_for(client, erin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("feeds"), {"url": "https://news.example.org/rss", "poll_interval": 15}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1  # the first poll is queued after the commit
    feed = Feed.objects.get()
    client.post(reverse("feed-toggle", args=[feed.pk]))
    feed.refresh_from_db()
    assert not feed.active
    response = client.post(reverse("feed-poll", args=[feed.pk]), follow=True)
    assert b"is paused" in response.content


def test_a_private_feed_url_is_refused(client, erin):
    response = client_for(client, erin).post(
        reverse("feeds"), {"url": "http://127.0.0.1/feed.xml", "poll_interval": 15}
    )
    assert response.status_code == 200
    assert b"Refused to fetch" in response.content
    assert not Feed.objects.exists()


def test_reviewers_cannot_change_feeds(client, alice):
    feed = FeedFactory()
    client_for(client, alice)
    assert client.post(reverse("feed-toggle", args=[feed.pk])).status_code == 403
    assert client.post(reverse("feeds"), {"url": "https://a.example.org/"}).status_code == 403


def test_repeated_failed_logins_lock_the_account_out(client, alice):
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content


def test_a_verdict_saved_after_the_claim_was_released_is_shown_back(client, alice, erin):
    claim = taken_by(alice)
    version = claim.version
    workflow.claim_release(claim=claim, actor=erin)
    response = client_for(client, alice).post(
        reverse("claim-verdict", args=[claim.pk]),
        {"rating": rating("false").pk, "summary": "Alice's long research.", "version": version},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved" not in body and "it is back in the queue" in body
    assert "Alice&#x27;s long research." in body and 'id="verdict-form"' not in body
    assert not Claim.objects.get(pk=claim.pk).verdicts.exists()


@pytest.mark.parametrize("htmx", [True, False])
def test_evidence_added_after_the_claim_was_released_is_shown_back(client, alice, erin, htmx):
    claim = taken_by(alice)
    workflow.claim_release(claim=claim, actor=erin)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client_for(client, alice).post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"url": "https://records.example.org/ledger", "stance": "refutes", "note": "Page 4."},
        **headers,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "in review only" in body and 'id="evidence-form"' not in body
    assert "https://records.example.org/ledger" in body and "Page 4." in body
    assert not Evidence.objects.exists()


def test_a_dismiss_reason_survives_a_stale_page(client, alice, erin):
    claim = taken_by(alice)
    version = claim.version
    workflow.claim_bump(claim=claim, actor=erin, amount=0.1)
    response = client_for(client, alice).post(
        reverse("claim-action", args=[claim.pk, "dismiss"]),
        {"reason": "An opinion, not a claim of fact.", "version": version},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert 'value="An opinion, not a claim of fact."' in body  # still in the box
    assert "changed since you loaded this page" in body and "your version" not in body
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.IN_REVIEW


def test_a_send_back_reason_survives_when_the_verdict_was_published_meanwhile(
    client, alice, erin, ed
):
    claim = reviewed_claim(alice)
    version = claim.version
    workflow.claim_publish(claim=claim, actor=ed)
    response = client_for(client, erin).post(
        reverse("claim-action", args=[claim.pk, "send-back"]),
        {"reason": "Source 2 is a press release.", "version": version},
    )
    body = response.content.decode()
    assert response.status_code == 409 and "Source 2 is a press release." in body
    assert 'id="send-back-reason"' not in body  # no form now: the text is shown as not saved
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.PUBLISHED


def test_a_correction_note_survives_when_the_claim_was_reopened_meanwhile(client, alice, erin, ed):
    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    version = claim.version
    workflow.claim_reopen(claim=claim, actor=ed, reason="Ed's note.")
    response = client_for(client, erin).post(
        reverse("claim-action", args=[claim.pk, "reopen"]),
        {"reason": "The date was wrong.", "version": version},
    )
    body = response.content.decode()
    assert response.status_code == 409 and "Not saved." in body
    assert "The date was wrong." in body


def test_evidence_changes_return_the_panel_to_htmx(client, alice):
    claim = taken_by(alice)
    client_for(client, alice)
    response = client.post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"url": "https://records.example.org/b", "title": "Ledger", "stance": "context"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="panel" id="evidence"')
    assert "Ledger" in body and "Evidence added." in body
    assert "<html" not in body
    evidence = Evidence.objects.get(claim=claim)
    response = client.post(
        reverse("claim-evidence-remove", args=[claim.pk, evidence.pk]), HTTP_HX_REQUEST="true"
    )
    assert "Evidence removed." in response.content.decode()
    assert not Evidence.objects.exists()


def test_poll_now_queues_a_poll_after_the_commit(client, erin, django_capture_on_commit_callbacks):
    feed = FeedFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(client, erin).post(reverse("feed-poll", args=[feed.pk]))
    assert response.status_code == 302
    assert len(callbacks) == 1


def test_odd_ids_in_forms_and_links_are_not_server_errors(client, alice, erin):
    claim = taken_by(alice)
    client_for(client, erin)
    assert client.get(reverse("article-progress") + "?ids=1,²").status_code == 200
    response = client.post(reverse("claim-action", args=[claim.pk, "assign"]), {"assignee": "abc"})
    assert response.status_code == 302  # back to the claim, with a message
    response = client.post(
        reverse("claim-action", args=[claim.pk, "dismiss"]), {"reason": "x", "version": "²"}
    )
    assert response.status_code in (200, 302)


def test_the_queue_and_the_articles_page_through_their_lists(client, alice):
    ClaimFactory.create_batch(51)
    client_for(client, alice)
    for name in ("queue", "articles"):
        first = client.get(reverse(name)).content.decode()
        assert "Page 1 of 2" in first and 'rel="next"' in first
        second = client.get(reverse(name), {"page": 2}).content.decode()
        assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_a_feed_interval_outside_1_to_1440_minutes_is_refused(client, erin):
    client_for(client, erin)
    for minutes in (0, 1441):
        response = client.post(
            reverse("feeds"), {"url": "https://news.example.org/rss", "poll_interval": minutes}
        )
        assert response.status_code == 200  # the form again, with its error
        assert not Feed.objects.exists()


def test_the_articles_list_leaves_out_the_text_and_html(client, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ClaimFactory()
    with CaptureQueriesContext(connection) as queries:
        assert client_for(client, alice).get(reverse("articles")).status_code == 200
    listing = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert listing and all('"raw_html"' not in sql and '"text"' not in sql for sql in listing)


@pytest.mark.parametrize(
    "cues", [5, {"text": "x"}, [{"start": "abc", "end": 3}], [{"start": None, "end": None}]]
)
def test_a_claim_with_malformed_cues_still_shows(client, alice, cues):
    claim = taken_by(alice)
    Claim.objects.filter(pk=claim.pk).update(cues=cues)
    client_for(client, alice)
    assert client.get(reverse("claim-review", args=[claim.pk])).status_code == 200
    assert client.get(reverse("article-detail", args=[claim.article_id])).status_code == 200


# --- admin ----------------------------------------------------------------------------------


def test_the_lexicon_list_in_the_admin_refuses_a_row_without_text(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-weight": "0.5",
        "_save": "Save",
    }
    response = client_for(client, root).post("/admin/claims/cuepattern/", data)
    assert response.status_code == 200  # the list again, with the row's error


def test_verdicts_cannot_be_deleted_in_the_admin(client, alice):
    verdict = reviewed_claim(alice).verdict
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = client_for(client, root).post(
        f"/admin/claims/verdict/{verdict.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Claim.objects.get(verdict=verdict).status == Claim.Status.REVIEWED


@pytest.mark.parametrize("version", ["abc", "0", "-1", "\u0663", "10000000000000000000000000"])
def test_an_action_with_a_version_that_is_not_one_changes_nothing(client, alice, version):
    claim = taken_by(alice)
    response = client_for(client, alice).post(
        reverse("claim-action", args=[claim.pk, "dismiss"]),
        {"reason": "Opinion.", "version": version},
        follow=True,
    )
    assert b"out of date" in response.content
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.IN_REVIEW


def test_the_admin_refuses_a_feed_the_fetcher_would_refuse(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    data = {"url": "http://127.0.0.1/feed.xml", "title": "", "poll_interval": 15}
    response = client_for(client, root).post("/admin/claims/feed/add/", data)
    assert response.status_code == 200  # the form again, with the URL's error
    assert b"private" in response.content.lower() or b"refuse" in response.content.lower()
    assert not Feed.objects.exists()


def test_a_feed_moved_in_the_admin_forgets_the_old_address(client, settings):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True  # the form checks the new URL
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    feed = FeedFactory(etag='"old"', last_modified="Mon, 30 Nov 2026 22:00:00 GMT")
    data = {"url": "https://new.example.org/rss", "title": "", "poll_interval": 15}
    data |= {"active": "on", "etag": feed.etag, "last_modified": feed.last_modified}
    data |= {"last_error": "", "failure_count": 0}
    response = client_for(client, root).post(f"/admin/claims/feed/{feed.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    feed.refresh_from_db()
    assert feed.url == "https://new.example.org/rss"
    assert (feed.etag, feed.last_modified) == ("", "")


ADMIN_LISTS = ["claims/feed", "claims/claim", "auth/user", "axes/accessattempt"]


@pytest.mark.parametrize("model", ADMIN_LISTS)
@pytest.mark.parametrize("selected", ["abc", "1.5", "\x00", "99999999999999999999999"])
def test_an_admin_action_on_a_selection_that_is_no_id_changes_nothing(client, model, selected):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    feed = FeedFactory()
    data = {"action": "delete_selected", "_selected_action": [str(feed.pk), selected]}
    # "post": "yes" is the confirmation: without the check, the valid row would go.
    response = client_for(client, root).post(f"/admin/{model}/", {**data, "post": "yes"})
    assert response.status_code == 302 and response["Location"] == f"/admin/{model}/"
    assert b"selection was not valid" in client.get(response["Location"]).content
    assert Feed.objects.filter(pk=feed.pk).exists() and User.objects.filter(pk=root.pk).exists()


def test_an_admin_action_on_a_valid_selection_still_works(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    feeds = [FeedFactory(), FeedFactory()]
    data = {"action": "delete_selected", "_selected_action": [str(feeds[0].pk)], "post": "yes"}
    response = client_for(client, root).post("/admin/claims/feed/", data)
    assert response.status_code == 302
    assert list(Feed.objects.all()) == [feeds[1]]


@pytest.mark.parametrize(
    "url_name, args, target",
    [
        ("claim-verdict", "pk", "claim-review"),
        ("claim-action", "pk+publish", "claim-review"),
        ("claim-evidence-add", "pk", "claim-review"),
        ("take-next", "", "queue"),
        ("queue-bulk", "", "queue"),
        ("feed-poll", "feed", "feeds"),
    ],
)
def test_opening_a_form_address_leads_to_its_page(client, erin, url_name, args, target):
    # A failed form leaves its address in the bar: reloading it is a GET, not a blank 405.
    claim, feed = ClaimFactory(), FeedFactory()
    pk = {"pk": [claim.pk], "pk+publish": [claim.pk, "publish"], "feed": [feed.pk]}
    response = client_for(client, erin).get(reverse(url_name, args=pk.get(args, [])))
    expected = reverse(target, args=[claim.pk] if target == "claim-review" else [])
    assert response.status_code == 302 and response["Location"] == expected


def test_an_article_with_many_claims_lists_a_page_of_them_and_marks_them_all(
    client, alice, monkeypatch
):
    import importlib

    monkeypatch.setattr(importlib.import_module("claims.views.articles"), "SIDE_LIST", 5)
    sentences = [f"Official {n} said the count was wrong." for n in range(12)]
    article = ArticleFactory(text=" ".join(sentences))
    offset = 0
    for sentence in sentences:
        ClaimFactory(article=article, text=sentence, start=offset, end=offset + len(sentence))
        offset += len(sentence) + 1
    page = client_for(client, alice).get(reverse("article-detail", args=[article.pk]))
    body = page.content.decode()
    assert body.count('<li><a href="/claims/') == 5
    assert body.count('class="claim claim-new') == 12
    assert f'?article={article.pk}&amp;all=1">all 12 in the queue</a>' in body


def test_the_same_source_twice_is_refused_as_evidence(client, alice):
    claim = taken_by(alice)
    client_for(client, alice)
    url = reverse("claim-evidence-add", args=[claim.pk])
    data = {"url": "https://records.example.org/a", "stance": "refutes"}
    client.post(url, data)
    response = client.post(url, {**data, "stance": "context"}, follow=True)
    assert b"already in the claim&#x27;s evidence" in response.content
    assert Evidence.objects.count() == 1


def test_the_stance_of_a_source_is_never_preset(client, alice):
    claim = taken_by(alice)
    page = client_for(client, alice).get(reverse("claim-review", args=[claim.pk])).content
    assert b'<option value="" selected>Choose' in page
    response = client.post(
        reverse("claim-evidence-add", args=[claim.pk]), {"url": "https://records.example.org/a"}
    )
    assert response.status_code == 400 and not Evidence.objects.exists()


def test_queue_filter_errors_use_the_sidebars_words(client, alice):
    body = (
        client_for(client, alice)
        .get(reverse("queue"), {"min_score": "abc", "article": "abc"})
        .content.decode()
    )
    assert "<li>Minimum score: Enter a number.</li>" in body
    assert "<li>Article: Enter a whole number.</li>" in body
    assert "One article only" not in body  # no chip for an article that is no article


def test_the_article_chip_drops_only_the_article(client, alice):
    claim = ClaimFactory(article=ArticleFactory(title="Dam story"))
    body = (
        client_for(client, alice)
        .get(reverse("queue"), {"article": claim.article_id, "q": "dam", "sort": "score"})
        .content.decode()
    )
    assert "One article only: <a" in body and "Dam story" in body
    assert '<a href="?q=dam&amp;sort=score">' in body


def _controls_whose_name_hides_their_text(body: str) -> list[str]:
    """Links and buttons whose accessible name does not hold the words they show (speech
    input users say what they see), or that show no word at all, only a symbol."""
    wrong = []
    for match in re.finditer(r"<(a|button)\b([^>]*)>(.*?)</\1>", body, re.S):
        attributes, content = match.group(2), match.group(3)
        shown = re.sub(r'<span aria-hidden="true">.*?</span>', "", content)
        shown = " ".join(html.unescape(re.sub(r"<[^>]+>", "", shown)).split()).lower()
        label = re.search(r'aria-label="([^"]*)"', attributes)
        name = html.unescape(label.group(1)).lower() if label else shown
        if not re.search(r"\w", name) or (label and shown not in name):
            wrong.append(match.group(0))
    return wrong


def test_controls_say_what_they_show(client, alice, erin):
    feed = FeedFactory(title="Example wire")
    FeedFactory(title="Paused wire", active=False)
    ArticleFactory(feed=feed, title="From the wire")
    claim = ClaimFactory(article=ArticleFactory(title="Dam story"))
    client_for(client, erin)
    feeds = client.get(reverse("feeds")).content.decode()
    assert 'aria-label="Poll now: Example wire"' in feeds
    pages = [
        feeds,
        client.get(reverse("articles"), {"feed": feed.pk}).content.decode(),
        client.get(reverse("queue"), {"article": claim.article_id}).content.decode(),
    ]
    assert [_controls_whose_name_hides_their_text(page) for page in pages] == [[], [], []]


def test_bulk_apply_with_nothing_selected_says_so(client, erin):
    response = client_for(client, erin).post(
        reverse("queue-bulk"), {"action": "release"}, follow=True
    )
    assert b"Select at least one claim first." in response.content


def test_adding_a_feed_twice_says_it_is_on_the_desk(client, erin):
    FeedFactory(url="https://news.example.org/rss")
    response = client_for(client, erin).post(
        reverse("feeds"), {"url": "https://news.example.org/rss", "poll_interval": 15}
    )
    assert b"This feed is already on the desk." in response.content


def test_a_feeds_article_count_leads_to_its_articles(client, alice):
    feed, other = FeedFactory(title="Wire"), FeedFactory()
    ArticleFactory(feed=feed, title="From the wire")
    ArticleFactory(feed=other, title="From elsewhere")
    body = client_for(client, alice).get(reverse("articles"), {"feed": feed.pk}).content.decode()
    assert "From the wire" in body and "From elsewhere" not in body
    assert "From the feed Wire" in body


def test_a_reviewer_is_not_invited_to_add_feeds(client, alice, erin):
    assert b"An editor adds them." in client_for(client, alice).get(reverse("feeds")).content
    assert b"An editor adds them." in client.get(reverse("dashboard")).content
    assert b"Add one" in client_for(client, erin).get(reverse("dashboard")).content


def test_adding_a_known_article_says_so(client, alice):
    client_for(client, alice)
    data = {"source": "text", "text": "The mayor said the dam is safe.", "title": "Dam"}
    client.post(reverse("article-add"), data)
    response = client.post(reverse("article-add"), {**data, "title": "Dam again"}, follow=True)
    assert b"already on the desk" in response.content
    assert Article.objects.count() == 1


def test_the_lockout_page_says_how_long_it_lasts(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="rita", role="reviewer")
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "rita", "password": "bad"})
    assert response.status_code == 429
    assert b"try again in 15 minutes" in response.content


@pytest.mark.parametrize("model", ADMIN_LISTS)
def test_an_admin_list_filter_with_a_nul_is_refused(client, model):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = client_for(client, root).get(f"/admin/{model}/", {"q": "a\x00b"})
    assert response.status_code == 302 and response["Location"] == f"/admin/{model}/"


def test_a_failed_article_has_a_button_to_try_again(
    client, alice, django_capture_on_commit_callbacks
):
    article = ArticleFactory(status="failed", error="HTTP 503")
    client_for(client, alice)
    page = client.get(reverse("article-detail", args=[article.pk])).content.decode()
    assert reverse("article-retry", args=[article.pk]) in page and "Try again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("article-retry", args=[article.pk]))
    assert response.status_code == 302 and f"ids={article.pk}" in response["Location"]
    article.refresh_from_db()
    assert article.status == "processed" and article.claims.count() == 1
    page = client.get(reverse("article-detail", args=[article.pk])).content.decode()
    assert "Try again" not in page


def test_adding_a_failed_articles_url_again_says_it_is_tried_again(
    client, alice, allow_private, server
):
    url = server.url("article.html")
    ArticleFactory(status="failed", error="HTTP 503", text="", source_url=url, url=url)
    response = client_for(client, alice).post(
        reverse("article-add"), {"source": "url", "url": url}, follow=True
    )
    assert b"it had failed, and is being tried again" in response.content


@pytest.mark.parametrize(
    "huge",
    [
        "9223372036854775808",
        "9" * 5000,
        "1,9223372036854775808",
        "-99999999999999999999",
        "+99999999999999999999",
        "99_999_999_999_999_999_999",
        "\uff11" * 20,  # full-width digits, which int() reads too
    ],
)
def test_admin_numbers_beyond_any_id_are_refused(client, alice, huge):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client_for(client, root)
    response = client.get("/admin/claims/claim/", {"id__in": huge})
    assert response.status_code == 302 and response["Location"] == "/admin/claims/claim/"
    claim = ClaimFactory()
    response = client.post(f"/admin/claims/claim/{claim.pk}/change/", {"covers": huge})
    assert response.status_code == 302
    response = client.post(f"/admin/auth/user/{alice.pk}/change/", {"groups": huge})
    assert response.status_code == 302
    assert list(alice.groups.values_list("name", flat=True)) == ["reviewer"]


def test_a_bulk_file_repeating_one_article_follows_it_once(client, alice):
    line = json.dumps({"text": "The mayor said the dam is safe."}).encode()
    upload = SimpleUploadedFile("same.jsonl", b"\n".join([line] * 50))
    response = client_for(client, alice).post(
        reverse("article-add"), {"source": "file", "file": upload}
    )
    article = Article.objects.get()
    assert f"?ids={article.pk}&job=" in response["Location"]


def test_long_numbers_outside_id_fields_pass_the_admin_checks(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    article = ArticleFactory(title="Ledger 12345678901234567890")
    client_for(client, root)
    response = client.get("/admin/claims/article/", {"q": "12345678901234567890"})
    assert response.status_code == 200 and b"Ledger" in response.content
    response = client.post(
        f"/admin/claims/article/{article.pk}/change/",
        {"title": "98765432109876543210", "text": article.text},
        follow=True,
    )
    # The form is handled by the admin (saved, or shown with its own errors), not refused.
    assert b"beyond any id" not in response.content
    assert b"98765432109876543210" in response.content


def test_take_next_from_a_queue_of_one_article_stays_in_it(client, alice):
    ClaimFactory(priority=0.9)
    wanted = ClaimFactory(priority=0.1)
    client_for(client, alice)
    page = client.get(reverse("queue"), {"article": wanted.article_id}).content.decode()
    assert "Take next in this article" in page
    assert f'<input type="hidden" name="article" value="{wanted.article_id}">' in page
    response = client.post(reverse("take-next"), {"article": wanted.article_id})
    assert response["Location"] == reverse("claim-review", args=[wanted.pk])
    response = client.post(reverse("take-next"), {"article": wanted.article_id}, follow=True)
    assert b"No unassigned claim of this article is waiting." in response.content
    assert response.redirect_chain[-1][0] == f"/queue/?article={wanted.article_id}"


def test_a_bulk_url_that_fails_when_fetched_counts_as_failed(
    client, alice, allow_private, server, django_capture_on_commit_callbacks
):
    lines = [
        json.dumps({"url": server.url("missing.html")}),  # queued, then a 404
        json.dumps({"text": "The minister said the plant would close."}),
        "not json",
    ]
    upload = SimpleUploadedFile("mixed.jsonl", "\n".join(lines).encode())
    with django_capture_on_commit_callbacks(execute=True):
        client_for(client, alice).post(reverse("article-add"), {"source": "file", "file": upload})
    job = IngestionJob.objects.get()
    assert (job.total, job.done, job.duplicates, job.failed) == (3, 1, 0, 2)
    failed = Article.objects.get(status="failed")
    assert {"line": 3, "reason": job.errors[0]["reason"]} in job.errors
    assert {"article": failed.pk, "reason": failed.error} in job.errors
    assert job.finished_at is not None


def test_bulk_apply_with_nothing_selected_says_only_that(client, erin):
    response = client_for(client, erin).post(
        reverse("queue-bulk"), {"action": "dismiss"}, follow=True
    )
    assert b"Select at least one claim first." in response.content
    assert b"Say why the claims are dismissed." not in response.content


def test_unsaved_evidence_shows_the_stance_as_people_read_it(client, alice, erin):
    claim = taken_by(alice)
    workflow.claim_release(claim=claim, actor=erin)
    response = client_for(client, alice).post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"url": "https://records.example.org/ledger", "stance": "refutes"},
    )
    assert "<dt>Stance</dt><dd>Refutes</dd>" in response.content.decode()


def test_queue_filter_errors_come_before_the_claims(client, alice):
    ClaimFactory()
    body = client_for(client, alice).get(reverse("queue"), {"min_score": "abc"}).content.decode()
    assert body.index("These filters were not applied") < body.index('id="queue-table"')


def test_a_failed_article_without_a_title_is_named_by_its_address(client, alice):
    article = ArticleFactory(
        status="failed", title="", text="", source_url="https://news.example.org/lost-story"
    )
    page = client_for(client, alice).get(reverse("article-detail", args=[article.pk]))
    assert '<h1 class="article-title">https://news.example.org/lost-story</h1>' in (
        page.content.decode()
    )


def test_the_history_names_ratings_by_their_labels(client, alice):
    claim = taken_by(alice)
    workflow.verdict_set(
        claim=claim,
        rating=rating("mostly-false"),
        summary="Records differ.",
        version=None,
        actor=alice,
    )
    page = client_for(client, alice).get(reverse("claim-review", args=[claim.pk])).content
    label = rating("mostly-false").label.encode()
    assert b'<div class="meta">' + label + b": Records differ.</div>" in page


def test_the_history_says_when_a_change_sent_a_submitted_claim_back_to_review(client, alice):
    claim = reviewed_claim(alice)
    workflow.verdict_set(
        claim=claim, rating=rating("false"), summary="Changed.", version=None, actor=alice
    )
    page = client_for(client, alice).get(reverse("claim-review", args=[claim.pk])).content
    history = page.decode().split('id="hist-title"')[1]
    # Once, for the verdict: the submission's own label says where the claim went.
    assert history.count("Reviewed → In Review") == 1
    assert "New → In Review" in history  # assigned from the queue


def test_a_jsonl_upload_splits_lines_on_newlines_only(client, alice):
    line = json.dumps({"text": "The mayor said\u2028the dam is safe."}, ensure_ascii=False)
    upload = SimpleUploadedFile("sep.jsonl", (line + "\r\n").encode())
    client_for(client, alice).post(reverse("article-add"), {"source": "file", "file": upload})
    job = IngestionJob.objects.get()
    assert (job.total, job.failed) == (1, 0)


def test_adding_a_feed_spelled_another_way_says_it_is_on_the_desk(client, erin):
    FeedFactory(url="https://news.example.org/rss")
    response = client_for(client, erin).post(
        reverse("feeds"), {"url": "HTTPS://NEWS.example.org:443/rss", "poll_interval": 15}
    )
    assert b"This feed is already on the desk." in response.content
    assert Feed.objects.count() == 1


def test_every_label_and_aria_reference_names_an_element_on_the_page(client, erin):
    # A screen reader reads help and errors through these; a dangling one reads nothing.
    claim = taken_by(erin)
    job = IngestionJob.objects.create(kind="bulk", total=1)
    client_for(client, erin)
    pages = [
        reverse("claim-review", args=[claim.pk]),
        reverse("feeds"),
        reverse("article-add"),
        reverse("queue"),
        reverse("dashboard"),
        reverse("job-detail", args=[job.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        ids = set(re.findall(r'\bid="([^"]+)"', body))
        references = re.findall(
            r'\b(?:for|aria-describedby|aria-labelledby|aria-controls)="([^"]+)"', body
        )
        missing = {ref for refs in references for ref in refs.split()} - ids
        assert not missing, f"{url}: {sorted(missing)}"


def test_a_rating_label_reads_on_any_colour_an_admin_picks(client):
    from claims.models import Rating

    Rating.objects.filter(slug="true").update(colour="#ffeb3b")  # a light yellow
    body = client.get(reverse("ratings-public")).content.decode()
    assert 'style="background: #ffeb3b; color: #000">True<' in body
    assert 'style="background: #c62828; color: #fff">False<' in body
    # Defaults whose white text fell under 4.5:1 now get dark text.
    assert Rating.objects.get(slug="half-true").ink == "#000"
    assert Rating(colour="not a colour").ink == "#fff"


# --- found by probing the dashboard's forms ---------------------------------------------------


def test_flagged_until_a_day_includes_that_day(client, alice):
    from django.utils import timezone

    claim = ClaimFactory(text="The mayor said the bridge was fine.")
    today = timezone.localdate(claim.created_at).isoformat()
    client_for(client, alice)
    body = client.get(
        reverse("queue"), {"created_after": today, "created_before": today}
    ).content.decode()
    assert claim.text in body  # "until" ended at midnight before the day
    assert f'name="created_before" value="{today}"' in body
    far = client.get(reverse("queue"), {"created_before": "9999-12-31"})
    assert far.status_code == 200 and claim.text in far.content.decode()  # no overflow


def test_a_feed_title_too_long_says_so(client, erin):
    response = client_for(client, erin).post(
        reverse("feeds"), {"url": "https://news.example.org/rss", "title": "t" * 501}
    )
    assert b"Ensure this value has at most 500 characters" in response.content
    assert not Feed.objects.exists()


def test_removing_a_source_removed_from_another_page_says_so(client, alice):
    claim = taken_by(alice)
    evidence = EvidenceFactory(claim=claim)
    gone = evidence.pk
    evidence.delete()
    response = client_for(client, alice).post(
        reverse("claim-evidence-remove", args=[claim.pk, gone]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200  # swapped in: the panel shows the list as it is
    assert b"This source was removed already." in response.content
    assert client.post(reverse("claim-evidence-remove", args=[999999, gone])).status_code == 404


def test_an_htmx_request_after_the_session_ended_sends_the_page_to_login(client):
    claim = ClaimFactory()
    page = f"http://testserver{reverse('claim-review', args=[claim.pk])}"
    response = client.post(  # nothing typed (a button): straight to the login page
        reverse("claim-evidence-add", args=[claim.pk]),
        {"stance": "refutes"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=page,
    )
    # A redirect was followed inside the request and the login page swapped into the panel.
    assert response.status_code == 401
    back = reverse("claim-review", args=[claim.pk])
    assert response["HX-Redirect"] == f"{reverse('login')}?next={back}"
    # Only the path is kept: never back to another site.
    for current, back in [("https://elsewhere.example.org/x/", "/x/"), ("", reverse("dashboard"))]:
        response = client.post(
            reverse("claim-evidence-add", args=[claim.pk]),
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL=current,
        )
        assert response["HX-Redirect"] == f"{reverse('login')}?next={back}"


def test_a_bulk_action_that_cannot_be_applied_keeps_the_ticks_and_the_reason(client, erin):
    claims = ClaimFactory.create_batch(3)
    client_for(client, erin)
    ids = [claims[0].pk, claims[2].pk]
    response = client.post(reverse("queue-bulk"), {"action": "dismiss", "ids": ids}, follow=True)
    body = response.content.decode()
    # Beside its field and tied to it, so focus lands there and the error is read out.
    assert 'aria-invalid="true" aria-describedby="bulk-reason-error"' in body
    assert '<p class="error-text" id="bulk-reason-error">Say why the claims are dismissed.</p>' in (
        body
    )
    assert body.count("Say why the claims are dismissed.") == 1
    for claim in claims:
        ticked = f'claim-{claim.pk}" aria-label="Select" checked>' in body
        assert ticked == (claim.pk in ids)
    data = {"action": "assign", "ids": ids, "assignee": "abc", "reason": "kept words"}
    body = client.post(reverse("queue-bulk"), data, follow=True).content.decode()
    assert "Enter a whole number." in body and "Choose a reviewer." not in body
    assert 'id="bulk-assignee" aria-invalid="true" aria-describedby="bulk-assignee-error"' in body

    assert '<option value="assign" selected>' in body and 'value="kept words"' in body
    again = client.get(reverse("queue")).content.decode()  # kept for one showing only
    assert f'claim-{ids[0]}" aria-label="Select" checked>' not in again
    assert f'claim-{ids[0]}" aria-label="Select">' in again


def test_a_reason_too_long_is_not_also_called_missing(client, alice):
    claim = ClaimFactory()
    data = {"action": "dismiss", "ids": [claim.pk], "reason": "x" * (workflow.MAX_REASON + 1)}
    body = client_for(client, alice).post(reverse("queue-bulk"), data, follow=True).content
    assert b"at most 5000 characters" in body and b"Say why" not in body


def test_a_bad_url_is_not_also_called_missing(client, alice):
    response = client_for(client, alice).post(
        reverse("article-add"), {"source": "url", "url": "not a url"}
    )
    assert b"Enter a valid URL." in response.content
    assert b"This is needed for the source you chose." not in response.content


def test_a_bulk_version_that_is_no_number_refuses_that_claim(client, erin, bob):
    claim = ClaimFactory()
    data = {"action": "dismiss", "ids": [claim.pk], "reason": "opinion"}
    data[f"version-{claim.pk}"] = "abc"  # an altered page: the stale check was skipped
    response = client_for(client, erin).post(reverse("queue-bulk"), data, follow=True)
    assert b"out of date or was altered" in response.content
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.NEW


def test_a_verdict_form_with_an_altered_version_says_so(client, alice):
    claim = taken_by(alice)
    response = client_for(client, alice).post(
        reverse("claim-verdict", args=[claim.pk]),
        {"rating": rating("false").pk, "summary": "No record of it.", "version": "abc"},
    )
    assert response.status_code == 400
    assert b"This page is out of date or was altered" in response.content
    assert b"No record of it." in response.content  # what was typed stays


def test_an_unknown_source_to_add_from_says_so(client, alice):
    response = client_for(client, alice).post(reverse("article-add"), {"source": "ftp"})
    assert b"Select a valid choice." in response.content


def test_a_login_with_a_nul_in_the_name_says_what_is_wrong(client, alice):
    response = client.post(reverse("login"), {"username": "al\x00ice", "password": PASSWORD})
    assert response.status_code == 200
    assert b"Username: Null characters are not allowed." in response.content


def test_a_source_spelled_another_way_is_already_in_the_evidence(client, alice):
    claim = taken_by(alice)
    EvidenceFactory(claim=claim, url="https://records.example.org/a")
    client_for(client, alice)
    for url in ["HTTPS://Records.Example.org/a", "https://records.example.org:443/a"]:
        response = client.post(
            reverse("claim-evidence-add", args=[claim.pk]), {"url": url, "stance": "refutes"}
        )
        assert b"already in the claim&#x27;s evidence" in response.content, url
    section = {"url": "https://records.example.org/a#part-2", "stance": "refutes"}
    client.post(reverse("claim-evidence-add", args=[claim.pk]), section)
    assert claim.evidence.count() == 2  # another part of the source is another citation


def test_a_feed_with_a_fragment_is_the_feed_without_it(client, erin):
    FeedFactory(url="https://news.example.org/rss")
    response = client_for(client, erin).post(
        reverse("feeds"), {"url": "https://news.example.org/rss#latest", "poll_interval": 15}
    )
    assert b"This feed is already on the desk." in response.content
    assert Feed.objects.count() == 1


def test_a_source_with_invisible_characters_in_its_address_is_refused(client, alice):
    claim = taken_by(alice)
    response = client_for(client, alice).post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"url": "https://exa\u202emple.org/a", "stance": "refutes"},
    )
    assert response.status_code == 400
    assert not claim.evidence.exists()


def test_an_unknown_claim_action_is_a_404(client, erin):
    claim = ClaimFactory()
    response = client_for(client, erin).post(reverse("claim-action", args=[claim.pk, "bogus"]))
    assert response.status_code == 404


def test_a_bad_link_beside_pasted_text_is_reported_under_the_url(client, alice):
    data = {"source": "text", "text": "The mayor said the dam held.", "url": "ftp://x.org/a"}
    form = client_for(client, alice).post(reverse("article-add"), data).context["form"]
    assert list(form.errors) == ["url"]


def test_changing_the_sources_of_a_submitted_claim_shows_the_whole_page_again(client, alice):
    # Only the panel was swapped: the page kept "Reviewed" and a stale version.
    claim = reviewed_claim(alice)
    response = client_for(client, alice).post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"url": "https://records.example.org/more", "stance": "refutes"},
        HTTP_HX_REQUEST="true",
    )
    # Not the page plus "#evidence": the browser would only scroll (tests/e2e).
    assert response["HX-Redirect"] == reverse("claim-review", args=[claim.pk])
    page = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert "went back to review" in page


def test_the_review_page_says_in_words_why_each_cue_flagged_the_sentence(client, alice):
    # On the text the reason is a tooltip, which keyboard and touch users never see.
    claim = taken_by(alice)
    response = client_for(client, alice).get(reverse("claim-review", args=[claim.pk]))
    cues = response.content.decode().split('id="cues"')[1].split("</ul>")[0]
    assert "flagged because" in cues


def test_a_failed_login_leaves_focus_for_its_error(client):
    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert b"autofocus" not in response.content  # focus goes to the error, which is read out
    assert b"autofocus" in client.get(reverse("login")).content


def test_every_rating_label_is_readable_on_its_colour():
    from claims.models import Rating

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for scale_step in Rating.objects.all():
        ink = {"#fff": "#ffffff", "#000": "#000000"}[scale_step.ink]
        light, dark = sorted([luminance(scale_step.colour), luminance(ink)], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (scale_step.label, scale_step.colour)


# --- found by a security audit -------------------------------------------------------------


def test_desk_pages_are_not_kept_by_the_browser(client, alice):
    response = client_for(client, alice).get(reverse("queue"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_form_on_an_https_page_never_sends_back_to_plain_http(client, alice):
    response = client_for(client, alice).post(
        reverse("queue-bulk"),
        {"action": "release", "next": "http://testserver/queue/?status=new"},
        secure=True,
    )
    assert response.status_code == 302 and response["Location"] == reverse("queue")
    same_scheme = client.post(
        reverse("queue-bulk"),
        {"action": "release", "next": "https://testserver/queue/?status=new"},
        secure=True,
    )
    assert same_scheme["Location"] == "https://testserver/queue/?status=new"


def test_the_csrf_cookie_is_out_of_scripts_reach(client):
    response = client.get(reverse("login"))
    assert response.cookies["csrftoken"]["httponly"] is True


def test_a_rating_colour_is_a_hex_colour():
    from django.core.exceptions import ValidationError

    from claims.models import Rating

    rating = Rating.objects.first()
    rating.colour = "red;x:"
    with pytest.raises(ValidationError, match="#rrggbb"):
        rating.full_clean()


def test_an_all_digit_password_or_one_like_the_username_is_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = UserFactory(username="ritaolsen", role="reviewer")
    for password in ("40918273645", "ritaolsen1"):
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_pages_carry_a_content_security_policy(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_a_dismissed_claim_is_put_back_from_its_page(client, alice, bob):
    claim = workflow.claim_dismiss(claim=ClaimFactory(), actor=alice, reason="satire")
    client_for(client, bob)
    page = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert "Put back in the queue" in page and "Dismissed: satire" in page

    response = client.post(
        reverse("claim-action", args=[claim.pk, "restore"]),
        {"reason": "Not satire after all", "version": claim.version},
        follow=True,
    )

    page = response.content.decode()
    assert "Put back in the queue." in page
    assert "put the claim back in the queue" in page and "Not satire after all" in page
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW


def test_a_bulk_dismissal_is_undone_from_the_queue(client, alice):
    claims = ClaimFactory.create_batch(3)
    client_for(client, alice)
    ids = [c.pk for c in claims[:2]]
    client.post(reverse("queue-bulk"), {"action": "dismiss", "ids": ids, "reason": "oops"})
    page = client.get(reverse("queue"), {"status": "dismissed"}).content.decode()
    assert 'value="restore"' in page and all(f'value="{pk}"' in page for pk in ids)

    response = client.post(reverse("queue-bulk"), {"action": "restore", "ids": ids}, follow=True)

    assert b"Put 2 claims back in the queue." in response.content
    assert set(Claim.objects.values_list("status", flat=True)) == {"new"}


def test_pausing_a_feed_from_a_stale_page_does_not_resume_it(client, erin):
    feed = FeedFactory(active=True)
    client_for(client, erin)
    page = client.get(reverse("feeds")).content.decode()
    assert 'name="active" value="0"' in page  # the Pause button asks for paused

    client.post(reverse("feed-toggle", args=[feed.pk]), {"active": "0"})  # first tab
    response = client.post(reverse("feed-toggle", args=[feed.pk]), {"active": "0"}, follow=True)

    feed.refresh_from_db()
    assert feed.active is False
    assert "was already paused" in response.content.decode()
    client.post(reverse("feed-toggle", args=[feed.pk]), {"active": "1"})
    feed.refresh_from_db()
    assert feed.active is True


def test_a_feed_interval_below_one_minute_says_one_is_the_least(client, erin):
    client_for(client, erin)
    for interval in (-5, 0):
        response = client.post(
            reverse("feeds"), {"url": "https://news.example.org/rss", "poll_interval": interval}
        )
        page = response.content.decode()
        assert "greater than or equal to 1." in page and "equal to 0" not in page
    assert not Feed.objects.exists()


def test_a_reviewer_is_not_offered_to_dismiss_a_claim_under_correction(client, alice, erin):
    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    claim = workflow.claim_reopen(claim=claim, actor=erin, reason="A new record.")
    workflow.claim_assign(claim=claim, assignee=alice, actor=erin)

    page = client_for(client, alice).get(reverse("claim-review", args=[claim.pk]))
    assert "why not check-worthy" not in page.content.decode()
    page = client_for(client, erin).get(reverse("claim-review", args=[claim.pk]))
    assert "why not check-worthy" in page.content.decode()


def test_the_holder_of_a_claim_is_offered_to_keep_it_before_its_lease_ends(client, alice, erin):
    claim = taken_by(alice)
    page = client_for(client, alice).get(reverse("claim-review", args=[claim.pk])).content.decode()
    dialog = re.search(r'<dialog id="lease-dialog".*?</dialog>', page, re.S).group(0)
    assert 'role="alertdialog"' in dialog and ">Keep it</button>" in dialog
    assert f'hx-post="{reverse("claim-renew", args=[claim.pk])}"' in dialog
    # Beside the lease note too: kept at any time, with or without script.
    assert page.count(">Keep it</button>") == 2
    seconds = int(re.search(r'id="lease-note"[^>]* data-seconds="(\d+)"', page).group(1))
    assert 29 * 60 < seconds <= 30 * 60
    # An editor reading someone else's claim holds no lease to keep.
    page = client_for(client, erin).get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert "lease-dialog" not in page and "lease ends in" in page


@pytest.mark.parametrize("htmx", [True, False])
def test_keep_it_renews_the_lease_and_says_until_when(client, alice, bob, htmx):
    from datetime import timedelta

    from django.utils import timezone

    claim = taken_by(alice)
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() + timedelta(minutes=2))
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("claim-renew", args=[claim.pk])

    response = client_for(client, bob).post(url, **headers)
    claim.refresh_from_db()
    assert claim.lease_expires_at < timezone.now() + timedelta(minutes=3)
    if htmx:
        assert response.status_code == 400
        assert "only they or an editor" in response.content.decode()

    response = client_for(client, alice).post(url, **headers)
    claim.refresh_from_db()
    assert claim.lease_expires_at > timezone.now() + timedelta(minutes=29)
    assert claim.version == 2 and claim.events.count() == 1  # the assignment alone
    if htmx:
        assert response.status_code == 200
        note = response.content.decode()
        assert note.startswith('<span class="meta" id="lease-note"') and "kept" in note
        assert "lease ends in 29\xa0minutes" in note or "lease ends in 30\xa0minutes" in note
    else:
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "You keep the claim: its lease now ends at" in page
    assert client.get(url).status_code == 302  # a GET renews nothing


def test_an_expired_lease_is_shown_as_expired_promising_no_take(client, alice, bob):
    from datetime import timedelta

    from django.utils import timezone

    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=alice)
    client_for(client, alice)
    for url in (reverse("claim-review", args=[claim.pk]), reverse("dashboard")):
        assert "lease ends in 29\xa0minutes" in client.get(url).content.decode()

    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() - timedelta(minutes=1))

    for url in (reverse("claim-review", args=[claim.pk]), reverse("dashboard")):
        page = client.get(url).content.decode()
        assert "lease expired: it goes back to the queue shortly" in page
        assert "lease ends" not in page
    # It said "anyone may take it now", and showed no one a way to: a claim in review is
    # taken once the housekeeping has put it back in the queue (workflow.claim_take).
    page = client_for(client, bob).get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert "take it now" not in page and 'id="take-btn"' not in page


def test_clock_times_are_shown_in_the_desks_time_zone_and_name_it(client, alice, settings):
    # They were in UTC, and said nothing of it.
    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    claim = taken_by(alice)
    ReviewEvent.objects.filter(claim=claim).update(created_at="2026-01-15T17:05:00Z")
    Article.objects.filter(pk=claim.article_id).update(published_at="2026-07-01T12:30:00Z")
    job = IngestionJob.objects.create(kind="bulk", total=1)
    IngestionJob.objects.filter(pk=job.pk).update(started_at="2026-01-15T17:05:00Z")
    client_for(client, alice)
    page = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    assert ">15 Jan 12:05 EST</time>" in page
    page = client.get(reverse("article-detail", args=[claim.article_id])).content.decode()
    assert "1 Jul 2026 08:30 EDT" in page
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "started 15 Jan 2026 12:05 EST" in page


def test_the_progress_page_counts_the_claims_its_queue_link_shows(client, alice):
    article = ArticleFactory(status="processed")
    ClaimFactory(article=article, start=0, end=10)
    dropped = ClaimFactory(article=article, start=20, end=30)
    workflow.claim_dismiss(claim=dropped, actor=alice, reason="Opinion.")
    client_for(client, alice)
    page = client.get(reverse("article-progress"), {"ids": article.pk}).content.decode()
    assert "1 claim in the queue</a> (2 flagged; the others are published or dismissed)" in page
    queue = client.get(reverse("queue"), {"article": article.pk}).content.decode()
    assert queue.count('name="ids"') == 1


def test_a_reviewer_takes_the_claim_they_are_reading(client, alice, bob):
    head = ClaimFactory(priority=0.9)
    reading = ClaimFactory(priority=0.1)
    client_for(client, alice)
    page = client.get(reverse("claim-review", args=[reading.pk])).content.decode()
    assert "Take this claim" in page

    response = client.post(
        reverse("claim-action", args=[reading.pk, "take"]),
        {"version": reading.version},
        follow=True,
    )

    assert "The claim is yours." in response.content.decode()
    reading.refresh_from_db()
    head.refresh_from_db()
    assert (reading.status, reading.assignee) == (Claim.Status.IN_REVIEW, alice)
    assert head.status == Claim.Status.NEW  # not the head of the queue
    response = client_for(client, bob).post(
        reverse("claim-action", args=[reading.pk, "take"]), follow=True
    )
    assert "not waiting in the queue (it is in review, with alice)" in response.content.decode()


def test_a_verdict_typed_after_the_session_ended_is_given_back_not_kept(client, alice, bob):
    claim = taken_by(alice)
    # The session ended (expired, or logged out in another tab) while the form was open.
    response = client.post(
        reverse("claim-verdict", args=[claim.pk]),
        {"rating": rating("false").pk, "summary": "Records show no dam work.", "version": 2},
    )
    page = response.content.decode()
    assert response.status_code == 401 and "nothing was saved" in page
    assert "Records show no dam work." in page  # to copy
    assert f"/login/?next=/claims/{claim.pk}/verdict/" in page

    # Kept nowhere: the next person to log in on this browser does not see it.
    response = client.post(
        f"/login/?next=/claims/{claim.pk}/", {"username": "bob", "password": "pass-word-123"}
    )
    assert "Records show no dam work." not in client.get(response["Location"]).content.decode()
    assert "Records show no dam work." not in client.get(reverse("dashboard")).content.decode()


def test_evidence_typed_after_the_session_ended_comes_back_into_its_panel(client, alice):
    claim = taken_by(alice)
    response = client.post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"url": "https://records.example.org/a", "note": "Court filing, page 4."},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'id="session-ended"' in page
    assert response["HX-Reswap"] == "afterbegin"  # on top of the panel, its fields kept
    assert "Court filing, page 4." in page and "<html" not in page


PASTED_PAGE = "<html><body><article><p>The dam at Lake Orrin was safe.</p></article></body></html>"


def test_html_pasted_after_the_session_ended_is_given_back(client):
    response = client.post(reverse("article-add"), {"source": "html", "html": PASTED_PAGE})
    assert response.status_code == 401  # was a redirect to the login page: the page lost
    assert "The dam at Lake Orrin was safe." in response.content.decode()


def test_html_pasted_in_a_form_from_before_a_new_login_is_given_back(alice):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post(
        reverse("article-add"),
        {"source": "html", "html": PASTED_PAGE, "csrfmiddlewaretoken": "stale"},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 403
    assert "The dam at Lake Orrin was safe." in response.content.decode()


def test_a_long_paste_is_given_back_whole(client):
    text = "Officials said the dam was safe. " * 1000 + "The last paragraph."
    response = client.post(reverse("article-add"), {"source": "text", "text": text})
    page = response.content.decode()
    assert "The last paragraph." in page and "only the first" not in page


def test_a_paste_too_long_to_give_back_says_it_was_cut(client):
    text = "x" * 1_000_000 + "The last paragraph."
    response = client.post(reverse("article-add"), {"source": "text", "text": text})
    page = response.content.decode()
    assert "The last paragraph." not in page
    assert "only the first 1,000,000 characters are shown" in page


def _refused_evidence_post(user, data: dict, origin: str):
    """Evidence posted by `user` with a CSRF token the desk refuses (an old page's)."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    claim = taken_by(user)
    return browser.post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {**data, "csrfmiddlewaretoken": "stale-token-from-an-old-page"},
        HTTP_ORIGIN=origin,
    )


def test_a_form_from_before_a_new_login_explains_itself_and_keeps_the_text(alice):
    response = _refused_evidence_post(
        alice,
        {"url": "https://records.example.org/a", "note": "Court filing, page 4."},
        "http://testserver",
    )
    page = response.content.decode()
    assert response.status_code == 403 and "page that is out of date" in page
    assert "Court filing, page 4." in page and "https://records.example.org/a" in page


def test_a_forged_post_from_another_site_is_not_shown_as_typed_text(alice):
    response = _refused_evidence_post(
        alice,
        {"url": "https://evil.example.net/", "note": "Call this number to verify."},
        "https://evil.example.net",
    )
    page = response.content.decode()
    assert response.status_code == 403 and "page that is out of date" in page
    assert "Call this number" not in page


def test_bulk_assign_does_not_count_claims_the_reviewer_already_had(client, bob, erin):
    mine = taken_by(bob)
    other = ClaimFactory()
    data = {"action": "assign", "ids": [mine.pk, other.pk], "assignee": bob.pk}
    response = client_for(client, erin).post(reverse("queue-bulk"), data, follow=True)
    page = response.content.decode()
    assert "Assigned 1 claim." in page and "1 claim was already bob&#x27;s" in page


def test_a_refused_form_behind_a_proxy_gives_its_text_back_for_a_trusted_origin(alice, settings):
    # nginx sends Host: 127.0.0.1:8000; the browser's Origin is the public address.
    settings.CSRF_TRUSTED_ORIGINS = ["https://desk.example.org"]
    response = _refused_evidence_post(
        alice,
        {"url": "https://records.example.org/a", "note": "Court filing, page 4."},
        "https://desk.example.org",
    )
    assert response.status_code == 403 and "Court filing, page 4." in response.content.decode()


def test_a_broken_htmx_current_url_is_no_error(client):
    claim = ClaimFactory()
    response = client.post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"note": "Court filing, page 4."},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://[bad/",
    )
    assert response.status_code == 200 and "/login/?next=/dashboard/" in response.content.decode()


def test_an_upload_past_the_limit_is_dropped_while_it_arrives(client, alice, monkeypatch):
    # The size was checked once Django had written the whole file to a temporary file.
    from django.core.files import uploadhandler

    stored = []
    receive = uploadhandler.TemporaryFileUploadHandler.receive_data_chunk

    def counted(self, raw_data, start):
        stored.append(len(raw_data))
        return receive(self, raw_data, start)

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "receive_data_chunk", counted)
    line = b'{"text": "The mayor said the bridge would reopen.", "title": "Bridge"}\n'
    big = SimpleUploadedFile("batch.jsonl", line * (21 * 1024 * 1024 // len(line)))
    response = client_for(client, alice).post(
        reverse("article-add"), {"source": "file", "title": "Kept", "file": big}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file is larger than 20 MB." in page
    assert "This is needed for the source you chose" not in page
    assert 'value="Kept"' in page  # the other fields are still read
    assert sum(stored) <= 20 * 1024 * 1024
    assert not Article.objects.exists()

    small = SimpleUploadedFile("batch.jsonl", line)
    client_for(client, alice).post(reverse("article-add"), {"source": "file", "file": small})
    assert Article.objects.count() == 1


@pytest.mark.parametrize("next_page", ["abc", "0", "claim-review", "dashboard"])
def test_a_next_that_is_not_a_path_goes_back_to_the_usual_page(client, alice, next_page):
    # redirect() took it for the name of a URL: a 500 after the claim was dismissed.
    claim = ClaimFactory()
    browser = client_for(client, alice)
    bulk = browser.post(
        reverse("queue-bulk"),
        {"action": "dismiss", "ids": [claim.pk], "reason": "dup", "next": next_page},
    )
    assert bulk.status_code == 302 and bulk["Location"] == reverse("queue")
    other = ClaimFactory()
    page = browser.post(
        reverse("claim-action", args=[other.pk, "dismiss"]),
        {"reason": "dup", "version": other.version, "next": next_page},
    )
    assert page.status_code == 302 and page["Location"] != next_page
    other.refresh_from_db()
    assert other.status == Claim.Status.DISMISSED


def test_a_search_too_long_for_the_database_is_no_500(client, alice, django_user_model):
    ClaimFactory()
    browser = client_for(client, alice)
    for path in (reverse("articles"), reverse("queue")):
        assert browser.get(path, {"q": "a" * 50_000}).status_code == 200
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    FeedFactory()
    admin_page = client_for(client, root).get("/admin/claims/feed/", {"q": "a" * 50_000})
    assert admin_page.status_code == 302 and admin_page["Location"] == "/admin/claims/feed/"


def test_claims_are_not_added_by_hand_in_the_admin(client):
    # The add form hid the text and offsets a claim needs: every save was a 500.
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert client_for(client, root).get("/admin/claims/claim/add/").status_code == 403


def test_assigning_to_someone_not_there_says_so(client, erin):
    claim = ClaimFactory()
    response = client_for(client, erin).post(
        reverse("claim-action", args=[claim.pk, "assign"]),
        {"assignee": "999999", "version": claim.version},
        follow=True,
    )
    assert response.status_code == 200
    assert "Choose a reviewer from the list" in response.content.decode()


def test_a_queue_filter_with_an_offset_past_what_postgresql_takes_is_no_500(client, alice):
    ClaimFactory()
    client_for(client, alice)
    response = client.get(reverse("queue"), {"created_after": "2026-01-01T00:00:00-23:45"})
    assert response.status_code == 200


def test_a_form_too_large_to_take_says_so_and_what_to_do(client, alice, settings):
    # Django's own page said only "Bad Request (400)"; the paste was gone without a word.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    client_for(client, alice)
    response = client.post(
        reverse("article-add"), {"source": "text", "text": "Officials said so. " * 150_000}
    )
    # 413: htmx leaves a panel as it is on a 413 (it swapped a 400's whole page into it).
    assert response.status_code == 413
    body = response.content.decode()
    assert "too large to take" in body and "at most 2 MB" in body and "Back button" in body


def test_a_reviewer_sent_a_bulk_assign_is_told_why_it_was_refused(client, alice):
    # A reviewer's bulk bar has no reviewer list: the error beside it was shown nowhere.
    claim = ClaimFactory()
    client_for(client, alice)
    data = {"action": "assign", "ids": [claim.pk]}
    body = client.post(reverse("queue-bulk"), data, follow=True).content.decode()
    assert "Choose a reviewer." in body


@pytest.mark.parametrize(
    "language, noted", [("fr", True), ("es-MX", True), ("en-GB", False), ("", False)]
)
def test_an_article_in_another_language_says_detection_reads_english(
    client, alice, language, noted
):
    # It showed "No claim flagged." as for an English article with nothing to check.
    article = ArticleFactory(language=language)
    page = client_for(client, alice).get(reverse("article-detail", args=[article.pk]))
    assert ("detection reads English only" in page.content.decode()) is noted


def test_the_desk_and_the_public_page_date_a_review_alike(client, alice, erin, settings):
    # The public page stayed in UTC: a review published at 21:30 in New York was dated the
    # 15th on the desk and the 16th for readers.
    from claims.models import Verdict

    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    Verdict.objects.filter(claim=claim).update(published_at="2026-01-16T02:30:00Z")
    client_for(client, alice)
    desk = client.get(reverse("claim-review", args=[claim.pk])).content.decode()
    public = client.get(reverse("review-public", args=[claim.pk])).content.decode()
    assert "published 15 Jan 2026" in desk and "Published 15 January 2026" in public
    # The ClaimReview, in the page and from the API, dates it as the page does.
    assert '"datePublished": "2026-01-15"' in public
    review = client.get(f"/api/v1/claims/{claim.pk}/claimreview/").json()
    assert review["datePublished"] == "2026-01-15"


def test_the_articles_lists_count_the_claims_of_their_page_only(client, alice, settings):
    # Both lists annotated every article with its claim counts before paging: a GROUP BY
    # over every claim of the desk (1.5 s over 1,000,000) for a page of fifty.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    for n in range(3):
        article = ArticleFactory(title=f"Story {n}")
        ClaimFactory(article=article, start=0, end=10)
    dismissed = ClaimFactory(article=article, start=11, end=20)
    workflow.claim_dismiss(claim=dismissed, actor=alice, reason="Opinion.")
    client_for(client, alice)
    api = APIClient()
    api.force_authenticate(alice)
    for get in (lambda: client.get(reverse("articles")), lambda: api.get("/api/v1/articles/")):
        with CaptureQueriesContext(connection) as queries:
            assert get().status_code == 200
        counts = [q["sql"] for q in queries if 'FROM "claims_claim"' in q["sql"]]
        assert counts and all('"article_id" IN (' in sql for sql in counts), counts
    assert f'?article={article.pk}&amp;all=1">2</a> <span class="meta">(1 open)' in (
        client.get(reverse("articles")).content.decode()
    )
    listed = {a["title"]: a["claim_count"] for a in api.get("/api/v1/articles/").json()["results"]}
    assert listed == {"Story 0": 1, "Story 1": 1, "Story 2": 2}


def test_the_queue_counts_no_further_than_its_cap(client, alice, monkeypatch):
    # It counted every open claim on each load (0.1-0.9 s over 1,000,000 claims) and its
    # pages went as deep as that; past the cap it says "N+" and pages go as far as the cap.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.views import access, desk

    monkeypatch.setattr(access, "COUNT_CAP", 3)
    monkeypatch.setattr(desk, "PAGE_SIZE", 2)
    for n in range(5):
        ClaimFactory(start=n * 10, end=n * 10 + 5)
    client_for(client, alice)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("queue")).content.decode()
    assert "3+ claims · 3+ waiting" in page and "Page 1 of 2+ (filter to see the rest)" in page
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    assert len(counts) == 2 and all("LIMIT 4" in sql for sql in counts), counts
    few = client.get(reverse("queue"), {"article": Claim.objects.first().article_id})
    assert "1 claim · 3+ waiting" in few.content.decode()


def test_the_queue_counts_in_no_order(client, alice):
    # A sliced count kept the list's ORDER BY: PostgreSQL then walked the order's index,
    # testing every claim against a search or a feed (0.3-0.6 s over 1,000,000 claims).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ClaimFactory(text="The ceasefire held, officials said.")
    client_for(client, alice)
    for params in ({}, {"q": "ceasefire", "sort": "newest"}, {"feed": 1, "sort": "score"}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("queue"), params).status_code == 200
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
        assert len(counts) == 2 and not any("ORDER BY" in sql for sql in counts), counts


# --- highlighted text -----------------------------------------------------------------------

HIGHLIGHTED = (
    'Intro & <b>"odd"</b> café. The mayor\'s aide said the <dam> is "safe" & sound. '
    "Critics allegedly claimed it’s cracked. It rained. Officials reportedly said «no»."
)


def _at(words: str) -> tuple[int, int]:
    start = HIGHLIGHTED.index(words)
    return start, start + len(words)


def _flagged(pk, sentence, *, cues=(), speaker=None, **fields) -> Claim:
    start, end = _at(sentence)
    cues = [{"text": w, "start": _at(w)[0], "end": _at(w)[1], "category": c} for w, c in cues]
    claim = Claim(pk=pk, start=start, end=end, cues=cues, **fields)
    if speaker:
        claim.speaker_start, claim.speaker_end = _at(speaker)
    return claim


def test_the_highlighted_text_is_the_same_markup_byte_for_byte():
    # Pinned before highlight() was rewritten for speed: the pages' markup must not move.
    from claims.templatetags.desk import highlight

    claims = [
        _flagged(
            3,
            'The mayor\'s aide said the <dam> is "safe" & sound.',
            cues=[("said", "attributed"), ("aide said", "attributed")],
            speaker="The mayor's aide",
            status="new",
            category="attributed",
            score=0.61,
        ),
        _flagged(4, "aide said the <dam>", status="new", category="attributed", score=0.61),
        _flagged(
            5,
            "Critics allegedly claimed it’s cracked.",
            cues=[("allegedly", "hedged'\"<x>"), ("claimed", "disputed")],
            speaker="Critics allegedly",
            status="in_review",
            category="hedged",
            score=0.555,
        ),
        _flagged(
            6,
            "Officials reportedly said «no».",
            cues=[("reportedly", "hedged")],
            speaker="Officials",
            status="published",
            category="anonymous-source",
            score=1,
        ),
    ]
    claims[1].cues = "not a list"
    claims[2].cues.append({"start": "1", "end": 3})
    notes = {"aide said": 'A <verb> & "quote"', "allegedly": "n’t"}
    base, end = _at("The mayor")[0] + 4, _at("it’s")[0]

    pages = [
        highlight(HIGHLIGHTED, claims),
        highlight(HIGHLIGHTED, claims, current_id=5),
        highlight(HIGHLIGHTED, claims, link=False, notes=notes),
        highlight(HIGHLIGHTED[base:end], claims, base=base, notes=notes, current_id=5),
    ]

    expected = (
        (Path(__file__).parent / "fixtures" / "highlight.html")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    assert [str(page) for page in pages] == expected


@pytest.mark.parametrize(
    ("zone", "day", "before", "after"),
    [
        # The clock jumps from 23:59 to 01:00 there: the day starts at 01:00.
        ("America/Santiago", "2026-09-06", "2026-09-06T03:59:00Z", "2026-09-06T04:30:00Z"),
        ("Asia/Beirut", "2026-03-29", "2026-03-28T21:59:00Z", "2026-03-28T22:30:00Z"),
    ],
)
def test_the_queue_filters_a_day_whose_midnight_the_clock_skips(
    client, alice, settings, zone, day, before, after
):
    # "2026-09-06 00:00:00 couldn't be interpreted in time zone America/Santiago": the
    # filter was not applied.
    settings.FACTCHECK_TIME_ZONE = zone
    late = ClaimFactory(text="The mayor said the bridge was fine.")
    early = ClaimFactory(text="The governor said the road was open.")
    Claim.objects.filter(pk=late.pk).update(created_at=after)
    Claim.objects.filter(pk=early.pk).update(created_at=before)
    client_for(client, alice)
    previous = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    for query, shown in [
        ({"created_after": day}, [late]),
        ({"created_after": day, "created_before": day}, [late]),
        ({"created_before": previous}, [early]),
    ]:
        response = client.get(reverse("queue"), query)
        assert response.context["filter_errors"] == [], query
        assert list(response.context["page"].object_list) == shown, query


def test_a_corrected_reviews_page_gives_when_it_was_first_published_and_corrected(
    client, alice, erin, ed, settings
):
    # It said "Published <the correction's date>": the review's first date was nowhere.
    from claims.models import Verdict

    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    claim = workflow.claim_publish(claim=reviewed_claim(alice), actor=erin)
    claim = workflow.claim_reopen(claim=claim, actor=erin, reason="The office corrected it.")
    claim = workflow.claim_assign(claim=claim, assignee=alice, actor=erin, version=claim.version)
    claim = workflow.verdict_set(
        claim=claim, rating=rating("false"), summary="Still no.", version=claim.version, actor=alice
    )
    claim = workflow.claim_publish(claim=workflow.claim_submit(claim=claim, actor=alice), actor=ed)
    first, correction = Verdict.objects.filter(claim=claim).order_by("pk")
    Verdict.objects.filter(pk=first.pk).update(published_at="2026-03-06T02:00:00Z")  # 5 Mar EST
    Verdict.objects.filter(pk=correction.pk).update(published_at="2026-03-10T15:00:00Z")
    public = client.get(reverse("review-public", args=[claim.pk])).content.decode()
    assert "Published 5 March 2026; corrected 10 March 2026." in public
    assert "Correction (10 March 2026):" in public


def test_the_already_on_the_desk_message_dates_the_article_in_the_desks_zone(
    client, alice, settings
):
    # It was dated in UTC: an article added at 21:00 on 5 March in New York was "06 Mar".
    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    text = "The minister said the bridge would reopen next week, officials said. " * 4
    article = ArticleFactory(text=text)
    Article.objects.filter(pk=article.pk).update(
        created_at="2026-03-06T02:00:00Z", content_hash=ingestion.content_hash(text)
    )
    client_for(client, alice)
    response = client.post(
        reverse("article-add"), {"source": "text", "text": text, "title": "Bridge"}, follow=True
    )
    said = [str(message) for message in response.context["messages"]]
    assert any(f"(#{article.pk}, added 5 Mar 2026)" in message for message in said), said
