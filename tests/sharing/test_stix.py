"""STIX 2.1 mapping: identifier shapes and markings, deterministic ids, and lossless, checked
import (what an export may hold: test_exports.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tracebridge.agencies.markings import TLP
from tracebridge.complaints.models import Complaint
from tracebridge.sharing import stix
from tracebridge.sharing.exports import export_bundle
from tracebridge.sharing.imports import import_objects
from tracebridge.sharing.stix_extensions import tb_property


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
