"""The desk in a real browser: review and publish, races, ingestion, and inert article HTML."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from claims import ingestion
from claims.models import Article, Claim
from tests.e2e.conftest import login, screenshot
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    FeedFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STORY = "\n\n".join(
    [
        "Harbor City officials said on Monday that the Tollgate depot handles only outgoing mail.",
        "A person familiar with the board's internal review, who spoke on condition of "
        "anonymity, said investigators had found nothing but shredded flyers.",
        "The Harbor Watch coalition claimed that thousands of ballots were discarded behind "
        "the depot.",
        "Northwind Wire cannot independently verify the group's claims or the authenticity of "
        "the video.",
        "Turnout was reported to be about 58 percent, according to the county clerk's office.",
    ]
)

XSS_STORY = "\n\n".join(
    [
        "Officials said <script>window.__xss=1</script> the dam at Lake Orrin was safe on Tuesday.",
        'Rebels claimed <img src=x onerror="window.__xss=1"> that the dam had burst overnight, '
        "flooding three villages.",
        "Northwind Wire cannot independently verify the group's claims.",
    ]
)


def ingest(text: str, title: str) -> Article:
    submitted = ingestion.submit_text(text, title=title)
    return ingestion.process_article(submitted.article.pk)


def reviewer_on_a_taken_claim(live_server, new_page):
    """Rita, a reviewer, logged in on the page of the claim she took from the queue of the
    ballots story; returns her page and the story."""
    UserFactory(username="rita", role="reviewer")
    article = ingest(STORY, "Harbor City ballots")
    page = new_page()
    login(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/queue/")
    page.get_by_role("button", name=re.compile("^Take next")).click()
    page.wait_for_url(re.compile(r"/claims/\d+/$"))
    return page, article


def desk_history(reviewer, editor) -> None:
    """A month of earlier work, so the dashboard's charts have something to show."""
    from datetime import timedelta

    from django.utils import timezone

    from claims import workflow
    from claims.models import Rating, Verdict
    from tests.factories import ClaimFactory, EvidenceFactory, FeedFactory

    now = timezone.now()
    FeedFactory(title="Northwind Wire — politics", last_polled_at=now - timedelta(minutes=4))
    FeedFactory(
        title="Lanvik Harbour Post",
        last_polled_at=now - timedelta(minutes=40),
        last_error="HTTP 503 from lanvik-post.example.org",
        failure_count=3,
    )
    ratings = list(Rating.objects.filter(is_final=True, requires_evidence=True))
    for i in range(14):
        claim = ClaimFactory(text=f"Earlier claim {i} that officials said was true.")
        claim = workflow.claim_assign(claim=claim, assignee=reviewer, actor=editor)
        EvidenceFactory(claim=claim)
        workflow.verdict_set(
            claim=claim,
            rating=ratings[i % len(ratings)],
            summary="Checked against the public record.",
            version=None,
            actor=reviewer,
        )
        workflow.claim_submit(claim=claim, actor=reviewer)
        workflow.claim_publish(claim=claim, actor=editor)
        day = now - timedelta(days=(i * 37) % 27 + 1, hours=i)
        Claim.objects.filter(pk=claim.pk).update(created_at=day - timedelta(hours=1 + i * 5))
        Verdict.objects.filter(claim=claim).update(submitted_at=day, published_at=day)
    stale = Claim.objects.filter(status="new").order_by("id")[:2]
    Claim.objects.filter(pk__in=[c.pk for c in stale]).update(created_at=now - timedelta(days=2))


