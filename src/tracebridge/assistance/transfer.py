"""An evidence package between two nodes, in content-addressed chunks.

The answering node cuts the package into chunks of ``CHUNK_SIZE`` (8 MiB; the last one shorter),
each named by its SHA-256; the plan (package SHA-256, size, chunk size, the chunks' names in
order) is in the signed answer message. The receiving node reads each chunk as it streams in,
hashing it, and writes it into its place in a preallocated file only when its bytes hash to its
name, then marks it held (a marker file): a transfer killed on either side resumes with the
chunks still missing, and memory stays one chunk whatever the package's size. Chunks are not
flushed one by one (a killed process loses nothing the kernel holds); after a machine crash the
completion finds the package's hash wrong, hashes each held chunk again and asks for the ones
whose bytes did not survive.

Over HTTP (``/api/v1/transfers/…``): the sender offers the package (the request's signed
messages, the answer among them), is told which chunks the receiver holds, PUTs the rest and
asks it to complete: the receiver checks and stores the package (``receipt``) and answers with
its signed verdict. Requests carry the API token the receiver issued (as TAXII's and
``delivery``'s do); every answer, errors too, is signed with the receiver's node key over the
sender's nonce (``sharing.signing``, as TAXII pages are), and the sender checks it against the
partner's pinned key.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import requests
from django.conf import settings
from django.utils import timezone

from tracebridge import jsonlimits
from tracebridge.agencies import audit
from tracebridge.assistance import delivery, services, signed
from tracebridge.assistance.models import PackageTransfer, Request
from tracebridge.errors import Conflict, Invalid, NotFound, Unavailable
from tracebridge.sharing import signing
from tracebridge.sharing.models import Partner

CHUNK_SIZE = 8 << 20
MIN_CHUNK, MAX_CHUNK = 1 << 20, 64 << 20
MAX_PACKAGE = 64 << 30  # the offline verifier's bound on a package's declared size
BUFFER = 1 << 20
HEX64 = re.compile(r"[0-9a-f]{64}")
TIMEOUT = 600


class TransferError(Invalid):
    """A chunk, plan or answer this node refuses; nothing half-written is kept."""


# --- plans ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    sha256: str
    size: int
    chunk_size: int
    chunks: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "size": self.size,
            "chunk_size": self.chunk_size,
            "chunks": list(self.chunks),
        }

    def span(self, index: int) -> tuple[int, int]:
        """Offset and length of chunk ``index``."""
        start = index * self.chunk_size
        return start, min(self.chunk_size, self.size - start)

    def indexes(self, chunk: str) -> list[int]:
        return [i for i, name in enumerate(self.chunks) if name == chunk]


def plan_of(data: Any) -> Plan:
    """A plan as an answer message carries it, checked for shape and consistency."""
    if not isinstance(data, dict):
        raise TransferError("the answer carries no package plan", [{"field": "package"}])
    sha, size, chunk_size, chunks = (
        data.get(k) for k in ("sha256", "size", "chunk_size", "chunks")
    )
    if not isinstance(sha, str) or not HEX64.fullmatch(sha):
        raise TransferError("package.sha256 is not a SHA-256 in hex", [{"field": "package.sha256"}])
    if not isinstance(size, int) or not 0 < size <= MAX_PACKAGE:
        raise TransferError(f"package.size must be 1 to {MAX_PACKAGE} bytes", [{"field": "package.size"}])  # fmt: skip
    if not isinstance(chunk_size, int) or not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
        raise TransferError(
            f"package.chunk_size must be {MIN_CHUNK} to {MAX_CHUNK} bytes",
            [{"field": "package.chunk_size"}],
        )
    count = math.ceil(size / chunk_size)
    if not isinstance(chunks, list) or len(chunks) != count:
        raise TransferError(
            f"package.chunks must name {count} chunks for {size} bytes in chunks of {chunk_size}",
            [{"field": "package.chunks"}],
        )
    if not all(isinstance(c, str) and HEX64.fullmatch(c) for c in chunks):
        raise TransferError("package.chunks must be SHA-256s in hex", [{"field": "package.chunks"}])
    return Plan(sha, size, chunk_size, tuple(chunks))


def stage(source: Path, target_dir: Path, chunk_size: int = CHUNK_SIZE) -> tuple[Plan, Path]:
    """Copy ``source`` to ``target_dir/<sha256>.zip`` in one pass, hashing the whole file and
    each chunk: the sender keeps its own copy, so the package cannot change under a transfer."""
    target_dir.mkdir(parents=True, exist_ok=True)
    partial = target_dir / f".{secrets.token_hex(8)}.partial"
    whole, chunks, size = hashlib.sha256(), [], 0
    try:
        with source.open("rb") as src, partial.open("wb") as out:
            while piece := src.read(chunk_size):
                whole.update(piece)
                chunks.append(hashlib.sha256(piece).hexdigest())
                out.write(piece)
                size += len(piece)
        if size == 0:
            raise TransferError(f"{source} is empty", [{"field": "package"}])
        plan = Plan(whole.hexdigest(), size, chunk_size, tuple(chunks))
        final = target_dir / f"{plan.sha256}.zip"
        partial.replace(final)
        return plan, final
    finally:
        partial.unlink(missing_ok=True)


def read_chunk(path: Path, plan: Plan, index: int) -> bytes:
    start, length = plan.span(index)
    with path.open("rb") as f:
        f.seek(start)
        return f.read(length)


def outgoing_dir() -> Path:
    return Path(settings.HOME) / "transfers" / "out"


def outgoing_path(transfer: PackageTransfer) -> Path:
    return outgoing_dir() / f"{transfer.package_sha256}.zip"


# --- the receiving side's storage -----------------------------------------------------------


def incoming_dir(transfer: PackageTransfer) -> Path:
    return Path(settings.HOME) / "transfers" / "in" / transfer.message_id


def part_path(transfer: PackageTransfer) -> Path:
    return incoming_dir(transfer) / "package.zip.part"


def prepare(transfer: PackageTransfer, plan: Plan) -> None:
    """The receiving file, preallocated (sparse) to the package's size, and the held markers."""
    folder = incoming_dir(transfer)
    (folder / "held").mkdir(parents=True, exist_ok=True)
    part = part_path(transfer)
    if not part.exists():
        with part.open("wb") as f:
            f.truncate(plan.size)


