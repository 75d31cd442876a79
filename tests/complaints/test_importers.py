from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.complaints.conftest import record, us_record
from tracebridge.agencies.models import Agency
from tracebridge.complaints import bulk
from tracebridge.complaints.importers import ImportFormatError, detect_format, import_file
from tracebridge.complaints.models import Complaint, Sighting

pytestmark = pytest.mark.django_db

DNC_HEADER = (
    "Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,"
    "Consumer_Area_Code,Subject,Recorded_Message_Or_Robocall\n"
)
DNC_ROWS = [
    "8445550199,2026-03-01 10:11:12,2026-02-28 09:00:00,Austin,Texas,512,Computer & technical support,Y",
    '2025550143,2026-03-01 11:00:00,,"Winston-Salem",North Carolina,336,"Reducing your debt (credit cards, mortgage, student loans)",',
    ",2026-03-02 08:00:00,,,,,,",  # empty fields: still a complaint, never dropped
]


def rejects(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_canonical_good_and_broken_rows(
    agencies: dict[str, Agency], write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_jsonl(
        [
            record("A"),
            '{"ref": "B", "source": "NCRP"}',
            "not json",
            record("C"),
            '{"ref": "D", "sou',
        ]
    )
    with path.open("ab") as f:
        f.write(b'{"ref": "\xff\xfe"}\n' + b'{"narrative": "' + b"x" * (1 << 21) + b'"}\n')
    summary = import_file(path, agencies["IN-I4C"], rejects_path=tmp_path / "rej.jsonl")
    assert (summary.rows, summary.created, summary.rejected) == (7, 2, 5)
    bad = rejects(tmp_path / "rej.jsonl")
    assert [r["line"] for r in bad] == [2, 3, 5, 6, 7]
    assert "country: Field required" in bad[0]["reason"]
    assert "Invalid JSON" in bad[1]["reason"]
    assert "Invalid JSON" in bad[2]["reason"]  # truncated JSON
    assert "not UTF-8" in bad[3]["reason"]
    assert "longer than the limit" in bad[4]["reason"]
    assert set(Complaint.objects.values_list("ref", flat=True)) == {"A", "C"}


def test_reimport_changes_nothing_and_changed_rows_update(
    agencies: dict[str, Agency], write_jsonl: Callable[..., Path]
) -> None:
    path = write_jsonl([record(f"R{i}") for i in range(5)])
    first = import_file(path, agencies["IN-I4C"])
    ids = list(Complaint.objects.order_by("pk").values_list("pk", flat=True))
    sightings = Sighting.objects.count()
    again = import_file(path, agencies["IN-I4C"])
    assert (first.created, again.created, again.unchanged) == (5, 0, 5)
    assert Sighting.objects.count() == sightings
    changed = write_jsonl(
        [record("R0", suspect={"phones": ["+91 99887 76655"]}, narrative="")], "v2.jsonl"
    )
    assert import_file(changed, agencies["IN-I4C"]).updated == 1
    assert list(Complaint.objects.order_by("pk").values_list("pk", flat=True)) == ids
    keys = set(Sighting.objects.filter(complaint__ref="R0").values_list("key", flat=True))
    assert keys == {"phone:+919988776655"}


def test_crash_midway_then_rerun_loses_and_duplicates_nothing(
    agencies: dict[str, Agency], write_jsonl: Callable[..., Path], monkeypatch: Any
) -> None:
    path = write_jsonl([us_record(f"K{i}") for i in range(25)])
    real = bulk.insert_sightings
    calls = {"n": 0}

    def dies_on_third_batch(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "insert_sightings", dies_on_third_batch)
    with pytest.raises(KeyboardInterrupt):
        import_file(path, agencies["US-FBI"], batch=10)
    assert Complaint.objects.count() == 20  # two whole batches, nothing of the third
    monkeypatch.setattr(bulk, "insert_sightings", real)
    rerun = import_file(path, agencies["US-FBI"], batch=10)
    assert (rerun.created, rerun.unchanged) == (5, 20)
    assert Complaint.objects.count() == 25
    assert Sighting.objects.filter(complaint__ref="K24").exists()


def test_ftc_dnc_csv(agencies: dict[str, Agency], tmp_path: Path) -> None:
    path = tmp_path / "dnc.csv"
    bad = ["2025551234,bad-date,,Miami,Florida,305,Imposters,", "2025551234,2026-03-01 10:00:00"]
    path.write_text(DNC_HEADER + "\n".join(DNC_ROWS + bad) + "\n", encoding="utf-8")
    with path.open("ab") as f:
        f.write(b"2025551234,2026-03-03 10:00:00,,Caf\xe9,Texas,512,Other,\n")
    summary = import_file(path, agencies["US-FTC"], rejects_path=tmp_path / "r.jsonl")
    assert (summary.format, summary.created, summary.rejected) == ("ftc-dnc", 3, 3)
    reasons = [r["reason"] for r in rejects(tmp_path / "r.jsonl")]
    assert reasons[0].startswith("Created_Date")
    assert reasons[1] == "expected 8 fields, found 2"
    assert reasons[2] == "not UTF-8 text"
    robo = Complaint.objects.get(suspect__phones=["8445550199"])
    assert (robo.channel, robo.scam_type, robo.tlp, robo.country) == (
        "robocall",
        "tech_support",
        "CLEAR",
        "US",
    )
    assert robo.received_at.isoformat() == "2026-03-01T15:11:12+00:00"  # Eastern -> UTC
    assert robo.victim == {"city": "Austin", "state": "Texas"}
    assert robo.sightings.filter(key="phone:+18445550199").exists()
    assert import_file(path, agencies["US-FTC"]).unchanged == 3


def test_ftc_dnc_wrong_columns(agencies: dict[str, Agency], tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("Number,Date\n8445550199,2026-03-01\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="missing column"):
        import_file(path, agencies["US-FTC"])


STIX_PHONE = "phone-number--7a5e6ef8-3cb0-5e63-a0e5-0d3bb0c1d4e2"
STIX_UPI = "user-account--1b7a4c3a-55bd-5b9e-9b0e-46b1fd0fb7b3"


def stix_bundle() -> dict[str, Any]:
    return {
        "type": "bundle",
        "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
        "objects": [
            {
                "type": "phone-number",
                "spec_version": "2.1",
                "id": STIX_PHONE,
                "value": "+91 98123 45678",
            },
            {
                "type": "user-account",
                "spec_version": "2.1",
                "id": STIX_UPI,
                "account_type": "upi",
                "user_id": "rahul.verma@okaxis",
            },
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": "indicator--a932fcc6-e032-476c-826f-cb970a5a1ade",
                "created": "2026-03-01T00:00:00.000Z",
                "modified": "2026-03-01T00:00:00.000Z",
                "pattern": "[url:value = 'https://kyc-verify.in/login']",
                "pattern_type": "stix",
                "valid_from": "2026-03-01T00:00:00Z",
            },
            {
                "type": "report",
                "spec_version": "2.1",
                "id": "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
                "created": "2026-03-02T05:00:00.000Z",
                "modified": "2026-03-02T05:00:00.000Z",
                "name": "KYC fraud complaint",
                "description": "Victim paid <b>₹24,999</b> after a KYC call.",
                "published": "2026-03-02T05:00:00Z",
                "report_types": ["threat-report"],
                "labels": ["kyc-update"],
                "object_refs": [
                    STIX_PHONE,
                    STIX_UPI,
                    "indicator--a932fcc6-e032-476c-826f-cb970a5a1ade",
                ],
                "object_marking_refs": ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],
                "external_references": [{"source_name": "NCRP", "external_id": "NCRP-31337"}],
                "x_tracebridge_country": "IN",
            },
            {
                "type": "report",
                "spec_version": "2.1",
                "id": "report--00000000-0000-4000-8000-000000000002",
                "created": "not a time",
                "modified": "2026-03-02T05:00:00.000Z",
                "name": "broken",
                "object_refs": [STIX_PHONE],
            },
        ],
    }


def test_stix_bundle(agencies: dict[str, Agency], tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(stix_bundle()), encoding="utf-8")
    assert detect_format(path) == "stix"
    summary = import_file(path, agencies["IN-CBI"], rejects_path=tmp_path / "r.jsonl")
    assert (summary.created, summary.rejected) == (1, 1)
    complaint = Complaint.objects.get()
    assert (complaint.ref, complaint.scam_type, complaint.tlp) == (
        "NCRP-31337",
        "kyc_update",
        "AMBER",
    )
    keys = set(complaint.sightings.values_list("key", flat=True))
    assert {
        "phone:+919812345678",
        "upi:rahul.verma@okaxis",
        "url:https://kyc-verify.in/login",
    } <= keys
    assert (
        rejects(tmp_path / "r.jsonl")[0]["item"] == "report--00000000-0000-4000-8000-000000000002"
    )


def test_stix_bundle_cut_short_keeps_what_came_before(
    agencies: dict[str, Agency], tmp_path: Path
) -> None:
    text = json.dumps(stix_bundle())
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index('"report--00000000')], encoding="utf-8")
    summary = import_file(path, agencies["IN-CBI"], fmt="stix", rejects_path=tmp_path / "r.jsonl")
    assert summary.created == 1
    assert "cut short" in rejects(tmp_path / "r.jsonl")[-1]["reason"]


