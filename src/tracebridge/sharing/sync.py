"""Federation: pull a partner node's TAXII collections, verify, import, remember where we were.

Each page is verified against the partner's pinned Ed25519 key over a fresh nonce (so a
recorded answer replayed later fails), imported, and the collection's ``added_after`` cursor
is saved in the same transaction: a pull killed midway resumes with nothing lost or doubled.

Campaign linking of the imported complaints waits for the end of the pull (linking page by
page cost ~95% of a pull). So that a pull killed before it links loses no links, each page
that saved complaints also marks linking as pending, in the same transaction; the next pull
first relinks everything if it finds the mark.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any, NoReturn
from urllib.parse import urljoin

import requests
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tracebridge import jsonlimits
from tracebridge.agencies import audit
from tracebridge.agencies.services import ServiceError
from tracebridge.sharing import signing, stix
from tracebridge.sharing.imports import ImportResult, import_objects
from tracebridge.sharing.models import Partner, ReceivedBundle

TAXII = "application/taxii+json;version=2.1"
TIMEOUT = 60
PAGE_SIZE = 5000
# A key of Partner.cursors that is never a collection id: imported complaints await linking.
LINK_PENDING = "link-pending"


class SyncError(RuntimeError):
    """The partner's answer cannot be trusted or used; nothing from it was imported."""


@dataclass
class SyncResult:
    collections: int = 0
    pages: int = 0
    imported: ImportResult = field(default_factory=ImportResult)


def _session(partner: Partner) -> requests.Session:
    session = requests.Session()
    session.headers.update({"Accept": TAXII, "Authorization": f"Bearer {partner.token}"})
    return session


def _refused(url: str, reason: str) -> SyncError:
    """Audit an answer this node cannot use and say why, naming the URL."""
    audit.record("sync.rejected", object_type="partner", object_id=url, outcome="denied",
                 reason=reason, url=url)  # fmt: skip
    return SyncError(f"{url}: {reason}")


