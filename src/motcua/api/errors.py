"""One error shape for every failure of the API (STYLE.md 14)::

    {"error": {"code": "illegal_move", "message": "<Vietnamese>", "message_en": "<English>",
               "details": {...}}}

``code`` is stable and meant for programs; the messages are for people, Vietnamese first.
Domain errors (``DossierError``) carry their own status, code and messages; everything
else is mapped here. An unexpected exception is logged with its traceback and answered
with a bare 500: the body never carries a stack trace.
"""

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.dossiers.errors import DossierError
from motcua.units.access import ReadOnlyAccess

log = logging.getLogger("motcua.api")


class ApiError(Exception):
    """An error raised by the API layer itself, in the same terms as ``DossierError``."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str, **details):
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.details = details


class MethodNotAllowed(Exception):
    """The path exists but not with this method (ninja answers these outside handlers)."""


def invalid_input(field: str, message_vi: str, message_en: str) -> ApiError:
    """A 422 naming one body field, shaped like the ones pydantic validation produces."""
    return ApiError(
        422,
        "invalid_input",
        f"Dữ liệu không hợp lệ: {field}: {message_vi}",
        f"Invalid input: {field}: {message_en}",
        fields=[{"field": field, "in": "body", "message": message_en, "type": "value_error"}],
    )


NOT_FOUND = (
    "Không tìm thấy, hoặc bạn không có quyền truy cập.",
    "Not found, or not accessible to you.",
)


def error_body(code: str, message_vi: str, message_en: str, details: dict | None = None):
    return {
        "error": {
            "code": code,
            "message": message_vi,
            "message_en": message_en,
            "details": details or {},
        }
    }


def _respond(api, request, status, code, message_vi, message_en, details=None) -> HttpResponse:
    body = error_body(code, message_vi, message_en, details)
    return api.create_response(request, body, status=status)


def client_validation_error(error_contexts) -> NinjaValidationError:
    """ninja's validation error, with each location named as the client sent it.

    ninja nests parameters in models named after the endpoint's arguments (``payload``,
    ``filters``); it maps exact locations back but not those inside a list
    (``filters.state.0``). Here the longest known prefix is mapped, and a body read
    whole from one argument loses that argument's name: ``("body", "applicant", "name")``.
    """
    errors = []
    for context in error_contexts:
        model = context.model
        reverse = getattr(model, "__ninja_flatten_map_reverse__", None) or {}
        single = getattr(model, "__read_from_single_attr__", None)
        for error in context.pydantic_validation_error.errors(include_url=False):
            loc = tuple(error["loc"])
            for n in range(len(loc), 0, -1):
                if loc[:n] in reverse:
                    loc = tuple(reverse[loc[:n]]) + loc[n:]
                    break
            if single and loc[:1] == (single,):
                loc = loc[1:]
            errors.append(
                {
                    "loc": (model.__ninja_param_source__, *loc),
                    "msg": error["msg"],
                    "type": error["type"],
                }
            )
    return NinjaValidationError(errors)


_HTTP_CODES = {
    400: ("bad_request", "Yêu cầu không hợp lệ.", "Bad request."),
    401: ("unauthenticated", "Cần đăng nhập.", "Authentication required."),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này.", "You may not do this."),
    404: ("not_found", *NOT_FOUND),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed."),
    429: ("throttled", "Quá nhiều yêu cầu; vui lòng thử lại sau.", "Too many requests."),
}


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the handlers on ``api``; ninja picks the most specific class (MRO)."""

    @api.exception_handler(DossierError)
    def dossier_error(request: HttpRequest, exc: DossierError):
        return _respond(
            api, request, exc.status, exc.code, exc.message_vi, exc.message_en, exc.details
        )

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError):
        return _respond(
            api, request, exc.status, exc.code, exc.message_vi, exc.message_en, exc.details
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError):
        fields = []
        for error in exc.errors:
            where, *path = [str(part) for part in error.get("loc", ())] or ["body"]
            field = ".".join(path)
            fields.append(
                {
                    "field": field,
                    "in": where,
                    "message": error.get("msg", ""),
                    "type": error.get("type", ""),
                }
            )
        names = ", ".join(f["field"] or f["in"] for f in fields)
        return _respond(
            api,
            request,
            422,
            "invalid_input",
            f"Dữ liệu gửi lên không hợp lệ ở các trường: {names}.",
            f"The request is invalid in these fields: {names}.",
            {"fields": fields},
        )

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError):
        return _respond(
            api,
            request,
            422,
            "invalid_input",
            "Dữ liệu gửi lên không hợp lệ.",
            "The request is invalid.",
            {"messages": [str(m) for m in exc.messages]},
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError):
        response = _respond(
            api,
            request,
            401,
            "unauthenticated",
            "Cần đăng nhập, hoặc gửi mã truy cập API hợp lệ (Authorization: Bearer …).",
            "Authentication required: log in, or send a valid API token (Authorization: Bearer …).",
        )
        response["WWW-Authenticate"] = 'Bearer realm="motcua"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):
        code, message_vi, message_en = _HTTP_CODES.get(
            exc.status_code, ("http_error", "Yêu cầu không thành công.", str(exc))
        )
        return _respond(api, request, exc.status_code, code, message_vi, message_en)

    @api.exception_handler(MethodNotAllowed)
    def method_not_allowed(request: HttpRequest, exc: MethodNotAllowed):
        return _respond(api, request, 405, *_HTTP_CODES[405])

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404):
        return _respond(api, request, 404, "not_found", *NOT_FOUND)

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist):
        return _respond(api, request, 404, "not_found", *NOT_FOUND)

    @api.exception_handler(ReadOnlyAccess)
    def read_only(request: HttpRequest, exc: ReadOnlyAccess):
        return _respond(
            api,
            request,
            403,
            "read_only",
            "Vai trò của bạn chỉ được xem hồ sơ này, không được thay đổi.",
            "Your role may read this dossier but not change it.",
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied):
        return _respond(api, request, 403, "forbidden", *_HTTP_CODES[403][1:])

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception):
        # The traceback goes to the server log; the client gets no internals.
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _respond(
            api,
            request,
            500,
            "internal_error",
            "Lỗi hệ thống; vui lòng thử lại sau. Sự cố đã được ghi lại.",
            "Internal error; please try again later. The problem was logged.",
        )
