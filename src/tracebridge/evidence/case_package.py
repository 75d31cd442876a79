"""`tracebridge evidence package`: a case's evidence as one ZIP any court expert can verify.

This module picks a case's items, certificates and custody from the database and audits the
export; ``package_writer`` (pure) writes the ZIP itself and ``verifier`` reads it back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils import timezone

from tracebridge.agencies import audit
from tracebridge.agencies.models import User
from tracebridge.agencies.services import ServiceError
from tracebridge.cases.models import Case
from tracebridge.errors import Forbidden
from tracebridge.evidence import certificates, keys, ledger
from tracebridge.evidence.blobs import BlobStore
from tracebridge.evidence.models import CustodyEvent, EvidenceItem
from tracebridge.evidence.package_writer import (
    CosignedCheckpoint,
    Document,
    ItemFile,
    build_manifest,
    build_proofs,
    safe_filename,
    write_package,
)
from tracebridge.evidence.services import blob_store, iso_utc, record_custody, refuse_blocked

README = """TraceBridge evidence package for case {case}

Check it offline (Python 3.11+ and the `cryptography` package, nothing else):

    python -m tracebridge.evidence.verifier {name} --trusted-key '{key}'

The verifier is four files (tracebridge/evidence/verifier.py, merkle.py, checkpoint.py and
tracebridge/jsonlimits.py); it
re-hashes every file, checks each inclusion proof against the signed checkpoint and the
signature with the node key, and exits 0 only when every check holds. Confirm the node key with
the issuing agency through another channel before relying on it.

When the package holds a checkpoint cosigned by partner nodes (cosigned/), add
--trusted-cosigner '<partner cosigner key>' once per partner, each key obtained from that
partner, to check their cosignatures against keys that did not come with the package.
"""


@dataclass(frozen=True)
class PackageResult:
    path: Path
    items: int
    bytes: int
    checkpoint_size: int
    cosigned: bool


def _select_items(case: Case, refs: Sequence[str]) -> list[EvidenceItem]:
    items = list(case.evidence.select_related("leaf", "agency", "case").order_by("id"))
    if refs:
        wanted = set(refs)
        missing = sorted(wanted - {i.reference for i in items})
        if missing:
            raise ServiceError(f"no evidence {', '.join(missing)} in {case.reference}")
        items = [i for i in items if i.reference in wanted]
    if not items:
        raise ServiceError(f"{case.reference} has no evidence to package")
    return items


def _opener(store: BlobStore, sha256: str) -> Callable[[], IO[bytes]]:
    return lambda: store.open(sha256)


def _files(items: list[EvidenceItem], store: BlobStore) -> list[ItemFile]:
    return [
        ItemFile(
            safe_filename(item.filename, n),
            item.leaf.index,
            json.loads(item.leaf.record),
            _opener(store, item.sha256),
        )
        for n, item in enumerate(items, start=1)
    ]


def _documents(
    case: Case, files: list[ItemFile], by: User | None, place: str, name: str
) -> list[Document]:
    ctx = certificates.CertContext(
        case_reference=case.reference,
        case_title=case.title,
        agency=f"{case.agency.name} ({case.agency.code})",
        signer=by.signature_name if by else "________",
        signer_role=by.signature_title if by else "records custodian",
        place=place or "________",
        at=timezone.now(),
        origin=keys.origin(),
        items=[
            certificates.CertItem(
                f.path,
                f.record["filename"],
                f.record["sha256"],
                f.record["size"],
                f.record["device"],
                f.record["collected_by"],
                f.record["collected_at"],
                f.record["place"],
                f.record["legal_authority"],
                f.record["description"],
                f.record.get("collected_zone", ""),
            )
            for f in files
        ],
    )
    bsa, fre = certificates.bsa_s63(ctx), certificates.fre_902(ctx)
    readme = README.format(case=case.reference, name=name, key=keys.verifier_key("node"))
    return [
        Document("README.txt", readme.encode()),
        Document("certificates/bsa-section-63.txt", bsa.encode()),
        Document(
            "certificates/bsa-section-63.pdf", certificates.to_pdf(bsa, "BSA s.63 certificate")
        ),
        Document("certificates/fre-902-14.txt", fre.encode()),
        Document(
            "certificates/fre-902-14.pdf", certificates.to_pdf(fre, "FRE 902(14) certification")
        ),
    ]


def make_package(
    case: Case,
    out: Path,
    *,
    by: User | None = None,
    refs: Sequence[str] = (),
    place: str = "",
    progress: Callable[[int], None] | None = None,
    name: str = "",
) -> PackageResult:
    """Write ``case``'s package to ``out``; ``name`` is what its README calls it (default:
    ``out``'s own name; a download written to a temporary file passes the name it is sent as)."""
    items = _select_items(case, refs)
    try:
        refuse_blocked(items, f"a package of {case.reference}")
    except Forbidden:
        audit.record("evidence.package", user=by, agency=case.agency, obj=case, outcome="denied")
        raise
    store = blob_store()
    files = _files(items, store)
    custody = [
        (ev.leaf.index, json.loads(ev.leaf.record))
        for ev in CustodyEvent.objects.filter(item__in=items)
        .select_related("leaf")
        .order_by("leaf__index")
    ]
    docs = _documents(case, files, by, place, name or out.name)
    case_info = {"reference": case.reference, "title": case.title, "agency": case.agency.code}
    manifest = build_manifest(
        case_info, keys.origin(), iso_utc(timezone.now()), files, custody, docs
    )
    export = record_custody(
        case,
        "exported",
        by,
        items=[i.reference for i in items],
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
    )
    tree = ledger.load_tree()
    checkpoint = ledger.sign_checkpoint(tree)
    cosigned = ledger.latest_cosigned()
    proofs = build_proofs(
        tree,
        checkpoint.size,
        [f.leaf_index for f in files] + [c[0] for c in custody],
        (export.leaf.index, json.loads(export.leaf.record)),
        cosigned.size if cosigned else None,
    )
    extra = None
    if cosigned is not None:
        cosigners = tuple(c.cosigner_key for c in cosigned.cosignatures.order_by("id"))
        note = ledger.cosigned_note(cosigned)
        extra = CosignedCheckpoint(note.encode(), cosigners, cosigned.size)
    write_package(
        out,
        manifest,
        proofs,
        checkpoint.note.encode(),
        keys.verifier_key("node"),
        files,
        docs,
        extra,
        progress,
    )
    audit.record(
        "evidence.package",
        user=by,
        agency=case.agency,
        obj=case,
        items=len(items),
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
        checkpoint=checkpoint.size,
    )
    total = sum(i.size for i in items)
    return PackageResult(out, len(items), total, checkpoint.size, cosigned is not None)