def held(transfer: PackageTransfer, plan: Plan) -> list[int]:
    folder = incoming_dir(transfer) / "held"
    if not folder.is_dir():
        return []
    names = {p.name for p in folder.iterdir()}
    return [i for i in range(len(plan.chunks)) if f"{i}-{plan.chunks[i]}" in names]


def missing(transfer: PackageTransfer, plan: Plan) -> list[int]:
    have = set(held(transfer, plan))
    return [i for i in range(len(plan.chunks)) if i not in have]


def _mark(transfer: PackageTransfer, plan: Plan, index: int) -> None:
    marker = incoming_dir(transfer) / "held" / f"{index}-{plan.chunks[index]}"
    fd = os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)


# The whole package's SHA-256, carried along while chunks arrive in order in one process
# (part file -> (next chunk index, hash of the chunks before it)), so that completing needs no
# second pass over the file; anything else (a restart, chunks out of order, another worker)
# drops it and completion hashes the file instead.
_RUNNING: dict[str, tuple[int, Any]] = {}


def running_digest(transfer: PackageTransfer, plan: Plan) -> str | None:
    state = _RUNNING.pop(str(part_path(transfer)), None)
    return state[1].hexdigest() if state and state[0] == len(plan.chunks) else None


def put_chunk(
    transfer: PackageTransfer, plan: Plan, chunk: str, stream: IO[bytes], length: int | None
) -> dict[str, Any]:
    """Read one chunk (at most its planned length and one byte more) while hashing it, then
    write it into every place the plan has it and mark it held, only when its bytes hash to its
    name: a short (truncated) or altered chunk is refused, never written, and stays missing.
    Memory: one chunk, whatever the package's size."""
    indexes = plan.indexes(chunk)
    if not indexes:
        raise NotFound(f"{chunk} is not a chunk of package {plan.sha256}")
    have = set(held(transfer, plan))
    if all(i in have for i in indexes):
        return {"chunk": chunk, "held": True, "already": True}
    expected = plan.span(indexes[0])[1]
    if length is not None and length != expected:
        raise TransferError(
            f"chunk {chunk} is {expected} bytes; this one says {length} (truncated?): send it again"
        )
    data, digest = _read_bounded(stream, expected)
    if (digest, len(data)) != (chunk, expected):
        raise TransferError(
            f"chunk {chunk} arrived as {len(data)} bytes with SHA-256 {digest}: truncated or "
            "altered, not kept: send it again"
        )
    part = part_path(transfer)
    fd = os.open(part, os.O_WRONLY)
    try:
        for index in indexes:
            os.pwrite(fd, data, plan.span(index)[0])
    finally:
        os.close(fd)
    for index in indexes:
        _mark(transfer, plan, index)
    _carry(str(part), indexes, data)
    return {"chunk": chunk, "held": True, "already": False}


