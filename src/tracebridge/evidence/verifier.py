"""Offline verifier of TraceBridge evidence packages.

Run it alone: ``python -m tracebridge.evidence.verifier PKG.zip [--trusted-key KEY]``.
It needs Python 3.11+ and the `cryptography` package, and reads only this file, its two
siblings ``merkle.py`` and ``checkpoint.py`` and ``tracebridge/jsonlimits.py`` (no Django, nothing
else of TraceBridge), so a defence expert can copy the four files and audit them. See
docs/evidence.md.

Every package is treated as hostile: members are hashed straight out of the ZIP (nothing is
extracted or executed), names that could escape a folder are refused, and declared sizes,
compression ratios and member counts are bounded before anything is decompressed.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import stat
import sys
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracebridge import jsonlimits
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence.merkle import ProofError, record_leaf_hash, verify_consistency
from tracebridge.evidence.merkle import verify_inclusion as merkle_inclusion

FORMAT = "tracebridge-evidence-package/1"
MANIFEST, PROOFS, CHECKPOINT, NODE_KEY = (
    "manifest.json",
    "proofs.json",
    "checkpoint.txt",
    "node.vkey",
)
COSIGNED, COSIGNER_KEY = "cosigned/checkpoint.txt", "cosigned/cosigner.vkey"
FIXED_MEMBERS = frozenset({MANIFEST, PROOFS, CHECKPOINT, NODE_KEY})
CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_members: int = 10_000
    max_total_bytes: int = 64 << 30
    max_ratio: int = 200  # a member may inflate at most this much (ZIP bombs reach 1000s)
    max_json_bytes: int = 64 << 20


class VerificationError(Exception):
    """A check that failed: which step, and what was expected against what was found."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(f"{step}: {message}")
        self.step, self.message = step, message


@dataclass(frozen=True)
class Check:
    step: str
    ok: bool
    message: str


@dataclass
class VerificationReport:
    path: str
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def passed(self, step: str, message: str) -> None:
        self.checks.append(Check(step, True, message))

    def failed(self, error: VerificationError) -> None:
        self.checks.append(Check(error.step, False, error.message))


# --- (1) the archive, opened as hostile -----------------------------------------------------


def _unsafe_name(name: str) -> str | None:
    if not name or "\\" in name or ":" in name or name.startswith("/"):
        return "absolute, drive-letter or backslash path"
    if any(ord(c) < 32 for c in name):
        return "control character in name"
    if any(part in ("..", ".") for part in name.split("/")):
        return "'..' or '.' path component"
    return None


