"""C2SP checkpoints, signed notes and cosignatures."""

from __future__ import annotations

import base64

import pytest

from tracebridge.evidence import checkpoint as cp


@pytest.fixture
def signer() -> cp.Signer:
    return cp.generate_signer("node.example/US-FBI")


@pytest.fixture
def body() -> bytes:
    return cp.Checkpoint("node.example/US-FBI", 7, bytes(range(32))).body()


def test_checkpoint_body_round_trips(body: bytes) -> None:
    assert body == b"node.example/US-FBI\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    parsed = cp.parse_checkpoint(body)
    assert (parsed.origin, parsed.size, parsed.root) == ("node.example/US-FBI", 7, bytes(range(32)))
    with_ext = cp.Checkpoint("o", 1, bytes(32), ("ext one",))
    assert cp.parse_checkpoint(with_ext.body()).extensions == ("ext one",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"origin\n7\n", "needs an origin"),
        (b"origin\n07\nAAAA\n", "leading zeros"),
        (b"origin\nseven\nAAAA\n", "not a decimal"),
        (b"origin\n7\nAAAA\n", "has 3 bytes"),
        (b"origin\n7\n!!!!\n", "not valid base64"),
        (b"origin\n7\nAAAA", "must end with a newline"),
        (b"o\n1\n" + base64.b64encode(bytes(32)) + b"\n\n", "empty extension"),
    ],
)
def test_malformed_checkpoints_are_refused(text: bytes, message: str) -> None:
    with pytest.raises(cp.NoteError, match=message):
        cp.parse_checkpoint(text)


def test_verifier_key_format_and_key_id(signer: cp.Signer) -> None:
    encoded = signer.verifier.encode()
    name, hex_id, blob = encoded.split("+", 2)
    raw = base64.b64decode(blob)
    assert name == "node.example/US-FBI" and raw[0] == 0x01 and len(raw) == 33
    assert bytes.fromhex(hex_id) == cp.key_id(name, 0x01, raw[1:])
    assert cp.parse_verifier(encoded) == signer.verifier
    assert cp.parse_signer(signer.encode()).verifier == signer.verifier
    with pytest.raises(cp.NoteError, match="does not match"):
        cp.parse_verifier(f"{name}+00000000+{blob}")
    with pytest.raises(cp.NoteError, match="form"):
        cp.parse_verifier("just-a-name")


def test_go_note_vkey_is_accepted() -> None:
    # The verifier key from the C2SP signed-note specification's example.
    vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    parsed = cp.parse_verifier(vkey)
    assert parsed.name == "PeterNeumann" and parsed.key_id.hex() == "c74f20a3"


def test_signed_note_verifies_and_detects_changes(signer: cp.Signer, body: bytes) -> None:
    note = cp.sign_note(body, signer)
    data = note.encode()
    assert data.startswith(body + "\n\u2014 node.example/US-FBI ".encode())
    cp.verify_note(cp.parse_note(data), signer.verifier)
    tampered = data.replace(b"\n7\n", b"\n8\n")
    with pytest.raises(cp.NoteError, match="does not verify"):
        cp.verify_note(cp.parse_note(tampered), signer.verifier)
    other = cp.generate_signer("node.example/US-FBI")
    with pytest.raises(cp.NoteError, match="no signature by"):
        cp.verify_note(cp.parse_note(data), other.verifier)
    with pytest.raises(cp.NoteError, match="em dash"):
        cp.parse_note(body + b"\n- someone AAAA\n")
    with pytest.raises(cp.NoteError, match="no blank line"):
        cp.parse_note(body)


def test_cosignature_v1(signer: cp.Signer, body: bytes) -> None:
    partner = cp.generate_signer("node.example/IN-CBI", cp.ALG_COSIGNATURE_V1)
    note = cp.sign_note(body, signer).with_signature(cp.cosign(body, partner, 1_790_000_000))
    parsed = cp.parse_note(note.encode())
    assert cp.verify_cosignature(parsed, partner.verifier) == 1_790_000_000
    cp.verify_note(parsed, signer.verifier)  # the log's own signature still stands
    raw = base64.b64decode(note.signatures[1].line().split(" ")[-1])
    assert raw[4:12] == (1_790_000_000).to_bytes(8, "big") and len(raw) == 4 + 8 + 64
    forged = cp.Note(
        body, (cp.NoteSignature(partner.name, partner.verifier.key_id, raw[4:12] + bytes(64)),)
    )
    with pytest.raises(cp.NoteError, match=r"cosignature by .* does not verify"):
        cp.verify_cosignature(forged, partner.verifier)
    with pytest.raises(cp.NoteError, match="0x04"):
        cp.cosign(body, signer, 1)
    with pytest.raises(cp.NoteError, match="0x04"):
        cp.verify_cosignature(parsed, signer.verifier)
