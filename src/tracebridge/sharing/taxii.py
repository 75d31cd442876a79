"""TAXII 2.1 server (OASIS TAXII 2.1 §4-5): discovery, one API root, collections per agreement.

Partners sign in with an API token (``Authorization: Bearer tb_…``) or HTTP basic. Responses
that carry objects are signed with the node key over the caller's nonce (see ``signing``).
Absent and forbidden collections and objects answer the same 404.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from functools import cache, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from tracebridge.agencies import audit
from tracebridge.agencies.permissions import NEVER_SHARED
from tracebridge.agencies.services import user_for_token
from tracebridge.sharing import signing
from tracebridge.sharing.exports import store
from tracebridge.sharing.imports import MAX_OBJECTS, checked, import_objects
from tracebridge.sharing.models import Agreement, SharedObject, TaxiiStatus
from tracebridge.sharing.services import readable_agreements

TAXII = "application/taxii+json;version=2.1"
STIX_MEDIA = "application/stix+json;version=2.1"
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000


class TaxiiError(Exception):
    def __init__(self, status: int, title: str, description: str = "") -> None:
        super().__init__(title)
        self.status, self.title, self.description = status, title, description


def error_response(status: int, title: str, description: str = "") -> HttpResponse:
    body = {"title": title, "description": description, "http_status": str(status)}
    response = HttpResponse(json.dumps(body), status=status, content_type=TAXII)
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="TAXII", Bearer'
    return response


def _taxii_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _caller(request: HttpRequest) -> Any:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, credential = header.partition(" ")
    user = None
    if scheme.lower() == "bearer":
        user = user_for_token(credential.strip())
    elif scheme.lower() == "basic":
        try:
            name, _, password = base64.b64decode(credential).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            name, password = "", ""
        user = authenticate(request, username=name, password=password) if name else None
    if user is None or not getattr(user, "agency_id", None):
        audit.record(
            "taxii.auth", request=request, outcome="denied", path=request.path, scheme=scheme
        )
        raise TaxiiError(401, "Unauthorized", "Send a partner API token or HTTP basic credentials.")
    return user


def taxii_view(fn: Any) -> Any:
    """Authenticate, check the Accept header, and answer errors in the TAXII shape."""

    @csrf_exempt
    @wraps(fn)
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            accept = request.META.get("HTTP_ACCEPT", TAXII).replace(" ", "")
            if not any(a in accept for a in ("application/taxii+json", "*/*")):
                raise TaxiiError(406, "Not Acceptable", f"Accept must be {TAXII}.")
            request.auth_user = _caller(request)
            return fn(request, *args, **kwargs)
        except TaxiiError as exc:
            return error_response(exc.status, exc.title, exc.description)

    return view


def _json(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data), status=status, content_type=TAXII)


@cache
def _node_key(home: Path) -> Any:
    return signing.load_node_key()


def signed(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    nonce = request.META.get("HTTP_X_TRACEBRIDGE_NONCE", "")[:128]
    key = _node_key(Path(settings.HOME))
    response["X-TraceBridge-Signature"] = signing.sign(
        key, nonce, request.get_full_path(), response.content
    )
    return response


def _root_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/taxii2/root/")


@taxii_view
def discovery(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "title": f"TraceBridge node {settings.NODE_NAME}",
            "description": "TLP-marked fraud intelligence shared under agreements",
            "default": _root_url(request),
            "api_roots": [_root_url(request)],
        }
    )


@taxii_view
def api_root(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "title": "TraceBridge sharing",
            "versions": [TAXII],
            "max_content_length": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        }
    )


def _collection(agreement: Agreement, user: Any) -> dict[str, Any]:
    return {
        "id": str(agreement.collection_id),
        "title": f"{agreement.owner.code} to {agreement.partner.code}",
        "description": f"Shared under agreement {agreement.pk}: TLP {', '.join(agreement.tlp)}",
        "can_read": True,
        "can_write": agreement.owner_id == user.agency_id,
        "media_types": [STIX_MEDIA],
    }


@taxii_view
def collections(request: HttpRequest) -> HttpResponse:
    user = request.auth_user
    return _json({"collections": [_collection(a, user) for a in readable_agreements(user)]})


def _agreement(request: HttpRequest, collection_id: str) -> Agreement:
    user = request.auth_user
    for agreement in readable_agreements(user):
        if str(agreement.collection_id) == str(collection_id):
            return agreement
    audit.record(
        "taxii.collection", request=request, outcome="denied", object_type="collection",
        object_id=str(collection_id),
    )  # fmt: skip
    raise TaxiiError(404, "Not Found", "No such collection.")


@taxii_view
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    return _json(_collection(_agreement(request, collection_id), request.auth_user))


def visible_objects(request: HttpRequest, agreement: Agreement) -> QuerySet[SharedObject]:
    """What the caller may receive: RED never, only markings the agreement grants now."""
    user = request.auth_user
    rows = SharedObject.objects.filter(agreement=agreement).exclude(tlp__in=NEVER_SHARED)
    if user.agency_id != agreement.owner_id:
        rows = rows.filter(tlp__in=sorted(agreement.effective_tlp()))
    return rows


def _param_list(request: HttpRequest, name: str) -> list[str]:
    return [v for raw in request.GET.getlist(name) for v in raw.split(",") if v]


def _filters(request: HttpRequest, rows: QuerySet[SharedObject]) -> QuerySet[SharedObject]:
    after = request.GET.get("added_after")
    if after:
        moment = parse_datetime(after)
        if moment is None or moment.tzinfo is None:
            raise TaxiiError(400, "Bad Request", "added_after must be a timestamp such as "
                             "2026-01-01T00:00:00.000000Z")  # fmt: skip
        rows = rows.filter(date_added__gt=moment)
    if types := _param_list(request, "match[type]"):
        rows = rows.filter(stix_type__in=types)
    if ids := _param_list(request, "match[id]"):
        rows = rows.filter(stix_id__in=ids)
    versions = _param_list(request, "match[version]") or ["last"]
    if "all" not in versions:
        wanted = [v for v in versions if v not in ("last", "first")]
        latest = rows.filter(is_latest=True) if "last" in versions else rows.none()
        rows = latest | rows.filter(version__in=wanted) if wanted else latest
    return rows


def _page(request: HttpRequest, rows: QuerySet[SharedObject], fields: tuple[str, ...]) -> Any:
    try:
        limit = min(int(request.GET.get("limit", DEFAULT_LIMIT)), MAX_LIMIT)
        after_id = int(request.GET.get("next") or 0)
    except ValueError:
        raise TaxiiError(400, "Bad Request", "limit and next must be integers") from None
    if limit < 1:
        raise TaxiiError(400, "Bad Request", "limit must be at least 1")
    page = list(rows.filter(id__gt=after_id).order_by("id").values_list(*fields)[: limit + 1])
    more = len(page) > limit
    return page[:limit], more


def _page_headers(response: HttpResponse, page: list[Any]) -> HttpResponse:
    if page:
        response["X-TAXII-Date-Added-First"] = _taxii_time(page[0][1])
        response["X-TAXII-Date-Added-Last"] = _taxii_time(page[-1][1])
    return response


def _envelope(page: list[Any], more: bool, key: str = "objects") -> bytes:
    head = f'{{"more":{"true" if more else "false"}'
    if more:
        head += f',"next":"{page[-1][0]}"'
    return (head + f',"{key}":[' + ",".join(row[2] for row in page) + "]}").encode()


@taxii_view
def objects(request: HttpRequest, collection_id: str) -> HttpResponse:
    agreement = _agreement(request, collection_id)
    if request.method == "POST":
        return add_objects(request, agreement)
    if request.method != "GET":
        raise TaxiiError(405, "Method Not Allowed")
    page, more = _page(
        request,
        _filters(request, visible_objects(request, agreement)),
        ("id", "date_added", "body"),
    )
    audit.record(
        "taxii.objects", request=request, object_type="collection",
        object_id=str(agreement.collection_id), count=len(page),
    )  # fmt: skip
    response = HttpResponse(_envelope(page, more), content_type=TAXII)
    return signed(request, _page_headers(response, page))


def _manifest_rows(page: list[Any]) -> list[Any]:
    return [
        (
            pk,
            added,
            json.dumps(
                {
                    "id": sid,
                    "date_added": _taxii_time(added),
                    "version": ver,
                    "media_type": STIX_MEDIA,
                }
            ),
        )
        for pk, added, sid, ver in page
    ]


@taxii_view
def manifest(request: HttpRequest, collection_id: str) -> HttpResponse:
    agreement = _agreement(request, collection_id)
    rows = _filters(request, visible_objects(request, agreement))
    page, more = _page(request, rows, ("id", "date_added", "stix_id", "version"))
    response = HttpResponse(_envelope(_manifest_rows(page), more), content_type=TAXII)
    return signed(request, _page_headers(response, page))


def _one(request: HttpRequest, collection_id: str, object_id: str) -> QuerySet[SharedObject]:
    agreement = _agreement(request, collection_id)
    rows = visible_objects(request, agreement).filter(stix_id=object_id)
    if not rows.exists():
        raise TaxiiError(404, "Not Found", "No such object.")
    return rows


@taxii_view
def object_detail(request: HttpRequest, collection_id: str, object_id: str) -> HttpResponse:
    rows = _filters(request, _one(request, collection_id, object_id))
    page, more = _page(request, rows, ("id", "date_added", "body"))
    return signed(
        request, _page_headers(HttpResponse(_envelope(page, more), content_type=TAXII), page)
    )


@taxii_view
def versions(request: HttpRequest, collection_id: str, object_id: str) -> HttpResponse:
    rows = _one(request, collection_id, object_id)
    found = sorted(rows.values_list("version", flat=True))
    return signed(request, _json({"more": False, "versions": found}))


@taxii_view
def status(request: HttpRequest, status_id: str) -> HttpResponse:
    user = request.auth_user
    row = TaxiiStatus.objects.filter(pk=status_id, requested_by=user).first()
    if row is None:
        raise TaxiiError(404, "Not Found", "No such status resource.")
    return _json(status_body(row))


def status_body(row: TaxiiStatus) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "status": "complete",
        "request_timestamp": _taxii_time(row.requested_at),
        "total_count": len(row.successes) + len(row.failures),
        "success_count": len(row.successes),
        "successes": row.successes,
        "failure_count": len(row.failures),
        "failures": row.failures,
        "pending_count": 0,
    }


def _envelope_objects(request: HttpRequest) -> list[Any]:
    try:
        raw = request.body
    except RequestDataTooBig:  # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raise TaxiiError(413, "Payload Too Large", f"The limit is {limit} bytes.") from None
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise TaxiiError(400, "Bad Request", "The body is not JSON.") from None
    items = body.get("objects") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise TaxiiError(400, "Bad Request", "The body must be an envelope with 'objects'.")
    if len(items) > MAX_OBJECTS:
        raise TaxiiError(413, "Payload Too Large", f"At most {MAX_OBJECTS} objects a request.")
    return items


def add_objects(request: HttpRequest, agreement: Agreement) -> HttpResponse:
    """POST: the owning agency's node pushes objects into its own collection."""
    user = request.auth_user
    if user.agency_id != agreement.owner_id:
        audit.record("taxii.add", request=request, outcome="denied", object_type="collection",
                     object_id=str(agreement.collection_id))  # fmt: skip
        raise TaxiiError(403, "Forbidden", "Only the sharing agency may add to this collection.")
    items = _envelope_objects(request)
    good, bad = checked(items)
    failures = [
        {"id": str(o.get("id", "")) if isinstance(o, dict) else "", "message": reason}
        for o, reason in bad
    ]
    store(agreement, good)
    result = import_objects(good, partner=user.username, allowed_agencies=[agreement.owner.code])
    successes = [{"id": o["id"], "version": str(o.get("modified", ""))} for o in good]
    row = TaxiiStatus.objects.create(
        agreement=agreement, requested_by=user, successes=successes, failures=failures
    )
    audit.record("taxii.add", request=request, object_type="collection",
                 object_id=str(agreement.collection_id), added=len(good),
                 rejected=len(failures), complaints=result.complaints)  # fmt: skip
    return _json(status_body(row), status=202)