def misp_event(uuid: str, **changes: Any) -> dict[str, Any]:
    event = {
        "uuid": uuid,
        "info": "Digital arrest call: caller posed as CBI officer",
        "date": "2026-03-04",
        "timestamp": "1772600000",
        "Tag": [
            {"name": "tlp:amber"},
            {"name": "PAP:GREEN"},
            {"name": 'tracebridge:scam-type="digital_arrest"'},
            {"name": 'tracebridge:country="IN"'},
        ],
        "Attribute": [
            {"type": "phone-number", "category": "Other", "value": "+91 91234 56789"},
            {"type": "text", "category": "Other", "value": "Asked for payment over Skype."},
        ],
        "Object": [
            {
                "name": "bank-account",
                "Attribute": [
                    {
                        "object_relation": "account-nr",
                        "type": "bank-account-nr",
                        "value": "50100234567890",
                    }
                ],
            },
            {
                "name": "coin-address",
                "Attribute": [
                    {
                        "object_relation": "address",
                        "type": "btc",
                        "value": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                    }
                ],
            },
            {
                "name": "person",
                "Attribute": [
                    {
                        "object_relation": "phone-number",
                        "type": "phone-number",
                        "value": "+91 98765 43210",
                    }
                ],
            },
        ],
    }
    event.update(changes)
    return event


