"""What partners send: the strictest marking wins, RED and AMBER+STRICT are refused one object
at a time, only analysts may post, and what a collection serves is never the posted bytes."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from taxii2client.v21 import Collection

from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import issue_token
from tracebridge.complaints.models import Complaint
from tracebridge.sharing import stix
from tracebridge.sharing.imports import import_objects
from tracebridge.sharing.models import SharedObject
from tracebridge.sharing.stix_extensions import tb_property

from .test_taxii import TAXII, _Bearer, _collection_url, _taxii_error

GREEN, AMBER, RED = stix.TLP_IDS["GREEN"], stix.TLP_IDS["AMBER"], stix.TLP_IDS["RED"]
STRICT = stix.TLP_IDS["AMBER+STRICT"]


def _objects(ref: str, tlp: str = "GREEN", **record: Any) -> list[dict[str, Any]]:
    base = {"source": "NCRP", "ref": ref, "country": "IN",
            "received_at": "2026-02-02T00:00:00+00:00", "suspect": {"phones": ["+919812345678"]},
            **record}  # fmt: skip
    return stix.complaint_objects(base, ["phone:+919812345678"], agency="IN-CBI", tlp=tlp)


def _incident(objects: list[dict[str, Any]]) -> dict[str, Any]:
    return next(o for o in objects if o["type"] == "incident")


def _with_marks(ref: str, marks: list[str]) -> list[dict[str, Any]]:
    objects = _objects(ref)
    _incident(objects)["object_marking_refs"] = marks
    return objects


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("marks", "refused"),
    [([GREEN, RED], "RED"), ([GREEN, STRICT], "AMBER+STRICT"), ([RED, GREEN], "RED")],
)
def test_a_stricter_marking_anywhere_on_the_object_refuses_it(
    agencies: Any, marks: list[str], refused: str
) -> None:
    objects = _with_marks("MIXED", marks)
    result = import_objects(objects, partner="p", allowed_agencies=["IN-CBI"])
    incident = _incident(objects)["id"]
    assert [(f.id, f.reason) for f in result.failures] == [
        (incident, f"{incident}: marked TLP:{refused}, which never leaves its agency")
    ]
    assert not Complaint.objects.filter(ref="MIXED").exists()
    assert AuditEvent.objects.get(action="sharing.import.rejected").detail["count"] == 1


@pytest.mark.django_db
def test_conflicts_take_the_strictest_and_are_audited(agencies: Any) -> None:
    pap_red, pap_clear = stix.pap_marking("RED"), stix.pap_marking("CLEAR")
    objects = [pap_red, pap_clear, *_with_marks("CONFLICT", [GREEN, pap_red["id"], AMBER,
                                                             pap_clear["id"]])]  # fmt: skip
    canonical = _objects("CANON")  # marked GREEN, but its own record says AMBER
    tb_property(_incident(canonical), "complaint")["tlp"] = "AMBER"
    result = import_objects([*objects, *canonical], partner="p", allowed_agencies=["IN-CBI"])
    assert result.created == 2 and result.failures == []
    mixed = Complaint.objects.get(ref="CONFLICT")
    assert (mixed.tlp, mixed.pap) == ("AMBER", "RED")
    assert Complaint.objects.get(ref="CANON").tlp == "AMBER"
    notes = AuditEvent.objects.get(action="sharing.import.markings").detail["notes"]
    assert any("conflicting TLP markings TLP:GREEN, TLP:AMBER" in n for n in notes)
    assert any("conflicting PAP markings PAP:CLEAR, PAP:RED" in n for n in notes)


@pytest.fixture
def inbound(complaints: Any, agreement_factory: Any) -> Any:
    return agreement_factory(owner="IN-CBI", partner="US-FBI", tlp="GREEN")


def _post(live_server: Any, agreement: Any, token: str, objects: list[Any]) -> requests.Response:
    return requests.post(_collection_url(live_server, agreement) + "objects/",
                         data=json.dumps({"objects": objects}),
                         headers={"Authorization": f"Bearer {token}", "Accept": TAXII,
                                  "Content-Type": TAXII}, timeout=30)  # fmt: skip


def _served(live_server: Any, agreement: Any, token: str) -> list[dict[str, Any]]:
    """Every version of every object the collection serves."""
    collection = Collection(_collection_url(live_server, agreement), auth=_Bearer(token))
    return collection.get_objects(version="all").get("objects", [])


@pytest.mark.django_db(transaction=True)
def test_taxii_post_green_then_red_is_refused_and_never_served(
    live_server: Any, inbound: Any, make_user: Any
) -> None:
    token = issue_token(make_user("analyst", "IN-CBI"), "push").secret
    red, strict, fine = (_with_marks("RED-1", [GREEN, RED]),
                         _with_marks("STRICT-1", [GREEN, STRICT]), _objects("FINE-1"))  # fmt: skip
    status = _post(live_server, inbound, token, [*red, *strict, *fine]).json()
    failed = {f["id"]: f["message"] for f in status["failures"]}
    assert failed == {
        _incident(red)["id"]: f"{_incident(red)['id']}: marked TLP:RED, which never leaves "
        "its agency",
        _incident(strict)["id"]: f"{_incident(strict)['id']}: marked TLP:AMBER+STRICT, which "
        "never leaves its agency",
    }
    assert status["success_count"] == len(red) + len(strict) + len(fine) - 2
    refs = set(Complaint.objects.filter(source="NCRP").values_list("ref", flat=True))
    assert "FINE-1" in refs and not {"RED-1", "STRICT-1"} & refs
    reader = issue_token(make_user("analyst", "US-FBI"), "read").secret
    text = json.dumps(_served(live_server, inbound, reader))
    assert "FINE-1" in text and "RED-1" not in text and "STRICT-1" not in text
    assert RED not in text and STRICT not in text
    assert not SharedObject.objects.filter(stix_id=_incident(red)["id"]).exists()


@pytest.mark.django_db(transaction=True)
def test_a_viewer_cannot_post(live_server: Any, inbound: Any, make_user: Any) -> None:
    token = issue_token(make_user("viewer", "IN-CBI"), "push").secret
    before = SharedObject.objects.count()
    response = _post(live_server, inbound, token, _objects("BY-VIEWER"))
    _taxii_error(response, 403)
    assert "analyst" in response.json()["description"]
    assert not Complaint.objects.filter(ref="BY-VIEWER").exists()
    assert SharedObject.objects.count() == before
    denied = AuditEvent.objects.get(action="taxii.add", outcome="denied")
    assert denied.detail["role"] == "viewer"


@pytest.mark.django_db(transaction=True)
def test_posted_bodies_are_never_served_back_raw(
    live_server: Any, inbound: Any, make_user: Any
) -> None:
    token = issue_token(make_user("analyst", "IN-CBI"), "push").secret
    posted = _objects("VICTIM-1", narrative="I am Asha Rao, call me on +91 99887 76655.",
                      victim={"name": "Asha Rao", "phone": "+919988776655", "city": "Pune"})  # fmt: skip
    _incident(posted)["x_partner_note"] = "raw bytes from the poster"
    _incident(posted)["description"] = "Asha Rao, +91 99887 76655"
    assert _post(live_server, inbound, token, posted).status_code == 202
    reader = issue_token(make_user("analyst", "US-FBI"), "read").secret
    served = _served(live_server, inbound, reader)
    [incident] = [o for o in served if o["id"] == _incident(posted)["id"]]
    assert tb_property(incident, "complaint")["victim"] == {}  # the agreement names no field
    text = json.dumps(served)
    assert "Asha Rao" not in text and "99887" not in text and "x_partner_note" not in text
    assert "[redacted]" in tb_property(incident, "complaint")["narrative"]


@pytest.mark.django_db(transaction=True)
def test_one_bad_object_is_refused_alone(live_server: Any, inbound: Any, make_user: Any) -> None:
    token = issue_token(make_user("analyst", "IN-CBI"), "push").secret
    good = _objects("GOOD-1")
    bad = _objects("NAN-1", loss={"amount": "NaN", "currency": "INR"})
    response = _post(live_server, inbound, token, [*bad, *good])
    assert response.status_code == 202
    status = response.json()
    [failure] = status["failures"]
    assert failure["id"] == _incident(bad)["id"]
    assert "complaint NCRP:NAN-1: loss.amount" in failure["message"]
    assert _incident(good)["id"] in {s["id"] for s in status["successes"]}
    assert Complaint.objects.filter(ref="GOOD-1").exists()
    assert not Complaint.objects.filter(ref="NAN-1").exists()
    reader = issue_token(make_user("analyst", "US-FBI"), "read").secret
    text = json.dumps(_served(live_server, inbound, reader))
    assert "GOOD-1" in text and "NAN-1" not in text and "NaN" not in text
    assert not SharedObject.objects.filter(body__contains="NAN-1").exists()
