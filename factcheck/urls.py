from django.contrib import admin
from django.urls import include, path

from claims import health
from claims.views import login_throttled

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # The admin's login form counts against the same per-address rate as the desk's.
    path("admin/login/", login_throttled(admin.site.login)),
    path("admin/", admin.site.urls),
    path("", include("claims.urls")),
]

handler400 = "claims.views.public.bad_request"
handler404 = "claims.views.public.page_not_found"
handler500 = "claims.views.public.server_error"
