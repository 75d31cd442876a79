"""STIX 2.1 export: valid, deterministic, redacted, never RED, and lossless on import."""

from __future__ import annotations

import json
from typing import Any

import pytest
import stix2
import stix2validator

from tracebridge.agencies.markings import TLP
from tracebridge.complaints.models import Complaint
from tracebridge.sharing import stix
from tracebridge.sharing.exports import export_bundle, export_bundle_for
from tracebridge.sharing.imports import import_objects
from tracebridge.sharing.stix_extensions import tb_property


def _validate(bundle: dict[str, Any]) -> None:
    results = stix2validator.validate_string(json.dumps(bundle), stix2validator.ValidationOptions())
    errors = [str(e) for e in results.errors]
    assert errors == []
    assert results.is_valid


def _incident_refs(bundle: dict[str, Any]) -> set[str]:
    return {
        tb_property(o, "complaint")["ref"] for o in bundle["objects"] if o["type"] == "incident"
    }


def test_own_export_validates_parses_and_never_holds_red(complaints: Any, agencies: Any) -> None:
    bundle = export_bundle(agencies["US-FBI"])
    _validate(bundle)
    parsed = stix2.parse(bundle, allow_custom=True)
    assert len(parsed.objects) == len(bundle["objects"])
    assert _incident_refs(bundle) == {"FBI-CLEAR", "FBI-GREEN", "FBI-AMBER"}
    text = json.dumps(bundle)
    assert stix.TLP_IDS["RED"] not in text and "FBI-RED" not in text
    assert "FBI-AMBER+STRICT" not in text


def test_identifier_shapes_and_markings(complaints: Any, agencies: Any) -> None:
    bundle = export_bundle(agencies["US-FBI"])
    by_type: dict[str, list[dict[str, Any]]] = {}
    for obj in bundle["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
    assert {"phone-number", "user-account", "indicator", "relationship", "sighting", "report",
            "identity", "marking-definition"} <= set(by_type)  # fmt: skip
    assert by_type["phone-number"][0]["value"] == "+919812345678"
    upi = by_type["user-account"][0]
    assert (tb_property(upi, "key"), upi["user_id"]) == (
        "upi:fraud.desk@okaxis",
        "fraud.desk@okaxis",
    )
    tlp2 = [
        m for m in by_type["marking-definition"] if stix.TLP_EXTENSION in m.get("extensions", {})
    ]
    assert {m["name"] for m in tlp2} == {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER"}
    for obj in bundle["objects"]:
        if obj["type"] != "marking-definition":
            assert obj["object_marking_refs"], obj["id"]
    patterns = {i["pattern"] for i in by_type["indicator"]}
    assert "[phone-number:value = '+919812345678']" in patterns


def test_ids_are_deterministic(complaints: Any, agencies: Any) -> None:
    assert export_bundle(agencies["US-FBI"]) == export_bundle(agencies["US-FBI"])
    sco, _ = stix.observable("email:x@y.com")
    assert sco["id"] == "email-addr--" + str(
        __import__("uuid").uuid5(stix.SCO_NAMESPACE, '{"value":"x@y.com"}')
    )


def test_victim_data_is_redacted_unless_agreed(
    complaints: Any, agreement_factory: Any, supervisor: Any
) -> None:
    none = export_bundle_for(agreement_factory(tlp="GREEN"))
    victims = [tb_property(o, "complaint") for o in none["objects"] if o["type"] == "incident"]
    assert [v["victim"] for v in victims] == [{}]
    assert "Jane Roe" not in json.dumps(none) and "202-555-0143" not in json.dumps(none)
    assert "[redacted]" in victims[0]["narrative"]
    some = export_bundle_for(agreement_factory(tlp="GREEN", fields=["victim.city", "state"]))
    victim = tb_property(next(o for o in some["objects"] if o["type"] == "incident"), "complaint")
    assert victim["victim"] == {"city": "Dayton", "state": "Ohio"}


def test_partner_export_follows_agreement_and_approval(
    complaints: Any, agreement_factory: Any, supervisor: Any
) -> None:
    agreement = agreement_factory(tlp="CLEAR,GREEN,AMBER")
    assert _incident_refs(export_bundle_for(agreement)) == {"FBI-CLEAR", "FBI-GREEN"}
    from tracebridge.sharing.services import approve_agreement

    approve_agreement(agreement, supervisor)
    assert _incident_refs(export_bundle_for(agreement)) == {"FBI-CLEAR", "FBI-GREEN", "FBI-AMBER"}


def test_import_back_is_lossless(complaints: Any, agencies: Any) -> None:
    before = export_bundle(agencies["US-FBI"])
    Complaint.objects.filter(agency=agencies["US-FBI"]).update(
        narrative="overwritten", victim={}, suspect={}, content_hash="0"
    )
    result = import_objects(before["objects"], partner="self", allowed_agencies=["US-FBI"])
    assert (result.updated, result.rejected) == (3, [])
    # The re-import is a new version of each complaint (``modified`` moves on); all else is equal.
    assert _content(export_bundle(agencies["US-FBI"])) == _content(before)


def _content(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(
        ({k: v for k, v in o.items() if k != "modified"} for o in bundle["objects"]),
        key=lambda o: o["id"],
    )


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda o: o.update(type="x-unknown"), "unknown object type"),
        (lambda o: o.pop("object_marking_refs"), "no TLP marking"),
        (lambda o: o.update(object_marking_refs=[stix.TLP_IDS["RED"]]), "never leaves"),
        (lambda o: o.update(object_marking_refs=[stix.TLP_IDS["AMBER+STRICT"]]), "never leaves"),
    ],
)
def test_import_refuses_bad_objects(
    complaints: Any, agencies: Any, mutate: Any, reason: str
) -> None:
    objects = export_bundle(agencies["IN-CBI"])["objects"]
    incident = next(o for o in objects if o["type"] == "incident")
    tb_property(incident, "complaint")["ref"] = "CBI-NEW"
    mutate(incident)
    result = import_objects(objects, partner="p", allowed_agencies=["IN-CBI"])
    assert result.created == 0
    assert any(reason in r for r in result.rejected)


