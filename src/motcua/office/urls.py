from django.urls import path

from motcua.office.views import auth, dossier, intake, lists

app_name = "office"
urlpatterns = [
    path("", lists.inbox, name="inbox"),
    path("login/", auth.login_view, name="login"),
    path("login/code/", auth.second_factor_view, name="second_factor"),
    path("login/enrol/", auth.enrol_view, name="enrol"),
    path("logout/", auth.logout_view, name="logout"),
    path("intake/", intake.intake_start, name="intake"),
    path("intake/applicant/", intake.applicant_lookup, name="applicant_lookup"),
    path("intake/<str:procedure_code>/", intake.intake_form, name="intake_form"),
    path("approvals/", lists.approvals, name="approvals"),
    path("approvals/<str:code>/", dossier.approval_view, name="approval"),
    path("returns/", lists.returns, name="returns"),
    path("returns/<str:code>/", dossier.return_view, name="return"),
    path("search/", lists.search, name="search"),
    path("d/<str:code>/", dossier.dossier_view, name="dossier"),
    path("d/<str:code>/do/<slug:action>/", dossier.act, name="act"),
    path("d/<str:code>/documents/<int:pk>/", dossier.document_file, name="document"),
    path("d/<str:code>/result/", dossier.result_file, name="result"),
    path("d/<str:code>/slips/<int:pk>/", dossier.slip_file, name="slip"),
    path("d/<str:code>/slips/latest/<slug:kind>/", dossier.slip_latest, name="slip_latest"),
]
