"""C2SP checkpoints, signed notes and cosignatures with Ed25519 (only `cryptography` needed).

- tlog-checkpoint: https://c2sp.org/tlog-checkpoint  (origin, size, base64 root, extensions)
- signed-note: https://c2sp.org/signed-note  (body, blank line, "— name base64(keyid||sig)")
- tlog-cosignature: https://c2sp.org/tlog-cosignature  (timestamped Ed25519, algorithm 0x04)

Parsing follows Go's golang.org/x/mod/sumdb/note (``Open``) where the specs leave a choice: at
most 100 signature lines, and a note of at most 1 MB (Go's tlog.ParseTree bound). Tree sizes are
uint64, as in transparency-dev/formats. tests/vectors/note/ holds the vectors that pin this.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
SIGNATURE_PREFIX = "\u2014 "  # em dash and space start every signature line
COSIGNATURE_HEADER = b"cosignature/v1\n"
MAX_SIGNATURES = 100  # Go's note.Open; C2SP: verifiers MUST accept at least 16
MAX_NOTE_BYTES = 1_000_000  # Go's tlog.ParseTree
MAX_TREE_SIZE = 2**64 - 1  # a uint64 (transparency-dev/formats log.Checkpoint)
_TREE_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")  # ASCII digits only, no leading zeros
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class NoteError(ValueError):
    """A malformed checkpoint, note or key, or a signature that does not verify."""


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise NoteError(f"{what} is not valid base64") from None


def _text(data: bytes, what: str) -> str:
    """signed-note §Format: at most MAX_NOTE_BYTES of UTF-8 without control characters but \\n."""
    if len(data) > MAX_NOTE_BYTES:
        raise NoteError(f"{what} has {len(data)} bytes, more than {MAX_NOTE_BYTES}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError(f"{what} is not UTF-8 (byte {exc.start})") from None
    found = _CONTROL.search(text)
    if found:
        raise NoteError(
            f"{what} has a control character U+{ord(found.group()):04X} at {found.start()}"
        )
    return text


def _check_name(name: str) -> None:
    if not name or any(c.isspace() for c in name) or "+" in name:
        raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")


def key_id(name: str, algorithm: int, public_key: bytes) -> bytes:
    """SHA-256(name || "\\n" || algorithm || public key)[:4] (signed-note §Signatures)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()[:4]


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    """A verifier key: who signs (name), how (algorithm) and with which Ed25519 public key."""

    name: str
    algorithm: int
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.algorithm, self.public_key)

    def encode(self) -> str:
        """<name>+<hex key id>+<base64(algorithm || public key)>."""
        blob = base64.b64encode(bytes([self.algorithm]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{blob}"

    def ed25519(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.public_key)


def parse_verifier(text: str) -> Verifier:
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteError("a verifier key has the form <name>+<hex key id>+<base64 key>")
    name, hex_id, blob = parts
    _check_name(name)
    raw = _b64decode(blob, "verifier key")
    if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
        raise NoteError("verifier key must be an Ed25519 key (algorithm 0x01 or 0x04)")
    verifier = Verifier(name, raw[0], raw[1:])
    if verifier.key_id.hex() != hex_id.lower():
        raise NoteError(f"verifier key id {hex_id} does not match its name and key")
    return verifier


@dataclass(frozen=True)
class Signer:
    """An Ed25519 signing key with its note name."""

    name: str
    private_key: Ed25519PrivateKey
    algorithm: int = ALG_ED25519

    def __post_init__(self) -> None:
        _check_name(self.name)

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.algorithm, raw_public(self.private_key.public_key()))

    def encode(self) -> str:
        """PRIVATE+KEY+<name>+<hex key id>+<base64(algorithm || seed)> (as Go's note package)."""
        seed = self.private_key.private_bytes_raw()
        blob = base64.b64encode(bytes([self.algorithm]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{blob}"


def generate_signer(name: str, algorithm: int = ALG_ED25519) -> Signer:
    return Signer(name, Ed25519PrivateKey.generate(), algorithm)


def parse_signer(text: str) -> Signer:
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("a signer key has the form PRIVATE+KEY+<name>+<hex key id>+<base64 key>")
    raw = _b64decode(parts[4], "signer key")
    if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
        raise NoteError("signer key must be an Ed25519 key (algorithm 0x01 or 0x04)")
    signer = Signer(parts[2], Ed25519PrivateKey.from_private_bytes(raw[1:]), raw[0])
    if signer.verifier.key_id.hex() != parts[3].lower():
        raise NoteError("signer key id does not match its name and key")
    return signer


# --- checkpoints --------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> bytes:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return ("\n".join([*lines, *self.extensions]) + "\n").encode()


def parse_checkpoint(body: bytes) -> Checkpoint:
    """tlog-checkpoint: origin, decimal size, base64 32-byte root, optional extension lines."""
    text = _text(body, "checkpoint")
    if not text.endswith("\n"):
        raise NoteError("checkpoint must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[0]:
        raise NoteError("checkpoint needs an origin, a tree size and a root hash line")
    origin, size_text, root_text, *extensions = lines
    size = _tree_size(size_text)
    root = _b64decode(root_text, "checkpoint root hash")
    if len(root) != 32:
        raise NoteError(f"checkpoint root hash has {len(root)} bytes, expected 32")
    if any(not line for line in extensions):
        raise NoteError("checkpoint has an empty extension line")
    return Checkpoint(origin, size, root, tuple(extensions))


def _tree_size(text: str) -> int:
    """tlog-checkpoint §Note text (2): ASCII decimal, no leading zeros; here at most a uint64."""
    if not _TREE_SIZE.fullmatch(text) or int(text) > MAX_TREE_SIZE:
        shown = text if len(text) <= 24 else f"{text[:20]}... ({len(text)} characters)"
        raise NoteError(
            f"checkpoint tree size {shown!r} is not a decimal of ASCII digits without "
            "leading zeros, from 0 to 2^64-1"
        )
    return int(text)


# --- signed notes -------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(self.key_id + self.signature).decode()}"


@dataclass(frozen=True)
class Note:
    body: bytes
    signatures: tuple[NoteSignature, ...] = field(default=())

    def encode(self) -> bytes:
        lines = "".join(sig.line() + "\n" for sig in self.signatures)
        return self.body + b"\n" + lines.encode()

    def with_signature(self, signature: NoteSignature) -> Note:
        return Note(self.body, (*self.signatures, signature))


def sign_note(body: bytes, signer: Signer) -> Note:
    if not body.endswith(b"\n"):
        raise NoteError("a note body must end with a newline")
    _text(body, "note body")
    signature = signer.private_key.sign(body)
    return Note(body, (NoteSignature(signer.name, signer.verifier.key_id, signature),))


def parse_note(data: bytes) -> Note:
    """Split a signed note into its body and signature lines (signatures not yet verified)."""
    text = _text(data, "note")
    cut = text.rfind("\n\n")
    if cut < 0 or not text.endswith("\n"):
        raise NoteError("note has no blank line between body and signatures")
    body, sig_text = text[: cut + 1], text[cut + 2 : -1]
    lines = sig_text.split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has {len(lines)} signature lines, more than {MAX_SIGNATURES}")
    return Note(body.encode(), tuple(parse_signature_line(line) for line in lines))


def parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteError(f"signature line {line[:40]!r} does not start with an em dash")
    name, _, blob = line[len(SIGNATURE_PREFIX) :].partition(" ")
    _check_name(name)
    raw = _b64decode(blob, f"signature of {name}")
    if len(raw) < 5:
        raise NoteError(f"signature of {name} is too short")
    return NoteSignature(name, raw[:4], raw[4:])


def _signatures_for(note: Note, verifier: Verifier) -> list[NoteSignature]:
    return [s for s in note.signatures if s.name == verifier.name and s.key_id == verifier.key_id]


def verify_note(note: Note, verifier: Verifier) -> None:
    """Raise NoteError unless the note carries a valid Ed25519 signature by ``verifier``."""
    if verifier.algorithm != ALG_ED25519:
        raise NoteError("a note signer key must use algorithm 0x01 (Ed25519)")
    candidates = _signatures_for(note, verifier)
    if not candidates:
        raise NoteError(f"no signature by {verifier.name} ({verifier.key_id.hex()}) on the note")
    for sig in candidates:
        try:
            verifier.ed25519().verify(sig.signature, note.body)
        except InvalidSignature:
            raise NoteError(f"the signature by {verifier.name} does not verify") from None


# --- cosignatures -------------------------------------------------------------------------


def cosigned_message(body: bytes, timestamp: int) -> bytes:
    return COSIGNATURE_HEADER + f"time {timestamp}\n".encode() + body


def cosign(body: bytes, signer: Signer, timestamp: int) -> NoteSignature:
    """A tlog-cosignature/v1 line: key id || u64 big-endian timestamp || Ed25519 signature."""
    if signer.algorithm != ALG_COSIGNATURE_V1:
        raise NoteError("a cosigner key must use algorithm 0x04 (cosignature/v1)")
    if not 0 <= timestamp < 2**63:
        raise NoteError("cosignature timestamp is out of range")
    signature = signer.private_key.sign(cosigned_message(body, timestamp))
    return NoteSignature(
        signer.name, signer.verifier.key_id, struct.pack(">Q", timestamp) + signature
    )


def verify_cosignature(note: Note, verifier: Verifier) -> int:
    """Raise NoteError unless ``verifier`` cosigned the note; returns the cosignature time."""
    if verifier.algorithm != ALG_COSIGNATURE_V1:
        raise NoteError("a cosigner key must use algorithm 0x04 (cosignature/v1)")
    candidates = _signatures_for(note, verifier)
    if not candidates:
        raise NoteError(f"no cosignature by {verifier.name} ({verifier.key_id.hex()})")
    sig = candidates[0]
    if len(sig.signature) != 8 + 64:
        raise NoteError(f"cosignature by {verifier.name} has the wrong length")
    (timestamp,) = struct.unpack(">Q", sig.signature[:8])
    try:
        verifier.ed25519().verify(sig.signature[8:], cosigned_message(note.body, timestamp))
    except InvalidSignature:
        raise NoteError(f"the cosignature by {verifier.name} does not verify") from None
    return int(timestamp)


# --- tlog-witness add-checkpoint bodies ---------------------------------------------------

MAX_PROOF_LINES = 63  # tlog-witness: a client MUST NOT send more
SIZE_CONTENT_TYPE = "text/x.tlog.size"  # a 409's body: the witness's size and a newline


@dataclass(frozen=True)
class AddCheckpoint:
    """A tlog-witness add-checkpoint request: the size the witness last cosigned, an RFC 9162
    consistency proof from it, and the signed checkpoint note."""

    old_size: int
    proof: tuple[bytes, ...]
    note: bytes

    def encode(self) -> bytes:
        lines = [f"old {self.old_size}"] + [base64.b64encode(p).decode() for p in self.proof]
        return ("\n".join(lines) + "\n\n").encode() + self.note


def parse_add_checkpoint(data: bytes) -> AddCheckpoint:
    """tlog-witness §add-checkpoint: "old <size>", at most 63 base64 hashes, a blank line, the
    note. Raises NoteError naming the line at fault (the witness answers 400)."""
    head, sep, note = data.partition(b"\n\n")
    if not sep:
        raise NoteError("add-checkpoint body has no blank line before the checkpoint")
    lines = _text(head, "add-checkpoint header").split("\n")
    first = lines[0]
    if not first.startswith("old "):
        raise NoteError(f"line 1 must be 'old <size>', got {first[:40]!r}")
    try:
        old_size = _tree_size(first[4:])
    except NoteError as exc:
        raise NoteError(f"line 1 (the old size): {exc}") from None
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise NoteError(f"{len(lines) - 1} consistency proof lines, more than {MAX_PROOF_LINES}")
    proof = []
    for n, line in enumerate(lines[1:], start=2):
        digest = _b64decode(line, f"line {n} (a consistency proof hash)")
        if len(digest) != 32:
            raise NoteError(f"line {n}: a consistency proof hash has 32 bytes, not {len(digest)}")
        proof.append(digest)
    return AddCheckpoint(old_size, tuple(proof), note)


def parse_size_answer(data: bytes) -> int:
    """A witness's 409 body (text/x.tlog.size): its size in decimal and a newline."""
    text = _text(data[:32], "size answer")
    if not text.endswith("\n"):
        raise NoteError("a size answer ends with a newline")
    return _tree_size(text[:-1])