BAD_COUNTRY = {"name": 'tracebridge:country="India"'}  # not an ISO code: the event is rejected


def test_misp_events(agencies: dict[str, Agency], tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    events = {
        "response": [
            {"Event": misp_event("5f0c4a5e-1111-4aaa-8bbb-000000000001")},
            {"Event": misp_event("5f0c4a5e-1111-4aaa-8bbb-00000000000f", Tag=[BAD_COUNTRY])},
        ]
    }
    path.write_text(json.dumps(events), encoding="utf-8")
    assert detect_format(path) == "misp"
    summary = import_file(path, agencies["IN-CBI"], rejects_path=tmp_path / "r.jsonl")
    assert (summary.created, summary.rejected) == (1, 1)
    complaint = Complaint.objects.get()
    assert (complaint.scam_type, complaint.tlp, complaint.pap, complaint.source) == (
        "digital_arrest",
        "AMBER",
        "GREEN",
        "MISP",
    )
    assert "Skype" in complaint.narrative
    keys = set(complaint.sightings.values_list("key", flat=True))
    assert "phone:+919123456789" in keys
    assert "phone:+919876543210" not in keys  # a person object may be the victim
    assert any(k.startswith("wallet:btc:") for k in keys)
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"Event": misp_event("5f0c4a5e-1111-4aaa-8bbb-000000000002")}))
    assert import_file(single, agencies["IN-CBI"]).created == 1


def test_misp_text_attribute_that_repeats_a_selector_stays_out_of_the_narrative(
    agencies: dict[str, Agency], tmp_path: Path
) -> None:
    attributes = [
        {"type": "phone-number", "value": "+91 91234 56789"},
        {"type": "text", "object_relation": "phone-number", "value": "+91 91234 56789"},
        {"type": "comment", "value": "Asked for payment over Skype."},
    ]
    path = tmp_path / "event.json"
    event = misp_event("5f0c4a5e-1111-4aaa-8bbb-000000000003", Attribute=attributes, Object=[])
    path.write_text(json.dumps({"Event": event}), encoding="utf-8")
    assert import_file(path, agencies["IN-CBI"], fmt="misp").created == 1
    complaint = Complaint.objects.get()
    assert complaint.narrative == (
        "Digital arrest call: caller posed as CBI officer\n\nAsked for payment over Skype."
    )
    assert complaint.suspect["phones"] == ["+91 91234 56789"]