def test_a_reviewer_checks_a_claim_and_an_editor_publishes_it(seeded, live_server, new_page):
    base = live_server.url
    rita = UserFactory(username="rita", role="reviewer")
    ed = UserFactory(username="ed", role="editor")
    article = ingest(STORY, "Harbor City ballots")
    assert article.claims.count() >= 3

    page = new_page()
    login(page, base, "rita")
    page.get_by_role("link", name="Queue", exact=True).click()
    expect(page.locator("#queue-table tbody tr")).to_have_count(article.claims.count())
    screenshot(page, "queue.png")

    page.get_by_role("button", name=re.compile("^Take next")).click()
    page.wait_for_url(re.compile(r"/claims/\d+/$"))
    claim_id = int(re.search(r"/claims/(\d+)/", page.url).group(1))
    claim = Claim.objects.get(pk=claim_id)
    assert claim.assignee.username == "rita"

    current = page.locator("#context mark.claim.current")
    expect(current).to_be_visible()
    expect(current).to_contain_text(claim.text[:40])
    cues = current.locator(".cue")
    expect(cues).to_have_count(len(claim.cues))
    assert "flagged because" in cues.first.get_attribute("title")
    assert cues.first.get_attribute("data-category") == claim.cues[0]["category"]
    expect(page.locator("#claim-status")).to_have_text("In Review")

    form = page.locator("#evidence-form")
    form.get_by_label("URL").fill("ftp://elections.example.org/audit.pdf")  # not a web link
    form.get_by_label("Stance").select_option("refutes")
    form.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#evidence-form .errorlist")).to_have_text(
        "Enter a web address (http:// or https://)."
    )
    # The panel is swapped in whole: focus goes to the field in error, not the page top.
    expect(page.locator("#evidence-form").get_by_label("URL")).to_be_focused()
    form = page.locator("#evidence-form")
    form.get_by_label("URL").fill("https://elections.example.org/harbor-city/audit")
    form.get_by_label("Title").fill("County audit of the Tollgate depot")
    form.get_by_label("Publisher").fill("Harbor County Elections Board")
    form.get_by_label("Stance").select_option("refutes")
    form.get_by_role("button", name="Add evidence").click()
    expect(page.locator(".evidence-list")).to_contain_text("County audit of the Tollgate depot")
    expect(page.locator("#evidence [role=status]")).to_be_focused()

    verdict = page.locator("#verdict-form")
    verdict.get_by_label("Rating").select_option(label="False")
    verdict.get_by_label("Summary").fill(
        "The county audit found no discarded ballots; the bin held campaign flyers."
    )
    verdict.get_by_role("button", name="Save verdict").click()
    expect(page.get_by_text("Verdict saved.")).to_be_visible()
    screenshot(page, "review.png")

    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("#claim-status")).to_have_text("Reviewed")
    expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)

    editor = new_page()
    login(editor, base, "ed")
    editor.goto(f"{base}/claims/{claim_id}/")
    editor.get_by_role("button", name="Approve and publish").click()
    expect(editor.locator("#claim-status")).to_have_text("Published")
    desk_history(rita, ed)
    editor.goto(f"{base}/dashboard/")
    expect(editor.locator(".activity")).to_contain_text("published the verdict")
    expect(editor.locator(".stat-published .num")).to_have_text("15")
    screenshot(editor, "dashboard.png")

    reader = new_page()
    reader.goto(f"{base}/reviews/{claim_id}/")
    expect(reader.locator(".review .rating")).to_have_text("False")
    expect(reader.locator(".review")).to_contain_text("the bin held campaign flyers")
    data = json.loads(reader.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "ClaimReview"
    assert data["reviewRating"]["alternateName"] == "False"
    assert data["url"].endswith(f"/reviews/{claim_id}/")


def test_two_reviewers_get_different_claims_and_a_stale_save_conflicts(
    seeded, live_server, new_page
):
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    UserFactory(username="rob", role="reviewer")
    ingest(STORY, "Harbor City ballots")

    rita, rob = new_page(), new_page()
    login(rita, base, "rita")
    login(rob, base, "rob")
    for page in (rita, rob):
        page.goto(f"{base}/queue/")
    # Both press Take next without waiting for the other.
    for page in (rita, rob):
        page.evaluate("document.getElementById('take-next').requestSubmit()")
    for page in (rita, rob):
        page.wait_for_url(re.compile(r"/claims/\d+/$"))
    ids = {page.url for page in (rita, rob)}
    assert len(ids) == 2
    assert Claim.objects.filter(status="in_review").count() == 2
    assert set(
        Claim.objects.filter(status="in_review").values_list("assignee__username", flat=True)
    ) == {"rita", "rob"}

    # Rita has her claim open in two tabs; the second tab's save is based on an old version.
    first = rita
    second = first.context.new_page()
    second.goto(first.url)
    first.get_by_label("Rating").select_option(label="Mostly false")
    first.get_by_label("Summary").fill("First tab: the records contradict the claim.")
    first.get_by_role("button", name="Save verdict").click()
    expect(first.get_by_text("Verdict saved.")).to_be_visible()
    expect(first.locator(".messages")).to_be_focused()  # read out after the new page

    second.bring_to_front()  # Rita switches to the other tab
    second.get_by_label("Rating").select_option(label="True")
    second.get_by_label("Summary").fill("Second tab: stale text.")
    second.get_by_role("button", name="Save verdict").click()
    conflict = second.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_be_focused()
    expect(conflict).to_contain_text("A newer verdict of yours was saved")
    expect(conflict).to_contain_text("First tab: the records contradict the claim.")
    expect(second.get_by_label("Summary")).to_have_value("Second tab: stale text.")
    claim = Claim.objects.select_related("verdict__rating").get(
        pk=int(re.search(r"/claims/(\d+)/", first.url).group(1))
    )
    assert claim.verdict.summary == "First tab: the records contradict the claim."
    assert claim.verdict.rating.slug == "mostly-false"


def test_pasted_text_is_processed_and_its_claims_reach_the_queue(seeded, live_server, new_page):
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    page = new_page()
    login(page, base, "rita")
    page.get_by_role("link", name="Add article").click()
    page.get_by_label("Pasted text").check()
    expect(page.get_by_label("Page HTML")).to_be_hidden()
    page.get_by_label("Title").fill("Depot story")
    page.get_by_label("Article text").fill(STORY)
    page.get_by_role("button", name="Add and detect claims").click()
    page.wait_for_url(re.compile(r"/articles/progress/\?ids=\d+"))
    progress = page.locator("#progress")
    expect(progress).to_have_attribute("data-state", "done")
    expect(progress).to_contain_text("Processed")
    article = Article.objects.get(title="Depot story")
    expect(progress.locator(".claims-link")).to_contain_text(
        f"{article.claims.count()} claims in the queue"
    )
    progress.locator(".claims-link").click()
    rows = page.locator("#queue-table tbody tr[data-id]")
    expect(rows).to_have_count(article.claims.count())
    expect(page.locator("#queue-table")).to_contain_text("cannot independently verify")


def test_the_progress_partial_polls_until_the_article_is_processed(seeded, live_server, new_page):
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    pending = ingestion.submit_text(STORY, title="Still waiting").article
    page = new_page()
    login(page, base, "rita")
    page.goto(f"{base}/articles/progress/?ids={pending.pk}")
    expect(page.locator("#progress")).to_have_attribute("data-state", "pending")
    ingestion.process_article(pending.pk)  # a worker finishing the job
    expect(page.locator("#progress")).to_have_attribute("data-state", "done", timeout=10_000)
    expect(page.locator("#progress .claims-link")).to_be_visible()
    # Only the change of state is read out, from a live region the polling never replaces.
    expect(page.locator("#progress-status")).to_have_text("Done: 1 processed.")
    assert page.locator("#progress").get_attribute("aria-live") is None


def test_polling_the_progress_keeps_the_keyboard_where_it_was(seeded, live_server, new_page):
    # The panel is swapped every second: focus fell back to the page, so a keyboard user
    # could not reach its links while anything was pending.
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    pending = ingestion.submit_text(STORY, title="Still waiting").article
    page = new_page()
    login(page, base, "rita")
    page.goto(f"{base}/articles/progress/?ids={pending.pk}")
    link = page.get_by_role("link", name="Still waiting")
    link.focus()
    for _ in range(2):
        with page.expect_response(lambda r: "/articles/progress/status/" in r.url):
            pass
    page.wait_for_timeout(300)  # the swap after the second answer, settled
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.textContent]")
    assert focused == ["A", "Still waiting"]


