from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from motcua.api.main import api
from motcua.units import views as unit_views

admin.site.site_header = "motcua — Quản trị hệ thống một cửa"
admin.site.site_title = "motcua"
admin.site.index_title = "Quản trị"

urlpatterns = [
    path("healthz", unit_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff log in at one door, with the second factor for leaders and administrators.
    path("admin/login/", RedirectView.as_view(url="/office/login/", query_string=True)),
    path("accounts/login/", RedirectView.as_view(url="/office/login/", query_string=True)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("oidc/", include("motcua.identity.urls")),
    path("minh-bach/", include("motcua.insights.urls_public")),
    path("office/insights/", include("motcua.insights.urls")),
    path("office/", include("motcua.office.urls")),
    path("", include("motcua.ratings.urls")),
    path("", include("motcua.portal.urls")),
]
