"""CDR batches through the API and the CLI, saved campaigns, traceback requests and answers."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.conftest import assert_error
from tracebridge.agencies.models import AuditEvent
from tracebridge.agencies.services import create_agency, create_user
from tracebridge.telecom import ingest, services
from tracebridge.telecom.models import (
    Carrier,
    CdrBatch,
    RobocallCampaign,
    TracebackHop,
    TracebackRequest,
)

from .conftest import DAY0, cdr_row, world_rows, write_cdrs


def traced_rows() -> list[dict[str, Any]]:
    """One international call as three US carriers recorded it (the foreign one did not)."""
    base = {"calling_number": "+12025550143", "called_number": "+14155550111", "attestation": "C"}
    return [
        cdr_row(
            "VZ-9",
            "",
            "",
            DAY0,
            **base,
            orig_carrier="Inteliquent",
            term_carrier="Verizon",
            reporting_carrier="Verizon",
        ),
        cdr_row(
            "IQ-4",
            "",
            "",
            DAY0 + 1,
            **base,
            orig_carrier="Telx Wholesale",
            term_carrier="Inteliquent",
            reporting_carrier="Inteliquent",
        ),
        cdr_row(
            "TX-7",
            "",
            "",
            DAY0 + 2,
            **base,
            orig_carrier="Foreign Telecom",
            term_carrier="Telx Wholesale",
            reporting_carrier="Telx Wholesale",
        ),
    ]


@pytest.fixture
def carrier_user(agencies: Any) -> Any:
    agency = create_agency("CARRIER-VERIZON", "US", "Verizon Wireless")
    Carrier.objects.create(name="Verizon", agency=agency)
    user, _ = create_user("verizon-fraud", "CARRIER-VERIZON", "analyst", password="x" * 20)
    return user


def _upload(api: Any, path: Path, **extra: str) -> Any:
    with open(path, "rb") as fh:
        return api.client.post("/api/v1/cdrs", {"file": fh, **extra}, headers=api.headers)


def test_carrier_uploads_cdrs_with_its_token(carrier_user, api_for, tmp_path, settings) -> None:
    path = write_cdrs(tmp_path / "vz.parquet", world_rows())
    response = _upload(api_for(carrier_user), path)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["agency"] == "CARRIER-VERIZON"
    assert body["rows"] == 237
    assert body["stats"]["duplicates"] == 1
    assert body["stats"]["invalid_caller_ids"] == 5
    assert body["accepted"] == 236
    batch = CdrBatch.objects.get()
    stored = Path(settings.HOME) / "cdr" / batch.path
    assert stored.exists()
    assert AuditEvent.objects.filter(action="cdr.import", outcome="ok").count() == 1
    listed = api_for(carrier_user).get("/cdrs").json()
    assert listed["total"] == 1
    assert AuditEvent.objects.filter(action="cdrbatch.list", user=carrier_user).count() == 1


def test_rows_without_call_id_are_rejected_and_listed(carrier_user, api_for, tmp_path) -> None:
    rows = world_rows()
    rows[5] = dict(rows[5], call_id=None)
    rows[6] = dict(rows[6], start_time=None)
    path = write_cdrs(tmp_path / "vz.csv", rows)
    body = _upload(api_for(carrier_user), path).json()
    assert body["rejected"] == 2
    batch = CdrBatch.objects.get()
    rejects = (Path(services.cdr_store()) / batch.path).with_suffix(".rejects.csv").read_text()
    assert "6,no call_id" in rejects and "7,no usable start_time" in rejects


def test_unusable_upload_answers_in_the_error_shape(carrier_user, api_for, tmp_path) -> None:
    path = write_cdrs(tmp_path / "x.csv", world_rows(), drop=("calling_number",))
    error = assert_error(_upload(api_for(carrier_user), path), 422, "unusable_file")
    assert "missing columns calling_number" in error["message"]
    assert CdrBatch.objects.count() == 0
    other = tmp_path / "x.txt"
    other.write_text("hello")
    assert_error(_upload(api_for(carrier_user), other), 422, "invalid")
    error = assert_error(_upload(api_for(carrier_user), path, tlp="PURPLE"), 422, "invalid")
    assert error["details"] == [{"field": "tlp", "message": "PURPLE"}]


def test_upload_needs_a_token_and_a_role(viewer, api_for, tmp_path) -> None:
    path = write_cdrs(tmp_path / "vz.parquet", world_rows())
    assert_error(_upload(api_for(None), path), 401, "unauthenticated")
    assert_error(_upload(api_for(viewer), path), 403, "forbidden")


def test_analyze_command_saves_campaigns_and_api_shows_them(
    analyst, api_for, cdr_file, tmp_path
) -> None:
    out = io.StringIO()
    call_command(
        "cdr",
        "analyze",
        str(cdr_file),
        "--out",
        str(tmp_path / "o"),
        "--save-as",
        "US-FBI",
        stdout=out,
    )
    assert "2 campaigns" in out.getvalue() and "2 saved" in out.getvalue()
    api = api_for(analyst)
    listed = api.get("/robocalls").json()
    assert listed["total"] == 2
    first = listed["items"][0]
    detail = api.get(f"/robocalls/{first['campaign_id']}").json()
    assert detail["reasons"][0].startswith("low completion")
    assert len(detail["sample_calls"]) == 20
    assert detail["numbers"][0]["key"].startswith("phone:+1")
    assert AuditEvent.objects.filter(action="robocallcampaign.read").count() == 1
    assert AuditEvent.objects.filter(action="robocallcampaign.list", user=analyst).count() == 1


def test_other_agencies_do_not_see_amber_campaigns(
    analyst, cbi_analyst, api_for, cdr_file, tmp_path
) -> None:
    services.run_analysis([cdr_file], tmp_path / "o")
    saved = services.save_results(tmp_path / "o", analyst.agency)
    api = api_for(cbi_analyst)
    assert api.get("/robocalls").json()["total"] == 0
    assert_error(api.get(f"/robocalls/{saved[0].campaign_id}"), 404, "not_found")
    assert AuditEvent.objects.filter(action="robocallcampaign.read", outcome="denied").exists()


def test_cdr_import_command_and_errors(agencies, tmp_path) -> None:
    path = write_cdrs(tmp_path / "a.parquet", world_rows())
    out = io.StringIO()
    call_command("cdr", "import", str(path), "--agency", "US-FBI", stdout=out)
    assert "237 rows, 236 stored, 0 rejected" in out.getvalue()
    bad = write_cdrs(tmp_path / "b.csv", world_rows(), drop=("call_id",))
    with pytest.raises(CommandError, match="missing columns call_id"):
        call_command("cdr", "import", str(bad), "--agency", "US-FBI")
    with pytest.raises(CommandError, match="no such file"):
        call_command("cdr", "analyze", str(tmp_path / "none.parquet"), "--out", str(tmp_path / "o"))


@pytest.fixture
def traced_store(agencies: Any, tmp_path: Path) -> None:
    path = write_cdrs(tmp_path / "t.parquet", traced_rows())
    services.import_cdrs(path, None, agencies["US-FBI"])
    Carrier.objects.create(name="Telx Wholesale", gateway=True)


def test_hop_records_are_those_within_the_window_whatever_the_spelling(tmp_path: Path) -> None:
    """A hop record matches on the last ten digits of both numbers, however written, and on a
    start within the tolerance either side (inclusive); the window is read as a time range."""
    spellings = [("+12025550143", "+14155550111"), ("2025550143", "1 (415) 555-0111")]
    rows = [
        cdr_row(f"H{i}", *spellings[i % 2], DAY0 + offset, reporting_carrier=f"C{i}")
        for i, offset in enumerate((-11, -10, 0, 10, 11))
    ]
    rows.append(cdr_row("OTHER", "+12025550143", "+14155550112", DAY0))
    target = tmp_path / "store" / "batch-1.parquet"
    ingest.store_batch(write_cdrs(tmp_path / "hops.parquet", rows), target, None)
    found = ingest.records_near(target.parent, "2025550143", "4155550111", float(DAY0), 10.0)
    assert sorted((r["call_id"], r["start_time"] - DAY0) for r in found) == [
        ("H1", -10.0),
        ("H2", 0.0),
        ("H3", 10.0),
    ]


def test_traceback_command_prints_the_path(traced_store) -> None:
    out = io.StringIO()
    call_command("traceback", "--call", "IQ-4", stdout=out)
    text = out.getvalue()
    assert "0. Verizon [terminating] <- Inteliquent" in text
    assert "2. Telx Wholesale [gateway] <- Foreign Telecom" in text
    assert text.strip().endswith("entered the US at Telx Wholesale from Foreign Telecom")
    with pytest.raises(CommandError, match="no stored CDR"):
        call_command("traceback", "--call", "nope")


def test_traceback_workflow_through_the_api(
    traced_store, analyst, carrier_user, api_for, make_user
) -> None:
    api = api_for(analyst)
    opened = api.post("/traceback", {"call_id": "VZ-9", "note": "victim report"}).json()
    ref = opened["reference"]
    assert opened["path"][0]["carrier"] == "Verizon"
    assert opened["path"][0]["status"] == "pending"
    carrier_api = api_for(carrier_user)
    waiting = carrier_api.get("/traceback/hops").json()
    assert [h["reference"] for h in waiting["items"]] == [ref]
    assert set(waiting["items"][0]) >= {"calling_number", "called_number", "start_time", "due_at"}
    # The analyst's agency is not the asked carrier: it cannot answer for it.
    assert_error(api.post(f"/traceback/{ref}/hops/0", {"upstream": "X"}), 404, "not_found")
    # An answer without an upstream is an invalid field (422; was 409, as if a state conflict).
    empty = assert_error(carrier_api.post(f"/traceback/{ref}/hops/0", {}), 422, "invalid")
    assert empty["details"][0]["field"] == "upstream"
    answered = carrier_api.post(f"/traceback/{ref}/hops/0", {"upstream": "Inteliquent"}).json()
    assert answered["upstream"] == "Inteliquent"
    assert_error(carrier_api.post(f"/traceback/{ref}/hops/0", {"upstream": "Y"}), 409, "conflict")
    path = api.get(f"/traceback/{ref}").json()["path"]
    assert [(h["carrier"], h["status"]) for h in path] == [
        ("Verizon", "answered"),
        ("Inteliquent", "pending"),
    ]
    # Inteliquent has no member agency: its hop goes overdue and is flagged.
    TracebackHop.objects.filter(position=1).update(due_at=timezone.now() - timedelta(minutes=1))
    path = api.get(f"/traceback/{ref}").json()["path"]
    assert path[1]["overdue"] is True
    listed = api.get("/traceback").json()
    assert [r["reference"] for r in listed["items"]] == [ref]
    assert [h["carrier"] for h in listed["items"][0]["path"]] == ["Verizon", "Inteliquent"]
    assert AuditEvent.objects.filter(action="tracebackrequest.list", user=analyst).count() == 1


def test_gateway_answer_completes_the_request(traced_store, analyst, make_user) -> None:
    request = services.open_traceback(analyst, "VZ-9")
    hop = request.hops.get()
    hop.carrier = Carrier.objects.get(name="Telx Wholesale")
    hop.save()
    Carrier.objects.create(name="Foreign Telecom", country="IN")
    operator = make_user("operator", "US-FBI")
    services.answer_hop(operator, hop, services.Answer(upstream="Foreign Telecom"))
    request.refresh_from_db()
    assert request.status == "complete"
    assert request.outcome == "entered the US at Telx Wholesale from Foreign Telecom"


def test_originated_here_and_loops(traced_store, analyst, make_user) -> None:
    operator = make_user("operator", "US-FBI")
    first = services.open_traceback(analyst, "VZ-9")
    services.answer_hop(
        operator,
        first.hops.get(),
        services.Answer(originated_here=True, customer="Acme Dialer LLC"),
    )
    first.refresh_from_db()
    assert first.outcome == "originated by Verizon for customer Acme Dialer LLC"
    second = services.open_traceback(analyst, "VZ-9")
    services.answer_hop(operator, second.hops.get(), services.Answer(upstream="Inteliquent"))
    services.answer_hop(operator, second.hops.get(position=1), services.Answer(upstream="Verizon"))
    second.refresh_from_db()
    assert second.status == "stalled" and "loop" in second.outcome


def test_open_traceback_for_unknown_call(traced_store, analyst, api_for) -> None:
    assert_error(api_for(analyst).post("/traceback", {"call_id": "nope"}), 404, "not_found")
    assert_error(api_for(analyst).get("/traceback/TB-0"), 404, "not_found")


def test_pages_render_and_escape(traced_store, analyst, client_for, cdr_file, tmp_path) -> None:
    services.run_analysis([cdr_file], tmp_path / "o")
    saved = services.save_results(tmp_path / "o", analyst.agency)
    RobocallCampaign.objects.filter(pk=saved[0].pk).update(reasons="<script>x</script>")
    client = client_for(analyst)
    page = client.get("/robocalls/").content.decode()
    assert saved[0].campaign_id in page
    detail = client.get(f"/robocalls/{saved[0].campaign_id}/").content.decode()
    assert "&lt;script&gt;" in detail and "<script>x" not in detail
    response = client.post("/traceback/open/", {"call_id": "VZ-9"})
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "Verizon" in follow
    listing = client.get("/traceback/").content.decode()
    assert "TB-" in listing
    missing = client.post("/traceback/open/", {"call_id": "nope"})
    assert missing.status_code == 302 and missing["Location"].endswith("/traceback/")


@pytest.mark.parametrize(
    ("kind", "shown"),
    [
        ("origin", "origin (origid and day)"),
        ("caller", "caller number"),
        ("route", "route into the network (no origid; hour)"),
        ("exchange", "exchange dialled (no origid; day)"),
    ],
)
def test_pages_name_how_a_campaign_was_grouped(
    analyst, client_for, cdr_file, tmp_path, kind, shown
) -> None:
    services.run_analysis([cdr_file], tmp_path / "o")
    saved = services.save_results(tmp_path / "o", analyst.agency)
    RobocallCampaign.objects.filter(pk=saved[0].pk).update(key_kind=kind)
    client = client_for(analyst)
    for url in ("/robocalls/", f"/robocalls/{saved[0].campaign_id}/"):
        page = client.get(url).content.decode()
        assert f"{shown}: {saved[0].key}" in page, url


def test_pages_need_sign_in(client) -> None:
    assert client.get("/robocalls/").status_code == 302
    assert client.get("/traceback/").status_code == 302


def test_traceback_list_reads_paths_without_a_query_per_request(
    traced_store, analyst, api_for
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_for(analyst)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/traceback").status_code == 200
        return len(captured)

    services.open_traceback(analyst, "VZ-9")
    one = queries()
    for _ in range(3):
        services.open_traceback(analyst, "VZ-9")
    assert queries() == one
    assert api.get("/traceback").json()["items"][0]["path"][0]["carrier"] == "Verizon"


def test_traceback_only_for_calls_in_batches_the_user_may_see(
    traced_store, analyst, cbi_analyst, api_for
) -> None:
    """The FBI's AMBER batch is not the CBI's to read: opening a traceback on one of its calls
    answers as if no such call were stored, and nothing about it is kept."""
    assert_error(api_for(cbi_analyst).post("/traceback", {"call_id": "VZ-9"}), 404, "not_found")
    assert not TracebackRequest.objects.exists()
    assert api_for(analyst).post("/traceback", {"call_id": "VZ-9"}).json()["call_id"] == "VZ-9"
    assert services.call_records("VZ-9", cbi_analyst) == []
    assert {r.call_id for r in services.call_records("VZ-9")} == {"VZ-9"}
