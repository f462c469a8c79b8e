from django.urls import include, path

from claims import views

urlpatterns = [
    path("", include("claims.api.urls")),
    path("reviews/<int:pk>/", views.review_public, name="review-public"),
    path("ratings/", views.ratings_public, name="ratings-public"),
    path("", views.home, name="home"),
]
