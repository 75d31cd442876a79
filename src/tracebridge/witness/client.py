"""The log side of C2SP tlog-witness: every new checkpoint of this node's ledger goes to each
partner with a URL (``POST <node>/api/v1/witness/add-checkpoint``) with the consistency proof
from the size that partner last cosigned; the cosignature lines it answers are checked against
its cosigner key and kept beside the checkpoint (``evidence.Cosignature``).

The partner's cosigner key is pinned from its ``GET /api/v1/witness/key`` answer, signed with
its node key (pinned by ``tracebridge partner add``) over our nonce, as TAXII pages are. A
409 names the size the partner holds: the proof is made again from it, once. A partner that
does not answer, or answers anything else, is tried again later (30 s doubling up to an hour)
by ``tracebridge witness run``, which a scheduler runs; the ledger never waits for a partner.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any

import requests
from django.utils import timezone

from tracebridge import jsonlimits
from tracebridge.agencies import audit
from tracebridge.errors import TracebridgeError
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence import ledger
from tracebridge.evidence.merkle import ProofError
from tracebridge.evidence.models import SignedCheckpoint
from tracebridge.sharing import signing
from tracebridge.sharing.models import Partner
from tracebridge.witness.models import WitnessPeer

ADD_PATH, KEY_PATH = "api/v1/witness/add-checkpoint", "api/v1/witness/key"
NONCE_HEADER, SIGNATURE_HEADER = "X-TraceBridge-Nonce", "X-TraceBridge-Signature"
TIMEOUT = (3, 10)  # connect, read: a checkpoint must not wait long on a dead partner
RETRY_FIRST, RETRY_MAX = dt.timedelta(seconds=30), dt.timedelta(hours=1)
log = logging.getLogger(__name__)


class WitnessFailure(Exception):
    """A partner that did not cosign this time: why, to keep and show."""


@dataclass(frozen=True)
class Outcome:
    partner: str
    ok: bool
    message: str


def after_checkpoint(sender: Any, checkpoint: SignedCheckpoint, **_: Any) -> None:
    """Connected to ``ledger.checkpoint_signed``: ask every due partner at once. Whatever
    fails stays for ``tracebridge witness run``; the signing never sees an error."""
    try:
        push_all()
    except Exception:  # the ledger must not fail because a partner did
        log.exception("witnessing checkpoint %s failed", checkpoint.size)


def push_all(*, due_only: bool = True) -> list[Outcome]:
    """Send our newest checkpoint to every partner with a URL that has not cosigned it."""
    checkpoint = ledger.latest_checkpoint()
    if checkpoint is None:
        return []
    now, outcomes = timezone.now(), []
    for partner in Partner.objects.exclude(api_root="").order_by("name"):
        peer, _ = WitnessPeer.objects.select_related("partner").get_or_create(partner=partner)
        if has_cosigned(peer, checkpoint):
            continue
        if due_only and peer.next_attempt_at and peer.next_attempt_at > now:
            wait = f"next try at {peer.next_attempt_at:%Y-%m-%d %H:%M:%S}Z"
            outcomes.append(Outcome(partner.name, False, f"{peer.last_error} ({wait})"))
            continue
        outcomes.append(push(peer, checkpoint))
    return outcomes


def partner_cosignatures(checkpoint: SignedCheckpoint) -> int:
    """How many of this node's partner witnesses (their pinned keys) cosigned ``checkpoint``,
    whether the signing's signal or a later push reached them."""
    pinned = WitnessPeer.objects.exclude(cosigner_key="").values("cosigner_key")
    return checkpoint.cosignatures.filter(cosigner_key__in=pinned).count()


def has_cosigned(peer: WitnessPeer, checkpoint: SignedCheckpoint) -> bool:
    return (
        bool(peer.cosigner_key)
        and checkpoint.cosignatures.filter(cosigner_key=peer.cosigner_key).exists()
    )


def push(peer: WitnessPeer, checkpoint: SignedCheckpoint) -> Outcome:
    session = requests.Session()
    try:
        if not peer.cosigner_key:
            _pin_key(peer, session)
        lines = _submit(peer, checkpoint, session)
        ledger.add_cosignature(checkpoint.note.encode() + lines, peer.cosigner_key)
    except (WitnessFailure, TracebridgeError) as exc:
        return _failed(peer, str(exc))
    finally:
        session.close()
    peer.size, peer.attempts, peer.last_error = checkpoint.size, 0, ""
    peer.next_attempt_at, peer.last_cosigned_at = None, timezone.now()
    peer.save()
    audit.record(
        "witness.cosigned", object_type="checkpoint", object_id=str(checkpoint.size),
        partner=peer.partner.name,
    )  # fmt: skip
    return Outcome(peer.partner.name, True, f"cosigned size {checkpoint.size}")


