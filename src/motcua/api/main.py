"""The ``/api/v1`` API object, mounted in ``motcua.config.urls`` with
``path("api/v1/", api.urls)``.

OpenAPI is served at ``/api/v1/openapi.json`` and the interactive docs at ``/api/v1/docs``
from the Swagger UI files that ship inside the ``ninja`` package (``ninja`` in
INSTALLED_APPS makes ninja render them through staticfiles instead of a CDN).
"""

import functools

from django.http import Http404, HttpResponseNotAllowed
from django.urls import path
from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from motcua.api import account, catalog, dossiers
from motcua.api.auth import AUTH
from motcua.api.errors import (
    MethodNotAllowed,
    client_validation_error,
    install_error_handlers,
)


class MotcuaAPI(NinjaAPI):
    """NinjaAPI whose every URL answers failures in the one error shape.

    ninja routes its operations' exceptions through the handlers, but answers a wrong
    method with a plain-text 405 and leaves unknown paths to Django's HTML 404; both are
    turned into the JSON error here, and validation errors name fields as the client
    sent them.
    """

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = self._in_error_shape(pattern.callback)
        unknown = self._in_error_shape(_unknown_path)
        return [*patterns, path("<path:rest>", unknown, name="unknown")], app_name, namespace

    def validation_error_from_error_contexts(self, error_contexts):
        return client_validation_error(error_contexts)

    def _in_error_shape(self, view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                response = view(request, *args, **kwargs)
            except Http404 as error:
                return self.on_exception(request, error)
            if isinstance(response, HttpResponseNotAllowed):
                body = self.on_exception(request, MethodNotAllowed())
                body["Allow"] = response["Allow"]
                return body
            return response

        # ninja checks CSRF itself (auth.Session); keep Django's middleware out of it.
        wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)
        return wrapper


class Utf8JSONRenderer(JSONRenderer):
    # Vietnamese stays readable in the raw response (curl, logs) instead of \u escapes.
    json_dumps_params = {"ensure_ascii": False}


def _unknown_path(request, rest):
    raise Http404


api = MotcuaAPI(
    title="motcua",
    version="1",
    description=(
        "API của hệ thống một cửa / the one-stop service center API. Authenticate with the "
        "Django session (unsafe methods need the X-CSRFToken header, see /auth/csrf) or "
        "with `Authorization: Bearer <token>` (`motcua api-token create USER NAME`). "
        'Every failure answers `{"error": {"code", "message", "message_en", "details"}}`.'
    ),
    urls_namespace="api",
    auth=AUTH,
    renderer=Utf8JSONRenderer(),
    # No external validator badge: the docs page must not contact any other site.
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(api)


api.add_router("", account.router)
api.add_router("", catalog.router)
api.add_router("", dossiers.router)
