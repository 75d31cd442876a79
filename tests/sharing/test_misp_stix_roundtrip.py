"""Export to STIX, convert with misp-stix (MISP's own converter), import back: markings hold.

misp-stix tags every event with each marking definition a bundle carries that nothing refers
to; bundles used to carry TLP:GREEN and all four PAP definitions, so AMBER events came back
tagged GREEN too, and the MISP import took the last tag. Both are pinned here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from misp_stix_converter import stix_2_to_misp

from tracebridge.agencies.permissions import visible
from tracebridge.complaints.importers import import_file
from tracebridge.complaints.models import Complaint
from tracebridge.complaints.services import ingest
from tracebridge.sharing.exports import export_bundle

from .conftest import record

pytestmark = pytest.mark.django_db


def _misp_events(bundle: dict[str, Any], tmp_path: Path) -> list[dict[str, Any]]:
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(bundle))
    out = tmp_path / "misp"
    out.mkdir()
    result = stix_2_to_misp(source, output_dir=out)
    assert result["success"] == 1, result
    return [json.loads(path.read_text()) for path in sorted(out.glob("*.misp.out"))]


def test_amber_stays_amber_through_misp_stix_and_back(
    agencies: Any, agreement_factory: Any, make_user: Any, tmp_path: Path
) -> None:
    ftc = agencies["US-FTC"]
    ingest([record(f"FTC-{i}", "AMBER", pap="AMBER") for i in range(3)], ftc)
    pending = agreement_factory(owner="US-FTC", partner="IN-CBI", tlp="CLEAR,GREEN,AMBER")
    assert pending.needs_approval  # GREEN flows, AMBER waits for a supervisor
    bundle = export_bundle(ftc)
    names = {o["name"] for o in bundle["objects"] if o["type"] == "marking-definition"}
    assert names == {"TLP:CLEAR", "TLP:AMBER", "PAP:AMBER"}  # referenced ones only
    events = _misp_events(bundle, tmp_path)
    assert len(events) == 3
    for event in events:
        markings = {t["name"] for t in event["Tag"] if "tlp:" in t["name"] or "PAP:" in t["name"]}
        assert markings == {"tlp:amber", "statement:PAP:AMBER"}, event["uuid"]
    # misp-stix writes bare events (MISPEvent.to_json()); MISP serves each inside {"Event": …}.
    feed = tmp_path / "events.json"
    feed.write_text(json.dumps([{"Event": e} for e in events]))
    assert import_file(feed, ftc, fmt="misp").created == 3
    back = Complaint.objects.filter(agency=ftc, source="MISP")
    assert sorted(back.values_list("tlp", "pap")) == [("AMBER", "AMBER")] * 3
    assert set(back.values_list("ref", flat=True)) == {e["uuid"] for e in events}
    cbi = make_user("analyst", "IN-CBI")
    assert not visible(cbi, Complaint.objects.filter(agency=ftc)).exists()