def _carry(key: str, indexes: list[int], data: memoryview) -> None:
    """Carry the package's running hash over a chunk that arrived in order (see _RUNNING)."""
    index = indexes[0]
    running = _RUNNING.pop(key, None)
    if len(indexes) != 1 or (index and (running is None or running[0] != index)):
        return
    whole = running[1] if running and index else hashlib.sha256()
    whole.update(data)
    _RUNNING[key] = (index + 1, whole)


def _read_bounded(stream: IO[bytes], expected: int) -> tuple[memoryview, str]:
    """At most ``expected + 1`` bytes (one more shows a chunk too long), read into one buffer
    of that size (no copy as it fills), and their SHA-256."""
    buffer, digest, size = bytearray(expected + 1), hashlib.sha256(), 0
    view = memoryview(buffer)
    while size <= expected:
        piece = stream.read(min(BUFFER, expected + 1 - size))
        if not piece:
            break
        digest.update(piece)
        view[size : size + len(piece)] = piece
        size += len(piece)
    return view[:size], digest.hexdigest()


def recheck(transfer: PackageTransfer, plan: Plan) -> list[int]:
    """Hash every held chunk again and forget those whose bytes are not their name's (a
    machine that crashed may have kept a marker but not the data written before it: chunks
    are not flushed one by one); returns the chunks forgotten, to be sent again."""
    part, forgotten = part_path(transfer), []
    for index in held(transfer, plan):
        if hashlib.sha256(read_chunk(part, plan, index)).hexdigest() != plan.chunks[index]:
            (incoming_dir(transfer) / "held" / f"{index}-{plan.chunks[index]}").unlink()
            forgotten.append(index)
    return forgotten


def hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while piece := f.read(BUFFER * 4):
            digest.update(piece)
            size += len(piece)
    return digest.hexdigest(), size


# --- the sending side: talking to the partner's node ----------------------------------------


def transfers_url(partner: Partner) -> str:
    """The partner node's transfer routes, beside its inbound message route under /api/v1."""
    base = delivery.inbound_url(partner).removesuffix(delivery.INBOUND_PATH)
    return base + "api/v1/transfers"


