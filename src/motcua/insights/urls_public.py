"""The public transparency pages, mounted at ``minh-bach/`` (no login, no personal data)."""

from django.urls import path

from motcua.insights import public

app_name = "insights_public"
urlpatterns = [
    path("", public.index, name="index"),
    path("<slug:level>/<int:code>/", public.unit_page, name="unit"),
]
