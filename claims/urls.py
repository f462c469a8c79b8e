from django.urls import include, path

from claims import views

urlpatterns = [
    path("", include("claims.api.urls")),
    # Public pages.
    path("reviews/<int:pk>/", views.review_public, name="review-public"),
    path("ratings/", views.ratings_public, name="ratings-public"),
    path("", views.home, name="home"),
    # The desk.
    path("login/", views.login_throttled(views.DeskLoginView.as_view()), name="login"),
    path("logout/", views.DeskLogoutView.as_view(), name="logout"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("queue/", views.queue, name="queue"),
    path("queue/next/", views.take_next, name="take-next"),
    path("queue/bulk/", views.queue_bulk, name="queue-bulk"),
    path("claims/<int:pk>/", views.claim_review_page, name="claim-review"),
    path("claims/<int:pk>/verdict/", views.claim_verdict, name="claim-verdict"),
    path("claims/<int:pk>/evidence/", views.claim_evidence_add, name="claim-evidence-add"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_id>/remove/",
        views.claim_evidence_remove,
        name="claim-evidence-remove",
    ),
    path("claims/<int:pk>/renew/", views.claim_renew, name="claim-renew"),
    path(
        "claims/<int:pk>/<slug:action>/",
        views.claim_action,
        name="claim-action",
    ),
    path("articles/", views.articles, name="articles"),
    path("articles/new/", views.article_add, name="article-add"),
    path("articles/progress/", views.article_progress, name="article-progress"),
    path(
        "articles/progress/status/",
        views.article_progress_partial,
        name="article-progress-status",
    ),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("articles/<int:pk>/retry/", views.article_retry, name="article-retry"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/<int:pk>/toggle/", views.feed_toggle, name="feed-toggle"),
    path("feeds/<int:pk>/poll/", views.feed_poll, name="feed-poll"),
]