def test_taking_the_next_claim_by_its_shortcut_asks_before_losing_what_was_typed(
    seeded, live_server, new_page
):
    page, _ = reviewer_on_a_taken_claim(live_server, new_page)
    here = page.url
    summary = page.locator("#verdict-form").get_by_label("Summary")
    summary.fill("The audit found no discarded ballots.")
    page.locator("#verdict-form").get_by_role("button", name="Save verdict").focus()

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.keyboard.press("n")
    expect(summary).to_have_value("The audit found no discarded ballots.")
    assert asked and "not saved" in asked[0]
    assert page.url == here

    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("n")
    page.wait_for_url(lambda url: url != here and re.search(r"/claims/\d+/$", url))


def test_script_and_onerror_in_an_article_stay_inert(seeded, live_server, new_page):
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, base, "rita")
    page.goto(f"{base}/articles/new/")
    page.get_by_label("Pasted text").check()
    page.get_by_label("Title").fill('<img src=x onerror="window.__xss=1">Dam')
    page.get_by_label("Article text").fill(XSS_STORY)
    page.get_by_role("button", name="Add and detect claims").click()
    expect(page.locator("#progress")).to_have_attribute("data-state", "done")
    assert page.evaluate("typeof window.__xss") == "undefined"

    article = Article.objects.get(title__endswith="Dam")
    page.goto(f"{base}/articles/{article.pk}/")
    text = page.locator("#article-text")
    expect(text).to_contain_text("<script>window.__xss=1</script>")
    expect(text).to_contain_text('<img src=x onerror="window.__xss=1">')
    assert page.locator("#article-text script, #article-text img").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"

    claims = list(article.claims.all())
    assert any("onerror" in c.text for c in claims)
    for claim in claims:
        page.goto(f"{base}/claims/{claim.pk}/")
        expect(page.locator("#context mark.current")).to_be_visible()
        assert page.locator("main script, main img").count() == 0
        assert page.evaluate("typeof window.__xss") == "undefined"
    page.goto(f"{base}/queue/")
    page.goto(f"{base}/articles/")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []


