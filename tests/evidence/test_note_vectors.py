"""Signed notes and checkpoints against Go's and C2SP's vectors (tests/vectors/note/README.md).

Go's ``note.Open`` takes a list of known keys: signatures by unknown keys are ignored, a known
key's signature must verify, and at least one must. ``open_note`` below is that rule over our
``parse_note`` and ``verify_note`` (which verifies one key at a time).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import vector_files
from tracebridge.evidence import checkpoint as cp

FILES = {p.stem: p for p in vector_files("note", "*.json", least=3)}


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(FILES[name]).read_text(encoding="utf-8"))
    return data


GO = _load("go_sumdb_note")
C2SP = _load("c2sp")
CHECKPOINTS = _load("checkpoints")["checkpoints"]
OPEN = GO["open"] + C2SP["open"]


def open_note(data: bytes, vkeys: list[str]) -> list[str]:
    """The names whose signatures verified; NoteError as Go's Open fails."""
    note = cp.parse_note(data)
    verified = []
    for verifier in map(cp.parse_verifier, vkeys):
        if any(s.name == verifier.name and s.key_id == verifier.key_id for s in note.signatures):
            cp.verify_note(note, verifier)
            verified.append(verifier.name)
    if not verified:
        raise cp.NoteError("note has no verifiable signatures")
    return verified


def _note_bytes(case: dict[str, Any]) -> bytes:
    if "note_b64" in case:
        return base64.b64decode(case["note_b64"])
    return str(case["note"]).encode()


ERRORS = {
    "malformed": "",  # any refusal by parse_note
    "invalid signature": "does not verify",
    "unverified": "no verifiable signatures",
}


@pytest.mark.parametrize("case", OPEN, ids=lambda c: c["case"])
def test_open(case: dict[str, Any]) -> None:
    data = _note_bytes(case)
    if "error" not in case:
        assert open_note(data, case["vkeys"]) == case["verified"]
        return
    if case["error"] == "malformed":
        with pytest.raises(cp.NoteError):
            cp.parse_note(data)
    else:
        with pytest.raises(cp.NoteError, match=ERRORS[case["error"]]):
            open_note(data, case["vkeys"])


@pytest.mark.parametrize("case", GO["keys"], ids=lambda c: c["case"])
def test_verifier_keys(case: dict[str, Any]) -> None:
    if case["valid"]:
        assert cp.parse_verifier(case["vkey"]).encode() == case["vkey"]
    else:
        with pytest.raises(cp.NoteError):
            cp.parse_verifier(case["vkey"])


@pytest.mark.parametrize("kind", ["vkey", "skey"])
def test_mangled_keys_are_refused(kind: str) -> None:
    key = GO["mangled_keys"][kind]
    parse = cp.parse_verifier if kind == "vkey" else cp.parse_signer
    parse(key)
    mangled = [key[i:j] for i in range(len(key) + 1) for j in range(i + 1, len(key) + 1)]
    mangled = [m for m in mangled if m != key]
    mangled += [key[:i] + chr(ord(key[i]) + 1) + key[i + 1 :] for i in range(len(key))]
    accepted = []
    for text in mangled:
        try:
            parse(text)
            accepted.append(text)
        except cp.NoteError:
            pass
    assert accepted == []


@pytest.mark.parametrize("case", GO["sign"], ids=lambda c: c["case"])
def test_sign(case: dict[str, Any]) -> None:
    signer = cp.parse_signer(case["skey"])
    if "error" in case:
        with pytest.raises(cp.NoteError, match="newline"):
            cp.sign_note(case["text"].encode(), signer)
    else:
        assert cp.sign_note(case["text"].encode(), signer).encode() == case["want"].encode()


@pytest.mark.parametrize("case", CHECKPOINTS, ids=lambda c: c["case"])
def test_checkpoints(case: dict[str, Any]) -> None:
    body = case["body"].encode()
    if "error" in case:
        with pytest.raises(cp.NoteError, match=case["error"]):
            cp.parse_checkpoint(body)
    else:
        assert cp.parse_checkpoint(body).size == case["size"]
