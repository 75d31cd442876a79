"""The receiving node's side of an answer: check the package, then store it, or refuse it.

Nothing is stored until every check holds, in order: (1) the assembled file has the announced
size (else truncated) and SHA-256; (2) it is signed with the answering node's key (the
partner's pinned key, or this node's when both agencies are here); (3) the offline verifier
(``tracebridge verify``) passes every check; (4) it is the announced case's package; (5) the
certificate of authenticity is bound to this package and lists exactly its records. Then the
files become evidence items of the request's case, each with a **received** custody event that
names the sender's package hash, checkpoint and leaf, and the node signs a ``verify`` step. A
failed check signs a ``reject`` step instead, naming the reason; both travel back to the sender.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.assistance import authenticity, services
from tracebridge.assistance.models import Message, PackageTransfer, Request
from tracebridge.assistance.transfer import Plan, hash_file, plan_of
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence import verifier, zones
from tracebridge.evidence.blobs import Blob, BlobStore, FileBlobStore
from tracebridge.evidence.models import EvidenceItem
from tracebridge.evidence.services import blob_store, record_item
from tracebridge.evidence.verifier import CHECKPOINT, MANIFEST, NODE_KEY, SafeZip

ANSWERS = ("return", "return_part")
CARRIED = ("description", "collected_by", "collected_zone", "place", "device", "legal_authority")


class PackageRefused(Exception):
    """A check the package failed; the message says which and why."""


@dataclass
class Verdict:
    state: str  # stored | refused
    reason: str = ""
    items: list[str] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "reason": self.reason,
            "items": self.items,
            "messages": self.messages,
        }


@dataclass(frozen=True)
class Contents:
    case: str
    items: list[dict[str, Any]]  # path, leaf_index, record
    checkpoint: dict[str, Any]  # origin, size, root (base64)


# --- what the answer announced --------------------------------------------------------------


def answer_data(message: Message) -> dict[str, Any]:
    data = services.message_of(message).body.get("data")
    return data if isinstance(data, dict) else {}


def announcing(request: Request, sha256: str) -> Message | None:
    """The latest answer of ``request`` announcing package ``sha256``."""
    for message in request.messages.filter(action__in=ANSWERS).order_by("-seq"):
        package = answer_data(message).get("package")
        if isinstance(package, dict) and package.get("sha256") == sha256:
            return message
    return None


def plan_for(transfer: PackageTransfer) -> Plan:
    message = transfer.request.messages.get(message_id=transfer.message_id)
    return plan_of(answer_data(message).get("package"))


# --- the checks -----------------------------------------------------------------------------


def read_contents(path: Path) -> Contents:
    """The case, items and checkpoint of a package (read as hostile, within the verifier's
    bounds)."""
    try:
        pkg = SafeZip(path, verifier.Limits())
        try:
            manifest = pkg.read_json(MANIFEST)
            note = notes.parse_note(pkg.read(CHECKPOINT))
        finally:
            pkg.close()
        cp = notes.parse_checkpoint(note.body)
        case = manifest["case"]["reference"]
        items = [
            {
                "path": str(i["path"]),
                "leaf_index": int(i["leaf_index"]),
                "record": dict(i["record"]),
            }
            for i in manifest["items"]
        ]
    except (verifier.VerificationError, notes.NoteError, KeyError, TypeError, ValueError) as exc:
        raise PackageRefused(f"the package cannot be read: {exc}") from None
    checkpoint = {"origin": cp.origin, "size": cp.size, "root": base64.b64encode(cp.root).decode()}
    return Contents(str(case), items, checkpoint)


def package_key(path: Path) -> notes.Verifier:
    try:
        pkg = SafeZip(path, verifier.Limits())
        try:
            return notes.parse_verifier(pkg.read(NODE_KEY).decode("utf-8", "replace"))
        finally:
            pkg.close()
    except (verifier.VerificationError, notes.NoteError) as exc:
        raise PackageRefused(f"the package's node key cannot be read: {exc}") from None


def check(
    path: Path, plan: Plan, data: dict[str, Any], expected_key: str, digest: str | None = None
) -> Contents:
    """Every check, in order; PackageRefused names the first that fails. ``digest``: the file's
    SHA-256 when it is already known (hashed as the chunks arrived in order)."""
    sha256, size = (digest, path.stat().st_size) if digest else hash_file(path)
    if size != plan.size:
        raise PackageRefused(f"truncated: {size} bytes arrived of the {plan.size} announced")
    if sha256 != plan.sha256:
        raise PackageRefused(
            f"the package's SHA-256 is {sha256}, not the {plan.sha256} the answer announced"
        )
    key = package_key(path)
    if base64.b64encode(key.public_key).decode() != expected_key:
        raise PackageRefused(
            f"the package is signed with key {key.name}+{key.key_id.hex()}, "
            "not the answering node's key"
        )
    report = verifier.verify_package(path, trusted_key=key.encode())
    if not report.ok:
        failed = "; ".join(f"{c.step}: {c.message}" for c in report.failures[:5])
        raise PackageRefused(f"the offline verifier failed {len(report.failures)} checks: {failed}")
    contents = read_contents(path)
    announced = (data.get("package") or {}).get("case")
    if announced != contents.case:
        raise PackageRefused(
            f"the package is of case {contents.case}, not the {announced} announced"
        )
    records = [{"path": i["path"], **i["record"]} for i in contents.items]
    problems = authenticity.binding_problems(data.get("certificate"), plan.sha256, records)
    if problems:
        raise PackageRefused("certificate of authenticity: " + "; ".join(problems[:5]))
    return contents


# --- the verdicts ---------------------------------------------------------------------------


def receive(
    transfer: PackageTransfer, path: Path, expected_key: str, digest: str | None = None
) -> Verdict:
    """Check the package at ``path`` and store it, or refuse it; the verdict is a signed step."""
    request = transfer.request
    if transfer.state in ("stored", "refused"):
        return verdict_of(transfer)
    data = answer_data(request.messages.get(message_id=transfer.message_id))
    plan = plan_of(data.get("package"))
    try:
        contents = check(path, plan, data, expected_key, digest)
        if request.case is None:
            raise PackageRefused(f"{request.reference} has no case on this node to receive into")
    except PackageRefused as exc:
        return refuse(transfer, str(exc))
    return store(transfer, path, plan, data, contents)


def _claimed(transfer: PackageTransfer) -> bool:
    """Lock the transfer's row; False when another completion has already finished it (two
    completions at once store the package once)."""
    fresh = PackageTransfer.objects.select_for_update().get(pk=transfer.pk)
    return fresh.state == "receiving"


def refuse(transfer: PackageTransfer, reason: str) -> Verdict:
    with transaction.atomic():
        if not _claimed(transfer):
            return verdict_of(PackageTransfer.objects.get(pk=transfer.pk))
        request = services.node_step(
            transfer.request, "reject", {"package": transfer.package_sha256, "reason": reason}
        )
        transfer.state, transfer.reason = "refused", reason
        transfer.finished_at = timezone.now()
        transfer.save()
    audit.record(
        "request.package_refused",
        object_type="request",
        object_id=request.reference,
        outcome="denied",
        package=transfer.package_sha256,
        reason=reason,
    )
    return verdict_of(transfer)


def store(
    transfer: PackageTransfer, path: Path, plan: Plan, data: dict[str, Any], contents: Contents
) -> Verdict:
    """Blobs first (content-addressed: a crash leaves no item), then items, custody and the
    signed ``verify`` in one transaction."""
    request, blobs = transfer.request, blob_store()
    files = _put_files(blobs, path, contents)
    text = authenticity.text(data["certificate"]).encode()
    certificate = blobs.put(io.BytesIO(text))
    keep_package(blobs, path, plan.sha256)
    carried = data.get("conditions")
    conditions: dict[str, Any] = carried if isinstance(carried, dict) else {}
    detail = {
        "request": request.reference,
        "from": request.to_code,
        "sender": request.partner.name if request.partner else "this node",
        "package_sha256": plan.sha256,
        "sender_case": contents.case,
        "sender_checkpoint": contents.checkpoint,
    }
    assert request.case is not None
    with transaction.atomic():
        if not _claimed(transfer):
            return verdict_of(PackageTransfer.objects.get(pk=transfer.pk))
        items = [
            _record(request, blob, entry, detail, conditions)
            for blob, entry in zip(files, contents.items, strict=True)
        ]
        items.append(
            record_item(
                request.case,
                certificate,
                f"certificate-of-authenticity-{request.reference}.txt",
                custody="received",
                custody_detail=detail,
                conditions=conditions,
                description=f"{authenticity.TITLE} for package {plan.sha256}",
            )
        )
        refs = [i.reference for i in items]
        services.node_step(request, "verify", {"package": plan.sha256, "items": refs})
        transfer.state, transfer.items = "stored", refs
        transfer.finished_at = timezone.now()
        transfer.save()
    audit.record(
        "request.package_stored",
        object_type="request",
        object_id=request.reference,
        package=plan.sha256,
        items=refs,
    )
    return verdict_of(transfer)


def _put_files(blobs: BlobStore, path: Path, contents: Contents) -> list[Blob]:
    """Each file of the (verified) package into the blob store: a stored member of a file store
    is copied in the kernel under the SHA-256 the verifier just checked, anything else
    streamed and hashed again."""
    stored = []
    with zipfile.ZipFile(path) as archive:
        for entry in contents.items:
            info, record = archive.getinfo(entry["path"]), entry["record"]
            offset = _data_offset(path, info)
            if isinstance(blobs, FileBlobStore) and offset is not None:
                blob = blobs.put_range(path, offset, info.file_size, str(record["sha256"]))
            else:
                with archive.open(info) as source:
                    blob = blobs.put(source)
            if blob.sha256 != record.get("sha256"):
                raise PackageRefused(f"{entry['path']} changed while it was stored")
            stored.append(blob)
    return stored


LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... name length, extra length


def _data_offset(path: Path, info: zipfile.ZipInfo) -> int | None:
    """Where a stored (uncompressed) member's bytes start in the file, else None."""
    if info.compress_type != zipfile.ZIP_STORED:
        return None
    with path.open("rb") as f:
        f.seek(info.header_offset)
        signature, name, extra = LOCAL_HEADER.unpack(f.read(LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        return None
    return info.header_offset + LOCAL_HEADER.size + name + extra


def keep_package(blobs: BlobStore, path: Path, sha256: str) -> None:
    """The package itself, by its SHA-256, so it can be verified again from this node (linked
    into a file store, not copied)."""
    if isinstance(blobs, FileBlobStore):
        target = blobs.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
            os.chmod(target, 0o444)
        except FileExistsError:
            pass
        return
    with path.open("rb") as source:
        blobs.put(source)


def _record(
    request: Request,
    blob: Blob,
    entry: dict[str, Any],
    detail: dict[str, Any],
    conditions: dict[str, Any],
) -> EvidenceItem:
    record = entry["record"]
    metadata: dict[str, Any] = {k: str(record.get(k) or "") for k in CARRIED}
    if metadata["collected_zone"]:
        try:
            zones.parse_zone(metadata["collected_zone"])
        except zones.ZoneError:
            metadata["collected_zone"] = ""
    assert request.case is not None
    return record_item(
        request.case,
        blob,
        str(record.get("filename") or entry["path"]),
        custody="received",
        custody_detail={
            **detail,
            "sender_item": record.get("item", ""),
            "sender_leaf": entry["leaf_index"],
        },
        conditions=conditions,
        collected_at=_when(record.get("collected_at")),
        **metadata,
    )


def _when(text: Any) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None
    return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)


def verdict_of(transfer: PackageTransfer) -> Verdict:
    """The verdict of a finished transfer, with the signed step that recorded it."""
    action = "verify" if transfer.state == "stored" else "reject"
    steps = transfer.request.messages.filter(action=action).order_by("-seq")
    messages = [
        services.message_of(m).as_dict()
        for m in steps
        if answer_data(m).get("package") == transfer.package_sha256
    ][:1]
    return Verdict(transfer.state, transfer.reason, list(transfer.items), messages)