def test_misp_not_json(agencies: dict[str, Agency], tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"Event": {"uuid": "a", "info": "x", "date": "2026-01-01"', encoding="utf-8")
    summary = import_file(path, agencies["IN-CBI"], fmt="misp", rejects_path=tmp_path / "r.jsonl")
    assert summary.rejected == 1
    with pytest.raises(ImportFormatError):
        (tmp_path / "y.json").write_text("hello")
        import_file(tmp_path / "y.json", agencies["IN-CBI"], fmt="misp")


def test_command_prints_summary(
    agencies: dict[str, Agency], write_jsonl: Callable[..., Path], capsys: Any
) -> None:
    path = write_jsonl([us_record("CMD-1"), "oops"])
    call_command("import", "complaints", str(path), "--agency", "US-FBI")
    out = capsys.readouterr().out
    assert "1 new" in out and "1 rejected" in out and "rejects in" in out
    with pytest.raises(CommandError, match="no agency"):
        call_command("import", "complaints", str(path), "--agency", "XX-NONE")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", "complaints", "/nonexistent.jsonl", "--agency", "US-FBI")


def test_worker_processes_give_the_same_result(
    agencies: dict[str, Agency], write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    rows: list[Any] = [us_record(f"W{i}") for i in range(1200)]
    rows[700] = "not json"
    path = write_jsonl(rows)
    summary = import_file(path, agencies["US-FBI"], workers=1, rejects_path=tmp_path / "r.jsonl")
    assert (summary.created, summary.rejected) == (1199, 1)
    assert rejects(tmp_path / "r.jsonl")[0]["line"] == 701
    assert Sighting.objects.filter(complaint__ref="W1199", key="phone:+18445550199").exists()
    assert import_file(path, agencies["US-FBI"], workers=1).unchanged == 1199


def test_to_canonical_leaves_victim_out_unless_asked(agencies: dict[str, Agency]) -> None:
    from tracebridge.complaints.services import ingest, to_canonical

    ingest([record()], agencies["IN-I4C"])
    complaint = Complaint.objects.get()
    assert to_canonical(complaint)["victim"] is None
    assert to_canonical(complaint, with_victim=True)["victim"]["name"] == "Asha Devi"
    loss = {"amount": "24999.00", "currency": "INR", "payment_method": "upi"}
    assert to_canonical(complaint)["loss"] == loss
    complaint.loss_amount = None
    assert "loss" not in to_canonical(complaint)


def test_add_selector_makes_bank_accounts_and_keeps_each_value_once() -> None:
    from tracebridge.complaints.importers.base import add_selector

    suspect: dict[str, list[Any]] = {}
    for target, value in [
        ("phones", "+1 844"),
        ("phones", "+1 844"),
        ("iban", "DE89"),
        ("account", "501"),
    ]:
        add_selector(suspect, target, value)
    assert suspect == {
        "phones": ["+1 844"],
        "bank_accounts": [{"iban": "DE89"}, {"account": "501"}],
    }


@pytest.mark.parametrize(
    ("subject", "scam_type"),
    [
        ("Calls pretending to be government, businesses, or family and friends", "government_impersonation"),
        ("Imposters", "government_impersonation"),
        ("Work from home", "job_offer"),
        ("Energy, solar, & utilities", "utility"),
        ("Medical & prescriptions", "other"),
        ("Dropped call or no message", "unknown"),
        ("", "unknown"),
    ],
)  # fmt: skip
def test_ftc_dnc_subjects_become_scam_types(
    agencies: dict[str, Agency], tmp_path: Path, subject: str, scam_type: str
) -> None:
    path = tmp_path / "dnc.csv"
    row = f'8445550199,2026-03-01 10:11:12,,Austin,Texas,512,"{subject}",Y'
    path.write_text(DNC_HEADER + row + "\n", encoding="utf-8")
    import_file(path, agencies["US-FTC"], "ftc-dnc")
    assert Complaint.objects.get().scam_type == scam_type
