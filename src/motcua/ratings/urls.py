"""Rating links, feedback pages and the Open311 GeoReport v2 feed."""

from django.urls import path, register_converter

from motcua.ratings import open311, views


class Open311Format:
    """``json`` or ``xml``: the format suffix of every Open311 resource."""

    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(Open311Format, "open311fmt")

app_name = "ratings"
urlpatterns = [
    path("danh-gia/<str:token>/", views.rate, name="rate"),
    path("phan-anh/", views.feedback_create, name="feedback"),
    path("phan-anh/<str:reference>/", views.feedback_detail, name="feedback_detail"),
    # Open311 GeoReport v2 (ratings/open311.py).
    path("open311/v2/", open311.root, name="open311_root"),
    path("open311/v2/discovery.<open311fmt:fmt>", open311.discovery, name="open311_discovery"),
    path("open311/v2/services.<open311fmt:fmt>", open311.service_list, name="open311_services"),
    path(
        "open311/v2/services/<str:code>.<open311fmt:fmt>",
        open311.service_definition,
        name="open311_service",
    ),
    path("open311/v2/requests.<open311fmt:fmt>", open311.request_list, name="open311_requests"),
    path(
        "open311/v2/requests/<str:request_id>.<open311fmt:fmt>",
        open311.request_detail,
        name="open311_request",
    ),
    path(
        "open311/v2/tokens/<str:token>.<open311fmt:fmt>",
        open311.token_detail,
        name="open311_token",
    ),
]
