from django.contrib import admin
from django.urls import include, path

from claims import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("claims.urls")),
]

handler400 = "claims.views.public.bad_request"
handler404 = "claims.views.public.page_not_found"
handler500 = "claims.views.public.server_error"