class SafeZip:
    """Read-only view of a package: checked names, bounded sizes, streamed hashing."""

    def __init__(self, path: Path, limits: Limits) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
            raise VerificationError("archive", "not a ZIP archive, or truncated") from None
        except OSError as exc:
            raise VerificationError("archive", f"cannot read {path}: {exc.strerror}") from None
        self.limits = limits
        self.members = self._check_members(self._zip.infolist())

    def close(self) -> None:
        self._zip.close()

    def _check_members(self, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        if len(infos) > self.limits.max_members:
            raise VerificationError("archive", f"{len(infos)} members, more than the limit")
        members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            self._check_member(info)
            if info.filename in members:
                raise VerificationError("archive", f"member {info.filename!r} appears twice")
            if not info.is_dir():
                members[info.filename] = info
            total += info.file_size
        if total > self.limits.max_total_bytes:
            raise VerificationError(
                "archive", f"declares {total} bytes uncompressed, above the limit"
            )
        return members

    def _check_member(self, info: zipfile.ZipInfo) -> None:
        reason = _unsafe_name(info.filename)
        if reason:
            raise VerificationError("archive", f"refused member {info.filename!r}: {reason}")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise VerificationError("archive", f"refused member {info.filename!r}: symbolic link")
        if info.flag_bits & 0x1:
            raise VerificationError("archive", f"refused member {info.filename!r}: encrypted")
        inflated = info.file_size > CHUNK
        if inflated and info.file_size > self.limits.max_ratio * max(info.compress_size, 1):
            raise VerificationError(
                "archive",
                f"refused member {info.filename!r}: compression ratio "
                f"{info.file_size // max(info.compress_size, 1)}:1 (a ZIP bomb?)",
            )

    def _chunks(self, name: str) -> Iterator[bytes]:
        info = self.members[name]
        read = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    read += len(chunk)
                    # zipfile stops at the declared size; this guards a lying reader anyway
                    if read > info.file_size:
                        raise VerificationError(f"file {name}", "inflates beyond its declared size")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise VerificationError(
                f"file {name}", f"cannot be read (corrupt or truncated): {exc}"
            ) from None

    def digest(self, name: str) -> tuple[str, int]:
        h = hashlib.sha256()
        size = 0
        for chunk in self._chunks(name):
            h.update(chunk)
            size += len(chunk)
        return h.hexdigest(), size

    def read(self, name: str) -> bytes:
        if name not in self.members:
            raise VerificationError(name, "missing from the package")
        if self.members[name].file_size > self.limits.max_json_bytes:
            raise VerificationError(name, "is larger than a package document may be")
        return b"".join(self._chunks(name))

    def read_json(self, name: str) -> dict[str, Any]:
        bounds = jsonlimits.Limits(max_bytes=self.limits.max_json_bytes)
        try:
            value = jsonlimits.loads(self.read(name), "it", bounds)
        except jsonlimits.JsonInputError as exc:
            raise VerificationError(name, f"cannot be read: {exc}") from None
        if not isinstance(value, dict):
            raise VerificationError(name, "must hold a JSON object")
        return value


# --- (2) helpers over the package's JSON ----------------------------------------------------


def _field(obj: Any, key: str, kind: type, where: str) -> Any:
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise VerificationError(where, f"field {key!r} is missing or not a {kind.__name__}")
    return value


def _b64(text: Any, where: str) -> bytes:
    if not isinstance(text, str):
        raise VerificationError(where, "expected a base64 string")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise VerificationError(where, "is not valid base64") from None


@dataclass(frozen=True)
class Leaf:
    label: str
    index: int
    record: dict[str, Any]


def _leaves(manifest: dict[str, Any], export: dict[str, Any]) -> list[Leaf]:
    leaves = []
    for key in ("items", "custody"):
        for entry in _field(manifest, key, list, MANIFEST):
            record = _field(entry, "record", dict, f"{MANIFEST} {key}")
            label = f"{record.get('kind', key)} {record.get('item', '?')}"
            if key == "custody":
                label = f"custody {record.get('event', '?')} of {record.get('item', '?')}"
            leaves.append(Leaf(label, _field(entry, "leaf_index", int, MANIFEST), record))
    leaves.append(
        Leaf("export record", _field(export, "leaf_index", int, PROOFS), export["record"])
    )
    return leaves


# --- (3) the steps --------------------------------------------------------------------------


def _load_key(text: bytes, step: str, trusted: str | None, kind: str) -> notes.Verifier:
    try:
        shipped = notes.parse_verifier(text.decode("utf-8", "replace"))
    except notes.NoteError as exc:
        raise VerificationError(step, str(exc)) from None
    if trusted is None:
        return shipped
    try:
        wanted = notes.parse_verifier(trusted)
    except notes.NoteError as exc:
        raise VerificationError(step, f"the trusted {kind} key given is invalid: {exc}") from None
    if wanted != shipped:
        raise VerificationError(
            step,
            f"the package's {kind} key {shipped.name}+{shipped.key_id.hex()} is not the trusted "
            f"key {wanted.name}+{wanted.key_id.hex()}",
        )
    return wanted


def _signed_checkpoint(data: bytes, step: str, key: notes.Verifier) -> notes.Checkpoint:
    try:
        note = notes.parse_note(data)
        notes.verify_note(note, key)
        return notes.parse_checkpoint(note.body)
    except notes.NoteError as exc:
        raise VerificationError(step, str(exc)) from None


def _check_file(pkg: SafeZip, path: str, record: dict[str, Any], by_hash: dict[str, str]) -> str:
    if path not in pkg.members:
        raise VerificationError(
            f"file {path}", "listed in the manifest but missing from the package"
        )
    want_hash = _field(record, "sha256", str, f"file {path}")
    want_size = _field(record, "size", int, f"file {path}")
    found, size = pkg.digest(path)
    if found != want_hash:
        other = by_hash.get(found)
        hint = f" (that is the content of {other}: files swapped?)" if other else ""
        raise VerificationError(
            f"file {path}", f"SHA-256 is {found}, the manifest says {want_hash}{hint}"
        )
    if size != want_size:
        raise VerificationError(
            f"file {path}", f"size is {size} bytes, the manifest says {want_size}"
        )
    return f"SHA-256 {found}, {size} bytes"


def _check_inclusion(leaf: Leaf, proofs: dict[str, Any], cp: notes.Checkpoint) -> str:
    step = f"inclusion of {leaf.label}"
    raw = proofs["inclusion"].get(str(leaf.index))
    if not isinstance(raw, list):
        raise VerificationError(step, f"no inclusion proof for leaf {leaf.index}")
    proof = [_b64(p, step) for p in raw]
    try:
        merkle_inclusion(leaf.index, cp.size, record_leaf_hash(leaf.record), proof, cp.root)
    except ProofError as exc:
        raise VerificationError(step, f"leaf {leaf.index} of {cp.size}: {exc}") from None
    return f"leaf {leaf.index} is in the signed tree of {cp.size} leaves"


def _cosigner_keys(pkg: SafeZip, trusted: tuple[str, ...], report: VerificationReport) -> list[str]:
    """The cosigner keys to check: every trusted key given, else each key the package names
    (one per line of cosigner.vkey; a NOTE then says they came from the package)."""
    shipped = [k.strip() for k in pkg.read(COSIGNER_KEY).decode("utf-8", "replace").splitlines()]
    shipped = [k for k in shipped if k]
    if trusted:
        return list(trusted)
    if shipped:
        report.notes.append(
            "The partner cosigner keys were taken from the package itself: confirm them with "
            "the partners, or run again with --trusted-cosigner."
        )
    return shipped


def _check_cosignature(data: bytes, key_text: str) -> str:
    """One partner's cosignature of the cosigned checkpoint, under ``key_text``."""
    step = "partner cosignature"
    try:
        cosigner = notes.parse_verifier(key_text)
    except notes.NoteError as exc:
        raise VerificationError(step, f"cosigner key {key_text[:60]!r}: {exc}") from None
    named = f"{cosigner.name}+{cosigner.key_id.hex()}"
    try:
        note = notes.parse_note(data)
        when = notes.verify_cosignature(note, cosigner)
        size = notes.parse_checkpoint(note.body).size
    except notes.NoteError as exc:
        raise VerificationError(step, f"{named}: {exc}") from None
    return f"{named} cosigned size {size} at unix time {when}"


def _check_cosigned_consistency(
    pkg: SafeZip, node: notes.Verifier, cp: notes.Checkpoint, proofs: dict[str, Any]
) -> str:
    step = "consistency with the cosigned checkpoint"
    other = _signed_checkpoint(pkg.read(COSIGNED), "cosigned checkpoint", node)
    if other.origin != cp.origin:
        raise VerificationError(
            step, f"cosigned checkpoint is for {other.origin!r}, not {cp.origin!r}"
        )
    consistency = _field(proofs, "consistency", list, PROOFS)
    older, newer = sorted([(cp.size, cp.root), (other.size, other.root)])
    try:
        verify_consistency(
            older[0], newer[0], [_b64(p, step) for p in consistency], older[1], newer[1]
        )
    except ProofError as exc:
        raise VerificationError(step, str(exc)) from None
    return f"the cosigned checkpoint of size {other.size} and size {cp.size} are one history"


def _verify_cosigned(
    ctx: _Context, key: notes.Verifier, cp: notes.Checkpoint, proofs: dict[str, Any]
) -> None:
    """The freshest partner-cosigned checkpoint: signed by the node, one history with the
    package's checkpoint, and each partner's cosignature valid (at least one)."""
    _step(ctx, "consistency with the cosigned checkpoint", _check_cosigned_consistency,
          ctx.pkg, key, cp, proofs)  # fmt: skip
    data = ctx.pkg.read(COSIGNED)
    wanted = _cosigner_keys(ctx.pkg, ctx.trusted_cosigners, ctx.report)
    if not wanted:
        ctx.report.failed(VerificationError("partner cosignature", f"{COSIGNER_KEY} names no key"))
    for key_text in wanted:
        _step(ctx, "partner cosignature", _check_cosignature, data, key_text)


@dataclass
class _Context:
    pkg: SafeZip
    report: VerificationReport
    trusted_key: str | None
    trusted_cosigners: tuple[str, ...]


def _step(ctx: _Context, step: str, fn: Any, *args: Any) -> Any:
    try:
        result = fn(*args)
    except VerificationError as exc:
        ctx.report.failed(exc)
        return None
    ctx.report.passed(step, result if isinstance(result, str) else "ok")
    return result


def _verify_structure(
    ctx: _Context,
) -> tuple[dict[str, Any], dict[str, Any], notes.Checkpoint, notes.Verifier]:
    pkg = ctx.pkg
    manifest = pkg.read_json(MANIFEST)
    if manifest.get("format") != FORMAT:
        raise VerificationError(
            MANIFEST, f"format is {manifest.get('format')!r}, expected {FORMAT!r}"
        )
    proofs = pkg.read_json(PROOFS)
    key = _load_key(pkg.read(NODE_KEY), "node key", ctx.trusted_key, "node")
    if ctx.trusted_key is None:
        ctx.report.notes.append(
            f"The node key {key.encode()} was taken from the package itself: confirm it with the "
            "issuing agency, or run again with --trusted-key."
        )
    cp = _signed_checkpoint(pkg.read(CHECKPOINT), "checkpoint signature", key)
    ctx.report.passed(
        "checkpoint signature",
        f"{cp.origin} size {cp.size}, signed by {key.name}+{key.key_id.hex()}",
    )
    if (
        proofs.get("tree_size") != cp.size
        or proofs.get("root") != base64.b64encode(cp.root).decode()
    ):
        raise VerificationError(
            "checkpoint",
            f"the proofs are for a tree of {proofs.get('tree_size')} leaves with root "
            f"{proofs.get('root')}, the checkpoint has {cp.size} leaves: an older or other checkpoint",
        )
    _field(proofs, "inclusion", dict, PROOFS)
    _field(proofs, "export", dict, PROOFS)
    _field(proofs["export"], "record", dict, PROOFS)
    return manifest, proofs, cp, key


def _verify_members(ctx: _Context, manifest: dict[str, Any], proofs: dict[str, Any]) -> None:
    listed: dict[str, dict[str, Any]] = {}
    for key in ("items", "documents"):
        for entry in _field(manifest, key, list, MANIFEST):
            listed[_field(entry, "path", str, MANIFEST)] = (
                _field(entry, "record", dict, MANIFEST) if key == "items" else entry
            )
    expected = set(FIXED_MEMBERS) | set(listed)
    if "consistency" in proofs:
        expected |= {COSIGNED, COSIGNER_KEY}
    for name in sorted(set(ctx.pkg.members) - expected):
        ctx.report.failed(
            VerificationError(f"file {name}", "is in the package but not in the manifest")
        )
    by_hash = {r.get("sha256"): p for p, r in listed.items() if isinstance(r.get("sha256"), str)}
    for path, record in listed.items():
        _step(ctx, f"file {path}", _check_file, ctx.pkg, path, record, by_hash)


def _check_export(pkg: SafeZip, export: dict[str, Any], manifest: dict[str, Any]) -> str:
    found, _ = pkg.digest(MANIFEST)
    wanted = export["record"].get("manifest_sha256")
    if found != wanted:
        raise VerificationError(
            MANIFEST,
            f"SHA-256 is {found}, the signed export record says {wanted}: manifest altered",
        )
    if export["record"].get("case") != manifest.get("case", {}).get("reference"):
        raise VerificationError(MANIFEST, "the export record names another case")
    return f"SHA-256 {found} matches the export record in the ledger"


def verify_package(
    path: str | Path,
    trusted_key: str | None = None,
    trusted_cosigner: str | Sequence[str] | None = None,
    limits: Limits | None = None,
) -> VerificationReport:
    """Check a package offline; the report names every check that passed or failed."""
    report = VerificationReport(str(path))
    try:
        pkg = SafeZip(Path(path), limits or Limits())
    except VerificationError as exc:
        report.failed(exc)
        return report
    ctx = _Context(pkg, report, trusted_key, _key_list(trusted_cosigner))
    try:
        _verify_all(ctx)
    except VerificationError as exc:
        report.failed(exc)
    except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
        # Content no check foresaw is still a hostile package's: a FAIL line, never a traceback.
        report.failed(VerificationError("package", f"cannot be read: {type(exc).__name__}: {exc}"))
    finally:
        pkg.close()
    return report


def _verify_all(ctx: _Context) -> None:
    manifest, proofs, cp, key = _verify_structure(ctx)
    _verify_members(ctx, manifest, proofs)
    _step(ctx, "manifest", _check_export, ctx.pkg, proofs["export"], manifest)
    for leaf in _leaves(manifest, proofs["export"]):
        _step(ctx, f"inclusion of {leaf.label}", _check_inclusion, leaf, proofs, cp)
    if "consistency" in proofs:
        _verify_cosigned(ctx, key, cp, proofs)
    else:
        ctx.report.notes.append("No partner-cosigned checkpoint is in the package.")


def _key_list(given: str | Sequence[str] | None) -> tuple[str, ...]:
    """Trusted cosigner keys: one string or several, each possibly several lines (a file)."""
    values = [given] if isinstance(given, str) else list(given or ())
    return tuple(line.strip() for v in values for line in v.splitlines() if line.strip())


def key_argument(value: str) -> str:
    path = Path(value)
    return path.read_text(encoding="utf-8").strip() if path.is_file() else value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tracebridge.evidence.verifier",
        description="Verify a TraceBridge evidence package offline. Exit status 0 only when every check holds.",
    )
    parser.add_argument("package", help="the package ZIP")
    parser.add_argument(
        "--trusted-key", type=key_argument, help="the node's verifier key, or a file holding it"
    )
    parser.add_argument(
        "--trusted-cosigner",
        type=key_argument,
        action="append",
        help="a partner's cosigner key, or a file of keys one a line (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = verify_package(args.package, args.trusted_key, args.trusted_cosigner)
    print_report(report, as_json=args.json)
    return 0 if report.ok else 1


def print_report(report: VerificationReport, as_json: bool = False, out: Any = None) -> None:
    out = out or sys.stdout
    if as_json:
        checks = [{"step": c.step, "ok": c.ok, "message": c.message} for c in report.checks]
        json.dump(
            {"package": report.path, "ok": report.ok, "checks": checks, "notes": report.notes},
            out,
            indent=2,
        )
        out.write("\n")
        return
    for c in report.checks:
        out.write(f"{'PASS' if c.ok else 'FAIL'}  {c.step}: {c.message}\n")
    for note in report.notes:
        out.write(f"NOTE  {note}\n")
    verdict = "VERIFIED" if report.ok else f"NOT VERIFIED ({len(report.failures)} failed checks)"
    out.write(f"{verdict}: {report.path}\n")


if __name__ == "__main__":
    sys.exit(main())
