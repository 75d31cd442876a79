"""CASE/UCO export of provenance, checked by the CASE community's own validator (case-utils'
``case_validate``, which bundles the CASE 1.5.0 ontology and runs pySHACL offline)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from case_utils.case_validate import validate
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import assert_error
from tracebridge.agencies.models import AuditEvent, User
from tracebridge.cases.models import Case
from tracebridge.evidence import case_uco
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.models import EvidenceItem

# pySHACL 0.40 still builds rdflib's ConjunctiveGraph (deprecated since rdflib 7.1) and
# case-utils 0.18 finds its ontology with importlib.resources' legacy is_resource/open_text
pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.* is deprecated. Use files:DeprecationWarning"),
]
VALIDATE = dict(case_version="case-" + case_uco.CASE_VERSION)


def _export(source: str, out: Path, *extra: str) -> str:
    stdout = StringIO()
    call_command("evidence", "provenance", source, "--out", str(out), *extra, stdout=stdout)
    return stdout.getvalue()


def _by_type(graph: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [n for n in graph["@graph"] if n["@type"] == kind]


def _node(graph: dict[str, Any], ref: dict[str, str]) -> dict[str, Any]:
    return next(n for n in graph["@graph"] if n["@id"] == ref["@id"])


def _sha256_of(graph: dict[str, Any], file: dict[str, Any]) -> str:
    facets = [_node(graph, f) for f in file["core:hasFacet"]]
    content = next(f for f in facets if f["@type"] == "observable:ContentDataFacet")
    digest = _node(graph, content["observable:hash"][0])
    assert digest["types:hashMethod"] == "SHA256"
    return str(digest["types:hashValue"]["@value"])


@pytest.fixture
def package(case: Case, items: list[EvidenceItem], analyst: User, tmp_path: Path) -> Path:
    out = tmp_path / "court.zip"
    make_package(case, out, by=analyst, place="Washington, DC")
    return out


def test_a_real_package_exports_as_conformant_case(
    package: Path, items: list[EvidenceItem], analyst: User, tmp_path: Path
) -> None:
    out = tmp_path / "court.jsonld"
    said = _export(str(package), out, "--by", analyst.username)
    assert said.startswith(f"wrote {out}: CASE 1.5.0 JSON-LD, 3 files, ")
    result = validate(str(out), **VALIDATE)
    assert result.conforms, result.text
    assert not result.undefined_concepts

    graph = json.loads(out.read_text())
    files = _by_type(graph, "observable:File")
    hashes = {_sha256_of(graph, f) for f in files}
    package_sha = hashlib.sha256(package.read_bytes()).hexdigest()
    assert hashes == {items[0].sha256, items[1].sha256, package_sha}
    actions = {a["core:name"]: a for a in _by_type(graph, "investigation:InvestigativeAction")}
    assert set(actions) == {"collection", "export", "verification"}
    records = {
        r["investigation:exhibitNumber"] for r in _by_type(graph, "investigation:ProvenanceRecord")
    }
    assert records == {items[0].reference, items[1].reference, "court.zip"}
    tools = {t["core:name"] for t in _by_type(graph, "tool:Tool")}
    assert tools == {"TraceBridge", "tracebridge.evidence.verifier"}
    people = {p["core:name"] for p in _by_type(graph, "identity:Person")}
    assert f"{analyst.username} (US-FBI)" in people
    authority = _by_type(graph, "investigation:Authorization")
    assert [a["investigation:authorizationIdentifier"] for a in authority] == ["Order u/s 94 BNSS"]
    investigation = _by_type(graph, "investigation:Investigation")[0]
    assert investigation["core:name"] == items[0].case.reference
    # every IRI ends with a UUID and the same package exports to the same graph
    assert all(n["@id"][-36:].count("-") == 4 for n in graph["@graph"])
    again = tmp_path / "again.jsonld"
    _export(str(package), again, "--by", analyst.username)
    strip = lambda g: [n for n in g["@graph"] if n.get("core:name") != "verification"]  # noqa: E731
    assert strip(json.loads(again.read_text())) == strip(graph)
    event = AuditEvent.objects.filter(action="evidence.case_uco").first()
    assert event is not None and event.object_id == "court.zip" and event.outcome == "ok"


def test_a_broken_graph_is_reported_by_case_validate(
    package: Path, analyst: User, tmp_path: Path
) -> None:
    out = tmp_path / "broken.jsonld"
    _export(str(package), out)
    graph = json.loads(out.read_text())
    digest = _by_type(graph, "types:Hash")[0]
    digest["types:hashValue"] = "not hex"  # a plain string where xsd:hexBinary is required
    del digest["types:hashMethod"]
    out.write_text(json.dumps(graph))
    script = Path(sys.executable).with_name("case_validate")
    command = (
        [str(script)] if script.exists() else [shutil.which("case_validate") or "case_validate"]
    )
    run = subprocess.run(
        [*command, "--built-version", "case-1.5.0", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Conforms: False" in run.stdout
    assert "types:hashValue" in run.stdout or "hashValue" in run.stdout
    assert "hashMethod" in run.stdout


def test_a_tampered_package_is_refused_and_nothing_written(package: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data + b"x" if info.filename.startswith("files/") else data)
    out = tmp_path / "t.jsonld"
    with pytest.raises(CommandError, match=r"tampered.zip does not verify.*files/0001"):
        _export(str(tampered), out)
    assert not out.exists() and not out.with_name("t.jsonld.partial").exists()
    event = AuditEvent.objects.get(action="evidence.case_uco")
    assert (event.object_id, event.outcome) == ("tampered.zip", "denied")
    with pytest.raises(CommandError, match="neither a package file nor a case reference"):
        _export("CASE-NOPE", out)


def test_a_case_exports_its_whole_custody(
    case: Case, items: list[EvidenceItem], package: Path, tmp_path: Path
) -> None:
    out = tmp_path / "case.jsonld"
    _export(case.reference, out)
    graph = json.loads(out.read_text())
    actions = [a["core:name"] for a in _by_type(graph, "investigation:InvestigativeAction")]
    # the two collections and the export the package fixture recorded; no package file here
    assert sorted(actions) == ["collection", "collection", "export"]
    export = next(
        a
        for a in _by_type(graph, "investigation:InvestigativeAction")
        if a["core:name"] == "export"
    )
    assert len(export["action:object"]) == 2 and "manifest SHA-256" in export["core:description"]
    assert {_sha256_of(graph, f) for f in _by_type(graph, "observable:File")} == {
        i.sha256 for i in items
    }


def test_received_evidence_names_the_sender_exhibit() -> None:
    sha = "ab" * 32
    graph = case_uco.build(
        case_uco.Provenance(
            origin="in.node/evidence",
            case={"reference": "CASE-IN-CBI-2026-0001", "agency": "IN-CBI"},
            items=[
                {
                    "path": "",
                    "leaf_index": 7,
                    "record": {"item": "CASE-IN-CBI-2026-0001-E001", "sha256": sha, "size": 3},
                }
            ],
            custody=[
                {
                    "leaf_index": 8,
                    "record": {
                        "event": "received",
                        "item": "CASE-IN-CBI-2026-0001-E001",
                        "by": "",
                        "agency": "IN-CBI",
                        "from": "US-FBI",
                        "request": "REQ-IN-CBI-2026-0001",
                        "package_sha256": "cd" * 32,
                        "sender_item": "CASE-US-FBI-2026-0004-E002",
                        "sender_leaf": 41,
                        "at": "2026-12-01T10:00:00Z",
                    },
                }
            ],
        )
    )
    record = _by_type(graph, "investigation:ProvenanceRecord")[0]
    assert record["investigation:rootExhibitNumber"] == "CASE-US-FBI-2026-0004-E002"
    receipt = next(
        a
        for a in _by_type(graph, "investigation:InvestigativeAction")
        if a["core:name"] == "receipt"
    )
    assert "request REQ-IN-CBI-2026-0001" in receipt["core:description"]
    assert "sender's ledger leaf 41" in receipt["core:description"]
    sender = _node(graph, receipt["action:participant"][0])
    assert sender == {**sender, "@type": "identity:Organization", "core:name": "US-FBI"}
    with pytest.raises(case_uco.CaseUcoError, match="no SHA-256"):
        case_uco.build(
            case_uco.Provenance(
                origin="o",
                case={"reference": "C"},
                items=[{"leaf_index": 1, "record": {"item": "C-E001", "sha256": "zz", "size": 1}}],
                custody=[],
            )
        )


def test_the_case_page_download_is_the_owners_and_audited(
    case: Case,
    items: list[EvidenceItem],
    analyst: User,
    cbi_analyst: User,
    client_for: Callable[..., Any],
) -> None:
    url = f"/evidence/case/{case.reference}/case-uco/"
    response = client_for(analyst).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert f'filename="{case.reference}-provenance.jsonld"' in response["Content-Disposition"]
    graph = json.loads(response.content)
    assert len(_by_type(graph, "observable:File")) == 2
    assert AuditEvent.objects.filter(action="evidence.case_uco", object_id=case.reference).exists()
    page = client_for(analyst).get(f"/cases/{case.reference}/").content.decode()
    assert url in page
    assert client_for(cbi_analyst).get(url).status_code in (403, 404)


def test_the_api_gives_the_owner_the_provenance_and_no_one_else(
    case: Case,
    items: list[EvidenceItem],
    package: Path,
    analyst: User,
    cbi_analyst: User,
    make_user: Callable[..., User],
    api_for: Callable[..., Any],
) -> None:
    url = f"/cases/{case.reference}/provenance"
    response = api_for(analyst).get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/ld+json"
    assert f'filename="{case.reference}-provenance.jsonld"' in response["Content-Disposition"]
    graph = json.loads(response.content)
    files = _by_type(graph, "observable:File")
    assert {_sha256_of(graph, f) for f in files} == {i.sha256 for i in items}
    with zipfile.ZipFile(package) as zf:
        manifest = hashlib.sha256(zf.read("manifest.json")).hexdigest()
    [export] = [a for a in _by_type(graph, "investigation:InvestigativeAction")
                if a["core:name"] == "export"]  # fmt: skip
    assert f"manifest SHA-256 {manifest}" in export["core:description"]
    event = AuditEvent.objects.get(action="evidence.case_uco", outcome="ok")
    assert (event.object_id, event.username) == (case.reference, analyst.username)
    # another agency cannot see the case: the one 404; a viewer of the owner: 403
    assert_error(api_for(cbi_analyst).get(url), 404, "not_found")
    viewer = make_user("viewer", "US-FBI", "fbi.viewer")
    assert_error(api_for(viewer).get(url), 403, "forbidden")
    assert_error(api_for(None).get(url), 401, "unauthenticated")
    assert AuditEvent.objects.filter(action="case.read", outcome="denied").count() == 1
    assert AuditEvent.objects.filter(action="evidence.case_uco").count() == 1