def test_queue_keyboard_shortcuts(seeded, live_server, new_page):
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    ingest(STORY, "Harbor City ballots")
    page = new_page()
    login(page, base, "rita")
    page.goto(f"{base}/queue/")
    page.keyboard.press("?")
    expect(page.locator("#help-dialog")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    rows = page.locator("#queue-table tbody tr")
    expect(rows.nth(0)).to_have_class(re.compile("selected"))
    dismissed_id = int(rows.nth(0).get_attribute("data-id"))
    page.keyboard.press("d")
    expect(page.locator("#dismiss-dialog")).to_be_visible()
    page.get_by_label("Why is it not check-worthy?").fill("Background, not a claim")
    page.locator("#dismiss-dialog").get_by_role("button", name="Dismiss").click()
    expect(page.get_by_text("Dismissed.")).to_be_visible()
    assert Claim.objects.get(pk=dismissed_id).status == "dismissed"

    # Single-key shortcuts can be turned off (speech input types letters).
    page.keyboard.press("?")
    page.get_by_label(re.compile("Turn single-key shortcuts off")).check()
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    page.keyboard.press("d")
    expect(page.locator("#dismiss-dialog")).not_to_be_visible()
    assert page.url == f"{base}/queue/"
    page.keyboard.press("?")
    page.get_by_label(re.compile("Turn single-key shortcuts off")).uncheck()
    page.keyboard.press("Escape")

    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/claims/\d+/$"))


def test_the_desk_fits_a_phone(seeded, live_server, new_page):
    base = live_server.url
    UserFactory(username="eve", role="editor")
    article = ingest(STORY, "Harbor City ballots with a headline long enough to need wrapping")
    page = new_page()
    login(page, base, "eve")
    page.set_viewport_size({"width": 390, "height": 844})
    claim = article.claims.first()
    FeedFactory(url="https://news.example.org/a-feed-with-a-rather-long-address/rss.xml")
    EvidenceFactory(claim=claim, title="", url="https://records.example.org/" + "x" * 60)
    for path in ("/dashboard/", "/queue/", "/articles/", "/feeds/", f"/claims/{claim.pk}/"):
        page.goto(base + path)
        # Wide tables scroll inside their own box; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert page.locator("header.top").bounding_box()["height"] < 130, path
    page.goto(f"{base}/queue/")
    table, filters = page.locator("#queue-table"), page.locator("form.filters")
    assert table.bounding_box()["y"] < filters.bounding_box()["y"]  # the claims come first
    assert table.bounding_box()["width"] > 300


def test_a_panel_sent_after_the_session_ended_keeps_the_text_and_leads_to_login(
    seeded, live_server, new_page
):
    # The login page was swapped into the evidence panel, inside the claim's page; then
    # the page went to the login page and the typed source was lost.
    base = live_server.url
    page, article = reviewer_on_a_taken_claim(live_server, new_page)
    claim_path = re.search(r"/claims/\d+/$", page.url).group()
    assert article.claims.filter(assignee__username="rita").count() == 1

    form = page.locator("#evidence-form")
    form.get_by_label("URL").fill("https://elections.example.org/first")
    form.get_by_label("Stance").select_option("refutes")
    form.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#evidence [role=status]")).to_be_focused()

    page.context.clear_cookies(name="sessionid")  # the session ends (logged out elsewhere)
    form = page.locator("#evidence-form")
    form.get_by_label("URL").fill("https://elections.example.org/audit")
    form.get_by_label("Stance").select_option("refutes")
    form.get_by_role("button", name="Add evidence").click()

    notice = page.locator("#session-ended")
    expect(notice).to_contain_text("nothing was saved")
    expect(notice).to_contain_text("https://elections.example.org/audit")
    expect(form.get_by_label("URL")).to_have_value("https://elections.example.org/audit")
    assert page.url == f"{base}{claim_path}"
    # Read out in place of the earlier source's "Evidence added.", which is gone.
    expect(notice).to_be_focused()
    expect(page.locator("#evidence .message[role=status]")).to_have_count(0)
    # Sent again, the notice is replaced (it stacked, two elements with one id).
    form.get_by_label("URL").fill("https://elections.example.org/recount")
    form.get_by_role("button", name="Add evidence").click()
    expect(notice).to_contain_text("https://elections.example.org/recount")
    expect(notice).to_have_count(1)
    notice.get_by_role("link", name="Log in again").click()
    page.wait_for_url(f"{base}/login/?next={claim_path}")
    expect(page.locator("header")).to_have_count(1)
    login_after = page.get_by_label("Username")
    login_after.fill("rita")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}{claim_path}")


def test_enter_on_a_queue_control_does_what_the_control_does(seeded, live_server, new_page):
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    ingest(STORY, "Harbor City ballots")
    page = new_page()
    login(page, base, "rita")
    page.goto(f"{base}/queue/")
    page.keyboard.press("j")  # a claim is selected…
    page.locator("[data-help-open]").first.focus()
    page.keyboard.press("Enter")  # …and Enter on another control is that control's
    expect(page.locator("#help-dialog")).to_be_visible()
    assert page.url == f"{base}/queue/"


def test_a_request_that_fails_says_so_instead_of_looking_saved(seeded, live_server, new_page):
    page, _ = reviewer_on_a_taken_claim(live_server, new_page)

    page.route("**/evidence/**", lambda route: route.fulfill(status=500, body="Server error"))
    form = page.locator("#evidence-form")
    form.get_by_label("URL").fill("https://elections.example.org/audit")
    form.get_by_label("Stance").select_option("refutes")
    form.get_by_role("button", name="Add evidence").click()

    alert = page.locator("#request-error")
    expect(alert).to_be_visible()
    expect(alert).to_have_text(re.compile(r"^Not saved: the server answered with an error \(500\)"))
    expect(alert).to_be_focused()  # read out at once
    # Beside the panel the form was to update, not at the top of the page, 17 tabs away.
    assert page.evaluate("document.getElementById('request-error').nextElementSibling.id") == (
        "evidence"
    )
    page.unroute("**/evidence/**")
    form.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("Evidence added.")).to_be_visible()
    expect(alert).to_be_hidden()


def test_a_claim_status_shows_in_its_line_not_only_its_colour(seeded, live_server, new_page):
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    article = ingest(STORY, "Harbor City ballots")
    first, second = article.claims.order_by("start")[:2]
    Claim.objects.filter(pk=second.pk).update(status="dismissed")
    page = new_page()
    login(page, base, "rita")
    page.goto(f"{base}/articles/{article.pk}/")

    def line(claim_id: int) -> str:
        return page.locator(f"#claim-{claim_id}").evaluate(
            "el => getComputedStyle(el).borderBottomStyle"
        )

    assert line(first.pk) == "solid" and line(second.pk) == "dashed"


