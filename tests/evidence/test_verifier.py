"""The offline verifier: every tampering named precisely, hostile archives refused."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.evidence.builders import Built, build_package
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence.verifier import Limits, main, verify_package

FILES = {
    "call.wav": b"RIFF" + bytes(400),
    "screen.png": b"\x89PNG" + bytes(range(200)),
    "cdr.csv": b"a,b\n1,2\n",
}
WAV, PNG = "files/0001-call.wav", "files/0002-screen.png"


@pytest.fixture
def built(tmp_path: Path) -> Built:
    return build_package(tmp_path / "pkg.zip", FILES)


def rewrite(src: Path, mutate: Callable[[dict[str, bytes]], None]) -> Path:
    with zipfile.ZipFile(src) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    mutate(members)
    out = src.with_name("tampered.zip")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out


def failures(path: Path, **kwargs: object) -> list[tuple[str, str]]:
    report = verify_package(path, **kwargs)  # type: ignore[arg-type]
    assert not report.ok
    return [(c.step, c.message) for c in report.failures]


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_untouched_package_verifies(built: Built) -> None:
    report = verify_package(
        built.path,
        trusted_key=built.signer.verifier.encode(),
        trusted_cosigner=built.cosigner.verifier.encode(),
    )
    assert report.ok, report.failures
    steps = {c.step for c in report.checks}
    assert {"checkpoint signature", f"file {WAV}", "manifest", "partner cosignature"} <= steps
    assert (
        "inclusion of evidence EV-3" in steps and "inclusion of custody collected of EV-1" in steps
    )
    assert report.notes == []
    untrusted = verify_package(built.path)
    assert untrusted.ok and "taken from the package itself" in untrusted.notes[0]


def test_without_cosignature_notes_it(tmp_path: Path) -> None:
    report = verify_package(build_package(tmp_path / "p.zip", FILES, cosign=False).path)
    assert report.ok and report.notes[-1] == "No partner-cosigned checkpoint is in the package."


def test_flipped_byte_in_a_file(built: Built) -> None:
    bad = rewrite(built.path, lambda m: m.update({WAV: flip(m[WAV], 10)}))
    [(step, message)] = failures(bad)
    assert step == f"file {WAV}" and "the manifest says" in message


def test_flipped_byte_in_the_manifest(built: Built) -> None:
    bad = rewrite(
        built.path,
        lambda m: m.update(
            {"manifest.json": m["manifest.json"].replace(b"2026-11-29", b"2026-11-28")}
        ),
    )
    [(step, message)] = failures(bad)
    assert step == "manifest.json" and "manifest altered" in message
    broken = rewrite(built.path, lambda m: m.update({"manifest.json": flip(m["manifest.json"], 0)}))
    assert failures(broken) == [("manifest.json", failures(broken)[0][1])]
    assert "cannot be read: it is not JSON" in failures(broken)[0][1]


def _edit_proofs(m: dict[str, bytes]) -> None:
    proofs = json.loads(m["proofs.json"])
    first = proofs["inclusion"]["1"]
    first[0] = ("A" if first[0][0] != "A" else "B") + first[0][1:]
    m["proofs.json"] = json.dumps(proofs).encode()


def test_flipped_byte_in_a_proof(built: Built) -> None:
    [(step, message)] = failures(rewrite(built.path, _edit_proofs))
    assert step == "inclusion of evidence EV-1" and message.startswith(
        "leaf 1 of 8: inclusion proof gives root"
    )


def test_flipped_byte_in_the_checkpoint_and_in_the_signature(built: Built) -> None:
    def body(m: dict[str, bytes]) -> None:
        m["checkpoint.txt"] = m["checkpoint.txt"].replace(b"\n8\n", b"\n9\n", 1)

    assert failures(rewrite(built.path, body)) == [
        ("checkpoint signature", "the signature by test.node/US-FBI/evidence does not verify")
    ]

    def signature(m: dict[str, bytes]) -> None:
        m["checkpoint.txt"] = flip(m["checkpoint.txt"], len(m["checkpoint.txt"]) - 10)

    [(step, message)] = failures(rewrite(built.path, signature))
    assert step == "checkpoint signature" and ("does not verify" in message or "base64" in message)


def test_dropped_and_added_files(built: Built) -> None:
    [(step, message)] = failures(rewrite(built.path, lambda m: m.pop(PNG)))
    assert (
        step == f"file {PNG}" and message == "listed in the manifest but missing from the package"
    )
    [(step, message)] = failures(
        rewrite(built.path, lambda m: m.update({"files/extra.exe": b"MZ"}))
    )
    assert step == "file files/extra.exe" and message == "is in the package but not in the manifest"


def test_swapped_items(built: Built) -> None:
    def swap(m: dict[str, bytes]) -> None:
        m[WAV], m[PNG] = m[PNG], m[WAV]

    found = dict(failures(rewrite(built.path, swap)))
    assert "that is the content of files/0002-screen.png: files swapped?" in found[f"file {WAV}"]
    assert "files swapped?" in found[f"file {PNG}"]


def test_older_checkpoint(built: Built) -> None:
    [(step, message)] = failures(
        rewrite(built.path, lambda m: m.update({"checkpoint.txt": built.old_note}))
    )
    assert (
        step == "checkpoint"
        and "the checkpoint has 1 leaves: an older or other checkpoint" in message
    )


def test_untrusted_node_key_and_forged_cosignature(built: Built, tmp_path: Path) -> None:
    other = build_package(tmp_path / "other.zip", FILES)
    [(step, message)] = failures(built.path, trusted_key=other.signer.verifier.encode())
    assert step == "node key" and "is not the trusted key" in message
    [(step, message)] = failures(built.path, trusted_cosigner=other.cosigner.verifier.encode())
    assert step == "partner cosignature" and "no cosignature by test.node/IN-CBI/witness" in message

    def forge(m: dict[str, bytes]) -> None:  # one bit of the cosignature itself (still base64)
        note = notes.parse_note(m["cosigned/checkpoint.txt"])
        *own, cosig = note.signatures
        sig = flip(cosig.signature, len(cosig.signature) - 1)
        forged = notes.NoteSignature(cosig.name, cosig.key_id, sig)
        m["cosigned/checkpoint.txt"] = notes.Note(note.body, (*own, forged)).encode()

    [(step, message)] = failures(rewrite(built.path, forge))
    assert step == "partner cosignature" and "does not verify" in message


def test_every_cosignature_is_checked_and_reported(tmp_path: Path) -> None:
    built = build_package(tmp_path / "two.zip", FILES, cosigners=2)
    a, b = (c.verifier.encode() for c in built.cosigners)
    report = verify_package(built.path, trusted_cosigner=[a, b])
    assert report.ok, report.failures
    cosigned = [c.message for c in report.checks if c.step == "partner cosignature"]
    assert len(cosigned) == 2 and all("at unix time 1790000000" in m for m in cosigned)
    assert {m.split(" ")[0] for m in cosigned} == {"+".join(k.split("+")[:2]) for k in (a, b)}
    # keys from the package itself: both checked, and a NOTE says where they came from
    untrusted = verify_package(built.path)
    assert untrusted.ok and "cosigner keys were taken from the package" in untrusted.notes[-1]
    # one key trusted out of the two given to the command line as one file of two lines
    keyfile = tmp_path / "partners.vkey"
    keyfile.write_text(f"{a}\n{b}\n")
    assert main([str(built.path), "--trusted-cosigner", str(keyfile)]) == 0

    def drop_one(m: dict[str, bytes]) -> None:  # remove b's line from the cosigned note
        lines = m["cosigned/checkpoint.txt"].decode().splitlines(keepends=True)
        m["cosigned/checkpoint.txt"] = "".join(lines[:-1]).encode()

    [(step, message)] = failures(rewrite(built.path, drop_one), trusted_cosigner=[a, b])
    assert step == "partner cosignature" and message.startswith("+".join(b.split("+")[:2]))


# --- hostile archives -------------------------------------------------------------------------


def _zip_with(path: Path, name: str, data: bytes = b"x", attr: int = 0) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo(name)
        info.external_attr = attr
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, data)
    return path


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/cron.d/evil", "'..'"),
        ("/etc/passwd", "absolute"),
        ("C:/x.txt", "drive-letter"),
        ("files\\..\\x", "backslash"),
        ("a/./b", "'.'"),
    ],
)
def test_path_traversal_is_refused(tmp_path: Path, name: str, reason: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    [(step, message)] = failures(_zip_with(work / "t.zip", name))
    assert step == "archive" and reason in message and repr(name) in message
    assert [p.name for p in work.iterdir()] == ["t.zip"]  # nothing was extracted


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    [(_, message)] = failures(_zip_with(tmp_path / "s.zip", "link", b"/etc/passwd", 0o120777 << 16))
    assert message.endswith("symbolic link")


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = _zip_with(tmp_path / "bomb.zip", "manifest.json", bytes(50 << 20))
    [(step, message)] = failures(bomb)
    assert step == "archive" and "a ZIP bomb?" in message
    small_limit = Limits(max_total_bytes=1000)
    [(step, message)] = failures(
        _zip_with(tmp_path / "big.zip", "a", bytes(2000)), limits=small_limit
    )
    assert "above the limit" in message


def test_truncated_and_non_zip_files(built: Built, tmp_path: Path) -> None:
    data = built.path.read_bytes()
    truncated = tmp_path / "cut.zip"
    truncated.write_bytes(data[: len(data) // 2])
    assert failures(truncated) == [("archive", "not a ZIP archive, or truncated")]
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert failures(text) == [("archive", "not a ZIP archive, or truncated")]
    assert failures(tmp_path / "absent.zip")[0][0] == "archive"


def test_corrupted_stored_member_is_reported(built: Built, tmp_path: Path) -> None:
    data = bytearray(built.path.read_bytes())
    at = data.find(b"RIFF") + 100  # inside the stored WAV: the CRC check fails
    data[at] ^= 0xFF
    bad = tmp_path / "crc.zip"
    bad.write_bytes(bytes(data))
    found = dict(failures(bad))
    assert "corrupt or truncated" in found[f"file {WAV}"], found


def test_command_line_exit_status(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(built.path), "--trusted-key", built.signer.verifier.encode()]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"VERIFIED: {built.path}")
    bad = rewrite(built.path, lambda m: m.pop(PNG))
    assert main([str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL  file {PNG}: listed in the manifest but missing" in out
    assert "NOT VERIFIED (1 failed checks)" in out
    assert main([str(bad), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_verifier_runs_alone_without_django(built: Built) -> None:
    code = (
        "import sys, tracebridge.evidence.verifier as v\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'tracebridge')))\n"
        f"sys.exit(v.main([{str(built.path)!r}]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.splitlines()[0]
    assert loaded == str(
        [
            "tracebridge",
            "tracebridge.evidence",
            "tracebridge.evidence.checkpoint",
            "tracebridge.evidence.merkle",
            "tracebridge.evidence.verifier",
            "tracebridge.jsonlimits",
        ]
    )
    assert io.StringIO(result.stdout).read().rstrip().endswith("VERIFIED: " + str(built.path))


@pytest.mark.parametrize(
    ("member", "content", "message"),
    [
        ("proofs.json", b'{"tree_size": ' + b"9" * 5001 + b"}",
         "it has an integer of 5001 digits, over the limit of 40"),
        ("manifest.json", b'{"format": ' + b"[" * 5000 + b"]" * 5000 + b"}",
         "it nests deeper than the limit of 64 levels"),
        ("proofs.json", b'{"tree_size": NaN}', "NaN is not a JSON value"),
    ],
)  # fmt: skip
def test_hostile_json_is_a_fail_line_and_the_verdict(
    built: Built, capsys: pytest.CaptureFixture[str], member: str, content: bytes, message: str
) -> None:
    bad = rewrite(built.path, lambda m: m.__setitem__(member, content))
    assert main([str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL  {member}: cannot be read: {message}" in out
    assert "NOT VERIFIED (1 failed checks)" in out