def _failed(peer: WitnessPeer, reason: str) -> Outcome:
    wait = min(RETRY_FIRST * 2**peer.attempts, RETRY_MAX)
    peer.attempts += 1
    peer.last_error = reason[:2000]
    peer.next_attempt_at = timezone.now() + wait
    peer.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    audit.record(
        "witness.failed", object_type="partner", object_id=peer.partner.name,
        outcome="error", reason=reason[:500],
    )  # fmt: skip
    return Outcome(peer.partner.name, False, reason)


def _headers(partner: Partner, nonce: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {partner.token}", NONCE_HEADER: nonce}


def _pin_key(peer: WitnessPeer, session: requests.Session) -> None:
    """Learn the partner's cosigner key from its answer signed with its pinned node key."""
    partner, nonce = peer.partner, secrets.token_hex(16)
    url = partner.node_url(KEY_PATH)
    response = _call(session.get, url, headers=_headers(partner, nonce))
    if response.status_code != 200:
        raise WitnessFailure(f"HTTP {response.status_code} from {url}{_said(response)}")
    try:
        signing.verify_page(
            partner.public_key, response.headers.get(SIGNATURE_HEADER, ""), nonce,
            response.request.path_url, response.content, response.headers,
        )  # fmt: skip
        answer = jsonlimits.loads(response.content, "the witness key answer")
        key = notes.parse_verifier(str(answer["cosigner_key"]))
    except (signing.SignatureError, notes.NoteError, ValueError, KeyError, TypeError) as exc:
        raise WitnessFailure(f"{url}: no cosigner key signed by {partner.name}: {exc}") from None
    if key.algorithm != notes.ALG_COSIGNATURE_V1:
        raise WitnessFailure(f"{url}: the cosigner key is not a cosignature/v1 key")
    peer.cosigner_key = key.encode()
    peer.save(update_fields=["cosigner_key"])
    audit.record(
        "witness.key_pinned", object_type="partner", object_id=partner.name, key=peer.cosigner_key
    )


def _call(method: Any, url: str, **kwargs: Any) -> requests.Response:
    try:
        return method(url, timeout=TIMEOUT, **kwargs)
    except requests.RequestException as exc:
        raise WitnessFailure(f"no answer from {url} ({type(exc).__name__})") from None


def _said(response: requests.Response) -> str:
    try:
        error = json.loads(response.content).get("error", {})
        return f": {error.get('code')}: {error.get('message')}"
    except (ValueError, AttributeError):
        return f": {response.text[:200]}" if response.text else ""


def add_checkpoint_body(old_size: int, checkpoint: SignedCheckpoint) -> bytes:
    """old size, the RFC 9162 proof from it to the checkpoint, a blank line, the note."""
    if old_size > checkpoint.size:
        raise WitnessFailure(
            f"the partner cosigned size {old_size} of our log, beyond our newest checkpoint "
            f"({checkpoint.size}): is another node signing as {checkpoint.origin}?"
        )
    proof: list[bytes] = []
    if 0 < old_size < checkpoint.size:
        try:
            proof = ledger.load_tree().consistency_proof(old_size, checkpoint.size)
        except ProofError as exc:
            raise WitnessFailure(f"no proof from size {old_size}: {exc}") from None
    request = notes.AddCheckpoint(old_size, tuple(proof), checkpoint.note.encode())
    return request.encode()


def _submit(peer: WitnessPeer, checkpoint: SignedCheckpoint, session: requests.Session) -> bytes:
    """POST add-checkpoint; on a 409, once more from the size the partner names."""
    partner, url = peer.partner, peer.partner.node_url(ADD_PATH)
    for _ in range(2):
        body = add_checkpoint_body(peer.size, checkpoint)
        headers = _headers(partner, secrets.token_hex(16))
        response = _call(session.post, url, data=body, headers=headers)
        if response.status_code == 200:
            return response.content
        if response.status_code != 409:
            raise WitnessFailure(f"HTTP {response.status_code} from {url}{_said(response)}")
        try:
            held = notes.parse_size_answer(response.content)
        except notes.NoteError as exc:
            raise WitnessFailure(f"HTTP 409 from {url} without a size: {exc}") from None
        if held == peer.size:
            raise WitnessFailure(f"HTTP 409 from {url} naming the size sent ({held})")
        peer.size = held
        peer.save(update_fields=["size"])
    raise WitnessFailure(f"HTTP 409 from {url} twice: the partner's size keeps moving")