class Client:
    """The sender's side of one transfer to ``partner``: the API token the partner issued to
    this node, a fresh nonce per call, and every answer checked against the partner's pinned
    node key (as ``sync`` checks TAXII pages and ``delivery`` receipts)."""

    def __init__(self, partner: Partner) -> None:
        if not partner.api_root:
            raise Conflict(f"partner {partner.name} has no URL: only files travel to it")
        self.partner = partner
        self.base = transfers_url(partner)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {partner.token}"

    def call(self, method: str, path: str, body: bytes = b"") -> dict[str, Any]:
        nonce = secrets.token_hex(16)
        headers = {delivery.NONCE_HEADER: nonce, "Content-Type": "application/octet-stream"}
        try:
            response = self.session.request(
                method, self.base + path, data=body, headers=headers, timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            raise Unavailable(
                f"{self.partner.name} did not answer ({type(exc).__name__}): "
                "run `tracebridge request transfer` again to resume"
            ) from None
        return self._checked(response, nonce)

    def _checked(self, response: requests.Response, nonce: str) -> dict[str, Any]:
        try:
            signing.verify_page(
                self.partner.public_key,
                response.headers.get(delivery.SIGNATURE_HEADER, ""),
                nonce,
                response.request.path_url,
                response.content,
                response.headers,
            )
        except signing.SignatureError as exc:
            raise TransferError(
                f"{self.partner.name}'s answer (HTTP {response.status_code}) is not signed by "
                f"its node key: {exc}"
            ) from None
        data = jsonlimits.loads(response.content, f"{self.partner.name}'s answer")
        if not isinstance(data, dict):
            raise TransferError(f"{self.partner.name}'s answer is not a JSON object")
        data["http_status"] = response.status_code
        return data


def _path(plan: Plan, *rest: str) -> str:
    return "/".join(["", plan.sha256, *rest])


def send(
    transfer: PackageTransfer,
    plan: Plan,
    *,
    progress: Callable[[int], None] | None = None,
    chunks_sent: Callable[[int], None] | None = None,
) -> PackageTransfer:
    """Offer, send the chunks the receiver lacks, complete; apply the signed verdict."""
    if transfer.state != "sending":
        raise Conflict(
            f"the package {transfer.package_sha256} was already {transfer.state}: "
            "nothing is sent twice"
        )
    request = transfer.request
    if request.partner is None:
        raise Conflict(f"{request.reference} is between agencies of this node: nothing to send")
    client = Client(request.partner)
    offer = _json_bytes({"messages": services.export(request)})
    status = _answer_of(client.call("POST", _path(plan), offer))
    path, have = outgoing_path(transfer), set(status.get("held") or [])
    sent = 0
    for index in _to_send(plan, have):
        body = read_chunk(path, plan, index)
        _answer_of(client.call("PUT", _path(plan, "chunks", plan.chunks[index]), body))
        sent += 1
        if progress:
            progress(len(body))
    if chunks_sent:
        chunks_sent(sent)
    verdict = _answer_of(client.call("POST", _path(plan, "complete")))
    return _settle(transfer, verdict)


def _to_send(plan: Plan, have: set[int]) -> Iterator[int]:
    seen: set[str] = set()
    for index, chunk in enumerate(plan.chunks):
        if index in have or chunk in seen:
            continue
        seen.add(chunk)
        yield index


def _answer_of(data: dict[str, Any]) -> dict[str, Any]:
    if int(data.get("http_status", 500)) >= 400:
        error = data.get("error")
        message = str(error.get("message") if isinstance(error, dict) else data)
        kind = Conflict if data["http_status"] == 409 else TransferError
        raise kind(f"the receiving node refused: {message}")
    return data


def _settle(transfer: PackageTransfer, verdict: dict[str, Any]) -> PackageTransfer:
    """Apply the receiver's signed verdict (verify or reject) and record how it ended."""
    messages = [signed.parse(m, "the verdict") for m in verdict.get("messages") or []]
    if messages:
        services.apply_messages(messages)
    state = "delivered" if verdict.get("state") == "stored" else "refused"
    transfer.state, transfer.reason = state, str(verdict.get("reason") or "")
    transfer.items = list(verdict.get("items") or [])
    transfer.finished_at = transfer.finished_at or timezone.now()
    transfer.save()
    audit.record(
        f"request.package_{state}",
        object_type="request",
        object_id=transfer.request.reference,
        outcome="ok" if state == "delivered" else "denied",
        package=transfer.package_sha256,
        reason=transfer.reason,
    )
    return transfer


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def request_for(transfer: PackageTransfer) -> Request:
    return Request.objects.select_related("partner", "case").get(pk=transfer.request_id)