def test_the_context_box_tells_neighbours_apart_by_their_lines_as_the_article_does(
    seeded, live_server, new_page
):
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    article = ingest(STORY, "Harbor City ballots")
    first, second, third = article.claims.order_by("start")[:3]
    Claim.objects.filter(pk=first.pk).update(status="dismissed")
    Claim.objects.filter(pk=third.pk).update(status="published")
    page = new_page()
    login(page, base, "rita")

    def styles(path: str, box: str) -> dict:
        page.goto(f"{base}{path}")
        return page.locator(box).evaluate(
            """box => Object.fromEntries([...box.querySelectorAll('.claim:not(.current)')].map(
                 el => [el.id, [getComputedStyle(el).borderBottomStyle,
                   ...[...el.querySelectorAll('.cue')].map(cue => {
                     const s = getComputedStyle(cue);
                     return s.borderBottomStyle + ' ' + s.textDecorationStyle; })]]))"""
        )

    in_context = styles(f"/claims/{second.pk}/", "#context")
    in_article = styles(f"/articles/{article.pk}/", "#article-text")
    assert {f"claim-{first.pk}", f"claim-{third.pk}"} <= set(in_context)
    assert in_context[f"claim-{first.pk}"][0] == "dashed"
    assert in_context[f"claim-{third.pk}"][0] == "double"
    # The same lines as on the article's page, cues' categories included.
    assert all(in_context[key] == in_article[key] for key in in_context)
    page.goto(f"{base}/claims/{second.pk}/")
    assert "dismissed" in page.locator(f"#claim-{first.pk}").get_attribute("title")
    expect(page.locator("#context-legend")).to_contain_text("dismissed")


def test_no_page_breaks_the_content_security_policy(seeded, live_server, new_page):
    from claims import workflow
    from tests.factories import reviewed_claim

    base = live_server.url
    editor = UserFactory(username="eve", role="editor")
    UserFactory(username="root", is_staff=True, is_superuser=True)
    article = ingest(STORY, "Harbor City ballots")
    claim = article.claims.first()
    published = reviewed_claim(UserFactory(username="rita", role="reviewer"))
    workflow.claim_publish(claim=published, actor=editor)
    page = new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text))
    login(page, base, "eve")
    for path in (
        "/dashboard/", "/queue/", f"/claims/{claim.pk}/", f"/articles/{article.pk}/",
        "/articles/new/", "/feeds/", "/ratings/", f"/reviews/{published.pk}/",
    ):  # fmt: skip
        page.goto(base + path)
    page.goto(f"{base}/api/docs/")
    expect(page.get_by_text("Factcheck desk API")).to_be_visible()  # Swagger UI ran
    admin = new_page()
    admin.on("console", lambda message: refused.append(message.text))
    login(admin, base, "root")
    admin.goto(f"{base}/admin/claims/feed/add/")
    expect(admin.get_by_label("Feed URL")).to_be_visible()
    assert not [text for text in refused if "Content Security Policy" in text], refused


def test_ticks_and_text_an_htmx_swap_took_away_do_not_hold_the_page(seeded, live_server, new_page):
    # The browser asked "Leave site?" after a box was ticked, and after the evidence panel
    # was swapped away with text typed in it: nothing was left to lose either time.
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    ingest(STORY, "Harbor City ballots")
    page = new_page()
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    login(page, base, "rita")
    page.goto(f"{base}/queue/")
    page.locator("#queue-table input[name=ids]").first.click()
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/claims/\d+/$"))

    claim = Claim.objects.get(pk=int(re.search(r"/claims/(\d+)/", page.url).group(1)))
    EvidenceFactory(claim=claim, title="County audit")
    page.reload()
    page.locator("#evidence-form").get_by_label("Title").fill("Typed, then the panel went")
    page.locator("#evidence").get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.locator("#evidence [role=status]")).to_be_focused()
    here = page.url
    page.locator("body").focus()
    page.keyboard.press("n")
    page.wait_for_url(lambda url: url != here)
    assert asked == []


def test_single_key_shortcuts_can_be_turned_off_on_every_desk_page(seeded, live_server, new_page):
    # "n" works on the dashboard and a claim's page; its off switch was only in the
    # queue's help dialog.
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    ingest(STORY, "Harbor City ballots")
    page = new_page()
    login(page, base, "rita")
    page.goto(f"{base}/dashboard/")
    switch = page.get_by_label(re.compile("Single-key shortcuts off in this browser"))
    switch.check()
    page.locator("body").focus()
    page.keyboard.press("n")
    page.wait_for_timeout(500)
    assert page.url == f"{base}/dashboard/"
    page.goto(f"{base}/queue/")  # the queue's own switch says the same
    page.keyboard.press("?")
    expect(page.get_by_label(re.compile("Turn single-key shortcuts off"))).to_be_checked()
    page.keyboard.press("Escape")
    page.goto(f"{base}/dashboard/")
    page.get_by_label(re.compile("Single-key shortcuts off in this browser")).uncheck()
    page.locator("body").focus()
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/claims/\d+/$"))


@pytest.mark.parametrize("change", ["add", "remove"])
def test_changing_the_sources_of_a_submitted_claim_shows_it_back_in_review(
    seeded, live_server, new_page, change
):
    # The answer sent the browser to the same page plus "#evidence": only the fragment
    # changed, nothing was loaded, and the page still said "Reviewed" with the old sources.
    from tests.factories import reviewed_claim

    base = live_server.url
    claim = reviewed_claim(UserFactory(username="rita", role="reviewer"))
    EvidenceFactory(claim=claim, url="https://records.example.org/second")
    page = new_page()
    login(page, base, "rita")
    page.goto(f"{base}/claims/{claim.pk}/")
    expect(page.locator("#claim-status")).to_have_text("Reviewed")
    if change == "add":
        form = page.locator("#evidence-form")
        form.get_by_label("URL").fill("https://records.example.org/third")
        form.get_by_label("Stance").select_option("refutes")
        form.get_by_role("button", name="Add evidence").click()
        sources = 3
    else:
        page.get_by_role(
            "button", name="Remove evidence https://records.example.org/second"
        ).click()
        sources = 1

    expect(page.locator("#claim-status")).to_have_text("In Review")
    expect(page.get_by_text("The claim went back to review")).to_be_visible()
    expect(page.locator(".evidence-list li.evidence")).to_have_count(sources)
    expect(page.get_by_role("button", name="Submit for approval")).to_be_visible()


