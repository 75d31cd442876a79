"""`tracebridge evidence provenance`: a package's or a case's provenance as CASE/UCO JSON-LD.

A package file is verified offline first (a graph must never vouch for a package that fails its
checks) and read through the verifier's hostile-ZIP reader; a case is read from this node's
ledger. ``case_uco`` (pure) builds the graph. Every export is audited (``evidence.case_uco``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from tracebridge import __version__
from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.cases.models import Case
from tracebridge.errors import Invalid, NotFound
from tracebridge.evidence import case_uco, keys
from tracebridge.evidence.blobs import CHUNK
from tracebridge.evidence.models import CustodyEvent, EvidenceItem
from tracebridge.evidence.services import iso_utc
from tracebridge.evidence.verifier import (
    MANIFEST,
    PROOFS,
    Limits,
    SafeZip,
    VerificationError,
    verify_package,
)

MEDIA_TYPE = "application/ld+json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def from_package(
    path: Path, trusted_key: str | None = None, by: User | None = None
) -> case_uco.Provenance:
    """The provenance a package carries, once it has passed every offline check."""
    report = verify_package(path, trusted_key=trusted_key)
    if not report.ok:
        failed = "; ".join(f"{c.step}: {c.message}" for c in report.failures)
        raise Invalid(
            f"{path.name} does not verify, so no provenance is exported: {failed}", field="package"
        )
    pkg = SafeZip(path, Limits())
    try:
        manifest, proofs = pkg.read_json(MANIFEST), pkg.read_json(PROOFS)
    except VerificationError as exc:  # verified a moment ago: only a file changed meanwhile
        raise Invalid(f"{path.name}: {exc}", field="package") from None
    finally:
        pkg.close()
    facts = case_uco.PackageFacts(
        name=path.name,
        sha256=_sha256(path),
        size=path.stat().st_size,
        checkpoint=f"checkpoint {manifest.get('origin')} size {proofs.get('tree_size')}",
        checks=len(report.checks),
        verified_at=iso_utc(timezone.now()),
    )
    return case_uco.Provenance(
        origin=str(manifest.get("origin") or ""),
        case=manifest.get("case") or {},
        items=list(manifest.get("items") or []),
        custody=list(manifest.get("custody") or []),
        export=proofs.get("export"),
        package=facts,
        tool_version=__version__,
        exported_by=by.username if by else "",
    )


def from_case(case: Case, items: list[EvidenceItem] | None = None) -> case_uco.Provenance:
    """A case's evidence (``items``, default all) and its whole custody, from this ledger."""
    chosen = items if items is not None else list(case.evidence.select_related("leaf"))
    if not chosen:
        raise Invalid(f"{case.reference} has no evidence to describe", field="case")
    custody = (
        CustodyEvent.objects.filter(case=case)
        .select_related("leaf", "item")
        .order_by("leaf__index")
    )
    refs = {i.reference for i in chosen}
    return case_uco.Provenance(
        origin=keys.origin(),
        case={"reference": case.reference, "title": case.title, "agency": case.agency.code},
        items=[
            {"path": "", "leaf_index": i.leaf.index, "record": json.loads(i.leaf.record)}
            for i in chosen
        ],
        custody=[
            {"leaf_index": e.leaf.index, "record": json.loads(e.leaf.record)}
            for e in custody
            if e.item is None or e.item.reference in refs
        ],
        tool_version=__version__,
    )


def export_case_uco(
    source: str,
    by: User | None = None,
    trusted_key: str | None = None,
) -> dict[str, Any]:
    """The CASE/UCO graph of ``source``: a package file's path, or a case reference."""
    path = Path(source)
    if path.is_file():
        try:
            graph = case_uco.build(from_package(path, trusted_key, by))
        except (Invalid, case_uco.CaseUcoError) as exc:
            audit.record(
                "evidence.case_uco",
                user=by,
                object_type="package",
                object_id=path.name,
                outcome="denied",
                reason=str(exc)[:300],
            )
            raise Invalid(str(exc), field="package") from None
        audit.record(
            "evidence.case_uco",
            user=by,
            object_type="package",
            object_id=path.name,
            files=_count(graph),
        )
        return graph
    case = Case.objects.select_related("agency").filter(reference=source).first()
    if case is None:
        raise NotFound(f"{source} is neither a package file nor a case reference")
    return export_case(case, by)


def export_case(
    case: Case, by: User | None, items: list[EvidenceItem] | None = None
) -> dict[str, Any]:
    try:
        graph = case_uco.build(from_case(case, items))
    except case_uco.CaseUcoError as exc:  # a ledger record without what the graph needs
        raise Invalid(f"{case.reference}: {exc}", field="case") from None
    audit.record("evidence.case_uco", user=by, agency=case.agency, obj=case, files=_count(graph))
    return graph


def _count(graph: dict[str, Any]) -> int:
    return sum(1 for _ in case_uco.files_of(graph))


def dumps(graph: dict[str, Any]) -> bytes:
    return json.dumps(graph, indent=1, ensure_ascii=False).encode() + b"\n"
