"""sharing.exports, what leaves the node: the own and per-agreement bundles, the TAXII
collections that ``publish`` keeps (and withdraws from), and MISP events. RED and AMBER+STRICT
never leave by any of these paths; victims' fields only as an agreement names them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import stix2
import stix2validator
from django.utils import timezone

from tracebridge.agencies.markings import TLP
from tracebridge.agencies.models import AuditEvent
from tracebridge.complaints.models import Complaint
from tracebridge.complaints.services import ingest
from tracebridge.sharing import exports, stix
from tracebridge.sharing.exports import (
    OWN_EXPORT_TLP,
    export_bundle,
    export_bundle_for,
    export_objects,
    misp_events,
    publish,
    publish_complaints,
    shareable_complaints,
    store,
)
from tracebridge.sharing.models import SharedObject
from tracebridge.sharing.stix_extensions import tb_property

from .conftest import record


def _validate(bundle: dict[str, Any]) -> None:
    results = stix2validator.validate_string(json.dumps(bundle), stix2validator.ValidationOptions())
    errors = [str(e) for e in results.errors]
    assert errors == []
    assert results.is_valid


def _incident_refs(objects: Any) -> set[str]:
    return {tb_property(o, "complaint")["ref"] for o in objects if o["type"] == "incident"}


def _held(agreement: Any) -> Any:
    return SharedObject.objects.filter(agreement=agreement)


# --- what may leave ------------------------------------------------------------------------


def test_red_and_amber_strict_are_never_shareable_even_when_asked_for(
    complaints: Any, agencies: Any
) -> None:
    every = [t.value for t in TLP]
    refs = [c.ref for c in shareable_complaints(agencies["US-FBI"], every)]
    assert refs == ["FBI-CLEAR", "FBI-GREEN", "FBI-AMBER"]
    assert not shareable_complaints(agencies["US-FBI"], ["RED", "AMBER+STRICT"]).exists()


def test_own_export_validates_parses_and_never_holds_red(complaints: Any, agencies: Any) -> None:
    bundle = export_bundle(agencies["US-FBI"])
    _validate(bundle)
    parsed = stix2.parse(bundle, allow_custom=True)
    assert len(parsed.objects) == len(bundle["objects"])
    assert _incident_refs(bundle["objects"]) == {"FBI-CLEAR", "FBI-GREEN", "FBI-AMBER"}
    text = json.dumps(bundle)
    assert stix.TLP_IDS["RED"] not in text and "FBI-RED" not in text
    assert "FBI-AMBER+STRICT" not in text


def test_export_reads_in_chunks_without_losing_or_repeating_a_complaint(
    complaints: Any, agencies: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(exports, "CHUNK", 1)
    objects = list(export_objects(agencies["US-FBI"], OWN_EXPORT_TLP, ()))
    incidents = [o for o in objects if o["type"] == "incident"]
    assert len(incidents) == 3
    assert _incident_refs(incidents) == {"FBI-CLEAR", "FBI-GREEN", "FBI-AMBER"}


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
    assert _incident_refs(export_bundle_for(agreement)["objects"]) == {"FBI-CLEAR", "FBI-GREEN"}
    from tracebridge.sharing.services import approve_agreement

    approve_agreement(agreement, supervisor)
    refs = _incident_refs(export_bundle_for(agreement)["objects"])
    assert refs == {"FBI-CLEAR", "FBI-GREEN", "FBI-AMBER"}


def test_an_agreement_that_does_not_cover_complaints_exports_none(
    complaints: Any, agreement_factory: Any
) -> None:
    agreement = agreement_factory(tlp="CLEAR,GREEN", kinds=["campaign"])
    assert _incident_refs(export_bundle_for(agreement)["objects"]) == set()
    assert not _held(agreement).filter(stix_type="incident").exists()


def test_every_export_is_audited_with_its_partner_markings_and_size(
    complaints: Any, agencies: Any, agreement_factory: Any, analyst: Any
) -> None:
    bundle = export_bundle_for(agreement_factory(tlp="GREEN,CLEAR"), user=analyst)
    event = AuditEvent.objects.get(action="stix.export")
    assert (event.username, event.agency.code, event.object_type) == (
        analyst.username, "US-FBI", "agreement",
    )  # fmt: skip
    assert event.detail == {
        "partner": "IN-CBI", "tlp": ["CLEAR", "GREEN"], "objects": len(bundle["objects"]),
    }  # fmt: skip
    own = export_bundle(agencies["US-FBI"], user=analyst)
    event = AuditEvent.objects.filter(action="stix.export").latest("id")
    assert (event.object_type, event.object_id) == ("bundle", own["id"])
    assert event.detail["partner"] == "" and event.detail["tlp"] == ["AMBER", "CLEAR", "GREEN"]


# --- campaigns -----------------------------------------------------------------------------


def _linked(agencies: Any, capture: Any, *rows: dict[str, Any]) -> None:
    with capture(execute=True):  # linking runs when the import commits
        ingest(list(rows), agencies["US-FBI"])


def test_campaigns_are_exported_with_their_incidents(
    agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [record(f"C-{i}", "GREEN") for i in range(3)] + [record("C-RED", "RED")]
    _linked(agencies, django_capture_on_commit_callbacks, *rows)
    bundle = export_bundle(agencies["US-FBI"])
    _validate(bundle)
    campaigns = [o for o in bundle["objects"] if o["type"] == "campaign"]
    assert len(campaigns) == 1
    assert campaigns[0]["object_marking_refs"] == [stix.TLP_IDS["GREEN"]]
    attributed = [o for o in bundle["objects"] if o.get("relationship_type") == "attributed-to"]
    assert len(attributed) == 3  # the RED member is not exported, nor its link


def test_a_campaign_is_marked_as_its_most_restricted_exported_member(
    agencies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [record("C-CLEAR", "CLEAR"), record("C-GREEN", "GREEN"), record("C-AMBER", "AMBER")]
    _linked(agencies, django_capture_on_commit_callbacks, *rows)
    objects = export_bundle(agencies["US-FBI"])["objects"]
    (campaign,) = [o for o in objects if o["type"] == "campaign"]
    assert campaign["object_marking_refs"] == [stix.TLP_IDS["AMBER"]]
    assert campaign["description"] == "tech_support campaign, 3 complaints"


# --- the TAXII collections -----------------------------------------------------------------


def test_publishing_again_adds_nothing_and_a_raised_marking_is_withdrawn_whole(
    complaints: Any, agreement_factory: Any
) -> None:
    agreement = agreement_factory(tlp="CLEAR,GREEN")
    green = complaints["FBI-GREEN"]
    report = _held(agreement).get(stix_id=stix.sdo_id("report", green.reference))
    sightings = [r for r in json.loads(report.body)["object_refs"] if r.startswith("sighting--")]
    assert sightings
    assert publish(agreement) == 0  # every version is held already
    Complaint.objects.filter(pk=green.pk).update(tlp="AMBER")  # AMBER is not agreed
    publish(agreement)
    gone = [stix.sdo_id("incident", green.reference), report.stix_id, *sightings]
    assert not _held(agreement).filter(stix_id__in=gone).exists()
    clear = complaints["FBI-CLEAR"].reference
    assert _held(agreement).filter(stix_id=stix.sdo_id("incident", clear)).exists()
    assert not _held(agreement).filter(tlp__in=["RED", "AMBER+STRICT"]).exists()


def test_store_keeps_each_version_once_and_dates_them_strictly_in_order(
    complaints: Any, agreement_factory: Any
) -> None:
    agreement = agreement_factory(tlp="CLEAR,GREEN")
    incident = json.loads(_held(agreement).filter(stix_type="incident").first().body)
    assert store(agreement, [incident]) == 0
    newer = {**incident, "modified": "2099-01-01T00:00:00.000Z"}
    assert store(agreement, [newer, newer]) == 1
    versions = _held(agreement).filter(stix_id=incident["id"]).order_by("date_added")
    assert [(v.version, v.is_latest) for v in versions] == [
        (incident["modified"], False), (newer["modified"], True),
    ]  # fmt: skip
    added = list(_held(agreement).order_by("pk").values_list("date_added", flat=True))
    assert added == sorted(added) and len(set(added)) == len(added)


def test_an_object_without_a_marking_is_stored_as_red_so_it_is_never_served(
    agencies: Any, agreement_factory: Any
) -> None:
    agreement = agreement_factory(tlp="CLEAR,GREEN")
    when = "2026-03-01T10:00:00.000Z"
    note = {"type": "note", "spec_version": "2.1", "id": stix.sdo_id("note", "unmarked"),
            "created": when, "modified": when, "content": "x",
            "object_refs": [stix.sdo_id("identity", "agency:US-FBI")]}  # fmt: skip
    assert store(agreement, [note]) == 1
    assert _held(agreement).get(stix_id=note["id"]).tlp == TLP.RED.value


def test_new_complaints_go_to_the_active_agreements_of_their_owner_only(
    complaints: Any, agencies: Any, agreement_factory: Any
) -> None:
    active = agreement_factory(tlp="CLEAR,GREEN")
    lapsed = agreement_factory(partner="US-FTC", tlp="GREEN",
                               expires_on=timezone.localdate() - dt.timedelta(days=1))  # fmt: skip
    theirs = agreement_factory(owner="IN-CBI", partner="US-FBI", tlp="GREEN")
    ingest([record("FBI-NEW", "GREEN")], agencies["US-FBI"])
    new = Complaint.objects.get(ref="FBI-NEW")
    incident = stix.sdo_id("incident", new.reference)
    assert not SharedObject.objects.filter(stix_id=incident).exists()
    assert publish_complaints([new.pk]) > 0
    assert _held(active).filter(stix_id=incident, is_latest=True).exists()
    assert not _held(lapsed).filter(stix_id=incident).exists()
    assert not _held(theirs).filter(stix_id=incident).exists()
    assert publish_complaints([new.pk]) == 0


def _legacy_copies(agreement: Any, reference: str) -> set[str]:
    """Store a complaint's incident, report and a sighting as a collection stored before the
    UUIDv4-form ids held them (UUIDv5 ids); return those ids."""
    rows = SharedObject.objects.filter(agreement=agreement, stix_type__in=["incident", "report"])
    new = {o["type"]: o for o in (json.loads(b) for b in rows.values_list("body", flat=True))
           if o["id"] in (stix.sdo_id("incident", reference), stix.sdo_id("report", reference))}  # fmt: skip
    sighting = {**new["incident"], "type": "sighting", "id": stix.legacy_sdo_id("sighting", "x")}
    incident = {**new["incident"], "id": stix.legacy_sdo_id("incident", reference)}
    report = {**new["report"], "id": stix.legacy_sdo_id("report", reference),
              "object_refs": [incident["id"], sighting["id"]]}  # fmt: skip
    store(agreement, [incident, sighting, report])
    return {incident["id"], sighting["id"], report["id"]}


def test_copies_under_older_ids_are_replaced_and_withdrawn(
    complaints: Any, agreement_factory: Any, supervisor: Any
) -> None:
    agreement = agreement_factory(approve_by=supervisor)
    green = complaints["FBI-GREEN"]
    held = SharedObject.objects.filter(agreement=agreement)
    old = _legacy_copies(agreement, green.reference)
    publish(agreement, [green.pk])  # the complaint's current copy replaces the older one
    assert not held.filter(stix_id__in=old).exists()
    assert held.filter(stix_id=stix.sdo_id("incident", green.reference)).exists()
    old = _legacy_copies(agreement, green.reference)
    Complaint.objects.filter(pk=green.pk).update(tlp="RED")
    publish(agreement, [green.pk])  # raised to RED: no copy of either form stays
    ids = {stix.sdo_id("incident", green.reference), *old}
    assert not held.filter(stix_id__in=ids).exists()


# --- MISP ----------------------------------------------------------------------------------


def test_misp_events_follow_each_owners_markings(complaints: Any, agencies: Any) -> None:
    asked = {"US-FBI": [t.value for t in TLP], "IN-CBI": ["CLEAR"]}
    events = list(
        misp_events([agencies["US-FBI"], agencies["IN-CBI"]], lambda a: (asked[a.code], ()))
    )
    infos = [e["Event"]["info"] for e in events]
    assert infos == [f"Fraud complaint IC3:FBI-{t}" for t in ("CLEAR", "GREEN", "AMBER")]
    tags = [{t["name"] for t in e["Event"]["Tag"]} for e in events]
    assert [t & {"tlp:clear", "tlp:green", "tlp:amber"} for t in tags] == [
        {"tlp:clear"}, {"tlp:green"}, {"tlp:amber"},
    ]  # fmt: skip
    assert {e["Event"]["Orgc"]["name"] for e in events} == {"US-FBI"}
    assert "fraud.desk@okaxis" in json.dumps(events)  # the suspect's UPI id is the point
