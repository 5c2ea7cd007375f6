from django.contrib import admin
from django.urls import include, path

from motcua.api.main import api
from motcua.units import views as unit_views

admin.site.site_header = "motcua — Quản trị hệ thống một cửa"
admin.site.site_title = "motcua"
admin.site.index_title = "Quản trị"

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("healthz", unit_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("oidc/", include("motcua.identity.urls")),
]
