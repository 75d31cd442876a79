"""The witness side of C2SP tlog-witness: a partner node submits a new checkpoint of its
ledger with the size this node last cosigned and a consistency proof from it; this node checks
the log's signature and the proof, records the checkpoint and answers its cosignature
(C2SP tlog-cosignature/v1), all under a lock on the log's row so that two submissions cannot
roll the recorded size back. https://c2sp.org/tlog-witness
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass

from django.db import transaction

from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.api_support import error_body
from tracebridge.errors import Conflict, Forbidden, Invalid, NotFound, TracebridgeError
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence import keys
from tracebridge.evidence.merkle import EMPTY_ROOT, ProofError, verify_consistency
from tracebridge.sharing.models import Partner
from tracebridge.witness.models import SplitView, WitnessedCheckpoint, WitnessedLog

TEXT = "text/plain; charset=utf-8"


class Malformed(Invalid):
    """An add-checkpoint body that is not one (400)."""

    status = 400
    code = "malformed"


class SizeConflict(Conflict):
    """The old size is not the size this node last cosigned (409, the size as text)."""

    def __init__(self, size: int, message: str) -> None:
        super().__init__(message)
        self.size = size


class Inconsistent(Invalid):
    """A consistency proof that does not verify, or a root that contradicts one (422)."""

    code = "inconsistent"


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = TEXT


@dataclass(frozen=True)
class Submission:
    request: notes.AddCheckpoint
    note: notes.Note
    checkpoint: notes.Checkpoint


def add_checkpoint(data: bytes, caller: User, now: int | None = None) -> Answer:
    """Answer one add-checkpoint request as the protocol says: 200 with the cosignature line,
    409 with our size (text/x.tlog.size), else the one error shape (400, 403, 404, 422)."""
    from tracebridge.api import status_of  # the one kind -> status map (it imports this app)

    try:
        line = _add(data, caller, now)
    except SizeConflict as exc:
        _refused(caller, exc)
        return Answer(409, f"{exc.size}\n".encode(), notes.SIZE_CONTENT_TYPE)
    except TracebridgeError as exc:
        _refused(caller, exc)
        body = json.dumps(error_body(exc.code, str(exc), exc.details), ensure_ascii=False)
        return Answer(status_of(exc), body.encode(), "application/json")
    return Answer(200, (line + "\n").encode())


def _refused(caller: User, exc: TracebridgeError) -> None:
    audit.record(
        "witness.refused",
        user=caller,
        object_type="witnessed_log",
        outcome="denied",
        reason=str(exc),
    )


def parse(data: bytes) -> Submission:
    try:
        request = notes.parse_add_checkpoint(data)
        note = notes.parse_note(request.note)
        checkpoint = notes.parse_checkpoint(note.body)
    except notes.NoteError as exc:
        raise Malformed(f"not an add-checkpoint request: {exc}") from None
    return Submission(request, note, checkpoint)


def _add(data: bytes, caller: User, now: int | None) -> str:
    sub = parse(data)
    log = _log_for(sub, caller)
    with transaction.atomic():
        locked = WitnessedLog.objects.select_for_update().get(pk=log.pk)
        if locked.retired_at is not None:  # reset (witness.reset) while the note was checked
            raise Forbidden(f"the log {log.origin} was reset under a new key: submit again")
        split = _split_view(locked, sub, caller)
        problem = _inconsistency(locked, sub, split)
        line = None if problem else _cosign(locked, sub, now)
    if problem is not None:
        raise problem
    assert line is not None
    audit.record("witness.cosign", user=caller, obj=log, size=sub.checkpoint.size)
    return line


# --- which log, and its key -----------------------------------------------------------------


def _partners_of(caller: User) -> list[Partner]:
    code = caller.agency.code if caller.agency else ""
    partners = [p for p in Partner.objects.order_by("name") if code in (p.agency_codes or [])]
    if not partners:
        raise Forbidden(
            f"{caller.username} ({code or 'no agency'}) is not of a partner node: "
            "only partners registered with `tracebridge partner add` are witnessed"
        )
    return partners


def partner_log_key(origin: str, public_key: str) -> notes.Verifier:
    """The key a partner signs its log ``origin`` with: its pinned node key, named as the log
    (a TraceBridge node's key name is its origin, evidence.keys)."""
    try:
        raw = base64.b64decode(public_key, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    return notes.Verifier(origin, notes.ALG_ED25519, raw)


def _log_for(sub: Submission, caller: User) -> WitnessedLog:
    """The witnessed log of the checkpoint's origin, once its signature verifies (404 for an
    origin no partner of the caller signs, 403 for a signature that does not verify)."""
    partners = _partners_of(caller)
    origin = sub.checkpoint.origin
    current = WitnessedLog.objects.filter(origin=origin, retired_at=None)
    log = current.select_related("partner").first()
    if log is not None and log.partner not in partners:
        raise Forbidden(f"the log {origin} is witnessed for partner {log.partner.name}")
    if log is not None:
        key = notes.parse_verifier(log.log_key)
        partner = log.partner
    else:
        partner, key = _signing_partner(sub.note, origin, partners)
    try:
        notes.verify_note(sub.note, key)
    except notes.NoteError as exc:
        raise Forbidden(f"the checkpoint of {origin} is not signed by its key: {exc}") from None
    if log is None:
        log, _ = WitnessedLog.objects.get_or_create(
            origin=origin, retired_at=None, defaults={"partner": partner, "log_key": key.encode()}
        )
    return log


def _signing_partner(
    note: notes.Note, origin: str, partners: list[Partner]
) -> tuple[Partner, notes.Verifier]:
    for partner in partners:
        key = partner_log_key(origin, partner.public_key)
        if any(s.name == origin and s.key_id == key.key_id for s in note.signatures):
            return partner, key
    names = ", ".join(p.name for p in partners)
    raise NotFound(f"unknown log {origin!r}: no signature on it by the key of partner {names}")


# --- the checks under the lock --------------------------------------------------------------


def _log_signed(note: notes.Note, log: WitnessedLog) -> str:
    """The note with the log's own signatures only (others' are ignored, as the spec says)."""
    key = notes.parse_verifier(log.log_key)
    own = tuple(s for s in note.signatures if s.name == key.name and s.key_id == key.key_id)
    return notes.Note(note.body, own).encode().decode()


def _split_view(log: WitnessedLog, sub: Submission, caller: User) -> SplitView | None:
    """A validly signed checkpoint for a size already cosigned, with another root: keep both
    signed checkpoints as the alert's proof (once per conflicting root) and audit it."""
    cp = sub.checkpoint
    held = log.checkpoints.filter(size=cp.size).first()
    if held is None or held.root == cp.root.hex():
        return None
    alert, created = SplitView.objects.get_or_create(
        log=log,
        size=cp.size,
        other_root=cp.root.hex(),
        defaults={
            "held_root": held.root,
            "held_note": held.note,
            "other_note": _log_signed(sub.note, log),
            "reported_by": caller.username,
        },
    )
    if created:
        audit.record(
            "witness.split_view",
            user=caller,
            obj=log,
            outcome="denied",
            size=cp.size,
            held_root=held.root,
            other_root=cp.root.hex(),
        )
    return alert


def _inconsistency(
    log: WitnessedLog, sub: Submission, split: SplitView | None
) -> TracebridgeError | None:
    old, cp, proof = sub.request.old_size, sub.checkpoint, list(sub.request.proof)
    if old > cp.size:
        return Malformed(f"old size {old} is larger than the checkpoint's {cp.size}")
    if old != log.size:
        return SizeConflict(
            log.size, f"this witness last cosigned {log.origin} at size {log.size}, not {old}"
        )
    if split is not None:
        return Inconsistent(
            f"split view: {log.origin} at size {cp.size} was cosigned with root "
            f"{split.held_root}, this checkpoint has {split.other_root}; both are kept"
        )
    if cp.size == 0 and cp.root != EMPTY_ROOT:
        return Inconsistent("a checkpoint of size 0 must have the empty tree's root")
    if old == 0 and proof:
        return Inconsistent("the consistency proof from size 0 must be empty")
    old_root = bytes.fromhex(log.root) if log.size else EMPTY_ROOT
    try:
        verify_consistency(old, cp.size, proof, old_root, cp.root)
    except ProofError as exc:
        return Inconsistent(
            f"{log.origin}: size {cp.size} is not consistent with size {old}: {exc}"
        )
    return None


def _cosign(log: WitnessedLog, sub: Submission, now: int | None) -> str:
    cp = sub.checkpoint
    line = notes.cosign(sub.note.body, keys.signer("cosigner"), int(now or time.time()))
    signed = _log_signed(sub.note, log)
    WitnessedCheckpoint.objects.get_or_create(
        log=log, size=cp.size, defaults={"root": cp.root.hex(), "note": signed}
    )
    log.size, log.root = cp.size, cp.root.hex()
    log.note = signed + line.line() + "\n"
    log.save(update_fields=["size", "root", "note", "updated_at"])
    return line.line()


def witness_key() -> dict[str, str]:
    """What a partner pins to check our cosignatures (answered signed, as TAXII pages)."""
    return {"cosigner_key": keys.verifier_key("cosigner"), "log_key": keys.verifier_key("node")}
