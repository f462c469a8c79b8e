"""The dashboard (queue, review, articles, feeds) and the public review pages.

Views read and render; every change of a claim is a call into `claims.workflow`, whose
errors become messages on the page. Access is checked in one place, `access._desk`.
"""

from __future__ import annotations

from claims.views.articles import (
    article_add,
    article_detail,
    article_progress,
    article_progress_partial,
    article_retry,
    articles,
    job_detail,
)
from claims.views.desk import dashboard, queue, queue_bulk, take_next
from claims.views.feeds import feed_poll, feed_toggle, feeds
from claims.views.public import (
    DeskLoginView,
    DeskLogoutView,
    home,
    login_throttled,
    ratings_public,
    review_public,
)
from claims.views.review import (
    claim_action,
    claim_evidence_add,
    claim_evidence_remove,
    claim_renew,
    claim_review_page,
    claim_verdict,
)

__all__ = [
    "DeskLoginView",
    "DeskLogoutView",
    "article_add",
    "article_detail",
    "article_progress",
    "article_progress_partial",
    "article_retry",
    "articles",
    "claim_action",
    "claim_evidence_add",
    "claim_evidence_remove",
    "claim_renew",
    "claim_review_page",
    "claim_verdict",
    "dashboard",
    "feed_poll",
    "feed_toggle",
    "feeds",
    "home",
    "job_detail",
    "login_throttled",
    "queue",
    "queue_bulk",
    "ratings_public",
    "review_public",
    "take_next",
]