def _get(
    session: requests.Session,
    url: str,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    try:
        response = session.get(url, params=params, timeout=TIMEOUT, headers=headers)
    except requests.RequestException as exc:
        raise _refused(url, f"no answer ({type(exc).__name__})") from None
    if response.status_code != 200:
        raise _refused(response.url, f"HTTP {response.status_code}{_kind(response)}")
    return response


def _kind(response: requests.Response) -> str:
    """What the answer was: a TAXII error's title and description, else its content type."""
    try:
        error = jsonlimits.loads(response.content, "the answer")
    except ValueError:
        error = None
    if isinstance(error, dict) and "title" in error:
        return f": {error['title']}: {str(error.get('description', ''))[:200]}"
    kind = response.headers.get("Content-Type", "no content type").split(";")[0]
    return f" ({kind})"


def json_of(response: requests.Response) -> dict[str, Any]:
    """The JSON object a TAXII answer holds, or a SyncError naming the URL and the status."""
    try:
        data = jsonlimits.loads(response.content, "the answer")
    except jsonlimits.JsonLimitError as exc:
        raise _refused(response.url, f"HTTP {response.status_code}: {exc}") from None
    except ValueError:  # not JSON at all
        data = None
    if not isinstance(data, dict):
        reason = f"HTTP {response.status_code}: the answer is not a TAXII JSON object"
        raise _refused(response.url, reason + _kind(response))
    return data


def _verified_page(partner: Partner, session: requests.Session, url: str, params: Any) -> Any:
    nonce = secrets.token_hex(16)
    response = _get(session, url, params, headers={"X-TraceBridge-Nonce": nonce})
    try:
        signing.verify_page(
            partner.public_key,
            response.headers.get("X-TraceBridge-Signature", ""),
            nonce,
            response.request.path_url,
            response.content,
            response.headers,
        )
    except signing.SignatureError as exc:
        _refuse(partner, url, str(exc))
    return response


def _refuse(partner: Partner, url: str, reason: str) -> NoReturn:
    audit.record("sync.rejected", object_type="partner", object_id=partner.name,
                 outcome="denied", reason=reason, url=url)  # fmt: skip
    raise SyncError(
        f"{partner.name}: page rejected, nothing from it imported and the cursor not moved: "
        f"{reason}"
    )


def _cursor(partner: Partner, url: str, response: Any, objects: list[Any]) -> str:
    """The signed X-TAXII-Date-Added-Last of a verified page: where the next page starts."""
    last = str(response.headers.get("X-TAXII-Date-Added-Last") or "")
    if objects and parse_datetime(last) is None:
        _refuse(partner, url, f"a page of {len(objects)} objects without a valid "
                f"X-TAXII-Date-Added-Last header ({last!r}), so there is no cursor to resume from")  # fmt: skip
    return last


def pull_collection(
    partner: Partner,
    session: requests.Session,
    collection_id: str,
    result: SyncResult,
    *,
    page_size: int,
    on_page: Callable[[int], None] | None = None,
) -> None:
    url = urljoin(partner.api_root, f"collections/{collection_id}/objects/")
    while True:
        params: dict[str, Any] = {"limit": page_size}
        cursor = partner.cursors.get(collection_id)
        if cursor:
            params["added_after"] = cursor
        response = _verified_page(partner, session, url, params)
        envelope = json_of(response)
        objects = envelope.get("objects") or []
        last = _cursor(partner, url, response, objects)
        with transaction.atomic():
            imported = import_objects(
                objects, partner=partner.name, allowed_agencies=partner.agency_codes
            )
            if last:
                partner.cursors[collection_id] = last
            if imported.created or imported.updated:
                partner.cursors[LINK_PENDING] = True
            if last or imported.created or imported.updated:
                partner.save(update_fields=["cursors"])
        result.pages += 1
        result.imported.add(imported)
        if on_page:
            on_page(len(objects))
        if not envelope.get("more") or not objects:
            return


@contextmanager
def _linking_at_end(partner: Partner) -> Iterator[None]:
    """Link what the block imports once it ends; first finish what a killed pull left unlinked."""
    from tracebridge.campaigns import services as campaigns

    if partner.cursors.get(LINK_PENDING):
        campaigns.full_link()
        _linked(partner)
    with campaigns.deferred_linking():
        yield
    _linked(partner)  # not reached when the pull or its linking failed: the mark stays


def _linked(partner: Partner) -> None:
    if partner.cursors.pop(LINK_PENDING, None) is not None:
        partner.save(update_fields=["cursors"])


def pull(
    partner: Partner, *, page_size: int = PAGE_SIZE, on_page: Callable[[int], None] | None = None
) -> SyncResult:
    """Pull every collection the partner lets this node read, then link what came in."""
    result = SyncResult()
    if not partner.api_root:
        raise SyncError(
            f"{partner.name} has no URL (only files travel): give it one with "
            "`tracebridge partner add --url`, or import its signed files"
        )
    with _session(partner) as session:  # closed at the end: no keep-alive socket left behind
        listing = json_of(_get(session, urljoin(partner.api_root, "collections/")))
        with _linking_at_end(partner):
            for collection in listing.get("collections", []):
                if not collection.get("can_read"):
                    continue
                result.collections += 1
                pull_collection(
                    partner, session, collection["id"], result, page_size=page_size,
                    on_page=on_page,
                )  # fmt: skip
    partner.last_sync_at = timezone.now()
    partner.save(update_fields=["last_sync_at"])
    audit.record(
        "sync.pull", object_type="partner", object_id=partner.name, pages=result.pages,
        objects=result.imported.objects, created=result.imported.created,
        updated=result.imported.updated, rejected=len(result.imported.rejected),
        marking_notes=len(result.imported.notes),
    )  # fmt: skip
    return result


def get_partner(name: str) -> Partner:
    partner = Partner.objects.filter(name=name).first()
    if partner is None:
        known = ", ".join(Partner.objects.values_list("name", flat=True)) or "none yet"
        raise ServiceError(
            f"no partner named {name!r} (known: {known}); add one with `tracebridge partner add`"
        )
    return partner


def add_partner(
    name: str, api_root: str, token: str, public_key: str, agency_codes: list[str]
) -> Partner:
    try:
        signing.verify(public_key, "", "", "", b"")
    except signing.SignatureError as exc:
        if str(exc).startswith("(1)"):
            raise ServiceError(f"--key is not an Ed25519 public key in base64: {exc}") from None
    codes = sorted({c.strip().upper() for c in agency_codes if c.strip()})
    if not codes:
        raise ServiceError("name the agencies the partner speaks for, e.g. --agencies IN-CBI")
    if api_root and not token:
        raise ServiceError("--token is needed with --url: the API token the partner issued")
    root = api_root if not api_root or api_root.endswith("/") else api_root + "/"
    partner, _ = Partner.objects.update_or_create(
        name=name,
        defaults={"api_root": root, "token": token, "public_key": public_key,
                  "agency_codes": codes},
    )  # fmt: skip
    audit.record("partner.add", object_type="partner", object_id=name, agencies=codes, url=root)
    return partner


def verify_file(partner: Partner, body: bytes, signature: str) -> dict[str, Any]:
    """A bundle file from a partner: signature first, then shape (never parse unverified JSON)."""
    try:
        signing.verify(partner.public_key, signature, "", "file", body)
    except signing.SignatureError as exc:
        audit.record("stix.import", object_type="partner", object_id=partner.name,
                     outcome="denied", reason=str(exc))  # fmt: skip
        raise SyncError(f"bundle rejected: {exc}") from None
    try:
        data = jsonlimits.loads(body, "the bundle file")
    except jsonlimits.JsonInputError as exc:
        raise stix.StixError(str(exc)) from None
    if not isinstance(data, dict) or data.get("type") != "bundle" or "id" not in data:
        raise stix.StixError("not a STIX bundle")
    return data


def import_bundle_file(partner: Partner, body: bytes, signature: str) -> ImportResult:
    """Verify a partner's signed bundle file, refuse a replay, import it."""
    data = verify_file(partner, body, signature)
    with transaction.atomic():
        if ReceivedBundle.objects.filter(partner=partner.name, bundle_id=data["id"]).exists():
            audit.record("stix.import", object_type="bundle", object_id=data["id"],
                         outcome="denied", reason="replayed", partner=partner.name)  # fmt: skip
            raise SyncError(f"bundle {data['id']} from {partner.name} was already received")
        result = import_objects(
            data.get("objects") or [], partner=partner.name, allowed_agencies=partner.agency_codes
        )
        ReceivedBundle.objects.create(
            partner=partner.name, bundle_id=data["id"], digest=sha256(body).hexdigest(),
            object_count=result.objects,
        )  # fmt: skip
    audit.record("stix.import", object_type="bundle", object_id=data["id"], partner=partner.name,
                 created=result.created, updated=result.updated, rejected=len(result.rejected))  # fmt: skip
    return result
