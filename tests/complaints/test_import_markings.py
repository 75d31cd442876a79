"""An agency's own imports (MISP, STIX, canonical): the strictest marking wins and stays home.

The decision is ``agencies.markings.effective_marking``; these pin that every reader calls it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.complaints.conftest import record
from tracebridge.agencies.markings import STIX_TLP2_IDS, TLP
from tracebridge.agencies.models import Agency, AuditEvent
from tracebridge.complaints.importers import import_file
from tracebridge.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def _event(uuid: str, *tags: str) -> dict[str, Any]:
    return {"Event": {
        "uuid": uuid, "info": "Digital arrest call", "date": "2026-03-04",
        "timestamp": "1772600000", "Tag": [{"name": t} for t in tags],
        "Attribute": [{"type": "phone-number", "category": "Other", "value": "+91 91234 56789"}],
    }}  # fmt: skip


def _marking(ref: str) -> tuple[str, str]:
    complaint = Complaint.objects.get(ref=ref)
    return complaint.tlp, complaint.pap


def test_misp_tags_strictest_wins_whatever_the_order(
    agencies: dict[str, Agency], tmp_path: Path
) -> None:
    uuids = [f"5f0c4a5e-2222-4aaa-8bbb-00000000000{i}" for i in range(5)]
    events = [
        _event(uuids[0], "tlp:red", "tlp:clear"),
        _event(uuids[1], "tlp:amber+strict", "tlp:white"),
        _event(uuids[2], "tlp:green", "PAP:RED", "PAP:CLEAR"),
        _event(uuids[3], "tlp:green", "tlp:ex:chr", "statement:PAP:AMBER"),  # misp-stix's PAP
        _event(uuids[4], "tlp:clear"),
    ]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events))
    summary = import_file(path, agencies["IN-CBI"], fmt="misp")
    assert summary.created == 5
    assert _marking(uuids[0]) == ("RED", "")  # the agency's own import keeps RED at home
    assert _marking(uuids[1]) == ("AMBER+STRICT", "")
    assert _marking(uuids[2]) == ("GREEN", "RED")
    assert _marking(uuids[3]) == ("GREEN", "AMBER")
    assert _marking(uuids[4]) == ("CLEAR", "")
    assert summary.marking_notes == 4
    assert f"{uuids[0]}: conflicting TLP markings TLP:CLEAR, TLP:RED" in summary.notes[0]
    assert "4 marking notes (audited)" in summary.line()
    event = AuditEvent.objects.get(action="complaint.import.file")
    assert event.detail["marking_notes"] == 4
    assert any("unknown TLP marking 'tlp:ex:chr' ignored" in n for n in event.detail["markings"])


def _report(rid: str, ref: str, marks: list[str]) -> dict[str, Any]:
    return {
        "type": "report", "spec_version": "2.1", "id": rid,
        "created": "2026-03-02T05:00:00.000Z", "modified": "2026-03-02T05:00:00.000Z",
        "name": "KYC fraud", "published": "2026-03-02T05:00:00Z", "object_refs": [],
        "object_marking_refs": marks, "report_types": ["threat-report"],
        "external_references": [{"source_name": "NCRP", "external_id": ref}],
        "x_tracebridge_country": "IN",
    }  # fmt: skip


def test_stix_report_markings_strictest_wins(agencies: dict[str, Agency], tmp_path: Path) -> None:
    pap_red = {"type": "marking-definition", "spec_version": "2.1", "name": "PAP:RED",
               "id": "marking-definition--6b0bd2a8-3a55-4b58-9fd1-49d1d6c5c0a1",
               "created": "2022-10-01T00:00:00.000Z", "definition_type": "statement",
               "definition": {"statement": "PAP:RED"}}  # fmt: skip
    green, red = STIX_TLP2_IDS[TLP.GREEN], STIX_TLP2_IDS[TLP.RED]
    strict = STIX_TLP2_IDS[TLP.AMBER_STRICT]
    objects = [
        pap_red,
        _report("report--00000000-0000-4000-8000-000000000001", "R-1", [green, red]),
        _report("report--00000000-0000-4000-8000-000000000002", "R-2", [green, strict]),
        _report("report--00000000-0000-4000-8000-000000000003", "R-3", [green, pap_red["id"]]),
    ]
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps({"type": "bundle", "id": "bundle--1", "objects": objects}))
    summary = import_file(path, agencies["IN-CBI"], fmt="stix")
    assert summary.created == 3
    assert _marking("R-1") == ("RED", "")
    assert _marking("R-2") == ("AMBER+STRICT", "")
    assert _marking("R-3") == ("GREEN", "RED")
    assert summary.marking_notes == 2


def test_canonical_list_of_markings_takes_the_strictest(
    agencies: dict[str, Agency], tmp_path: Path
) -> None:
    path = tmp_path / "c.jsonl"
    rows = [record("C-1", tlp=["GREEN", "RED"], pap=["PAP:RED", "clear"]),
            record("C-2", tlp="white"), record("C-3", tlp=["GREEN", "PURPLE"])]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    summary = import_file(path, agencies["IN-CBI"], rejects_path=tmp_path / "r.jsonl", workers=0)
    assert (summary.created, summary.rejected) == (2, 1)
    assert _marking("C-1") == ("RED", "RED")
    assert _marking("C-2") == ("CLEAR", "")
    assert "unknown TLP marking" in (tmp_path / "r.jsonl").read_text()
