"""The certificate of authenticity of records that goes with a package answering a request.

Modelled on the US–India MLAT's Form A and the foreign certification of 18 U.S.C. 3505: the
custodian (name and title) attests that each record listed was made at or near the time of
the matters it sets forth by (or from information given by) a person with knowledge, was kept
in the course of a regularly conducted activity, was made as a regular practice of it, and is
the original or a true duplicate. The certificate names the package's SHA-256 and each record's
SHA-256, so it is bound to exactly those bytes; it travels inside the signed answer message.

Pure: no Django (``mypy --strict``, the ``pure`` import-linter contract).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FORM = "certificate-of-authenticity-of-records/1"
TITLE = "CERTIFICATE OF AUTHENTICITY OF RECORDS (MLAT Form A; 18 U.S.C. 3505)"
ELEMENTS = (
    "made at or near the time of the occurrence of the matters set forth, by (or from "
    "information transmitted by) a person with knowledge of those matters",
    "kept in the course of a regularly conducted activity",
    "made by that activity as a regular practice",
    "each record is the original or a true duplicate of the original",
)
RECORD_KEYS = ("path", "filename", "sha256", "size")


@dataclass(frozen=True)
class Custodian:
    name: str
    title: str
    organisation: str
    place: str


def make(
    custodian: Custodian,
    request: str,
    package_sha256: str,
    package_size: int,
    records: Iterable[Mapping[str, Any]],
    executed_at: str,
) -> dict[str, Any]:
    """The certificate as data (what the answer message carries and signs)."""
    for label, value in (("custodian name", custodian.name), ("title", custodian.title)):
        if not value.strip():
            raise ValueError(f"the certificate needs the custodian's {label}")
    listed = [{k: r[k] for k in RECORD_KEYS} for r in records]
    if not listed:
        raise ValueError("the certificate needs at least one record")
    return {
        "form": FORM,
        "request": request,
        "custodian": {
            "name": custodian.name.strip(),
            "title": custodian.title.strip(),
            "organisation": custodian.organisation,
        },
        "place": custodian.place or "",
        "executed_at": executed_at,
        "package": {"sha256": package_sha256, "size": package_size},
        "records": listed,
        "attests": list(ELEMENTS),
    }


def text(certificate: Mapping[str, Any]) -> str:
    """The certificate as a person reads and signs it."""
    who = certificate["custodian"]
    package = certificate["package"]
    lines = [
        TITLE,
        f"Request: {certificate['request']}",
        "",
        f"I, {who['name']}, attest on penalty of criminal punishment for a false statement or",
        f"attestation that I am employed by {who['organisation']} in the position of",
        f"{who['title']}, and by reason of my position am authorised and qualified to make this",
        "attestation. Each record listed below, held in the evidence package with",
        f"SHA-256 {package['sha256']} ({package['size']} bytes):",
        "",
    ]
    for n, record in enumerate(certificate["records"], start=1):
        lines += [
            f"  {n}. {record['filename']} (package file {record['path']}, {record['size']} bytes)",
            f"     SHA-256: {record['sha256']}",
        ]
    lines += ["", "and each of them:"]
    lines += [f"  ({chr(ord('A') + i)}) {element};" for i, element in enumerate(ELEMENTS)]
    lines += [
        "",
        f"Date and time of execution: {certificate['executed_at']}",
        f"Place of execution: {certificate['place'] or '________'}",
        f"Signature: ______________________   {who['name']}, {who['title']}",
        "",
    ]
    return "\n".join(lines)


def binding_problems(
    certificate: Any, package_sha256: str, items: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Why the certificate is not bound to this package and its records (empty when it is).

    ``items`` are the package manifest's records (sha256, size, filename) with their paths.
    """
    if not isinstance(certificate, dict) or certificate.get("form") != FORM:
        return [f"the answer carries no {FORM} certificate"]
    problems = []
    bound = (certificate.get("package") or {}).get("sha256")
    if bound != package_sha256:
        problems.append(f"the certificate names package {bound}, not {package_sha256}")
    certified = {(r.get("path"), r.get("sha256"), r.get("size")) for r in _records(certificate)}
    held = {(i.get("path"), i.get("sha256"), i.get("size")) for i in items}
    for path, sha, _ in sorted(certified - held, key=str):
        problems.append(f"the certificate lists {path} ({sha}), which the package does not hold")
    for path, sha, _ in sorted(held - certified, key=str):
        problems.append(f"the package holds {path} ({sha}), which the certificate does not list")
    return problems


def _records(certificate: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    records = certificate.get("records")
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []
