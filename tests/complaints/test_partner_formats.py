"""What partners' own software writes: PyMISP events and misp-stix's STIX 2.1, made by that
software in the test, imported, with what was skipped said in the summary and the audit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from misp_stix_converter import MISPtoSTIX21Parser
from pymisp import MISPEvent

from tracebridge.agencies.models import Agency, AuditEvent
from tracebridge.complaints.importers import detect_format, import_file
from tracebridge.complaints.models import Complaint
from tracebridge.sharing import misp as misp_export
from tracebridge.sharing import stix as stix_export

pytestmark = pytest.mark.django_db

FULL = "suspect.urls already holds 50, the most one complaint keeps"
BANK_DETAIL = "bank-account detail this node does not keep (it keeps account, IBAN, routing, IFSC)"


def _keys(complaint: Complaint) -> set[str]:
    return set(complaint.sightings.values_list("key", flat=True))


def _write(tmp_path: Path, data: Any, name: str = "event.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def fraud_event(published: bool = False) -> MISPEvent:
    """A fraud event as an analyst builds it in PyMISP: every kind of selector, and a victim."""
    event = MISPEvent()
    event.info = "Digital arrest call"
    event.add_tag("tlp:amber")
    event.add_attribute("phone-number", "+91 91234 56789")
    event.add_attribute("btc", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
    event.add_attribute("xmr", "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A")  # fmt: skip
    event.add_attribute("iban", "DE89370400440532013000")
    event.add_attribute("text", "rahul.verma@okaxis", comment="UPI virtual payment address")
    event.add_attribute("domain|ip", "kyc-verify.in|203.0.113.5")
    bank = event.add_object(name="bank-account")
    bank.add_attribute("account", "12345678901")
    bank.add_attribute("swift", "SBININBB")
    coin = event.add_object(name="coin-address")
    coin.add_attribute("address", "0x52908400098527886E0F7030069857D2E4169EE7")
    coin.add_attribute("symbol", "ETH")
    person = event.add_object(name="person")
    person.add_attribute("first-name", "Asha")
    person.add_attribute("phone-number", "+91 98765 43210")
    if published:
        event.date = "2026-03-04"
        event.published = True
        event.publish_timestamp = 1772600000
    return event


FRAUD_KEYS = {
    "phone:+919123456789",
    "wallet:btc:1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
    "iban:DE89370400440532013000",
    "upi:rahul.verma@okaxis",
    "url:https://kyc-verify.in/",
    "domain:kyc-verify.in",
    "url:https://203.0.113.5/",
    "wallet:eth:0x52908400098527886e0f7030069857d2e4169ee7",
}


def test_bare_pymisp_event_without_date_is_read(
    agencies: dict[str, Agency], tmp_path: Path
) -> None:
    path = _write(tmp_path, fraud_event().to_json())
    assert detect_format(path) == "misp"
    before = datetime.now(UTC)
    summary = import_file(path, agencies["IN-CBI"], rejects_path=tmp_path / "r.jsonl")
    assert (summary.created, summary.rejected) == (1, 0)
    complaint = Complaint.objects.get()
    assert before <= complaint.received_at <= datetime.now(UTC)  # no date: the import's time
    keys = _keys(complaint)
    assert keys >= FRAUD_KEYS
    assert "phone:+919876543210" not in keys  # the person object may be the victim
    assert any(k.startswith("wallet:xmr:") for k in keys)
    assert complaint.suspect["bank_accounts"] == [
        {"iban": "DE89370400440532013000"},
        {"account": "12345678901"},
    ]
    assert dict(summary.skipped) == {
        ("object person", "may describe the victim: person objects are not read"): 1,
        ("bank-account/swift", BANK_DETAIL): 1,
    }


@pytest.mark.parametrize("published", [False, True], ids=["grouping", "report"])
def test_misp_stix_export_is_read(
    published: bool, agencies: dict[str, Agency], tmp_path: Path
) -> None:
    parser = MISPtoSTIX21Parser()
    parser.parse_misp_event(json.loads(fraud_event(published).to_json()))
    bundle = json.loads(parser.bundle.serialize())
    container = "report" if published else "grouping"
    assert [o["type"] for o in bundle["objects"]].count(container) == 1
    path = _write(tmp_path, bundle, "bundle.json")
    summary = import_file(path, agencies["IN-CBI"], rejects_path=tmp_path / "r.jsonl")
    assert (summary.rows, summary.created, summary.rejected) == (1, 1, 0)
    complaint = Complaint.objects.get()
    assert complaint.ref.startswith(f"{container}--")
    keys = _keys(complaint)
    assert keys >= FRAUD_KEYS
    assert "phone:+919876543210" not in keys
    assert dict(summary.skipped) == {
        ("bank-account/swift", BANK_DETAIL): 1,
        ("identity", "a person may be the victim: not read"): 1,
    }


def _event(**changes: Any) -> dict[str, Any]:
    event = {"uuid": "5f0c4a5e-2222-4aaa-8bbb-000000000001", "info": "Phishing kit"}
    event.update(changes)
    return {"Event": event}


def test_event_with_sixty_urls_keeps_fifty_and_says_why(
    agencies: dict[str, Agency], tmp_path: Path
) -> None:
    urls = [
        {"uuid": f"00000000-0000-4000-8000-{n:012d}", "type": "url",
         "value": f"https://kyc-verify{n}.in/login"}
        for n in range(60)
    ]  # fmt: skip
    path = _write(tmp_path, _event(date="2026-03-04", Attribute=urls))
    summary = import_file(path, agencies["IN-CBI"], rejects_path=tmp_path / "r.jsonl")
    assert (summary.created, summary.rejected) == (1, 0)
    complaint = Complaint.objects.get()
    assert complaint.suspect["urls"] == [u["value"] for u in urls[:50]]
    assert dict(summary.skipped) == {("url", FULL): 10}
    assert "10 skipped in" in summary.line()
    assert f"skipped 10 url: {FULL}" in summary.line()
    audit = AuditEvent.objects.get(action="complaint.import.file")
    assert audit.detail["skipped"] == 10
    assert audit.detail["skipped_kinds"] == [
        {"kind": "url", "reason": FULL, "count": 10, "items": [u["uuid"] for u in urls[50:53]]}
    ]


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        ({"publish_timestamp": "0", "timestamp": "1772600000"}, "2026-03-04T04:53:20+00:00"),
        ({"publish_timestamp": "1772610000", "date": "2026-03-01"}, "2026-03-04T07:40:00+00:00"),
        ({"date": "2026-03-01"}, "2026-03-01T00:00:00+00:00"),
    ],
)
def test_event_time_is_published_then_changed_then_its_date(
    times: dict[str, str], expected: str, agencies: dict[str, Agency], tmp_path: Path
) -> None:
    path = _write(tmp_path, _event(**times))
    assert import_file(path, agencies["IN-CBI"], rejects_path=tmp_path / "r.jsonl").created == 1
    assert Complaint.objects.get().received_at.isoformat() == expected


def test_a_list_of_bare_events_and_an_unknown_attribute(
    agencies: dict[str, Agency], tmp_path: Path
) -> None:
    events = [
        {"uuid": "5f0c4a5e-3333-4aaa-8bbb-000000000001", "info": "A", "date": "2026-03-01",
         "Attribute": [{"type": "AS", "value": "AS174", "uuid": "a1"}]},
        {"uuid": "5f0c4a5e-3333-4aaa-8bbb-000000000002", "info": "B", "date": "2026-03-02",
         "Attribute": [{"type": "ip-dst", "value": "198.51.100.0/24", "uuid": "a2"}]},
    ]  # fmt: skip
    path = _write(tmp_path, events)
    summary = import_file(path, agencies["IN-CBI"], rejects_path=tmp_path / "r.jsonl")
    assert (summary.rows, summary.created) == (2, 2)
    assert dict(summary.skipped) == {
        ("AS", "not a kind of selector this node reads"): 1,
        ("ip-dst", "not one IP address (a range or a name)"): 1,
    }


OWN_KEYS = [
    "phone:+919812345678",
    "iban:DE89370400440532013000",
    "bank:IN:SBIN0001234:12345678901",
    "bank:US:021000021:123456789",
    "wallet:eth:0x52908400098527886e0f7030069857d2e4169ee7",
    "wallet:btc:1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
    "wallet:trx:TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW",
    "upi:rahul.verma@okaxis",
    "email:kyc@kyc-verify.in",
    "url:https://kyc-verify.in/login",
    "domain:kyc-verify.in",
]
OWN_RECORD = {
    "source": "NCRP",
    "ref": "NC-1",
    "received_at": "2026-03-02T10:15:00+00:00",
    "scam_type": "kyc_update",
    "narrative": "",
}


def test_own_misp_export_comes_back_whole(agencies: dict[str, Agency], tmp_path: Path) -> None:
    """Bank accounts with IFSC or routing number, non-BTC wallets and UPI IDs survive."""
    when = datetime(2026, 3, 2, tzinfo=UTC)
    event = misp_export.event_for(OWN_RECORD, OWN_KEYS, org="IN-CBI", tlp="AMBER", timestamp=when)
    summary = import_file(_write(tmp_path, event), agencies["IN-CBI"])
    assert (summary.created, dict(summary.skipped)) == (1, {})
    assert _keys(Complaint.objects.get()) == {*OWN_KEYS, "url:https://kyc-verify.in/"}


def test_own_stix_export_comes_back_whole(agencies: dict[str, Agency], tmp_path: Path) -> None:
    objects = stix_export.complaint_objects(OWN_RECORD, OWN_KEYS, agency="IN-CBI", tlp="AMBER")
    bundle = stix_export.bundle(objects)
    summary = import_file(_write(tmp_path, bundle, "bundle.json"), agencies["IN-CBI"])
    assert (summary.created, dict(summary.skipped)) == (1, {})
    assert _keys(Complaint.objects.get()) == {*OWN_KEYS, "url:https://kyc-verify.in/"}


def test_stix_reader_follows_observed_data_and_names_what_it_cannot_read(
    agencies: dict[str, Agency], tmp_path: Path
) -> None:
    observed = {
        "type": "observed-data", "id": "observed-data--00000000-0000-4000-8000-000000000001",
        "objects": {"0": {"type": "phone-number", "value": "+91 91234 56789"},
                    "1": {"type": "file", "name": "invoice.exe"}},
    }  # fmt: skip
    account = {
        "type": "user-account", "id": "user-account--00000000-0000-4000-8000-000000000002",
        "account_type": "twitter", "user_id": "kyc_helpdesk",
    }  # fmt: skip
    report = {
        "type": "report", "id": "report--00000000-0000-4000-8000-000000000003",
        "name": "KYC call", "published": "2026-03-04T10:00:00Z",
        "object_refs": [observed["id"], account["id"], "indicator--00000000-0000-4000-8000-00000000000f",
                        "relationship--00000000-0000-4000-8000-00000000000e"],
    }  # fmt: skip
    bundle = {"type": "bundle", "id": "bundle--1", "objects": [observed, account, report]}
    summary = import_file(_write(tmp_path, bundle, "b.json"), agencies["IN-CBI"])
    assert (summary.created, summary.rejected) == (1, 0)
    assert _keys(Complaint.objects.get()) == {"phone:+919123456789"}
    assert dict(summary.skipped) == {
        ("file", "not a kind of selector this node reads"): 1,
        ("user-account", "not a kind of selector this node reads"): 1,
        ("indicator", "not in this bundle"): 1,
    }


def test_values_the_schema_cannot_hold_are_skipped_not_the_event(
    agencies: dict[str, Agency], tmp_path: Path
) -> None:
    attributes = [
        {"type": "url", "value": "https://kyc-verify.in/" + "a" * 400, "uuid": "long"},
        {"type": "phone-number", "value": " ", "uuid": "empty"},
        {"type": "text", "value": "x" * 25_000, "uuid": "story"},
        {"type": "url", "value": "https://kyc-verify.in/login", "uuid": "good"},
    ]
    path = _write(tmp_path, _event(date="2026-03-04", Attribute=attributes))
    summary = import_file(path, agencies["IN-CBI"], rejects_path=tmp_path / "r.jsonl")
    assert (summary.created, summary.rejected) == (1, 0)
    complaint = Complaint.objects.get()
    assert complaint.suspect == {"urls": ["https://kyc-verify.in/login"]}
    assert len(complaint.narrative) == 20_000
    assert dict(summary.skipped) == {
        ("url", "longer than 300 characters"): 1,
        ("phone-number", "no value"): 1,
        ("narrative", "cut at 20000 characters (25014 given)"): 1,
    }
