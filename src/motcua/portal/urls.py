"""The citizen pages, under Vietnamese paths (``/tra-cuu/`` is printed on every receipt)."""

from django.urls import path

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("thu-tuc/<str:code>/nop/", views.draft_start, name="draft_start"),
    path("nop-ho-so/<int:pk>/", views.draft_edit, name="draft_edit"),
    path("nop-ho-so/<int:pk>/xem-lai/", views.draft_review, name="draft_review"),
    path("nop-ho-so/<int:pk>/nop/", views.draft_send, name="draft_submit"),
    path("nop-ho-so/<int:pk>/xoa/", views.draft_discard, name="draft_delete"),
    path(
        "nop-ho-so/<int:pk>/tep/<int:file_pk>/xoa/",
        views.draft_file_remove,
        name="draft_file_delete",
    ),
    path("ho-so/", views.my_dossiers, name="my_dossiers"),
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/ket-qua/", views.result_download, name="result"),
    path("ho-so/<str:code>/thanh-toan/", views.payment_start, name="payment_start"),
    path("thanh-toan/thu-nghiem/<str:reference>/", views.sandbox_pay, name="sandbox_pay"),
    path("thanh-toan/ket-qua/", views.payment_return, name="payment_return"),
    path("tra-cuu/", views.status_lookup, name="status_lookup"),
    path("xac-thuc/", views.verify, name="verify"),
]
