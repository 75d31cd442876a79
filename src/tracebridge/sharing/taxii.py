"""TAXII 2.1 server (OASIS TAXII 2.1 §4-5): discovery, one API root, collections per agreement.

Partners sign in with an API token (``Authorization: Bearer tb_…``) or HTTP basic. Responses
that carry objects are signed with the node key over the caller's nonce (see ``signing``).
Absent and forbidden collections and objects answer the same 404.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt

from tracebridge import jsonlimits
from tracebridge.agencies import audit
from tracebridge.agencies.http import SignedInRequest, signed_in
from tracebridge.agencies.models import User
from tracebridge.agencies.permissions import NEVER_SHARED, acts_for
from tracebridge.agencies.services import user_for_token
from tracebridge.sharing import signing
from tracebridge.sharing.imports import MAX_OBJECTS, import_objects
from tracebridge.sharing.models import Agreement, SharedObject, TaxiiStatus
from tracebridge.sharing.services import readable_agreements
from tracebridge.sharing.taxii_query import TaxiiError, filtered, taxii_time
from tracebridge.sharing.taxii_query import page as _page

TAXII = "application/taxii+json;version=2.1"
STIX_MEDIA = "application/stix+json;version={}"
CHALLENGE = 'Basic realm="TAXII", charset="UTF-8"'
SESSION_METHODS = ("GET", "HEAD")
logger = logging.getLogger(__name__)


def error_response(status: int, title: str, description: str = "") -> HttpResponse:
    body = {"title": title, "description": description, "http_status": str(status)}
    response = HttpResponse(json.dumps(body), status=status, content_type=TAXII)
    if status == 401:
        # One Basic challenge: Chromium reads 'Basic realm="TAXII", Bearer' as a malformed
        # Basic challenge and never asks for credentials. Bearer tokens are still accepted.
        response["WWW-Authenticate"] = CHALLENGE
    return response


def _locked_out(request: HttpRequest) -> TaxiiError:
    """django-axes locked this sign-in: say so in TAXII's shape (the lockout callable keeps it)."""
    seconds = int(get_cool_off(request).total_seconds())
    request.taxii_lockout = seconds  # type: ignore[attr-defined]  # read by taxii_error
    return TaxiiError(429, "Too Many Requests", "Too many failed sign-in attempts; this "
                      f"account is locked for {seconds} seconds.")  # fmt: skip


def _session_user(request: HttpRequest) -> User | None:
    """A signed-in agency user's session reads what their agency may read; never writes.

    The TAXII views are CSRF-exempt (partners' clients send no token), so a session must not
    be allowed to change anything: writes keep needing a token or HTTP basic.
    """
    user = getattr(request, "user", None)
    if request.method in SESSION_METHODS and isinstance(user, User) and user.agency_id:
        return user
    return None


def _unauthorized_text(request: HttpRequest) -> str:
    if getattr(request.user, "agency_id", None):
        return (
            "A signed-in session only reads; TAXII writes need a partner API token or HTTP basic."
        )
    return "Send a partner API token or HTTP basic credentials."


def _caller(request: HttpRequest) -> User:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, credential = header.partition(" ")
    user: AbstractBaseUser | None = None
    if not header:
        user = _session_user(request)
    elif scheme.lower() == "bearer":
        user = user_for_token(credential.strip(), "taxii")
    elif scheme.lower() == "basic":
        try:
            name, _, password = base64.b64decode(credential).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            name, password = "", ""
        user = authenticate(request, username=name, password=password) if name else None
        if user is None and getattr(request, "axes_locked_out", False):
            raise _locked_out(request)
    if not isinstance(user, User) or not user.agency_id:
        audit.record(
            "taxii.auth", request=request, outcome="denied", path=request.path, scheme=scheme
        )
        raise TaxiiError(401, "Unauthorized", _unauthorized_text(request))
    return user


