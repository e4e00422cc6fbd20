"""Request id: every request gets one (or keeps the caller's X-Request-ID); the change log records it."""

import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("perfbudget_request_id", default=None)
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def current_request_id():
    """The id of the request being served (used by django-auditlog as its correlation id)."""
    return _request_id.get()


def set_request_id(value):
    """Set the id for work outside a request (management commands, jobs); returns the reset token."""
    return _request_id.set(value)


class RequestIdMiddleware:
    """Assigns `request.request_id` and echoes it in the X-Request-ID response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _VALID.match(given) else uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class ChineseFirstMiddleware:
    """Pages are Chinese unless the user chose English (language cookie); the browser's Accept-Language
    is honoured only by the API, whose clients set it on purpose. Put it before LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
