from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from claims.api import views

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("feeds", views.FeedViewSet, basename="feed")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("jobs", views.JobViewSet, basename="job")

urlpatterns = [
    path("api/v1/auth/token/", views.TokenView.as_view(), name="api-token"),
    path("api/v1/claims/export.csv", views.ClaimExportView.as_view(), name="claims-export"),
    path("api/v1/claimreviews/", views.ClaimReviewListView.as_view(), name="claimreviews"),
    path("api/v1/stats/", views.StatsView.as_view(), name="stats"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, which the Content-Security-Policy allows.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