def test_the_job_panel_of_the_progress_page_follows_the_work(seeded, live_server, new_page):
    from claims.models import IngestionJob

    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    job = IngestionJob.objects.create(kind="bulk", source="wire.jsonl", total=2)
    ids = []
    for i in range(2):
        submitted = ingestion.submit_text(f"{STORY} Version {i}.", title=f"Ballots {i}")
        Article.objects.filter(pk=submitted.article.pk).update(job=job)
        ids.append(submitted.article.pk)
    page = new_page()
    login(page, base, "rita")
    page.goto(f"{base}/articles/progress/?ids={ids[0]},{ids[1]}&job={job.pk}")
    expect(page.locator(".job")).to_contain_text("0 of 2 handled")
    # Read out from the job's counts: not "Working on 1 article.", "…2 articles." as they
    # come, nor "Done: ." for a file whose every line failed.
    expect(page.locator("#progress-status")).to_have_text("Reading the file: 2 lines.")
    for pk in ids:
        ingestion.process_article(pk)
    expect(page.locator("#progress")).to_have_attribute("data-state", "done")
    expect(page.locator(".job")).to_contain_text("2 of 2 handled: 2 ingested")
    expect(page.locator("#progress-status")).to_have_text(
        "Done: 2 of 2 lines handled: 2 ingested, 0 duplicates, 0 failed."
    )


def test_a_reviewer_is_warned_before_the_lease_ends_and_keeps_the_claim(
    seeded, live_server, new_page
):
    page, _ = reviewer_on_a_taken_claim(live_server, new_page)
    claim = Claim.objects.get(assignee__username="rita")
    page.clock.install()
    page.reload()
    page.get_by_label("Summary").fill("Half a summary, not saved yet.")
    dialog = page.get_by_role("alertdialog", name="Keep this claim?")
    expect(dialog).to_be_hidden()

    page.clock.run_for("25:30")  # under five minutes before the end
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("in 5 minutes")
    keep = dialog.get_by_role("button", name="Keep it")
    expect(keep).to_be_focused()
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    expect(page.locator("#lease-status")).to_contain_text("Kept")
    expect(page.get_by_label("Summary")).to_be_focused()  # back where the reviewer was
    expect(page.get_by_label("Summary")).to_have_value("Half a summary, not saved yet.")
    claim.refresh_from_db()
    from django.utils import timezone

    assert (claim.lease_expires_at - timezone.now()).total_seconds() > 29 * 60
    expect(page.locator("#lease-note")).to_contain_text(re.compile(r"lease ends in (29|30)"))

    # Not now, then the end: asked again, now that the lease has ended.
    page.clock.run_for("25:30")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Not now").click()
    expect(dialog).to_be_hidden()
    page.clock.run_for("05:00")
    expect(dialog).to_contain_text("has ended")
    expect(dialog).to_be_visible()


def test_a_source_saved_keeps_the_claim_and_the_countdown_knows_it(seeded, live_server, new_page):
    # Saving a source renews the lease on the server, but the page counted down from
    # before it and warned, then said the lease had ended, while 20 minutes were left.
    from datetime import timedelta

    from django.utils import timezone

    page, _ = reviewer_on_a_taken_claim(live_server, new_page)
    claim = Claim.objects.get(assignee__username="rita")
    # As if the reviewer had worked 20 of the 30 minutes: 10 minutes of lease left.
    Claim.objects.filter(pk=claim.pk).update(
        lease_expires_at=timezone.now() + timedelta(minutes=10)
    )
    page.clock.install()
    page.reload()
    expect(page.locator("#lease-note")).to_contain_text(re.compile(r"lease ends in (9|10) "))
    form = page.locator("#evidence-form")
    form.get_by_label("URL").fill("https://elections.example.org/harbor-city/audit")
    form.get_by_label("Stance").select_option("refutes")
    form.get_by_role("button", name="Add evidence").click()
    expect(page.locator("#evidence .message[role=status]")).to_be_visible()
    expect(page.locator("#lease-note")).to_contain_text(re.compile(r"lease ends in (29|30) "))

    page.clock.run_for("10:30")
    expect(page.get_by_role("alertdialog", name="Keep this claim?")).to_be_hidden()
    expect(page.locator("#lease-note")).to_contain_text(re.compile(r"lease ends in (19|20) "))


def test_a_blank_dismiss_reason_is_said_beside_the_field_which_gets_focus(
    seeded, live_server, new_page
):
    page, _ = reviewer_on_a_taken_claim(live_server, new_page)
    reason = page.get_by_label("Dismiss — why not check-worthy?")
    reason.fill("   ")
    reason.press("Enter")
    page.wait_for_load_state()

    reason = page.get_by_label("Dismiss — why not check-worthy?")
    expect(reason).to_be_focused()
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("Say why the claim is dismissed.")
    expect(page.locator("#claim-status")).to_have_text("In Review")


