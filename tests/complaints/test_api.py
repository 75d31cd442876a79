from __future__ import annotations

from typing import Any

import pytest

from tests.complaints.conftest import record, us_record
from tests.conftest import assert_error
from tracebridge.agencies.models import AuditEvent
from tracebridge.complaints.models import Complaint, Sighting

pytestmark = pytest.mark.django_db


def test_post_one_complaint_creates_it_with_sightings(api_for: Any, cbi_analyst: Any) -> None:
    api = api_for(cbi_analyst)
    response = api.post("/complaints", record())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 0, 0)
    complaint = Complaint.objects.get(pk=body["ids"][0])
    assert complaint.agency.code == "IN-CBI"
    keys = set(Sighting.objects.filter(complaint=complaint).values_list("key", flat=True))
    assert "phone:+919812345678" in keys
    assert "upi:rahul.verma@okaxis" in keys
    assert "phone:+919876543210" not in keys  # the victim's own number is never a sighting


def test_post_again_is_a_no_op(api_for: Any, cbi_analyst: Any) -> None:
    api = api_for(cbi_analyst)
    api.post("/complaints", record())
    again = api.post("/complaints", record())
    assert again.status_code == 200
    assert again.json()["unchanged"] == 1
    assert Complaint.objects.count() == 1


def test_batch_is_all_or_nothing_and_names_index_and_field(api_for: Any, cbi_analyst: Any) -> None:
    api = api_for(cbi_analyst)
    bad = record("NC-2", loss={"amount": "lots", "currency": "INR"})
    error = assert_error(api.post("/complaints", [record("NC-1"), bad]), 422, "invalid")
    assert {"field": "1.loss.amount", "message": "Input should be a valid decimal"} in error[
        "details"
    ]
    assert Complaint.objects.count() == 0


def test_batch_of_many(api_for: Any, analyst: Any) -> None:
    api = api_for(analyst)
    response = api.post("/complaints", [us_record(f"IC3-{i}") for i in range(50)])
    assert response.status_code == 201
    assert response.json()["created"] == 50


def test_batch_over_the_limit_is_too_large(api_for: Any, analyst: Any) -> None:
    api = api_for(analyst)
    assert_error(
        api.post("/complaints", [us_record(f"X{i}") for i in range(10_001)]), 413, "too_large"
    )


def test_body_over_the_upload_limit_is_too_large(api_for: Any, analyst: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1 << 20
    body = [us_record(f"X{i}", narrative="x" * 5000) for i in range(300)]
    error = assert_error(api_for(analyst).post("/complaints", body), 413, "too_large")
    assert "1 MiB" in error["message"]
    assert Complaint.objects.count() == 0


def test_viewer_cannot_submit(api_for: Any, viewer: Any) -> None:
    assert_error(api_for(viewer).post("/complaints", us_record()), 403, "forbidden")


def test_anonymous_cannot_list(api_for: Any, agencies: Any) -> None:
    assert_error(api_for(None).get("/complaints"), 401, "unauthenticated")


def test_list_filters_and_totals(api_for: Any, analyst: Any) -> None:
    api = api_for(analyst)
    api.post("/complaints", [us_record(f"IC3-{i}") for i in range(3)])
    api.post(
        "/complaints",
        us_record(
            "IC3-X",
            received_at="2025-01-01T00:00:00Z",
            scam_type="romance",
            suspect={},
            narrative="",
        ),
    )
    page = api.get("/complaints", limit=2).json()
    assert (page["total"], len(page["items"])) == (4, 2)
    assert api.get("/complaints", scam_type="romance").json()["total"] == 1
    assert api.get("/complaints", since="2026-01-01").json()["total"] == 3
    assert api.get("/complaints", until="2025-01-01").json()["total"] == 1
    # the same number in another spelling finds the same complaints
    assert api.get("/complaints", identifier="+1 844 555 0199").json()["total"] == 3
    assert api.get("/complaints", identifier="secure-help-desk[.]com").json()["total"] == 3
    assert AuditEvent.objects.filter(action="complaint.list").exists()


def test_list_rejects_bad_filters(api_for: Any, analyst: Any) -> None:
    api = api_for(analyst)
    error = assert_error(api.get("/complaints", since="yesterday"), 422, "invalid")
    assert error["details"][0]["field"] == "since"
    error = assert_error(api.get("/complaints", until="2026-02-30"), 422, "invalid")
    assert error["details"][0]["field"] == "until"
    assert_error(api.get("/complaints", scam_type="nope"), 422, "invalid")
    assert_error(api.get("/complaints", identifier="???"), 422, "invalid")


def test_until_a_date_includes_that_whole_day(api_for: Any, analyst: Any) -> None:
    api = api_for(analyst)
    api.post("/complaints", us_record("IC3-NOON", received_at="2025-01-01T12:00:00Z"))
    api.post("/complaints", us_record("IC3-NEXT", received_at="2025-01-02T00:00:00Z"))
    refs = [item["ref"] for item in api.get("/complaints", until="2025-01-01").json()["items"]]
    assert refs == ["IC3-NOON"]
    assert api.get("/complaints", until="2025-01-01T11:00:00Z").json()["total"] == 0
    assert api.get("/complaints", since="2025-01-02").json()["total"] == 1


def test_other_agency_sees_only_clear_and_never_victim_data(
    api_for: Any, analyst: Any, cbi_analyst: Any
) -> None:
    api_for(cbi_analyst).post("/complaints", [record("A"), record("C", tlp="CLEAR")])
    fbi = api_for(analyst)
    page = fbi.get("/complaints").json()
    assert [item["ref"] for item in page["items"]] == ["C"]
    assert page["items"][0]["victim"] == {}
    own = api_for(cbi_analyst).get("/complaints").json()["items"]
    assert own[0]["victim"]["name"] == "Asha Devi"
    assert own[0]["loss"] == {"amount": "24999.00", "currency": "INR", "payment_method": "upi"}


def test_read_one_is_audited_and_hidden_elsewhere(
    api_for: Any, analyst: Any, cbi_analyst: Any
) -> None:
    created = api_for(cbi_analyst).post("/complaints", record()).json()["ids"][0]
    mine = api_for(cbi_analyst).get(f"/complaints/{created}")
    assert mine.status_code == 200
    assert any(s["key"] == "upi:rahul.verma@okaxis" for s in mine.json()["sightings"])
    assert_error(api_for(analyst).get(f"/complaints/{created}"), 404, "not_found")
    outcomes = set(
        AuditEvent.objects.filter(action="complaint.read").values_list("outcome", flat=True)
    )
    assert outcomes == {"ok", "denied"}


def test_conflict_with_another_agencys_record(api_for: Any, analyst: Any, cbi_analyst: Any) -> None:
    api_for(cbi_analyst).post("/complaints", record())
    body = api_for(analyst).post("/complaints", record(narrative="changed")).json()
    assert body["conflicts"][0]["ref"] == "NC-1"
    assert Complaint.objects.get().narrative.startswith("Caller")
