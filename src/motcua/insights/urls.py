from django.urls import path

from motcua.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.index, name="index"),
    path("u/<int:unit_id>/", views.unit_view, name="unit"),
    path("u/<int:unit_id>/ranking/", views.ranking_view, name="ranking"),
    path("a/<int:agency_id>/", views.agency_view, name="agency"),
    path("p/<int:procedure_id>/", views.procedure_view, name="procedure"),
    path("o/<int:officer_id>/", views.officer_view, name="officer"),
    path("dossiers/", views.dossiers_view, name="dossiers"),
    path("late/", views.late_view, name="late"),
    path("export.xlsx", views.export_view, name="export"),
]
