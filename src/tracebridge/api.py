"""The node's JSON API at /api/v1: authentication, the one error shape, and every app's router."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from tracebridge import errors, jsonlimits
from tracebridge.agencies import audit
from tracebridge.agencies.http import signed_in
from tracebridge.agencies.models import User
from tracebridge.agencies.services import user_for_token
from tracebridge.api_schema import with_error_responses
from tracebridge.api_support import error_body
from tracebridge.wiring import app_modules


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tb_…`` for machine clients (carriers, banks, partner tools)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # A read-only token reads; writing needs the write scope (issue 20.16).
        scope = "read" if request.method in ("GET", "HEAD", "OPTIONS") else "write"
        user = user_for_token(token, scope)
        if user is None:
            audit.record(
                "api.auth",
                request=request,
                outcome="denied",
                reason="bad, revoked or expired token, or not granted this scope",
                path=request.path,
            )
            return None
        signed_in(request, user).user = user
        return user


class SessionUserAuth(SessionAuth):
    """The browser's signed-in session (CSRF-checked for unsafe methods).

    A request that names a token is judged by that token alone: a revoked token sent from a
    signed-in browser is refused, not quietly answered as the session's user."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        user = super().authenticate(request, key)
        if not isinstance(user, User):
            return None
        signed_in(request, user)
        return user


AUTH = [TokenAuth(), SessionUserAuth()]


class NodeApi(NinjaAPI):
    """NinjaAPI whose 405 answers and OpenAPI follow the one error shape."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        # django-ninja answers a wrong method with its own text/html 405 before any exception
        # handler runs; wrapping its views is the one place that can turn it into JSON.
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_not_allowed(pattern.callback)
        return urls

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return with_error_responses(super().get_openapi_schema(**kwargs))


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        answer = error_response(
            request,
            405,
            "method_not_allowed",
            f"{request.method} is not allowed here; use {response['Allow']}.",
        )
        answer["Allow"] = response["Allow"]
        return answer

    return wrapped


class BoundedParser(Parser):
    """Request bodies are outside JSON: read within jsonlimits' bounds (a 400 names the limit)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return jsonlimits.loads(request.body, "the body")


api = NodeApi(
    parser=BoundedParser(),
    title="TraceBridge node API",
    version="1",
    urls_namespace="api",
    auth=AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: list[Any] | None = None
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, details), status=status)


_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "filters"}


def field_name(loc: Any) -> str:
    """('body', 'payload', 'loss', 'amount') -> 'loss.amount'; ('query', 'limit') -> 'limit'."""
    parts = [str(p) for p in loc]
    while parts and parts[0] in _LOCATIONS:
        parts.pop(0)
    return ".".join(parts)


@csrf_exempt  # no session state is read or changed; a POST must get this JSON, not CSRF's page
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown paths under /api/v1 answer in the API's error shape, not an HTML page."""
    return error_response(request, 404, "not_found", "Not found.")


# Each kind of the one error root and its status; a route never translates errors itself.
KIND_STATUS: dict[type[errors.TracebridgeError], int] = {
    errors.NotFound: 404,
    errors.Forbidden: 403,
    errors.Conflict: 409,
    errors.Invalid: 422,
    errors.Unavailable: 503,
    errors.TracebridgeError: 422,  # a bare ServiceError: an invalid request, as it always was
}


def status_of(exc: errors.TracebridgeError) -> int:
    return getattr(exc, "status", None) or KIND_STATUS[errors.kind_of(exc)]


@api.exception_handler(errors.TracebridgeError)
def _tracebridge_error(request: HttpRequest, exc: errors.TracebridgeError) -> HttpResponse:
    """The one handler of the error root: a kind's status, its code, message and details."""
    return error_response(request, status_of(exc), exc.code, str(exc), exc.details)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {"field": field_name(e.get("loc", ())), "message": e.get("msg", "invalid")}
        for e in exc.errors
    ]
    return error_response(
        request, 422, "invalid", "The request is not valid; see details.", details
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        401,
        "unauthenticated",
        "Sign in, or send 'Authorization: Bearer <token>' with a valid API token.",
    )


@api.exception_handler(AuthorizationError)
@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    audit.record("api.forbidden", request=request, outcome="denied", path=request.path)
    return error_response(request, 403, "forbidden", str(exc) or "Your role does not allow this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = HTTP_CODES.get(exc.status_code, "error")
    if isinstance(exc.__cause__, jsonlimits.JsonInputError):  # ninja wraps the parser's error
        return error_response(request, 400, code, f"Cannot parse request body: {exc.__cause__}.")
    return error_response(request, exc.status_code, code, str(exc))


@api.exception_handler(MultiPartParserError)
@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
def _bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body Django cannot parse (multipart without a boundary, too many fields...)."""
    return error_response(request, 400, "bad_request", f"The request body cannot be read: {exc}")


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit:,} bytes"
    return error_response(
        request, 413, "too_large", f"The body is over {size}; send smaller batches."
    )


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    if settings.DEBUG and getattr(settings, "TRACEBRIDGE_RAISE_API_ERRORS", False):
        raise exc
    import logging

    logging.getLogger("tracebridge.api").exception("unexpected API error")
    return error_response(
        request,
        500,
        "internal",
        "Something went wrong on this node; the operator can find the details in the server log.",
    )


for _app, _module in app_modules("api"):
    api.add_router("", _module.router)
