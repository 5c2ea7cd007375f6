from django.urls import path

from motcua.identity import views

app_name = "identity"
urlpatterns = [
    path("login/", views.login_start, name="login"),
    path("callback/", views.callback, name="callback"),
    path("logout/", views.logout_view, name="logout"),
]
