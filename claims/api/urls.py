from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from claims.api import views


class ApiRouter(DefaultRouter):
    """DRF's router, whose root (GET /api/v1/) also lists the endpoints that are not
    viewsets: it listed five of the nine."""

    OTHER_ENDPOINTS = {
        "auth/token": "api-token",
        "claims/export.csv": "claims-export",
        "claimreviews": "claimreviews",
        "stats": "stats",
    }

    def get_api_root_view(self, api_urls=None):
        listed = {prefix: self.routes[0].name.format(basename=b) for prefix, _, b in self.registry}
        return self.APIRootView.as_view(api_root_dict={**listed, **self.OTHER_ENDPOINTS})


router = ApiRouter()
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