def test_the_dashboard_charts_read_at_12px_and_show_their_figures_to_the_keyboard(
    seeded, live_server, new_page
):
    UserFactory(username="rita", role="reviewer")
    page = new_page()
    login(page, live_server.url, "rita")
    tick_sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart')].map(svg => {
             const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
             return parseFloat(getComputedStyle(svg.querySelector('.tick')).fontSize) * scale;
           })"""
    )
    assert len(tick_sizes) == 2 and min(tick_sizes) >= 12, tick_sizes

    figures = page.get_by_text("Figures: Verdicts published per day")
    figures.focus()
    page.keyboard.press("Enter")
    table = page.get_by_role("table", name="Verdicts published per day over the last 30 days")
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(30)


def test_a_message_that_takes_focus_shows_a_focus_ring(seeded, live_server, new_page):
    page, _ = reviewer_on_a_taken_claim(live_server, new_page)

    def ring(locator) -> str:
        return locator.evaluate(
            "el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth"
        )

    form = page.locator("#evidence-form")
    form.get_by_label("URL").fill("https://elections.example.org/harbor-city/audit")
    form.get_by_label("Stance").select_option("refutes")
    form.get_by_role("button", name="Add evidence").click()
    added = page.locator("#evidence .message[role=status]")
    expect(added).to_be_focused()
    assert ring(added) == "solid 3px"

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login/$"))
    messages = page.locator(".messages")
    expect(messages).to_be_focused()
    assert ring(messages.locator(".message")) == "solid 3px"
    # A heading that script focuses (a panel swapped without news) stays unringed.
    assert (
        page.evaluate(
            "() => { const h = document.querySelector('h1'); h.tabIndex = -1; h.focus();"
            " return getComputedStyle(h).outlineStyle; }"
        )
        == "none"
    )


# Where the first and the last character of `needle` (in one text node under `selector`)
# are drawn, from the left of the page.
_EDGES = """([selector, needle]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at < 0) continue;
    const x = i => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                     return r.getBoundingClientRect().left; };
    return [x(at), x(at + needle.length - 1)];
  }
  return null;
}"""


def test_arabic_text_reads_right_to_left_and_english_left_to_right(seeded, live_server, new_page):
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    arabic = "قال رئيس البلدية إن السد تم فحصه في عام 2024."
    english = "Officials said the dam was inspected in 2024."
    question = "هل تم فحص السد؟"
    text = f"{arabic}\n\n{english}\n\nوقال سكان إنهم رأوا شقوقا في السد!"
    article = ArticleFactory(title=question, text=text)
    claim = ClaimFactory(
        article=article, text=arabic, start=0, end=len(arabic), cues=[], speaker=""
    )
    page = new_page()
    login(page, base, "rita")

    def reads(selector: str, needle: str) -> str:
        first, last = page.evaluate(_EDGES, [selector, needle])
        return "rtl" if last < first else "ltr"

    # The full stop ends an Arabic sentence on its left; each paragraph has its own direction.
    page.goto(f"{base}/articles/{article.pk}/")
    assert reads("#article-text", "وقال سكان إنهم رأوا شقوقا في السد!") == "rtl"
    assert reads("#article-text", english) == "ltr"
    assert reads(".article-title", question) == "rtl"
    assert reads(".claim-list", arabic) == "rtl"
    page.goto(f"{base}/claims/{claim.pk}/")
    assert reads("#context", arabic) == "rtl"
    assert reads("#context", english) == "ltr"
    assert reads(".source", question) == "rtl"
    page.goto(f"{base}/articles/")
    assert reads("table", question) == "rtl"
    page.goto(f"{base}/queue/")
    assert reads("#queue-table", arabic) == "rtl"
    assert reads("#queue-table", question) == "rtl"


def test_a_title_without_spaces_wraps_instead_of_widening_the_page(seeded, live_server, new_page):
    base = live_server.url
    UserFactory(username="rita", role="reviewer")
    titled = ArticleFactory(title="L" * 990)
    # An untitled article is headed by the address it came from.
    untitled = ArticleFactory(title="", url="", source_url="https://news.example.org/" + "a" * 1980)
    claims = [ClaimFactory(article=titled), ClaimFactory(article=untitled)]
    page = new_page()
    login(page, base, "rita")
    paths = ["/articles/", "/queue/", "/dashboard/"]
    for article, claim in zip((titled, untitled), claims, strict=True):
        paths += [f"/articles/{article.pk}/", f"/claims/{claim.pk}/"]
    for path in paths:
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path


def test_a_double_click_sends_a_form_once(seeded, live_server, new_page):
    # The first click saved the verdict; the second, sent with the version the page was
    # loaded with, was refused as a stale edit, and the page said "Your verdict was not
    # saved: the claim changed" over the reviewer's own save.
    page, _ = reviewer_on_a_taken_claim(live_server, new_page)
    sent = []

    def slow(route):
        sent.append(route.request.url)
        page.wait_for_timeout(400)  # a busy server: the second click comes meanwhile
        route.continue_()

    page.route("**/verdict/", slow)
    page.get_by_label("Rating").select_option(label="False")
    page.get_by_label("Summary").fill("The county's log shows no inspection in 2024.")
    page.evaluate(
        """() => {
            const button = document.querySelector("#verdict-form button[type=submit]");
            button.click();
            setTimeout(() => button.click(), 120);
        }"""
    )
    expect(page.locator(".messages")).to_contain_text("Verdict saved.")
    expect(page.locator("#conflict")).to_have_count(0)
    assert len(sent) == 1


def test_a_double_click_on_take_next_takes_one_claim(seeded, live_server, new_page):
    # Both clicks reached a busy server: the reviewer was given two claims and saw one,
    # the other held out of the queue in her name until its lease ran out.
    UserFactory(username="rita", role="reviewer")
    ingest(STORY, "Harbor City ballots")
    page = new_page()
    login(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/queue/")
    sent = []

    def slow(route):
        sent.append(route.request.url)
        page.wait_for_timeout(400)
        route.continue_()

    page.route("**/queue/next/", slow)
    page.evaluate(
        """() => {
            const button = document.querySelector("#take-next button");
            button.click();
            setTimeout(() => button.click(), 120);
        }"""
    )
    expect(page).to_have_url(re.compile(r"/claims/\d+/$"))
    assert len(sent) == 1
    assert Claim.objects.filter(assignee__username="rita").count() == 1


def test_a_short_lease_is_not_warned_of_as_soon_as_the_claim_opens(
    seeded, live_server, new_page, settings
):
    # The warning came five minutes before the end whatever the lease: on a desk with
    # five-minute leases "Keep this claim?" covered every claim as it opened, and again
    # after every save (which renews the lease and loads the page anew).
    settings.FACTCHECK_LEASE_MINUTES = 5
    UserFactory(username="rita", role="reviewer")
    ingest(STORY, "Harbor City ballots")
    page = new_page()
    page.clock.install()
    login(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/queue/")
    page.get_by_role("button", name=re.compile("^Take next")).click()
    page.wait_for_url(re.compile(r"/claims/\d+/$"))
    dialog = page.get_by_role("alertdialog", name="Keep this claim?")
    page.get_by_label("Summary").fill("Reading the claim first.")
    expect(dialog).to_be_hidden()

    page.clock.run_for("03:30")
    expect(dialog).to_be_hidden()
    page.clock.run_for("00:40")  # under a minute (a fifth of the lease) before the end
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("in 1 minute")


#: What the desk's pages must hold for a screen reader, in plain DOM terms: one main
#: landmark and one h1; a name for every control, link and button shown; every id unique
#: (labels and descriptions point at them); a field marked invalid described by its error,
#: and no description pointing at nothing.
ACCESSIBILITY_PROBLEMS = """() => {
  const problems = [];
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  const text = (id) => (document.getElementById(id) || {innerText: ""}).innerText.trim();
  const ids = (e, name) => (e.getAttribute(name) || "").split(/\\s+/).filter(Boolean);
  const named = (e) => (e.labels && [...e.labels].some((label) => label.innerText.trim()))
    || (e.getAttribute("aria-label") || "").trim()
    || ids(e, "aria-labelledby").some(text)
    || (e.tagName === "A" || e.tagName === "BUTTON") && e.innerText.trim();
  const where = (e) => e.outerHTML.slice(0, 100);
  for (const e of document.querySelectorAll(
      "input:not([type=hidden]), select, textarea, button, a[href]")) {
    if (shown(e) && !named(e)) problems.push(`no name: ${where(e)}`);
  }
  for (const e of document.querySelectorAll("[aria-describedby]")) {
    for (const id of ids(e, "aria-describedby")) {
      if (!document.getElementById(id)) problems.push(`describedby #${id} missing: ${where(e)}`);
    }
  }
  for (const e of document.querySelectorAll("[aria-invalid=true]")) {
    if (!ids(e, "aria-describedby").some(text)) problems.push(`invalid, no error: ${where(e)}`);
  }
  const seen = new Set();
  for (const e of document.querySelectorAll("[id]")) {
    if (seen.has(e.id)) problems.push(`id used twice: ${e.id}`);
    seen.add(e.id);
  }
  for (const tag of ["main", "h1"]) {
    const count = document.querySelectorAll(tag).length;
    if (count !== 1) problems.push(`${count} ${tag} elements`);
  }
  return problems;
}"""


def assert_accessible(page) -> None:
    assert page.evaluate(ACCESSIBILITY_PROBLEMS) == [], page.url


def test_the_desk_pages_name_their_controls_and_tie_errors_to_their_fields(
    seeded, live_server, new_page
):
    from claims import workflow
    from claims.models import IngestionJob, Rating

    base = live_server.url
    rita = UserFactory(username="rita", role="reviewer")
    UserFactory(username="edna", role="editor")
    claim = ClaimFactory(text="Officials said the depot handles only outgoing mail.")
    claim = workflow.claim_take(claim=claim, reviewer=rita)
    EvidenceFactory(claim=claim)
    rating = Rating.objects.filter(is_final=True, requires_evidence=True).first()
    workflow.verdict_set(claim=claim, rating=rating, summary="Checked.", version=None, actor=rita)
    workflow.claim_submit(claim=claim, actor=rita)
    job = IngestionJob.objects.create(kind="bulk", source="wire.jsonl", total=3)

    page = new_page()
    page.goto(f"{base}/login/")
    assert_accessible(page)
    login(page, base, "edna")
    for path in ["/dashboard/", "/queue/", f"/claims/{claim.pk}/", f"/jobs/{job.pk}/"]:
        page.goto(base + path)
        assert_accessible(page)
    page.goto(f"{base}/articles/progress/?ids=&job={job.pk}")
    assert_accessible(page)

    page.goto(f"{base}/claims/{claim.pk}/")
    page.get_by_label(re.compile("^Send back to rita")).fill("\u200b")
    page.get_by_role("button", name="Send back").click()
    expect(page.locator("#send-back-reason")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.goto(f"{base}/articles/new/")
    page.get_by_label("A file (JSONL, TXT or HTML)").check()
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "wire.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}
    )
    page.get_by_role("button", name="Add and detect claims").click()
    expect(page.get_by_label("File", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
