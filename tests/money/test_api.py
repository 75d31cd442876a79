"""Money API: banks submit trails and answer holds; agencies trace and query the registry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import assert_error
from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import create_agency
from tracebridge.money import registry
from tracebridge.money.models import HoldRequest


@pytest.fixture
def banks(agencies: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    out = {}
    for code, name in (("BANK-SBIN", "State Bank of India"), ("BANK-HDFC", "HDFC Bank"),
                       ("BANK-BINANCE", "Binance")):  # fmt: skip
        create_agency(code, "IN", name)
        out[code] = make_user("analyst", code)
    return out


def _upload(api: Any, path: Path) -> Any:
    with open(path, "rb") as handle:
        return api.client.post("/api/v1/money/trails", {"file": handle}, headers=api.headers)


def test_bank_submits_a_trail_and_gets_a_report(
    banks: dict[str, Any], api_for: Callable[..., Any], story_csv: Path
) -> None:
    api = api_for(banks["BANK-HDFC"])
    response = _upload(api, story_csv)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rows"], body["stored"], body["rejected"]) == (7, 7, 0)
    again = _upload(api, story_csv).json()
    assert (again["stored"], again["duplicates"]) == (0, 7)
    listed = api.get("/money/trails").json()
    assert listed["total"] == 2 and listed["items"][0]["agency"] == "BANK-HDFC"
    assert AuditEvent.objects.filter(action="money.import").count() == 2


def test_upload_errors_have_the_one_shape(
    banks: dict[str, Any], api_for: Callable[..., Any], tmp_path: Path, viewer: Any
) -> None:
    (tmp_path / "x.txt").write_text("hello")
    assert_error(_upload(api_for(banks["BANK-HDFC"]), tmp_path / "x.txt"), 422, "invalid")
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    error = assert_error(_upload(api_for(banks["BANK-HDFC"]), tmp_path / "bad.csv"), 422, "invalid")
    assert "lacks the column" in error["message"]
    assert_error(_upload(api_for(viewer), tmp_path / "bad.csv"), 403, "forbidden")
    assert_error(_upload(api_for(None), tmp_path / "bad.csv"), 401, "unauthenticated")


def test_trace_a_complaint(
    analyst: Any, api_for: Callable[..., Any], home_store: Any, make_complaint: Callable[..., Any]
) -> None:
    make_complaint("IC3-1")
    body = api_for(analyst).get("/money/trace", complaint="IC3:IC3-1").json()
    assert body["complaint"] == "IC3:IC3-1"
    assert (body["currency"], body["paid"], body["holdable"]) == ("USD", "1000.00", "759.04")
    assert body["cashed_out"] == "240.96"
    assert body["matched_by"] == "complaint_ref"
    assert [lay["layer"] for lay in body["layers"]] == [1, 2, 3]
    assert body["hops"][0]["from"] == "US:021000021:12345678"
    assert AuditEvent.objects.filter(action="money.trace").exists()


def test_trace_by_reported_account_when_the_bank_did_not_tag_the_ref(
    analyst: Any, api_for: Callable[..., Any], home_store: Any, make_complaint: Callable[..., Any]
) -> None:
    make_complaint("OTHER-REF")  # same payee and amount as the story's IC3-1 payment
    body = api_for(analyst).get("/money/trace", complaint="OTHER-REF").json()
    assert (body["matched_by"], body["paid"]) == ("reported account", "1000.00")


def test_trace_by_transaction_and_bad_queries(
    analyst: Any, api_for: Callable[..., Any], home_store: Any, make_complaint: Callable[..., Any]
) -> None:
    api = api_for(analyst)
    body = api.get("/money/trace", txn="L3").json()
    assert (body["currency"], body["paid"]) == ("INR", "79050.00")
    assert_error(api.get("/money/trace"), 422, "invalid")
    assert_error(api.get("/money/trace", complaint="x", txn="y"), 422, "invalid")
    assert_error(api.get("/money/trace", txn="nope"), 404, "not_found")  # a kind: was 422
    assert_error(api.get("/money/trace", complaint="nope"), 404, "not_found")
    make_complaint("CBI-ONLY", agency="IN-CBI")
    assert_error(api.get("/money/trace", complaint="CBI-ONLY"), 404, "not_found")


def test_hold_requests_flow_to_the_banks_and_back(
    analyst: Any,
    supervisor: Any,
    banks: dict[str, Any],
    api_for: Callable[..., Any],
    home_store: Any,
    make_complaint: Callable[..., Any],
) -> None:
    make_complaint("IC3-1")
    created = api_for(analyst).post("/money/holds", {"complaint": "IC3-1"}).json()["items"]
    by_bank = {h["bank_agency"]: h for h in created}
    assert set(by_bank) == {"BANK-SBIN", "BANK-HDFC", "BANK-BINANCE"}
    assert by_bank["BANK-SBIN"]["amount"] == "50.00"
    assert by_bank["BANK-HDFC"]["recall_by"] is not None  # a wire: the 72-hour recall clock
    again = api_for(analyst).post("/money/holds", {"complaint": "IC3-1"}).json()["items"]
    assert len(again) == 3 and HoldRequest.objects.count() == 3  # idempotent

    sbi = api_for(banks["BANK-SBIN"])
    mine = sbi.get("/money/holds").json()
    assert mine["total"] == 1
    ref = mine["items"][0]["reference"]
    assert sbi.post(f"/money/holds/{ref}/answer", {"status": "acknowledged"}).json()["status"] == (
        "acknowledged"
    )
    too_much = sbi.post(f"/money/holds/{ref}/answer", {"status": "held", "amount_held": "51"})
    # An amount out of range is an invalid field (422), not a conflict of states (was 409).
    assert assert_error(too_much, 422, "invalid")["details"][0]["field"] == "amount_held"
    not_the_bank = api_for(analyst).post(f"/money/holds/{ref}/answer", {"status": "rejected"})
    assert "only the bank" in assert_error(not_the_bank, 403, "forbidden")["message"]
    held = sbi.post(f"/money/holds/{ref}/answer", {"status": "held", "amount_held": "50.00"})
    assert (held.json()["status"], held.json()["amount_held"]) == ("held", "50.00")
    assert_error(
        api_for(analyst).post(f"/money/holds/{ref}/answer", {"status": "released"}),
        403,
        "forbidden",
    )
    released = api_for(supervisor).post(f"/money/holds/{ref}/answer", {"status": "released"})
    assert released.json()["status"] == "released"
    detail = api_for(analyst).get(f"/money/holds/{ref}").json()
    assert [e["status"] for e in detail["events"]] == [
        "requested", "acknowledged", "held", "released"
    ]  # fmt: skip
    assert_error(api_for(banks["BANK-HDFC"]).get(f"/money/holds/{ref}"), 404, "not_found")
    assert_error(sbi.post(f"/money/holds/{ref}/answer", {"status": "held", "amount_held": "1"}),
                 409, "conflict")  # fmt: skip


def test_hold_request_needs_an_analyst(
    viewer: Any, api_for: Callable[..., Any], home_store: Any, make_complaint: Callable[..., Any]
) -> None:
    make_complaint("IC3-1")
    assert_error(api_for(viewer).post("/money/holds", {"complaint": "IC3-1"}), 403, "forbidden")


def test_registry_lookup_in_any_spelling(
    analyst: Any, banks: dict[str, Any], api_for: Callable[..., Any], home_store: Any
) -> None:
    registry.scan(analyst.agency, analyst)
    bank_api = api_for(banks["BANK-SBIN"])  # another agency: GREEN entries are community-wide
    found = bank_api.get("/money/registry", q="sbin0001234 0012 3456 7890").json()
    assert found["found"] == 1
    item = found["items"][0]
    assert item["account"] == "IN:SBIN0001234:001234567890"
    assert item["level"] in ("medium", "high", "very_high") and item["reasons"]
    upi = bank_api.get("/money/registry", q="Quick.Cash77@YBL").json()
    assert upi["found"] == 1
    assert bank_api.get("/money/registry", q="UPI:nobody12@ybl").json()["found"] == 0
    assert_error(bank_api.get("/money/registry", q=" "), 422, "invalid")


def test_registry_report_and_phone_lookup(
    analyst: Any, cbi_analyst: Any, api_for: Callable[..., Any]
) -> None:
    api = api_for(analyst)
    body = {"account": "UPI:9812345678@ybl", "level": "high", "reason": "victim's bank report"}
    entry = api.post("/money/registry", body).json()
    assert (entry["level"], entry["key"]) == ("high", "upi:9812345678@ybl")
    by_phone = api_for(cbi_analyst).get("/money/registry", q="+91 98123-45678").json()
    assert by_phone["found"] == 1
    assert_error(api.post("/money/registry", {**body, "level": "huge"}), 422, "invalid")
    assert_error(api.post("/money/registry", {**body, "account": "XX:1"}), 422, "invalid")
    assert_error(api.post("/money/registry", {**body, "tlp": "PINK"}), 422, "invalid")
    red = api.post("/money/registry", {**body, "account": "UPI:secret99@ybl", "tlp": "RED"})
    assert red.status_code == 200
    assert api_for(cbi_analyst).get("/money/registry", q="secret99@ybl").json()["found"] == 0