def test_import_refuses_agencies_the_partner_does_not_speak_for(
    complaints: Any, agencies: Any
) -> None:
    objects = export_bundle(agencies["US-FBI"])["objects"]
    result = import_objects(objects, partner="in-node", allowed_agencies=["IN-CBI"])
    assert result.complaints == 0 and len(result.rejected) == 3


def test_opencti_amber_strict_marking_is_mapped_by_name() -> None:
    definitions = {"marking-definition--x": {"name": "TLP:AMBER+STRICT"}}
    obj = {"object_marking_refs": ["marking-definition--x"]}
    assert stix.object_marking(obj, definitions).tlp is TLP.AMBER_STRICT
    assert stix.object_marking({"object_marking_refs": []}, {}).tlp is None


def test_too_many_objects_is_refused() -> None:
    with pytest.raises(stix.StixError, match="limit"):
        import_objects([{}] * 20_001, partner="p", allowed_agencies=[])


def test_campaigns_are_exported_with_their_incidents(
    agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tracebridge.complaints.services import ingest

    from .conftest import record

    with django_capture_on_commit_callbacks(execute=True):
        ingest([record(f"C-{i}", "GREEN") for i in range(3)] + [record("C-RED", "RED")],
               agencies["US-FBI"])  # fmt: skip
    bundle = export_bundle(agencies["US-FBI"])
    _validate(bundle)
    campaigns = [o for o in bundle["objects"] if o["type"] == "campaign"]
    assert len(campaigns) == 1
    assert campaigns[0]["object_marking_refs"] == [stix.TLP_IDS["GREEN"]]
    attributed = [o for o in bundle["objects"] if o.get("relationship_type") == "attributed-to"]
    assert len(attributed) == 3  # the RED member is not exported, nor its link