def _answer(request: HttpRequest, fn: Any, methods: tuple[str, ...], **kwargs: Any) -> Any:
    accept = request.META.get("HTTP_ACCEPT", TAXII).replace(" ", "")
    if not any(a in accept for a in ("application/taxii+json", "*/*")):
        raise TaxiiError(406, "Not Acceptable", f"Accept must be {TAXII}.")
    caller = signed_in(request, _caller(request))
    if request.method not in methods:
        raise TaxiiError(405, "Method Not Allowed", f"This endpoint takes {', '.join(methods)}.")
    return fn(caller, **kwargs)


def taxii_error(request: HttpRequest, exc: TaxiiError, methods: tuple[str, ...]) -> HttpResponse:
    response = error_response(exc.status, exc.title, exc.description)
    if exc.status == 405:
        response["Allow"] = ", ".join(methods)
    if lockout := getattr(request, "taxii_lockout", 0):
        response["Retry-After"] = str(lockout)
        response.answers_lockout = True  # type: ignore[attr-defined]  # agencies.views.locked_out
    return response


def taxii_view(*methods: str) -> Callable[[Any], Any]:
    """Check Accept, authenticate, check the method; every error in the TAXII shape."""

    def decorate(fn: Any) -> Any:
        @csrf_exempt
        @wraps(fn)
        def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            try:
                return _answer(request, fn, methods, **kwargs)
            except TaxiiError as exc:
                return taxii_error(request, exc, methods)
            except Exception:  # a bug: logged with its traceback, answered as TAXII (§3.6)
                logger.exception("TAXII %s %s failed", request.method, request.path)
                return error_response(500, "Internal Server Error", "The server failed.")

        return view

    return decorate


def fallback(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Every other path under /taxii2/: the same path with its final slash, else a TAXII 404
    (401 first for a caller without credentials, as for any TAXII resource)."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not fallback:
            return match.func(request, *match.args, **match.kwargs)
    return _unknown(request)


@taxii_view("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS")
def _unknown(request: HttpRequest) -> HttpResponse:
    audit.record("taxii.collection", request=request, outcome="denied", path=request.path[:300])
    raise TaxiiError(404, "Not Found", "No such TAXII resource.")


def _json(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data), status=status, content_type=TAXII)


@cache
def _node_key(home: Path) -> Any:
    return signing.load_node_key()


def signed(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    nonce = request.META.get("HTTP_X_TRACEBRIDGE_NONCE", "")[:128]
    key = _node_key(Path(settings.HOME))
    response["X-TraceBridge-Signature"] = signing.sign_page(
        key, nonce, request.get_full_path(), response.content, response.headers
    )
    return response


def _root_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/taxii2/root/")


@taxii_view("GET")
def discovery(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "title": f"TraceBridge node {settings.NODE_NAME}",
            "description": "TLP-marked fraud intelligence shared under agreements",
            "default": _root_url(request),
            "api_roots": [_root_url(request)],
        }
    )


@taxii_view("GET")
def api_root(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "title": "TraceBridge sharing",
            "versions": [TAXII],
            "max_content_length": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        }
    )


def _collection(agreement: Agreement, user: User) -> dict[str, Any]:
    return {
        "id": str(agreement.collection_id),
        "title": f"{agreement.owner.code} to {agreement.partner.code}",
        "description": f"Shared under agreement {agreement.pk}: TLP {', '.join(agreement.tlp)}",
        "can_read": True,
        "can_write": agreement.owner_id == user.agency_id,
        "media_types": [STIX_MEDIA.format("2.1")],
    }


@taxii_view("GET")
def collections(request: SignedInRequest) -> HttpResponse:
    user = request.auth_user
    return _json({"collections": [_collection(a, user) for a in readable_agreements(user)]})


def _agreement(request: SignedInRequest, collection_id: str) -> Agreement:
    user = request.auth_user
    for agreement in readable_agreements(user):
        if str(agreement.collection_id) == str(collection_id):
            return agreement
    audit.record(
        "taxii.collection", request=request, outcome="denied", object_type="collection",
        object_id=str(collection_id),
    )  # fmt: skip
    raise TaxiiError(404, "Not Found", "No such collection.")


@taxii_view("GET")
def collection(request: SignedInRequest, collection_id: str) -> HttpResponse:
    return _json(_collection(_agreement(request, collection_id), request.auth_user))


def visible_objects(request: SignedInRequest, agreement: Agreement) -> QuerySet[SharedObject]:
    """What the caller may receive: RED never, only markings the agreement grants now."""
    user = request.auth_user
    rows = SharedObject.objects.filter(agreement=agreement).exclude(tlp__in=NEVER_SHARED)
    if user.agency_id != agreement.owner_id:
        rows = rows.filter(tlp__in=sorted(agreement.effective_tlp()))
    return rows


def _page_headers(response: HttpResponse, page: list[Any]) -> HttpResponse:
    if page:
        response["X-TAXII-Date-Added-First"] = taxii_time(page[0][1])
        response["X-TAXII-Date-Added-Last"] = taxii_time(page[-1][1])
    return response


def _envelope(page: list[Any], next_token: str, key: str = "objects") -> bytes:
    """Rows' JSON spliced into an envelope; an empty page is ``{}``, as medallion answers."""
    if not page:
        return b"{}"
    head = f'{{"more":{"true" if next_token else "false"}'
    if next_token:
        head += f',"next":"{next_token}"'
    return (head + f',"{key}":[' + ",".join(row[2] for row in page) + "]}").encode()


def _paged(request: HttpRequest, page: list[Any], next_token: str, key: str = "objects") -> Any:
    response = HttpResponse(_envelope(page, next_token, key), content_type=TAXII)
    return signed(request, _page_headers(response, page))


@taxii_view("GET", "POST")
def objects(request: SignedInRequest, collection_id: str) -> HttpResponse:
    agreement = _agreement(request, collection_id)
    if request.method == "POST":
        return add_objects(request, agreement)
    rows = filtered(request, visible_objects(request, agreement))
    page, next_token = _page(request, rows, ("id", "date_added", "body"))
    audit.record(
        "taxii.objects", request=request, object_type="collection",
        object_id=str(agreement.collection_id), count=len(page),
    )  # fmt: skip
    return _paged(request, page, next_token)


def _manifest_rows(page: list[Any]) -> list[Any]:
    return [
        (
            pk,
            added,
            json.dumps(
                {
                    "id": sid,
                    "date_added": taxii_time(added),
                    "version": ver,
                    "media_type": STIX_MEDIA.format(spec),
                }
            ),
        )
        for pk, added, sid, ver, spec in page
    ]


@taxii_view("GET")
def manifest(request: SignedInRequest, collection_id: str) -> HttpResponse:
    agreement = _agreement(request, collection_id)
    rows = filtered(request, visible_objects(request, agreement))
    page, next_token = _page(request, rows, ("id", "date_added", "stix_id", "version",
                                             "spec_version"))  # fmt: skip
    return _paged(request, _manifest_rows(page), next_token)


def _one(request: SignedInRequest, collection_id: str, object_id: str) -> QuerySet[SharedObject]:
    agreement = _agreement(request, collection_id)
    rows = visible_objects(request, agreement).filter(stix_id=object_id)
    if not rows.exists():
        raise TaxiiError(404, "Not Found", "No such object.")
    return rows


@taxii_view("GET")
def object_detail(request: SignedInRequest, collection_id: str, object_id: str) -> HttpResponse:
    rows = filtered(request, _one(request, collection_id, object_id))
    page, next_token = _page(request, rows, ("id", "date_added", "body"))
    return _paged(request, page, next_token)


@taxii_view("GET")
def versions(request: SignedInRequest, collection_id: str, object_id: str) -> HttpResponse:
    """TAXII 2.1 §5.7: added_after, match[spec_version], limit and next; no match[version]."""
    rows = filtered(request, _one(request, collection_id, object_id), versions=False)
    page, next_token = _page(request, rows, ("id", "date_added", "version"))
    quoted = [(pk, added, json.dumps(version)) for pk, added, version in page]
    return _paged(request, quoted, next_token, key="versions")


@taxii_view("GET")
def status(request: SignedInRequest, status_id: str) -> HttpResponse:
    user = request.auth_user
    row = TaxiiStatus.objects.filter(pk=status_id, requested_by=user).first()
    if row is None:
        raise TaxiiError(404, "Not Found", "No such status resource.")
    return _json(status_body(row))


def status_body(row: TaxiiStatus) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "status": "complete",
        "request_timestamp": taxii_time(row.requested_at),
        "total_count": len(row.successes) + len(row.failures),
        "success_count": len(row.successes),
        "successes": row.successes,
        "failure_count": len(row.failures),
        "failures": row.failures,
        "pending_count": 0,
        "pendings": [],
    }


def _taxii_content(request: HttpRequest) -> None:
    """TAXII 2.1 §5.4: a POST carries ``application/taxii+json;version=2.1``, else 415."""
    version = (request.content_params or {}).get("version", "2.1")
    if request.content_type != "application/taxii+json" or version != "2.1":
        given = request.META.get("CONTENT_TYPE", "") or "none"
        raise TaxiiError(415, "Unsupported Media Type",
                         f"Content-Type must be {TAXII}, not {given[:80]}.")  # fmt: skip


def _envelope_objects(request: HttpRequest) -> list[Any]:
    _taxii_content(request)
    try:
        raw = request.body
    except RequestDataTooBig:  # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raise TaxiiError(413, "Payload Too Large", f"The limit is {limit} bytes.") from None
    try:
        body = jsonlimits.loads(raw, "the body")
    except jsonlimits.JsonInputError as exc:
        raise TaxiiError(400, "Bad Request", f"{str(exc)[:1].upper()}{str(exc)[1:]}.") from None
    items = body.get("objects") if isinstance(body, dict) else None
    if not isinstance(items, list):  # e.g. a bare STIX object: well-formed JSON, wrong content
        raise TaxiiError(422, "Unprocessable Entity",
                         "The body must be a TAXII envelope: {\"objects\": [...]}.")  # fmt: skip
    if len(items) > MAX_OBJECTS:
        raise TaxiiError(413, "Payload Too Large", f"At most {MAX_OBJECTS} objects a request.")
    return items


def add_objects(request: SignedInRequest, agreement: Agreement) -> HttpResponse:
    """POST: an analyst of the owning agency pushes objects into its own collection.

    The objects are imported as the agency's complaints; the collection then serves what the
    normal export path generates from the stored records (redacted for the partner), never
    the posted bytes. Each object is accepted or refused on its own (see ``imports``).
    """
    user = request.auth_user
    if not acts_for(user, agreement.owner_id, "analyst"):
        audit.record("taxii.add", request=request, outcome="denied", object_type="collection",
                     object_id=str(agreement.collection_id), role=user.role)  # fmt: skip
        raise TaxiiError(
            403, "Forbidden", "Only an analyst (or above) of the sharing agency may add objects."
        )
    items = _envelope_objects(request)
    result = import_objects(items, partner=user.username, allowed_agencies=[agreement.owner.code])
    row = TaxiiStatus.objects.create(
        agreement=agreement, requested_by=user,
        successes=[{"id": oid, "version": version} for oid, version in result.accepted],
        failures=[{"id": f.id, "message": f.reason} for f in result.failures],
    )  # fmt: skip
    audit.record("taxii.add", request=request, object_type="collection",
                 object_id=str(agreement.collection_id), added=len(result.accepted),
                 rejected=len(result.failures), complaints=result.complaints)  # fmt: skip
    return _json(status_body(row), status=202)
